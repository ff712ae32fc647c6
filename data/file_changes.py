"""Apply one journal part (the changes to one data file) to that file through TinyDB, exactly once.

A part is `{"file": name, "tables": {table: {"put": [documents], "del": [keys]}}}`, documents addressed by
their natural key (see `document_shapes.KEYS`) so that replaying it needs nothing but the file. Each file
records in its `meta` table the generation of the last transaction applied to it, which makes replay
idempotent: a part is skipped by a file that already holds it.
"""

from __future__ import annotations

from collections.abc import Mapping
from operator import itemgetter
from pathlib import Path
from typing import Any

from tinydb.table import Document, Table

from data.document_shapes import KEYS
from data.errors import StoreCorrupt
from data.json_storage import UNCHANGED, AtomicJSONStorage, Tables

META = 'meta'
TableChanges = dict[str, dict[str, list[Any]]]


def apply_part(path: Path, tables: TableChanges, gen: int, *, sync_folder: bool = True) -> bool:
    """Rewrite the file with the part's changes in one atomic write; `False` if it already had them."""
    storage = AtomicJSONStorage(path, sync_folder=sync_folder)
    with storage.batch() as db:
        meta = db.table(META)
        current = storage.read() or {}
        if file_generation(current, path) >= gen:
            return False
        for name, change in tables.items():
            _apply_to_table(db.table(name), current.get(name, {}), name, change, path)
        existing = [int(doc_id) for doc_id in current.get(META, {})]
        if existing:
            meta.update({'generation': gen}, doc_ids=existing)
        else:
            meta.insert({'generation': gen})
    return True


def file_generation(tables: Tables, path: Path) -> int:
    """The generation a data file is at; 0 for one that never had a transaction applied."""
    docs = list(tables.get(META, {}).values())
    if not docs:
        return 0
    gen = docs[0].get('generation') if len(docs) == 1 else None
    if type(gen) is not int or gen < 0:
        raise StoreCorrupt(f'{path}: table {META!r} must hold one document with an integer "generation"; '
                           f'{UNCHANGED}.')
    return gen


def part_json(file: str, tables: Mapping[str, Mapping[str, list[Any]]]) -> dict[str, Any]:
    return {'file': file, 'tables': {name: {k: v for k, v in change.items() if v} for name, change in tables.items()}}


def _apply_to_table(table: Table, raw: Mapping[str, Any], name: str, change: Mapping[str, list[Any]],
                    path: Path) -> None:
    """Deletes and upserts by natural key, through TinyDB's table API; `raw` is the table as read (for lookups)."""
    puts = change.get('put', [])
    key = itemgetter(*KEYS[name])
    try:
        put_keys = [key(doc) for doc in puts]
        wanted = {*put_keys, *(tuple(k) if len(k) > 1 else k[0] for k in change.get('del', []))}
        ids = {k: int(doc_id) for doc_id, doc in raw.items() if (k := key(doc)) in wanted} if wanted else {}
    except (KeyError, TypeError):
        raise StoreCorrupt(f'{path}: a {name} document lacks its key fields; {UNCHANGED}.') from None
    if ids:
        table.remove(doc_ids=list(ids.values()))
    if ids:  # a changed document keeps its ID
        table.insert_multiple([Document(doc, doc_id=ids[doc_key]) for doc_key, doc in zip(put_keys, puts, strict=True)
                               if doc_key in ids])
    new = [doc for doc_key, doc in zip(put_keys, puts, strict=True) if doc_key not in ids] if ids else puts
    if new:  # TinyDB numbers them after the highest ID in use
        table.insert_multiple(new)
