"""What an organization's administrators do from their page: run its guests, invitations, removal requests and
rules, and read its trail.

Every call names the administrator's session and the organization. `AdminAccess` checks both when the call is
made, and again inside the unit of work that makes the change, on the state the change is decided on: an
administrator removed a moment ago, or a session that ended, changes nothing. The rules themselves stay where
they are (`MembershipAdmin`, `InvitationService`, `RemovalRequestService`, `leave_rules`); this only decides who
may use them, for which organization, and says it in the audit trail under the administrator's own subject.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from data.errors import StoreError
from data.lifecycle_index import organization_topic
from data.records import (
    ACTIVE,
    DISABLED,
    DONE,
    LEAVE_POLICIES,
    LEFT,
    OPEN,
    AuditEntry,
    Changes,
    Invitation,
    Membership,
    Organization,
    RemovalRequest,
)
from data.repository import DirectoryReader, DirectoryRepository
from services import directory_entries
from services.admin_access import AdminAccess
from services.admin_guest_list import Guest, GuestWindow, guest_window
from services.admin_trail import TrailEntry, TrailWindow, trail_window
from services.clock import Clock, utc_now
from services.errors import (
    AlreadyInvited,
    AlreadyMember,
    InvalidDirectory,
    InvalidEmail,
    InvalidInput,
    NotAMember,
    NotSignedIn,
    SearchTooLong,
    StoreUnavailable,
    TooManyAddresses,
)
from services.events import MembershipEvents
from services.invitation_delivery import InvitationDelivery
from services.invitations import InvitationService, IssuedInvitation, normalized_email
from services.mail_delivery import DeliveryStatus
from services.membership_admin import MembershipAdmin
from services.removal_requests import RemovalRequestService
from services.sessions import SignedInPerson
from services.work_checks import Check

# what the administrators' pages name (states, records, their live-event topic): they know the service, not the store
__all__ = [
    'ACTIVE',
    'DISABLED',
    'DONE',
    'LEAVE_POLICIES',
    'LEFT',
    'OPEN',
    'Guest',
    'GuestWindow',
    'Invitation',
    'InviteResult',
    'Organization',
    'OrganizationAdministration',
    'RequestRow',
    'TrailEntry',
    'TrailWindow',
    'organization_topic',
]

log = logging.getLogger(__name__)
security_log = logging.getLogger('myprofile.security')

MAX_SEARCH_LENGTH = 200
MAX_ADDRESSES = 50  # one form at a time; a larger list is an import, not a form
_SEPARATORS = re.compile(r'[\s,;]+')


@dataclass(kw_only=True, slots=True, frozen=True)
class InviteResult:
    """What became of one address of the form: `outcome` is invited, already_invited, already_member, invalid or
    repeated (given twice in the same form)."""

    address: str
    outcome: str
    issued: IssuedInvitation | None = None


@dataclass(kw_only=True, slots=True, frozen=True)
class RequestRow:
    request: RemovalRequest
    name: str
    email: str | None


class OrganizationAdministration:
    def __init__(self, repository: DirectoryRepository, events: MembershipEvents, access: AdminAccess, *,
                 memberships: MembershipAdmin, invitations: InvitationService, removals: RemovalRequestService,
                 delivery: InvitationDelivery | None = None, clock: Clock = utc_now) -> None:
        self._repository = repository
        self._events = events
        self._access = access
        self._memberships = memberships
        self._invitations = invitations
        self._removals = removals
        self.delivery = delivery  # None: no mail server, the administrator copies each new link
        self._clock = clock

    # --- who and where ---

    def organizations(self, session_id: str | None) -> list[Organization]:
        """The organizations the session's person administers (empty: they are no administrator)."""
        return self._access.administered_by(self._access.person(session_id).subject)

    def organization(self, session_id: str | None, org_id: str) -> Organization:
        return self._access.require(session_id, org_id, action='open')[1]

    # --- guests ---

    def guests(self, session_id: str | None, org_id: str, *, search: str = '', offset: int = 0,
               limit: int | None = None) -> GuestWindow:
        """The organization's guests by name: those whose name or e-mail holds every word of `search`, at most
        `limit` from `offset` (past the end: the last window that has guests)."""
        self._access.require(session_id, org_id, action='list the guests of')
        if len(search) > MAX_SEARCH_LENGTH:
            raise SearchTooLong(str(len(search)))
        return guest_window(self._repository.guests_of(org_id), org_id, search=search, offset=offset, limit=limit,
                            retained_until=self._memberships.retained_until)

    def disable(self, session_id: str | None, org_id: str, subject: str) -> Membership:
        admin = self._guest_action(session_id, org_id, subject, 'disable')
        return self._memberships.disable(subject, org_id, actor=admin.subject,
                                         check=self._still(session_id, org_id, admin))

    def enable(self, session_id: str | None, org_id: str, subject: str) -> Membership:
        admin = self._guest_action(session_id, org_id, subject, 'enable')
        return self._memberships.enable(subject, org_id, actor=admin.subject,
                                        check=self._still(session_id, org_id, admin))

    def remove(self, session_id: str | None, org_id: str, subject: str) -> datetime:
        """The guest is removed as by a leave: kept for the retention period, restorable until the time returned."""
        admin = self._guest_action(session_id, org_id, subject, 'remove')
        removed = self._memberships.remove(subject, org_id, actor=admin.subject,
                                           check=self._still(session_id, org_id, admin))
        until = self._memberships.retained_until(removed)
        assert until is not None  # a removed membership is left, with its time
        return until

    def restore(self, session_id: str | None, org_id: str, subject: str) -> Membership:
        admin = self._guest_action(session_id, org_id, subject, 'restore')
        return self._memberships.reinstate(subject, org_id, actor=admin.subject,
                                           check=self._still(session_id, org_id, admin))

    # --- invitations ---

    def invite(self, session_id: str | None, org_id: str, addresses: str, *, days: int | None = None,
               language: str = 'en') -> list[InviteResult]:
        """Invite every address in `addresses` (separated by commas, semicolons, spaces or lines); each one is
        reported, none is invited twice. With a mail server each invitation is e-mailed in `language`."""
        admin, org = self._access.require(session_id, org_id, action='invite to')
        given = [a for a in _SEPARATORS.split(addresses or '') if a]
        if not given:
            raise InvalidEmail('no address given')
        if len(given) > MAX_ADDRESSES:
            raise TooManyAddresses(str(len(given)), limit=str(MAX_ADDRESSES))
        results: list[InviteResult] = []
        seen: set[str] = set()
        for raw in given:
            try:
                address = normalized_email(raw)
            except InvalidEmail:
                results.append(InviteResult(address=raw[:320], outcome='invalid'))
                continue
            if address in seen:
                results.append(InviteResult(address=address, outcome='repeated'))
                continue
            seen.add(address)
            try:
                issued = self._invitations.invite(org_id, address, invited_by=admin.subject, days=days,
                                                  check=self._still(session_id, org_id, admin))
            except AlreadyInvited:
                results.append(InviteResult(address=address, outcome='already_invited'))
            except AlreadyMember:
                results.append(InviteResult(address=address, outcome='already_member'))
            else:
                results.append(InviteResult(address=address, outcome='invited', issued=issued))
                if self.delivery is not None:
                    self.delivery.send(issued, organization=org, inviter=admin, language=language)
        return results

    def send_again(self, session_id: str | None, org_id: str, invitation_id: str, *, language: str = 'en'
                   ) -> IssuedInvitation:
        """E-mail a pending invitation again, with a new link (the stored hash cannot give back the old one)."""
        if self.delivery is None:
            raise InvalidInput('no mail server is set up (MYPROFILE_SMTP_URL)')
        issued = self.new_link(session_id, org_id, invitation_id)
        admin, org = self._access.require(session_id, org_id, action='send an invitation of')
        self.delivery.send(issued, organization=org, inviter=admin, language=language)
        return issued

    def delivery_of(self, invitation_id: str) -> DeliveryStatus | None:
        """How the invitation's e-mail fared (None: none was sent by this process, or no mail server)."""
        return self.delivery.status(invitation_id) if self.delivery is not None else None

    def pending_invitations(self, session_id: str | None, org_id: str) -> list[Invitation]:
        self._access.require(session_id, org_id, action='list the invitations of')
        return self._invitations.pending_of(org_id)

    def revoke(self, session_id: str | None, org_id: str, invitation_id: str) -> Invitation:
        admin, _ = self._access.require(session_id, org_id, action='revoke an invitation of')
        return self._invitations.withdraw(org_id, invitation_id, actor=admin.subject,
                                          check=self._still(session_id, org_id, admin))

    def new_link(self, session_id: str | None, org_id: str, invitation_id: str) -> IssuedInvitation:
        admin, _ = self._access.require(session_id, org_id, action='renew an invitation link of')
        return self._invitations.renew_link(org_id, invitation_id, actor=admin.subject,
                                            check=self._still(session_id, org_id, admin))

    # --- removal requests ---

    def removal_requests(self, session_id: str | None, org_id: str) -> list[RequestRow]:
        """Open requests first (oldest first: they have waited longest), then answered ones, newest first."""
        self._access.require(session_id, org_id, action='list the removal requests of')
        requests = self._repository.removal_requests_to(org_id)
        open_ones = sorted((r for r in requests if r.state == OPEN), key=lambda r: r.created)
        answered = sorted((r for r in requests if r.state != OPEN), key=lambda r: r.answered_at or r.created,
                          reverse=True)
        rows = []
        for request in (*open_ones, *answered):
            person = self._repository.person(request.subject)
            rows.append(RequestRow(request=request, name=person.name if person else request.subject,
                                   email=person.email if person else None))
        return rows

    def complete_request(self, session_id: str | None, org_id: str, request_id: str) -> RemovalRequest:
        admin, _ = self._access.require(session_id, org_id, action='complete a removal request of')
        return self._removals.complete(request_id, actor=admin.subject, org_id=org_id,
                                       check=self._still(session_id, org_id, admin))

    def decline_request(self, session_id: str | None, org_id: str, request_id: str, answer: str) -> RemovalRequest:
        admin, _ = self._access.require(session_id, org_id, action='decline a removal request of')
        return self._removals.decline(request_id, answer, actor=admin.subject, org_id=org_id,
                                      check=self._still(session_id, org_id, admin))

    # --- rules ---

    def save_settings(self, session_id: str | None, org_id: str, *, leave_policy: str, privacy_url: str | None,
                      privacy_contact: str | None) -> Organization:
        """The guests' leave rules; checked as an import checks them, and live on the guests' open pages."""
        admin, _ = self._access.require(session_id, org_id, action='change the rules of')
        at = self._clock().isoformat(timespec='seconds')
        saved: list[Organization] = []

        def save(reader: DirectoryReader) -> Changes:
            self._still(session_id, org_id, admin)(reader)
            org = reader.organization(org_id)
            assert org is not None  # the check above found it
            try:
                checked = directory_entries.organization(
                    {'id': org.id, 'name': org.name, 'domain': org.domain, 'leave_policy': leave_policy,
                     'privacy_url': (privacy_url or '').strip() or None,
                     'privacy_contact': (privacy_contact or '').strip() or None},
                    'settings', stored=True)
            except InvalidDirectory as error:
                raise InvalidInput(str(error).removeprefix('settings: ')) from None
            changed = replace(org, leave_policy=checked.leave_policy, privacy_url=checked.privacy_url,
                              privacy_contact=checked.privacy_contact)
            if changed == org:
                saved.append(org)
                return Changes()
            saved.append(changed)
            detail = f'leave_policy={changed.leave_policy}; privacy_url={changed.privacy_url or "-"}; ' \
                     f'privacy_contact={changed.privacy_contact or "-"}'
            return Changes(put=(changed,), audit=(AuditEntry(at=at, actor=admin.subject, action='settings',
                                                             organization=org_id, detail=detail[:500]),))

        self._commit(save)
        return saved[0]

    # --- the trail ---

    def activity(self, session_id: str | None, org_id: str, *, person: str = '', offset: int = 0,
                 limit: int | None = None) -> TrailWindow:
        """The organization's audit trail, newest first; `person` keeps the entries about (or by) people whose
        name or e-mail holds every word of it. Reads the store's files: call it off the event loop."""
        self._access.require(session_id, org_id, action='read the trail of')
        if len(person) > MAX_SEARCH_LENGTH:
            raise SearchTooLong(str(len(person)))
        return trail_window(self._repository.activity_of_organization(org_id), self._repository.person,
                            person=person, offset=offset, limit=limit)

    def person_name(self, subject: str) -> str:
        """A name to show for a subject (an inviter, an actor); the subject itself when the directory lacks it."""
        person = self._repository.person(subject)
        return person.name if person else subject

    # --- helpers ---

    def _guest_action(self, session_id: str | None, org_id: str, subject: str, action: str) -> SignedInPerson:
        admin, _ = self._access.require(session_id, org_id, action=f'{action} a guest of')
        membership = self._repository.membership(subject, org_id) if isinstance(subject, str) else None
        if membership is None:
            security_log.warning('refused: %r tried to %s %r in %r, who has no membership there',
                                 admin.subject, action, str(subject)[:200], org_id)
            raise NotAMember(str(subject)[:200])
        return admin

    def _still(self, session_id: str | None, org_id: str, admin: SignedInPerson) -> Check:
        """Inside the unit of work: the session is still this administrator's, who still administers `org_id`."""
        access = self._access

        def check(reader: DirectoryReader) -> None:
            if access.person(session_id).subject != admin.subject:  # NotSignedIn once the session ended
                raise NotSignedIn()
            AdminAccess.still_admin(reader, org_id, admin.subject)
        return check

    def _commit(self, work: Callable[[DirectoryReader], Changes]) -> None:
        try:
            topics = self._repository.transact(work)
        except StoreError as error:
            log.error('organization settings not stored: %s', error)
            raise StoreUnavailable(str(error)) from None
        self._events.publish(topics)

