"""The Organizations page in NiceGUI's simulated browser, signed in through the demo provider."""

from __future__ import annotations

import asyncio
import html
import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from nicegui import ElementFilter, ui
from nicegui.testing import User
from nicegui.testing.user_interaction import UserInteraction

from tests.ui.conftest import sign_in
from tests.ui.sign_out import sign_out

ROOT = Path(__file__).resolve().parents[2]
ADELE, MEGAN = 'demo-adele-vance', 'demo-megan-bowen'


def card_names(user: User, marker: str) -> list[str]:
    """The organization names (each card's level-3 heading) on the cards with `marker`, in page order."""
    with user.client:
        cards = list(ElementFilter(marker=marker, local_scope=False))
    cards = [card for card in cards if card.parent_slot is not None]
    return [html.unescape(name) for card in sorted(cards, key=lambda card: list(card.parent_slot.children).index(card))
            for block in card.descendants() if isinstance(block, ui.html)
            for name in re.findall(r'<h3[^>]*>(.*?)</h3>', block.content)]


def open_dialogs(user: User) -> list[ui.dialog]:
    with user.client:
        return [dialog for dialog in ElementFilter(kind=ui.dialog, local_scope=False) if dialog.value]


async def eventually(check: Callable[[], bool], tries: int = 20) -> None:
    for _ in range(tries):
        if check():
            return
        await asyncio.sleep(0.1)
    assert check()


def leave_button(user: User, organization: str) -> UserInteraction:
    buttons = {b for b in user.find(marker='leave-button').elements
               if b.props.get('aria-label') == f'Leave organization {organization}'}
    assert len(buttons) == 1, f'expected one Leave button for {organization}'
    return UserInteraction(user, buttons, None)


async def test_signed_out_visitor_is_sent_to_sign_in(user: User) -> None:
    response = await user.http_client.get('/organizations')
    assert response.status_code == 303
    assert response.headers['location'] == '/auth/login?next=%2Forganizations'


async def test_both_sections_with_organization_details(user: User) -> None:
    await sign_in(user, ADELE)
    await user.open('/organizations')
    await user.should_see('Home organization')
    await user.should_see('Other organizations you collaborate with')
    assert card_names(user, 'home-card') == ['Contoso Ltd.']
    await user.should_see('4c2d9a6e-58f1-4b7e-9d3a-1f6b2e8c7a01')
    await user.should_see("Your home organization owns your work or school account. You can't leave it.")
    assert card_names(user, 'guest-card') == ['Fabrikam, Inc.', 'Litware, Inc.', 'Northwind Traders',
                                              'Tailspin Toys', 'Woodgrove Bank']
    await user.should_see('14 March 2024')
    assert len(user.find(marker='leave-button').elements) == 3  # Litware and Northwind: by request only


async def test_home_organization_has_no_leave_control(user: User) -> None:
    await sign_in(user, ADELE)
    await user.open('/organizations')
    labels = [b.props.get('aria-label', '') for b in user.find(kind=ui.button).elements]
    assert not any('Contoso' in label for label in labels)


async def test_leave_asks_then_removes_the_card_and_confirms(user: User) -> None:
    await sign_in(user, ADELE)
    await user.open('/organizations')
    leave_button(user, 'Fabrikam, Inc.').click()
    await user.should_see('Leave Fabrikam, Inc.?')
    await user.should_see("Leaving can't be undone. To get back, Fabrikam, Inc. has to invite you again.")
    user.find(marker='leave-confirm').click()
    await eventually(lambda: 'Fabrikam, Inc.' not in card_names(user, 'guest-card'))
    await user.should_see('You left Fabrikam, Inc.')
    assert card_names(user, 'guest-card') == ['Litware, Inc.', 'Northwind Traders', 'Tailspin Toys',
                                              'Woodgrove Bank']


async def test_cancel_changes_nothing(user: User) -> None:
    await sign_in(user, ADELE)
    await user.open('/organizations')
    leave_button(user, 'Tailspin Toys').click()
    await user.should_see('Leave Tailspin Toys?')
    user.find(marker='leave-cancel').click()
    await eventually(lambda: not open_dialogs(user))
    await user.open('/organizations')
    assert 'Tailspin Toys' in card_names(user, 'guest-card')


async def test_empty_state_without_other_organizations(user: User) -> None:
    await sign_in(user, MEGAN)
    await user.open('/organizations')
    assert card_names(user, 'home-card') == ['Fabrikam, Inc.']
    await user.should_see("You don't belong to any other organizations.", retries=3)
    await user.should_not_see(marker='leave-button')


async def test_a_leave_in_one_tab_updates_the_other(create_user: Callable[[], User]) -> None:
    first, second = create_user(), create_user()
    await sign_in(first, ADELE)
    await sign_in(second, ADELE)
    await first.open('/organizations')
    await second.open('/organizations')
    leave_button(first, 'Tailspin Toys').click()
    await first.should_see('Leave Tailspin Toys?')
    first.find(marker='leave-confirm').click()
    await eventually(lambda: 'Tailspin Toys' not in card_names(second, 'guest-card'))


async def test_administrator_import_appears_live(user: User, portal_environment: Path, tmp_path: Path) -> None:
    await sign_in(user, 'demo-megan-bowen')
    await user.open('/organizations')
    await user.should_see("You don't belong to any other organizations.")
    directory = tmp_path / 'invite.json'
    directory.write_text(json.dumps({'memberships': [
        {'subject': 'demo-megan-bowen', 'organization': '1a5c8e2b-7d3f-4e9a-8b6c-5f4e3d2c1b03'}]}))
    result = subprocess.run([sys.executable, 'main.py', 'import', str(directory)], cwd=ROOT, capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    await eventually(lambda: card_names(user, 'guest-card') == ['Woodgrove Bank'], tries=30)


async def test_overview_summarises_and_links_to_organizations(user: User) -> None:
    await sign_in(user, ADELE, next_path='/')
    await user.open('/')
    await user.should_see('Adele Vance')
    await user.should_see('Home organization: Contoso Ltd.')
    await user.should_see('Other organizations (5): Fabrikam, Inc., Litware, Inc., Northwind Traders and 2 more')
    user.find('Manage organizations').click()
    await user.should_see('Other organizations you collaborate with')


async def test_dutch_from_the_browser_and_switch_to_english(user: User) -> None:
    await sign_in(user, ADELE, accept_language='nl-NL,nl;q=0.9')
    await user.open('/organizations')
    await user.should_see('Thuisorganisatie')
    await user.should_see('Andere organisaties waarmee u samenwerkt')
    assert user.find(marker='leave-button').elements.pop().props['aria-label'].startswith('Organisatie ')
    await user.http_client.get('/lang/en?next=/organizations')
    await user.open('/organizations')
    await user.should_see('Home organization')


async def test_sign_out_ends_the_session_for_good(user: User) -> None:
    await sign_in(user, ADELE)
    copied_cookies = dict(user.http_client.cookies)
    await sign_out(user, follow_redirects=True)
    assert (await user.http_client.get('/organizations')).status_code == 303
    user.http_client.cookies.clear()
    user.http_client.cookies.update(copied_cookies)  # a copy of the cookie taken before sign-out
    assert (await user.http_client.get('/organizations')).status_code == 303
