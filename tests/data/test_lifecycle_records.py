"""Invitations, removal requests and membership states survive reopening, backup and restore (on both stores), and
reach another process's TinyDB store on refresh (PostgreSQL's reach it by notification: test_postgres_notify.py);
a hand-edited TinyDB file is refused."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from data.errors import StoreCorrupt
from data.records import (
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
from tests.data.topics import organizations_in, people_in

HOME = Organization(id='org-home', name='Home', domain='home.example', privacy_contact='privacy@home.example')
GUEST = Organization(id='org-guest', name='Guest', domain='guest.example', leave_policy='by_request',
                     admins=('sub-admin',))
ANN = Person(subject='sub-ann', name='Ann', home=HOME.id, email='ann@home.example')
ADMIN = Person(subject='sub-admin', name='Admin', home=GUEST.id)
INVITATION = Invitation(id='inv-1', organization=GUEST.id, email='bob@else.example', invited_by='sub-admin',
                        created='2026-03-01T09:00:00+00:00', expires='2026-03-15T09:00:00+00:00', token_hash='ab' * 32)
REQUEST = RemovalRequest(id='req-1', subject=ANN.subject, organization=GUEST.id, created='2026-03-02T10:00:00+00:00',
                         message='Please remove me.\nThanks')
Reopen = Callable[[DirectoryRepository], DirectoryRepository]
Store = TypeVar('Store', bound=DirectoryRepository)


@pytest.fixture
def lifecycle(store: DirectoryRepository) -> DirectoryRepository:
    return with_lifecycle_records(store)


@pytest.fixture
def tiny_lifecycle(tiny_store: TinyDirectoryStore) -> TinyDirectoryStore:
    return with_lifecycle_records(tiny_store)


def test_reopened_store_has_every_record_and_finds_an_invitation_by_its_secret(lifecycle: DirectoryRepository,
                                                                              reopen: Reopen) -> None:
    reopened = reopen(lifecycle)
    assert everything(reopened) == everything(lifecycle)
    assert reopened.organization(GUEST.id) == GUEST
    assert reopened.invitation_by_token('ab' * 32) == INVITATION
    assert reopened.removal_requests_of(ANN.subject) == [REQUEST]
    assert reopened.membership(ANN.subject, GUEST.id).state == LEFT
    assert [e.action for e in reopened.activity_of(ANN.subject)] == ['leave']


def test_another_process_sees_the_changes_on_refresh(tiny_lifecycle: TinyDirectoryStore, store_path: Path) -> None:
    follower = TinyDirectoryStore(store_path)

    def decline(reader: DirectoryReader) -> Changes:
        request = reader.removal_requests_of(ANN.subject)[0]
        return Changes(put=(RemovalRequest(id=request.id, subject=request.subject, organization=request.organization,
                                           created=request.created, message=request.message, state='declined',
                                           answer='Not yet', answered_at='2026-03-04T00:00:00+00:00'),))

    tiny_lifecycle.transact(decline)
    assert follower.refresh() == {ANN.subject, 'organization:org-guest'}
    assert follower.removal_requests_of(ANN.subject)[0].answer == 'Not yet'


def test_backup_and_restore_keep_every_record_and_the_person_s_activity(lifecycle: DirectoryRepository,
                                                                       tmp_path: Path) -> None:
    backup = tmp_path / 'backup.json'
    lifecycle.backup(backup)
    target = tmp_path / 'restored' / 'directory.json'
    restore_store(target, backup)  # one backup format: either store's restores into a TinyDB folder
    restored = TinyDirectoryStore(target)
    assert everything(restored) == everything(lifecycle)
    assert [e.action for e in restored.activity_of(ANN.subject)] == ['leave']


def test_a_hand_edited_state_is_refused_on_open(tiny_lifecycle: TinyDirectoryStore, store_path: Path) -> None:
    shard = next(p for p in store_path.parent.rglob('people/*.json') if 'removal_requests' in p.read_text())
    shard.write_text(shard.read_text().replace('"state":"open"', '"state":"maybe"').replace(
        '"state": "open"', '"state": "maybe"'))
    with pytest.raises(StoreCorrupt, match=r'removal_requests document .* state'):
        TinyDirectoryStore(store_path)


def test_a_disabled_or_left_membership_without_a_joining_date_stays_so_after_reopening(store: DirectoryRepository,
                                                                                       reopen: Reopen) -> None:
    store.merge_directory(Directory(organizations=(HOME, GUEST), people=(ANN, ADMIN), memberships=(
        Membership(subject=ANN.subject, organization=GUEST.id, state='disabled'),
        Membership(subject=ADMIN.subject, organization=HOME.id, state=LEFT, left_at='2026-03-01T09:00:00+00:00'))),
        AuditEntry(at='2026-03-01T08:00:00+00:00', actor='test', action='import'))
    reopened = reopen(store)
    assert reopened.membership(ANN.subject, GUEST.id).state == 'disabled'
    left = reopened.membership(ADMIN.subject, HOME.id)
    assert (left.state, left.left_at) == (LEFT, '2026-03-01T09:00:00+00:00')
    assert left.joined is None and reopened.membership(ANN.subject, GUEST.id).joined is None


def with_lifecycle_records(store: Store) -> Store:
    """Ann in Guest, then her leave, an invitation and a removal request in one commit."""
    store.merge_directory(Directory(organizations=(HOME, GUEST), people=(ANN, ADMIN), memberships=(
        Membership(subject=ANN.subject, organization=GUEST.id, joined='2025-01-01'),)),
        AuditEntry(at='2026-03-01T08:00:00+00:00', actor='test', action='import'))

    def invite_and_request(reader: DirectoryReader) -> Changes:
        left = Membership(subject=ANN.subject, organization=GUEST.id, joined='2025-01-01', state=LEFT,
                          left_at='2026-03-03T00:00:00+00:00')
        return Changes(put=(INVITATION, REQUEST, left), audit=(
            AuditEntry(at='2026-03-03T00:00:00+00:00', actor=ANN.subject, action='leave', organization=GUEST.id,
                       subject=ANN.subject),))

    topics = store.transact(invite_and_request)
    assert people_in(topics) == {ANN.subject, 'email:bob@else.example'}
    assert organizations_in(topics) == {'org-guest'}  # its administrators' page hears of both
    return store


def everything(store: DirectoryRepository) -> tuple:
    directory = store.export_directory()
    return (set(directory.organizations), set(directory.people), set(directory.memberships),
            set(directory.invitations), set(directory.removal_requests))
