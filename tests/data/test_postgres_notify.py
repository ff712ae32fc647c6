"""Other instances hear of a change when it commits, never of one rolled back, and after a lost connection they
are told that anything may have changed."""

from __future__ import annotations

import json
import queue
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from data.postgres_notify import APPLICATION_NAME, EVERYTHING, MAX_NOTIFICATIONS, _payloads, notify_topics
from data.postgres_store import PostgresDirectoryStore
from data.records import AuditEntry, Changes, Directory, Membership, Organization, Person
from data.repository import DirectoryReader
from tests.data.test_postgres_topics import IMPORT, P1_B, SEED

pytest_plugins = ('tests.data.postgres_fixtures',)

WAIT = 5.0
QUIET = 0.4  # how long "nothing arrives" is watched


class Heard:
    """A callback that keeps what it is called with."""

    def __init__(self) -> None:
        self._topics: queue.Queue[set[str]] = queue.Queue()

    def __call__(self, topics: set[str]) -> None:
        self._topics.put(topics)

    def next(self) -> set[str]:
        return self._topics.get(timeout=WAIT)

    def nothing(self, within: float = QUIET) -> bool:
        try:
            self._topics.get(timeout=within)
        except queue.Empty:
            return True
        return False


@pytest.fixture
def other(migrated_url: str) -> Iterator[PostgresDirectoryStore]:
    """A second instance on the same database (another process, as far as PostgreSQL can tell)."""
    with PostgresDirectoryStore(migrated_url, pool_size=2) as store:
        yield store


@pytest.fixture
def heard(pg_store: PostgresDirectoryStore) -> Heard:
    pg_store.merge_directory(SEED, IMPORT)
    heard = Heard()
    assert pg_store.listen(heard, retry=0.05).listening.wait(WAIT)
    return heard


def leave(reader: DirectoryReader) -> Changes:
    return Changes(delete=(P1_B,), audit=(AuditEntry(at='2026-02-01', actor='p1', action='leave', subject='p1'),))


def test_another_instance_s_commit_is_heard_with_the_topics_it_returned(
        heard: Heard, other: PostgresDirectoryStore) -> None:
    topics = other.transact(leave)
    assert heard.next() == topics == {'p1', 'organization:org-b'}
    other.add_person(Person(subject='new', name='New', home='org-new'), Organization(id='org-new', name='New'))
    assert heard.next() == {'new', 'organization:org-new'}


def test_an_instance_does_not_hear_itself_unless_it_asks(pg_store: PostgresDirectoryStore, heard: Heard) -> None:
    own = Heard()
    assert pg_store.listen(own, include_own=True).listening.wait(WAIT)
    topics = pg_store.transact(leave)
    assert own.next() == topics
    assert heard.nothing()


def test_a_notification_goes_out_at_commit_and_never_for_a_rollback(heard: Heard, migrated_url: str) -> None:
    with psycopg.connect(migrated_url, autocommit=True) as conn:
        with conn.transaction():
            notify_topics(conn, {'p1'}, source='elsewhere')
            assert heard.nothing()  # queued, not sent
        assert heard.next() == {'p1'}
        with pytest.raises(RuntimeError), conn.transaction():
            notify_topics(conn, {'p2'}, source='elsewhere')
            raise RuntimeError('rolled back')
    assert heard.nothing()


def test_a_failed_change_is_not_heard(heard: Heard, other: PostgresDirectoryStore) -> None:
    def refuse(reader: DirectoryReader) -> Changes:
        raise LookupError('no')
    with pytest.raises(LookupError):
        other.transact(refuse)
    assert heard.nothing()


def test_many_topics_are_split_and_too_many_become_everything(heard: Heard, other: PostgresDirectoryStore) -> None:
    people = tuple(Person(subject=f'subject-{"x" * 40}-{n:04d}', name='P', home='org-a') for n in range(1000))
    topics = other.merge_directory(Directory(organizations=(), people=people, memberships=tuple(
        Membership(subject=p.subject, organization='org-c') for p in people)), IMPORT)
    received: set[str] = set()
    while received != topics:
        received |= heard.next()
    payloads = _payloads(sorted(topics), 'source')
    assert len(payloads) > 1 and all(len(p.encode()) <= 8000 for p in payloads)
    assert set().union(*(json.loads(p)['topics'] for p in payloads)) == topics
    many = [f'{"y" * 200}-{n}' for n in range(40 * MAX_NOTIFICATIONS)]
    assert [json.loads(p)['topics'] for p in _payloads(many, 'source')] == [[EVERYTHING]]


def test_after_a_lost_connection_everything_may_have_changed(pg_store: PostgresDirectoryStore, heard: Heard,
                                                             other: PostgresDirectoryStore) -> None:
    with psycopg.connect(pg_store.url, autocommit=True) as admin:
        terminated = admin.execute('SELECT pg_terminate_backend(pid) FROM pg_stat_activity '
                                   'WHERE application_name = %s AND datname = current_database()',
                                   (APPLICATION_NAME,)).fetchall()
    assert terminated == [(True,)]
    assert heard.next() == {EVERYTHING, 'organization:org-a', 'organization:org-b', 'organization:org-c'}
    other.transact(leave)  # it listens again before it calls back: later changes are heard as before
    assert heard.next() == {'p1', 'organization:org-b'}


def test_a_restore_elsewhere_is_heard_as_everything(pg_store: PostgresDirectoryStore, heard: Heard,
                                                    other: PostgresDirectoryStore, tmp_path: Path) -> None:
    other.backup(tmp_path / 'backup.json')
    other.restore_from(tmp_path / 'backup.json')
    assert heard.next() == {EVERYTHING, 'organization:org-a', 'organization:org-b', 'organization:org-c'}
