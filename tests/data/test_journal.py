"""The journal: unfinished transactions are cut, committed ones are finished, rotations are followed."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

import data.store_state
from data.journal import encode_line
from data.records import AuditEntry, Directory, Membership, Organization, Person
from data.tinydb_store import TinyDirectoryStore
from tests.data.removal import remove_membership
from tests.data.store_files import store_bytes
from tests.data.topics import people_in

ORGS = tuple(Organization(id=f'org-{i}', name=f'Org {i}', domain=f'{i}.example') for i in range(4))
AUDIT = AuditEntry(at='2026-01-01T00:00:00+00:00', actor='test', action='import')


class Killed(BaseException):
    """Stands for kill -9 at a chosen instant: nothing after it runs."""


def people(*numbers: int, org: str = 'org-1') -> Directory:
    return Directory(organizations=ORGS, people=tuple(Person(subject=f'sub-{n}', name=f'P{n}', home='org-0')
                                                      for n in numbers),
                     memberships=tuple(Membership(subject=f'sub-{n}', organization=org) for n in numbers))


def journal_of(manifest: Path) -> Path:
    return next(manifest.with_name('directory.d').glob('v*/journal'))


def test_an_unfinished_transaction_is_cut_and_was_never_there(store_path: Path,
                                                              caplog: pytest.LogCaptureFixture) -> None:
    TinyDirectoryStore(store_path).merge_directory(people(1), AUDIT)
    path = journal_of(store_path)
    intact = path.read_bytes()
    part = {'file': 'audit.json', 'tables': {'audit': {'put': [{'at': 'x', 'actor': 'y', 'action': 'z', 'seq': 9}]}}}
    path.write_bytes(intact + encode_line(b'P', 2, part) + encode_line(b'C', 2, {'parts': 1})[:9])
    with caplog.at_level(logging.WARNING):
        store = TinyDirectoryStore(store_path)
    assert path.read_bytes() == intact
    assert 'unfinished transaction' in caplog.text
    assert [e.actor for e in store.audit_entries()] == ['test']


def test_a_commit_whose_writer_died_before_the_files_is_finished_by_the_next_opener(
        store_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    TinyDirectoryStore(store_path).merge_directory(people(1), AUDIT)
    writer = TinyDirectoryStore(store_path)

    def die(*args: object, **kwargs: object) -> None:
        raise Killed
    monkeypatch.setattr(data.store_state, 'apply_part', die)
    with pytest.raises(Killed):
        writer.merge_directory(people(2, 3, 4, org='org-2'), AUDIT)
    monkeypatch.undo()
    reopened = TinyDirectoryStore(store_path)
    assert [m.organization for n in (2, 3, 4) for m in reopened.memberships_of(f'sub-{n}')] == ['org-2'] * 3
    assert len(reopened.audit_entries()) == 2
    before = store_bytes(store_path)
    TinyDirectoryStore(store_path)
    assert store_bytes(store_path) == before  # finished once: opening again rewrites nothing


def test_a_writer_that_died_half_way_through_its_files_is_finished_by_the_next_writer(
        store_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app_side = TinyDirectoryStore(store_path)
    app_side.merge_directory(people(1), AUDIT)
    admin_side = TinyDirectoryStore(store_path)
    real_apply = data.store_state.apply_part
    applied: list[str] = []

    def apply_one_then_die(path: Path, tables: dict, gen: int, **kwargs: bool) -> bool:
        if applied:
            raise Killed
        applied.append(path.name)
        return real_apply(path, tables, gen, **kwargs)
    monkeypatch.setattr(data.store_state, 'apply_part', apply_one_then_die)
    with pytest.raises(Killed):
        admin_side.merge_directory(people(*range(2, 12), org='org-3'), AUDIT)
    monkeypatch.undo()
    assert applied
    app_side.add_person(Person(subject='sub-99', name='Late', home='org-0'), ORGS[0])
    assert people_in(app_side.refresh()) == {f'sub-{n}' for n in range(2, 12)}
    reopened = TinyDirectoryStore(store_path)
    assert reopened.counts().memberships == 11
    assert reopened.person('sub-99') is not None


def test_processes_follow_a_rotated_journal(store_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(data.store_state, 'ROTATE_BYTES', 2_000)
    follower = TinyDirectoryStore(store_path)
    writer = TinyDirectoryStore(store_path)
    writer.merge_directory(people(*range(40)), AUDIT)
    first_journal = journal_of(store_path).stat().st_ino
    assert people_in(follower.refresh()) == {f'sub-{n}' for n in range(40)}
    for n in range(10):
        remove_membership(writer, f'sub-{n}', 'org-1', AuditEntry(at='t', actor=f'sub-{n}', action='leave'))
    assert journal_of(store_path).stat().st_ino != first_journal
    assert people_in(follower.refresh()) == {f'sub-{n}' for n in range(10)}
    assert follower.counts().memberships == 30
    assert 're-reading the store' not in caplog.text  # it read the rest of the old file, then the new one


def test_a_process_that_missed_two_rotations_reloads_and_reports_the_difference(
        store_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(data.store_state, 'ROTATE_BYTES', 500)
    sleeper = TinyDirectoryStore(store_path)
    writer = TinyDirectoryStore(store_path)
    writer.merge_directory(people(*range(5)), AUDIT)
    writer.merge_directory(people(*range(5, 10)), AUDIT)
    writer.merge_directory(people(*range(10, 15)), AUDIT)
    with caplog.at_level(logging.INFO):
        assert people_in(sleeper.refresh()) == {f'sub-{n}' for n in range(15)}
    assert 're-reading the store' in caplog.text
    assert sleeper.counts() == writer.counts()
