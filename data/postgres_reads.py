"""Every read of `DirectoryReader` as one SQL statement, and the mapping between records and rows.

The columns of each table are the fields of its record, in order, so a row is a record's values. Lists come
back in a stable order (the TinyDB store's is its files' order, which no caller relies on); `members_of` is
sorted by subject in code-point order (`COLLATE "C"`), exactly as Python sorts.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import fields
from typing import Any

import psycopg

from data.records import (
    PENDING,
    AuditEntry,
    Directory,
    Invitation,
    Membership,
    Organization,
    Person,
    RemovalRequest,
    StoreCounts,
)

Record = Organization | Person | Membership | Invitation | RemovalRequest
TABLE_OF: dict[type, str] = {Organization: 'organizations', Person: 'people', Membership: 'memberships',
                             Invitation: 'invitations', RemovalRequest: 'removal_requests', AuditEntry: 'audit'}
COLUMNS: dict[str, tuple[str, ...]] = {table: tuple(f.name for f in fields(cls)) for cls, table in TABLE_OF.items()}
KEYS: dict[str, tuple[str, ...]] = {'organizations': ('id',), 'people': ('subject',),
                                    'memberships': ('subject', 'organization'), 'invitations': ('id',),
                                    'removal_requests': ('id',)}
BY_SUBJECT = 'ORDER BY subject COLLATE "C", organization COLLATE "C"'


def row_of(record: Any) -> tuple[Any, ...]:
    """A record's values in column order (a tuple of admins as the list a text[] takes)."""
    return tuple(list(v) if type(v) is tuple else v
                 for v in (getattr(record, c) for c in COLUMNS[TABLE_OF[type(record)]]))


def organization_of(row: Sequence[Any]) -> Organization:
    return Organization(id=row[0], name=row[1], domain=row[2], privacy_url=row[3], privacy_contact=row[4],
                        leave_policy=row[5], admins=tuple(row[6]))


def _maker(cls: type) -> Callable[[Sequence[Any]], Any]:
    names = COLUMNS[TABLE_OF[cls]]
    return lambda row: cls(**dict(zip(names, row, strict=True)))


person_of: Callable[[Sequence[Any]], Person] = _maker(Person)
membership_of: Callable[[Sequence[Any]], Membership] = _maker(Membership)
invitation_of: Callable[[Sequence[Any]], Invitation] = _maker(Invitation)
request_of: Callable[[Sequence[Any]], RemovalRequest] = _maker(RemovalRequest)
audit_of: Callable[[Sequence[Any]], AuditEntry] = _maker(AuditEntry)
RECORD_OF: dict[str, Callable[[Sequence[Any]], Any]] = {
    'organizations': organization_of, 'people': person_of, 'memberships': membership_of,
    'invitations': invitation_of, 'removal_requests': request_of, 'audit': audit_of}


def select(table: str) -> str:
    return f'SELECT {", ".join(COLUMNS[table])} FROM {table}'


