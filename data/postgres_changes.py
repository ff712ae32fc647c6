"""A unit of work's `Changes` written inside the writing transaction, and the live-event topics they touch.

The topics are exactly those the TinyDB store reports for the same change (`DirectoryIndex.apply` and
`LifecycleIndex.apply`, then `subjects_of` on the changed organizations):

- a person, membership or removal request: the person's subject; a membership or request also its
  organization's topic (`organization:<id>`, the pages listing its guests);
- an invitation: `email:<lower-case address>` and its organization's topic;
- an audit record: its subject and its organization's topic, when it names them;
- an organization put (or an invitation deleted): that organization's topic and every subject who sees it,
  as a membership in any state or as their home, read after the change.

Deletes are applied before puts (a put wins over a delete of the same key, as in the TinyDB store). A deleted
membership counts whether or not it was stored; a deleted invitation or request only when it was.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import psycopg

from data.lifecycle_index import email_topic, organization_topic
from data.postgres_reads import COLUMNS, KEYS, TABLE_OF, row_of
from data.records import AuditEntry, Changes, Invitation, Membership, Organization, Person, RemovalRequest


def insert_sql(table: str) -> str:
    """Insert one row, given a record's values (`row_of`)."""
    columns = COLUMNS[table]
    values = ', '.join('%s::text[]' if c == 'admins' else '%s' for c in columns)
    return f'INSERT INTO {table} ({", ".join(columns)}) VALUES ({values})'


def upsert_sql(table: str) -> str:
    """Insert a row, or replace every column of the one with the same key."""
    keys = KEYS[table]
    updates = ', '.join(f'{c} = EXCLUDED.{c}' for c in COLUMNS[table] if c not in keys)
    return f'{insert_sql(table)} ON CONFLICT ({", ".join(keys)}) DO UPDATE SET {updates}'


def insert_audit(conn: psycopg.Connection, entries: Iterable[AuditEntry]) -> None:
    rows = [row_of(entry) for entry in entries]
    if rows:
        with conn.cursor() as cur:
            cur.executemany(insert_sql('audit'), rows)


def apply_changes(conn: psycopg.Connection, changes: Changes) -> set[str]:
    """Write `changes` on `conn` (inside its transaction); returns the topics they touch."""
    topics: set[str] = set()
    org_ids: set[str] = set()
    _delete(conn, changes.delete, topics, org_ids)
    puts: dict[str, list[Any]] = {}
    for record in changes.put:
        table = TABLE_OF.get(type(record))
        if table is None or table == 'audit':
            raise TypeError(f'not a stored record: {record!r}')
        puts.setdefault(table, []).append(record)
        topics |= _put_topics(record, org_ids)
    with conn.cursor() as cur:
        for table, records in puts.items():
            cur.executemany(upsert_sql(table), [row_of(r) for r in records])
    insert_audit(conn, changes.audit)
    topics |= audit_topics(changes.audit)
    return topics | subjects_of(conn, org_ids)


def add_person(conn: psycopg.Connection, person: Person, home: Organization) -> set[str]:
    """Record `person` and their home organization, each only if new; returns the topics that changed."""
    home_added = conn.execute(f"{insert_sql('organizations')} ON CONFLICT DO NOTHING RETURNING 1",
                              row_of(home)).fetchone() is not None
    person_added = conn.execute(f"{insert_sql('people')} ON CONFLICT DO NOTHING RETURNING 1",
                                row_of(person)).fetchone() is not None
    topics = {person.subject} if person_added else set()
    if home_added:  # read after the person is in: they are at home there
        topics |= {organization_topic(home.id), *subjects_of(conn, {home.id})}
    return topics


def subjects_of(conn: psycopg.Connection, org_ids: Iterable[str]) -> set[str]:
    """Everyone whose page shows one of these organizations (as a membership in any state, or as their home)."""
    ids = sorted(set(org_ids))
    if not ids:
        return set()
    return {row[0] for row in conn.execute('SELECT subject FROM memberships WHERE organization = ANY(%(ids)s) '
                                           'UNION SELECT subject FROM people WHERE home = ANY(%(ids)s)', {'ids': ids})}


def audit_topics(entries: Iterable[AuditEntry]) -> set[str]:
    topics: set[str] = set()
    for entry in entries:
        if entry.subject:
            topics.add(entry.subject)
        if entry.organization:
            topics.add(organization_topic(entry.organization))
    return topics


def _put_topics(record: Any, org_ids: set[str]) -> set[str]:
    if isinstance(record, Organization):
        org_ids.add(record.id)
        return {organization_topic(record.id)}
    if isinstance(record, Person):
        return {record.subject}
    if isinstance(record, Invitation):
        return {email_topic(record.email), organization_topic(record.organization)}
    return {record.subject, organization_topic(record.organization)}  # a membership or a removal request


def _delete(conn: psycopg.Connection, records: Iterable[Any], topics: set[str], org_ids: set[str]) -> None:
    memberships: list[tuple[str, str]] = []
    invitations: list[str] = []
    requests: list[str] = []
    for record in records:
        if isinstance(record, Membership):
            memberships.append((record.subject, record.organization))
            topics.update((record.subject, organization_topic(record.organization)))
        elif isinstance(record, Invitation):
            invitations.append(record.id)
        elif isinstance(record, RemovalRequest):
            requests.append(record.id)
        else:
            raise TypeError(f'not a deletable record: {record!r}')
    if memberships:
        with conn.cursor() as cur:
            cur.executemany('DELETE FROM memberships WHERE subject = %s AND organization = %s', memberships)
    if invitations:
        for email, org_id in conn.execute('DELETE FROM invitations WHERE id = ANY(%s) RETURNING email, organization',
                                          (invitations,)):
            topics.update((email_topic(email), organization_topic(org_id)))
            org_ids.add(org_id)
    if requests:
        for subject, org_id in conn.execute('DELETE FROM removal_requests WHERE id = ANY(%s) '
                                            'RETURNING subject, organization', (requests,)):
            topics.update((subject, organization_topic(org_id)))
