"""Invitations, the person's side: answer one on the Organizations page or through its link, and every link that
cannot be used says why, in its own words, and changes nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, StorageState, expect

from services.demo_directory import NORTHWIND, TAILSPIN, WOODGROVE
from tests.e2e.accessibility import settle
from tests.e2e.conftest import Portal
from tests.e2e.pages import (
    ADELE,
    MEGAN,
    NO_OTHERS,
    card_heading,
    card_headings,
    expect_same_document,
    invitation_card,
    invitation_link,
    invitations_section,
    keep_screenshot,
    leave_button,
    notification,
    open_page,
    others_section,
    remember_this_document,
    screenshot,
    sign_in,
    signed_in_state,
    viewport_screenshot,
    wait_until_live,
)

PROSEWARE = {'id': 'e2e-proseware', 'name': 'Proseware, Inc.', 'domain': 'proseware.com'}  # Adele is not in it


@pytest.fixture
def megan_tab(portal: Portal, browser: Browser, new_context: Callable[..., BrowserContext]) -> Callable[[str], Page]:
    """A new tab of a browser (in the given locale) where Megan is signed in, on this test's own portal."""
    state = signed_in_state(browser, portal.url, MEGAN)
    return lambda locale: new_context(locale=locale, storage_state=state).new_page()


def heading_1(page: Page) -> Locator:
    return page.get_by_role('heading', level=1)


def others_section_nl(page: Page) -> Locator:
    return page.get_by_role('region', name='Andere organisaties waarmee u samenwerkt')


def expect_megan_unchanged(page: Page, portal_url: str, *, absent: str) -> None:
    """Megan's Organizations page as on a fresh portal: still only the Tailspin invitation, no guest organization."""
    page.goto(f'{portal_url}/organizations')
    wait_until_live(page)
    expect(invitation_card(page, TAILSPIN.name)).to_be_visible()
    expect(invitation_card(page, absent)).to_have_count(0)
    expect(card_heading(page, absent)).to_have_count(0)
    expect(others_section(page)).to_contain_text(NO_OTHERS)


def test_accepting_on_the_page_turns_the_invitation_into_a_card(portal: Portal, page: Page, tmp_path: Path) -> None:
    sign_in(page, portal.url, MEGAN)
    expect(invitations_section(page)).to_be_visible()
    expect(invitation_card(page, TAILSPIN.name)).to_contain_text('Adele Vance invited you on')
    expect(others_section(page)).to_contain_text(NO_OTHERS)
    remember_this_document(page)

    page.get_by_role('button', name=f'Accept the invitation of {TAILSPIN.name}', exact=True).click()

    expect(notification(page, f'You joined {TAILSPIN.name}')).to_be_visible()
    expect(invitation_card(page, TAILSPIN.name)).to_have_count(0)
    expect(invitations_section(page)).to_have_count(0)  # the section goes with its last invitation
    expect(card_headings(others_section(page))).to_have_text([TAILSPIN.name])
    expect(leave_button(page, TAILSPIN.name)).to_be_visible()
    expect(others_section(page)).not_to_contain_text(NO_OTHERS)
    expect_same_document(page)
    keep_screenshot(screenshot(page, tmp_path, 'accepted-en'))

    page.reload()
    wait_until_live(page)
    expect(card_headings(others_section(page))).to_have_text([TAILSPIN.name])
    expect(invitations_section(page)).to_have_count(0)


