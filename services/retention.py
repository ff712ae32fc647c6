"""The running app's own housekeeping, without an operator: once a day left memberships past their retention
period are purged and invitations past their expiry marked expired; every second expired sessions are ended."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Protocol

from data.errors import StoreError
from services.errors import PortalError
from services.invitations import InvitationService
from services.membership_admin import MembershipAdmin
from services.sessions import SessionStore

log = logging.getLogger(__name__)

DAY_SECONDS = 24 * 60 * 60


class Sweepable(Protocol):
    def sweep(self) -> object: ...


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


async def sweep_every_second(sessions: SessionStore, limits: Iterable[Sweepable], *, interval: float = 1.0,
                             run_blocking: Callable[[Callable[[], object]], Awaitable[object]] | None = None) -> None:
    """End expired sessions (their open pages leave), drop sign-ins past their lifetime and forget idle rate-limit
    keys: nothing of any stays in memory after it stopped mattering.

    With `run_blocking` the sweeps run off the event loop (they ask Redis when instances share sessions). A shared
    store that does not answer is logged once per distinct problem, and tried again the next second."""
    chores = (sessions.sweep, *(limit.sweep for limit in limits))
    reported = ''
    while True:
        problem = ''
        for chore in chores:
            try:
                if run_blocking is None:
                    chore()
                else:
                    await run_blocking(chore)
            except StoreError as error:
                problem = str(error)
        if problem and problem != reported:
            log.error('the sweep every second did not finish: %s', problem)
        reported = problem
        await asyncio.sleep(interval)
