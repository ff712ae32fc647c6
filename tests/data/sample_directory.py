"""A small directory holding every kind of record, for the tests of what both stores keep and find alike
(`test_store_contract.py`) and of the PostgreSQL store's own behaviour (`test_postgres_store.py`)."""

from __future__ import annotations

from data.records import (
    DISABLED,
    LEFT,
    AuditEntry,
    Directory,
    Invitation,
    Membership,
    Organization,
    Person,
    RemovalRequest,
)
from data.repository import DirectoryRepository

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
