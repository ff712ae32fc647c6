"""The running app's own housekeeping, once a day without an operator: left memberships past their retention
period are purged, and invitations past their expiry are marked expired."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from services.errors import PortalError
from services.invitations import InvitationService
from services.membership_admin import MembershipAdmin

log = logging.getLogger(__name__)

DAY_SECONDS = 24 * 60 * 60


async def purge_daily(memberships: MembershipAdmin, invitations: InvitationService, *,
                      run_blocking: Callable[[Callable[[], int]], Awaitable[object]],
                      interval: float = DAY_SECONDS) -> None:
    """Run at start and then every `interval` seconds; a store that is busy or unreadable is tried next time."""
    while True:
        for chore in (memberships.purge, invitations.expire_overdue):
            try:
                await run_blocking(chore)
            except PortalError as error:
                log.error('daily housekeeping (%s) did not run: %s', chore.__name__, error)
        await asyncio.sleep(interval)