def test_declining_on_the_page_asks_first_and_joins_nothing(portal: Portal, megan_tab: Callable[[str], Page],
                                                             tmp_path: Path) -> None:
    page = megan_tab('nl-NL')
    page.goto(f'{portal.url}/organizations')
    wait_until_live(page)
    card = invitation_card(page, TAILSPIN.name)
    expect(invitations_section(page, 'Openstaande uitnodigingen')).to_contain_text('Adele Vance heeft u op')
    decline = page.get_by_role('button', name=f'Uitnodiging van {TAILSPIN.name} afwijzen', exact=True)

    decline.click()
    dialog = page.get_by_role('alertdialog')
    expect(dialog.get_by_role('heading')).to_have_text(f'Uitnodiging van {TAILSPIN.name} afwijzen?')
    expect(dialog).to_contain_text(f'U wordt geen lid van {TAILSPIN.name}. Om later lid te worden, moet '
                                   f'{TAILSPIN.name} u opnieuw uitnodigen.')
    settle(page)  # the dialog has finished coming in
    keep_screenshot(viewport_screenshot(page, tmp_path, 'decline-dialog-nl-window'))
    dialog.get_by_role('button', name='Annuleren', exact=True).click()
    expect(dialog).to_be_hidden()
    expect(card).to_be_visible()
    expect(page.get_by_role('alert')).to_have_count(0)
    page.reload()
    wait_until_live(page)
    expect(card).to_be_visible()

    decline.click()
    dialog.get_by_role('button', name=f'Uitnodiging van {TAILSPIN.name} afwijzen', exact=True).click()
    expect(dialog).to_be_hidden()
    expect(notification(page, f'U hebt de uitnodiging van {TAILSPIN.name} afgewezen')).to_be_visible()
    expect(card).to_have_count(0)
    expect(invitations_section(page, 'Openstaande uitnodigingen')).to_have_count(0)
    expect(others_section_nl(page)).to_contain_text('U hoort bij geen andere organisaties.')
    page.reload()
    wait_until_live(page)
    expect(card).to_have_count(0)
    expect(card_heading(page, TAILSPIN.name)).to_have_count(0)
    expect(others_section_nl(page)).to_contain_text('U hoort bij geen andere organisaties.')


def test_an_invitation_link_shows_up_live_works_once_and_then_says_so(portal: Portal, context: BrowserContext,
                                                                      page: Page, tmp_path: Path) -> None:
    sign_in(page, portal.url, MEGAN)
    remember_this_document(page)

    link = invitation_link(portal.run_command('invite', NORTHWIND.id, MEGAN.email))

    expect(invitation_card(page, NORTHWIND.name)).to_be_visible(timeout=2_000)  # live, in the open page
    expect(invitation_card(page, NORTHWIND.name)).to_contain_text(f'{NORTHWIND.name} invited you on')
    expect_same_document(page)

    invited = open_page(context, link)
    expect(heading_1(invited)).to_have_text(f'{NORTHWIND.name} invites you')
    expect(invited.get_by_role('main')).to_contain_text(f'{NORTHWIND.name} invited you to join it as a guest')
    expect(invited.get_by_role('main')).to_contain_text('If you accept, it appears among your organizations.')
    expect(invited.get_by_role('button', name='Decline', exact=True)).to_be_visible()
    invited.get_by_role('button', name='Accept', exact=True).click()
    expect(heading_1(invited)).to_have_text(f'You joined {NORTHWIND.name}')
    expect(invited.get_by_role('main')).to_contain_text('It is now among your organizations.')
    expect(invited.get_by_role('button', name='Accept', exact=True)).to_have_count(0)
    keep_screenshot(screenshot(invited, tmp_path, 'link-accepted-en'))

    page.bring_to_front()  # the first tab followed: the invitation became a card
    expect(invitation_card(page, NORTHWIND.name)).to_have_count(0)
    expect(card_headings(others_section(page))).to_have_text([NORTHWIND.name])
    expect_same_document(page)

    invited.bring_to_front()
    invited.get_by_role('link', name='Go to your organizations').click()
    expect(invited).to_have_url(f'{portal.url}/organizations')
    expect(card_heading(invited, NORTHWIND.name)).to_be_visible()

    invited.goto(link)
    expect(heading_1(invited)).to_have_text('This invitation was already used')
    expect(invited.get_by_role('main')).to_contain_text('An invitation link works once')
    expect(invited.get_by_role('button', name='Accept', exact=True)).to_have_count(0)


def test_a_link_for_someone_else_is_refused_and_stays_theirs(portal: Portal, page: Page,
                                                             new_context: Callable[..., BrowserContext],
                                                             tmp_path: Path) -> None:
    adele = new_context().new_page()
    sign_in(adele, portal.url, ADELE)
    directory = tmp_path / 'proseware.json'
    directory.write_text(json.dumps({'organizations': [PROSEWARE]}))
    assert portal.run_command('import', str(directory)).returncode == 0
    link = invitation_link(portal.run_command('invite', PROSEWARE['id'], ADELE.email))
    expect(invitation_card(adele, PROSEWARE['name'])).to_be_visible()  # the portal has it (and Adele sees it)
    sign_in(page, portal.url, MEGAN)

    page.goto(link)
    expect(heading_1(page)).to_have_text('This invitation is for someone else')
    expect(page.get_by_role('main')).to_contain_text(f'Nothing was changed. Sign in with the account it was sent to, '
                                                     f'or ask {PROSEWARE["name"]} to invite this account.')
    expect(page.get_by_role('button', name='Accept', exact=True)).to_have_count(0)
    expect_megan_unchanged(page, portal.url, absent=PROSEWARE['name'])

    adele.bring_to_front()  # the person it was sent to still has it, and can still use the link
    expect(invitation_card(adele, PROSEWARE['name'])).to_be_visible()
    adele.goto(link)
    expect(heading_1(adele)).to_have_text(f'{PROSEWARE["name"]} invites you')


