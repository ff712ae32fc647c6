"""A TinyDB storage that never leaves a torn file: every commit is write-temp, fsync, rename, fsync-folder.

TinyDB's own JSONStorage overwrites the file in place and truncates it afterwards, so a crash in
between leaves a file that no longer parses. Here a file is only ever replaced whole.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from data.errors import StoreCorrupt, StoreError

TEMP_MARK = '.tmp-'


def atomic_write_json(path: Path, data: Any) -> None:
    """Replace `path` by `data` as JSON so that a reader sees the old or the new file, never a mix."""
    temp = path.with_name(f'.{path.name}{TEMP_MARK}{os.getpid()}-{secrets.token_hex(4)}')
    try:
        with open(temp, 'w', encoding='utf-8') as handle:
            json.dump(data, handle, ensure_ascii=False, separators=(',', ':'))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        raise
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def remove_leftover_temp_files(path: Path) -> list[Path]:
    """Delete temp files a killed writer left behind; call only while holding the store's lock."""
    leftovers = sorted(path.parent.glob(f'.{path.name}{TEMP_MARK}*'))
    for leftover in leftovers:
        leftover.unlink(missing_ok=True)
    return leftovers


def read_json_strictly(path: Path) -> dict[str, Any] | None:
    """The file's tables, `None` if it does not exist; anything else invalid raises `StoreCorrupt`."""
    try:
        text = path.read_text(encoding='utf-8')
    except FileNotFoundError:
        return None
    except OSError as error:
        raise StoreError(f'{path}: cannot be read ({error.strerror}); check that it is a file with read '
                         f'permission for this user.') from None
    except UnicodeDecodeError as error:
        raise StoreCorrupt(f'{path}: not UTF-8 text ({error.reason} at byte {error.start}); '
                           f'the file was left unchanged.') from None
    if not text.strip():
        raise StoreCorrupt(f'{path}: the file is empty; restore it from a backup or remove it. '
                           f'It was left unchanged.')
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise StoreCorrupt(f'{path}: not valid JSON ({error.msg} at line {error.lineno}, column {error.colno}); '
                           f'the file was left unchanged.') from None
    if not isinstance(data, dict) or not all(isinstance(table, dict) for table in data.values()):
        raise StoreCorrupt(f'{path}: not a TinyDB file (expected an object of tables); the file was left unchanged.')
    for name, table in data.items():
        if not all(isinstance(document, dict) for document in table.values()):
            raise StoreCorrupt(f'{path}: table {name!r} holds something other than documents; '
                               f'the file was left unchanged.')
    return data


class AtomicJSONStorage(Storage):
    """Keeps the tables in memory and commits them atomically; inside `batch()` many writes make one commit."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._tables: dict[str, Any] | None = None
        self._loaded = False
        self._batch_depth = 0
        self._dirty = False

    def read(self) -> dict[str, Any] | None:
        if not self._loaded:
            self._tables = read_json_strictly(self.path)
            self._loaded = True
        return self._tables

    def write(self, data: dict[str, Any]) -> None:
        self._tables = data
        self._loaded = True
        if self._batch_depth:
            self._dirty = True
        else:
            atomic_write_json(self.path, data)

    def forget(self) -> None:
        """Drop the in-memory copy so the next read comes from the file."""
        self._tables = None
        self._loaded = False

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Collect the writes made inside into one atomic commit; on an exception nothing is written."""
        self._batch_depth += 1
        try:
            yield
        except BaseException:
            self._batch_depth -= 1
            self._dirty = False
            self.forget()
            raise
        self._batch_depth -= 1
        if self._batch_depth == 0 and self._dirty:
            self._dirty = False
            try:
                atomic_write_json(self.path, self._tables)
            except BaseException:
                self.forget()
                raise

    def close(self) -> None:
        pass
