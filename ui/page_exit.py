"""How an open page sends its tab away when it can no longer be shown (its session ended, its person is gone)."""

from __future__ import annotations

import asyncio
import json
from typing import TypeVar

from nicegui import background_tasks, ui

R = TypeVar('R')


def leave_for(path: str) -> None:
    """A full load of `path` that replaces the page in the history (Back would only show a page whose session is
    gone): the notices it goes to are plain HTML, not NiceGUI pages a client-side navigation could open."""
    ui.run_javascript(f'window.location.replace({json.dumps(path)})')


def without_page(response: R) -> R:
    """Answer this page request with a plain response (a redirect, a notice) and drop the NiceGUI page object that
    was made for it at once: NiceGUI keeps a page that never connects for a minute, so a few thousand anonymous or
    refused requests would otherwise hold hundreds of megabytes."""
    client = ui.context.client

    async def discard() -> None:
        await asyncio.sleep(0)  # after the page function has returned its response
        if not client.is_deleted:
            client.delete()

    background_tasks.create(discard(), name='discard an unused page')
    return response
