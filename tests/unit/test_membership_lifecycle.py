"""Leaving keeps the membership for the retention period; only the organization restores it; then it is purged."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from data.records import ACTIVE, DISABLED, LEFT, Directory
from data.repository import DirectoryRepository
from data.tinydb_store import TinyDirectoryStore
from services.demo_directory import FABRIKAM, TAILSPIN, WOODGROVE
from services.directory_admin import DirectoryAdmin
from services.errors import AlreadyLeft, CannotReinstate, InvalidDirectory, MembershipDisabled, NotAMember
from services.events import MembershipEvents
from services.membership_admin import MembershipAdmin
from services.organizations import OrganizationService
from tests.fakes import SettableClock

ADELE = 'demo-adele-vance'


@pytest.fixture
def clock() -> SettableClock:
    return SettableClock(datetime(2026, 3, 1, 9, 0, tzinfo=UTC))


@pytest.fixture
def people(store: DirectoryRepository, events: MembershipEvents, seeded: DirectoryAdmin,
           clock: SettableClock) -> OrganizationService:
    return OrganizationService(store, events, clock=clock)


@pytest.fixture
def organization_side(store: DirectoryRepository, events: MembershipEvents, clock: SettableClock) -> MembershipAdmin:
    return MembershipAdmin(store, events, retention=timedelta(days=30), clock=clock)


def shown(people: OrganizationService) -> list[str]:
    return [guest.organization.name for guest in people.organizations_of(ADELE).others]


def test_a_leave_is_kept_as_left_with_its_time_and_no_longer_shown(people: OrganizationService,
                                                                   store: DirectoryRepository) -> None:
    people.leave(ADELE, FABRIKAM.id)
    assert FABRIKAM.name not in shown(people)
    kept = store.membership(ADELE, FABRIKAM.id)
    assert kept is not None and (kept.state, kept.left_at) == (LEFT, '2026-03-01T09:00:00+00:00')
    with pytest.raises(AlreadyLeft):
        people.leave(ADELE, FABRIKAM.id)


def test_only_the_organization_restores_a_leave_within_retention(
        people: OrganizationService, organization_side: MembershipAdmin, store: DirectoryRepository,
        clock: SettableClock) -> None:
    people.leave(ADELE, WOODGROVE.id)
    clock.now += timedelta(days=29)
    restored = organization_side.reinstate(ADELE, WOODGROVE.id, actor='operator')
    assert (restored.state, restored.left_at) == (ACTIVE, None)
    assert WOODGROVE.name in shown(people)
    assert store.membership(ADELE, WOODGROVE.id).joined == '2025-01-09'  # as it was before the leave
    with pytest.raises(CannotReinstate):
        organization_side.reinstate(ADELE, WOODGROVE.id, actor='operator')  # it is active, not left


def test_past_retention_it_cannot_be_restored_and_is_purged(people: OrganizationService,
                                                            organization_side: MembershipAdmin,
                                                            store: DirectoryRepository, clock: SettableClock) -> None:
    people.leave(ADELE, TAILSPIN.id)
    clock.now += timedelta(days=10)
    people.leave(ADELE, FABRIKAM.id)
    clock.now += timedelta(days=21)  # Tailspin left 31 days ago, Fabrikam 21
    with pytest.raises(CannotReinstate):
        organization_side.reinstate(ADELE, TAILSPIN.id, actor='operator')
    assert organization_side.purge() == 1
    assert store.membership(ADELE, TAILSPIN.id) is None
    assert store.membership(ADELE, FABRIKAM.id).state == LEFT
    assert organization_side.purge() == 0  # nothing more is due
    with pytest.raises(NotAMember):
        organization_side.reinstate(ADELE, TAILSPIN.id, actor='operator')


def test_a_disabled_membership_is_shown_but_cannot_be_left(people: OrganizationService,
                                                           organization_side: MembershipAdmin) -> None:
    organization_side.disable(ADELE, WOODGROVE.id, actor='operator')
    guests = {g.organization.name: g.state for g in people.organizations_of(ADELE).others}
    assert guests[WOODGROVE.name] == DISABLED
    with pytest.raises(MembershipDisabled):
        people.leave(ADELE, WOODGROVE.id)
    organization_side.enable(ADELE, WOODGROVE.id, actor='operator')
    people.leave(ADELE, WOODGROVE.id)
    assert WOODGROVE.name not in shown(people)


def test_the_person_s_activity_holds_what_happened_to_them(people: OrganizationService,
                                                           organization_side: MembershipAdmin,
                                                           store: DirectoryRepository) -> None:
    people.leave(ADELE, FABRIKAM.id)
    organization_side.reinstate(ADELE, FABRIKAM.id, actor='operator')
    organization_side.disable(ADELE, FABRIKAM.id, actor='operator')
    assert [(e.action, e.organization, e.actor) for e in store.activity_of(ADELE)] == [
        ('leave', FABRIKAM.id, ADELE), ('reinstate', FABRIKAM.id, 'operator'), ('disable', FABRIKAM.id, 'operator')]
    assert store.activity_of('demo-megan-bowen') == []


def test_every_change_reaches_the_person_s_open_pages(people: OrganizationService, events: MembershipEvents,
                                                      organization_side: MembershipAdmin) -> None:
    heard: list[str] = []
    events.subscribe(ADELE, lambda: heard.append('changed'))
    people.leave(ADELE, FABRIKAM.id)
    organization_side.reinstate(ADELE, FABRIKAM.id, actor='operator')
    organization_side.disable(ADELE, FABRIKAM.id, actor='operator')
    assert heard == ['changed'] * 3


def test_export_and_import_carry_the_lifecycle_and_old_files_still_import(
        people: OrganizationService, seeded: DirectoryAdmin, store: DirectoryRepository, tmp_path: Path) -> None:
    people.leave(ADELE, FABRIKAM.id)
    exported = tmp_path / 'export.json'
    seeded.export_file(exported)
    written = json.loads(exported.read_text())
    left = [m for m in written['memberships'] if m['subject'] == ADELE and m['organization'] == FABRIKAM.id]
    assert left == [{'subject': ADELE, 'organization': FABRIKAM.id, 'joined': '2024-03-14', 'state': 'left',
                     'left_at': '2026-03-01T09:00:00+00:00'}]
    contoso = next(o for o in written['organizations'] if o['name'] == 'Contoso Ltd.')
    assert contoso['privacy_contact'] == 'privacy@contoso.com' and 'contact' not in contoso
    copy = TinyDirectoryStore(tmp_path / 'copy' / 'directory.json')  # an export is the same from either store
    DirectoryAdmin(copy, MembershipEvents()).import_file(exported)
    assert as_sets(copy.export_directory()) == as_sets(store.export_directory())
    old_format = tmp_path / 'old.json'
    old_format.write_text(json.dumps({'organizations': [
        {'id': 'old-org', 'name': 'Old', 'domain': 'old.example', 'contact': 'privacy@old.example'}]}))
    seeded.import_file(old_format)
    assert store.organization('old-org').privacy_contact == 'privacy@old.example'


def as_sets(directory: Directory) -> dict[str, set]:
    return {name: set(getattr(directory, name)) for name in ('organizations', 'people', 'memberships')}


@pytest.mark.parametrize(('entry', 'message'), [
    ({'subject': ADELE, 'organization': FABRIKAM.id, 'state': 'gone'}, '"state" must be one of active, disabled'),
    ({'subject': ADELE, 'organization': FABRIKAM.id, 'state': 'left'}, '"left_at" is given exactly when'),
    ({'subject': ADELE, 'organization': FABRIKAM.id, 'left_at': '2026-01-01T00:00:00+00:00'}, '"left_at" is given'),
    ({'subject': ADELE, 'organization': FABRIKAM.id, 'state': 'left', 'left_at': 'yesterday'}, 'ISO date and time'),
])
def test_bad_lifecycle_entries_are_refused_naming_them(seeded: DirectoryAdmin, store: DirectoryRepository,
                                                       tmp_path: Path, entry: dict, message: str) -> None:
    before = store.export_directory()
    bad = tmp_path / 'bad.json'
    bad.write_text(json.dumps({'memberships': [entry]}))
    with pytest.raises(InvalidDirectory, match='memberships\\[0\\]') as refused:
        seeded.import_file(bad)
    assert message in str(refused.value)
    assert store.export_directory() == before
