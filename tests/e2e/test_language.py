"""Dutch for a Dutch browser, from the sign-in page on; the header's language switch changes it for good."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import BrowserContext, Page, StorageState, expect

from services.demo_directory import FABRIKAM
from tests.e2e.conftest import Portal
from tests.e2e.pages import ADELE, choose_account, open_page


def expect_html_lang(page: Page, pattern: str) -> None:
    expect(page.locator('html')).to_have_attribute('lang', re.compile(pattern))


def test_a_dutch_browser_gets_dutch_pages(shared_portal: Portal, new_context: Callable[..., BrowserContext]) -> None:
    page = new_context(locale='nl-NL').new_page()
    page.goto(f'{shared_portal.url}/organizations')
    expect(page.get_by_role('heading', level=1)).to_have_text('Kies een demo-account')
    expect_html_lang(page, r'^nl\b')
    choose_account(page, ADELE)
    expect(page).to_have_url(f'{shared_portal.url}/organizations')
    expect(page.get_by_role('heading', level=1)).to_have_text('Organisaties')
    expect(page.get_by_role('region', name='Thuisorganisatie')).to_be_visible()
    expect(page.get_by_role('region', name='Andere organisaties waarmee u samenwerkt')).to_be_visible()
    expect(page.get_by_role('button', name=f'Organisatie {FABRIKAM.name} verlaten', exact=True)).to_be_visible()
    expect(page.get_by_role('button', name='Afmelden')).to_be_visible()
    expect_html_lang(page, r'^nl\b')


def test_the_language_switch_changes_to_english_and_sticks(
        shared_portal: Portal, adele: StorageState, new_context: Callable[..., BrowserContext]) -> None:
    context = new_context(locale='nl-NL', storage_state=adele)
    page = open_page(context, f'{shared_portal.url}/organizations')
    expect(page.get_by_role('heading', level=1)).to_have_text('Organisaties')
    expect_html_lang(page, r'^nl\b')

    page.get_by_role('button', name='Taal: Nederlands. Kies een andere taal').click()
    page.get_by_role('menu').get_by_text('English', exact=True).click()

    expect(page).to_have_url(f'{shared_portal.url}/organizations')
    expect(page.get_by_role('heading', level=1)).to_have_text('Organizations')
    expect(page.get_by_role('button', name=f'Leave organization {FABRIKAM.name}', exact=True)).to_be_visible()
    expect(page.get_by_role('button', name='Language: English. Choose another language')).to_be_visible()
    expect_html_lang(page, r'^en-US$')

    overview = open_page(context, f'{shared_portal.url}/')  # the choice holds for the next page too
    expect(overview.get_by_role('heading', level=1)).to_have_text('Overview')
    expect_html_lang(overview, r'^en-US$')
