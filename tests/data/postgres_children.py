"""Worker processes on the PostgreSQL store, seen from a test: start them, watch their connections, kill them.

Each child (`tests.data.postgres_workers`) names its connections by `application_name`, so the test sees on
the server whether it holds the writers' lock and when its backends are gone.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import psycopg
from psycopg.conninfo import make_conninfo

from data.postgres_migrations import WRITE_LOCK

ROOT = Path(__file__).resolve().parents[2]
HOLDER = ('SELECT a.application_name, a.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid '
          "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 AND l.classid::bigint = %s "
          'AND l.objid::bigint = %s AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())')
T = TypeVar('T')


class Child:
    """A worker process whose connections carry `name`; its acknowledgements are read once it is killed."""

    def __init__(self, tmp_path: Path, url: str, name: str, command: str, *arguments: str) -> None:
        self.url, self.name, self.errors = url, name, tmp_path / f'{name}.stderr'
        with self.errors.open('wb') as errors:
            self.process = subprocess.Popen(
                [sys.executable, '-m', 'tests.data.postgres_workers', command,
                 make_conninfo(url, application_name=name), *arguments],
                cwd=ROOT, stdout=subprocess.PIPE, stderr=errors)

    def expect(self, line: str) -> None:
        assert self.process.stdout is not None
        assert self.process.stdout.readline() == f'{line}\n'.encode(), self.errors.read_text()

    def next_line(self) -> list[str]:
        """The next acknowledgement, waited for."""
        assert self.process.stdout is not None
        line = self.process.stdout.readline().decode()
        assert line.endswith('\n'), self.errors.read_text()
        return line.split()

    def wait_for_the_lock(self, watcher: psycopg.Connection) -> None:
        wait_for(lambda: lock_holder(watcher)[0] == self.name, f'{self.name} to hold the writers lock')

    def wait_until_writing(self, watcher: psycopg.Connection) -> None:
        """Until a transaction of the child has written something (it has a transaction id)."""
        wait_for(lambda: watcher.execute('SELECT 1 FROM pg_stat_activity WHERE application_name = %s AND '
                                         'datname = current_database() AND backend_xid IS NOT NULL',
                                         (self.name,)).fetchone(), f'{self.name} to write')

    def freeze_holding_the_lock(self, watcher: psycopg.Connection) -> None:
        """SIGSTOP the child at a moment one of its transactions holds the writers' lock: a kill then lands there."""
        deadline = time.monotonic() + 10
        while True:
            self.wait_for_the_lock(watcher)
            self.process.send_signal(signal.SIGSTOP)
            time.sleep(0.005)  # a COMMIT it sent just before is done by now: the lock is held, or it was released
            if lock_holder(watcher)[0] == self.name:
                return
            self.process.send_signal(signal.SIGCONT)
            assert time.monotonic() < deadline, f'{self.name} never stopped while holding the writers lock'

    def wait_until_gone(self, watcher: psycopg.Connection) -> None:
        """Until the server has ended every connection of the killed child (and so released its locks)."""
        wait_for(lambda: not backends(watcher, self.name), f'the backends of {self.name} to end')

    def kill(self) -> list[list[str]]:
        """SIGKILL; the lines it wrote in full (each one acknowledges a write that returned)."""
        assert self.process.stdout is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(30)
        assert self.process.returncode == -signal.SIGKILL, self.errors.read_text()  # it was still working
        out = self.process.stdout.read().decode()
        self.process.stdout.close()
        return [line.split() for line in out.splitlines(keepends=True) if line.endswith('\n')]


def lock_holder(watcher: psycopg.Connection) -> tuple[str | None, int | None]:
    """The application name and backend of whoever holds the writers' lock now."""
    row = watcher.execute(HOLDER, (WRITE_LOCK >> 32, WRITE_LOCK & 0xFFFFFFFF)).fetchone()
    return (row[0], row[1]) if row else (None, None)


def backends(watcher: psycopg.Connection, name: str) -> list[int]:
    return [row[0] for row in watcher.execute('SELECT pid FROM pg_stat_activity WHERE application_name = %s '
                                              'AND datname = current_database()', (name,))]


def wait_for(condition: Callable[[], T], what: str, timeout: float = 10.0, pause: float = 0.001) -> T:
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        assert time.monotonic() < deadline, f'waited {timeout:g} s for {what}'
        time.sleep(pause)
    return result
