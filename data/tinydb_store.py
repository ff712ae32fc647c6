"""The directory kept in sharded TinyDB files: journaled atomic commits, an OS lock, in-memory indexes.

Reads are served from memory under one thread lock. Every write holds that lock and the OS file lock, first
takes in what other processes committed, then commits through the journal (see `store_state`). The layout of
the files is described in `layout`; docs/storage.md describes it for administrators.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from data.data_folder import open_manifest, read_manifest_bytes, remove_leftovers
from data.document_shapes import audit_from_doc, audit_seq, document
from data.errors import StoreBusy, StoreCorrupt, StoreError
from data.index import changed_subjects
from data.json_storage import parse_tables, read_tables
from data.layout import ORG_SHARDS, PERSON_SHARDS, Manifest
from data.lifecycle_reads import LifecycleReads
from data.planner import plan_add_person, plan_changes, plan_merge
from data.records import (
    AuditEntry,
    Changes,
    Directory,
    Membership,
    Organization,
    Person,
    StoreCounts,
)
from data.repository import DirectoryReader, Progress
from data.single_file import write_single_file
from data.store_state import StoreState


def file_lock(path: Path, timeout: float) -> FileLock:
    """The lock every process takes to write; released by the OS if its holder dies."""
    return FileLock(f'{path}.lock', timeout=timeout, thread_local=False, poll_interval=0.002)


class TinyDirectoryStore(LifecycleReads):
    """Thread-safe and process-safe; every public write is one atomic, durable commit."""

    def __init__(self, path: Path, *, lock_timeout: float = 10.0, person_shards: int = PERSON_SHARDS,
                 org_shards: int = ORG_SHARDS, progress: Progress | None = None) -> None:
        self.path = path.resolve()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(f'{self.path.parent}: cannot create the store folder ({error.strerror}).') from None
        self._file_lock = file_lock(self.path, lock_timeout)
        self._writer = threading.Lock()  # one writer per process; taken before the OS lock
        self._lock = threading.RLock()  # the in-memory state; taken last, so readers never wait on the OS lock
        self._outside: set[str] = set()
        with self._locked():
            manifest, raw = open_manifest(self.path, person_shards=person_shards, org_shards=org_shards,
                                          progress=progress)
            self._state = _loaded(StoreState(self.path, manifest, raw), progress or _quiet)

    # --- reads (served from memory) ---

    def organization(self, org_id: str) -> Organization | None:
        with self._lock:
            return self._state.index.organizations.get(org_id)

    def organizations_by_id(self, org_ids: Iterable[str]) -> dict[str, Organization]:
        with self._lock:
            organizations = self._state.index.organizations
            return {org_id: organizations[org_id] for org_id in org_ids if org_id in organizations}

    def all_organizations(self) -> list[Organization]:
        with self._lock:
            return list(self._state.index.organizations.values())

    def person(self, subject: str) -> Person | None:
        with self._lock:
            return self._state.index.people.get(subject)

    def people_with_email(self, address: str) -> list[Person]:
        """The people whose directory address is `address` (compared case-insensitively)."""
        address = address.casefold()
        with self._lock:
            return [p for p in self._state.index.people.values() if (p.email or '').casefold() == address]

    def memberships_of(self, subject: str) -> list[Membership]:
        """Every stored membership of `subject`, left ones (still within retention) included."""
        with self._lock:
            index = self._state.index
            orgs = index.memberships.get(subject, {})
            return [_membership(index.membership_state(subject, org), subject, org, joined)
                    for org, joined in orgs.items()]

    def membership(self, subject: str, org_id: str) -> Membership | None:
        with self._lock:
            index = self._state.index
            orgs = index.memberships.get(subject, {})
            if org_id not in orgs:
                return None
            return _membership(index.membership_state(subject, org_id), subject, org_id, orgs[org_id])

    def memberships_in_state(self, state: str) -> list[Membership]:
        """The memberships that are disabled or left (there are few: most are active)."""
        with self._lock:
            index = self._state.index
            return [_membership((s, left_at), subject, org, index.memberships[subject].get(org))
                    for (subject, org), (s, left_at) in index.membership_states.items() if s == state]

    def members_of(self, org_id: str) -> list[Membership]:
        with self._lock:
            index = self._state.index
            return [_membership(index.membership_state(subject, org_id), subject, org_id,
                                index.memberships[subject][org_id])
                    for subject in sorted(index.subjects_of([org_id]))
                    if org_id in index.memberships.get(subject, {})]

    def guests_of(self, org_id: str) -> list[tuple[Membership, Person | None]]:
        """The organization's stored memberships with their people, in one pass under the lock (an administrator's
        page lists ten thousand of them)."""
        with self._lock:
            index = self._state.index
            people = index.people
            return [(_membership(index.membership_state(subject, org_id), subject, org_id,
                                 index.memberships[subject][org_id]), people.get(subject))
                    for subject in index.subjects_of([org_id]) if org_id in index.memberships.get(subject, {})]

    def counts(self) -> StoreCounts:
        with self._lock:
            return self._state.index.counts()

    def export_directory(self) -> Directory:
        with self._lock:
            index = self._state.index
            return Directory(organizations=tuple(index.organizations.values()), people=tuple(index.people.values()),
                             memberships=tuple(_membership(index.membership_state(s, o), s, o, j)
                                               for s, orgs in index.memberships.items() for o, j in orgs.items()),
                             invitations=tuple(index.lifecycle.invitations.values()),
                             removal_requests=tuple(index.lifecycle.removal_requests.values()))

    def audit_entries(self) -> list[AuditEntry]:
        """The audit trail in commit order (read from the files: it is not kept in memory)."""
        with self._exclusive():
            return [audit_from_doc(doc, path, doc_id) for _, doc, path, doc_id in self._audit_documents()]

    def activity_of(self, subject: str) -> list[AuditEntry]:
        """What concerns `subject`, oldest first: read from their one person shard, where it is all kept."""
        with self._exclusive():
            name = self._state.layout.person_file(subject)
            path = self._state.layout.path(name)
            docs = (read_tables(path) or {}).get('audit', {}) if path.exists() else {}
            found = sorted((audit_seq(doc, path, doc_id), int(doc_id), doc_id) for doc_id, doc in docs.items()
                           if doc.get('subject') == subject or (doc.get('subject') is None and
                                                                doc.get('actor') == subject))
            return [audit_from_doc(docs[doc_id], path, doc_id) for _, _, doc_id in found]

    def activity_of_organization(self, org_id: str) -> list[AuditEntry]:
        """What concerns `org_id`, oldest first. Its records live with the people they concern, so the first read
        scans every file's audit table; from then on the trail is kept in memory (`OrganizationTrails`)."""
        with self._lock:
            kept = self._state.index.trails.get(org_id)
        if kept is not None:
            return kept
        with self._exclusive():
            trails = self._state.index.trails
            if (kept := trails.get(org_id)) is None:
                trails.keep(org_id, [(seq, audit_from_doc(doc, path, doc_id))
                                     for seq, doc, path, doc_id in self._audit_documents()
                                     if doc.get('organization') == org_id])
                kept = trails.get(org_id)
            assert kept is not None
            return kept

    # --- writes (each one atomic and durable) ---

    def add_person(self, person: Person, home: Organization) -> None:
        with self._exclusive():
            plan = plan_add_person(self._state.layout, self._state.index, person, home)
            if plan:
                self._state.commit(plan, self._state.gen + 1)

    def transact(self, work: Callable[[DirectoryReader], Changes]) -> set[str]:
        """Run `work` against the current state while no other thread or process can write, then commit what it
        returns in one atomic, durable write; returns the live-event topics that changed.

        `work` decides from what it reads (a rule it checks raises, and nothing is written): of two concurrent
        calls that both want the same pending invitation or active membership, the second sees the first's
        result. It must be quick and must not call back into the store's writes.
        """
        with self._exclusive():
            changes = work(self)
            if not changes:
                return set()
            gen = self._state.gen + 1
            return self._state.commit(plan_changes(self._state.layout, changes, gen), gen)

    def merge_directory(self, directory: Directory, audit: AuditEntry, *, progress: Progress | None = None) -> set[str]:
        with self._lock:  # planned before taking the OS lock (seconds at a million memberships) ...
            state, gen = self._state, self._state.gen + 1
            plan = plan_merge(state.layout, state.index, directory, audit, gen)
        with self._exclusive():
            if self._state is not state or self._state.gen + 1 != gen:  # ... and again if anything came in since
                gen = self._state.gen + 1
                plan = plan_merge(self._state.layout, self._state.index, directory, audit, gen)
            if not plan:
                return set()
            return self._state.commit(plan, gen, progress or _quiet)

    # --- other processes, backups ---

    def refresh(self) -> set[str]:
        with self._lock:
            quiet = not self._outside and not self._state.changed_on_disk() and \
                read_manifest_bytes(self.path) == self._state.manifest_bytes
        if not quiet:
            with self._exclusive():
                pass
        with self._lock:
            changed, self._outside = self._outside, set()
            return changed

    def backup(self, target: Path) -> StoreCounts:
        """Write a consistent copy, in the single-file format `restore` reads, while the app may be running."""
        with self._exclusive():
            index = self._state.index
            audit = [{k: v for k, v in doc.items() if k != 'seq'} for _, doc, _, _ in self._audit_documents()]
            write_single_file(target, [
                ('organizations', (document('organizations', o) for o in index.organizations.values())),
                ('people', (document('people', p) for p in index.people.values())),
                ('memberships', (document('memberships', _membership(index.membership_state(s, o), s, o, j))
                                 for s, orgs in index.memberships.items() for o, j in orgs.items())),
                ('invitations', (document('invitations', i) for i in index.lifecycle.invitations.values())),
                ('removal_requests', (document('removal_requests', r)
                                      for r in index.lifecycle.removal_requests.values())),
                ('audit', audit)])
            return index.counts()

    def ready(self) -> bool:
        """The store's manifest is still there to be read (the health check asks; everything else is in memory)."""
        return self.path.is_file()

    def close(self) -> None:
        with self._lock:
            self._state.close()

    # --- internals ---

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """This process's writer lock, then the OS file lock (waiting at most the timeout), then the state lock."""
        with self._writer:
            try:
                self._file_lock.acquire()
            except Timeout:
                raise StoreBusy(f'{self.path}: another process has held the store for more than '
                                f'{self._file_lock.timeout:g} s; try again in a moment.') from None
            try:
                with self._lock:
                    yield
            except OSError as error:
                raise StoreError(f'{getattr(error, "filename", None) or self.path}: {error.strerror or error}; '
                                 f'nothing acknowledged was lost.') from None
            finally:
                self._file_lock.release()

    @contextlib.contextmanager
    def _exclusive(self) -> Iterator[None]:
        """Hold both locks, having taken in what another process committed (or a restore it made)."""
        with self._locked():
            raw = read_manifest_bytes(self.path)
            if raw != self._state.manifest_bytes:
                self._outside |= self._switch(raw)
            else:
                self._outside |= self._state.catch_up()
            yield

    def _switch(self, raw: bytes | None) -> set[str]:
        """Another process restored a backup: load the folder the manifest names now."""
        if raw is None:
            raise StoreCorrupt(f'{self.path}: the manifest disappeared while the store was open; restore it.')
        manifest = Manifest.read(parse_tables(raw, self.path), self.path)
        state = _loaded(StoreState(self.path, manifest, raw), _quiet)
        remove_leftovers(self.path, manifest)
        changed = changed_subjects(self._state.index, state.index)
        self._state.close()
        self._state = state
        return changed

    def _audit_documents(self) -> list[tuple[int, dict[str, Any], Path, str]]:
        """Every audit document with its sequence number (the commit order) and where it is stored, in order."""
        found = []
        layout = self._state.layout
        for name in layout.existing_files():
            path = layout.path(name)
            for doc_id, doc in (read_tables(path) or {}).get('audit', {}).items():
                found.append((audit_seq(doc, path, doc_id), doc, path, doc_id))
        return sorted(found, key=lambda entry: (entry[0], int(entry[3])))  # within one commit: insertion order


def _membership(state: tuple[str, str | None], subject: str, org_id: str, joined: str | None) -> Membership:
    return Membership(subject=subject, organization=org_id, joined=joined, state=state[0], left_at=state[1])


def _loaded(state: StoreState, progress: Progress) -> StoreState:
    try:
        state.load(progress)
    except BaseException:
        state.close()
        raise
    return state


def _quiet(phase: str, done: int, total: int) -> None:
    pass

