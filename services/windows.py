"""One window of a long list, as every paged list of the portal shows it (a person's organizations, their
activity, an organization's guests and trail)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

Item = TypeVar('Item')


def window(items: Sequence[Item], offset: int, limit: int | None) -> tuple[Sequence[Item], int]:
    """At most `limit` items from `offset`, and the offset actually used: all of them (offset 0) without a limit;
    past the end (the list shrank since the page asked), the last window that has items, so a page never shows
    an empty window while there is something to show."""
    if limit is None:
        return items, 0
    offset = max(0, min(offset, (len(items) - 1) // limit * limit if items else 0))
    return items[offset:offset + limit], offset
