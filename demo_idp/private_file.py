"""A secret file written whole: owner-only from its first byte, replaced atomically, durable when this returns."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_private_file(path: Path, data: bytes) -> None:
    """Replace `path` by `data` with mode 0600: a crash leaves the old file (or none) or the new one, never a torn one.

    `mkstemp` creates the temp file 0600 and exclusively in the same folder, so `os.replace` is an atomic rename
    and nobody else can read the secret while it is being written.
    """
    descriptor, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f'.{path.name}.tmp-')
    temp = Path(temp_name)
    try:
        with os.fdopen(descriptor, 'wb') as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    _fsync_folder(path.parent)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
