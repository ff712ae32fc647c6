"""PostgreSQL for the store tests: every test gets a database of its own on the local server, dropped afterwards.

Test modules load these with `pytest_plugins = ('tests.data.postgres_fixtures',)`.

`MYPROFILE_TEST_POSTGRES` names the server (default `postgresql://postgres@127.0.0.1:5432/postgres`, trust
authentication, as `scripts/test.sh` sets it up). A server that cannot be reached skips these tests with the
reason, unless `MYPROFILE_REQUIRE_POSTGRES=1` (set by `scripts/test.sh`, which installs and starts the server):
then they fail instead, so the suite never passes without them by accident.

Databases are copied from a template migrated once per session (`CREATE DATABASE … TEMPLATE`), which is much
quicker than migrating each one.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from data.postgres_migrations import described, migrate
from data.postgres_store import PostgresDirectoryStore
from data.repository import DirectoryRepository
from data.tinydb_store import TinyDirectoryStore

SERVER = os.environ.get('MYPROFILE_TEST_POSTGRES', 'postgresql://postgres@127.0.0.1:5432/postgres')
ENGINES = ('tinydb', 'postgres')


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


@pytest.fixture(params=ENGINES)
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> DirectoryRepository:
    """Each engine in turn, empty: for the tests of what both must do alike."""
    if request.param == 'postgres':
        return request.getfixturevalue('pg_store')
    return TinyDirectoryStore(tmp_path / 'store' / 'directory.json')
