"""Merging a whole directory in one transaction: `stage` copies each section (COPY) into a temporary table before
the writers' lock is taken; `merge_staged`, under it, upserts each by one statement that touches only the rows
that differ and returns their keys (100,000 memberships: about a second in all).

The rules are the TinyDB store's (`planner.plan_merge`): new entries are added and changed ones replaced, none
removed; a membership listed without a date keeps the stored one; a stored invitation keeps its secret's hash
(a file never carries it). Nothing changed writes nothing, not even the audit record, and returns no topics;
otherwise the topics are those of the rows that changed (see `postgres_changes`) and of the audit record.
A key listed twice is taken once, as listed last (an import file refuses duplicates anyway).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import psycopg

from data.lifecycle_index import email_topic, organization_topic
from data.postgres_changes import audit_topics, insert_audit, subjects_of
from data.postgres_reads import COLUMNS, KEYS, row_of
from data.records import AuditEntry, Directory
from data.repository import Progress

NEW_VALUE: dict[str, dict[str, str]] = {'memberships': {'joined': 'COALESCE(EXCLUDED.joined, t.joined)'},
                                        'invitations': {'token_hash': 't.token_hash'}}
RETURNING = {'organizations': 't.id', 'people': 't.subject', 'memberships': 't.subject, t.organization',
             'invitations': 't.email, t.organization', 'removal_requests': 't.subject, t.organization'}
COPY_CHUNK = 10_000
SECTIONS = ('organizations', 'people', 'memberships', 'invitations', 'removal_requests')


def stage(conn: psycopg.Connection, directory: Directory, progress: Progress) -> None:
    """Copy every section into `incoming_<table>` (temporary, dropped at commit): no lock needed yet."""
    sections = tuple(zip(SECTIONS, (directory.organizations, directory.people, directory.memberships,
                                    directory.invitations, directory.removal_requests), strict=True))
    total = sum(len(records) for _, records in sections)
    done = 0
    for table, records in sections:
        _copy_in(conn, table, records, lambda n, before=done: progress('importing', before + n, total))
        done += len(records)


def merge_staged(conn: psycopg.Connection, audit: AuditEntry) -> set[str]:
    """Upsert what `stage` copied (under the writers' lock); returns the topics that changed."""
    topics: set[str] = set()
    org_ids: set[str] = set()
    for table in SECTIONS:
        for key in conn.execute(merge_sql(table)):
            topics |= _topics(table, key, org_ids)
    if not topics:
        return set()
    insert_audit(conn, [audit])
    return topics | audit_topics([audit]) | subjects_of(conn, org_ids)


def merge_sql(table: str) -> str:
    """Upsert the incoming rows; a stored row is rewritten only when a value differs."""
    columns, keys = COLUMNS[table], KEYS[table]
    special = NEW_VALUE.get(table, {})
    updated = [c for c in columns if c not in keys and special.get(c) != f't.{c}']
    new = [special.get(c, f'EXCLUDED.{c}') for c in updated]
    listed = ', '.join(columns)
    return (f'INSERT INTO {table} AS t ({listed}) SELECT {listed} FROM incoming_{table} '
            f'ON CONFLICT ({", ".join(keys)}) DO UPDATE SET '
            f'{", ".join(f"{c} = {v}" for c, v in zip(updated, new, strict=True))} '
            f'WHERE ROW({", ".join(f"t.{c}" for c in updated)}) IS DISTINCT FROM ROW({", ".join(new)}) '
            f'RETURNING {RETURNING[table]}')


def _copy_in(conn: psycopg.Connection, table: str, records: Sequence[Any], progress: Any) -> None:
    columns, keys = COLUMNS[table], KEYS[table]
    positions = [columns.index(k) for k in keys]
    rows = {tuple(row[p] for p in positions): row for row in map(row_of, records)}  # the last of a key wins
    conn.execute(f'CREATE TEMP TABLE incoming_{table} (LIKE {table} INCLUDING DEFAULTS) ON COMMIT DROP')
    with conn.cursor() as cur, cur.copy(f'COPY incoming_{table} ({", ".join(columns)}) FROM STDIN') as copy:
        copy.set_types(['text[]' if c == 'admins' else 'text' for c in columns])
        for n, row in enumerate(rows.values(), 1):
            copy.write_row(row)
            if n % COPY_CHUNK == 0:
                progress(n)
    if records:
        progress(len(records))


def _topics(table: str, key: tuple[str, ...], org_ids: set[str]) -> set[str]:
    if table == 'organizations':
        org_ids.add(key[0])
        return {organization_topic(key[0])}
    if table == 'people':
        return {key[0]}
    if table == 'invitations':
        return {email_topic(key[0]), organization_topic(key[1])}
    return {key[0], organization_topic(key[1])}  # memberships, removal requests
