"""The running app's own purge: left memberships past their retention period go once a day, without an operator."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from services.errors import PortalError
from services.membership_admin import MembershipAdmin

log = logging.getLogger(__name__)

DAY_SECONDS = 24 * 60 * 60


async def purge_daily(memberships: MembershipAdmin, *, run_blocking: Callable[[Callable[[], int]], Awaitable[object]],
                      interval: float = DAY_SECONDS) -> None:
    """Purge at start and then every `interval` seconds; a store that is busy or unreadable is tried next time."""
    while True:
        try:
            await run_blocking(memberships.purge)
        except PortalError as error:
            log.error('purge past retention did not run: %s', error)
        await asyncio.sleep(interval)
