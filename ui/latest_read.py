"""A live list's reads, off the event loop, of which only the latest answer is drawn.

Reads overlap: a live event arrives while the person pages or searches, and a slow older answer must never
overwrite a newer one, nor be drawn into a tab that was closed meanwhile. Every live list that reads its window
from a service goes through this one place.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Generic, TypeVar

from nicegui import run

from services.errors import PortalError
from ui.open_page import OpenPage

log = logging.getLogger(__name__)
T = TypeVar('T')


class LatestRead(Generic[T]):
    def __init__(self, page: OpenPage, *, what: str) -> None:
        self._page = page
        self._what = what  # for the log: which list could not be read
        self._asked = 0

    async def show(self, read: Callable[[], T], draw: Callable[[T], None], *,
                   refused: Callable[[PortalError], None] | None = None) -> None:
        """`draw(read())`, unless a newer read was asked for meanwhile; a refusal is logged (and `refused` told)."""
        self._asked += 1
        asked, page = self._asked, self._page
        try:
            answer = await run.io_bound(read)
        except PortalError as error:
            log.warning('%s not shown: %s', self._what, error)
            if refused is not None and not page.client.is_deleted:
                with page.client:
                    refused(error)
            return
        if asked != self._asked or page.client.is_deleted:
            return
        with page.client:
            draw(answer)
