"""An organization's administrators run its guests, invitations, removal requests and rules; every action is
authorized at the moment it runs, audited under the administrator's subject, and forged ids change nothing."""

from __future__ import annotations

import logging
import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from data.records import ACTIVE, DISABLED, LEFT, OPEN, Organization, Person
from data.repository import DirectoryRepository
from services.admin_access import AdminAccess
from services.demo_directory import CONTOSO, FABRIKAM, LITWARE, WOODGROVE
from services.directory_admin import DirectoryAdmin
from services.errors import (
    CannotReinstate,
    InvalidInput,
    NotAMember,
    NotAnAdministrator,
    NotSignedIn,
    TooManyAddresses,
    UnknownInvitation,
    UnknownRemovalRequest,
)
from services.events import MembershipEvents
from services.invitations import InvitationService
from services.membership_admin import MembershipAdmin
from services.org_administration import OrganizationAdministration
from services.organizations import OrganizationService
from services.removal_requests import RemovalRequestService
from services.sessions import SessionStore, SignedInPerson
from tests.fakes import SettableClock

ADELE, MEGAN, LIDIA = 'demo-adele-vance', 'demo-megan-bowen', 'demo-lidia-holloway'  # Megan runs Fabrikam
ISSUER = 'https://idp.example'


@pytest.fixture
def clock() -> SettableClock:
    return SettableClock(datetime(2026, 3, 1, 9, 0, tzinfo=UTC))


@pytest.fixture
def sessions(clock: SettableClock, events: MembershipEvents) -> SessionStore:
    return SessionStore(clock=clock, events=events)


@pytest.fixture
def removals(store: DirectoryRepository, events: MembershipEvents, clock: SettableClock) -> RemovalRequestService:
    return RemovalRequestService(store, events, clock=clock)


@pytest.fixture
def administration(store: DirectoryRepository, events: MembershipEvents, seeded: DirectoryAdmin, *,
                   sessions: SessionStore, clock: SettableClock,
                   removals: RemovalRequestService) -> OrganizationAdministration:
    return OrganizationAdministration(
        store, events, AdminAccess(store, sessions),
        memberships=MembershipAdmin(store, events, retention=timedelta(days=30), clock=clock),
        invitations=InvitationService(store, events, public_url='https://portal.example', clock=clock),
        removals=removals, clock=clock)


def session_of(sessions: SessionStore, subject: str, name: str = 'Someone') -> str:
    return sessions.start(SignedInPerson(issuer=ISSUER, subject=subject, name=name)).id


@pytest.fixture
def megan(sessions: SessionStore) -> str:
    return session_of(sessions, MEGAN, 'Megan Bowen')


@pytest.fixture
def security_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.WARNING, logger='myprofile.security')
    return caplog


def test_an_administrator_sees_their_organizations_and_everyone_else_none(
        administration: OrganizationAdministration, sessions: SessionStore, megan: str) -> None:
    assert [org.id for org in administration.organizations(megan)] == [FABRIKAM.id]
    assert administration.organizations(session_of(sessions, ADELE)) == []
    with pytest.raises(NotSignedIn):
        administration.organizations('no-such-session')


def test_guests_are_listed_by_name_searched_and_paged(administration: OrganizationAdministration, megan: str,
                                                      store: DirectoryRepository, events: MembershipEvents) -> None:
    window = administration.guests(megan, FABRIKAM.id)
    assert [(g.name, g.email, g.state) for g in window.guests] == [('Adele Vance', 'adele.vance@contoso.com', ACTIVE)]
    assert window.total == 1  # Megan herself is at home in Fabrikam: a member, not a guest
    DirectoryAdmin(store, events).merge(_guests(120), actor='operator', detail='test')
    page = administration.guests(megan, FABRIKAM.id, search='GUEST01', limit=50)  # guest010@… to guest019@…
    assert [g.name for g in page.guests] == [f'Guest {n:03}' for n in range(10, 20)]
    assert (page.total, page.matching) == (121, 10)
    last = administration.guests(megan, FABRIKAM.id, offset=500, limit=50)
    assert last.offset == 100 and len(last.guests) == 21  # past the end: the last window that has guests


