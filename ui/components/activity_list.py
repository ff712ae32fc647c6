"""The activity page's live list: one window of the person's entries, newest first, keyed so that a new entry is
inserted at the top and nothing else is touched.

The trail is read from the person's file, not from memory, so every read runs off the event loop. Reads can
overlap (a live event while the person pages); only the answer to the latest one is shown.
"""

from __future__ import annotations

from nicegui import background_tasks, ui

from services.activity import ActivityEntry, ActivityService, ActivityView
from ui.accessible import named
from ui.components.activity_entry import ActivityItem, entry_key
from ui.components.list_window import ListWindow
from ui.keyed_list import KeyedList
from ui.latest_read import LatestRead
from ui.open_page import OpenPage

PAGE_SIZE = 25


class ActivityList:
    def __init__(self, page: OpenPage, activity: ActivityService) -> None:
        t = page.t
        self._page = page
        self._activity = activity
        self._reads = LatestRead[ActivityView](page, what=f'activity of {page.subject!r}')
        self._window = ListWindow(t, page_size=PAGE_SIZE, search_label=t('activity.search'), on_move=self.refresh)
        self._window.controls()
        self._empty = ui.element('div').classes('w-full')  # holds the "nothing yet" card while there is nothing
        with ui.card().classes('portal-card w-full') as self._card:
            self._entries = KeyedList[ActivityEntry](
                named(ui.element('ol'), t('activity.list')).classes('portal-activity-list w-full'),
                key=entry_key, create=lambda entry: ActivityItem(t, entry))
        self._window.pager()

    def refresh(self) -> None:
        """Show the current window again, soon (for live events and for paging or searching)."""
        background_tasks.create(self.show(), name='show activity')

    async def show(self) -> None:
        """Read the window the person is looking at, then bring the list up to date with it."""
        window = self._window
        await self._reads.show(lambda: self._activity.entries_of(
            self._page.subject, search=window.search, offset=window.offset, limit=window.page_size), self._draw,
            refused=lambda error: ui.notify(self._page.t('activity.unavailable'), type='warning'))

    def _draw(self, view: ActivityView) -> None:
        self._entries.sync(view.entries)
        self._card.visible = bool(view.entries)
        self._show_empty(view.total == 0)
        self._window.show_counts(total=view.total, matching=view.matching, offset=view.offset,
                                 shown=len(view.entries))

    def _show_empty(self, empty: bool) -> None:
        if empty and not list(self._empty):
            with self._empty, ui.card().classes('portal-card portal-empty w-full items-center'):
                ui.icon('history', size='lg').props('aria-hidden=true')
                ui.label(self._page.t('activity.none')).classes('text-center')
        elif not empty and list(self._empty):
            self._empty.clear()
