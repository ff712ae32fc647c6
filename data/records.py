"""The records the store keeps; repositories hand out these, never TinyDB documents."""

from __future__ import annotations

from dataclasses import dataclass

SELF_SERVICE, BY_REQUEST = 'self_service', 'by_request'
LEAVE_POLICIES = (SELF_SERVICE, BY_REQUEST)
ACTIVE, DISABLED, LEFT = 'active', 'disabled', 'left'
MEMBERSHIP_STATES = (ACTIVE, DISABLED, LEFT)
PENDING, ACCEPTED, DECLINED, REVOKED, EXPIRED = 'pending', 'accepted', 'declined', 'revoked', 'expired'
INVITATION_STATES = (PENDING, ACCEPTED, DECLINED, REVOKED, EXPIRED)
OPEN, DONE = 'open', 'done'
REQUEST_STATES = (OPEN, DONE, DECLINED)


@dataclass(kw_only=True, slots=True, frozen=True)
class Organization:
    """An organization and its rules for guests.

    Guests may leave on their own only when `leave_policy` is self-service and both the privacy statement and
    the privacy contact are published (as in Microsoft's tenants). `admins` are subjects of people in the
    directory who administer the organization.
    """

    id: str
    name: str
    domain: str | None = None
    privacy_url: str | None = None
    privacy_contact: str | None = None
    leave_policy: str = SELF_SERVICE
    admins: tuple[str, ...] = ()


@dataclass(kw_only=True, slots=True, frozen=True)
class Person:
    subject: str
    name: str
    home: str
    email: str | None = None


@dataclass(kw_only=True, slots=True, frozen=True)
class Membership:
    """A guest membership: `subject` collaborates with `organization` since `joined` (ISO date, if known).

    A `disabled` one is still shown to the person but cannot be left on their own; a `left` one is kept until
    `left_at` plus the retention period, during which only the organization can restore it.
    """

    subject: str
    organization: str
    joined: str | None = None
    state: str = ACTIVE
    left_at: str | None = None


@dataclass(kw_only=True, slots=True, frozen=True)
class Invitation:
    """An organization's invitation of an e-mail address; only the hash of its one-time secret is kept."""

    id: str
    organization: str
    email: str
    invited_by: str
    created: str
    expires: str
    token_hash: str
    state: str = PENDING
    decided_at: str | None = None
    decided_by: str | None = None


@dataclass(kw_only=True, slots=True, frozen=True)
class RemovalRequest:
    """A guest's request to be removed from an organization they may not leave on their own."""

    id: str
    subject: str
    organization: str
    created: str
    message: str | None = None
    state: str = OPEN
    answer: str | None = None
    answered_at: str | None = None


@dataclass(kw_only=True, slots=True, frozen=True)
class AuditEntry:
    """Who did what, when; `subject` is the person it concerns (their own activity page shows it)."""

    at: str
    actor: str
    action: str
    organization: str | None = None
    detail: str | None = None
    subject: str | None = None


@dataclass(kw_only=True, slots=True, frozen=True)
class Directory:
    """A whole directory, as imported and exported."""

    organizations: tuple[Organization, ...]
    people: tuple[Person, ...]
    memberships: tuple[Membership, ...]
    invitations: tuple[Invitation, ...] = ()
    removal_requests: tuple[RemovalRequest, ...] = ()


@dataclass(kw_only=True, slots=True, frozen=True)
class StoreCounts:
    organizations: int
    people: int
    memberships: int


@dataclass(kw_only=True, slots=True, frozen=True)
class Changes:
    """What one unit of work writes, all or nothing: records to store (new or replacing the one with the same
    key), records to delete, and the audit records that say why."""

    put: tuple[Organization | Person | Membership | Invitation | RemovalRequest, ...] = ()
    delete: tuple[Membership | Invitation | RemovalRequest, ...] = ()
    audit: tuple[AuditEntry, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.put or self.delete or self.audit)