def test_disable_enable_remove_and_restore_are_audited_under_the_administrator(
        administration: OrganizationAdministration, megan: str, store: DirectoryRepository,
        clock: SettableClock) -> None:
    administration.disable(megan, FABRIKAM.id, ADELE)
    assert store.membership(ADELE, FABRIKAM.id).state == DISABLED
    administration.enable(megan, FABRIKAM.id, ADELE)
    administration.remove(megan, FABRIKAM.id, ADELE)
    removed = store.membership(ADELE, FABRIKAM.id)
    assert (removed.state, removed.left_at) == (LEFT, '2026-03-01T09:00:00+00:00')
    [guest] = administration.guests(megan, FABRIKAM.id).guests
    assert guest.purge_on == datetime(2026, 3, 31, 9, 0, tzinfo=UTC)
    clock.now += timedelta(minutes=10)
    administration.restore(megan, FABRIKAM.id, ADELE)
    assert store.membership(ADELE, FABRIKAM.id).state == ACTIVE
    trail = administration.activity(megan, FABRIKAM.id).entries
    assert [(e.action, e.actor_name, e.subject_name) for e in trail[:4]] == [
        ('reinstate', 'Megan Bowen', 'Adele Vance'), ('remove', 'Megan Bowen', 'Adele Vance'),
        ('enable', 'Megan Bowen', 'Adele Vance'), ('disable', 'Megan Bowen', 'Adele Vance')]
    assert [e.action for e in administration.activity(megan, FABRIKAM.id, person='lidia').entries] == []


def test_another_organization_s_administrator_a_former_one_and_a_signed_out_session_are_refused(
        administration: OrganizationAdministration, megan: str, sessions: SessionStore, store: DirectoryRepository,
        *, security_log: pytest.LogCaptureFixture) -> None:
    adele = session_of(sessions, ADELE)
    actions = [lambda s: administration.guests(s, FABRIKAM.id), lambda s: administration.disable(s, FABRIKAM.id, ADELE),
               lambda s: administration.invite(s, FABRIKAM.id, 'x@example.com'),
               lambda s: administration.save_settings(s, FABRIKAM.id, leave_policy='by_request', privacy_url=None,
                                                      privacy_contact=None),
               lambda s: administration.activity(s, FABRIKAM.id)]
    for action in actions:
        with pytest.raises(NotAnAdministrator):
            action(adele)  # a guest, not an administrator
    with pytest.raises(NotAnAdministrator):
        administration.guests(megan, WOODGROVE.id)  # an organization Megan does not run
    with pytest.raises(NotAnAdministrator):
        administration.guests(megan, 'no-such-organization')
    assert len([r for r in security_log.records if 'do not administer' in r.getMessage()]) == len(actions) + 2
    store.transact(lambda reader: _changes_admins(reader.organization(FABRIKAM.id), ()))  # Megan is no longer one
    for action in actions:
        with pytest.raises(NotAnAdministrator):
            action(megan)
    store.transact(lambda reader: _changes_admins(reader.organization(FABRIKAM.id), (MEGAN,)))
    sessions.end(megan)
    for action in actions:
        with pytest.raises(NotSignedIn):
            action(megan)
    assert store.membership(ADELE, FABRIKAM.id).state == ACTIVE  # nothing changed on the way


