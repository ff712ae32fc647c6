"""The Organizations page: the home organization apart, and a Leave control on every other one."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import BrowserContext, StorageState, expect

from services.demo_directory import CONTOSO, FABRIKAM, NORTHWIND, TAILSPIN, WOODGROVE
from tests.e2e.conftest import Portal
from tests.e2e.pages import (
    MEGAN,
    NO_OTHERS,
    card_headings,
    home_section,
    leave_buttons,
    open_page,
    others_section,
    sign_in,
)

ADELE_GUESTS = [FABRIKAM.name, NORTHWIND.name, TAILSPIN.name, WOODGROVE.name]


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


def test_each_other_organization_has_its_own_leave_button(shared_portal: Portal, adele: StorageState,
                                                          new_context: Callable[..., BrowserContext]) -> None:
    page = open_page(new_context(storage_state=adele), f'{shared_portal.url}/organizations')
    expect(card_headings(others_section(page))).to_have_text(ADELE_GUESTS)
    for name in ADELE_GUESTS:
        expect(others_section(page).get_by_role('button', name=f'Leave organization {name}', exact=True)) \
            .to_have_count(1)
    expect(leave_buttons(page)).to_have_count(len(ADELE_GUESTS))


def test_no_other_organizations_is_said_plainly(shared_portal: Portal, context: BrowserContext) -> None:
    page = context.new_page()
    sign_in(page, shared_portal.url, MEGAN)
    expect(card_headings(home_section(page))).to_have_text([FABRIKAM.name])
    expect(others_section(page)).to_contain_text(NO_OTHERS)
    expect(card_headings(others_section(page))).to_have_count(0)
    expect(leave_buttons(page)).to_have_count(0)
