"""The records the store keeps; repositories hand out these, never TinyDB documents."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(kw_only=True, slots=True, frozen=True)
class Organization:
    id: str
    name: str
    domain: str | None = None
    privacy_url: str | None = None
    contact: str | None = None


@dataclass(kw_only=True, slots=True, frozen=True)
class Person:
    subject: str
    name: str
    home: str
    email: str | None = None


@dataclass(kw_only=True, slots=True, frozen=True)
class Membership:
    """A guest membership: `subject` collaborates with `organization` since `joined` (ISO date, if known)."""

    subject: str
    organization: str
    joined: str | None = None


@dataclass(kw_only=True, slots=True, frozen=True)
class AuditEntry:
    at: str
    actor: str
    action: str
    organization: str | None = None
    detail: str | None = None


@dataclass(kw_only=True, slots=True, frozen=True)
class Directory:
    """A whole directory, as imported and exported."""

    organizations: tuple[Organization, ...]
    people: tuple[Person, ...]
    memberships: tuple[Membership, ...]


@dataclass(kw_only=True, slots=True, frozen=True)
class StoreCounts:
    organizations: int
    people: int
    memberships: int
