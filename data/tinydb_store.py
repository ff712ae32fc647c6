"""The directory kept in one TinyDB file: atomic commits, an OS lock for other processes, in-memory indexes."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

from filelock import FileLock, Timeout
from tinydb import TinyDB

from data.atomic_json_storage import AtomicJSONStorage, atomic_write_json, remove_leftover_temp_files
from data.document_shapes import audit_from_doc, membership_from_doc, organization_from_doc, person_from_doc
from data.errors import MembershipNotFound, StoreBusy, StoreError
from data.records import AuditEntry, Directory, Membership, Organization, Person

ORGANIZATIONS, PEOPLE, MEMBERSHIPS, AUDIT = 'organizations', 'people', 'memberships', 'audit'


class _Snapshot:
    """What the file held when last read, indexed for the queries the portal makes."""

    def __init__(self, db: TinyDB, path: Path) -> None:
        self.organizations: dict[str, tuple[int, Organization]] = {}
        self.people: dict[str, tuple[int, Person]] = {}
        self.memberships: dict[str, dict[str, tuple[int, Membership]]] = {}
        self.members_of: dict[str, set[str]] = {}
        for doc in db.table(ORGANIZATIONS).all():
            org = organization_from_doc(doc, path)
            self.organizations[org.id] = (doc.doc_id, org)
        for doc in db.table(PEOPLE).all():
            person = person_from_doc(doc, path)
            self.people[person.subject] = (doc.doc_id, person)
        for doc in db.table(MEMBERSHIPS).all():
            self.add_membership(doc.doc_id, membership_from_doc(doc, path))

    def add_membership(self, doc_id: int, membership: Membership) -> None:
        self.memberships.setdefault(membership.subject, {})[membership.organization] = (doc_id, membership)
        self.members_of.setdefault(membership.organization, set()).add(membership.subject)

    def drop_membership(self, subject: str, organization: str) -> None:
        del self.memberships[subject][organization]
        self.members_of[organization].discard(subject)

    def view_of(self, subject: str) -> tuple[Person | None, frozenset[tuple[Organization | None, Membership]]]:
        """Everything a person's pages show, to tell which people another process's write touched."""
        person = self.people.get(subject, (0, None))[1]
        rows = frozenset((self.organizations.get(m.organization, (0, None))[1], m)
                         for _, m in self.memberships.get(subject, {}).values())
        home = self.organizations.get(person.home, (0, None))[1] if person else None
        return person, rows | {(home, Membership(subject=subject, organization='', joined=None))}


class TinyDirectoryStore:
    """Thread-safe and process-safe; every public write is one atomic commit."""

    def __init__(self, path: Path, *, lock_timeout: float = 10.0) -> None:
        self.path = path.resolve()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(f'{self.path.parent}: cannot create the store folder ({error.strerror}).') from None
        self._file_lock = FileLock(f'{self.path}.lock', timeout=lock_timeout)
        self._lock = threading.RLock()
        self._storage = AtomicJSONStorage(self.path)
        self._signature: tuple[int, int, int] | None = None
        with self._exclusive(check_outside_writes=False):
            remove_leftover_temp_files(self.path)
            self._snapshot = self._load()

    # --- reads (served from memory) ---

    def organization(self, org_id: str) -> Organization | None:
        with self._lock:
            return self._snapshot.organizations.get(org_id, (0, None))[1]

    def person(self, subject: str) -> Person | None:
        with self._lock:
            return self._snapshot.people.get(subject, (0, None))[1]

    def memberships_of(self, subject: str) -> list[Membership]:
        with self._lock:
            return [m for _, m in self._snapshot.memberships.get(subject, {}).values()]

    def audit_entries(self) -> list[AuditEntry]:
        with self._lock:
            return [audit_from_doc(doc, self.path) for doc in self._db.table(AUDIT).all()]

    def export_directory(self) -> Directory:
        with self._lock:
            snapshot = self._snapshot
            return Directory(
                organizations=tuple(org for _, org in snapshot.organizations.values()),
                people=tuple(person for _, person in snapshot.people.values()),
                memberships=tuple(m for by_org in snapshot.memberships.values() for _, m in by_org.values()))

    # --- writes (each one atomic and durable) ---

    def add_person(self, person: Person, home: Organization) -> None:
        with self._exclusive(), self._commit():
            if home.id not in self._snapshot.organizations:
                doc_id = self._db.table(ORGANIZATIONS).insert(asdict(home))
                self._snapshot.organizations[home.id] = (doc_id, home)
            if person.subject not in self._snapshot.people:
                doc_id = self._db.table(PEOPLE).insert(asdict(person))
                self._snapshot.people[person.subject] = (doc_id, person)

    def remove_membership(self, subject: str, organization: str, audit: AuditEntry) -> None:
        with self._exclusive(), self._commit():
            found = self._snapshot.memberships.get(subject, {}).get(organization)
            if found is None:
                raise MembershipNotFound(f'{subject} is not a member of {organization}')
            self._db.table(MEMBERSHIPS).remove(doc_ids=[found[0]])
            self._db.table(AUDIT).insert(asdict(audit))
            self._snapshot.drop_membership(subject, organization)

    def merge_directory(self, directory: Directory, audit: AuditEntry) -> set[str]:
        with self._exclusive(), self._commit():
            before = self._views(self._affected_by(directory))
            self._upsert(ORGANIZATIONS, self._snapshot.organizations, {o.id: o for o in directory.organizations})
            self._upsert(PEOPLE, self._snapshot.people, {p.subject: p for p in directory.people})
            memberships = self._db.table(MEMBERSHIPS)
            for membership in directory.memberships:
                existing = self._snapshot.memberships.get(membership.subject, {}).get(membership.organization)
                if existing is None:
                    self._snapshot.add_membership(memberships.insert(asdict(membership)), membership)
                elif existing[1] != membership and membership.joined is not None:
                    memberships.update(asdict(membership), doc_ids=[existing[0]])
                    self._snapshot.add_membership(existing[0], membership)
            changed = {s for s, view in before.items() if self._snapshot.view_of(s) != view}
            if changed:
                self._db.table(AUDIT).insert(asdict(audit))
            return changed

    # --- other processes ---

    def refresh(self) -> set[str]:
        with self._lock:
            if self._current_signature() == self._signature:
                return set()
            with self._exclusive():
                pass
            return self._changed_outside

    def backup(self, target: Path) -> None:
        """Copy a consistent state of the store to `target` while the app may be running."""
        with self._exclusive():
            tables = self._storage.read() or {}
            atomic_write_json(target, tables)

    # --- internals ---

    @property
    def _db(self) -> TinyDB:
        return self._tinydb

    def _load(self) -> _Snapshot:
        self._storage.forget()
        self._tinydb = TinyDB(storage=lambda: self._storage)
        snapshot = _Snapshot(self._tinydb, self.path)
        self._signature = self._current_signature()
        return snapshot

    def _current_signature(self) -> tuple[int, int, int] | None:
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            return None
        return stat.st_ino, stat.st_mtime_ns, stat.st_size

    @contextlib.contextmanager
    def _exclusive(self, *, check_outside_writes: bool = True) -> Iterator[None]:
        """Hold this process's lock and the OS file lock; first take in what another process wrote."""
        with self._lock:
            try:
                self._file_lock.acquire()
            except Timeout:
                raise StoreBusy(f'{self.path}: another process has held the store for too long; '
                                f'try again in a moment.') from None
            try:
                self._changed_outside = set()
                if check_outside_writes and self._current_signature() != self._signature:
                    old = self._snapshot
                    subjects = set(old.people) | set(old.memberships)
                    before = {s: old.view_of(s) for s in subjects}
                    self._snapshot = self._load()
                    subjects |= set(self._snapshot.people) | set(self._snapshot.memberships)
                    self._changed_outside = {s for s in subjects
                                             if self._snapshot.view_of(s) != before.get(s)}
                yield
            finally:
                self._file_lock.release()

    @contextlib.contextmanager
    def _commit(self) -> Iterator[None]:
        """One atomic commit for everything inside; on failure memory is reloaded from the untouched file."""
        try:
            with self._storage.batch():
                yield
        except BaseException:
            self._snapshot = self._load()
            raise
        self._signature = self._current_signature()

    def _affected_by(self, directory: Directory) -> set[str]:
        subjects = {p.subject for p in directory.people} | {m.subject for m in directory.memberships}
        for org in directory.organizations:
            subjects |= self._snapshot.members_of.get(org.id, set())
            subjects |= {s for s, (_, p) in self._snapshot.people.items() if p.home == org.id}
        return subjects

    def _views(self, subjects: set[str]) -> dict[str, object]:
        return {s: self._snapshot.view_of(s) for s in subjects}

    def _upsert(self, table_name: str, index: dict, records: dict) -> None:
        table = self._db.table(table_name)
        for key, record in records.items():
            existing = index.get(key)
            if existing is None:
                index[key] = (table.insert(asdict(record)), record)
            elif existing[1] != record:
                table.update(asdict(record), doc_ids=[existing[0]])
                index[key] = (existing[0], record)
