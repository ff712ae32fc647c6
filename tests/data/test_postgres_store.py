"""What only the PostgreSQL store does: a failing statement rolls back the whole change, a big merge is quick,
backups and restores cross between both engines, a restore is validated whole, other processes' changes come by
notification, and a writer held up by another instance's lock fails clearly. What it does as the TinyDB store does is
in `test_store_contract.py` (run on both)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import psycopg
import pytest

from data.errors import StoreBusy, StoreCorrupt, StoreError
from data.postgres_migrations import WRITE_LOCK
from data.postgres_store import PostgresDirectoryStore
from data.records import LEFT, Changes, Directory, Membership, Organization, Person
from data.repository import DirectoryReader
from data.restore import restore_store
from data.tinydb_store import TinyDirectoryStore
from tests.data.sample_directory import (
    ANN,
    ANSWERED,
    DIRECTORY,
    HOME,
    IMPORT,
    INVITATION,
    LEAVE,
    MEMBERSHIPS,
    everything,
    expected,
)
from tests.data.topics import people_in


def test_a_failing_statement_rolls_back_the_whole_change(pg_store: PostgresDirectoryStore) -> None:
    pg_store.merge_directory(DIRECTORY, IMPORT)
    clash = replace(INVITATION, id='inv-3', token_hash=ANSWERED.token_hash)  # token hashes are unique

    def leave_and_clash(reader: DirectoryReader) -> Changes:
        return Changes(put=(replace(MEMBERSHIPS[0], state=LEFT, left_at='2026-03-05'), clash), audit=(LEAVE,))
    with pytest.raises(StoreError, match='token_hash'):
        pg_store.transact(leave_and_clash)
    assert everything(pg_store) == expected() and pg_store.audit_entries() == [IMPORT]


def test_merging_twenty_thousand_memberships(pg_store: PostgresDirectoryStore) -> None:
    orgs = tuple(Organization(id=f'org-{i}', name=f'Org {i}') for i in range(20))
    people = tuple(Person(subject=f'sub-{i:05d}', name=f'Person {i}', home='org-0') for i in range(2000))
    directory = Directory(organizations=orgs, people=people, memberships=tuple(
        Membership(subject=p.subject, organization=o.id, joined='2025-01-01') for p in people for o in orgs[1:11]))
    phases: list[str] = []
    topics = pg_store.merge_directory(directory, IMPORT, progress=lambda phase, done, total: phases.append(phase))
    assert people_in(topics) == {p.subject for p in people} and phases
    assert pg_store.counts().memberships == 20_000
    assert len(pg_store.members_of('org-5')) == 2000
    assert pg_store.merge_directory(directory, IMPORT) == set()


def test_backup_and_restore_round_trip_between_both_engines(pg_store: PostgresDirectoryStore, tmp_path: Path) -> None:
    pg_store.merge_directory(DIRECTORY, IMPORT)
    pg_store.transact(lambda reader: Changes(delete=(MEMBERSHIPS[0],), audit=(LEAVE,)))
    state, audit = everything(pg_store), pg_store.audit_entries()
    counts = pg_store.backup(tmp_path / 'postgres.json')
    assert (tmp_path / 'postgres.json').stat().st_mode & 0o777 == 0o600
    tiny_path = tmp_path / 'tiny' / 'directory.json'
    assert restore_store(tiny_path, tmp_path / 'postgres.json') == counts == pg_store.counts()
    tiny = TinyDirectoryStore(tiny_path)
    assert everything(tiny) == state and tiny.audit_entries() == audit

    pg_store.add_person(Person(subject='new', name='New', home='org-new'), Organization(id='org-new', name='N'))
    tiny.backup(tmp_path / 'tiny.json')
    assert pg_store.restore_from(tmp_path / 'tiny.json') == counts
    assert everything(pg_store) == state and pg_store.audit_entries() == audit
    pg_store.transact(lambda reader: Changes(audit=(LEAVE,)))  # the trail goes on after the restored one
    assert pg_store.audit_entries() == [*audit, LEAVE]


@pytest.mark.parametrize(('content', 'problem'), [
    (b'', 'empty'),
    (b'{"memberships": {"1": {"subject": "a"}}}', 'invalid organization'),
    (b'{"store": {"1": {"format": 2}}}', 'not a single-file directory store'),
])
def test_a_bad_backup_changes_nothing(pg_store: PostgresDirectoryStore, tmp_path: Path, content: bytes,
                                      problem: str) -> None:
    pg_store.merge_directory(DIRECTORY, IMPORT)
    (tmp_path / 'bad.json').write_bytes(content)
    with pytest.raises(StoreCorrupt, match=problem):
        pg_store.restore_from(tmp_path / 'bad.json')
    assert everything(pg_store) == expected()


def test_a_check_that_refuses_the_backup_changes_nothing(pg_store: PostgresDirectoryStore, tmp_path: Path) -> None:
    pg_store.merge_directory(DIRECTORY, IMPORT)
    pg_store.backup(tmp_path / 'backup.json')
    pg_store.transact(lambda reader: Changes(delete=(MEMBERSHIPS[0],), audit=(LEAVE,)))
    before = everything(pg_store)

    def refuse(single: object) -> None:
        raise ValueError('people[0]: not allowed')
    with pytest.raises(ValueError, match='not allowed'):
        pg_store.restore_from(tmp_path / 'backup.json', check=refuse)
    assert everything(pg_store) == before


def test_refresh_finds_nothing_other_processes_changes_come_by_notification(pg_store: PostgresDirectoryStore,
                                                                            migrated_url: str) -> None:
    with PostgresDirectoryStore(migrated_url) as other:
        other.merge_directory(DIRECTORY, IMPORT)
    assert pg_store.refresh() == set()
    assert everything(pg_store) == expected()  # reads go to the database: nothing to catch up on


def test_a_writer_held_up_too_long_fails_clearly_while_reads_go_on(migrated_url: str) -> None:
    with PostgresDirectoryStore(migrated_url, lock_timeout=0.2) as store, \
            psycopg.connect(migrated_url, autocommit=True) as holder:
        store.merge_directory(DIRECTORY, IMPORT)
        holder.execute('SELECT pg_advisory_lock(%s)', (WRITE_LOCK,))  # another instance's long write
        with pytest.raises(StoreBusy, match=r'another process has held the store for more than 0\.2 s'):
            store.add_person(Person(subject='new', name='New', home=HOME.id), HOME)
        assert store.person(ANN.subject) == ANN
        holder.execute('SELECT pg_advisory_unlock(%s)', (WRITE_LOCK,))
        store.add_person(Person(subject='new', name='New', home=HOME.id), HOME)
        assert store.person('new') is not None


def test_an_unreachable_server_is_named() -> None:
    with pytest.raises(StoreError, match=r'postgresql://127.0.0.1:1/nowhere: cannot open the store'):
        PostgresDirectoryStore('postgresql://postgres:secret@127.0.0.1:1/nowhere', connect_timeout=1)
