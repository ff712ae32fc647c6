"""PostgreSQL for the store and service tests, on the local server.

`tests/conftest.py` loads these for every test (`pytest_plugins`); the parametrized `store` fixture there takes
its PostgreSQL store from `emptied_pg_store`.

`MYPROFILE_TEST_POSTGRES` names the server (default `postgresql://postgres@127.0.0.1:5432/postgres`, trust
authentication, as `scripts/test.sh` sets it up). A server that cannot be reached skips these tests with the
reason, unless `MYPROFILE_REQUIRE_POSTGRES=1` (set by `scripts/test.sh`, which installs and starts the server):
then they fail instead, so the suite never passes without them by accident.

Two kinds of isolation:
- `pg_store`, `migrated_url`, `postgres_url`: a database of its own, copied from a template migrated once per session
  (`CREATE DATABASE … TEMPLATE`) and dropped afterwards; about 0.5 s a test. For the tests of the PostgreSQL store
  itself: they connect to the database besides the store, hold its locks, kill processes writing to it, or change
  its schema.
- `emptied_pg_store`: one database copied from the template for the whole session, emptied before each test that
  uses it (every row deleted, sequences restarted: the template's state, which holds no rows); about 0.01 s. For the
  tests that run on both stores through the repository interface, hundreds of them.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from data.postgres_migrations import described, migrate
from data.postgres_store import PostgresDirectoryStore

SERVER = os.environ.get('MYPROFILE_TEST_POSTGRES', 'postgresql://postgres@127.0.0.1:5432/postgres')


def database_url(name: str) -> str:
    return make_conninfo(SERVER, dbname=name)


@contextmanager
def fresh_database(template: str | None = None) -> Iterator[str]:
    """A new database (empty, or a copy of `template`) for as long as the block runs; its URL."""
    name = f'test_{secrets.token_hex(6)}'
    with psycopg.connect(SERVER, autocommit=True) as admin:
        admin.execute(sql.SQL('CREATE DATABASE {} TEMPLATE {}').format(
            sql.Identifier(name), sql.Identifier(template or 'template1')))
    try:
        yield database_url(name)
    finally:
        with psycopg.connect(SERVER, autocommit=True) as admin:
            admin.execute(sql.SQL('DROP DATABASE IF EXISTS {} WITH (FORCE)').format(sql.Identifier(name)))


@pytest.fixture(scope='session')
def postgres_server() -> str:
    try:
        psycopg.connect(SERVER, connect_timeout=3).close()
    except psycopg.OperationalError as error:
        reason = (f'PostgreSQL is not reachable at {described(SERVER)} ({str(error).strip().splitlines()[0]}); '
                  f'`bash scripts/test.sh` installs and starts it, MYPROFILE_TEST_POSTGRES names another server')
        if os.environ.get('MYPROFILE_REQUIRE_POSTGRES') == '1':
            pytest.fail(reason)
        pytest.skip(reason)
    return SERVER


@pytest.fixture(scope='session')
def migrated_template(postgres_server: str) -> Iterator[str]:
    with fresh_database() as url:
        migrate(url)
        yield str(conninfo_to_dict(url)['dbname'])


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """An empty database (no schema yet)."""
    with fresh_database() as url:
        yield url


@pytest.fixture
def migrated_url(migrated_template: str) -> Iterator[str]:
    """A database at the code's schema version, with no data."""
    with fresh_database(migrated_template) as url:
        yield url


@pytest.fixture
def pg_store(migrated_url: str) -> Iterator[PostgresDirectoryStore]:
    with PostgresDirectoryStore(migrated_url, pool_size=4) as store:
        yield store


@pytest.fixture(scope='session')
def session_database(migrated_template: str) -> Iterator[str]:
    """A copy of the migrated template kept for the whole session (see `emptied_url`)."""
    with fresh_database(migrated_template) as url:
        with psycopg.connect(url, autocommit=True) as conn:
            stored = [table for table in data_tables(conn) if conn.execute(
                sql.SQL('SELECT EXISTS (SELECT FROM {})').format(sql.Identifier(table))).fetchone()[0]]
        assert not stored, f'the migrated template holds rows in {stored}: emptying would not restore it'
        yield url


@pytest.fixture
def emptied_url(session_database: str) -> str:
    """The session's database in the state of a fresh copy of the template: no connection, no row."""
    with psycopg.connect(session_database, autocommit=True) as conn:
        conn.execute('SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity '
                     'WHERE datname = current_database() AND pid <> pg_backend_pid()')  # one a test left open
        with conn.transaction():
            for table in data_tables(conn):
                conn.execute(sql.SQL('DELETE FROM {}').format(sql.Identifier(table)))
            for sequence, in conn.execute("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'"):
                conn.execute('SELECT setval(%s, 1, false)', (sequence,))
    return session_database


@pytest.fixture
def emptied_pg_store(emptied_url: str) -> Iterator[PostgresDirectoryStore]:
    with PostgresDirectoryStore(emptied_url, pool_size=4) as store:
        yield store


def data_tables(conn: psycopg.Connection) -> list[str]:
    """Every table of the schema but `schema_version` (the migrations' own bookkeeping)."""
    return [name for name, in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                                           "AND tablename <> 'schema_version' ORDER BY tablename")]
