"""The My activity and Privacy pages in NiceGUI's simulated browser, signed in through the demo provider."""

from __future__ import annotations

import asyncio
import html
import json
import re
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from nicegui import ElementFilter, ui
from nicegui.element import Element
from nicegui.testing import User
from nicegui.testing.user_interaction import UserInteraction

from data.records import AuditEntry, Changes
from data.tinydb_store import TinyDirectoryStore
from services.demo_directory import CONTOSO, FABRIKAM, NORTHWIND, TAILSPIN, WOODGROVE
from tests.ui.conftest import sign_in
from ui.i18n import format_date

ROOT = Path(__file__).resolve().parents[2]
ADELE = 'demo-adele-vance'


def in_page_order(elements: list[Element]) -> list[Element]:
    return sorted(elements, key=lambda element: list(element.parent_slot.children).index(element))


def activity_items(user: User) -> list[ui.html]:
    """The entries on the activity page, newest first (each is one list item of HTML)."""
    with user.client:
        return in_page_order([item for item in ElementFilter(kind=ui.html, local_scope=False)
                              if item.props.get('tag') == 'li'])


def sentences(user: User) -> list[str]:
    """What each entry says happened (its first paragraph), newest first."""
    return [html.unescape(re.search(r'<p>(.*?)</p>', item.content).group(1)) for item in activity_items(user)]


def text_of(item: ui.html) -> str:
    """An entry as it reads: its tags taken away."""
    return html.unescape(re.sub(r'<[^>]+>', '', item.content))


def privacy_cards(user: User) -> list[str]:
    """The organization names on the Privacy page's cards, in page order: the home organization, then the others."""
    with user.client:
        cards = [card for card in ElementFilter(marker='privacy-card', local_scope=False)
                 if card.parent_slot is not None]
    home = in_page_order([card for card in cards if 'portal-grid' not in card.parent_slot.parent.classes])
    others = in_page_order([card for card in cards if 'portal-grid' in card.parent_slot.parent.classes])
    return [html.unescape(name) for card in home + others for block in card.descendants()
            if isinstance(block, ui.html) for name in re.findall(r'<h3[^>]*>(.*?)</h3>', block.content)]


def privacy_card_text(user: User, organization: str) -> str:
    with user.client:
        blocks = [block.content for card in ElementFilter(marker='privacy-card', local_scope=False)
                  for block in card.descendants() if isinstance(block, ui.html)]
    found = [block for block in blocks if f'>{html.escape(organization, quote=False)}</h3>' in block]
    assert len(found) == 1, f'expected one privacy card for {organization}'
    return html.unescape(found[0])


async def eventually(check: Callable[[], bool], tries: int = 40) -> None:
    for _ in range(tries):
        if check():
            return
        await asyncio.sleep(0.1)
    assert check()


async def leave(user: User, organization: str) -> None:
    """Leave `organization` on the Organizations page, as the person would: Leave, then confirm."""
    await user.open('/organizations')
    await user.should_see('Other organizations you collaborate with')
    buttons = {b for b in user.find(marker='leave-button').elements
               if b.props.get('aria-label') == f'Leave organization {organization}'}
    assert len(buttons) == 1, f'expected one Leave button for {organization}'
    UserInteraction(user, buttons, None).click()
    await user.should_see(f'Leave {organization}?')
    user.find(marker='leave-confirm').click()
    await user.should_see(f'You left {organization}', retries=20)


async def open_signed_in(user: User, path: str, *, accept_language: str = 'en') -> None:
    await sign_in(user, ADELE, next_path=path, accept_language=accept_language)
    await user.open(path)


def today(language: str) -> str:
    return format_date(datetime.now(UTC).date().isoformat(), language)