class PostgresReads(ABC):
    """The reads, on whatever connection `_connection()` lends: the pool's, or the one of a transaction."""

    @abstractmethod
    def _connection(self) -> AbstractContextManager[psycopg.Connection]:
        """A connection to read on (the store's pool, or the writing transaction's own)."""

    def _run(self, conn: psycopg.Connection, query: str, params: Any = ()) -> psycopg.Cursor[Any]:
        """Every read's one statement, its rows ready to fetch."""
        return conn.execute(query, params)

    def organization(self, org_id: str) -> Organization | None:
        return self._one('organizations', 'WHERE id = %s', (org_id,))

    def organizations_by_id(self, org_ids: Iterable[str]) -> dict[str, Organization]:
        return {org.id: org for org in self._all('organizations', 'WHERE id = ANY(%s)', (list(org_ids),))}

    def all_organizations(self) -> list[Organization]:
        return self._all('organizations', 'ORDER BY id COLLATE "C"')

    def person(self, subject: str) -> Person | None:
        return self._one('people', 'WHERE subject = %s', (subject,))

    def people_with_email(self, address: str) -> list[Person]:
        """The people whose directory address is `address`, compared case-insensitively (through the index on
        lower(email); for the few letters whose case folding differs from lowering, such as ß, as lowered)."""
        return self._all('people', 'WHERE lower(email) = lower(%s) ORDER BY subject COLLATE "C"', (address,))

    def memberships_of(self, subject: str) -> list[Membership]:
        """Every stored membership of `subject`, left ones (still within retention) included."""
        return self._all('memberships', f'WHERE subject = %s {BY_SUBJECT}', (subject,))

    def membership(self, subject: str, org_id: str) -> Membership | None:
        return self._one('memberships', 'WHERE subject = %s AND organization = %s', (subject, org_id))

    def memberships_in_state(self, state: str) -> list[Membership]:
        return self._all('memberships', f'WHERE state = %s {BY_SUBJECT}', (state,))

    def members_of(self, org_id: str) -> list[Membership]:
        return self._all('memberships', f'WHERE organization = %s {BY_SUBJECT}', (org_id,))

    def guests_of(self, org_id: str) -> list[tuple[Membership, Person | None]]:
        """`members_of` with each member's person, in one query (an administrator's page lists thousands)."""
        membership_columns = ', '.join(f'm.{c}' for c in COLUMNS['memberships'])
        person_columns = ', '.join(f'p.{c}' for c in COLUMNS['people'])
        split = len(COLUMNS['memberships'])
        make_membership, make_person = RECORD_OF['memberships'], RECORD_OF['people']
        with self._connection() as conn:
            rows = self._run(conn, f'SELECT {membership_columns}, {person_columns} FROM memberships m '
                             'LEFT JOIN people p ON p.subject = m.subject WHERE m.organization = %s', (org_id,))
            return [(make_membership(row[:split]), make_person(row[split:]) if row[split] is not None else None)
                    for row in rows]

    def invitation(self, invitation_id: str) -> Invitation | None:
        return self._one('invitations', 'WHERE id = %s', (invitation_id,))

    def invitation_by_token(self, token_hash: str) -> Invitation | None:
        return self._one('invitations', 'WHERE token_hash = %s', (token_hash,))

    def invitations_for(self, emails: frozenset[str]) -> list[Invitation]:
        """The invitations of these (lower-case) addresses, compared exactly, as the TinyDB store does."""
        return self._all('invitations', 'WHERE email = ANY(%s) ORDER BY created, id COLLATE "C"', (list(emails),))

    def invitations_of(self, org_id: str) -> list[Invitation]:
        return self._all('invitations', 'WHERE organization = %s ORDER BY created, id COLLATE "C"', (org_id,))

    def pending_invitations(self) -> list[Invitation]:
        return self._all('invitations', 'WHERE state = %s ORDER BY created, id COLLATE "C"', (PENDING,))

    def removal_requests_of(self, subject: str) -> list[RemovalRequest]:
        return self._all('removal_requests', 'WHERE subject = %s ORDER BY created, id COLLATE "C"', (subject,))

    def removal_requests_to(self, org_id: str | None) -> list[RemovalRequest]:
        """The requests to one organization, or to all of them (`None`)."""
        if org_id is None:
            return self._all('removal_requests', 'ORDER BY created, id COLLATE "C"')
        return self._all('removal_requests', 'WHERE organization = %s ORDER BY created, id COLLATE "C"', (org_id,))

    def removal_request(self, request_id: str) -> RemovalRequest | None:
        return self._one('removal_requests', 'WHERE id = %s', (request_id,))

    def counts(self) -> StoreCounts:
        with self._connection() as conn:
            row = self._run(conn, 'SELECT (SELECT count(*) FROM organizations), (SELECT count(*) FROM people), '
                                  '(SELECT count(*) FROM memberships)').fetchone()
        assert row is not None
        return StoreCounts(organizations=row[0], people=row[1], memberships=row[2])

    def directory(self) -> Directory:
        """Every record (consistent when the connection is in a REPEATABLE READ transaction)."""
        return Directory(organizations=tuple(self.all_organizations()),
                         people=tuple(self._all('people', 'ORDER BY subject COLLATE "C"')),
                         memberships=tuple(self._all('memberships', BY_SUBJECT)),
                         invitations=tuple(self._all('invitations', 'ORDER BY id COLLATE "C"')),
                         removal_requests=tuple(self._all('removal_requests', 'ORDER BY id COLLATE "C"')))

    # --- the audit trail (not part of `DirectoryReader`, but read the same way) ---

    def audit_entries(self) -> list[AuditEntry]:
        """The audit trail in commit order."""
        return self._all('audit', 'ORDER BY seq')

    def activity_of(self, subject: str) -> list[AuditEntry]:
        """What concerns `subject`, oldest first (a leave recorded without a subject concerns its actor)."""
        return self._all('audit', "WHERE subject = %s OR (subject IS NULL AND action = 'leave' AND actor = %s) "
                                  'ORDER BY seq', (subject, subject))

    def activity_of_organization(self, org_id: str) -> list[AuditEntry]:
        """What concerns `org_id`, oldest first."""
        return self._all('audit', 'WHERE organization = %s ORDER BY seq', (org_id,))

    # --- helpers ---

    def _one(self, table: str, where: str, params: Sequence[Any]) -> Any:
        with self._connection() as conn:
            row = self._run(conn, f'{select(table)} {where}', params).fetchone()
        return None if row is None else RECORD_OF[table](row)

    def _all(self, table: str, where: str, params: Sequence[Any] = ()) -> list[Any]:
        make = RECORD_OF[table]
        with self._connection() as conn:
            return [make(row) for row in self._run(conn, f'{select(table)} {where}', params)]


