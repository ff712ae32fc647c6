"""The redo journal: a commit is durable once its lines are fsynced here; data files are rewritten after.

One record per line, `<kind> <gen> <crc32 hex> <json>`, the CRC over `<kind> <gen> <json>`:

    H 0 …  {"journal": 1, "base": N}       header: the last generation committed before this file began
    P g …  {"file": name, "tables": …}     part of transaction g: the changes to one data file
    C g …  {"parts": n}                    commit of transaction g (fsynced: the durability point)
    A g …  {}                              every file of transaction g has been rewritten

A kill mid-append leaves an incomplete last line or parts without their commit: never acknowledged, and cut off
by the next process that takes the lock. An invalid line followed by valid ones is damage, and is refused.
The file is append-only; when it grows past a limit it is replaced by a fresh one holding just a header, and
processes that still hold the old one open read its rest through their descriptor (see `store_state`).
"""

from __future__ import annotations

import logging
import os
import weakref
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from data.atomic_files import write_atomically
from data.errors import StoreCorrupt, StoreError
from data.json_storage import UNCHANGED

log = logging.getLogger(__name__)

VERSION = 1


@dataclass(slots=True)
class Transaction:
    gen: int
    parts: list[tuple[int, int]] = field(default_factory=list)  # (offset, length) of each part's JSON


@dataclass(slots=True)
class Scan:
    transactions: list[Transaction]
    applied: set[int]
    end: int  # where the valid content ends; a torn tail starts here when `torn`
    torn: bool


def encode_line(kind: bytes, gen: int, payload: Any) -> bytes:
    body = orjson.dumps(payload)
    head = b'%s %d' % (kind, gen)
    return b'%s %08x %s\n' % (head, zlib.crc32(body, zlib.crc32(head + b' ')), body)


class Journal:
    """An open journal file; every method runs under the store's locks."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._fd = os.open(path, os.O_RDWR | os.O_APPEND)
        except FileNotFoundError:
            raise StoreCorrupt(f'{path}: the journal is missing; restore the store from a backup.') from None
        except OSError as error:
            raise StoreError(f'{path}: cannot be opened ({error.strerror}); check its permissions.') from None
        self._closer = weakref.finalize(self, os.close, self._fd)  # a store dropped without close() frees it too
        try:
            self.base, self.start = self._read_header()
        except BaseException:
            self.close()
            raise

    @staticmethod
    def create(path: Path, base: int) -> None:
        write_atomically(path, encode_line(b'H', 0, {'journal': VERSION, 'base': base}))

    def close(self) -> None:
        self._closer()

    def size(self) -> int:
        return os.fstat(self._fd).st_size

    def replaced(self) -> bool:
        """Whether the path now names another file (a rotation): this one then only has old records left."""
        try:
            return os.stat(self.path).st_ino != os.fstat(self._fd).st_ino
        except FileNotFoundError:
            return True

    def scan(self, start: int) -> Scan:
        """The committed transactions and applied marks from `start` on; a torn tail is reported, not cut."""
        transactions: list[Transaction] = []
        applied: set[int] = set()
        open_parts: Transaction | None = None
        end = start
        lines = self._lines(start)
        for offset, line in lines:
            record = self._parse(line, offset)
            if record is None:
                self._refuse_if_valid_lines_follow(lines, offset)
                return Scan(transactions, applied, end, torn=True)
            kind, gen, body_offset, body = record
            if kind == b'P' and (open_parts is None or open_parts.gen == gen):
                open_parts = open_parts or Transaction(gen)
                open_parts.parts.append((offset + body_offset, len(body)))
                continue
            if kind == b'C' and open_parts is not None and open_parts.gen == gen and \
                    orjson.loads(body).get('parts') == len(open_parts.parts):
                transactions.append(open_parts)
            elif kind == b'A' and open_parts is None:
                applied.add(gen)
            else:
                raise StoreCorrupt(f'{self.path}: unexpected {kind.decode()} record at byte {offset}; {UNCHANGED}.')
            open_parts, end = None, offset + len(line)
        return Scan(transactions, applied, end, torn=open_parts is not None)

    def cut_torn_tail(self, end: int, why: str = 'left by a writer that was stopped') -> None:
        """Remove an unfinished transaction from the end; it was never acknowledged."""
        log.warning('%s: removing %d bytes of an unfinished transaction %s', self.path, self.size() - end, why)
        os.ftruncate(self._fd, end)
        os.fsync(self._fd)

    def append(self, data: bytes, *, sync: bool) -> int:
        """Append `data`, fsynced when `sync`; returns its offset. On failure nothing of it stays."""
        offset = self.size()
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(self._fd, view):]
            if sync:
                os.fdatasync(self._fd)
        except OSError as error:
            os.ftruncate(self._fd, offset)
            raise StoreError(f'{self.path}: cannot write the journal ({error.strerror}); nothing was changed.') \
                from None
        return offset

    def read_part(self, offset: int, length: int) -> dict[str, Any]:
        return orjson.loads(os.pread(self._fd, length, offset))

    def _read_header(self) -> tuple[int, int]:
        first = os.pread(self._fd, 4096, 0).partition(b'\n')
        record = self._parse(first[0] + first[1], 0) if first[1] else None
        header = orjson.loads(record[3]) if record and record[0] == b'H' else {}
        if header.get('journal') != VERSION or type(header.get('base')) is not int:
            raise StoreCorrupt(f'{self.path}: not a journal of version {VERSION} (bad first line); {UNCHANGED}.')
        return header['base'], len(first[0]) + 1

    def _lines(self, start: int) -> Iterator[tuple[int, bytes]]:
        if self.size() <= start:
            return
        with os.fdopen(os.dup(self._fd), 'rb', buffering=1 << 20) as handle:
            handle.seek(start)
            offset = start
            for line in handle:
                yield offset, line
                offset += len(line)

    @staticmethod
    def _parse(line: bytes, offset: int) -> tuple[bytes, int, int, bytes] | None:
        """(kind, gen, offset of the JSON in the line, JSON) of a complete, intact line; else `None`."""
        if not line.endswith(b'\n'):
            return None
        fields = line[:-1].split(b' ', 3)
        if len(fields) != 4 or fields[0] not in (b'H', b'P', b'C', b'A') or not fields[1].isdigit():
            return None
        kind, gen, crc, body = fields
        if crc != b'%08x' % zlib.crc32(body, zlib.crc32(kind + b' ' + gen + b' ')):
            return None
        return kind, int(gen), len(kind) + len(gen) + len(crc) + 3, body

    def _refuse_if_valid_lines_follow(self, lines: Iterator[tuple[int, bytes]], bad_offset: int) -> None:
        for offset, line in lines:
            if self._parse(line, offset) is not None:
                raise StoreCorrupt(f'{self.path}: damaged record at byte {bad_offset} followed by valid ones; '
                                   f'{UNCHANGED}.')
