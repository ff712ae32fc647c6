"""Administrator operations on the whole directory: import, export, backup, restore, and seeding the demo."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from data.atomic_files import atomic_stream
from data.errors import StoreError
from data.lifecycle_index import ORGANIZATION_TOPIC
from data.records import AuditEntry, Directory, StoreCounts
from data.repository import DirectoryRepository, Progress
from data.restore import restore_store
from data.single_file import SingleFile
from services import directory_entries as entries
from services.clock import Clock, utc_now
from services.directory_file import read_directory_file, write_directory
from services.errors import InvalidDirectory, StoreUnavailable
from services.events import MembershipEvents


@dataclass(kw_only=True, frozen=True, slots=True)
class ImportResult:
    organizations: int
    people: int
    memberships: int
    people_changed: int


class DirectoryAdmin:
    def __init__(self, repository: DirectoryRepository, events: MembershipEvents, clock: Clock = utc_now) -> None:
        self._repository = repository
        self._events = events
        self._clock = clock

    def import_file(self, path: Path, *, actor: str = 'admin', progress: Progress | None = None) -> ImportResult:
        """Merge the file into the directory: new entries are added, changed ones updated, none removed."""
        directory = read_directory_file(path, known_organizations=_Known(self._repository.organization),
                                        known_people=_Known(self._repository.person), progress=progress)
        changed = self.merge(directory, actor=actor, detail=f'import of {path.name}', progress=progress)
        return ImportResult(organizations=len(directory.organizations), people=len(directory.people),
                            memberships=len(directory.memberships),
                            people_changed=sum(not topic.startswith(ORGANIZATION_TOPIC) for topic in changed))

    def merge(self, directory: Directory, *, actor: str, detail: str, progress: Progress | None = None) -> set[str]:
        audit = AuditEntry(at=self._clock().isoformat(timespec='seconds'), actor=actor, action='import',
                           detail=detail)
        try:
            changed = self._repository.merge_directory(directory, audit, progress=progress)
        except StoreError as error:
            raise StoreUnavailable(str(error)) from None
        self._events.publish(changed)
        return changed

    def export_file(self, path: Path) -> int:
        """Write the directory to `path` atomically (streamed: it may be hundreds of megabytes)."""
        directory = self._repository.export_directory()
        with atomic_stream(path) as handle:
            write_directory(directory, handle)
        return len(directory.memberships)

    def backup(self, path: Path) -> StoreCounts:
        """A consistent copy of the whole store (audit trail included), taken while the app may be running."""
        try:
            return self._repository.backup(path)
        except StoreError as error:
            raise StoreUnavailable(str(error)) from None

    def people_other_than(self, subjects: Iterable[str]) -> int:
        """How many people of the store are not among `subjects` (counted, not listed: the store may be large)."""
        known = sum(1 for subject in set(subjects) if self._repository.person(subject) is not None)
        return self._repository.counts().people - known

    def seed_if_empty(self, directory: Directory) -> bool:
        """Load the demo directory on first start only, so a person's demo leaves survive restarts."""
        if self._repository.counts().people:
            return False
        self.merge(directory, actor='demo', detail='demo directory seeded on first start')
        return True


def restore_backup(store: Path, backup: Path, *, progress: Progress | None = None) -> StoreCounts:
    """Replace the store by `backup`; it is validated whole first, and a bad one changes nothing.

    The current store is not opened (it may be the damaged thing being replaced); a running app picks the
    restored directory up within a second.
    """
    return restore_store(store, backup, progress=progress, check=lambda single: check_backup(single, backup))


# the same per-entry checks as an import, on every document of a backup (audit: the same text limits)
BACKUP_ENTRIES: tuple[tuple[str, str, Callable[[Any, str], object]], ...] = (
    ('organizations', 'id', partial(entries.organization, stored=True)), ('people', 'subject', entries.person),
    ('memberships', 'subject', entries.membership), ('invitations', 'id', entries.stored_invitation),
    ('removal_requests', 'id', entries.removal_request), ('audit', 'action', entries.audit_entry))


def check_backup(single: SingleFile, backup: Path) -> None:
    """Refuse a backup holding an entry that an import would refuse, naming it; nothing is switched then."""
    for table, key, check in BACKUP_ENTRIES:
        for i, doc in enumerate(single.tables[table]):
            try:
                check(doc, f'{table}[{i}] ({key} {_shortened(doc.get(key))!r})')
            except InvalidDirectory as error:
                raise InvalidDirectory(f'{backup}: {error}; nothing was restored.') from None


def _shortened(value: object, limit: int = 40) -> object:
    return value[:limit] + '…' if isinstance(value, str) and len(value) > limit else value


class _Known:
    """`in` against the store without copying a million ids out of it."""

    def __init__(self, lookup: Callable[[str], object]) -> None:
        self._lookup = lookup

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._lookup(key) is not None
