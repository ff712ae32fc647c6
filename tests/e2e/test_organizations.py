"""The Organizations page: the home organization apart, and a Leave control on every other one."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, StorageState, expect

from services.demo_directory import CONTOSO, FABRIKAM, LITWARE, NORTHWIND, TAILSPIN, WOODGROVE
from tests.e2e.conftest import Portal
from tests.e2e.pages import (
    MEGAN,
    NO_OTHERS,
    card_heading,
    card_headings,
    home_section,
    leave_button,
    leave_buttons,
    open_page,
    others_section,
    sign_in,
)

ADELE_GUESTS = [FABRIKAM.name, LITWARE.name, NORTHWIND.name, TAILSPIN.name, WOODGROVE.name]


def test_both_sections_with_the_right_cards(shared_portal: Portal, adele: StorageState,
                                            new_context: Callable[..., BrowserContext]) -> None:
    page = open_page(new_context(storage_state=adele), f'{shared_portal.url}/organizations')
    expect(page.get_by_role('heading', level=1)).to_have_text('Organizations')
    expect(home_section(page).get_by_role('heading', level=2)).to_have_text('Home organization')
    expect(others_section(page).get_by_role('heading', level=2)).to_have_text(
        'Other organizations you collaborate with')
    expect(card_headings(home_section(page))).to_have_text([CONTOSO.name])
    expect(home_section(page)).to_contain_text(CONTOSO.id)
    expect(home_section(page)).to_contain_text("You can't leave it.")
    expect(card_headings(others_section(page))).to_have_text(ADELE_GUESTS)
    expect(others_section(page)).to_contain_text('14 March 2024')  # when Adele joined Fabrikam


def test_home_organization_has_no_leave_control(shared_portal: Portal, adele: StorageState,
                                                new_context: Callable[..., BrowserContext]) -> None:
    page = open_page(new_context(storage_state=adele), f'{shared_portal.url}/organizations')
    expect(card_headings(home_section(page))).to_have_text([CONTOSO.name])
    expect(page.get_by_role('button', name=CONTOSO.name)).to_have_count(0)
    expect(home_section(page).get_by_role('button', name='Leave')).to_have_count(0)


def test_each_other_organization_has_its_own_way_out(shared_portal: Portal, adele: StorageState,
                                                     new_context: Callable[..., BrowserContext]) -> None:
    page = open_page(new_context(storage_state=adele), f'{shared_portal.url}/organizations')
    expect(card_headings(others_section(page))).to_have_text(ADELE_GUESTS)
    for name in (FABRIKAM.name, TAILSPIN.name, WOODGROVE.name):
        expect(others_section(page).get_by_role('button', name=f'Leave organization {name}', exact=True)) \
            .to_have_count(1)
    expect(leave_buttons(page)).to_have_count(3)
    for blocked, why in ((LITWARE, f'{LITWARE.name} lets guests leave only on request.'),
                         (NORTHWIND, "hasn't published both a privacy statement and a privacy contact")):
        card = page.locator(f'[data-org-id="{blocked.id}"]')
        expect(card).to_contain_text(why)
        expect(card.get_by_role('button', name=f'Request removal from {blocked.name}', exact=True)).to_be_visible()
        expect(card.get_by_role('button', name=f'Leave organization {blocked.name}')).to_have_count(0)
    expect(page.locator(f'[data-org-id="{LITWARE.id}"] .portal-blocked')).to_contain_text(
        'Its privacy contact, above, can tell you more.')
    contact = page.locator(f'[data-org-id="{LITWARE.id}"]').get_by_role('definition').get_by_role('link').last
    expect(contact).to_have_text('privacy@litware.com')
    expect(contact).to_have_attribute('href', 'mailto:privacy@litware.com')


def test_no_other_organizations_is_said_plainly(shared_portal: Portal, context: BrowserContext) -> None:
    page = context.new_page()
    sign_in(page, shared_portal.url, MEGAN)
    expect(card_headings(home_section(page))).to_have_text([FABRIKAM.name])
    expect(others_section(page)).to_contain_text(NO_OTHERS)
    expect(card_headings(others_section(page))).to_have_count(0)
    expect(leave_buttons(page)).to_have_count(0)


def test_the_copy_button_copies_the_organization_id(shared_portal: Portal, adele: StorageState,
                                                    new_context: Callable[..., BrowserContext]) -> None:
    context = new_context(storage_state=adele)
    context.grant_permissions(['clipboard-read', 'clipboard-write'], origin=shared_portal.url)
    page = open_page(context, f'{shared_portal.url}/organizations')
    card = page.locator(f'[data-org-id="{NORTHWIND.id}"]')
    card.get_by_role('button', name='Copy organization ID').click()
    expect(page.get_by_text('Organization ID copied to the clipboard')).to_be_visible()
    assert page.evaluate('navigator.clipboard.readText()') == NORTHWIND.id


def test_markup_in_an_imported_name_is_shown_as_text(portal: Portal, page: Page, tmp_path: Path) -> None:
    nasty = '<img src=x onerror="window.e2eInjected=1"> Ωmega & Zoë'
    directory = tmp_path / 'nasty.json'
    directory.write_text(json.dumps({
        'organizations': [{'id': 'nasty-org', 'name': nasty, 'domain': 'nasty.example',
                           'privacy_url': 'https://nasty.example/"><img src=x onerror="window.e2eInjected=3">',
                           'contact': '"><img src=x onerror="window.e2eInjected=2">@x.example'}],
        'memberships': [{'subject': MEGAN.subject, 'organization': 'nasty-org'}]}))
    assert portal.run_command('import', str(directory)).returncode == 0
    sign_in(page, portal.url, MEGAN)
    expect(card_heading(page, nasty)).to_be_visible()
    expect(leave_button(page, nasty)).to_be_visible()
    assert page.locator('[data-org-id="nasty-org"] img').count() == 0
    assert page.evaluate('window.e2eInjected') is None
