"""The schema is versioned: `migrate` applies the missing steps, and a store opens only on its own version."""

from __future__ import annotations

import psycopg
import pytest

from data import postgres_migrations
from data.errors import StoreError
from data.postgres_migrations import SchemaNewerThanCode, SchemaOlderThanCode, code_version, migrate
from data.postgres_store import PostgresDirectoryStore

pytest_plugins = ('tests.data.postgres_fixtures',)


def version(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute('SELECT version FROM schema_version').fetchone()
    assert row is not None
    return row[0]


def test_a_fresh_database_asks_for_migrate_then_opens(postgres_url: str) -> None:
    with pytest.raises(SchemaOlderThanCode, match=r'schema version 0, this code needs \d+; run `python main.py '
                                                  r'migrate` first'):
        PostgresDirectoryStore(postgres_url)
    assert migrate(postgres_url) == (0, code_version())
    assert migrate(postgres_url) == (code_version(), code_version())
    with PostgresDirectoryStore(postgres_url) as store:
        assert store.counts().memberships == 0


def test_a_database_of_newer_code_is_refused_and_left_alone(migrated_url: str) -> None:
    with psycopg.connect(migrated_url) as conn:
        conn.execute('UPDATE schema_version SET version = version + 1')
    with pytest.raises(SchemaNewerThanCode, match=r'newer than this code .*; upgrade the code'):
        PostgresDirectoryStore(migrated_url)
    with pytest.raises(SchemaNewerThanCode):
        migrate(migrated_url)
    assert version(migrated_url) == code_version() + 1


def test_only_the_missing_steps_are_applied(migrated_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    released = code_version()
    monkeypatch.setattr(postgres_migrations, 'MIGRATIONS', [*postgres_migrations.MIGRATIONS,
                                                            'CREATE TABLE later (x integer)'])
    with pytest.raises(SchemaOlderThanCode, match=f'schema version {released}, this code needs {released + 1}'):
        PostgresDirectoryStore(migrated_url)
    assert migrate(migrated_url) == (released, released + 1)
    with PostgresDirectoryStore(migrated_url) as store, psycopg.connect(migrated_url) as conn:
        assert store.counts().people == 0
        assert conn.execute("SELECT to_regclass('later') IS NOT NULL").fetchone() == (True,)


def test_a_failing_step_changes_nothing(migrated_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    released = code_version()
    monkeypatch.setattr(postgres_migrations, 'MIGRATIONS', [*postgres_migrations.MIGRATIONS,
                                                            'CREATE TABLE later (x integer); SELECT 1 / 0'])
    with pytest.raises(StoreError, match=f'migrating to version {released + 1} failed .*division by zero.*; the '
                                         f'database stays at version {released}'):
        migrate(migrated_url)
    assert version(migrated_url) == released
    with psycopg.connect(migrated_url) as conn:
        assert conn.execute("SELECT to_regclass('later') IS NULL").fetchone() == (True,)
