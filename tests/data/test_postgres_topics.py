"""The contract that matters most to the live pages: for the same change, the PostgreSQL store reports exactly the
live-event topics the TinyDB store reports (and ends in the same state)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

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
from data.tinydb_store import TinyDirectoryStore

A, B, C = (Organization(id=f'org-{n}', name=f'Org {n}') for n in 'abc')
P1, P2, P3 = (Person(subject='p1', name='One', home=A.id, email='one@a.example'),
              Person(subject='p2', name='Two', home=B.id), Person(subject='p3', name='Three', home=A.id))
P1_B = Membership(subject='p1', organization=B.id, joined='2025-01-01')
P2_C = Membership(subject='p2', organization=C.id, joined='2025-01-01', state=LEFT, left_at='2026-01-01')
P3_B = Membership(subject='p3', organization=B.id, joined='2025-01-01', state=DISABLED)
INVITATION = Invitation(id='inv-1', organization=B.id, email='guest@x.example', invited_by='p1', created='2026-01-01',
                        expires='2026-01-15', token_hash='ab' * 32)
REQUEST = RemovalRequest(id='req-1', subject='p1', organization=B.id, created='2026-01-02')
SEED = Directory(organizations=(A, B, C), people=(P1, P2, P3), memberships=(P1_B, P2_C, P3_B),
                 invitations=(INVITATION,), removal_requests=(REQUEST,))
IMPORT = AuditEntry(at='2026-01-01', actor='admin', action='import')


def audit(**fields: str) -> AuditEntry:
    return AuditEntry(at='2026-02-01', actor='p1', action='test', **fields)


Work = Callable[[DirectoryReader], Changes]
SCENARIOS: dict[str, Work] = {
    'leave': lambda r: Changes(delete=(P1_B,), audit=(audit(subject='p1', organization=B.id),)),
    'delete a membership that is not stored': lambda r: Changes(delete=(replace(P3_B, organization=C.id),),
                                                                audit=(audit(),)),
    'leave kept for retention': lambda r: Changes(put=(replace(P1_B, state=LEFT, left_at='2026-02-01'),)),
    'rename an organization': lambda r: Changes(put=(replace(B, name='Org B renamed'),), audit=(audit(),)),
    'new organization': lambda r: Changes(put=(Organization(id='org-new', name='New'),)),
    'invite (mixed-case address)': lambda r: Changes(put=(replace(INVITATION, id='inv-2', email='New@X.example',
                                                                  token_hash='cd' * 32),)),
    'delete an invitation': lambda r: Changes(delete=(INVITATION,)),
    'delete an invitation that is not stored': lambda r: Changes(delete=(replace(INVITATION, id='inv-9'),)),
    'accept an invitation': lambda r: Changes(
        put=(replace(INVITATION, state='accepted', decided_by='p3'), Membership(subject='p3', organization=C.id)),
        audit=(audit(subject='p3', organization=B.id),)),
    'request removal and withdraw another': lambda r: Changes(
        put=(RemovalRequest(id='req-2', subject='p3', organization=B.id, created='2026-02-01'),),
        delete=(REQUEST,)),
    'delete a request that is not stored': lambda r: Changes(delete=(replace(REQUEST, id='req-9'),)),
    'rename a person': lambda r: Changes(put=(replace(P2, name='Two renamed'),)),
    'an audit record only': lambda r: Changes(audit=(audit(organization=C.id), audit(subject='p9'))),
    'put and delete the same membership': lambda r: Changes(put=(P1_B,), delete=(P1_B,)),
    'nothing': lambda r: Changes(),
}
MERGES: dict[str, Directory] = {
    'the same directory again': SEED,
    'a membership without a date': Directory(organizations=(), people=(), memberships=(replace(P1_B, joined=None),)),
    'renames, a new guest, an answered request and a re-sent invitation': Directory(
        organizations=(replace(C, domain='c.example'),), people=(replace(P3, email='three@a.example'),),
        memberships=(Membership(subject='p3', organization=C.id), replace(P3_B, state='active')),
        invitations=(replace(INVITATION, state='revoked', token_hash='ef' * 32),),
        removal_requests=(replace(REQUEST, state='declined', answer='No'),)),
}


@pytest.fixture
def both(tiny_store: TinyDirectoryStore,
         emptied_pg_store: PostgresDirectoryStore) -> tuple[DirectoryRepository, DirectoryRepository]:
    """Both stores side by side, seeded alike: each scenario's topics are compared between them."""
    assert tiny_store.merge_directory(SEED, IMPORT) == emptied_pg_store.merge_directory(SEED, IMPORT) != set()
    return tiny_store, emptied_pg_store


def same_state(tiny: DirectoryRepository, postgres: DirectoryRepository) -> bool:
    """Every record alike, and the same audit records. (Their order is compared in test_postgres_store: the TinyDB
    store returns several audit records of one commit kept in different files in file order, not as given.)"""
    one, other = tiny.export_directory(), postgres.export_directory()
    return all(set(getattr(one, f)) == set(getattr(other, f)) for f in
               ('organizations', 'people', 'memberships', 'invitations', 'removal_requests')) and \
        sorted(map(repr, tiny.audit_entries())) == sorted(map(repr, postgres.audit_entries()))


@pytest.mark.parametrize('name', SCENARIOS)
def test_a_change_reports_the_same_topics_on_both_stores(
        both: tuple[DirectoryRepository, DirectoryRepository], name: str) -> None:
    tiny, postgres = both
    assert postgres.transact(SCENARIOS[name]) == tiny.transact(SCENARIOS[name])
    assert same_state(tiny, postgres)


@pytest.mark.parametrize('name', MERGES)
def test_a_merge_reports_the_same_topics_on_both_stores(
        both: tuple[DirectoryRepository, DirectoryRepository], name: str) -> None:
    tiny, postgres = both
    assert postgres.merge_directory(MERGES[name], IMPORT) == tiny.merge_directory(MERGES[name], IMPORT)
    assert same_state(tiny, postgres)


def test_topics_name_people_addresses_and_organizations(both: tuple[DirectoryRepository, DirectoryRepository]) -> None:
    """What the scenarios above compare is not empty: spelled out for one rename and one invitation."""
    _, postgres = both
    assert postgres.transact(SCENARIOS['rename an organization']) == {'organization:org-b', 'p1', 'p2', 'p3'}
    assert postgres.transact(SCENARIOS['invite (mixed-case address)']) == {'email:new@x.example',
                                                                          'organization:org-b'}
