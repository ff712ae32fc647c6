"""One process's view of a data folder: its open journal, the in-memory index, and how both follow the files.

Every method runs under the store's thread lock and the OS file lock, so no other writer is active: any
committed transaction not yet marked applied was left by a writer that died (or failed) and is rolled forward
here before anything else happens. Writes go through the same path as catching up with other processes: the
writer appends its transaction to the journal (fsynced when it spans several files: that is the commit point;
a single file is committed by its own atomic replacement), then takes it in like anyone else's.
"""

from __future__ import annotations

import contextlib
import gc
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from data.atomic_files import fsync_folder
from data.errors import StoreCorrupt, StoreError
from data.file_changes import apply_part
from data.index import DirectoryIndex, changed_subjects
from data.journal import Journal, Scan, Transaction, encode_line
from data.json_storage import UNCHANGED, read_tables
from data.layout import DATA_TABLES, Layout, Manifest
from data.planner import Plan
from data.repository import Progress

log = logging.getLogger(__name__)

ROTATE_BYTES = 4 << 20
FLUSH_BYTES = 1 << 20


def _quiet(phase: str, done: int, total: int) -> None:
    pass


class StoreState:
    def __init__(self, manifest_path: Path, manifest: Manifest, manifest_bytes: bytes) -> None:
        self.layout = Layout(manifest_path, manifest)
        self.manifest_bytes = manifest_bytes
        self.journal = Journal(self.layout.journal_path)
        self.index = DirectoryIndex()
        self.gen = self.journal.base
        self.offset = self.journal.start
        self.pending: list[Transaction] = []

    def load(self, progress: Progress = _quiet) -> None:
        """Finish what a killed writer left, then index every data file (each validated; none rewritten)."""
        scan = self._scan()
        self.pending = [t for t in scan.transactions if t.gen not in scan.applied]
        for transaction in list(self.pending):
            self._take_in(transaction, to_index=False)
        self.index, top = load_index(self.layout, progress)
        self.gen = max([self.gen, top, *(t.gen for t in scan.transactions)])
        self.offset = self.journal.size()
        self.rotate_if_large()

    def close(self) -> None:
        self.journal.close()

    def changed_on_disk(self) -> bool:
        """Cheap check, without the file lock, for a commit by another process since we last looked."""
        try:
            return self.journal.replaced() or self.journal.size() != self.offset
        except OSError:
            return True

    def catch_up(self, progress: Progress = _quiet) -> set[str]:
        """Take in other processes' commits; returns the subjects whose view changed."""
        changed = self._follow_rotation()
        return changed | self._consume(progress)

    def _consume(self, progress: Progress = _quiet) -> set[str]:
        changed: set[str] = set()
        scan = self._scan()
        self.pending = [t for t in self.pending if t.gen not in scan.applied]
        for transaction in list(self.pending):
            self._take_in(transaction, to_index=False)
        for transaction in scan.transactions:
            if transaction.gen <= self.gen:
                continue
            if transaction.gen in scan.applied:
                changed |= self._take_in(transaction, to_files=False, progress=progress)
            else:
                self.pending.append(transaction)
                changed |= self._take_in(transaction, progress=progress)
        self.offset = self.journal.size()  # under the lock nobody else appends: the rest are our own marks
        return changed

    def commit(self, plan: Plan, gen: int, progress: Progress = _quiet) -> set[str]:
        """Make `plan` durable in the journal (the commit point), then apply it; returns whose view changed."""
        if gen != self.gen + 1:
            raise StoreError(f'{self.layout.folder}: internal error, generation {gen} does not follow {self.gen}.')
        start = self.journal.size()
        buffer: list[bytes] = []
        size = count = 0
        try:
            for part in plan.parts():
                line = encode_line(b'P', gen, part)
                buffer.append(line)
                size, count = size + len(line), count + 1
                if size >= FLUSH_BYTES:
                    self.journal.append(b''.join(buffer), sync=False)
                    buffer, size = [], 0
                    progress('journal', count, len(plan))
            buffer.append(encode_line(b'C', gen, {'parts': count}))
            # one file is replaced atomically and durably on its own: the journal then only tells other
            # processes (and a restart after kill -9) about it; several files need it durable first
            self.journal.append(b''.join(buffer), sync=count > 1)
        except BaseException:
            self.journal.cut_torn_tail(start, 'that failed to be written')
            raise
        progress('journal', count, len(plan))
        changed = self.catch_up(progress)
        self.rotate_if_large()
        return changed

    def rotate_if_large(self) -> None:
        """Start a fresh journal once every commit in this one is in the data files (and durable there)."""
        if self.pending or self.journal.size() < ROTATE_BYTES:
            return
        Journal.create(self.layout.journal_path, self.gen)
        self.journal.close()
        self.journal = Journal(self.layout.journal_path)
        self.offset = self.journal.start

    def _scan(self) -> Scan:
        scan = self.journal.scan(self.offset)
        if scan.torn:
            self.journal.cut_torn_tail(scan.end)
        return scan

    def _follow_rotation(self) -> set[str]:
        if not self.journal.replaced():
            return set()
        changed = self._consume()  # the rest of the old file, still readable through our descriptor
        journal = Journal(self.layout.journal_path)
        self.journal.close()
        self.journal, self.offset = journal, journal.start
        if journal.base == self.gen:
            return changed
        log.info('%s: another process rotated the journal twice since this one last looked; re-reading the store',
                 self.layout.folder)
        index, top = load_index(self.layout)
        changed |= changed_subjects(self.index, index)
        self.index, self.gen = index, max(journal.base, top)
        return changed

    def _take_in(self, transaction: Transaction, *, to_index: bool = True, to_files: bool = True,
                 progress: Progress = _quiet) -> set[str]:
        """Apply one committed transaction part by part (bounded memory) to the index and/or the files."""
        subjects: set[str] = set()
        org_ids: set[str] = set()
        failure: StoreError | None = None
        several = len(transaction.parts) > 1  # then the folders are fsynced once at the end, not after each file
        for done, (offset, length) in enumerate(transaction.parts, 1):
            part = self._checked_part(self.journal.read_part(offset, length), offset)
            if to_index:
                touched = self.index.apply(part['tables'])
                subjects |= touched[0]
                org_ids |= touched[1]
            if to_files and failure is None:
                failure = self._apply_to_file(part, transaction.gen, sync_folder=not several)
            if several:
                progress('files' if to_files else 'index', done, len(transaction.parts))
        if to_index:
            self.gen = max(self.gen, transaction.gen)
        if failure is not None:
            raise failure
        if to_files:
            if several:
                for folder in (*self.layout.subfolders(), self.layout.folder):
                    fsync_folder(folder)
            self.pending.remove(transaction)
            self.journal.append(encode_line(b'A', transaction.gen, {}), sync=False)
        return subjects | self.index.subjects_of(org_ids)

    def _apply_to_file(self, part: dict[str, Any], gen: int, *, sync_folder: bool) -> StoreError | None:
        try:
            apply_part(self.layout.path(part['file']), part['tables'], gen, sync_folder=sync_folder)
        except StoreError as error:
            return error
        except OSError as error:
            return StoreError(f'{self.layout.path(part["file"])}: cannot be written ({error.strerror}); the change '
                              f'is safe in the journal and is applied on the next write or start.')
        return None

    def _checked_part(self, part: Any, offset: int) -> dict[str, Any]:
        tables = part.get('tables') if isinstance(part, dict) else None
        if not self.layout.is_file_name(part.get('file') if tables else None) or not isinstance(tables, dict) or \
                not set(tables) <= DATA_TABLES:
            raise StoreCorrupt(f'{self.journal.path}: invalid part at byte {offset}; {UNCHANGED}.')
        return part


def load_index(layout: Layout, progress: Progress = _quiet) -> tuple[DirectoryIndex, int]:
    """Read and validate every data file; returns the index and the highest generation found in them."""
    index = DirectoryIndex()
    top = 0
    names = layout.existing_files()
    with _no_garbage_collection():
        for done, name in enumerate(names, 1):
            tables = read_tables(layout.path(name)) or {}
            top = max(top, *index.load_file(name, tables, layout))
            if done % 64 == 0 or done == len(names):
                progress('opening', done, len(names))
    return index, top


@contextlib.contextmanager
def _no_garbage_collection() -> Iterator[None]:
    """Loading makes millions of acyclic objects; the collector's passes over them would cost a second or more."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
