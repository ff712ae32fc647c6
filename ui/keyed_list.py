"""A live list that changes only what changed: one element per item, found again by the item's key.

Rebuilding a whole list on every change (NiceGUI's `@ui.refreshable`) re-creates every element on the server,
resends every element and component script and makes the browser re-render them all, and it drops the focus and
any open menu inside the list. `KeyedList.sync` instead compares the wanted items with the shown ones: an item that
went away is deleted, a new one is created and moved to its place in the order, a changed one is updated in place
(its element stays, so focus inside it survives), and everything else is not touched at all. Every live list in
the portal uses this one mechanism.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from nicegui.element import Element

T = TypeVar('T')
T_contra = TypeVar('T_contra', contravariant=True)


class ItemView(Protocol[T_contra]):
    """What a list shows for one item: its element, and how to show a newer version of the same item."""

    @property
    def element(self) -> Element: ...

    def show(self, item: T_contra) -> None: ...


@dataclass(slots=True)
class _Shown(Generic[T]):
    view: ItemView[T]
    version: Hashable


class KeyedList(Generic[T]):
    """The items of `container`, kept in the order `sync` is given; `create` builds the view of a new item."""

    def __init__(self, container: Element, *, key: Callable[[T], str], create: Callable[[T], ItemView[T]],
                 version: Callable[[T], Hashable] = lambda item: item) -> None:
        self._container = container
        self._key = key
        self._create = create
        self._version = version  # equal versions mean "nothing to update" (frozen dataclasses compare by value)
        self._shown: dict[str, _Shown[T]] = {}
        self._order: list[str] = []

    def __len__(self) -> int:
        return len(self._order)

    def keys(self) -> tuple[str, ...]:
        return tuple(self._order)

    def sync(self, items: Sequence[T]) -> None:
        """Show exactly `items`, in this order, changing as few elements as possible."""
        wanted = [self._key(item) for item in items]
        wanted_set = set(wanted)
        for key in [key for key in self._order if key not in wanted_set]:
            shown = self._shown.pop(key)
            if not shown.view.element.is_deleted:
                shown.view.element.delete()
        self._order = [key for key in self._order if key in wanted_set]
        for index, (key, item) in enumerate(zip(wanted, items, strict=True)):
            version = self._version(item)
            shown = self._shown.get(key)
            if shown is None:
                with self._container:
                    view = self._create(item)
                self._shown[key] = _Shown(view=view, version=version)
                self._place(view.element, key, index, new=True)
                continue
            if shown.version != version:
                shown.view.show(item)
                shown.version = version
            if self._order[index] != key:
                self._place(shown.view.element, key, index, new=False)

    def drop(self, key: str) -> None:
        """Remove one item's element now, ahead of the change that will remove the item (a later `sync` agrees)."""
        shown = self._shown.pop(key, None)
        if shown is None:
            return
        self._order.remove(key)
        if not shown.view.element.is_deleted:
            shown.view.element.delete()

    def _place(self, element: Element, key: str, index: int, *, new: bool) -> None:
        """Put `element` at `index`; the container holds the list's elements only, and a new one starts last."""
        if not new:
            self._order.remove(key)
        self._order.insert(index, key)
        if not new or index != len(self._order) - 1:
            element.move(target_index=index)
