"""Search and paging for a long live list: the list shows one window of its items, never thousands at once.

The component owns only the controls and the window's position (search text, offset); the page asks its service
for that window and reports back how many items there are, so the counts and buttons stay true as the list
changes live. The search box exists only once a list is long enough to need it, Previous/Next only when there is
more than one window: a short list costs no extra elements. The status line is a polite live region, so a screen
reader hears what a search or a page did.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from nicegui import ui

from ui.accessible import named
from ui.i18n import Translator, format_count

SEARCH_FROM = 10  # fewer items than this are read at a glance
MAX_SEARCH_LENGTH = 200


class ListWindow:
    """Call `controls()` where the search box and status go and `pager()` below the list, then `show_counts`."""

    def __init__(self, t: Translator, *, page_size: int, search_label: str, on_move: Callable[[], None]) -> None:
        self._t = t
        self.page_size = page_size
        self.search = ''
        self.offset = 0
        self._search_label = search_label
        self._on_move = on_move
        self._search: ui.input | None = None
        self._previous: ui.button | None = None
        self._next: ui.button | None = None

    def controls(self) -> None:
        self._controls = ui.element('div').classes('portal-list-tools w-full')
        self._status = ui.label().classes('portal-muted portal-list-status').mark('list-status')
        self._status.props['role'] = 'status'  # polite live region: present from the start, so changes are heard

    def pager(self) -> None:
        self._pager = ui.element('div').classes('w-full')  # holds the page navigation while there is more than one

    def show_counts(self, *, total: int, matching: int, offset: int, shown: int) -> None:
        """What the service answered for the current window (the offset it used may be earlier than asked)."""
        self.offset = offset
        self._show_search(total >= SEARCH_FROM or bool(self.search))
        status = self._status_text(total=total, matching=matching, offset=offset, shown=shown)
        self._status.set_text(status)
        if status:
            self._status.classes(remove='portal-empty-status')
        else:
            self._status.classes(add='portal-empty-status')
        self._show_pager(matching > self.page_size)
        if self._previous is not None and self._next is not None:
            self._previous.set_enabled(offset > 0)
            self._next.set_enabled(offset + shown < matching)

    def _status_text(self, *, total: int, matching: int, offset: int, shown: int) -> str:
        t, language = self._t, self._t.language
        if self.search and matching == 0:
            return t('list.no_match', search=self.search)
        parts = []
        if self.search:
            parts.append(t('list.matching', count=format_count(matching, language),
                           total=format_count(total, language)))
        if matching > self.page_size:
            parts.append(t('list.window', first=format_count(offset + 1, language),
                           last=format_count(offset + shown, language), count=format_count(matching, language)))
        return ' '.join(parts)

    def _show_search(self, wanted: bool) -> None:
        if wanted and self._search is None:
            with self._controls:
                self._search = ui.input(self._search_label, on_change=self._searched) \
                    .props(f'outlined dense clearable type=search debounce=250 maxlength={MAX_SEARCH_LENGTH}') \
                    .classes('portal-search').mark('list-search')
        elif not wanted and self._search is not None:
            self._controls.clear()
            self._search = None

    def _show_pager(self, wanted: bool) -> None:
        if wanted and self._previous is None:
            with self._pager, named(ui.element('nav'), self._t('list.pages')).classes('portal-pager'):
                self._previous = ui.button(self._t('list.previous'), icon='chevron_left',
                                           on_click=lambda: self._go(self.offset - self.page_size)) \
                    .props('flat no-caps').mark('list-previous')
                self._next = ui.button(self._t('list.next'), on_click=lambda: self._go(self.offset + self.page_size)) \
                    .props('flat no-caps icon-right=chevron_right').mark('list-next')
        elif not wanted and self._previous is not None:
            self._pager.clear()
            self._previous = self._next = None

    def _searched(self) -> None:
        self.search = ((self._search.value if self._search else '') or '')[:MAX_SEARCH_LENGTH]
        self.offset = 0
        self._on_move()

    def _go(self, offset: int) -> None:
        self.offset = max(0, offset)
        self._on_move()
        # the new window starts above: bring its first line into view (focus stays on the button, for the next press)
        ui.run_javascript(f'document.getElementById({json.dumps(self._status.html_id)})'
                          '?.scrollIntoView({block: "nearest"})')
