"""What both stores do alike, run on each (`store` is parametrized over TinyDB and PostgreSQL): every record is
kept and found, the audit trail is read in commit order, a change is decided on the state it is committed on and
is all or nothing, and merging again changes nothing. What only one store does (its files, crash safety and other
processes for TinyDB; migrations, notifications and the writers' lock for PostgreSQL) is tested beside it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from data.records import DISABLED, LEFT, AuditEntry, Changes, Directory
from data.repository import DirectoryReader, DirectoryRepository
from tests.data.sample_directory import (
    ADMIN,
    ANN,
    ANSWERED,
    DECLINED,
    DIRECTORY,
    GUEST,
    HOME,
    IMPORT,
    INVITATION,
    LEAVE,
    MEMBERSHIPS,
    REQUEST,
    everything,
    expected,
)
from tests.data.topics import people_in


@pytest.fixture
def seeded(store: DirectoryRepository) -> DirectoryRepository:
    store.merge_directory(DIRECTORY, IMPORT)
    return store


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
    assert seeded.organizations_by_id([GUEST.id, 'nope', HOME.id]) == {GUEST.id: GUEST, HOME.id: HOME}
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


def test_the_work_reads_inside_the_transaction_what_it_decides_on(seeded: DirectoryRepository) -> None:
    seen: list[object] = []

    def leave(reader: DirectoryReader) -> Changes:
        membership = reader.membership(ANN.subject, GUEST.id)
        seen.append(membership)
        return Changes(delete=(membership,), audit=(LEAVE,)) if membership else Changes()
    assert people_in(seeded.transact(leave)) == {ANN.subject}
    assert seeded.transact(leave) == set()
    assert seen == [MEMBERSHIPS[0], None]
    assert seeded.membership(ANN.subject, GUEST.id) is None and seeded.audit_entries() == [IMPORT, LEAVE]


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
