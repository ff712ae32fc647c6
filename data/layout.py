"""Where each piece of the directory lives: the manifest, the data folder it names, and the shard of each record.

    var/directory.json            manifest (a TinyDB file): format, data folder, shard counts
    var/directory.json.lock       the OS lock every writing process takes
    var/directory.d/v<id>/
        journal                   redo journal: every commit is made durable here first (see `journal`)
        people/NNNN.json          person shards: people, memberships, removal requests and the audit about them
        orgs/NNN.json             organization shards: organizations, their invitations and their audit
        audit.json                directory-wide audit records (imports)

A person's shard is crc32(subject) mod the shard count, so a leave rewrites one small file whatever the size
of the directory. Restore and migration build a new `v<id>` folder and switch the manifest to it atomically.
"""

from __future__ import annotations

import re
import secrets
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from data.errors import StoreCorrupt
from data.json_storage import UNCHANGED, Tables

FORMAT = 2
PERSON_SHARDS = 8192
ORG_SHARDS = 64
ADMIN_AUDIT = 'audit.json'
JOURNAL = 'journal'
PEOPLE, ORGS = 'people', 'orgs'
MANIFEST_TABLE = 'store'
DATA_TABLES = frozenset({'organizations', 'people', 'memberships', 'invitations', 'removal_requests', 'audit'})
_FOLDER_NAME = re.compile(r'v[0-9a-f]{8}')


@dataclass(frozen=True, slots=True, kw_only=True)
class Manifest:
    data: str
    person_shards: int = PERSON_SHARDS
    org_shards: int = ORG_SHARDS

    def tables(self) -> Tables:
        return {MANIFEST_TABLE: {'1': {'format': FORMAT, 'data': self.data, 'person_shards': self.person_shards,
                                       'org_shards': self.org_shards}}}

    @classmethod
    def read(cls, tables: Tables, path: Path) -> Manifest:
        """The manifest in `tables`; a hand-edited or foreign one is refused, naming what is wrong."""
        docs = list(tables.get(MANIFEST_TABLE, {}).values())
        doc = docs[0] if len(docs) == 1 else {}
        if doc.get('format') != FORMAT:
            raise StoreCorrupt(f'{path}: not a store manifest of format {FORMAT} (found {doc.get("format")!r} in '
                               f'table {MANIFEST_TABLE!r}); {UNCHANGED}.')
        data = doc.get('data')
        if not isinstance(data, str) or not _FOLDER_NAME.fullmatch(data):
            raise StoreCorrupt(f'{path}: the manifest names an invalid data folder {data!r}; {UNCHANGED}.')
        people, orgs = doc.get('person_shards'), doc.get('org_shards')
        if not (isinstance(people, int) and isinstance(orgs, int) and 1 <= people <= 65536 and 1 <= orgs <= 65536):
            raise StoreCorrupt(f'{path}: the manifest has invalid shard counts {[people, orgs]!r}; {UNCHANGED}.')
        return cls(data=data, person_shards=people, org_shards=orgs)


def new_folder_name() -> str:
    return f'v{secrets.token_hex(4)}'


def is_folder_name(name: str) -> bool:
    return bool(_FOLDER_NAME.fullmatch(name))


def data_root(manifest_path: Path) -> Path:
    """`var/directory.json` keeps its data under `var/directory.d/`."""
    return manifest_path.with_name(f'{manifest_path.stem}.d')


def is_single_file_store(tables: Tables) -> bool:
    """A store written by the single-file version: only its four tables (possibly none)."""
    return MANIFEST_TABLE not in tables and set(tables) <= DATA_TABLES


def shard_number(key: str, count: int) -> int:
    """Stable across processes and Python versions (unlike `hash`)."""
    return zlib.crc32(key.encode('utf-8', 'surrogatepass')) % count


def audit_file(layout: Layout, doc: Mapping[str, Any]) -> str:
    """Where an audit record lives: with the person it concerns, else with its organization, else directory-wide.

    Leaves recorded before audit records named their person had the person as actor.
    """
    subject = doc.get('subject') or (doc.get('actor') if doc.get('action') == 'leave' else None)
    if subject:
        return layout.person_file(subject)
    if doc.get('organization'):
        return layout.org_file(doc['organization'])
    return ADMIN_AUDIT


class Layout:
    """File names inside one data folder; names are relative paths, as the journal records them."""

    def __init__(self, manifest_path: Path, manifest: Manifest) -> None:
        self.manifest_path = manifest_path
        self.manifest = manifest
        self.root = data_root(manifest_path)
        self.folder = self.root / manifest.data
        self.journal_path = self.folder / JOURNAL
        self._person_width = len(str(manifest.person_shards - 1))
        self._org_width = len(str(manifest.org_shards - 1))

    def person_file(self, subject: str) -> str:
        return f'{PEOPLE}/{shard_number(subject, self.manifest.person_shards):0{self._person_width}d}.json'

    def person_shard(self, subject: str) -> int:
        return shard_number(subject, self.manifest.person_shards)

    @staticmethod
    def number_of(name: str) -> int:
        """The shard number in a file name such as `people/0042.json` (-1 for the audit file)."""
        return int(name.partition('/')[2].removesuffix('.json') or -1)

    def org_file(self, org_id: str) -> str:
        return f'{ORGS}/{shard_number(org_id, self.manifest.org_shards):0{self._org_width}d}.json'

    def path(self, name: str) -> Path:
        return self.folder / name

    def is_file_name(self, name: object) -> bool:
        """Whether a name read from the journal is one of this layout's files (never a path outside it)."""
        if name == ADMIN_AUDIT:
            return True
        if not isinstance(name, str) or '/' not in name:
            return False
        kind, _, file = name.partition('/')
        count, width = ((self.manifest.person_shards, self._person_width) if kind == PEOPLE
                        else (self.manifest.org_shards, self._org_width) if kind == ORGS else (0, 0))
        number = file.removesuffix('.json')
        return bool(count) and len(number) == width and number.isdigit() and int(number) < count and \
            file.endswith('.json')

    def subfolders(self) -> list[Path]:
        return [self.folder / PEOPLE, self.folder / ORGS]

    def existing_files(self) -> list[str]:
        """The data files present, in a stable order; shards never written are simply absent (empty)."""
        names = [f'{sub.name}/{p.name}' for sub in self.subfolders() if sub.is_dir()
                 for p in sorted(sub.iterdir()) if p.suffix == '.json' and not p.name.startswith('.')]
        if self.path(ADMIN_AUDIT).exists():
            names.append(ADMIN_AUDIT)
        return [name for name in names if self.is_file_name(name)]
