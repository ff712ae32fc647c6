"""A person who is a guest in many organizations gets them a window at a time, searchable, in name order."""

from __future__ import annotations

import pytest

from data.records import Directory, Membership, Organization
from services.directory_admin import DirectoryAdmin
from services.errors import SearchTooLong
from services.organizations import OrganizationService

ADELE = 'demo-adele-vance'


@pytest.fixture
def many(seeded: DirectoryAdmin, organizations: OrganizationService) -> OrganizationService:
    """Adele gains 120 guest organizations 'Guest 000' … 'Guest 119' besides her four demo ones."""
    orgs = tuple(Organization(id=f'guest-{i:03d}', name=f'Guest {i:03d}', domain=f'g{i}.example') for i in range(120))
    seeded.merge(Directory(organizations=orgs, people=(),
                           memberships=tuple(Membership(subject=ADELE, organization=o.id) for o in orgs)),
                 actor='test', detail='many guest organizations')
    return organizations


def names(view) -> list[str]:
    return [guest.organization.name for guest in view.others]


def test_a_window_is_a_slice_of_the_name_ordered_list_with_the_counts(many: OrganizationService) -> None:
    view = many.organizations_of(ADELE, offset=50, limit=50)
    assert (view.others_total, view.others_matching, view.offset) == (125, 125, 50)
    assert names(view)[0] == 'Guest 049' and len(view.others) == 50  # Fabrikam comes before 'Guest …'
    everything = names(many.organizations_of(ADELE))
    assert everything == sorted(everything, key=str.casefold) and len(everything) == 125


def test_search_matches_every_word_in_name_domain_or_id(many: OrganizationService) -> None:
    assert names(many.organizations_of(ADELE, search='07 guest', limit=50)) == \
        ['Guest 007', *[f'Guest 07{i}' for i in range(10)], 'Guest 107']
    assert names(many.organizations_of(ADELE, search='G7.EXAMPLE', limit=50)) == ['Guest 007']
    assert names(many.organizations_of(ADELE, search='  northwind  ', limit=50)) == ['Northwind Traders']
    view = many.organizations_of(ADELE, search='no such thing', limit=50)
    assert (view.others, view.others_matching, view.others_total) == ((), 0, 125)


def test_a_window_past_the_end_gives_the_last_one_with_organizations(many: OrganizationService) -> None:
    view = many.organizations_of(ADELE, offset=500, limit=50)
    assert view.offset == 100 and len(view.others) == 25  # the list shrank since the page asked: no blank page
    assert many.organizations_of(ADELE, search='zzz', offset=100, limit=50).offset == 0


def test_the_home_organization_is_never_in_the_window(many: OrganizationService) -> None:
    view = many.organizations_of(ADELE, search='contoso', limit=50)
    assert view.home.name == 'Contoso Ltd.' and view.others == ()


def test_an_absurdly_long_search_is_refused_not_run(many: OrganizationService) -> None:
    with pytest.raises(SearchTooLong):
        many.organizations_of(ADELE, search='x' * 201, limit=50)
