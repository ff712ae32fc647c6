"""A store written by the single-file version opens as before: converted once, the original kept aside."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from data.errors import StoreCorrupt
from data.layout import data_root
from data.records import AuditEntry, Membership
from data.tinydb_store import TinyDirectoryStore
from tests.data.removal import remove_membership
from tests.data.store_files import store_bytes

SINGLE_FILE = {
    'organizations': {'1': {'id': 'org-a', 'name': 'A', 'domain': 'a.example', 'privacy_url': None, 'contact': None},
                      '2': {'id': 'org-b', 'name': 'B', 'domain': None, 'privacy_url': None, 'contact': 'b@b'}},
    'people': {'1': {'subject': 'sub-1', 'name': 'One', 'home': 'org-a', 'email': None}},
    'memberships': {'1': {'subject': 'sub-1', 'organization': 'org-b', 'joined': '2024-01-02'}},
    'audit': {'1': {'at': '2025-01-01', 'actor': 'admin', 'action': 'import', 'organization': None, 'detail': 'x'},
              '2': {'at': '2025-01-02', 'actor': 'sub-1', 'action': 'leave', 'organization': 'org-c',
                    'detail': None}},
}


def write_single_file(path: Path, tables: object) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    content = json.dumps(tables).encode()
    path.write_bytes(content)
    return content


def test_a_single_file_store_is_converted_and_keeps_everything(store_path: Path) -> None:
    original = write_single_file(store_path, SINGLE_FILE)
    store = TinyDirectoryStore(store_path)
    assert store.memberships_of('sub-1') == [Membership(subject='sub-1', organization='org-b', joined='2024-01-02')]
    assert store.organization('org-b').privacy_contact == 'b@b'
    assert [(e.actor, e.action) for e in store.audit_entries()] == [('admin', 'import'), ('sub-1', 'leave')]
    assert 'store' in json.loads(store_path.read_text())
    kept = list(store_path.parent.glob('directory.json.single-file-*'))
    assert [p.read_bytes() for p in kept] == [original]
    remove_membership(store, 'sub-1', 'org-b', AuditEntry(at='2026', actor='sub-1', action='leave'))
    reopened = TinyDirectoryStore(store_path)
    assert reopened.memberships_of('sub-1') == []
    assert [e.at for e in reopened.audit_entries()] == ['2025-01-01', '2025-01-02', '2026']


def test_an_empty_single_file_store_becomes_an_empty_store(store_path: Path) -> None:
    write_single_file(store_path, {})
    assert TinyDirectoryStore(store_path).counts().people == 0


def test_an_invalid_single_file_store_is_refused_and_nothing_is_created(store_path: Path) -> None:
    broken = json.loads(json.dumps(SINGLE_FILE))
    broken['memberships']['2'] = dict(broken['memberships']['1'])
    original = write_single_file(store_path, broken)
    with pytest.raises(StoreCorrupt, match=r'memberships document 2 repeats') as refused:
        TinyDirectoryStore(store_path)
    assert str(store_path) in str(refused.value)
    assert store_path.read_bytes() == original
    assert not data_root(store_path).exists()


def test_a_file_that_is_neither_manifest_nor_store_is_refused(store_path: Path) -> None:
    original = write_single_file(store_path, {'settings': {}})
    with pytest.raises(StoreCorrupt, match='not a store manifest'):
        TinyDirectoryStore(store_path)
    assert store_path.read_bytes() == original


def test_folders_of_an_interrupted_conversion_or_restore_are_removed_on_open(store_path: Path) -> None:
    TinyDirectoryStore(store_path)
    leftovers = [data_root(store_path) / '.building-v0badf00d', data_root(store_path) / 'v0badf00d']
    for folder in leftovers:
        (folder / 'people').mkdir(parents=True)
    before = store_bytes(store_path)
    TinyDirectoryStore(store_path)
    assert not any(folder.exists() for folder in leftovers)
    assert store_bytes(store_path) == {k: v for k, v in before.items() if 'v0badf00d' not in k}


def test_a_manifest_lost_next_to_existing_data_is_not_papered_over(store_path: Path) -> None:
    TinyDirectoryStore(store_path)
    store_path.unlink()
    with pytest.raises(StoreCorrupt, match='missing, but'):
        TinyDirectoryStore(store_path)
    assert not store_path.exists()
