"""Notice writes by another process (an administrator's import) and tell the open pages."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from data.errors import StoreError
from data.repository import DirectoryRepository
from services.events import MembershipEvents

log = logging.getLogger(__name__)

RunBlocking = Callable[[Callable[[], set[str]]], Awaitable[set[str]]]


async def watch_outside_changes(repository: DirectoryRepository, events: MembershipEvents, *,
                                run_blocking: RunBlocking, interval: float = 0.4) -> None:
    """Poll the store's files; each change another process made is published for the people it touched."""
    while True:
        try:
            changed = await run_blocking(repository.refresh)
        except StoreError as error:
            log.error('store changed on disk but cannot be read: %s', error)
            changed = set()
        if changed:
            events.publish(changed)
        await asyncio.sleep(interval)
