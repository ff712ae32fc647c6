"""Live lists change only what changed: cards that stay are the same elements, a renamed card is updated in place."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from nicegui import ElementFilter, ui
from nicegui.testing import User

from services.demo_directory import NORTHWIND, TAILSPIN, WOODGROVE
from tests.ui.conftest import sign_in
from tests.ui.test_organizations_page import ADELE, card_names, eventually, leave_button

ROOT = Path(__file__).resolve().parents[2]


def cards_by_org(user: User) -> dict[str, int]:
    """Organization id -> the id of the card element showing it."""
    with user.client:
        return {card.props['data-org-id']: card.id for card in ElementFilter(marker='guest-card', local_scope=False)}


def administrator_imports(tmp_path: Path, directory: dict) -> None:
    path = tmp_path / f'import-{len(list(tmp_path.glob("import-*")))}.json'
    path.write_text(json.dumps(directory))
    result = subprocess.run([sys.executable, 'main.py', 'import', str(path)], cwd=ROOT, capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr


async def test_a_leave_elsewhere_removes_one_card_and_touches_no_other(create_user: Callable[[], User]) -> None:
    first, second = create_user(), create_user()
    for user in (first, second):
        await sign_in(user, ADELE)
        await user.open('/organizations')
    before = cards_by_org(second)
    leave_button(first, TAILSPIN.name).click()
    await first.should_see(f'Leave {TAILSPIN.name}?')
    first.find(marker='leave-confirm').click()
    await eventually(lambda: TAILSPIN.id not in cards_by_org(second))
    assert cards_by_org(second) == {org: card for org, card in before.items() if org != TAILSPIN.id}


async def test_a_renamed_organization_is_updated_in_place_and_moves_to_its_order(user: User,
                                                                               tmp_path: Path) -> None:
    await sign_in(user, ADELE)
    await user.open('/organizations')
    before = cards_by_org(user)
    renamed = {'id': WOODGROVE.id, 'name': 'Aardvark Bank', 'domain': 'woodgrovebank.com'}
    administrator_imports(tmp_path, {'organizations': [renamed]})
    await eventually(lambda: card_names(user, 'guest-card')[0] == 'Aardvark Bank', tries=40)
    assert card_names(user, 'guest-card') == ['Aardvark Bank', 'Fabrikam, Inc.', 'Litware, Inc.',
                                              'Northwind Traders', 'Tailspin Toys']
    assert cards_by_org(user) == before  # every card, the renamed one included, is the element it was


async def test_a_new_membership_is_inserted_in_name_order(user: User, tmp_path: Path) -> None:
    await sign_in(user, 'demo-lidia-holloway')  # a guest in Woodgrove Bank only
    await user.open('/organizations')
    before = cards_by_org(user)
    administrator_imports(tmp_path, {'memberships': [
        {'subject': 'demo-lidia-holloway', 'organization': NORTHWIND.id},
        {'subject': 'demo-lidia-holloway', 'organization': TAILSPIN.id}]})
    await eventually(lambda: len(card_names(user, 'guest-card')) == 3, tries=40)
    assert card_names(user, 'guest-card') == ['Northwind Traders', 'Tailspin Toys', 'Woodgrove Bank']
    assert cards_by_org(user)[WOODGROVE.id] == before[WOODGROVE.id]


async def test_many_organizations_are_paged_and_searchable(user: User, tmp_path: Path) -> None:
    organizations = [{'id': f'guest-{i:03d}', 'name': f'Guest {i:03d}', 'domain': f'org-{i:03d}.example'}
                     for i in range(120)]
    administrator_imports(tmp_path, {'organizations': organizations, 'memberships': [
        {'subject': ADELE, 'organization': org['id']} for org in organizations]})
    await sign_in(user, ADELE)
    await user.open('/organizations')
    await user.should_see('Showing 1\N{EN DASH}50 of 125.', retries=40)  # the store picks up the import within a second
    assert len(card_names(user, 'guest-card')) == 50
    user.find(marker='list-next').click()
    await user.should_see('Showing 51\N{EN DASH}100 of 125.')
    assert card_names(user, 'guest-card')[0] == 'Guest 049'
    user.find(marker='list-search').type('org-11 example')
    await user.should_see('10 of 125 match your search.')
    assert card_names(user, 'guest-card') == [f'Guest 11{i}' for i in range(10)]
    user.find(marker='list-search').clear().type('no such organization')
    await user.should_see('Nothing matches “no such organization”.')
    assert card_names(user, 'guest-card') == []


async def test_a_short_list_has_no_search_and_no_pages(user: User) -> None:
    await sign_in(user, ADELE)
    await user.open('/organizations')
    await user.should_see('Other organizations you collaborate with')
    assert len(card_names(user, 'guest-card')) == 5
    with user.client:
        assert not list(ElementFilter(kind=ui.input, local_scope=False))
        assert not list(ElementFilter(marker='list-next', local_scope=False))
