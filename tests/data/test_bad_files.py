"""Damaged or hand-edited store files stop start-up with a message naming the file; nothing is rewritten."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from data.errors import StoreCorrupt, StoreError
from data.layout import PERSON_SHARDS, shard_number
from data.records import AuditEntry, Directory, Membership, Organization, Person
from data.tinydb_store import TinyDirectoryStore
from tests.data.store_files import shard_files, store_bytes

ROOT = Path(__file__).resolve().parents[2]
ORGS = tuple(Organization(id=f'org-{i}', name=f'Org {i}', domain=f'{i}.example') for i in range(3))
PEOPLE = tuple(Person(subject=f'sub-{i}', name=f'Person {i}', home='org-0') for i in range(4))
DIRECTORY = Directory(organizations=ORGS, people=PEOPLE,
                      memberships=tuple(Membership(subject=p.subject, organization='org-1') for p in PEOPLE))
AUDIT = AuditEntry(at='2026-01-01T00:00:00+00:00', actor='test', action='import')


@pytest.fixture
def populated(store_path: Path) -> Path:
    TinyDirectoryStore(store_path).merge_directory(DIRECTORY, AUDIT)
    return store_path


def person_shard(manifest: Path) -> Path:
    return next(p for p in shard_files(manifest) if '/people/' in str(p))


def org_shard(manifest: Path) -> Path:
    return next(p for p in shard_files(manifest) if '/orgs/' in str(p))


def journal(manifest: Path) -> Path:
    return next(manifest.with_name('directory.d').glob('v*/journal'))


def misplaced_person(path: Path) -> bytes:
    number = int(path.stem)
    subject = next(f'x{i}' for i in range(10_000) if shard_number(f'x{i}', PERSON_SHARDS) != number)
    return json.dumps({'people': {'1': {'subject': subject, 'name': 'X', 'home': 'org-0'}}}).encode()


TARGETS: dict[str, Callable[[Path], Path]] = {
    'manifest': lambda manifest: manifest, 'person shard': person_shard, 'organization shard': org_shard,
}
DAMAGE: list[tuple[str, Callable[[Path, bytes], bytes], str]] = [
    ('empty', lambda path, content: b'', 'the file is empty'),
    ('truncated', lambda path, content: content[:len(content) // 2], 'not valid JSON'),
    ('invalid JSON', lambda path, content: content + b' trailing', 'not valid JSON'),
    ('not UTF-8', lambda path, content: b'\xff\xfe' + content, 'not UTF-8'),
    ('a list', lambda path, content: b'[1, 2, 3]', 'not a TinyDB file'),
    ('non-numeric ID', lambda path, content: b'{"memberships": {"x": {"subject": "a", "organization": "b"}}}',
     'numeric'),
]


@pytest.mark.parametrize('target', TARGETS)
@pytest.mark.parametrize(('damage', 'change', 'problem'), DAMAGE, ids=[d[0] for d in DAMAGE])
def test_a_damaged_file_stops_start_up_and_nothing_is_rewritten(populated: Path, target: str, damage: str,
                                                                change: Callable[[Path, bytes], bytes],
                                                                problem: str) -> None:
    path = TARGETS[target](populated)
    path.write_bytes(change(path, path.read_bytes()))
    assert_refused_and_unchanged(populated, path, problem)


@pytest.mark.parametrize(('content', 'problem'), [
    (lambda path: b'{"memberships": {"1": {"organization": "org-1"}}}', 'invalid subject'),
    (lambda path: b'{"people": {"1": {"subject": "sub-0", "name": 7, "home": "org-0"}}}', 'invalid name'),
    (misplaced_person, 'placement'),
    (lambda path: b'{"people": {}, "gossip": {}}', "unexpected table(s) gossip"),
    (lambda path: b'{"meta": {"1": {"generation": "many"}}}', 'integer "generation"'),
    (lambda path: b'{"audit": {"1": {"at": "now", "actor": "a", "action": "leave"}}}', 'invalid seq'),
], ids=['membership without subject', 'name not text', 'misplaced person', 'unknown table', 'bad generation',
        'audit without sequence'])
def test_a_hand_edited_shard_of_the_wrong_shape_is_refused(populated: Path, content: Callable[[Path], bytes],
                                                           problem: str) -> None:
    path = person_shard(populated)
    path.write_bytes(content(path))
    assert_refused_and_unchanged(populated, path, problem, also='left unchanged')


@pytest.mark.parametrize(('content', 'problem'), [
    (b'', 'not a journal'),
    (b'{"journal": 1}\n', 'not a journal'),
    (None, 'followed by valid ones'),
], ids=['empty', 'wrong shape', 'damaged record'])
def test_a_damaged_journal_is_refused(populated: Path, content: bytes | None, problem: str) -> None:
    path = journal(populated)
    if content is None:  # flip one byte inside the first committed record: its checksum no longer matches
        lines = path.read_bytes().split(b'\n')
        lines[1] = lines[1].replace(b'org-', b'orx-', 1)
        content = b'\n'.join(lines)
    path.write_bytes(content)
    assert_refused_and_unchanged(populated, path, problem)


def test_a_missing_data_folder_is_refused_not_recreated(populated: Path) -> None:
    shutil.rmtree(journal(populated).parent)
    before = store_bytes(populated)
    with pytest.raises(StoreCorrupt, match=r'data folder .* is missing'):
        TinyDirectoryStore(populated)
    assert store_bytes(populated) == before


@pytest.mark.parametrize('target', [*TARGETS, 'journal'])
def test_an_unreadable_file_is_named_with_the_reason(populated: Path, target: str) -> None:
    path = journal(populated) if target == 'journal' else TARGETS[target](populated)
    before = store_bytes(populated)
    path.chmod(0)
    try:
        message = open_without_privileges(populated)
    finally:
        path.chmod(0o644)
    assert str(path) in message
    assert 'Permission denied' in message
    assert store_bytes(populated) == before


def open_without_privileges(manifest: Path) -> str:
    """Open the store as a process that file permissions apply to (root ignores them: drop that power)."""
    if os.geteuid() != 0:
        with pytest.raises(StoreError) as refused:
            TinyDirectoryStore(manifest)
        return str(refused.value)
    setpriv = shutil.which('setpriv')
    if setpriv is None:
        pytest.skip('running as root without setpriv: file permissions cannot be made to apply')
    code = ('import sys; from pathlib import Path; from data.tinydb_store import TinyDirectoryStore\n'
            'try:\n    TinyDirectoryStore(Path(sys.argv[1]))\nexcept Exception as error:\n    print(error)')
    drop = '-dac_override,-dac_read_search'
    result = subprocess.run([setpriv, f'--bounding-set={drop}', f'--inh-caps={drop}', '--', sys.executable, '-c',
                             code, str(manifest)], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True)
    return result.stdout


def assert_refused_and_unchanged(populated: Path, path: Path, problem: str, also: str = '') -> None:
    """Opening the store fails naming `path` and `problem` (and `also`), and no byte of the store changed."""
    before = store_bytes(populated)
    with pytest.raises(StoreCorrupt) as refused:
        TinyDirectoryStore(populated)
    assert str(path) in str(refused.value)
    assert problem in str(refused.value)
    assert also in str(refused.value)
    assert store_bytes(populated) == before
