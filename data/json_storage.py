"""The TinyDB storage of every store file: strict reads, atomic writes, and one commit per batch of table calls.

TinyDB's own JSONStorage writes in place and truncates afterwards, so a crash in between leaves a file that no
longer parses. Here a file is only ever replaced whole (see `atomic_files`), and a file that is not a valid
TinyDB document is refused with a message naming it, never rewritten.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
from tinydb import TinyDB
from tinydb.storages import Storage

from data.atomic_files import write_atomically
from data.errors import StoreCorrupt, StoreError

Tables = dict[str, dict[str, dict[str, Any]]]

UNCHANGED = 'the file was left unchanged'


def read_tables(path: Path) -> Tables | None:
    """The file's tables, `None` if it does not exist; anything invalid raises a `StoreError` naming the file."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise StoreError(f'{path}: cannot be read ({error.strerror}); check that it is a file with read '
                         f'permission for this user. {UNCHANGED.capitalize()}.') from None
    return parse_tables(raw, path)


def parse_tables(raw: bytes, path: Path) -> Tables:
    if not raw.strip():
        raise StoreCorrupt(f'{path}: the file is empty; restore the store from a backup. {UNCHANGED.capitalize()}.')
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        try:
            raw.decode('utf-8')
        except UnicodeDecodeError as bad:
            raise StoreCorrupt(f'{path}: not UTF-8 text ({bad.reason} at byte {bad.start}); {UNCHANGED}.') from None
        raise StoreCorrupt(f'{path}: not valid JSON ({error.msg} at line {error.lineno}, column {error.colno}); '
                           f'{UNCHANGED}.') from None
    if not isinstance(data, dict) or not all(isinstance(table, dict) for table in data.values()):
        raise StoreCorrupt(f'{path}: not a TinyDB file (expected an object of tables); {UNCHANGED}.')
    for name, table in data.items():
        if not all(map(str.isdecimal, table)) or not set(map(type, table.values())) <= {dict}:
            raise StoreCorrupt(f'{path}: table {name!r} holds something other than documents with numeric '
                               f'IDs; {UNCHANGED}.')
    return data


def encode_tables(tables: Tables) -> bytes:
    return orjson.dumps(tables)


class AtomicJSONStorage(Storage):
    """Reads the file once per batch, keeps TinyDB's writes in memory, and commits them as one atomic write."""

    def __init__(self, path: Path, *, sync_folder: bool = True) -> None:
        self.path = path
        self.sync_folder = sync_folder
        self._tables: Tables | None = None
        self._in_batch = False
        self._dirty = False

    def read(self) -> Tables | None:
        if self._in_batch and self._tables is not None:
            return self._tables
        tables = read_tables(self.path)
        if self._in_batch:
            self._tables = tables if tables is not None else {}
        return tables

    def write(self, data: Tables) -> None:
        if self._in_batch:
            self._tables, self._dirty = data, True
        else:
            write_atomically(self.path, encode_tables(data), sync_folder=self.sync_folder)

    @contextlib.contextmanager
    def batch(self) -> Iterator[TinyDB]:
        """A TinyDB on this file whose writes become one atomic commit at the end; nothing is written on error."""
        self._in_batch, self._tables, self._dirty = True, None, False
        try:
            yield TinyDB(storage=lambda: self)
            if self._dirty and self._tables is not None:
                write_atomically(self.path, encode_tables(self._tables), sync_folder=self.sync_folder)
        finally:
            self._in_batch, self._tables, self._dirty = False, None, False

    def close(self) -> None:
        pass
