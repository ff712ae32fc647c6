"""Which organizations a person belongs to, and the one rule-laden action: leaving one."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from data.errors import MembershipNotFound, StoreError
from data.records import AuditEntry, Organization
from data.repository import DirectoryRepository
from services.clock import Clock, utc_now
from services.errors import (
    AlreadyLeft,
    CannotLeaveHomeOrganization,
    StoreUnavailable,
    UnknownOrganization,
    UnknownPerson,
)
from services.events import MembershipEvents
from services.rate_limit import RateLimiter

__all__ = ['GuestOrganization', 'Organization', 'OrganizationService', 'OrganizationsView']

log = logging.getLogger(__name__)


@dataclass(kw_only=True, slots=True, frozen=True)
class GuestOrganization:
    organization: Organization
    joined: str | None


@dataclass(kw_only=True, slots=True, frozen=True)
class OrganizationsView:
    home: Organization
    others: tuple[GuestOrganization, ...]


class OrganizationService:
    def __init__(self, repository: DirectoryRepository, events: MembershipEvents, clock: Clock = utc_now,
                 limiter: RateLimiter | None = None) -> None:
        self._repository = repository
        self._events = events
        self._clock = clock
        self._limiter = limiter

    def organizations_of(self, subject: str) -> OrganizationsView:
        person = self._repository.person(subject)
        if person is None:
            raise UnknownPerson(subject)
        home = self._repository.organization(person.home) or Organization(id=person.home, name=person.home)
        others = []
        for membership in self._repository.memberships_of(subject):
            if membership.organization == person.home:
                continue
            org = self._repository.organization(membership.organization)
            others.append(GuestOrganization(organization=org or Organization(id=membership.organization,
                                                                               name=membership.organization),
                                            joined=membership.joined))
        others.sort(key=lambda guest: (guest.organization.name.casefold(), guest.organization.id))
        return OrganizationsView(home=home, others=tuple(others))

    def leave(self, subject: str, org_id: str, *, address: str = 'unknown') -> Organization:
        """Remove `subject`'s guest membership of `org_id` for good, with an audit record in the same commit.

        `subject` must come from the server-side session, never from the browser. Attempts are rate-limited per
        person and per network address, refused ones included.
        """
        if self._limiter is not None:
            self._limiter.hit(f'person:{subject}', f'address:{address}')
        person = self._repository.person(subject)
        if person is None:
            raise UnknownPerson(subject)
        if org_id == person.home:
            log.warning('refused: %r tried to leave their home organization %r', subject, org_id)
            raise CannotLeaveHomeOrganization(org_id)
        org = self._repository.organization(org_id)
        audit = AuditEntry(at=self._clock().isoformat(timespec='seconds'), actor=subject, action='leave',
                           organization=org_id)
        try:
            self._repository.remove_membership(subject, org_id, audit)
        except MembershipNotFound:
            if org is None:
                raise UnknownOrganization(org_id) from None
            raise AlreadyLeft(org_id, organization=org.name) from None
        except StoreError as error:
            log.error('leave of %r by %r not stored: %s', org_id, subject, error)
            raise StoreUnavailable(str(error)) from None
        self._events.publish({subject})
        return org or Organization(id=org_id, name=org_id)
