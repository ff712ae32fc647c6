"""The small interface the services depend on; `TinyDirectoryStore` is its TinyDB implementation."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from data.records import AuditEntry, Directory, Membership, Organization, Person, StoreCounts

Progress = Callable[[str, int, int], None]
"""Called as `progress(phase, done, total)` during long operations (total 0 when unknown), to draw a bar."""


class DirectoryRepository(Protocol):
    def organization(self, org_id: str) -> Organization | None: ...

    def person(self, subject: str) -> Person | None: ...

    def memberships_of(self, subject: str) -> list[Membership]: ...

    def counts(self) -> StoreCounts: ...

    def add_person(self, person: Person, home: Organization) -> None:
        """Record a person (and their home organization, if new) in one atomic write."""

    def remove_membership(self, subject: str, organization: str, audit: AuditEntry) -> None:
        """Remove one membership and append `audit`, all or nothing; `MembershipNotFound` if it is gone."""

    def merge_directory(self, directory: Directory, audit: AuditEntry, *, progress: Progress | None = None) -> set[str]:
        """Upsert a whole directory in one atomic write; returns the subjects whose organizations changed."""

    def export_directory(self) -> Directory: ...

    def audit_entries(self) -> list[AuditEntry]: ...

    def backup(self, target: Path) -> StoreCounts:
        """Write a consistent copy of everything (audit included) that `restore_store` can read back."""

    def refresh(self) -> set[str]:
        """Pick up writes made by another process; returns the subjects whose organizations changed."""
