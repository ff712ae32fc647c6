"""Restore a backup: validate it whole, then switch the store to a data folder built from it, atomically.

It never opens the current store (which may be the damaged thing being replaced). A running app notices the
new manifest on its next look (under a second) and shows the restored directory; its later writes go there.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from filelock import Timeout

from data.atomic_files import write_atomically
from data.data_folder import read_manifest_bytes, remove_leftovers, switch_to
from data.errors import StoreBusy, StoreCorrupt, StoreError
from data.json_storage import parse_tables
from data.layout import Layout, Manifest, is_single_file_store
from data.records import StoreCounts
from data.repository import Progress
from data.single_file import SingleFile, base_generation, distribute, read_single_file
from data.tinydb_store import file_lock

log = logging.getLogger(__name__)


def restore_store(path: Path, source: Path, *, lock_timeout: float = 30.0, progress: Progress | None = None,
                  check: Callable[[SingleFile], None] | None = None) -> StoreCounts:
    """Replace the store at `path` by the backup `source`; a backup that is not valid changes nothing.

    `check` sees the backup's documents once their shapes are checked and before anything is switched; whatever
    it raises stops the restore.
    """
    path = path.resolve()
    single = read_single_file(source)
    if check:
        check(single)
    if progress:
        progress('validating', 1, 1)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with file_lock(path, lock_timeout):
            template = _current_template(path)
            raw = switch_to(path, template, distribute(single, Layout(path, template)), base=base_generation(single),
                            progress=progress)
            remove_leftovers(path, Manifest.read(parse_tables(raw, path), path))  # the replaced folder goes
    except Timeout:
        raise StoreBusy(f'{path}: another process has held the store for more than {lock_timeout:g} s; '
                        f'nothing was restored, try again.') from None
    except OSError as error:
        raise StoreError(f'{error.filename or path}: {error.strerror}; the restore stopped, and the store is '
                         f'either as before or fully restored.') from None
    log.warning('%s: restored from %s', path, source)
    return StoreCounts(organizations=single.count('organizations'), people=single.count('people'),
                       memberships=single.count('memberships'))


def _current_template(path: Path) -> Manifest:
    """The current shard counts, so a restore keeps them; a single-file store is kept aside like a migration."""
    raw = read_manifest_bytes(path)
    if raw is None:
        return Manifest(data='')
    try:
        tables = parse_tables(raw, path)
        if is_single_file_store(tables):
            keep = path.with_name(f'{path.name}.replaced-by-restore')
            write_atomically(keep, raw)
            log.warning('%s: the single-file store it held is kept as %s', path, keep)
            return Manifest(data='')
        current = Manifest.read(tables, path)
    except StoreCorrupt as error:
        log.warning('restoring over a damaged store: %s', error)
        return Manifest(data='')
    return Manifest(data='', person_shards=current.person_shards, org_shards=current.org_shards)