def administrator_imports(tmp_path: Path, directory: dict) -> None:
    path = tmp_path / f'import-{len(list(tmp_path.glob("import-*")))}.json'
    path.write_text(json.dumps(directory))
    result = subprocess.run([sys.executable, 'main.py', 'import', str(path)], cwd=ROOT, capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize('path', ['/activity', '/privacy'])
async def test_signed_out_visitors_are_sent_to_sign_in(user: User, path: str) -> None:
    response = await user.http_client.get(path)
    assert response.status_code == 303
    assert response.headers['location'] == f'/auth/login?next=%2F{path[1:]}'


async def test_activity_shows_the_sign_in_and_a_leave_newest_first(user: User) -> None:
    await open_signed_in(user, '/activity')
    await user.should_see('My activity')
    assert sentences(user) == ['You signed in.']
    await user.should_see(f'{today("en")}, ')
    await user.should_see('UTC')
    await leave(user, FABRIKAM.name)
    await user.open('/activity')
    assert sentences(user) == ['You left Fabrikam, Inc.', 'You signed in.']  # one full stop after 'Inc.'
    assert text_of(activity_items(user)[0]).endswith(' UTC')  # the person did it: nobody else is named


async def test_what_others_did_says_who_and_shows_the_organizations_answer(user: User,
                                                                           portal_environment: Path) -> None:
    await open_signed_in(user, '/activity')
    other_process = TinyDirectoryStore(portal_environment)  # as an administrator's command would write
    other_process.transact(lambda reader: Changes(audit=(
        AuditEntry(at='2026-03-02T08:05:09+00:00', actor='demo-megan-bowen', action='removal_declined',
                   organization=NORTHWIND.id, subject=ADELE, detail='You still <b>work</b> with us.'),
        AuditEntry(at='2026-03-03T10:00:00+00:00', actor='operator', action='disable', organization='gone-org',
                   subject=ADELE),
        AuditEntry(at='2026-03-04T11:30:00+00:00', actor='retention', action='purge', organization=TAILSPIN.id,
                   subject=ADELE),
        AuditEntry(at='2026-03-05T12:00:00+00:00', actor=ADELE, action='brand_new_action', subject=ADELE))))
    await user.open('/activity')
    assert sentences(user)[:4] == [
        'Recorded: “brand_new_action”.',
        f'Your left membership of {TAILSPIN.name} was removed for good.',
        'Your membership of gone-org was disabled: you can\'t leave it on your own.',
        f'Your removal request to {NORTHWIND.name} was declined.']
    items = activity_items(user)
    assert 'Their answer: “You still <b>work</b> with us.”' in text_of(items[3])  # as the organization wrote it
    assert '<b>' not in items[3].content  # ... and never as markup
    assert '2 March 2026, 08:05 UTC · by the organization' in text_of(items[3])
    assert text_of(items[2]).endswith('3 March 2026, 10:00 UTC · by an administrator')
    assert text_of(items[1]).endswith('4 March 2026, 11:30 UTC · automatically after the retention period')
    assert text_of(items[0]).endswith('5 March 2026, 12:00 UTC')  # the person did it: nobody else is named


async def test_a_leave_in_another_tab_appears_without_reload(create_user: Callable[[], User]) -> None:
    watching, leaving = create_user(), create_user()
    await open_signed_in(watching, '/activity')
    await sign_in(leaving, ADELE)
    await eventually(lambda: sentences(watching) == ['You signed in.', 'You signed in.'])  # the other tab's sign-in
    before = [item.id for item in activity_items(watching)]
    await leave(leaving, TAILSPIN.name)
    await eventually(lambda: sentences(watching)[0] == f'You left {TAILSPIN.name}.')
    assert [item.id for item in activity_items(watching)][1:] == before  # the entries already shown stay as they are


async def test_many_entries_are_paged_and_searchable_by_organization(user: User, portal_environment: Path) -> None:
    await open_signed_in(user, '/activity')
    store = TinyDirectoryStore(portal_environment)
    for minute in range(30):
        store.transact(lambda reader, minute=minute: Changes(audit=(AuditEntry(
            at=f'2026-03-01T09:{minute:02d}:00+00:00', actor='operator', action='disable' if minute % 2 else 'enable',
            organization=WOODGROVE.id, subject=ADELE),)))
    await user.open('/activity')
    await user.should_see('Showing 1\N{EN DASH}25 of 31.')
    assert len(activity_items(user)) == 25
    user.find(marker='list-next').click()
    await user.should_see('Showing 26\N{EN DASH}31 of 31.')
    assert sentences(user)[-1] == 'You signed in.'
    user.find(marker='list-search').type('woodgrove')
    await user.should_see('30 of 31 match your search.')
    assert 'You signed in.' not in sentences(user)


async def test_activity_in_dutch(user: User) -> None:
    await open_signed_in(user, '/activity', accept_language='nl')
    await user.should_see('Mijn activiteit')
    assert sentences(user) == ['U hebt zich aangemeld.']
    await user.should_see(f'{today("nl")}, ')


async def test_privacy_lists_home_first_and_says_what_is_missing(user: User, tmp_path: Path) -> None:
    await open_signed_in(user, '/privacy')
    await user.should_see('Your home organization')
    names = privacy_cards(user)
    assert names[0] == CONTOSO.name
    assert names[1:] == sorted(names[1:], key=str.casefold)
    assert {FABRIKAM.name, NORTHWIND.name, TAILSPIN.name, WOODGROVE.name} <= set(names[1:])
    northwind = privacy_card_text(user, NORTHWIND.name)
    assert f"{NORTHWIND.name} hasn't published a privacy statement or a privacy contact." in northwind
    contoso = privacy_card_text(user, CONTOSO.name)
    assert f'href="{CONTOSO.privacy_url}" target="_blank" rel="noopener noreferrer"' in contoso
    assert f'href="mailto:{CONTOSO.privacy_contact}"' in contoso

    # an administrator's import takes one of the two away from each of two organizations: the open page follows
    administrator_imports(tmp_path, {'organizations': [
        {'id': WOODGROVE.id, 'name': WOODGROVE.name, 'domain': WOODGROVE.domain,
         'privacy_url': 'https://woodgrovebank.com/privacy'},
        {'id': TAILSPIN.id, 'name': TAILSPIN.name, 'domain': TAILSPIN.domain, 'privacy_contact': 'Call +1 555 0100'},
    ]})
    await eventually(lambda: "hasn't published a privacy contact" in privacy_card_text(user, WOODGROVE.name))
    woodgrove = privacy_card_text(user, WOODGROVE.name)
    assert f"{WOODGROVE.name} hasn't published a privacy contact." in woodgrove
    assert 'Read the privacy statement' in woodgrove
    tailspin = privacy_card_text(user, TAILSPIN.name)
    assert f"{TAILSPIN.name} hasn't published a privacy statement." in tailspin
    assert 'Call +1 555 0100' in tailspin and 'mailto:' not in tailspin  # not an e-mail address: plain text


async def test_privacy_page_drops_an_organization_left_in_another_tab(create_user: Callable[[], User]) -> None:
    watching, leaving = create_user(), create_user()
    await open_signed_in(watching, '/privacy')
    await sign_in(leaving, ADELE)
    assert FABRIKAM.name in privacy_cards(watching)
    await leave(leaving, FABRIKAM.name)
    await eventually(lambda: FABRIKAM.name not in privacy_cards(watching))
    assert privacy_cards(watching)[0] == CONTOSO.name
