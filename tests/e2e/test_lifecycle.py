"""The membership lifecycle on the Organizations page: cards that cannot be left say why and offer a removal request,
an organization's disable and reinstate reach the open page live, and every new state passes axe-core."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Locator, Page, StorageState, expect

from services.demo_directory import FABRIKAM, LITWARE, NORTHWIND, TAILSPIN, WOODGROVE
from tests.e2e.accessibility import (
    BLOCKING,
    _without_quasar_dialog_false_positives,
    expect_no_serious_violations,
    report,
    settle,
)
from tests.e2e.conftest import Portal
from tests.e2e.pages import (
    ADELE,
    MEGAN,
    card_heading,
    card_headings,
    expect_same_document,
    guest_card,
    invitation_card,
    invitation_link,
    invitations_section,
    keep_screenshot,
    leave_button,
    notification,
    open_leave_dialog,
    open_page,
    others_section,
    remember_this_document,
    screenshot,
    sign_in,
    signed_in_state,
    viewport_screenshot,
)

ALL_OF_ADELES = [FABRIKAM.name, LITWARE.name, NORTHWIND.name, TAILSPIN.name, WOODGROVE.name]
LITWARE_REASON = f'{LITWARE.name} lets guests leave only on request.'
NORTHWIND_REASON = (f"You can't leave {NORTHWIND.name} on your own because it hasn't published both a privacy "
                    'statement and a privacy contact.')


@pytest.fixture
def adele_page(shared_portal: Portal, adele: StorageState,
               new_context: Callable[..., BrowserContext]) -> Callable[[str], Page]:
    """Adele's Organizations page on the shared portal, in a browser of the given locale."""
    return lambda locale: open_page(new_context(locale=locale, storage_state=adele),
                                    f'{shared_portal.url}/organizations')


def request_removal_button(page: Page, organization: str) -> Locator:
    return page.get_by_role('button', name=f'Request removal from {organization}', exact=True)


def shoot(page: Page, folder: Path, name: str, *, dialog: bool = False) -> None:
    """A full-page screenshot into the test's folder; a copy is kept when $E2E_SCREENSHOT_DIR says where (with a
    dialog open, the copy shows the window, since the dialog's backdrop does not cover the rest of the page)."""
    path = screenshot(page, folder, name)
    keep_screenshot(viewport_screenshot(page, folder, f'{name}-window') if dialog else path)


def today() -> str:
    """Today as the portal writes it in English (the store's dates are UTC)."""
    day = datetime.now(UTC).date()
    return f'{day.day} {day:%B} {day.year}'


# Whether an element lies under the open modal dialog's backdrop (and outside the dialog) at its centre.
BEHIND_THE_BACKDROP = '''(element) => {
  if (element.closest('.q-dialog__inner')) return false;
  const box = element.getBoundingClientRect();
  const top = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
  return !!top && top.classList.contains('q-dialog__backdrop');
}'''


def expect_no_serious_violations_with_a_dialog_open(page: Page, where: str) -> None:
    """`expect_no_serious_violations`, except for the contrast of text behind the open modal dialog's backdrop.

    While a modal dialog is open, the page behind it is inactive (WCAG 1.4.3 exempts inactive components), and
    axe-core cannot see colours through the backdrop: it reports a filled button there (white on the primary
    colour) as white on the page's background, 1.08:1. Only those nodes are dropped; the same page without the
    dialog is scanned in full by the tests below.
    """
    settle(page)
    blocking = [v for v in Axe().run(page).response['violations'] if v['impact'] in BLOCKING]
    blocking = [v for v in (_in_front(page, _without_quasar_dialog_false_positives(page, v)) for v in blocking)
                if v['nodes']]
    assert not blocking, f'axe-core found serious/critical violations on {where} ({page.url}):\n' + \
        '\n'.join(report(violation) for violation in blocking)


def _in_front(page: Page, violation: dict[str, Any]) -> dict[str, Any]:
    """The violation without the contrast nodes that lie behind the open dialog's backdrop."""
    if violation['id'] != 'color-contrast':
        return violation
    return {**violation, 'nodes': [node for node in violation['nodes'] if len(node['target']) != 1 or
                                   not page.locator(node['target'][0]).evaluate(BEHIND_THE_BACKDROP)]}


# --- cards that cannot be left ---

