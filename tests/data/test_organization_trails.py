"""An organization's trail, read once from every file, is kept in memory and follows every commit: this
process's, another process's, in commit order; a restore starts it afresh."""

from __future__ import annotations

from pathlib import Path

from data.records import AuditEntry, Changes, Directory, Membership, Organization, Person
from data.restore import restore_store
from data.tinydb_store import TinyDirectoryStore

HOME = Organization(id='org-home', name='Home', domain='home.example')
GUEST = Organization(id='org-guest', name='Guest', domain='guest.example')
PEOPLE = tuple(Person(subject=f'sub-{n}', name=f'Person {n}', home=HOME.id) for n in range(6))


def audit(n: int, *, subject: str, organization: str = GUEST.id) -> AuditEntry:
    return AuditEntry(at=f'2026-03-01T09:00:{n:02}+00:00', actor='sub-admin', action=f'step-{n}',
                      organization=organization, subject=subject)


def record(store: TinyDirectoryStore, *entries: AuditEntry) -> None:
    store.transact(lambda reader: Changes(audit=entries))


def actions(store: TinyDirectoryStore) -> list[str]:
    return [entry.action for entry in store.activity_of_organization(GUEST.id)]


def test_the_trail_follows_this_and_other_processes_commits_in_order(store_path: Path) -> None:
    store = TinyDirectoryStore(store_path)
    store.merge_directory(Directory(organizations=(HOME, GUEST), people=PEOPLE, memberships=tuple(
        Membership(subject=p.subject, organization=GUEST.id) for p in PEOPLE)),
        AuditEntry(at='2026-03-01T08:00:00+00:00', actor='operator', action='import'))
    record(store, audit(1, subject='sub-1'), audit(2, subject='sub-2', organization=HOME.id))
    assert actions(store) == ['step-1']  # the first read scans every file
    record(store, audit(3, subject='sub-3'), audit(4, subject='sub-4'))  # one commit, two person files
    assert actions(store) == ['step-1', 'step-3', 'step-4']  # kept in memory, and up to date
    other = TinyDirectoryStore(store_path)
    record(other, audit(5, subject='sub-5'))
    store.refresh()
    assert actions(store) == ['step-1', 'step-3', 'step-4', 'step-5']
    fresh = actions(TinyDirectoryStore(store_path))  # what a scan of the files finds: the same records (within one
    assert sorted(fresh) == sorted(actions(store))  # commit, records in different files have no order of their own)


def test_a_restore_starts_the_trail_afresh(store_path: Path, tmp_path: Path) -> None:
    store = TinyDirectoryStore(store_path)
    store.merge_directory(Directory(organizations=(HOME, GUEST), people=PEOPLE, memberships=()),
                          AuditEntry(at='2026-03-01T08:00:00+00:00', actor='operator', action='import'))
    record(store, audit(1, subject='sub-1'))
    store.backup(tmp_path / 'backup.json')
    record(store, audit(2, subject='sub-2'))
    assert actions(store) == ['step-1', 'step-2']
    restore_store(store_path, tmp_path / 'backup.json')
    store.refresh()
    assert actions(store) == ['step-1']
