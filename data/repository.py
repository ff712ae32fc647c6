"""The small interface the services depend on; `TinyDirectoryStore` is its TinyDB implementation."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Protocol

from data.records import (
    AuditEntry,
    Changes,
    Directory,
    Invitation,
    Membership,
    Organization,
    Person,
    RemovalRequest,
    StoreCounts,
)

Progress = Callable[[str, int, int], None]
"""Called as `progress(phase, done, total)` during long operations (total 0 when unknown), to draw a bar."""


class DirectoryReader(Protocol):
    """What the services read; inside `transact` the same reads see the state the change is decided on."""

    def organization(self, org_id: str) -> Organization | None: ...

    def all_organizations(self) -> list[Organization]: ...

    def organizations_by_id(self, org_ids: Iterable[str]) -> dict[str, Organization]:
        """The stored ones among `org_ids`, by id, in one read."""

    def person(self, subject: str) -> Person | None: ...

    def people_with_email(self, address: str) -> list[Person]: ...

    def memberships_of(self, subject: str) -> list[Membership]:
        """Every stored membership of `subject`, left ones (still within retention) included."""

    def membership(self, subject: str, org_id: str) -> Membership | None: ...

    def memberships_in_state(self, state: str) -> list[Membership]: ...

    def members_of(self, org_id: str) -> list[Membership]: ...

    def guests_of(self, org_id: str) -> list[tuple[Membership, Person | None]]:
        """`members_of` with each member's person (None when the directory lacks them), in no particular order."""

    def invitation(self, invitation_id: str) -> Invitation | None: ...

    def invitation_by_token(self, token_hash: str) -> Invitation | None: ...

    def invitations_for(self, emails: frozenset[str]) -> list[Invitation]: ...

    def invitations_of(self, org_id: str) -> list[Invitation]: ...

    def pending_invitations(self) -> list[Invitation]: ...

    def removal_requests_of(self, subject: str) -> list[RemovalRequest]: ...

    def removal_requests_to(self, org_id: str | None) -> list[RemovalRequest]:
        """The requests to one organization, or to all of them (`None`)."""

    def removal_request(self, request_id: str) -> RemovalRequest | None: ...

    def counts(self) -> StoreCounts: ...


class DirectoryRepository(DirectoryReader, Protocol):
    def add_person(self, person: Person, home: Organization) -> None:
        """Record a person (and their home organization, if new) in one atomic write."""

    def transact(self, work: Callable[[DirectoryReader], Changes]) -> set[str]:
        """Decide a change from the current state and commit it with its audit, all or nothing, while nobody
        else can write; returns the live-event topics (subjects, `email:` addresses) that changed."""

    def merge_directory(self, directory: Directory, audit: AuditEntry, *, progress: Progress | None = None) -> set[str]:
        """Upsert a whole directory in one atomic write; returns the subjects whose organizations changed."""

    def export_directory(self) -> Directory: ...

    def audit_entries(self) -> list[AuditEntry]: ...

    def activity_of(self, subject: str) -> list[AuditEntry]:
        """The audit records that concern `subject`, oldest first."""

    def activity_of_organization(self, org_id: str) -> list[AuditEntry]:
        """The audit records that concern `org_id`, oldest first."""

    def backup(self, target: Path) -> StoreCounts:
        """Write a consistent copy of everything (audit trail included) that `restore_store` can read back."""

    def ready(self) -> bool:
        """Whether the store can serve requests now (for the health endpoint)."""

    def close(self) -> None:
        """Release what the store holds open (files, connections, a listener)."""

    def refresh(self) -> set[str]:
        """Pick up writes made by another process; returns the topics that changed."""
