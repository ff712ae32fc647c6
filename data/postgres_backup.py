"""Backups in the TinyDB store's single-file format (`single_file`), written from and restored into PostgreSQL.

The format is the same both ways, so a backup of either store restores into the other: every record as
`document_shapes.document` stores it, the audit trail in commit order without its sequence numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg

from data.document_shapes import DEFAULTS, document
from data.postgres_migrations import WRITE_LOCK
from data.postgres_notify import EVERYTHING, notify_topics
from data.postgres_reads import COLUMNS, RECORD_OF, select
from data.records import StoreCounts
from data.repository import Progress
from data.single_file import SingleFile, read_single_file, write_single_file

TABLES = ('organizations', 'people', 'memberships', 'invitations', 'removal_requests', 'audit')
ORDER = {'organizations': 'id COLLATE "C"', 'people': 'subject COLLATE "C"',
         'memberships': 'subject COLLATE "C", organization COLLATE "C"', 'invitations': 'id COLLATE "C"',
         'removal_requests': 'id COLLATE "C"', 'audit': 'seq'}
LIST_DEFAULTS = {'organizations': {'admins': []}}
FETCH = 10_000


def write_backup(conn: psycopg.Connection, target: Path) -> StoreCounts:
    """Stream one snapshot of every table to `target` (atomically); writers are not held up."""
    with conn.transaction():
        conn.execute('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY')
        row = conn.execute('SELECT (SELECT count(*) FROM organizations), (SELECT count(*) FROM people), '
                           '(SELECT count(*) FROM memberships)').fetchone()
        assert row is not None
        write_single_file(target, [(table, _documents(conn, table)) for table in TABLES])
    return StoreCounts(organizations=row[0], people=row[1], memberships=row[2])


def restore(conn: psycopg.Connection, source: Path, *, source_id: str, lock_timeout: float,
            check: Callable[[SingleFile], None] | None, progress: Progress) -> StoreCounts:
    """Validate the backup whole (shapes, duplicates, then `check`), then replace every table in one transaction.

    Rows are deleted rather than truncated, so readers keep seeing the old directory until the commit switches
    them to the restored one; listeners then hear `EVERYTHING`.
    """
    single = read_single_file(source)
    if check:
        check(single)
    progress('validating', 1, 1)
    total = sum(single.count(table) for table in TABLES)
    done = 0
    with conn.transaction():
        conn.execute("SELECT set_config('lock_timeout', %s, true)", (f'{int(lock_timeout * 1000)}ms',))
        conn.execute('SELECT pg_advisory_xact_lock(%s)', (WRITE_LOCK,))
        for table in reversed(TABLES):
            conn.execute(f'DELETE FROM {table}')
        for table in TABLES:
            before = done
            done += _copy_documents(conn, table, single.tables[table],
                                    lambda n, d=before: progress('restoring', d + n, total))
        notify_topics(conn, [EVERYTHING], source_id)
    return StoreCounts(organizations=single.count('organizations'), people=single.count('people'),
                       memberships=single.count('memberships'))


def _documents(conn: psycopg.Connection, table: str) -> Iterator[dict[str, Any]]:
    make = RECORD_OF[table]
    with conn.cursor(name=f'backup_{table}') as cur:
        cur.itersize = FETCH
        cur.execute(f'{select(table)} ORDER BY {ORDER[table]}')
        for row in cur:
            yield document(table, make(row))


def _copy_documents(conn: psycopg.Connection, table: str, docs: list[dict[str, Any]],
                    progress: Callable[[int], None]) -> int:
    columns = COLUMNS[table]
    defaults = {**DEFAULTS.get(table, {}), **LIST_DEFAULTS.get(table, {})}
    with conn.cursor() as cur, cur.copy(f'COPY {table} ({", ".join(columns)}) FROM STDIN') as copy:
        copy.set_types(['text[]' if c == 'admins' else 'text' for c in columns])
        for n, doc in enumerate(docs, 1):
            copy.write_row([doc.get(c, defaults.get(c)) for c in columns])
            if n % FETCH == 0:
                progress(n)
    progress(len(docs))
    return len(docs)
