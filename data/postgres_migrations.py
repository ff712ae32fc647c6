"""The PostgreSQL schema as an ordered list of migration steps, and the check every store makes when it opens.

`schema_version` holds one row: how many steps of `MIGRATIONS` the database has. `migrate` applies the missing
ones, each in its own transaction together with the new version, while holding the writers' lock (so no store
writes half-way through a step). A store refuses to open on a database of any other version: an older one
needs `main.py migrate`, a newer one was migrated by newer code and this code must be upgraded.

Steps are append-only: a released step is never edited, a change of schema is a new step at the end.
Timestamps stay text, exactly as the records carry them (and as the TinyDB store keeps them), so a backup
round-trips between the two stores byte for byte.
"""

from __future__ import annotations

import psycopg
from psycopg.conninfo import conninfo_to_dict

from data.errors import StoreError

WRITE_LOCK = 0x6D7950726F66  # pg_advisory_xact_lock key every writing transaction (and a migration) takes first
LEAVE_POLICIES_CHECK = "leave_policy IN ('self_service', 'by_request')"

MIGRATIONS: list[str] = [
    # 1: the directory, its lifecycle records and the audit trail
    f"""
    CREATE TABLE organizations (
        id text PRIMARY KEY,
        name text NOT NULL,
        domain text,
        privacy_url text,
        privacy_contact text,
        leave_policy text NOT NULL DEFAULT 'self_service' CHECK ({LEAVE_POLICIES_CHECK}),
        admins text[] NOT NULL DEFAULT '{{}}'
    );
    CREATE TABLE people (
        subject text PRIMARY KEY,
        name text NOT NULL,
        home text NOT NULL,
        email text
    );
    CREATE INDEX people_email ON people (lower(email));
    CREATE INDEX people_home ON people (home);  -- who sees an organization that changed (as their home)
    CREATE TABLE memberships (
        subject text NOT NULL,
        organization text NOT NULL,
        joined text,
        state text NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'disabled', 'left')),
        left_at text,
        PRIMARY KEY (subject, organization)
    );
    CREATE INDEX memberships_organization ON memberships (organization);
    CREATE INDEX memberships_not_active ON memberships (state) WHERE state <> 'active';  -- few: retention, admins
    CREATE TABLE invitations (
        id text PRIMARY KEY,
        organization text NOT NULL,
        email text NOT NULL,
        invited_by text NOT NULL,
        created text NOT NULL,
        expires text NOT NULL,
        token_hash text NOT NULL UNIQUE,
        state text NOT NULL CHECK (state IN ('pending', 'accepted', 'declined', 'revoked', 'expired')),
        decided_at text,
        decided_by text
    );
    CREATE INDEX invitations_email ON invitations (email);
    CREATE INDEX invitations_organization ON invitations (organization);
    CREATE INDEX invitations_pending ON invitations (state) WHERE state = 'pending';
    CREATE TABLE removal_requests (
        id text PRIMARY KEY,
        subject text NOT NULL,
        organization text NOT NULL,
        created text NOT NULL,
        message text,
        state text NOT NULL CHECK (state IN ('open', 'done', 'declined')),
        answer text,
        answered_at text
    );
    CREATE INDEX removal_requests_subject ON removal_requests (subject);
    CREATE INDEX removal_requests_organization ON removal_requests (organization);
    CREATE TABLE audit (
        seq bigserial PRIMARY KEY,  -- commit order
        at text NOT NULL,
        actor text NOT NULL,
        action text NOT NULL,
        organization text,
        detail text,
        subject text
    );
    CREATE INDEX audit_subject ON audit (subject, seq);
    CREATE INDEX audit_organization ON audit (organization, seq);
    -- leaves recorded before audit records named their person had the person as actor (see layout.audit_file)
    CREATE INDEX audit_leave_actor ON audit (actor, seq) WHERE subject IS NULL AND action = 'leave';
    """,
]


class SchemaMismatch(StoreError):
    """The database's schema is not the one this code was written for; nothing was read or changed."""


class SchemaNewerThanCode(SchemaMismatch):
    pass


class SchemaOlderThanCode(SchemaMismatch):
    pass


def code_version() -> int:
    return len(MIGRATIONS)


def migrate(url: str) -> tuple[int, int]:
    """Apply the missing steps to the database at `url`; returns (version before, version after).

    Refuses (changing nothing) a database migrated by newer code.
    """
    target, where = code_version(), described(url)
    before = current = 0
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            with conn.transaction():
                conn.execute('CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)')
                conn.execute('SELECT pg_advisory_xact_lock(%s)', (WRITE_LOCK,))  # after: CREATE may wait on a twin
                before = current = _stored_version(conn, create=True)
            _refuse_newer(before, target, where)
            while current < target:
                with conn.transaction():
                    conn.execute('SELECT pg_advisory_xact_lock(%s)', (WRITE_LOCK,))
                    current = _stored_version(conn)
                    _refuse_newer(current, target, where)
                    if current < target:
                        conn.execute(MIGRATIONS[current])  # no parameters: several statements in one go
                        conn.execute('UPDATE schema_version SET version = %s', (current + 1,))
                        current += 1
    except psycopg.Error as error:
        raise StoreError(f'{where}: migrating to version {current + 1} failed ({str(error).strip()}); the database '
                         f'stays at version {current}.') from error
    return before, current


def described(url: str) -> str:
    """`url` without its password, for messages and logs."""
    try:
        parts = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return 'the PostgreSQL database (invalid connection string)'
    return f"postgresql://{parts.get('host', '')}:{parts.get('port', 5432)}/{parts.get('dbname', '')}"


def check_schema(conn: psycopg.Connection, where: str) -> int:
    """The database's version if it is the code's; else a `SchemaMismatch` saying what to do."""
    try:
        with conn.transaction():
            version = _stored_version(conn)
    except psycopg.errors.UndefinedTable:
        version = 0
    target = code_version()
    _refuse_newer(version, target, where)
    if version < target:
        raise SchemaOlderThanCode(f'{where}: the database has schema version {version}, this code needs {target}; '
                                  f'run `python main.py migrate` first.')
    return version


def _stored_version(conn: psycopg.Connection, *, create: bool = False) -> int:
    rows = conn.execute('SELECT version FROM schema_version').fetchall()
    if len(rows) > 1:
        raise SchemaMismatch(f'schema_version holds {len(rows)} rows instead of one; fix it by hand.')
    if not rows:
        if create:
            conn.execute('INSERT INTO schema_version (version) VALUES (0)')
        return 0
    return rows[0][0]


def _refuse_newer(version: int, target: int, where: str) -> None:
    if version > target:
        raise SchemaNewerThanCode(f'{where}: the database has schema version {version}, newer than this code '
                                  f'(version {target}); upgrade the code (nothing was changed).')
