"""Invitations: issued with a one-time link, for one address, accepted or declined once, revoked, expired."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from data.records import ACCEPTED, ACTIVE, DECLINED, LEFT, REVOKED
from data.repository import DirectoryRepository
from services.demo_directory import FABRIKAM, NORTHWIND, TAILSPIN
from services.directory_admin import DirectoryAdmin
from services.errors import (
    AlreadyInvited,
    AlreadyMember,
    InvalidEmail,
    InvitationExpired,
    InvitationForAnotherAddress,
    InvitationRevoked,
    InvitationUsed,
    UnknownInvitation,
)
from services.events import MembershipEvents
from services.invitations import InvitationService, token_hash
from services.organizations import OrganizationService
from tests.fakes import SettableClock

MEGAN, MEGAN_EMAIL = 'demo-megan-bowen', 'megan.bowen@fabrikam.com'
ADELE, ADELE_EMAIL = 'demo-adele-vance', 'adele.vance@contoso.com'


@pytest.fixture
def clock() -> SettableClock:
    return SettableClock(datetime(2026, 5, 1, 8, 0, tzinfo=UTC))


@pytest.fixture
def invitations(store: DirectoryRepository, events: MembershipEvents, seeded: DirectoryAdmin,
                clock: SettableClock) -> InvitationService:
    return InvitationService(store, events, public_url='https://portal.example', days=14, clock=clock)


def token_of(link: str) -> str:
    assert link.startswith('https://portal.example/invitations/')
    return link.rsplit('/', 1)[1]


def test_an_invitation_keeps_only_the_hash_of_its_link(invitations: InvitationService,
                                                       store: DirectoryRepository) -> None:
    issued = invitations.invite(NORTHWIND.id, ' Megan.Bowen@Fabrikam.com ', invited_by=ADELE)
    stored = store.invitation(issued.invitation.id)
    assert stored.email == MEGAN_EMAIL and stored.token_hash == token_hash(token_of(issued.link))
    assert token_of(issued.link) not in str(store.export_directory())
    assert stored.expires == '2026-05-15T08:00:00+00:00'
    [view] = invitations.pending_for([MEGAN_EMAIL])
    assert (view.organization.name, view.invited_by) == (NORTHWIND.name, 'Adele Vance')


def test_accepting_through_the_link_adds_the_membership_once(invitations: InvitationService,
                                                             organizations: OrganizationService,
                                                             store: DirectoryRepository) -> None:
    link = invitations.invite(NORTHWIND.id, MEGAN_EMAIL, invited_by='operator').link
    accepted = invitations.accept(MEGAN, [MEGAN_EMAIL], token=token_of(link))
    assert accepted.invitation.state == ACCEPTED
    assert [g.organization.name for g in organizations.organizations_of(MEGAN).others] == [NORTHWIND.name]
    assert store.membership(MEGAN, NORTHWIND.id).joined == '2026-05-01'
    with pytest.raises(InvitationUsed):
        invitations.accept(MEGAN, [MEGAN_EMAIL], token=token_of(link))
    assert invitations.pending_for([MEGAN_EMAIL]) == []
    assert [e.action for e in store.activity_of(MEGAN)] == ['invitation_accepted']


def test_a_link_for_another_address_changes_nothing(invitations: InvitationService, store: DirectoryRepository) -> None:
    link = invitations.invite(NORTHWIND.id, MEGAN_EMAIL, invited_by='operator').link
    with pytest.raises(InvitationForAnotherAddress):
        invitations.for_link(token_of(link), [ADELE_EMAIL])
    with pytest.raises(InvitationForAnotherAddress):
        invitations.accept(ADELE, [ADELE_EMAIL], token=token_of(link))
    assert store.membership(ADELE, NORTHWIND.id).state == ACTIVE  # Adele's own membership is untouched
    assert store.membership(MEGAN, NORTHWIND.id) is None
    assert invitations.for_link(token_of(link), [MEGAN_EMAIL]).invitation.state == 'pending'


def test_expired_revoked_and_unknown_links_each_say_so(invitations: InvitationService, clock: SettableClock) -> None:
    expiring = invitations.invite(NORTHWIND.id, MEGAN_EMAIL, invited_by='operator', days=1).link
    clock.now += timedelta(days=1, seconds=1)
    with pytest.raises(InvitationExpired):
        invitations.accept(MEGAN, [MEGAN_EMAIL], token=token_of(expiring))
    assert invitations.expire_overdue() == 1
    with pytest.raises(InvitationExpired):  # and so it stays, now that it is marked
        invitations.for_link(token_of(expiring), [MEGAN_EMAIL])
    revoked = invitations.invite(TAILSPIN.id, MEGAN_EMAIL, invited_by='operator').link
    assert invitations.revoke(TAILSPIN.id, MEGAN_EMAIL, actor='operator').state == REVOKED
    with pytest.raises(InvitationRevoked):
        invitations.for_link(token_of(revoked), [MEGAN_EMAIL])
    with pytest.raises(UnknownInvitation):
        invitations.for_link('not-a-link', [MEGAN_EMAIL])
    with pytest.raises(UnknownInvitation):
        invitations.revoke(TAILSPIN.id, MEGAN_EMAIL, actor='operator')  # nothing pending any more


def test_declining_uses_the_invitation_and_adds_nothing(invitations: InvitationService,
                                                        store: DirectoryRepository) -> None:
    issued = invitations.invite(NORTHWIND.id, MEGAN_EMAIL, invited_by='operator')
    assert invitations.decline(MEGAN, [MEGAN_EMAIL], invitation_id=issued.invitation.id).invitation.state == DECLINED
    assert store.membership(MEGAN, NORTHWIND.id) is None
    with pytest.raises(InvitationUsed):
        invitations.accept(MEGAN, [MEGAN_EMAIL], invitation_id=issued.invitation.id)


def test_invitations_are_not_repeated_and_members_are_not_invited(invitations: InvitationService) -> None:
    invitations.invite(NORTHWIND.id, MEGAN_EMAIL, invited_by='operator')
    with pytest.raises(AlreadyInvited):
        invitations.invite(NORTHWIND.id, MEGAN_EMAIL.upper(), invited_by='operator')
    with pytest.raises(AlreadyMember):
        invitations.invite(NORTHWIND.id, ADELE_EMAIL, invited_by='operator')  # Adele is a guest there already
    for bad in ('', 'not an address', 'a@b', 'x' * 300 + '@example.com', 'a@b.c\n'):
        with pytest.raises(InvalidEmail):
            invitations.invite(NORTHWIND.id, bad, invited_by='operator')


def test_the_home_organization_cannot_be_joined_as_a_guest(invitations: InvitationService) -> None:
    with pytest.raises(AlreadyMember):  # Fabrikam is Megan's home organization
        invitations.invite(FABRIKAM.id, MEGAN_EMAIL.upper(), invited_by='operator')
    issued = invitations.invite(FABRIKAM.id, 'megan@elsewhere.example', invited_by='operator')
    with pytest.raises(AlreadyMember):  # an invitation to another of her addresses, which she may also hold
        invitations.accept(MEGAN, ['megan@elsewhere.example'], invitation_id=issued.invitation.id)


def test_an_invitation_brings_back_a_left_membership(invitations: InvitationService,
                                                     organizations: OrganizationService,
                                                     store: DirectoryRepository) -> None:
    organizations.leave(ADELE, TAILSPIN.id)
    assert store.membership(ADELE, TAILSPIN.id).state == LEFT
    issued = invitations.invite(TAILSPIN.id, ADELE_EMAIL, invited_by='operator')
    invitations.accept(ADELE, [ADELE_EMAIL], invitation_id=issued.invitation.id)
    assert store.membership(ADELE, TAILSPIN.id).state == ACTIVE


def test_two_tabs_accepting_at_once_one_wins(invitations: InvitationService, store: DirectoryRepository) -> None:
    issued = invitations.invite(NORTHWIND.id, MEGAN_EMAIL, invited_by='operator')
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def accept() -> None:
        start.wait()
        try:
            invitations.accept(MEGAN, [MEGAN_EMAIL], invitation_id=issued.invitation.id)
            outcomes.append('accepted')
        except InvitationUsed:
            outcomes.append('used')

    tabs = [threading.Thread(target=accept) for _ in range(2)]
    for tab in tabs:
        tab.start()
    for tab in tabs:
        tab.join()
    assert sorted(outcomes) == ['accepted', 'used']
    assert [e.action for e in store.activity_of(MEGAN)] == ['invitation_accepted']


def test_new_invitations_reach_the_invited_address_live(invitations: InvitationService,
                                                        events: MembershipEvents) -> None:
    heard: list[str] = []
    events.subscribe(f'email:{MEGAN_EMAIL}', lambda: heard.append('invited'))
    invitations.invite(NORTHWIND.id, MEGAN_EMAIL, invited_by='operator')
    assert heard == ['invited']
