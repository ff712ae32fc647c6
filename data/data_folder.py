"""Creating, migrating into, and switching data folders; all under the store's OS file lock.

A data folder is built completely under a hidden name, fsynced, renamed into place, and only then does an
atomic rewrite of the manifest make it the store: a crash at any point leaves the old store untouched and at
most a leftover folder, which the next start removes.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from data.atomic_files import fsync_folder, remove_temp_files, write_atomically
from data.errors import StoreCorrupt, StoreError
from data.journal import Journal
from data.json_storage import UNCHANGED, Tables, encode_tables, parse_tables
from data.layout import (
    ORG_SHARDS,
    PERSON_SHARDS,
    Layout,
    Manifest,
    data_root,
    is_folder_name,
    is_single_file_store,
    new_folder_name,
)
from data.repository import Progress
from data.single_file import base_generation, distribute, read_single_file

log = logging.getLogger(__name__)

BUILDING = '.building-'


def open_manifest(path: Path, *, person_shards: int = PERSON_SHARDS, org_shards: int = ORG_SHARDS,
                  progress: Progress | None = None) -> tuple[Manifest, bytes]:
    """The store's manifest; a missing store is created, and a single-file store migrated, first."""
    raw = read_manifest_bytes(path)
    if raw is None:
        leftovers = [p for p in _folders(data_root(path)) if is_folder_name(p.name)]
        if leftovers:
            raise StoreCorrupt(f'{path}: missing, but {leftovers[0]} holds store data; restore the manifest from '
                               f'a backup, or run `restore`. Nothing was changed.')
        manifest = Manifest(data='', person_shards=person_shards, org_shards=org_shards)
        raw = switch_to(path, manifest, [], base=0)
    else:
        tables = parse_tables(raw, path)
        if is_single_file_store(tables):
            raw = _migrate(path, raw, tables, Manifest(data='', person_shards=person_shards, org_shards=org_shards),
                           progress)
    manifest = Manifest.read(parse_tables(raw, path), path)
    if not (data_root(path) / manifest.data).is_dir():
        raise StoreCorrupt(f'{path}: its data folder {data_root(path) / manifest.data} is missing; restore the '
                           f'store from a backup. {UNCHANGED.capitalize()}.')
    remove_leftovers(path, manifest)
    return manifest, raw


def read_manifest_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise StoreError(f'{path}: cannot be read ({error.strerror}); check that it is a file with read '
                         f'permission for this user. {UNCHANGED.capitalize()}.') from None


def switch_to(path: Path, template: Manifest, files: Iterable[tuple[str, Tables]], *, base: int,
              progress: Progress | None = None) -> bytes:
    """Build a data folder holding `files`, then make it the store's by rewriting the manifest atomically."""
    root = data_root(path)
    root.mkdir(exist_ok=True)
    name = build_folder(root, Layout(path, template), files, base=base, progress=progress)
    raw = encode_tables(Manifest(data=name, person_shards=template.person_shards,
                                 org_shards=template.org_shards).tables())
    write_atomically(path, raw)
    return raw


def build_folder(root: Path, template: Layout, files: Iterable[tuple[str, Tables]], *, base: int,
                 progress: Progress | None = None) -> str:
    manifest = Manifest(data=new_folder_name(), person_shards=template.manifest.person_shards,
                        org_shards=template.manifest.org_shards)
    building = root / f'{BUILDING}{manifest.data}'
    layout = Layout(template.manifest_path, manifest)
    for folder in layout.subfolders():
        (building / folder.name).mkdir(parents=True)
    written = 0
    for name, tables in files:
        write_atomically(building / name, encode_tables(tables), sync_folder=False)
        written += 1
        if progress and written % 64 == 0:
            progress('writing', written, 0)
    Journal.create(building / layout.journal_path.name, base)
    for folder in (*(building / f.name for f in layout.subfolders()), building):
        fsync_folder(folder)
    os.rename(building, root / manifest.data)
    fsync_folder(root)
    return manifest.data


def remove_leftovers(path: Path, manifest: Manifest) -> None:
    """Delete what killed writers and interrupted restores left: temp files and folders no manifest names."""
    remove_temp_files(path.parent, prefix=path.name)
    root = data_root(path)
    for folder in _folders(root):
        if folder.name != manifest.data and (is_folder_name(folder.name) or folder.name.startswith(BUILDING)):
            shutil.rmtree(folder)
            log.warning('removed %s: a data folder the manifest no longer names (an interrupted or replaced '
                        'restore)', folder)
    layout = Layout(path, manifest)
    for folder in (layout.folder, *layout.subfolders()):
        remove_temp_files(folder)


def _migrate(path: Path, raw: bytes, tables: Tables, template: Manifest, progress: Progress | None) -> bytes:
    single = read_single_file(path, tables)
    keep = path.with_name(f'{path.name}.single-file-{datetime.now(UTC):%Y%m%dT%H%M%S}')
    write_atomically(keep, raw)
    log.warning('%s: converting the single-file store into sharded files under %s (original kept as %s)',
                path, data_root(path), keep)
    return switch_to(path, template, distribute(single, Layout(path, template)), base=base_generation(single),
                     progress=progress)


def _folders(root: Path) -> list[Path]:
    return sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