def test_forged_guests_invitations_and_requests_of_other_organizations_are_refused(
        administration: OrganizationAdministration, megan: str, store: DirectoryRepository,
        removals: RemovalRequestService, security_log: pytest.LogCaptureFixture) -> None:
    with pytest.raises(NotAMember):
        administration.disable(megan, FABRIKAM.id, LIDIA)  # Lidia is no guest of Fabrikam (but of Woodgrove)
    request = removals.request(ADELE, LITWARE.id, 'please')  # to Litware, not to Megan's Fabrikam
    with pytest.raises(UnknownRemovalRequest):
        administration.complete_request(megan, FABRIKAM.id, request.id)
    with pytest.raises(UnknownRemovalRequest):
        administration.decline_request(megan, FABRIKAM.id, request.id, 'no')
    assert store.removal_request(request.id).state == OPEN
    other = InvitationService(store, MembershipEvents(), public_url='https://portal.example').invite(
        WOODGROVE.id, 'someone@example.com', invited_by='operator')
    for forged in (administration.revoke, administration.new_link):
        with pytest.raises(UnknownInvitation):
            forged(megan, FABRIKAM.id, other.invitation.id)
    assert store.invitation(other.invitation.id).token_hash == other.invitation.token_hash
    messages = [r.getMessage() for r in security_log.records]
    assert any('no membership there' in m for m in messages)
    assert sum('which is to' in m for m in messages) == 2 and sum('which is of' in m for m in messages) == 2


def test_several_addresses_are_invited_each_reported_none_twice(administration: OrganizationAdministration,
                                                                 megan: str) -> None:
    results = administration.invite(
        megan, FABRIKAM.id, 'new.one@example.com, NEW.ONE@example.com; not-an-address\n'
                            'adele.vance@contoso.com megan.bowen@fabrikam.com second@example.com')
    assert [(r.address, r.outcome) for r in results] == [
        ('new.one@example.com', 'invited'), ('new.one@example.com', 'repeated'), ('not-an-address', 'invalid'),
        ('adele.vance@contoso.com', 'already_member'), ('megan.bowen@fabrikam.com', 'already_member'),
        ('second@example.com', 'invited')]
    assert results[0].issued.link.startswith('https://portal.example/invitations/')
    again = administration.invite(megan, FABRIKAM.id, 'second@example.com')
    assert [r.outcome for r in again] == ['already_invited']
    pending = administration.pending_invitations(megan, FABRIKAM.id)
    assert sorted(i.email for i in pending) == ['new.one@example.com', 'second@example.com']
    assert {administration.person_name(i.invited_by) for i in pending} == {'Megan Bowen'}  # as the rows say
    with pytest.raises(TooManyAddresses):
        administration.invite(megan, FABRIKAM.id, ' '.join(f'p{n}@example.com' for n in range(51)))


def test_a_new_link_replaces_the_old_one_and_a_revoked_invitation_is_gone(
        administration: OrganizationAdministration, megan: str, store: DirectoryRepository,
        clock: SettableClock) -> None:
    [first] = administration.invite(megan, FABRIKAM.id, 'guest@example.com')
    renewed = administration.new_link(megan, FABRIKAM.id, first.issued.invitation.id)
    assert renewed.link != first.issued.link
    invitations = InvitationService(store, MembershipEvents(), public_url='https://portal.example', clock=clock)
    with pytest.raises(UnknownInvitation):
        invitations.for_link(first.issued.link.rsplit('/', 1)[1], ['guest@example.com'])
    assert invitations.for_link(renewed.link.rsplit('/', 1)[1], ['guest@example.com']).invitation.state == 'pending'
    administration.revoke(megan, FABRIKAM.id, first.issued.invitation.id)
    assert administration.pending_invitations(megan, FABRIKAM.id) == []
    assert [e.action for e in administration.activity(megan, FABRIKAM.id).entries[:3]] == [
        'revoke_invitation', 'renew_invitation', 'invite']


