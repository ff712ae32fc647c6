"""What only the sharded TinyDB store does: its files, atomic commits, leftovers cleaned, other processes' writes
(`refresh`, the OS file lock), idempotent merges to the byte. What it does as the PostgreSQL store does is in
`test_store_contract.py` (run on both)."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from data.errors import MembershipNotFound, StoreBusy, StoreError
from data.records import AuditEntry, Directory, Membership, Organization, Person
from data.tinydb_store import TinyDirectoryStore, file_lock
from tests.data.removal import remove_membership
from tests.data.store_files import shard_files, store_bytes
from tests.data.topics import organizations_in, people_in

ORG = Organization(id='org-a', name='Org A', domain='a.example')
GUEST = Organization(id='org-b', name='Org B', domain='b.example')
PERSON = Person(subject='sub-1', name='One', home='org-a')
AUDIT = AuditEntry(at='2026-01-01T00:00:00+00:00', actor='test', action='import')


def small_directory(*memberships: Membership) -> Directory:
    return Directory(organizations=(ORG, GUEST), people=(PERSON,), memberships=memberships)


def leave(store: TinyDirectoryStore, subject: str, organization: str) -> None:
    remove_membership(store, subject, organization, AuditEntry(at='2026-01-02T00:00:00+00:00', actor=subject,
                                                              action='leave', organization=organization))


def test_every_file_is_a_valid_tinydb_document_and_no_temp_files_remain(tiny_store: TinyDirectoryStore,
                                                                         store_path: Path) -> None:
    tiny_store.merge_directory(small_directory(Membership(subject='sub-1', organization='org-b')), AUDIT)
    files = shard_files(store_path)
    tables = [json.loads(path.read_text()) for path in files]
    assert {'organizations', 'people', 'memberships', 'audit', 'meta'} <= {name for t in tables for name in t}
    assert all(isinstance(doc, dict) for t in tables for table in t.values() for doc in table.values())
    assert 'store' in json.loads(store_path.read_text())
    assert [p for p in store_path.parent.rglob('*') if '.tmp-' in p.name] == []


def test_a_leave_rewrites_one_small_file_with_the_membership_and_its_audit(tiny_store: TinyDirectoryStore,
                                                                            store_path: Path) -> None:
    tiny_store.merge_directory(small_directory(Membership(subject='sub-1', organization='org-b')), AUDIT)
    before = store_bytes(store_path)
    leave(tiny_store, 'sub-1', 'org-b')
    after = store_bytes(store_path)
    changed = [name for name in after if after[name] != before.get(name) and not name.endswith('/journal')]
    assert len(changed) == 1
    assert changed[0].endswith(tiny_store._state.layout.person_file('sub-1'))
    shard = json.loads(after[changed[0]])
    assert shard['memberships'] == {}
    assert [doc['action'] for doc in shard['audit'].values()] == ['leave']
    with pytest.raises(MembershipNotFound):
        leave(tiny_store, 'sub-1', 'org-b')


def test_leftover_temp_files_of_a_killed_writer_are_removed_on_open(store_path: Path) -> None:
    TinyDirectoryStore(store_path).merge_directory(small_directory(), AUDIT)
    leftovers = [store_path.with_name(f'.{store_path.name}.tmp-999-deadbeef'),
                 shard_files(store_path)[0].with_name('.0001.json.tmp-999-deadbeef')]
    for leftover in leftovers:
        leftover.write_text('{"half": ')
    TinyDirectoryStore(store_path)
    assert not any(leftover.exists() for leftover in leftovers)


def test_unreadable_store_path_is_reported(store_path: Path) -> None:
    store_path.mkdir(parents=True)  # a folder where the file should be: unreadable as a file even for root
    with pytest.raises(StoreError, match='cannot be read'):
        TinyDirectoryStore(store_path)
    assert store_path.is_dir()


def test_two_stores_on_one_file_never_lose_each_others_writes(store_path: Path) -> None:
    first = TinyDirectoryStore(store_path)
    first.merge_directory(small_directory(), AUDIT)
    second = TinyDirectoryStore(store_path)
    second.merge_directory(Directory(organizations=(Organization(id='org-c', name='C', domain='c.example'),),
                                     people=(), memberships=(Membership(subject='sub-1', organization='org-c'),)),
                           AUDIT)
    first.merge_directory(small_directory(Membership(subject='sub-1', organization='org-b')), AUDIT)
    reopened = TinyDirectoryStore(store_path)
    assert sorted(m.organization for m in reopened.memberships_of('sub-1')) == ['org-b', 'org-c']
    assert people_in(second.refresh()) == {'sub-1'}
    assert sorted(m.organization for m in second.memberships_of('sub-1')) == ['org-b', 'org-c']
    assert [e.action for e in reopened.audit_entries()] == ['import'] * 3


def test_refresh_reports_only_people_whose_view_changed(store_path: Path) -> None:
    app_side = TinyDirectoryStore(store_path)
    app_side.merge_directory(Directory(organizations=(ORG, GUEST), people=(
        PERSON, Person(subject='sub-2', name='Two', home='org-b')), memberships=()), AUDIT)
    admin_side = TinyDirectoryStore(store_path)
    admin_side.merge_directory(small_directory(Membership(subject='sub-1', organization='org-b')), AUDIT)
    assert people_in(app_side.refresh()) == {'sub-1'}
    assert app_side.refresh() == set()


def test_renaming_an_organization_reaches_its_members_and_the_people_at_home_there(store_path: Path) -> None:
    app_side = TinyDirectoryStore(store_path)
    app_side.merge_directory(Directory(organizations=(ORG, GUEST), people=(
        PERSON, Person(subject='sub-2', name='Two', home='org-b'), Person(subject='sub-3', name='Three', home='org-a')),
        memberships=(Membership(subject='sub-1', organization='org-b'),)), AUDIT)
    renamed = Directory(organizations=(Organization(id='org-b', name='Org B renamed', domain='b.example'),),
                        people=(), memberships=())
    topics = TinyDirectoryStore(store_path).merge_directory(renamed, AUDIT)
    assert people_in(topics) == {'sub-1', 'sub-2'} and organizations_in(topics) == {'org-b'}
    assert app_side.refresh() == {'sub-1', 'sub-2', 'organization:org-b'}  # the organization's own page too
    assert app_side.organization('org-b') == renamed.organizations[0]


def test_changes_seen_while_writing_are_still_reported_by_the_next_refresh(store_path: Path) -> None:
    app_side = TinyDirectoryStore(store_path)
    app_side.merge_directory(small_directory(Membership(subject='sub-1', organization='org-b')), AUDIT)
    TinyDirectoryStore(store_path).add_person(Person(subject='sub-9', name='Nine', home='org-b'), GUEST)
    leave(app_side, 'sub-1', 'org-b')  # this write takes in the other process's commit first
    assert app_side.refresh() == {'sub-9'}


def test_reimporting_the_same_directory_changes_no_byte(tiny_store: TinyDirectoryStore, store_path: Path) -> None:
    """(That a merge changing nothing reports nothing and keeps dates: `test_store_contract.py`, on both stores.)"""
    directory = small_directory(Membership(subject='sub-1', organization='org-b', joined='2025-02-03'))
    assert people_in(tiny_store.merge_directory(directory, AUDIT)) == {'sub-1'}
    before = store_bytes(store_path)
    undated = small_directory(Membership(subject='sub-1', organization='org-b'))
    assert tiny_store.merge_directory(directory, AUDIT) == tiny_store.merge_directory(undated, AUDIT) == set()
    assert store_bytes(store_path) == before


def test_a_second_process_waits_for_the_lock_then_fails_clearly(store_path: Path) -> None:
    TinyDirectoryStore(store_path).merge_directory(small_directory(), AUDIT)
    impatient = TinyDirectoryStore(store_path, lock_timeout=0.2)
    with file_lock(store_path.resolve(), 1), pytest.raises(StoreBusy, match='another process has held the store'):
        impatient.add_person(Person(subject='sub-2', name='Two', home='org-a'), ORG)
    impatient.add_person(Person(subject='sub-2', name='Two', home='org-a'), ORG)
    assert TinyDirectoryStore(store_path).person('sub-2') is not None


def test_reads_never_wait_while_a_refresh_waits_for_another_process(store_path: Path) -> None:
    app_side = TinyDirectoryStore(store_path)
    app_side.merge_directory(small_directory(Membership(subject='sub-1', organization='org-b')), AUDIT)
    TinyDirectoryStore(store_path).add_person(Person(subject='sub-2', name='Two', home='org-a'), ORG)
    refreshed: list[set[str]] = []
    with file_lock(store_path.resolve(), 5):  # an administrator's long import holds the store
        waiting = threading.Thread(target=lambda: refreshed.append(app_side.refresh()))
        waiting.start()
        time.sleep(0.1)
        started = time.perf_counter()
        assert [m.organization for m in app_side.memberships_of('sub-1')] == ['org-b']
        assert time.perf_counter() - started < 0.05
        assert refreshed == []
    waiting.join(5)
    assert refreshed == [{'sub-2'}]
