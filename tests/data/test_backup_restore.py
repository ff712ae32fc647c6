"""Backups taken while the app writes are consistent; a restore is validated whole and switched atomically."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from data.errors import StoreCorrupt, StoreError
from data.layout import data_root
from data.records import AuditEntry, Directory, Membership, Organization, Person
from data.restore import restore_store
from data.tinydb_store import TinyDirectoryStore
from main import main
from tests.data.removal import remove_membership
from tests.data.store_files import store_bytes
from tests.data.topics import people_in

ORGS = tuple(Organization(id=f'org-{i}', name=f'Org {i}', domain=f'{i}.example') for i in range(5))
PEOPLE = tuple(Person(subject=f'sub-{i}', name=f'Person {i}', home='org-0') for i in range(30))
DIRECTORY = Directory(organizations=ORGS, people=PEOPLE, memberships=tuple(
    Membership(subject=p.subject, organization=o.id, joined='2025-01-01') for p in PEOPLE for o in ORGS[1:]))
AUDIT = AuditEntry(at='2026-01-01T00:00:00+00:00', actor='test', action='import')


def leave(store: TinyDirectoryStore, subject: str, org: str) -> None:
    remove_membership(store, subject, org, AuditEntry(at='2026-01-02', actor=subject, action='leave', organization=org))


@pytest.fixture
def populated(store_path: Path) -> TinyDirectoryStore:
    store = TinyDirectoryStore(store_path)
    store.merge_directory(DIRECTORY, AUDIT)
    return store


def test_backup_while_another_process_writes_is_one_consistent_state(populated: TinyDirectoryStore,
                                                                      store_path: Path, tmp_path: Path) -> None:
    app_side = TinyDirectoryStore(store_path)
    done = threading.Event()

    def leave_all() -> None:
        for person in PEOPLE:
            leave(app_side, person.subject, 'org-1')
        done.set()
    writer = threading.Thread(target=leave_all)
    writer.start()
    backups = []
    while not done.is_set() or not backups:
        backups.append(tmp_path / f'backup-{len(backups)}.json')
        populated.backup(backups[-1])
    writer.join()
    for backup in backups:
        tables = json.loads(backup.read_text())
        left = sum(1 for e in tables['audit'].values() if e['action'] == 'leave')
        assert len(tables['memberships']) == len(DIRECTORY.memberships) - left  # leave and its audit together
        assert backup.stat().st_mode & 0o777 == 0o600


def test_backup_and_restore_round_trip_everything(populated: TinyDirectoryStore, store_path: Path,
                                                  tmp_path: Path) -> None:
    leave(populated, 'sub-3', 'org-2')
    populated.backup(tmp_path / 'backup.json')
    restored_path = tmp_path / 'other' / 'directory.json'
    counts = restore_store(restored_path, tmp_path / 'backup.json')
    restored = TinyDirectoryStore(restored_path)
    assert counts == populated.counts() == restored.counts()
    assert set(restored.export_directory().memberships) == set(populated.export_directory().memberships)
    assert restored.audit_entries() == populated.audit_entries()
    leave(restored, 'sub-4', 'org-2')
    assert restored.audit_entries()[-1].actor == 'sub-4'


def test_a_running_app_follows_a_restore_and_keeps_writing_into_it(populated: TinyDirectoryStore, store_path: Path,
                                                                   tmp_path: Path) -> None:
    populated.backup(tmp_path / 'backup.json')
    old_folder = next(data_root(store_path).iterdir())
    leave(populated, 'sub-1', 'org-1')
    populated.add_person(Person(subject='new', name='New', home='org-0'), ORGS[0])
    restore_store(store_path, tmp_path / 'backup.json')
    assert people_in(populated.refresh()) == {'sub-1', 'new'}
    assert populated.person('new') is None
    assert 'org-1' in [m.organization for m in populated.memberships_of('sub-1')]
    leave(populated, 'sub-2', 'org-1')
    assert not old_folder.exists()
    assert 'org-1' not in [m.organization for m in TinyDirectoryStore(store_path).memberships_of('sub-2')]


@pytest.mark.parametrize(('content', 'problem'), [
    (b'', 'empty'),
    (b'{"memberships": {"1": {"subject": "a", "organization": "b"}', 'not valid JSON'),
    (b'{"memberships": {"1": {"subject": "a"}}}', 'invalid organization'),
    (b'{"store": {"1": {"format": 2}}}', 'not a single-file directory store'),
])
def test_a_bad_backup_changes_nothing(populated: TinyDirectoryStore, store_path: Path, tmp_path: Path,
                                      content: bytes, problem: str) -> None:
    backup = tmp_path / 'bad.json'
    backup.write_bytes(content)
    before = store_bytes(store_path)
    with pytest.raises(StoreCorrupt, match=problem) as refused:
        restore_store(store_path, backup)
    assert str(backup) in str(refused.value)
    assert store_bytes(store_path) == before


def test_a_missing_backup_is_named(store_path: Path, tmp_path: Path) -> None:
    with pytest.raises(StoreError, match='no such file'):
        restore_store(store_path, tmp_path / 'nope.json')


def test_restore_repairs_a_damaged_store(populated: TinyDirectoryStore, store_path: Path, tmp_path: Path) -> None:
    populated.backup(tmp_path / 'backup.json')
    next(data_root(store_path).rglob('people/*.json')).write_text('{"half": ')
    with pytest.raises(StoreCorrupt):
        TinyDirectoryStore(store_path)
    restore_store(store_path, tmp_path / 'backup.json')
    assert TinyDirectoryStore(store_path).counts() == populated.counts()


def test_the_backup_and_restore_commands(populated: TinyDirectoryStore, store_path: Path, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv('MYPROFILE_DB', str(store_path))
    assert main(['backup', str(tmp_path / 'backup.json')]) == 0
    assert 'Backed up the store' in capsys.readouterr().out
    leave(populated, 'sub-1', 'org-1')
    assert main(['restore', str(tmp_path / 'backup.json')]) == 0
    assert 'Restored the store' in capsys.readouterr().out
    assert people_in(populated.refresh()) == {'sub-1'}
    (tmp_path / 'bad.json').write_text('[]')
    assert main(['restore', str(tmp_path / 'bad.json')]) == 2
    assert 'not a TinyDB file' in capsys.readouterr().err
