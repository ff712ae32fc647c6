"""The single-file format: what the first version of the store wrote, what `backup` writes and `restore` reads.

One TinyDB JSON file with the tables organizations, people, memberships, invitations, removal_requests and audit
(audit in document-ID order); files written before invitations existed simply lack those tables.
Reading validates every document before anything is built from it; writing streams, so a backup of a million
memberships never holds the whole file in memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from data.atomic_files import atomic_stream
from data.document_shapes import LISTS, SHAPES, checked, key_of, upgraded
from data.errors import StoreCorrupt, StoreError
from data.file_changes import META
from data.json_storage import UNCHANGED, Tables, read_tables
from data.layout import DATA_TABLES, Layout, audit_file, is_single_file_store

Documents = Iterable[dict[str, Any]]


@dataclass(kw_only=True, slots=True)
class SingleFile:
    """The validated documents of a single-file store, each table in document-ID order."""

    tables: dict[str, list[dict[str, Any]]]

    def count(self, table: str) -> int:
        return len(self.tables[table])


def read_single_file(path: Path, tables: Tables | None = None) -> SingleFile:
    """Validate the whole file (shapes and duplicates); a `StoreError` names the file and the first problem."""
    if tables is None:
        tables = read_tables(path)
        if tables is None:
            raise StoreError(f'{path}: no such file.')
    if not is_single_file_store(tables):
        raise StoreCorrupt(f'{path}: not a single-file directory store (expected only the tables '
                           f'{", ".join(sorted(DATA_TABLES))}); {UNCHANGED}.')
    result: dict[str, list[dict[str, Any]]] = {}
    for name in sorted(DATA_TABLES):
        table = tables.get(name, {})
        fields = (*SHAPES[name][0], *SHAPES[name][1], *LISTS.get(name, ()))
        docs: list[dict[str, Any]] = []
        seen: set[tuple[Any, ...]] = set()
        for doc_id in sorted(table, key=int):
            doc = upgraded(name, table[doc_id])
            checked(name, doc, path, doc_id)
            if name != 'audit':
                key = key_of(name, doc)
                if key in seen:
                    raise StoreCorrupt(f'{path}: {name} document {doc_id} repeats {key!r}; {UNCHANGED}.')
                seen.add(key)
            docs.append({k: doc[k] for k in fields if doc.get(k) is not None})
        result[name] = docs
    return SingleFile(tables=result)


def distribute(single: SingleFile, layout: Layout) -> Iterator[tuple[str, Tables]]:
    """The data files of `single` in `layout`: shards by person and organization, audit in its own file."""
    files: dict[str, dict[str, dict[str, Any]]] = {}

    def add(file: str, table: str, doc: dict[str, Any]) -> None:
        docs = files.setdefault(file, {}).setdefault(table, {})
        docs[str(len(docs) + 1)] = doc

    for doc in single.tables['organizations']:
        add(layout.org_file(doc['id']), 'organizations', doc)
    for doc in single.tables['people']:
        add(layout.person_file(doc['subject']), 'people', doc)
    for doc in single.tables['memberships']:
        add(layout.person_file(doc['subject']), 'memberships', doc)
    for doc in single.tables['removal_requests']:
        add(layout.person_file(doc['subject']), 'removal_requests', doc)
    for doc in single.tables['invitations']:
        add(layout.org_file(doc['organization']), 'invitations', doc)
    for seq, doc in enumerate(single.tables['audit'], 1):  # where the store itself keeps them (see `planner`)
        add(audit_file(layout, doc), 'audit', {**doc, 'seq': seq})
    base = base_generation(single)
    for name, tables in files.items():
        yield name, {**tables, META: {'1': {'generation': base}}}


def base_generation(single: SingleFile) -> int:
    """The generation of a store built from `single`: past every audit sequence number it holds."""
    return single.count('audit')


def write_single_file(path: Path, tables: Iterable[tuple[str, Documents]]) -> None:
    """Stream the tables to `path` atomically (temp, fsync, rename, fsync folder), readable by its owner only."""
    with atomic_stream(path, mode=0o600) as handle:
        handle.write(b'{')
        for number, (name, docs) in enumerate(tables):
            handle.write(b'%s%s:{' % (b',' if number else b'', orjson.dumps(name)))
            for doc_id, doc in enumerate(docs, 1):
                handle.write(b'%s"%d":%s' % (b',' if doc_id > 1 else b'', doc_id, orjson.dumps(doc)))
            handle.write(b'}')
        handle.write(b'}\n')