def test_blocked_cards_say_why_and_offer_a_request_instead_of_leave(adele_page: Callable[[str], Page],
                                                                    tmp_path: Path) -> None:
    page = adele_page('en-US')
    expect(card_headings(others_section(page))).to_have_text(ALL_OF_ADELES)
    litware, northwind = guest_card(page, LITWARE.name), guest_card(page, NORTHWIND.name)

    reason = litware.get_by_role('paragraph').filter(has_text=LITWARE_REASON)
    expect(reason).to_contain_text(f'{LITWARE_REASON} Its privacy contact, above, can tell you more.')
    expect(litware.get_by_role('definition').get_by_role('link', name=LITWARE.privacy_contact)).to_have_attribute(
        'href', f'mailto:{LITWARE.privacy_contact}')
    expect(northwind).to_contain_text(NORTHWIND_REASON)
    expect(northwind).not_to_contain_text('Contact')  # it has published no contact at all
    for blocked in (LITWARE.name, NORTHWIND.name):
        expect(leave_button(page, blocked)).to_have_count(0)
        expect(request_removal_button(page, blocked)).to_be_visible()
    for leavable in (FABRIKAM.name, TAILSPIN.name, WOODGROVE.name):
        expect(leave_button(page, leavable)).to_be_visible()
        expect(request_removal_button(page, leavable)).to_have_count(0)
    shoot(page, tmp_path, 'blocked-cards-en')


def test_a_removal_request_is_sent_with_its_message_and_shown_on_the_card(portal: Portal, page: Page,
                                                                          tmp_path: Path) -> None:
    sign_in(page, portal.url, ADELE)
    request_removal_button(page, LITWARE.name).click()
    dialog = page.get_by_role('dialog', name=f'Ask {LITWARE.name} to remove you')
    expect(dialog).to_contain_text(f'{LITWARE.name} will be asked to remove you as a guest. Until it does, you stay '
                                   'a member.')
    message = dialog.get_by_role('textbox', name=f'Message to {LITWARE.name} (optional)')
    expect(message).to_be_focused()
    expect(dialog).to_contain_text('0 / 500')

    message.fill('x' * 600)  # the box stops at 500 characters, and its counter says so
    expect(message).to_have_value('x' * 500)
    expect(dialog).to_contain_text('500 / 500')
    text = 'My project with Litware ended in March.'
    message.fill(text)
    expect(dialog).to_contain_text(f'{len(text)} / 500')
    shoot(page, tmp_path, 'removal-dialog-filled-en', dialog=True)

    dialog.get_by_role('button', name=f'Send removal request to {LITWARE.name}', exact=True).click()

    expect(dialog).to_be_hidden()
    expect(notification(page, f'Your request was sent to {LITWARE.name}')).to_be_visible()
    litware = guest_card(page, LITWARE.name)
    expect(litware).to_contain_text(f"Removal requested on {today()}. {LITWARE.name} hasn't answered yet.")
    expect(request_removal_button(page, LITWARE.name)).to_have_count(0)
    expect(leave_button(page, LITWARE.name)).to_have_count(0)
    shoot(page, tmp_path, 'removal-requested-en')

    listed = portal.run_command('removal-requests')  # the organization's side sees the request and the message
    assert f'{ADELE.subject} asks {LITWARE.name} ({LITWARE.id}) "{text}"' in listed.stdout, listed.stdout
    page.reload()
    expect(litware).to_contain_text(f'Removal requested on {today()}.')
    expect(request_removal_button(page, LITWARE.name)).to_have_count(0)


def test_a_disable_takes_the_leave_button_away_in_the_open_page(portal: Portal, page: Page) -> None:
    sign_in(page, portal.url, ADELE)
    expect(leave_button(page, WOODGROVE.name)).to_be_visible()
    remember_this_document(page)

    disabled = portal.run_command('disable', ADELE.subject, WOODGROVE.id)

    assert disabled.returncode == 0, disabled.stdout + disabled.stderr
    expect(leave_button(page, WOODGROVE.name)).to_have_count(0, timeout=2_000)
    expect(guest_card(page, WOODGROVE.name)).to_contain_text(
        f"{WOODGROVE.name} has disabled your membership, so you can't leave it on your own.")
    expect(request_removal_button(page, WOODGROVE.name)).to_be_visible()
    expect(card_headings(others_section(page))).to_have_text(ALL_OF_ADELES)
    expect_same_document(page)


def test_a_left_membership_comes_back_live_when_the_organization_reinstates_it(portal: Portal, page: Page) -> None:
    sign_in(page, portal.url, ADELE)
    remember_this_document(page)
    dialog = open_leave_dialog(page, TAILSPIN.name)
    expect(dialog).to_contain_text(f'{TAILSPIN.name} keeps your membership for 30 days, during which only '
                                   f'{TAILSPIN.name} can restore it.')
    dialog.get_by_role('button', name=f'Leave {TAILSPIN.name}', exact=True).click()
    expect(card_heading(page, TAILSPIN.name)).to_have_count(0)
    expect(notification(page, f'You left {TAILSPIN.name}')).to_be_visible()

    reinstated = portal.run_command('reinstate', ADELE.subject, TAILSPIN.id)

    assert reinstated.returncode == 0, reinstated.stdout + reinstated.stderr
    expect(card_heading(page, TAILSPIN.name)).to_be_visible(timeout=2_000)
    expect(leave_button(page, TAILSPIN.name)).to_be_visible()
    expect(card_headings(others_section(page))).to_have_text(ALL_OF_ADELES)
    expect_same_document(page)