WITHDRAWN = {  # locale: the refusal's heading, what it says, and the way back
    'en-US': ('This invitation was withdrawn', f'{NORTHWIND.name} withdrew this invitation. Nothing was changed.',
              'Go to your organizations'),
    'nl-NL': ('Deze uitnodiging is ingetrokken',
              f'{NORTHWIND.name} heeft deze uitnodiging ingetrokken. Er is niets gewijzigd.', 'Naar uw organisaties'),
}


@pytest.mark.parametrize('locale', WITHDRAWN)
def test_a_withdrawn_link_is_refused(portal: Portal, megan_tab: Callable[[str], Page], tmp_path: Path,
                                     locale: str) -> None:
    heading, body, way_back = WITHDRAWN[locale]
    page = megan_tab(locale)
    page.goto(f'{portal.url}/organizations')
    wait_until_live(page)
    link = invitation_link(portal.run_command('invite', NORTHWIND.id, MEGAN.email))
    expect(invitation_card(page, NORTHWIND.name)).to_be_visible()
    revoked = portal.run_command('revoke-invitation', NORTHWIND.id, MEGAN.email)
    assert revoked.returncode == 0, revoked.stdout + revoked.stderr
    expect(invitation_card(page, NORTHWIND.name)).to_have_count(0)  # withdrawn: gone from the open page, live

    page.goto(link)
    expect(heading_1(page)).to_have_text(heading)
    expect(page.get_by_role('main')).to_contain_text(body)
    expect(page.get_by_role('button', name='Accept', exact=True)).to_have_count(0)
    expect(page.get_by_role('button', name='Accepteren', exact=True)).to_have_count(0)
    keep_screenshot(screenshot(page, tmp_path, f'refused-withdrawn-{locale[:2]}'))
    page.get_by_role('link', name=way_back, exact=True).click()
    expect(page).to_have_url(f'{portal.url}/organizations')
    wait_until_live(page)
    expect(invitation_card(page, TAILSPIN.name)).to_be_visible()
    expect(invitation_card(page, NORTHWIND.name)).to_have_count(0)
    expect(card_heading(page, NORTHWIND.name)).to_have_count(0)


def test_an_unknown_link_is_refused(shared_portal: Portal, megan: StorageState,
                                    new_context: Callable[..., BrowserContext]) -> None:
    page = new_context(storage_state=megan).new_page()
    page.goto(f'{shared_portal.url}/invitations/not-a-real-link')
    expect(heading_1(page)).to_have_text("This invitation link isn't valid")
    expect(page.get_by_role('main')).to_contain_text('The link may be incomplete or mistyped.')
    expect(page.get_by_role('button', name='Accept', exact=True)).to_have_count(0)
    expect_megan_unchanged(page, shared_portal.url, absent=NORTHWIND.name)


def test_an_expired_link_is_refused(portal: Portal, page: Page, tmp_path: Path) -> None:
    sign_in(page, portal.url, MEGAN)
    link = invitation_link(portal.run_command('invite', WOODGROVE.id, MEGAN.email))
    expect(invitation_card(page, WOODGROVE.name)).to_be_visible()
    exported = tmp_path / 'directory.json'
    assert portal.run_command('export', str(exported)).returncode == 0
    directory = json.loads(exported.read_text())
    [invitation] = [i for i in directory['invitations'] if i['organization'] == WOODGROVE.id]
    invitation['expires'] = '2020-01-01T00:00:00+00:00'
    exported.write_text(json.dumps(directory))
    imported = portal.run_command('import', str(exported))
    assert imported.returncode == 0, imported.stdout + imported.stderr
    expect(invitation_card(page, WOODGROVE.name)).to_have_count(0)  # expired: no longer pending, live

    page.goto(link)
    expect(heading_1(page)).to_have_text('This invitation has expired')
    expect(page.get_by_role('main')).to_contain_text(f'Ask {WOODGROVE.name} to invite you again.')
    expect(page.get_by_role('button', name='Accept', exact=True)).to_have_count(0)
    expect_megan_unchanged(page, portal.url, absent=WOODGROVE.name)
