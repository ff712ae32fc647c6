"""Guests leave on their own only where the organization allows it and has published its privacy information;
elsewhere they ask to be removed, and the organization completes or declines the request."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from data.records import DONE, LEFT, OPEN, Directory, Organization
from data.repository import DirectoryRepository
from services.demo_directory import FABRIKAM, LITWARE, NORTHWIND
from services.directory_admin import DirectoryAdmin
from services.errors import (
    InvalidMessage,
    LeaveByRequestOnly,
    MembershipDisabled,
    NoPrivacyInformation,
    RemovalAlreadyRequested,
    RemovalNotNeeded,
    UnknownRemovalRequest,
)
from services.events import MembershipEvents
from services.membership_admin import MembershipAdmin
from services.organizations import OrganizationService
from services.removal_requests import RemovalRequestService

ADELE = 'demo-adele-vance'
URL, CONTACT = 'https://x.example/privacy', 'privacy@x.example'


def clock() -> datetime:
    return datetime(2026, 4, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def removals(store: DirectoryRepository, events: MembershipEvents, seeded: DirectoryAdmin) -> RemovalRequestService:
    return RemovalRequestService(store, events, clock=clock)


def blocks(organizations: OrganizationService) -> dict[str, str | None]:
    return {g.organization.name: g.leave_block for g in organizations.organizations_of(ADELE).others}


@pytest.mark.parametrize(('policy', 'url', 'contact', 'refused'), [
    ('self_service', URL, CONTACT, None),
    ('by_request', URL, CONTACT, LeaveByRequestOnly),
    ('self_service', URL, None, NoPrivacyInformation),
    ('self_service', None, CONTACT, NoPrivacyInformation),
    ('self_service', None, None, NoPrivacyInformation),
    ('by_request', None, None, LeaveByRequestOnly),
])
def test_leaving_needs_the_policy_and_both_privacy_items(organizations: OrganizationService, seeded: DirectoryAdmin,
                                                         store: DirectoryRepository, *, policy: str, url: str | None,
                                                         contact: str | None, refused: type | None) -> None:
    changed = Organization(id=FABRIKAM.id, name=FABRIKAM.name, domain=FABRIKAM.domain, privacy_url=url,
                           privacy_contact=contact, leave_policy=policy)
    seeded.merge(Directory(organizations=(changed,), people=(), memberships=()), actor='test', detail='policy')
    if refused is None:
        organizations.leave(ADELE, FABRIKAM.id)
        assert store.membership(ADELE, FABRIKAM.id).state == LEFT
        return
    assert blocks(organizations)[FABRIKAM.name] == {LeaveByRequestOnly: 'by_request',
                                                    NoPrivacyInformation: 'no_privacy'}[refused]
    audit_before = len(store.audit_entries())
    with pytest.raises(refused):
        organizations.leave(ADELE, FABRIKAM.id)
    assert store.membership(ADELE, FABRIKAM.id).state == 'active'
    assert len(store.audit_entries()) == audit_before


def test_a_disabled_membership_names_that_reason_first(organizations: OrganizationService, store: DirectoryRepository,
                                                        events: MembershipEvents) -> None:
    MembershipAdmin(store, events, retention=timedelta(days=30)).disable(
        ADELE, LITWARE.id, actor='operator')
    assert blocks(organizations)[LITWARE.name] == 'disabled'
    with pytest.raises(MembershipDisabled):
        organizations.leave(ADELE, LITWARE.id)


def test_a_removal_request_is_sent_once_and_shows_on_the_card(organizations: OrganizationService,
                                                              removals: RemovalRequestService,
                                                              store: DirectoryRepository) -> None:
    sent = removals.request(ADELE, LITWARE.id, '  I left the project.\nThanks!  ')
    assert (sent.state, sent.message, sent.created) == (OPEN, 'I left the project.\nThanks!',
                                                        '2026-04-01T12:00:00+00:00')
    card = next(g for g in organizations.organizations_of(ADELE).others if g.organization.id == LITWARE.id)
    assert card.removal_request == sent
    with pytest.raises(RemovalAlreadyRequested):
        removals.request(ADELE, LITWARE.id, None)
    assert [e.action for e in store.activity_of(ADELE)] == ['removal_requested']


def test_no_request_where_the_person_may_leave_and_no_oversized_message(removals: RemovalRequestService,
                                                                        store: DirectoryRepository) -> None:
    with pytest.raises(RemovalNotNeeded):
        removals.request(ADELE, FABRIKAM.id, None)
    with pytest.raises(InvalidMessage):
        removals.request(ADELE, NORTHWIND.id, 'x' * 501)
    with pytest.raises(InvalidMessage):
        removals.request(ADELE, NORTHWIND.id, 'bell\x07')
    assert store.removal_requests_of(ADELE) == []


def test_the_organization_completes_a_request_as_a_leave(organizations: OrganizationService,
                                                         removals: RemovalRequestService,
                                                         store: DirectoryRepository) -> None:
    request = removals.request(ADELE, NORTHWIND.id, None)
    done = removals.complete(request.id, actor='operator')
    assert done.state == DONE
    membership = store.membership(ADELE, NORTHWIND.id)
    assert (membership.state, membership.left_at) == (LEFT, '2026-04-01T12:00:00+00:00')  # kept for retention
    assert NORTHWIND.name not in blocks(organizations)
    with pytest.raises(UnknownRemovalRequest):
        removals.complete(request.id, actor='operator')


def test_a_declined_request_shows_its_answer_and_may_be_sent_again(organizations: OrganizationService,
                                                                   removals: RemovalRequestService,
                                                                   store: DirectoryRepository) -> None:
    first = removals.request(ADELE, LITWARE.id, 'Please')
    with pytest.raises(InvalidMessage):
        removals.decline(first.id, '   ', actor='operator')  # a refusal says why
    removals.decline(first.id, 'Your contract runs until June.', actor='operator')
    card = next(g for g in organizations.organizations_of(ADELE).others if g.organization.id == LITWARE.id)
    assert card.removal_request.answer == 'Your contract runs until June.'
    again = removals.request(ADELE, LITWARE.id, 'It is June now')
    card = next(g for g in organizations.organizations_of(ADELE).others if g.organization.id == LITWARE.id)
    assert card.removal_request == again
    assert [(e.action, e.detail) for e in store.activity_of(ADELE)] == [
        ('removal_requested', None), ('removal_declined', 'Your contract runs until June.'),
        ('removal_requested', None)]
