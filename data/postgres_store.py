"""The directory in PostgreSQL, behind the same repository interface as the TinyDB store (psycopg 3, a pool).

Reads are single statements on a pooled connection (autocommit). Every write is ONE transaction that first
takes `pg_advisory_xact_lock(WRITE_LOCK)`: writers of every process and instance queue there, and the
transaction reads in READ COMMITTED, so each statement after the lock sees everything committed before it and
nothing can change until it commits. That is what the TinyDB store's exclusive file lock gives: `transact`
decides from a state nobody else can change, so of two concurrent leaves (or accepts, or restores) exactly one
wins. (REPEATABLE READ would be wrong here: its snapshot would be taken before the lock was granted.)

Each write queues `NOTIFY myprofile` with the topics it touched (see `postgres_notify`), delivered to other
instances only when it commits. `refresh` therefore has nothing to find and returns an empty set: changes from
other processes arrive through `listen`. The schema is versioned (`postgres_migrations`); a store opens only
on a database of exactly its code's version.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import select
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from data.errors import StoreBusy, StoreError
from data.postgres_backup import restore, write_backup
from data.postgres_changes import add_person, apply_changes
from data.postgres_merge import merge_staged, stage
from data.postgres_migrations import WRITE_LOCK, check_schema, described
from data.postgres_notify import Callback, TopicListener, notify_topics
from data.postgres_reads import PostgresReads, TransactionReader
from data.records import AuditEntry, Changes, Directory, Organization, Person, StoreCounts
from data.repository import DirectoryReader, Progress
from data.single_file import SingleFile

log = logging.getLogger(__name__)


class PostgresDirectoryStore(PostgresReads):
    """Thread-safe and process-safe; every public write is one atomic, durable transaction."""

    def __init__(self, url: str, *, lock_timeout: float = 10.0, pool_size: int = 10,
                 connect_timeout: float = 10.0, idle_writer_limit: float = 60.0) -> None:
        """`idle_writer_limit`: see `_configure` (far longer than any change holds the lock, far shorter than
        the hours TCP may take to find a vanished peer)."""
        self.url = url
        self.where = described(url)
        self.source = secrets.token_hex(8)  # this instance, in its notifications
        self._lock_timeout = lock_timeout
        self._idle_writer_limit = idle_writer_limit
        self._listeners: list[TopicListener] = []
        try:
            with psycopg.connect(url, autocommit=True, connect_timeout=max(1, round(connect_timeout))) as conn:
                check_schema(conn, self.where)
        except psycopg.Error as error:
            raise StoreError(f'{self.where}: cannot open the store ({_reason(error)}).') from error
        self._pool = ConnectionPool(url, min_size=1, max_size=pool_size, kwargs={'autocommit': True},
                                    configure=self._configure, check=_check_if_closed, timeout=connect_timeout,
                                    name='myprofile-store', open=False)
        try:
            self._pool.open(wait=True, timeout=connect_timeout)
        except PoolTimeout:
            self._pool.close()
            raise StoreError(f'{self.where}: cannot open a connection pool within {connect_timeout:g} s.') from None

    # --- writes (each one transaction, after the writers' lock) ---

    def transact(self, work: Callable[[DirectoryReader], Changes]) -> set[str]:
        """Run `work` on the current state while no other writer of any process can write, then commit what it
        returns with its audit, all or nothing; returns the live-event topics that changed.

        `work` reads through the transaction (a rule it checks raises: nothing is written, and that exception
        comes out as it is). It must be quick and must not call back into the store's writes.
        """
        with self._writing() as (conn, pipeline):
            changes = work(TransactionReader(conn, pipeline))
            if not changes:
                return set()
            topics = apply_changes(conn, changes)
            notify_topics(conn, topics, self.source)
        return topics

    def add_person(self, person: Person, home: Organization) -> None:
        with self._writing() as (conn, _):
            notify_topics(conn, add_person(conn, person, home), self.source)

    def merge_directory(self, directory: Directory, audit: AuditEntry, *, progress: Progress | None = None) -> set[str]:
        """Upsert a whole directory in one transaction; returns the topics that changed (none when nothing did).

        The directory is copied into temporary tables before the writers' lock is taken, so other writers wait
        only for the upserts themselves.
        """
        with self._connection() as conn, conn.transaction():
            stage(conn, directory, progress or _quiet)
            self._lock(conn)
            topics = merge_staged(conn, audit)
            notify_topics(conn, topics, self.source)
        return topics

    # --- reads of everything ---

    def export_directory(self) -> Directory:
        """The whole directory, as of one moment."""
        with self._snapshot() as reader:
            return reader.directory()

    # --- other processes, backups ---

    def ready(self) -> bool:
        """The database answers a query now (the health check asks)."""
        try:
            with self._connection() as conn:
                conn.execute('SELECT 1')
        except (psycopg.Error, StoreError, PoolTimeout):
            return False
        return True

    def refresh(self) -> set[str]:
        """Always empty: other processes' changes arrive by LISTEN/NOTIFY (`listen`), not by re-reading."""
        return set()

    def listen(self, callback: Callback, *, include_own: bool = False, retry: float = 0.5) -> TopicListener:
        """Call `callback(topics)`, in a thread of its own, for every commit of another store instance (of this
        one too with `include_own`); after a lost connection, with `postgres_notify.EVERYTHING` and every
        organization's topic. Stopped by `close()` or by the returned listener's `stop()`."""
        listener = TopicListener(self.url, callback, source=None if include_own else self.source, retry=retry)
        self._listeners.append(listener)
        return listener

    def backup(self, target: Path) -> StoreCounts:
        """Write one consistent snapshot in the single-file format both stores restore, while writers go on."""
        try:
            with self._connection() as conn:
                return write_backup(conn, target)
        except OSError as error:
            raise StoreError(f'{getattr(error, "filename", None) or target}: {error.strerror or error}; '
                             f'no backup was written.') from None

    def restore_from(self, source: Path, *, check: Callable[[SingleFile], None] | None = None,
                     progress: Progress | None = None) -> StoreCounts:
        """Replace everything by the backup `source` (of either store) in one transaction, once all of it is
        validated (shapes and duplicates, then `check`, e.g. the services' `check_backup`); a bad one changes
        nothing. Running instances see the old directory until the commit, then hear `EVERYTHING`."""
        with self._connection() as conn:
            counts = restore(conn, source, source_id=self.source, lock_timeout=self._lock_timeout, check=check,
                             progress=progress or _quiet)
        log.warning('%s: restored from %s', self.where, source)
        return counts

    def close(self) -> None:
        for listener in self._listeners:
            listener.stop()
        self._listeners.clear()
        self._pool.close()

    def __enter__(self) -> PostgresDirectoryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- internals ---

    @contextlib.contextmanager
    def _connection(self) -> Iterator[psycopg.Connection]:
        """A pooled connection; database failures come out as `StoreError` (`StoreBusy` for a lock wait)."""
        try:
            with self._pool.connection() as conn:
                yield conn
        except psycopg.errors.LockNotAvailable:
            raise StoreBusy(f'{self.where}: another process has held the store for more than '
                            f'{self._lock_timeout:g} s; try again in a moment.') from None
        except PoolTimeout:
            raise StoreBusy(f'{self.where}: no database connection became free; try again in a moment.') from None
        except psycopg.Error as error:
            raise StoreError(f'{self.where}: {_reason(error)}; nothing was changed.') from error

    @contextlib.contextmanager
    def _writing(self) -> Iterator[tuple[psycopg.Connection, psycopg.Pipeline]]:
        """One transaction holding the writers' lock; committed when the block ends, rolled back if it raises.

        In pipeline mode, so a change costs few round trips to the server: BEGIN and the lock travel with the
        work's first read, and the writes, their notifications and COMMIT travel together. Each read of the work
        ends with a Sync (`TransactionReader._run`); errors still surface inside this block.
        """
        with self._connection() as conn, conn.pipeline() as pipeline, conn.transaction():
            self._lock(conn)
            yield conn, pipeline

    def _configure(self, conn: psycopg.Connection) -> None:
        """Set once per pooled connection rather than once per transaction:

        - every statement waits at most `lock_timeout` for a lock (the writers' one above all);
        - unless the operator chose a limit, the server ends a transaction left idle for `idle_writer_limit`: an
          instance frozen (or cut off) while it holds the writers' lock would otherwise stop every writer of
          every instance until its connection is found dead, which TCP may take hours to notice.
        """
        conn.execute("SELECT set_config('lock_timeout', %s, false)", (f'{round(self._lock_timeout * 1000)}ms',))
        conn.execute("SELECT set_config('idle_in_transaction_session_timeout', %s, false) "
                     "WHERE current_setting('idle_in_transaction_session_timeout') = '0'",
                     (f'{round(self._idle_writer_limit * 1000)}ms',))

    @staticmethod
    def _lock(conn: psycopg.Connection) -> None:
        conn.execute('SELECT pg_advisory_xact_lock(%s)', (WRITE_LOCK,))

    @contextlib.contextmanager
    def _snapshot(self) -> Iterator[TransactionReader]:
        with self._connection() as conn, conn.transaction():
            conn.execute('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY')
            yield TransactionReader(conn)


def _check_if_closed(conn: psycopg.Connection) -> None:
    """Before the pool lends an idle connection: one the server closed meanwhile (a restart, a failover, an idle
    timeout) would fail the person's action it was lent for. An idle connection has nothing to read unless the
    server closed it (or sent a notice), so only then does this ask the server, which raises if it is gone (the
    pool then drops it and lends another): no round trip for a healthy connection."""
    if select.select([conn.fileno()], [], [], 0)[0]:
        ConnectionPool.check_connection(conn)


def _reason(error: psycopg.Error) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def _quiet(phase: str, done: int, total: int) -> None:
    pass