# --- accessibility of every new state (axe-core: no serious or critical violation), with a screenshot of each ---

@pytest.fixture
def megan_page(shared_portal: Portal, megan: StorageState,
               new_context: Callable[..., BrowserContext]) -> Callable[[str], Page]:
    """A page on the shared portal where Megan is signed in, in a browser of the given locale."""
    return lambda locale, path='/organizations': open_page(new_context(locale=locale, storage_state=megan),
                                                           f'{shared_portal.url}{path}')


@pytest.mark.parametrize(('locale', 'section'), [('en-US', 'Pending invitations'),
                                                 ('nl-NL', 'Openstaande uitnodigingen')])
def test_organizations_with_a_pending_invitation(megan_page: Callable[..., Page], tmp_path: Path, locale: str,
                                                 section: str) -> None:
    page = megan_page(locale)
    expect(invitations_section(page, section)).to_be_visible()
    expect(invitation_card(page, TAILSPIN.name)).to_be_visible()
    expect_no_serious_violations(page, f'the organizations page with a pending invitation ({locale})')
    shoot(page, tmp_path, f'invitation-section-{locale[:2]}')


@pytest.mark.parametrize(('locale', 'button', 'dialog_name'), [
    ('en-US', f'Request removal from {LITWARE.name}', f'Ask {LITWARE.name} to remove you'),
    ('nl-NL', f'Verwijdering bij {LITWARE.name} aanvragen', f'Vraag {LITWARE.name} om u te verwijderen'),
], ids=('en', 'nl'))
def test_the_removal_dialog(adele_page: Callable[[str], Page], tmp_path: Path, locale: str, button: str,
                            dialog_name: str) -> None:
    page = adele_page(locale)
    if locale == 'nl-NL':
        shoot(page, tmp_path, 'blocked-cards-nl')
    page.get_by_role('button', name=button, exact=True).click()
    dialog = page.get_by_role('dialog', name=dialog_name)
    expect(dialog).to_be_visible()
    expect_no_serious_violations(page, f'the organizations page with the removal dialog open ({locale})')
    shoot(page, tmp_path, f'removal-dialog-{locale[:2]}', dialog=True)
    page.keyboard.press('Escape')  # nothing sent
    expect(dialog).to_be_hidden()


def test_the_decline_dialog(megan_page: Callable[..., Page], tmp_path: Path) -> None:
    page = megan_page('en-US')
    page.get_by_role('button', name=f'Decline the invitation of {TAILSPIN.name}', exact=True).click()
    dialog = page.get_by_role('alertdialog', name=f'Decline the invitation of {TAILSPIN.name}?')
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role('button', name='Cancel', exact=True)).to_be_focused()
    expect_no_serious_violations_with_a_dialog_open(page, 'the organizations page with the decline dialog open')
    shoot(page, tmp_path, 'decline-dialog-en', dialog=True)
    page.keyboard.press('Escape')  # nothing declined
    expect(dialog).to_be_hidden()


def test_the_invitation_link_page(portal: Portal, browser: Browser, new_context: Callable[..., BrowserContext],
                                  tmp_path: Path) -> None:
    state = signed_in_state(browser, portal.url, MEGAN)
    organizations = open_page(new_context(storage_state=state), f'{portal.url}/organizations')
    link = invitation_link(portal.run_command('invite', NORTHWIND.id, MEGAN.email))
    expect(invitation_card(organizations, NORTHWIND.name)).to_be_visible()  # the portal has taken it in
    for locale, heading in (('en-US', f'{NORTHWIND.name} invites you'), ('nl-NL', f'{NORTHWIND.name} nodigt u uit')):
        page = open_page(new_context(locale=locale, storage_state=state), link)
        expect(page.get_by_role('heading', level=1)).to_have_text(heading)
        expect_no_serious_violations(page, f'the invitation link page ({locale})')
        shoot(page, tmp_path, f'invitation-link-{locale[:2]}')


@pytest.mark.parametrize(('locale', 'heading'), [('en-US', "This invitation link isn't valid"),
                                                 ('nl-NL', 'Deze uitnodigingslink is niet geldig')])
def test_a_refused_link_page(megan_page: Callable[..., Page], tmp_path: Path, locale: str, heading: str) -> None:
    page = megan_page(locale, '/invitations/not-a-real-link')
    expect(page.get_by_role('heading', level=1)).to_have_text(heading)
    expect_no_serious_violations(page, f'a refused invitation link ({locale})')
    shoot(page, tmp_path, f'refused-unknown-{locale[:2]}')
