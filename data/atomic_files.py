"""Whole-file replacement that survives kill -9 and power loss: write temp, fsync, rename, fsync the folder.

A reader (or a restarted process) sees the old or the new file, never a torn or empty one. Files are never
modified in place, which also lets a backup or another process read them without coordination.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

log = logging.getLogger(__name__)

TEMP_MARK = '.tmp-'


def temp_name(path: Path) -> Path:
    """A hidden sibling that `remove_temp_files` recognises as a killed writer's leftover."""
    return path.with_name(f'.{path.name}{TEMP_MARK}{os.getpid()}-{secrets.token_hex(4)}')


def write_atomically(path: Path, data: bytes, *, sync_folder: bool = True, mode: int | None = None) -> None:
    """Replace `path` by `data`; when this returns the new content is durable (unless `sync_folder` is off).

    The file keeps the permissions it had (an administrator's chmod survives); a new one gets `mode`, or the
    umask's default.
    """
    temp = temp_name(path)
    if mode is None:
        try:
            mode = os.stat(path).st_mode & 0o7777
        except FileNotFoundError:
            pass
    try:
        descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666 if mode is None else mode)
        try:
            if mode is not None:
                os.fchmod(descriptor, mode)
            view = memoryview(data)
            while view:
                view = view[os.write(descriptor, view):]
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    if sync_folder:
        fsync_folder(path.parent)


@contextlib.contextmanager
def atomic_stream(path: Path, *, mode: int = 0o644) -> Iterator[BinaryIO]:
    """`write_atomically` for content too large to hold in memory: write to the handle, it lands whole or not."""
    temp = temp_name(path)
    try:
        descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        with os.fdopen(descriptor, 'wb', buffering=1 << 20) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    fsync_folder(path.parent)


def fsync_folder(folder: Path) -> None:
    """Make renames and creations inside `folder` durable."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def remove_temp_files(folder: Path, prefix: str = '') -> list[Path]:
    """Delete temp files a killed writer left in `folder`; call only while holding the store's lock."""
    if not folder.is_dir():
        return []
    leftovers = sorted(p for p in folder.glob(f'.{prefix}*{TEMP_MARK}*') if p.is_file())
    for leftover in leftovers:
        leftover.unlink(missing_ok=True)
        log.warning('removed %s, left behind by a writer that was stopped mid-write', leftover)
    return leftovers
