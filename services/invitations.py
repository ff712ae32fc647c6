"""How an organization brings a person in (again): an invitation to an e-mail address, accepted or declined once.

The link's secret is shown once, when the invitation is made, and only its SHA-256 is stored. An invitation is
for the address it was sent to: a person can accept it only when that address is theirs (their directory
address, or the address their identity provider vouched for at sign-in). Accepting adds the membership (or
brings back a left one) in the same commit that marks the invitation used, so of two tabs accepting at once
exactly one succeeds.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from data.errors import StoreError
from data.lifecycle_index import email_topic
from data.records import (
    ACCEPTED,
    ACTIVE,
    DECLINED,
    EXPIRED,
    LEFT,
    PENDING,
    REVOKED,
    AuditEntry,
    Changes,
    Invitation,
    Membership,
    Organization,
)
from data.repository import DirectoryReader, DirectoryRepository
from services.clock import Clock, utc_now
from services.errors import (
    AlreadyInvited,
    AlreadyMember,
    InvalidEmail,
    InvalidInput,
    InvitationExpired,
    InvitationForAnotherAddress,
    InvitationRevoked,
    InvitationUsed,
    StoreUnavailable,
    UnknownInvitation,
    UnknownOrganization,
)
from services.events import MembershipEvents
from services.sessions import SignedInPerson
from services.work_checks import Check, no_check

log = logging.getLogger(__name__)
security_log = logging.getLogger('myprofile.security')

__all__ = ['InvitationService', 'InvitationView', 'IssuedInvitation', 'email_topic', 'normalized_email',
           'person_emails']

EMAIL = re.compile(r'[^@\s<>"\x00-\x1f]{1,64}@[^@\s<>"\x00-\x1f]{1,190}\.[^@\s<>"\x00-\x1f.]{2,63}')
MAX_DAYS = 365


@dataclass(kw_only=True, frozen=True, slots=True)
class IssuedInvitation:
    """A new invitation and its link; the link (with its secret) exists only here, never in the store."""

    invitation: Invitation
    link: str


@dataclass(kw_only=True, frozen=True, slots=True)
class InvitationView:
    """An invitation as a person sees it: the organization, who invited them, until when."""

    invitation: Invitation
    organization: Organization
    invited_by: str  # the inviter's name, or the organization's for an operator's invitation


def normalized_email(email: str) -> str:
    """The address as stored and compared: trimmed, case-folded; anything that is not an address is refused."""
    address = (email or '').strip().casefold()
    if not EMAIL.fullmatch(address):
        raise InvalidEmail(f'{(email or "")[:200]!r} is not an e-mail address')
    return address


def person_emails(person: SignedInPerson) -> frozenset[str]:
    """The addresses that are a signed-in person's: the directory's, and the one their provider verified."""
    return frozenset(e.casefold() for e in (person.email, person.verified_email) if e)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode('utf-8', 'surrogatepass')).hexdigest()


class InvitationService:
    def __init__(self, repository: DirectoryRepository, events: MembershipEvents, *, public_url: str,
                 days: int = 14, clock: Clock = utc_now) -> None:
        self._repository = repository
        self._events = events
        self._public_url = public_url.rstrip('/')
        self._days = days
        self._clock = clock

    # --- the organization's side ---

    def invite(self, org_id: str, email: str, *, invited_by: str, days: int | None = None,
               check: Check = no_check) -> IssuedInvitation:
        """Invite `email` to `org_id`; refused when that address is already a member or already invited."""
        address = normalized_email(email)
        days = self._days if days is None else days
        if not 1 <= days <= MAX_DAYS:
            raise InvalidInput(f'an invitation lasts 1 to {MAX_DAYS} days, not {days}')
        now = self._clock()
        token = secrets.token_urlsafe(32)
        made: list[Invitation] = []

        def issue(reader: DirectoryReader) -> Changes:
            check(reader)
            if reader.organization(org_id) is None:
                raise UnknownOrganization(f'no organization {org_id!r} in the directory')
            if any(i.organization == org_id and self._is_open(i, now) for i in reader.invitations_for(
                    frozenset({address}))):
                raise AlreadyInvited(f'{address} already has a pending invitation to {org_id}')
            if _member_with_address(reader, org_id, address):
                raise AlreadyMember(f'{address} is already a member of {org_id}')
            made.append(Invitation(id=secrets.token_urlsafe(12), organization=org_id, email=address,
                                   invited_by=invited_by, created=_iso(now), expires=_iso(now + timedelta(days=days)),
                                   token_hash=token_hash(token)))
            return Changes(put=(made[0],), audit=(AuditEntry(at=_iso(now), actor=invited_by, action='invite',
                                                             organization=org_id, detail=address),))

        self._commit(issue)
        return IssuedInvitation(invitation=made[0], link=f'{self._public_url}/invitations/{token}')

    def revoke(self, org_id: str, email: str, *, actor: str) -> Invitation:
        address = normalized_email(email)
        now = self._clock()
        revoked: list[Invitation] = []

        def withdraw(reader: DirectoryReader) -> Changes:
            open_ones = [i for i in reader.invitations_for(frozenset({address}))
                         if i.organization == org_id and self._is_open(i, now)]
            if not open_ones:
                raise UnknownInvitation(f'no pending invitation of {address} to {org_id}')
            revoked.extend(replace(i, state=REVOKED, decided_at=_iso(now), decided_by=actor) for i in open_ones)
            return Changes(put=tuple(revoked), audit=(AuditEntry(at=_iso(now), actor=actor, action='revoke_invitation',
                                                                 organization=org_id, detail=address),))

        self._commit(withdraw)
        return revoked[0]

    def withdraw(self, org_id: str, invitation_id: str, *, actor: str, check: Check = no_check) -> Invitation:
        """Revoke one pending invitation of `org_id` by its id (an administrator's page names it so)."""
        now = self._clock()
        revoked: list[Invitation] = []

        def withdraw_one(reader: DirectoryReader) -> Changes:
            check(reader)
            invitation = self._pending_of(reader, org_id, invitation_id, now)
            revoked.append(replace(invitation, state=REVOKED, decided_at=_iso(now), decided_by=actor))
            return Changes(put=(revoked[0],), audit=(AuditEntry(at=_iso(now), actor=actor, action='revoke_invitation',
                                                                organization=org_id, detail=invitation.email),))

        self._commit(withdraw_one)
        return revoked[0]

    def renew_link(self, org_id: str, invitation_id: str, *, actor: str, check: Check = no_check) -> IssuedInvitation:
        """A new link for a pending invitation; the old one stops working. Only a hash of a link is ever stored, so
        a link can be shown once, when it is made: this is how an administrator gets one to copy again."""
        now = self._clock()
        token = secrets.token_urlsafe(32)
        renewed: list[Invitation] = []

        def renew(reader: DirectoryReader) -> Changes:
            check(reader)
            invitation = self._pending_of(reader, org_id, invitation_id, now)
            renewed.append(replace(invitation, token_hash=token_hash(token)))
            return Changes(put=(renewed[0],), audit=(AuditEntry(at=_iso(now), actor=actor, action='renew_invitation',
                                                                organization=org_id, detail=invitation.email),))

        self._commit(renew)
        return IssuedInvitation(invitation=renewed[0], link=f'{self._public_url}/invitations/{token}')

    def pending_of(self, org_id: str) -> list[Invitation]:
        """`org_id`'s invitations that can still be answered, soonest to expire first."""
        now = self._clock()
        return sorted((i for i in self._repository.invitations_of(org_id) if self._is_open(i, now)),
                      key=lambda i: (i.expires, i.email))

    def _pending_of(self, reader: DirectoryReader, org_id: str, invitation_id: str, now: datetime) -> Invitation:
        invitation = reader.invitation(invitation_id)
        if invitation is None or invitation.organization != org_id:
            if invitation is not None:
                security_log.warning('refused: a change for %r to invitation %r, which is of %r',
                                     org_id, invitation_id, invitation.organization)
            raise UnknownInvitation(f'no invitation {invitation_id!r} of {org_id!r}')
        if not self._is_open(invitation, now):
            raise UnknownInvitation(f'invitation {invitation_id!r} is {invitation.state} or expired')
        return invitation

    def expire_overdue(self) -> int:
        """Mark pending invitations past their expiry as expired (the daily purge calls this)."""
        now = self._clock()
        overdue: list[Invitation] = []

        def expire(reader: DirectoryReader) -> Changes:
            overdue[:] = [replace(i, state=EXPIRED) for i in reader.pending_invitations()
                          if _moment(i.expires) <= now]
            return Changes(put=tuple(overdue))

        self._commit(expire)
        return len(overdue)

    # --- the person's side ---

    def pending_for(self, emails: Iterable[str]) -> list[InvitationView]:
        """The invitations a person with these addresses can still answer, oldest first."""
        now = self._clock()
        addresses = frozenset(e.casefold() for e in emails if e)
        pending = [i for i in self._repository.invitations_for(addresses) if self._is_open(i, now)]
        return [self._view(self._repository, i) for i in sorted(pending, key=lambda i: (i.created, i.id))]

    def organization_name(self, org_id: str) -> str:
        org = self._repository.organization(org_id)
        return org.name if org else org_id

    def for_link(self, token: str, emails: Iterable[str]) -> InvitationView:
        """The invitation behind a link, if this person may answer it; else the typed reason it cannot be used."""
        invitation = self._usable(self._repository, self._repository.invitation_by_token(token_hash(token or '')),
                                  frozenset(e.casefold() for e in emails if e), self._clock())
        return self._view(self._repository, invitation)

    def accept(self, subject: str, emails: Iterable[str], *, invitation_id: str | None = None,
               token: str | None = None) -> InvitationView:
        """Join the organization; a membership the person left (within retention) comes back as active."""
        return self._answer(subject, emails, invitation_id=invitation_id, token=token, accept=True)

    def decline(self, subject: str, emails: Iterable[str], *, invitation_id: str | None = None,
                token: str | None = None) -> InvitationView:
        return self._answer(subject, emails, invitation_id=invitation_id, token=token, accept=False)

    def _answer(self, subject: str, emails: Iterable[str], *, invitation_id: str | None, token: str | None,
                accept: bool) -> InvitationView:
        addresses = frozenset(e.casefold() for e in emails if e)
        now = self._clock()
        answered: list[InvitationView] = []

        def answer(reader: DirectoryReader) -> Changes:
            found = reader.invitation(invitation_id) if invitation_id else \
                reader.invitation_by_token(token_hash(token or ''))
            invitation = self._usable(reader, found, addresses, now)
            person = reader.person(subject)
            if person is not None and person.home == invitation.organization:
                raise AlreadyMember(invitation.organization)
            used = replace(invitation, state=ACCEPTED if accept else DECLINED, decided_at=_iso(now),
                           decided_by=subject)
            answered.append(self._view(reader, used))
            puts: tuple = (used,)
            membership = reader.membership(subject, invitation.organization)
            if accept and (membership is None or membership.state == LEFT):
                puts += (Membership(subject=subject, organization=invitation.organization,
                                    joined=date.fromisoformat(_iso(now)[:10]).isoformat(), state=ACTIVE),)
            action = 'invitation_accepted' if accept else 'invitation_declined'
            return Changes(put=puts, audit=(AuditEntry(at=_iso(now), actor=subject, action=action,
                                                       organization=invitation.organization, subject=subject),))

        self._commit(answer)
        return answered[0]

    @staticmethod
    def _is_open(invitation: Invitation, now: datetime) -> bool:
        return invitation.state == PENDING and _moment(invitation.expires) > now

    def _usable(self, reader: DirectoryReader, invitation: Invitation | None, addresses: frozenset[str],
                now: datetime) -> Invitation:
        """The checks a link or a card meets, in the order a person would want them explained."""
        if invitation is None:
            raise UnknownInvitation()
        if invitation.state == REVOKED:
            raise InvitationRevoked(invitation.organization)
        if invitation.state in (ACCEPTED, DECLINED):
            raise InvitationUsed(invitation.organization)
        if invitation.state == EXPIRED or _moment(invitation.expires) <= now:
            raise InvitationExpired(invitation.organization)
        if invitation.email not in addresses:
            log.warning('refused: invitation %r for another address was used by one of %r', invitation.id,
                        sorted(addresses))
            raise InvitationForAnotherAddress(invitation.organization)
        return invitation

    @staticmethod
    def _view(reader: DirectoryReader, invitation: Invitation) -> InvitationView:
        org = reader.organization(invitation.organization) or Organization(id=invitation.organization,
                                                                            name=invitation.organization)
        inviter = reader.person(invitation.invited_by)
        return InvitationView(invitation=invitation, organization=org, invited_by=inviter.name if inviter else org.name)

    def _commit(self, work: Callable[[DirectoryReader], Changes]) -> None:
        try:
            topics = self._repository.transact(work)
        except StoreError as error:
            log.error('invitation change not stored: %s', error)
            raise StoreUnavailable(str(error)) from None
        self._events.publish(topics)


def _member_with_address(reader: DirectoryReader, org_id: str, address: str) -> bool:
    """Someone with this address already belongs to the organization: as a guest, or it is their home. Looked up
    by address, so it costs the same in an organization of ten guests or of ten thousand."""
    for person in reader.people_with_email(address):
        if person.home == org_id:
            return True
        membership = reader.membership(person.subject, org_id)
        if membership is not None and membership.state != LEFT:
            return True
    return False


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec='seconds')


def _moment(iso: str) -> datetime:
    return datetime.fromisoformat(iso)
