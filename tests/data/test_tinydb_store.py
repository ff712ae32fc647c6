"""The TinyDB store: atomic commits, refusal of damaged files, and another process's writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from data.errors import StoreCorrupt, StoreError
from data.records import AuditEntry, Directory, Membership, Organization, Person
from data.tinydb_store import TinyDirectoryStore

ORG = Organization(id='org-a', name='Org A', domain='a.example')
GUEST = Organization(id='org-b', name='Org B', domain='b.example')
PERSON = Person(subject='sub-1', name='One', home='org-a')
AUDIT = AuditEntry(at='2026-01-01T00:00:00+00:00', actor='test', action='import')


def small_directory(*memberships: Membership) -> Directory:
    return Directory(organizations=(ORG, GUEST), people=(PERSON,), memberships=memberships)


def test_a_commit_leaves_valid_json_and_no_temp_files(store: TinyDirectoryStore, store_path: Path) -> None:
    store.merge_directory(small_directory(Membership(subject='sub-1', organization='org-b')), AUDIT)
    tables = json.loads(store_path.read_text())
    assert {'organizations', 'people', 'memberships', 'audit'} <= set(tables)
    assert [p.name for p in store_path.parent.iterdir() if '.tmp-' in p.name] == []


def test_leftover_temp_files_of_a_killed_writer_are_removed_on_open(store_path: Path) -> None:
    TinyDirectoryStore(store_path).merge_directory(small_directory(), AUDIT)
    leftover = store_path.with_name(f'.{store_path.name}.tmp-999-deadbeef')
    leftover.write_text('{"half": ')
    TinyDirectoryStore(store_path)
    assert not leftover.exists()


@pytest.mark.parametrize(('content', 'problem'), [
    (b'', 'empty'),
    (b'{"memberships": {"1": {"subject": "x", "organization": "y"}', 'not valid JSON'),
    (b'{"memberships": {"1": {"subject": "x", "organization": "y"}}} trailing', 'not valid JSON'),
    (b'[1, 2, 3]', 'not a TinyDB file'),
    (b'{"people": {"1": {"name": "No subject", "home": "org"}}}', 'subject'),
    (b'\xff\xfe garbage', 'not UTF-8'),
])
def test_damaged_file_stops_start_up_and_is_left_byte_for_byte(store_path: Path, content: bytes,
                                                               problem: str) -> None:
    store_path.parent.mkdir(parents=True)
    store_path.write_bytes(content)
    with pytest.raises(StoreCorrupt) as refused:
        TinyDirectoryStore(store_path)
    assert str(store_path) in str(refused.value)
    assert problem in str(refused.value)
    assert store_path.read_bytes() == content


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
    assert second.refresh() == {'sub-1'}
    assert sorted(m.organization for m in second.memberships_of('sub-1')) == ['org-b', 'org-c']


def test_refresh_reports_only_people_whose_view_changed(store_path: Path) -> None:
    app_side = TinyDirectoryStore(store_path)
    app_side.merge_directory(Directory(organizations=(ORG, GUEST), people=(
        PERSON, Person(subject='sub-2', name='Two', home='org-b')), memberships=()), AUDIT)
    admin_side = TinyDirectoryStore(store_path)
    admin_side.merge_directory(small_directory(Membership(subject='sub-1', organization='org-b')), AUDIT)
    assert app_side.refresh() == {'sub-1'}
    assert app_side.refresh() == set()


def test_reimporting_the_same_directory_changes_nothing(store: TinyDirectoryStore, store_path: Path) -> None:
    directory = small_directory(Membership(subject='sub-1', organization='org-b', joined='2025-02-03'))
    assert store.merge_directory(directory, AUDIT) == {'sub-1'}
    before = store_path.read_bytes()
    assert store.merge_directory(directory, AUDIT) == set()
    assert store_path.read_bytes() == before
