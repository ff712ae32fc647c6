"""axe-core finds no serious or critical violation on any page, in any state a person can put it in."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, StorageState, expect

from services.demo_directory import TAILSPIN
from tests.e2e.accessibility import expect_no_serious_violations
from tests.e2e.conftest import Portal
from tests.e2e.pages import (
    DEMO_SIGN_IN_HEADING,
    card_headings,
    open_leave_dialog,
    open_page,
    others_section,
)


@pytest.fixture
def as_adele(shared_portal: Portal, adele: StorageState,
             new_context: Callable[..., BrowserContext]) -> Callable[..., BrowserContext]:
    """New browser profiles already signed in as Adele (only the locale or the window size differ)."""
    return lambda **options: new_context(storage_state=adele, **options)


def test_demo_sign_in_page(shared_portal: Portal, context: BrowserContext) -> None:
    page = context.new_page()
    page.goto(f'{shared_portal.url}/organizations')
    expect(page.get_by_role('heading', level=1)).to_have_text(DEMO_SIGN_IN_HEADING)
    expect_no_serious_violations(page, 'the demo sign-in page')


def test_overview(shared_portal: Portal, as_adele: Callable[..., BrowserContext]) -> None:
    page = open_page(as_adele(), f'{shared_portal.url}/')
    expect(page.get_by_role('heading', level=1)).to_have_text('Overview')
    expect_no_serious_violations(page, 'the overview')


@pytest.mark.parametrize(('locale', 'title'), [('en-US', 'Organizations'), ('nl-NL', 'Organisaties')])
def test_organizations_in_both_languages(shared_portal: Portal, as_adele: Callable[..., BrowserContext],
                                         locale: str, title: str) -> None:
    page = open_page(as_adele(locale=locale), f'{shared_portal.url}/organizations')
    expect(page.get_by_role('heading', level=1)).to_have_text(title)
    expect(page.locator('.q-card')).not_to_have_count(0)
    expect_no_serious_violations(page, f'the organizations page ({locale})')


def test_organizations_with_the_leave_dialog_open(shared_portal: Portal,
                                                  as_adele: Callable[..., BrowserContext]) -> None:
    page = open_page(as_adele(), f'{shared_portal.url}/organizations')
    open_leave_dialog(page, TAILSPIN.name)
    expect_no_serious_violations(page, 'the organizations page with the leave dialog open')


def test_narrow_layout_with_the_navigation_drawer_open(shared_portal: Portal,
                                                       as_adele: Callable[..., BrowserContext]) -> None:
    page = open_page(as_adele(width=390, height=800), f'{shared_portal.url}/organizations')
    page.get_by_role('button', name='Open the navigation menu').click()
    expect(page.get_by_role('navigation', name='Profile pages')).to_be_visible()
    expect(card_headings(others_section(page))).not_to_have_count(0)
    expect_no_serious_violations(page, 'the narrow organizations page with the drawer open')


def test_language_menu_open(shared_portal: Portal, as_adele: Callable[..., BrowserContext]) -> None:
    page = open_page(as_adele(), f'{shared_portal.url}/organizations')
    page.get_by_role('button', name='Language: English. Choose another language').click()
    expect(page.get_by_role('menu')).to_be_visible()
    expect_no_serious_violations(page, 'the organizations page with the language menu open')


def test_signed_out_page(shared_portal: Portal, context: BrowserContext) -> None:
    page = context.new_page()  # a plain page: no live connection to wait for
    page.goto(f'{shared_portal.url}/signed-out')
    expect(page.get_by_role('heading', level=1)).to_have_text('You have signed out')
    expect_no_serious_violations(page, 'the signed-out page')


def test_sign_in_cancelled_page(shared_portal: Portal, context: BrowserContext) -> None:
    page = context.new_page()
    page.goto(f'{shared_portal.url}/organizations')
    page.get_by_role('button', name='Cancel and return to the portal').click()
    expect(page.get_by_role('heading', level=1)).to_have_text('Sign-in was cancelled')
    expect_no_serious_violations(page, 'the sign-in-cancelled page')
