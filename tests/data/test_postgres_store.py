"""The PostgreSQL store keeps and finds every record as the TinyDB store does (the `any_store` tests run on both),
writes all or nothing, merges idempotently and quickly, and backs up and restores in the shared format."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import psycopg
import pytest

from data.errors import StoreBusy, StoreCorrupt, StoreError
from data.postgres_migrations import WRITE_LOCK
from data.postgres_store import PostgresDirectoryStore
from data.records import (
    DISABLED,
    LEFT,
    AuditEntry,
    Changes,
    Directory,
    Invitation,
    Membership,
    Organization,
    Person,
    RemovalRequest,
)
from data.repository import DirectoryReader, DirectoryRepository
from data.restore import restore_store
from data.tinydb_store import TinyDirectoryStore
from tests.data.topics import people_in

pytest_plugins = ('tests.data.postgres_fixtures',)

HOME = Organization(id='org-home', name='Home', domain='home.example', privacy_url='https://home.example/privacy',
                    privacy_contact='privacy@home.example', admins=('sub-admin', 'sub-ann'))
GUEST = Organization(id='org-guest', name='Guest', leave_policy='by_request')
ANN = Person(subject='sub-ann', name='Ann', home=HOME.id, email='Ann@Home.example')
ZED = Person(subject='Zed', name='Zed', home=GUEST.id)  # sorts before 'sub-…' in code-point order
ADMIN = Person(subject='sub-admin', name='Admin', home=GUEST.id, email='ann@home.example')
MEMBERSHIPS = (Membership(subject=ANN.subject, organization=GUEST.id, joined='2025-01-01'),
               Membership(subject=ZED.subject, organization=HOME.id, joined='2025-02-02', state=DISABLED),
               Membership(subject=ADMIN.subject, organization=HOME.id, joined='2024-05-06', state=LEFT,
                          left_at='2026-03-01T09:00:00+00:00'))
INVITATION = Invitation(id='inv-1', organization=GUEST.id, email='bob@else.example', invited_by='sub-admin',
                        created='2026-03-01T09:00:00+00:00', expires='2026-03-15T09:00:00+00:00', token_hash='ab' * 32)
ANSWERED = Invitation(id='inv-2', organization=HOME.id, email='ann@home.example', invited_by='sub-admin',
                      created='2026-03-02T09:00:00+00:00', expires='2026-03-16T09:00:00+00:00', token_hash='cd' * 32,
                      state='accepted', decided_at='2026-03-03T09:00:00+00:00', decided_by=ANN.subject)
REQUEST = RemovalRequest(id='req-1', subject=ANN.subject, organization=GUEST.id, created='2026-03-02T10:00:00+00:00',
                         message='Please remove me.\nThanks')
DECLINED = RemovalRequest(id='req-2', subject=ZED.subject, organization=HOME.id, created='2026-03-01T10:00:00+00:00',
                          state='declined', answer='Not yet', answered_at='2026-03-04T00:00:00+00:00')
DIRECTORY = Directory(organizations=(HOME, GUEST), people=(ANN, ZED, ADMIN), memberships=MEMBERSHIPS,
                      invitations=(INVITATION, ANSWERED), removal_requests=(REQUEST, DECLINED))
IMPORT = AuditEntry(at='2026-03-01T08:00:00+00:00', actor='admin', action='import', detail='test')
LEAVE = AuditEntry(at='2026-03-05T08:00:00+00:00', actor=ANN.subject, action='leave', organization=GUEST.id,
                   subject=ANN.subject)


def everything(store: DirectoryRepository) -> tuple[set, ...]:
    directory = store.export_directory()
    return (set(directory.organizations), set(directory.people), set(directory.memberships),
            set(directory.invitations), set(directory.removal_requests))


def expected() -> tuple[set, ...]:
    return (set(DIRECTORY.organizations), set(DIRECTORY.people), set(DIRECTORY.memberships),
            set(DIRECTORY.invitations), set(DIRECTORY.removal_requests))


@pytest.fixture
def seeded(any_store: DirectoryRepository) -> DirectoryRepository:
    any_store.merge_directory(DIRECTORY, IMPORT)
    return any_store


def test_every_record_type_round_trips(seeded: DirectoryRepository) -> None:
    assert everything(seeded) == expected()
    assert seeded.organization(HOME.id) == HOME and seeded.organization('nope') is None
    assert seeded.person(ANN.subject) == ANN
    assert seeded.membership(ADMIN.subject, HOME.id) == MEMBERSHIPS[2]
    assert seeded.invitation('inv-2') == ANSWERED and seeded.invitation_by_token('ab' * 32) == INVITATION
    assert seeded.removal_request('req-2') == DECLINED
    assert (seeded.counts().organizations, seeded.counts().people, seeded.counts().memberships) == (2, 3, 3)


def test_lookups_find_the_same_records(seeded: DirectoryRepository) -> None:
    assert set(seeded.people_with_email('ANN@home.EXAMPLE')) == {ANN, ADMIN}
    assert [m.subject for m in seeded.members_of(HOME.id)] == ['Zed', 'sub-admin']
    assert seeded.memberships_in_state(LEFT) == [MEMBERSHIPS[2]]
    assert seeded.memberships_in_state(DISABLED) == [MEMBERSHIPS[1]]
    assert seeded.memberships_of(ANN.subject) == [MEMBERSHIPS[0]]
    assert set(seeded.invitations_for(frozenset({'bob@else.example', 'ann@home.example'}))) == {INVITATION, ANSWERED}
    assert seeded.invitations_for(frozenset({'BOB@else.example'})) == []  # callers pass lower-case addresses
    assert seeded.invitations_of(GUEST.id) == [INVITATION]
    assert seeded.pending_invitations() == [INVITATION]
    assert seeded.removal_requests_of(ANN.subject) == [REQUEST]
    assert set(seeded.removal_requests_to(None)) == {REQUEST, DECLINED}
    assert seeded.removal_requests_to(HOME.id) == [DECLINED]
    assert set(seeded.all_organizations()) == {HOME, GUEST}
    people = {p.subject: p for p in seeded.export_directory().people}
    assert sorted(seeded.guests_of(HOME.id), key=lambda pair: pair[0].subject) == [
        (m, people.get(m.subject)) for m in seeded.members_of(HOME.id)]  # 'Zed' is in no directory: None


def test_activity_is_read_in_commit_order(seeded: DirectoryRepository) -> None:
    legacy = AuditEntry(at='2026-03-06', actor=ANN.subject, action='leave', organization=HOME.id)  # no subject
    other = AuditEntry(at='2026-03-07', actor=ANN.subject, action='invite', organization=GUEST.id)
    seeded.transact(lambda reader: Changes(audit=(LEAVE, legacy)))
    seeded.transact(lambda reader: Changes(audit=(other,)))
    assert seeded.audit_entries() == [IMPORT, LEAVE, legacy, other]
    assert seeded.activity_of(ANN.subject) == [LEAVE, legacy]
    assert seeded.activity_of_organization(GUEST.id) == [LEAVE, other]


def test_work_that_raises_writes_nothing(seeded: DirectoryRepository) -> None:
    before = everything(seeded)

    def refuse(reader: DirectoryReader) -> Changes:
        assert reader.membership(ANN.subject, GUEST.id) is not None
        raise LookupError('a rule said no')
    with pytest.raises(LookupError, match='a rule said no'):
        seeded.transact(refuse)
    assert seeded.transact(lambda reader: Changes()) == set()
    assert everything(seeded) == before and seeded.audit_entries() == [IMPORT]


def test_a_failing_statement_rolls_back_the_whole_change(pg_store: PostgresDirectoryStore) -> None:
    pg_store.merge_directory(DIRECTORY, IMPORT)
    clash = replace(INVITATION, id='inv-3', token_hash=ANSWERED.token_hash)  # token hashes are unique

    def leave_and_clash(reader: DirectoryReader) -> Changes:
        return Changes(put=(replace(MEMBERSHIPS[0], state=LEFT, left_at='2026-03-05'), clash), audit=(LEAVE,))
    with pytest.raises(StoreError, match='token_hash'):
        pg_store.transact(leave_and_clash)
    assert everything(pg_store) == expected() and pg_store.audit_entries() == [IMPORT]


def test_the_work_reads_inside_the_transaction_what_it_decides_on(pg_store: PostgresDirectoryStore) -> None:
    pg_store.merge_directory(DIRECTORY, IMPORT)
    seen: list[object] = []

    def leave(reader: DirectoryReader) -> Changes:
        membership = reader.membership(ANN.subject, GUEST.id)
        seen.append(membership)
        return Changes(delete=(membership,), audit=(LEAVE,)) if membership else Changes()
    assert people_in(pg_store.transact(leave)) == {ANN.subject}
    assert pg_store.transact(leave) == set()
    assert seen == [MEMBERSHIPS[0], None]


def test_merging_again_changes_nothing_and_keeps_dates_and_secrets(seeded: DirectoryRepository) -> None:
    assert seeded.merge_directory(DIRECTORY, IMPORT) == set()
    undated = replace(MEMBERSHIPS[0], joined=None)
    relinked = replace(INVITATION, token_hash='ef' * 32)  # a file never carries the secret
    assert seeded.merge_directory(replace(DIRECTORY, memberships=(undated,), invitations=(relinked,)), IMPORT) == set()
    assert seeded.membership(ANN.subject, GUEST.id).joined == '2025-01-01'
    assert seeded.invitation_by_token('ab' * 32) == INVITATION
    restored = replace(MEMBERSHIPS[2], state='active', left_at=None, joined=None)
    topics = seeded.merge_directory(Directory(organizations=(), people=(), memberships=(restored,)), IMPORT)
    assert people_in(topics) == {ADMIN.subject}
    assert seeded.membership(ADMIN.subject, HOME.id) == replace(restored, joined='2024-05-06')
    assert seeded.audit_entries() == [IMPORT, IMPORT]


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
