"""Bridge from the framework-free membership events to one open page: update it on the event loop.

Events may come from any thread (a store commit in a worker) and in bursts (an import touching many memberships);
a page is updated at most once per burst, inside its own client context, and never after it has closed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from nicegui import ui

from services.errors import UnknownPerson
from services.events import MembershipEvents
from ui.page_exit import leave_for


def redraw_on_change(events: MembershipEvents, subject: str, redraw: Callable[[], object]) -> None:
    """Call `redraw` in this page whenever `subject`'s organizations change, from any thread or process.

    The subscription ends with the page's client, so closed tabs leave nothing behind.
    """
    loop = asyncio.get_running_loop()
    client = ui.context.client
    pending = False

    def on_change() -> None:
        nonlocal pending
        if not pending:
            pending = True
            loop.call_soon_threadsafe(_redraw_if_alive)

    def _redraw_if_alive() -> None:
        nonlocal pending
        pending = False
        if not client.is_deleted:  # a tab closed between the event and this call
            with client:
                try:
                    redraw()
                except UnknownPerson:  # removed from the directory (a restore) while the page was open
                    leave_for('/sign-in-problem?reason=unknown_person')

    unsubscribe = events.subscribe(subject, on_change)
    client.on_delete(unsubscribe)
