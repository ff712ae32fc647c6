"""Administrator operations on the whole directory: import, export, and seeding the demo."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from data.errors import StoreError
from data.records import AuditEntry, Directory
from data.repository import DirectoryRepository
from services.clock import Clock, utc_now
from services.directory_file import directory_document, read_directory_file
from services.errors import StoreUnavailable
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

    def import_file(self, path: Path, *, actor: str = 'admin') -> ImportResult:
        """Merge the file into the directory: new entries are added, changed ones updated, none removed."""
        current = self._repository.export_directory()
        directory = read_directory_file(path, known_organizations={o.id for o in current.organizations},
                                        known_people={p.subject for p in current.people})
        changed = self.merge(directory, actor=actor, detail=f'import of {path.name}')
        return ImportResult(organizations=len(directory.organizations), people=len(directory.people),
                            memberships=len(directory.memberships), people_changed=len(changed))

    def merge(self, directory: Directory, *, actor: str, detail: str) -> set[str]:
        audit = AuditEntry(at=self._clock().isoformat(timespec='seconds'), actor=actor, action='import',
                           detail=detail)
        try:
            changed = self._repository.merge_directory(directory, audit)
        except StoreError as error:
            raise StoreUnavailable(str(error)) from None
        self._events.publish(changed)
        return changed

    def export_file(self, path: Path) -> int:
        """Write the directory to `path` atomically; returns the number of memberships written."""
        directory = self._repository.export_directory()
        temp = path.with_name(f'.{path.name}.partial')
        with open(temp, 'w', encoding='utf-8') as handle:
            json.dump(directory_document(directory), handle, ensure_ascii=False, indent=2)
            handle.write('\n')
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
        return len(directory.memberships)

    def seed_if_empty(self, directory: Directory) -> bool:
        """Load the demo directory on first start only, so a person's demo leaves survive restarts."""
        if self._repository.export_directory().people:
            return False
        self.merge(directory, actor='demo', detail='demo directory seeded on first start')
        return True
