"""My activity and Privacy in Chromium, in English and Dutch: reached from the navigation pane, free of serious
axe-core violations, and photographed for a look when something fails."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, StorageState, expect

from services.demo_directory import CONTOSO, NORTHWIND
from tests.e2e.accessibility import expect_no_serious_violations
from tests.e2e.conftest import Portal
from tests.e2e.pages import open_page, screenshot


@dataclass(frozen=True)
class Words:
    """What a person reads in one language."""

    locale: str
    navigation: str
    menu: str
    activity: str
    entries: str
    privacy: str
    signed_in: str
    home: str
    others: str
    nothing_published: str


ENGLISH = Words(locale='en-US', navigation='Profile pages', menu='Open the navigation menu', activity='My activity',
                entries='Your activity, newest first', privacy='Privacy', signed_in='You signed in.',
                home='Your home organization',
                others='Organizations you are a guest in',
                nothing_published=f"{NORTHWIND.name} hasn't published a privacy statement or a privacy contact.")
DUTCH = Words(locale='nl-NL', navigation="Profielpagina's", menu='Navigatiemenu openen', activity='Mijn activiteit',
              entries='Uw activiteit, het nieuwste eerst', privacy='Privacy', signed_in='U hebt zich aangemeld.',
              home='Uw thuisorganisatie',
              others='Organisaties waar u gast bent',
              nothing_published=f'{NORTHWIND.name} heeft geen privacyverklaring en geen privacycontactpersoon '
                                f'gepubliceerd.')
LANGUAGES = pytest.mark.parametrize('words', [ENGLISH, DUTCH], ids=['en', 'nl'])


@pytest.fixture
def as_adele(shared_portal: Portal, adele: StorageState,
             new_context: Callable[..., BrowserContext]) -> Callable[..., BrowserContext]:
    """New browser profiles already signed in as Adele (only the locale or the window size differ)."""
    return lambda **options: new_context(storage_state=adele, **options)


def navigation(page: Page, words: Words) -> Locator:
    return page.get_by_role('navigation', name=words.navigation)


@LANGUAGES
def test_the_navigation_pane_leads_to_both_pages(shared_portal: Portal, as_adele: Callable[..., BrowserContext],
                                                 words: Words) -> None:
    page = open_page(as_adele(locale=words.locale), f'{shared_portal.url}/organizations')
    links = navigation(page, words).get_by_role('link')
    expect(links.nth(2)).to_have_accessible_name(words.activity)
    expect(links.nth(3)).to_have_accessible_name(words.privacy)

    navigation(page, words).get_by_role('link', name=words.activity).click()
    expect(page).to_have_url(f'{shared_portal.url}/activity')
    expect(page.get_by_role('heading', level=1)).to_have_text(words.activity)
    expect(navigation(page, words).get_by_role('link', name=words.activity)).to_have_attribute('aria-current', 'page')
    expect(navigation(page, words).locator('[aria-current]')).to_have_count(1)

    navigation(page, words).get_by_role('link', name=words.privacy).click()
    expect(page).to_have_url(f'{shared_portal.url}/privacy')
    expect(page.get_by_role('heading', level=1)).to_have_text(words.privacy)
    expect(navigation(page, words).get_by_role('link', name=words.privacy)).to_have_attribute('aria-current', 'page')
    expect(navigation(page, words).locator('[aria-current]')).to_have_count(1)


@LANGUAGES
def test_my_activity(shared_portal: Portal, as_adele: Callable[..., BrowserContext], words: Words,
                     tmp_path: Path) -> None:
    page = open_page(as_adele(locale=words.locale), f'{shared_portal.url}/activity')
    expect(page.get_by_role('heading', level=1)).to_have_text(words.activity)
    entries = page.get_by_role('list', name=words.entries).get_by_role('listitem')
    expect(entries.last).to_contain_text(words.signed_in)  # the sign-in that made the saved session
    expect(entries.last.locator('time')).to_contain_text('UTC')
    expect_no_serious_violations(page, f'my activity ({words.locale})')
    screenshot(page, tmp_path, f'activity-{words.locale}')


@LANGUAGES
def test_privacy(shared_portal: Portal, as_adele: Callable[..., BrowserContext], words: Words,
                 tmp_path: Path) -> None:
    page = open_page(as_adele(locale=words.locale), f'{shared_portal.url}/privacy')
    expect(page.get_by_role('heading', level=1)).to_have_text(words.privacy)
    home = page.get_by_role('region', name=words.home)
    expect(home.get_by_role('heading', level=3)).to_have_text([CONTOSO.name])
    statement = home.get_by_role('link').first
    expect(statement).to_have_attribute('href', CONTOSO.privacy_url or '')
    expect(statement).to_have_attribute('target', '_blank')
    expect(statement).to_have_attribute('rel', 'noopener noreferrer')
    expect(home.get_by_role('link', name=CONTOSO.privacy_contact or '')).to_have_attribute(
        'href', f'mailto:{CONTOSO.privacy_contact}')
    others = page.get_by_role('region', name=words.others)
    expect(others).to_contain_text(words.nothing_published)
    expect_no_serious_violations(page, f'the privacy page ({words.locale})')
    screenshot(page, tmp_path, f'privacy-{words.locale}')


@pytest.mark.parametrize('path', ['/activity', '/privacy'])
def test_narrow_with_the_navigation_open(shared_portal: Portal, as_adele: Callable[..., BrowserContext],
                                         path: str, tmp_path: Path) -> None:
    page = open_page(as_adele(width=390, height=800), f'{shared_portal.url}{path}')
    expect_no_serious_violations(page, f'{path} on a narrow screen')
    screenshot(page, tmp_path, f'{path[1:]}-narrow')
    page.get_by_role('button', name=ENGLISH.menu).click()
    expect(navigation(page, ENGLISH)).to_be_visible()
    expect_no_serious_violations(page, f'{path} on a narrow screen with the navigation open')