def test_removal_requests_are_answered_by_their_organization(
        administration: OrganizationAdministration, megan: str, store: DirectoryRepository,
        removals: RemovalRequestService, clock: SettableClock) -> None:
    administration.save_settings(megan, FABRIKAM.id, leave_policy='by_request', privacy_url=FABRIKAM.privacy_url,
                                 privacy_contact=FABRIKAM.privacy_contact)
    first = removals.request(ADELE, FABRIKAM.id, 'I finished the project')
    [row] = administration.removal_requests(megan, FABRIKAM.id)
    assert (row.name, row.request.message, row.request.state) == ('Adele Vance', 'I finished the project', OPEN)
    declined = administration.decline_request(megan, FABRIKAM.id, first.id, 'The audit needs you until June')
    assert declined.answer == 'The audit needs you until June'
    clock.now += timedelta(minutes=5)
    second = removals.request(ADELE, FABRIKAM.id, 'Now, please')
    administration.complete_request(megan, FABRIKAM.id, second.id)
    assert store.membership(ADELE, FABRIKAM.id).state == LEFT
    assert [r.request.state for r in administration.removal_requests(megan, FABRIKAM.id)] == ['done', 'declined']


def test_rules_are_checked_like_an_import_and_change_what_guests_may_do(
        administration: OrganizationAdministration, megan: str, store: DirectoryRepository,
        events: MembershipEvents) -> None:
    heard: list[str] = []
    events.subscribe(ADELE, lambda: heard.append('adele'))
    guests = OrganizationService(store, events)
    assert _block(guests) is None
    administration.save_settings(megan, FABRIKAM.id, leave_policy='by_request', privacy_url=FABRIKAM.privacy_url,
                                 privacy_contact=FABRIKAM.privacy_contact)
    assert _block(guests) == 'by_request' and heard  # the guest's open page hears of it
    administration.save_settings(megan, FABRIKAM.id, leave_policy='self_service', privacy_url='',
                                 privacy_contact='dpo@fabrikam.com')
    assert _block(guests) == 'no_privacy'
    for bad in ({'leave_policy': 'whenever'}, {'privacy_url': 'javascript:alert(1)'},
                {'privacy_contact': 'x' * 600}, {'privacy_contact': 'line\nbreak'}):
        with pytest.raises(InvalidInput):
            administration.save_settings(megan, FABRIKAM.id, **{'leave_policy': 'self_service',
                                                                'privacy_url': None, 'privacy_contact': None, **bad})
    assert store.organization(FABRIKAM.id).privacy_contact == 'dpo@fabrikam.com'  # a refusal changed nothing
    assert administration.activity(megan, FABRIKAM.id).entries[0].action == 'settings'


def test_two_administrators_restoring_the_same_membership_exactly_one_succeeds(
        administration: OrganizationAdministration, megan: str, sessions: SessionStore, store: DirectoryRepository,
        events: MembershipEvents) -> None:
    store.transact(lambda reader: _changes_admins(reader.organization(FABRIKAM.id), (MEGAN, LIDIA)))
    lidia = session_of(sessions, LIDIA, 'Lidia Holloway')
    administration.remove(megan, FABRIKAM.id, ADELE)
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def restore(session_id: str) -> None:
        start.wait()
        try:
            administration.restore(session_id, FABRIKAM.id, ADELE)
            outcomes.append('restored')
        except CannotReinstate:
            outcomes.append('refused')

    workers = [threading.Thread(target=restore, args=(s,)) for s in (megan, lidia)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sorted(outcomes) == ['refused', 'restored']
    assert [e.action for e in administration.activity(megan, FABRIKAM.id).entries].count('reinstate') == 1


def _block(guests: OrganizationService) -> str | None:
    [fabrikam] = [g for g in guests.organizations_of(ADELE).others if g.organization.id == FABRIKAM.id]
    return fabrikam.leave_block


def _changes_admins(org: Organization | None, admins: tuple[str, ...]):
    from data.records import Changes  # noqa: PLC0415
    assert org is not None
    return Changes(put=(replace(org, admins=admins),))


def _guests(count: int):
    from data.records import Directory, Membership  # noqa: PLC0415
    people = tuple(Person(subject=f'guest-{n:03}', name=f'Guest {n:03}', email=f'guest{n:03}@example.com',
                          home=CONTOSO.id) for n in range(count))
    return Directory(organizations=(CONTOSO, FABRIKAM), people=people,
                     memberships=tuple(Membership(subject=p.subject, organization=FABRIKAM.id) for p in people))
