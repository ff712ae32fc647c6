"""Notice writes by another process (an administrator's import or restore) and tell the open pages."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from data.errors import StoreBusy, StoreError
from data.repository import DirectoryRepository
from services.events import MembershipEvents

log = logging.getLogger(__name__)

RunBlocking = Callable[[Callable[[], set[str]]], Awaitable[set[str] | None]]  # None: the app is shutting down


async def watch_outside_changes(repository: DirectoryRepository, events: MembershipEvents, *,
                                run_blocking: RunBlocking, interval: float = 0.4) -> None:
    """Poll the store; each change another process made is published for the people it touched.

    A long import elsewhere holds the store for a few seconds: that is waited out quietly. A store that cannot
    be read is logged once per distinct problem, not every poll.
    """
    reported = ''
    while True:
        changed: set[str] = set()
        try:
            changed = await run_blocking(repository.refresh) or set()
            reported = ''
        except StoreBusy as error:
            log.info('store busy, will look again: %s', error)
        except StoreError as error:
            if str(error) != reported:
                log.error('store changed on disk but cannot be read: %s', error)
                reported = str(error)
        if changed:
            events.publish(changed)
        await asyncio.sleep(interval)
