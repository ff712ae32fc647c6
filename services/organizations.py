"""Which organizations a person belongs to, and the one rule-laden action: leaving one."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from data.errors import StoreError
from data.records import ACTIVE, DISABLED, LEFT, AuditEntry, Changes, Organization, RemovalRequest
from data.repository import DirectoryReader, DirectoryRepository
from services.clock import Clock, utc_now
from services.errors import (
    AlreadyLeft,
    CannotLeaveHomeOrganization,
    SearchTooLong,
    StoreUnavailable,
    UnknownOrganization,
    UnknownPerson,
)
from services.events import MembershipEvents
from services.leave_rules import leave_block, refusal
from services.rate_limit import RateLimiter
from services.removal_requests import latest_requests
from services.windows import window

__all__ = ['ACTIVE', 'DISABLED', 'GuestOrganization', 'Organization', 'OrganizationService', 'OrganizationsView']

log = logging.getLogger(__name__)

MAX_SEARCH_LENGTH = 200


@dataclass(kw_only=True, slots=True, frozen=True)
class GuestOrganization:
    organization: Organization
    joined: str | None
    state: str = ACTIVE  # or disabled: shown, but not to be left by the person
    leave_block: str | None = None  # why the person cannot leave on their own (see `leave_rules`), or None
    removal_request: RemovalRequest | None = None  # the latest one the person sent, while it matters


@dataclass(kw_only=True, slots=True, frozen=True)
class OrganizationsView:
    """The home organization and one window of the guest organizations, sorted by name.

    A person may be a guest in thousands of organizations; a page asks for the window it shows (`offset`, at most
    `limit` of those matching `search`) and learns how many there are in all and how many match.
    """

    home: Organization
    others: tuple[GuestOrganization, ...]
    others_total: int = 0
    others_matching: int = 0
    offset: int = 0


class OrganizationService:
    def __init__(self, repository: DirectoryRepository, events: MembershipEvents, clock: Clock = utc_now,
                 limiter: RateLimiter | None = None) -> None:
        self._repository = repository
        self._events = events
        self._clock = clock
        self._limiter = limiter

    def organizations_of(self, subject: str, *, search: str = '', offset: int = 0,
                         limit: int | None = None) -> OrganizationsView:
        """`subject`'s organizations; guest ones matching `search` (name, domain or ID), from `offset`, at most `limit`.

        An offset past the end (the list shrank since the page asked) gives the last window that has organizations.
        """
        if len(search) > MAX_SEARCH_LENGTH:
            raise SearchTooLong(str(len(search)))
        person = self._repository.person(subject)
        if person is None:
            raise UnknownPerson(subject)
        memberships = [m for m in self._repository.memberships_of(subject)
                       if m.organization != person.home and m.state != LEFT]
        # every organization in one read: a store across the network answers once, not once per organization
        known = self._repository.organizations_by_id({person.home, *(m.organization for m in memberships)})
        home = known.get(person.home) or Organization(id=person.home, name=person.home)
        requests = latest_requests(self._repository.removal_requests_of(subject))
        others = []
        for membership in memberships:
            org = known.get(membership.organization)
            block = leave_block(org, membership)
            others.append(GuestOrganization(organization=org or Organization(id=membership.organization,
                                                                               name=membership.organization),
                                            joined=membership.joined, state=membership.state, leave_block=block,
                                            removal_request=requests.get(membership.organization) if block else None))
        total = len(others)
        words = search.casefold().split()
        if words:
            others = [guest for guest in others if _matches(guest.organization, words)]
        others.sort(key=lambda guest: (guest.organization.name.casefold(), guest.organization.id))
        shown, offset = window(others, offset, limit)
        return OrganizationsView(home=home, others=tuple(shown), others_total=total, others_matching=len(others),
                                 offset=offset)

    def leave(self, subject: str, org_id: str, *, address: str = 'unknown') -> Organization:
        """Remove `subject`'s guest membership of `org_id` for good, with an audit record in the same commit.

        `subject` must come from the server-side session, never from the browser. Attempts are rate-limited per
        person and per network address, refused ones included.
        """
        if self._limiter is not None:
            self._limiter.hit(f'person:{subject}', f'address:{address}')
        at = self._clock().isoformat(timespec='seconds')
        left: list[Organization] = []  # the organization as the change saw it, for the caller's message

        def leave_now(reader: DirectoryReader) -> Changes:
            membership = reader.membership(subject, org_id)  # first: a store may bring the person and org along
            person = reader.person(subject)
            if person is None:
                raise UnknownPerson(subject)
            if org_id == person.home:
                log.warning('refused: %r tried to leave their home organization %r', subject, org_id)
                raise CannotLeaveHomeOrganization(org_id)
            org = reader.organization(org_id)
            if membership is None or membership.state == LEFT:
                if membership is None and org is None:
                    raise UnknownOrganization(org_id)
                raise AlreadyLeft(org_id, organization=org.name if org else org_id)
            left[:] = [org or Organization(id=org_id, name=org_id)]
            reason = leave_block(org, membership)
            if reason is not None:
                log.info('refused: %r may not leave %r on their own (%s)', subject, org_id, reason)
                raise refusal(reason, org_id)
            return Changes(put=(replace(membership, state=LEFT, left_at=at),),
                           audit=(AuditEntry(at=at, actor=subject, action='leave', organization=org_id,
                                             subject=subject),))

        try:
            topics = self._repository.transact(leave_now)
        except StoreError as error:
            log.error('leave of %r by %r not stored: %s', org_id, subject, error)
            raise StoreUnavailable(str(error)) from None
        self._events.publish(topics)
        return left[0]


def _matches(organization: Organization, words: list[str]) -> bool:
    """Every word of the search appears in the name, the domain or the ID ('contoso nl' finds 'Contoso Nederland')."""
    haystack = ' '.join(value or '' for value in (organization.name, organization.domain, organization.id)).casefold()
    return all(word in haystack for word in words)
