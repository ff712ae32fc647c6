"""The leave rules the service enforces whatever the browser sends."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from data.repository import DirectoryRepository
from services.demo_directory import CONTOSO, FABRIKAM, TAILSPIN, WOODGROVE
from services.errors import (
    AlreadyLeft,
    CannotLeaveHomeOrganization,
    RateLimited,
    UnknownOrganization,
    UnknownPerson,
)
from services.events import MembershipEvents
from services.organizations import OrganizationService
from services.rate_limit import RateLimiter

ADELE, MEGAN, LIDIA = 'demo-adele-vance', 'demo-megan-bowen', 'demo-lidia-holloway'


def other_ids(service: OrganizationService, subject: str) -> list[str]:
    return [g.organization.id for g in service.organizations_of(subject).others]


def test_view_separates_home_from_other_organizations(organizations: OrganizationService) -> None:
    view = organizations.organizations_of(ADELE)
    assert view.home == CONTOSO
    assert [g.organization.name for g in view.others] == [
        'Fabrikam, Inc.', 'Litware, Inc.', 'Northwind Traders', 'Tailspin Toys', 'Woodgrove Bank']
    assert organizations.organizations_of(MEGAN).others == ()


def test_leave_ends_membership_records_audit_and_tells_listeners(
        organizations: OrganizationService, store: DirectoryRepository, events: MembershipEvents,
        reopen: Callable[[DirectoryRepository], DirectoryRepository]) -> None:
    heard: list[str] = []
    events.subscribe(ADELE, lambda: heard.append(ADELE))
    left = organizations.leave(ADELE, FABRIKAM.id)
    assert left == FABRIKAM
    assert FABRIKAM.id not in other_ids(organizations, ADELE)
    assert heard == [ADELE]
    last = store.audit_entries()[-1]
    assert (last.actor, last.action, last.organization) == (ADELE, 'leave', FABRIKAM.id)
    reopened = reopen(store).membership(ADELE, FABRIKAM.id)  # durable: kept as left, for retention
    assert reopened is not None and reopened.state == 'left' and reopened.left_at


def test_home_organization_can_never_be_left(organizations: OrganizationService, store: DirectoryRepository) -> None:
    audit_before = store.audit_entries()
    with pytest.raises(CannotLeaveHomeOrganization):
        organizations.leave(ADELE, CONTOSO.id)
    assert organizations.organizations_of(ADELE).home == CONTOSO
    assert store.audit_entries() == audit_before


def test_nobody_leaves_on_behalf_of_someone_else(organizations: OrganizationService) -> None:
    # Megan is no member of Woodgrove; Lidia is. Megan's request cannot touch Lidia's membership.
    with pytest.raises(AlreadyLeft):
        organizations.leave(MEGAN, WOODGROVE.id)
    assert other_ids(organizations, LIDIA) == [WOODGROVE.id]


@pytest.mark.parametrize('forged', ['no-such-org', '', '<img src=x onerror=alert(1)>', 'é' * 5000])
def test_unknown_or_forged_organization_ids_change_nothing(organizations: OrganizationService, forged: str) -> None:
    before = other_ids(organizations, ADELE)
    with pytest.raises(UnknownOrganization):
        organizations.leave(ADELE, forged)
    assert other_ids(organizations, ADELE) == before


def test_unknown_person_is_refused(organizations: OrganizationService) -> None:
    with pytest.raises(UnknownPerson):
        organizations.leave('nobody', FABRIKAM.id)


def test_second_leave_is_told_already_left(organizations: OrganizationService) -> None:
    organizations.leave(ADELE, TAILSPIN.id)
    with pytest.raises(AlreadyLeft) as refused:
        organizations.leave(ADELE, TAILSPIN.id)
    assert refused.value.params['organization'] == TAILSPIN.name


def test_concurrent_leaves_of_one_membership_exactly_one_succeeds(
        organizations: OrganizationService, store: DirectoryRepository) -> None:
    outcomes: list[str] = []
    start = threading.Barrier(8)

    def attempt() -> None:
        start.wait()
        try:
            organizations.leave(ADELE, WOODGROVE.id)
            outcomes.append('left')
        except AlreadyLeft:
            outcomes.append('already left')

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ['already left'] * 7 + ['left']
    assert [e.organization for e in store.audit_entries() if e.action == 'leave'] == [WOODGROVE.id]


def test_leaves_are_rate_limited_per_person_and_address(store: DirectoryRepository, events: MembershipEvents,
                                                        seeded: object) -> None:
    limited = OrganizationService(store, events, limiter=RateLimiter(limit=2, window_seconds=60))
    with pytest.raises(CannotLeaveHomeOrganization):
        limited.leave(ADELE, CONTOSO.id, address='10.0.0.1')  # refused attempts count too
    limited.leave(ADELE, FABRIKAM.id, address='10.0.0.2')
    with pytest.raises(RateLimited):
        limited.leave(ADELE, TAILSPIN.id, address='10.0.0.3')
    with pytest.raises(AlreadyLeft):
        limited.leave(MEGAN, WOODGROVE.id, address='10.0.0.2')  # the second attempt from that address
    with pytest.raises(RateLimited):
        limited.leave(LIDIA, WOODGROVE.id, address='10.0.0.2')  # Lidia, but from an address at its limit
    assert TAILSPIN.id in other_ids(limited, ADELE)
    assert WOODGROVE.id in other_ids(limited, LIDIA)
