"""What an organization does to a guest's membership (disable, enable, reinstate) and the purge of what is past
its retention period.

A left membership is kept for the retention period so that a leave by mistake can be undone by the
organization, never by the person; after it, `purge` removes it for good. Each change is one atomic commit with
its audit record, published to the person's open pages.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from data.errors import StoreError
from data.records import ACTIVE, DISABLED, LEFT, AuditEntry, Changes, Membership
from data.repository import DirectoryReader, DirectoryRepository
from services.clock import Clock, utc_now
from services.errors import CannotReinstate, NotAMember, StoreUnavailable
from services.events import MembershipEvents
from services.work_checks import Check, no_check

log = logging.getLogger(__name__)


class MembershipAdmin:
    def __init__(self, repository: DirectoryRepository, events: MembershipEvents, *, retention: timedelta,
                 clock: Clock = utc_now) -> None:
        self._repository = repository
        self._events = events
        self._retention = retention
        self._clock = clock

    def disable(self, subject: str, org_id: str, *, actor: str, check: Check = no_check) -> Membership:
        """The person keeps seeing the organization but can no longer leave it on their own."""
        return self._change(subject, org_id, actor=actor, action='disable', allowed=(ACTIVE,), state=DISABLED,
                            check=check)

    def enable(self, subject: str, org_id: str, *, actor: str, check: Check = no_check) -> Membership:
        return self._change(subject, org_id, actor=actor, action='enable', allowed=(DISABLED,), state=ACTIVE,
                            check=check)

    def remove(self, subject: str, org_id: str, *, actor: str, check: Check = no_check) -> Membership:
        """The organization ends the membership: left as if by the person, and kept for the retention period."""
        return self._change(subject, org_id, actor=actor, action='remove', allowed=(ACTIVE, DISABLED), state=LEFT,
                            check=check)

    def reinstate(self, subject: str, org_id: str, *, actor: str, check: Check = no_check) -> Membership:
        """Restore a left membership within its retention period, as it was before the leave."""
        return self._change(subject, org_id, actor=actor, action='reinstate', allowed=(LEFT,), state=ACTIVE,
                            check=check)

    def retained_until(self, membership: Membership) -> datetime | None:
        """When a left membership is purged; None for one that was not left."""
        if membership.state != LEFT or not membership.left_at:
            return None
        return datetime.fromisoformat(membership.left_at) + self._retention

    def purge(self) -> int:
        """Remove for good every left membership past its retention period; returns how many."""
        now = self._clock()
        at = now.isoformat(timespec='seconds')

        removed: list[Membership] = []

        def past_retention(reader: DirectoryReader) -> Changes:
            removed[:] = [m for m in reader.memberships_in_state(LEFT)
                          if (until := self.retained_until(m)) is not None and until <= now]
            return Changes(delete=tuple(removed), audit=tuple(
                AuditEntry(at=at, actor='retention', action='purge', organization=m.organization, subject=m.subject)
                for m in removed))

        self._publish(self._commit(past_retention))
        if removed:
            log.info('purged %d left memberships past their retention period', len(removed))
        return len(removed)

    def _change(self, subject: str, org_id: str, *, actor: str, action: str, allowed: tuple[str, ...],
                state: str, check: Check) -> Membership:
        at = self._clock().isoformat(timespec='seconds')
        result: list[Membership] = []

        def change(reader: DirectoryReader) -> Changes:
            check(reader)
            membership = reader.membership(subject, org_id)
            if membership is None:
                raise NotAMember(f'{subject!r} has no membership of {org_id!r}')
            if membership.state not in allowed:
                if action == 'reinstate':
                    raise CannotReinstate(f'the membership of {subject!r} in {org_id!r} is {membership.state}, '
                                          f'not left')
                raise NotAMember(f'the membership of {subject!r} in {org_id!r} is {membership.state}; '
                                 f'{action} needs it {" or ".join(allowed)}')
            if action == 'reinstate' and (until := self.retained_until(membership)) and until <= self._clock():
                raise CannotReinstate(f'the membership of {subject!r} in {org_id!r} was left on '
                                      f'{membership.left_at}; its retention period is over')
            changed = replace(membership, state=state, left_at=at if state == LEFT else None)
            result.append(changed)
            return Changes(put=(changed,), audit=(AuditEntry(at=at, actor=actor, action=action, organization=org_id,
                                                             subject=subject),))

        self._publish(self._commit(change))
        return result[0]

    def _commit(self, work: Callable[[DirectoryReader], Changes]) -> set[str]:
        try:
            return self._repository.transact(work)
        except StoreError as error:
            raise StoreUnavailable(str(error)) from None

    def _publish(self, topics: set[str]) -> None:
        self._events.publish(topics)