class TransactionReader(PostgresReads):
    """What `transact` hands its work: the same reads, inside the writing transaction (after its lock).

    A rule about a membership reads its person and its organization too (whose home it is, the leave policy,
    the admins, the names for the message), so reading a membership brings both along in the same query, kept
    for the rest of the work: nothing else can change them before the transaction ends (writers hold the lock,
    and the work's own changes are written only after it returns). One round trip to the server instead of three.
    """

    def __init__(self, conn: psycopg.Connection, pipeline: psycopg.Pipeline | None = None) -> None:
        self._conn = conn
        self._pipeline = pipeline
        self._organizations: dict[str, Organization | None] = {}
        self._people: dict[str, Person | None] = {}

    def membership(self, subject: str, org_id: str) -> Membership | None:
        row = self._run(self._conn, _MEMBERSHIP_WITH_PERSON_AND_ORGANIZATION,
                        {'subject': subject, 'org': org_id}).fetchone()
        assert row is not None  # the one row of `wanted`
        membership, person, org = _split(row, 'memberships', 'people', 'organizations')
        self._people[subject] = person
        self._organizations[org_id] = org
        return membership

    def person(self, subject: str) -> Person | None:
        if subject not in self._people:
            self._people[subject] = super().person(subject)
        return self._people[subject]

    def organization(self, org_id: str) -> Organization | None:
        if org_id not in self._organizations:
            self._organizations[org_id] = super().organization(org_id)
        return self._organizations[org_id]

    def _run(self, conn: psycopg.Connection, query: str, params: Any = ()) -> psycopg.Cursor[Any]:
        """In pipeline mode, a read ends with a Sync rather than the flush psycopg sends to fetch a result: the
        round trip is the same, but while the work decides, the server sees the transaction as idle in it, so
        `idle_in_transaction_session_timeout` can end a writer that froze holding the lock."""
        cursor = conn.execute(query, params)
        if self._pipeline is not None:
            self._pipeline.sync()
        return cursor

    @contextmanager
    def _connection(self) -> Iterator[psycopg.Connection]:
        yield self._conn


def _columns(alias: str, table: str) -> str:
    return ', '.join(f'{alias}.{c}' for c in COLUMNS[table])


_MEMBERSHIP_WITH_PERSON_AND_ORGANIZATION = (
    f"SELECT {_columns('m', 'memberships')}, {_columns('p', 'people')}, {_columns('o', 'organizations')} "
    'FROM (SELECT %(subject)s::text AS subject, %(org)s::text AS org) wanted '
    'LEFT JOIN memberships m ON m.subject = wanted.subject AND m.organization = wanted.org '
    'LEFT JOIN people p ON p.subject = wanted.subject LEFT JOIN organizations o ON o.id = wanted.org')


def _split(row: Sequence[Any], *tables: str) -> list[Any]:
    """One joined row as a record per table (None where the join found no row: its key column is null)."""
    records, start = [], 0
    for table in tables:
        part = row[start:start + len(COLUMNS[table])]
        records.append(RECORD_OF[table](part) if part[0] is not None else None)
        start += len(COLUMNS[table])
    return records
