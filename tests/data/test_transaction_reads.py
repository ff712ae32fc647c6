"""Inside `transact`, the reads a rule decides on give exactly what the same reads give outside, on both stores.

The PostgreSQL store reads a membership together with its person and organization in one query and keeps them
for the rest of the work (see `TransactionReader`): these tests hold it to the plain reads in every combination of
missing records, and show that nothing kept outlives its transaction.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from data.records import LEFT, AuditEntry, Changes, Directory, Membership, Organization, Person
from data.repository import DirectoryReader, DirectoryRepository

pytest_plugins = ('tests.data.postgres_fixtures',)

HOME = Organization(id='org-home', name='Home', admins=('sub-ann',))
GUEST = Organization(id='org-guest', name='Guest', domain='guest.example', leave_policy='by_request')
ANN = Person(subject='sub-ann', name='Ann', home=HOME.id, email='ann@home.example')
BOB = Person(subject='sub-bob', name='Bob', home=HOME.id)
ANN_GUEST = Membership(subject=ANN.subject, organization=GUEST.id, joined='2025-01-01')
DIRECTORY = Directory(organizations=(HOME, GUEST), people=(ANN, BOB), memberships=(ANN_GUEST,))
IMPORT = AuditEntry(at='2026-03-01T08:00:00+00:00', actor='admin', action='import')
ASKED = [(ANN.subject, GUEST.id),  # all three exist
         (BOB.subject, GUEST.id),  # no membership, person and organization exist
         (ANN.subject, HOME.id),  # the home organization (no membership stored)
         ('sub-nobody', GUEST.id),  # no person
         (ANN.subject, 'org-none'),  # no organization
         ('sub-nobody', 'org-none')]  # nothing


@pytest.fixture
def seeded(store: DirectoryRepository) -> DirectoryRepository:
    store.merge_directory(DIRECTORY, IMPORT)
    return store


@pytest.mark.parametrize(('subject', 'org_id'), ASKED)
def test_reads_inside_the_transaction_match_the_reads_outside(seeded: DirectoryRepository, subject: str,
                                                              org_id: str) -> None:
    outside = (seeded.membership(subject, org_id), seeded.person(subject), seeded.organization(org_id))
    inside: list[object] = []

    def read(reader: DirectoryReader) -> Changes:
        inside.extend((reader.membership(subject, org_id), reader.person(subject), reader.organization(org_id)))
        inside.extend((reader.person(subject), reader.organization(org_id)))  # asked twice: the same answer
        return Changes()
    seeded.transact(read)
    assert inside == [*outside, outside[1], outside[2]]
    assert outside[0] is None or outside[0] == ANN_GUEST


def test_what_a_transaction_read_is_not_kept_for_the_next_one(seeded: DirectoryRepository) -> None:
    renamed = replace(GUEST, name='Guest, renamed')
    seen: list[object] = []

    def leave(reader: DirectoryReader) -> Changes:
        membership = reader.membership(ANN.subject, GUEST.id)
        seen.append((membership.state if membership else None, reader.organization(GUEST.id)))
        assert membership is not None
        return Changes(put=(replace(membership, state=LEFT, left_at='2026-03-05'), renamed),
                       audit=(AuditEntry(at='2026-03-05', actor=ANN.subject, action='leave',
                                         organization=GUEST.id, subject=ANN.subject),))
    seeded.transact(leave)
    seeded.transact(leave)
    assert seen == [('active', GUEST), (LEFT, renamed)]
