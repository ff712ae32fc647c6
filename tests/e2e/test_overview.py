"""The Overview page and the navigation around every signed-in page, wide and on a phone."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import BrowserContext, Locator, Page, StorageState, expect

from services.demo_directory import CONTOSO
from tests.e2e.conftest import Portal
from tests.e2e.pages import ADELE, open_page

MENU = 'Open the navigation menu'


def navigation(page: Page) -> Locator:
    return page.get_by_role('navigation', name='Profile pages')


def test_overview_shows_who_is_signed_in_and_their_organizations(
        shared_portal: Portal, adele: StorageState, new_context: Callable[..., BrowserContext]) -> None:
    page = open_page(new_context(storage_state=adele), f'{shared_portal.url}/')
    expect(page.get_by_role('heading', level=1)).to_have_text('Overview')
    main = page.get_by_role('main')
    expect(main.get_by_role('heading', level=2, name=ADELE.name)).to_be_visible()
    expect(main.get_by_text(ADELE.email, exact=True)).to_be_visible()
    block = main.locator('.q-card').filter(has=page.get_by_role('heading', level=2, name='Organizations'))
    expect(block).to_contain_text(f'Home organization: {CONTOSO.name}')
    expect(block).to_contain_text('Other organizations (5):')
    block.get_by_role('link', name='Manage organizations').click()
    expect(page).to_have_url(f'{shared_portal.url}/organizations')
    expect(page.get_by_role('heading', level=1)).to_have_text('Organizations')


def test_left_navigation_leads_to_both_pages(shared_portal: Portal, adele: StorageState,
                                             new_context: Callable[..., BrowserContext]) -> None:
    page = open_page(new_context(storage_state=adele), f'{shared_portal.url}/')
    links = navigation(page).get_by_role('link')
    expect(links).to_have_count(4)
    expect(links.nth(0)).to_have_accessible_name('Overview')
    expect(links.nth(1)).to_have_accessible_name('Organizations')
    expect(navigation(page).get_by_role('link', name='Overview')).to_have_attribute('aria-current', 'page')
    expect(page.get_by_role('button', name=MENU)).to_be_hidden()  # wide enough: the pane is always there
    navigation(page).get_by_role('link', name='Organizations').click()
    expect(page).to_have_url(f'{shared_portal.url}/organizations')
    expect(navigation(page).get_by_role('link', name='Organizations')).to_have_attribute('aria-current', 'page')
    navigation(page).get_by_role('link', name='Overview').click()
    expect(page).to_have_url(f'{shared_portal.url}/')


def test_narrow_screen_hides_the_navigation_behind_a_menu_button(
        shared_portal: Portal, adele: StorageState, new_context: Callable[..., BrowserContext]) -> None:
    page = open_page(new_context(storage_state=adele, width=390, height=800), f'{shared_portal.url}/')
    expect(page.get_by_role('heading', level=1)).to_have_text('Overview')
    expect(navigation(page)).to_be_hidden()
    page.get_by_role('button', name=MENU).click()
    expect(navigation(page)).to_be_visible()
    navigation(page).get_by_role('link', name='Organizations').click()
    expect(page).to_have_url(f'{shared_portal.url}/organizations')
    expect(page.get_by_role('heading', level=1)).to_have_text('Organizations')
