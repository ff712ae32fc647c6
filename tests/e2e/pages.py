"""What a person does and sees in the portal, named the way the tests talk: sign in, find a card, open a dialog."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Locator, Page, StorageState, expect

from services.demo_directory import ACCOUNTS, DemoAccount

ACCOUNT = {account.subject: account for account in ACCOUNTS}
ADELE = ACCOUNT['demo-adele-vance']  # home Contoso, guest in four organizations
MEGAN = ACCOUNT['demo-megan-bowen']  # home Fabrikam, guest nowhere
LIDIA = ACCOUNT['demo-lidia-holloway']  # home Contoso, guest in Woodgrove Bank

DEMO_SIGN_IN_HEADING = 'Choose a demo account'
HOME_SECTION = 'Home organization'
OTHERS_SECTION = 'Other organizations you collaborate with'
NO_OTHERS = "You don't belong to any other organizations."
LIVE = 'window.did_handshake === true && !!window.socket && window.socket.connected'


def sign_in(page: Page, portal_url: str, account: DemoAccount, *, path: str = '/organizations') -> None:
    """Open `path` without a session, pick `account` at the demo provider, and arrive back at `path`, live."""
    page.goto(portal_url + path)
    expect(page.get_by_role('heading', level=1)).to_have_text(DEMO_SIGN_IN_HEADING)
    choose_account(page, account)
    expect(page).to_have_url(portal_url + path)
    wait_until_live(page)


def choose_account(page: Page, account: DemoAccount) -> None:
    """Press the demo provider's button for `account` (its name is the person's name, e-mail and description)."""
    page.get_by_role('button', name=account.name).click()


def signed_in_state(browser: Browser, portal_url: str, account: DemoAccount) -> StorageState:
    """Sign in once and keep the cookies, so several tests can open pages as `account` without signing in again."""
    context = browser.new_context(locale='en-US')
    try:
        sign_in(context.new_page(), portal_url, account)
        return context.storage_state()
    finally:
        context.close()


def open_page(context: BrowserContext, url: str) -> Page:
    """A new tab on `url`, once its live connection to the server is up (clicks before that would be lost)."""
    page = context.new_page()
    page.goto(url)
    wait_until_live(page)
    return page


def wait_until_live(page: Page) -> None:
    page.wait_for_function(LIVE)


def home_section(page: Page) -> Locator:
    return page.get_by_role('region', name=HOME_SECTION)


def others_section(page: Page) -> Locator:
    return page.get_by_role('region', name=OTHERS_SECTION)


def card_headings(section: Locator) -> Locator:
    """Every organization card shows its name as a level-3 heading."""
    return section.get_by_role('heading', level=3)


def card_heading(page: Page, organization: str) -> Locator:
    return page.get_by_role('heading', level=3, name=organization, exact=True)


def leave_button(page: Page, organization: str) -> Locator:
    return page.get_by_role('button', name=f'Leave organization {organization}', exact=True)


def leave_buttons(page: Page) -> Locator:
    return page.get_by_role('button', name='Leave organization')


def leave_dialog(page: Page) -> Locator:
    return page.get_by_role('alertdialog')


def open_leave_dialog(page: Page, organization: str) -> Locator:
    """Reach the card's Leave button with the keyboard and press Enter, as a keyboard user would."""
    leave_button(page, organization).focus()
    page.keyboard.press('Enter')
    dialog = leave_dialog(page)
    expect(dialog).to_be_visible()
    return dialog


def remember_this_document(page: Page) -> None:
    """Tag the loaded document, so `expect_same_document` can prove a change arrived without a reload."""
    page.evaluate('window.e2eDocumentTag = "before"')


def expect_same_document(page: Page) -> None:
    assert page.evaluate('window.e2eDocumentTag') == 'before', 'the page was reloaded'


def screenshot(page: Page, folder: Path, name: str) -> Path:
    """A full-page PNG in the test's own tmp_path, for looking at when a test fails (never committed)."""
    path = folder / f'{name}.png'
    page.screenshot(path=path, full_page=True)
    assert path.read_bytes()[:8] == b'\x89PNG\r\n\x1a\n', f'{path} is not a PNG'
    return path


# --- the membership lifecycle: invitations, blocked cards, removal requests ---

INVITATIONS_SECTION = 'Pending invitations'


def invitations_section(page: Page, name: str = INVITATIONS_SECTION) -> Locator:
    """The "Pending invitations" region; it is not there at all while there are none."""
    return page.get_by_role('region', name=name)


def invitation_card(page: Page, organization: str) -> Locator:
    """The pending invitation of `organization` (its name is the card's level-3 heading)."""
    return page.locator('[data-invitation-id]').filter(
        has=page.get_by_role('heading', level=3, name=organization, exact=True))


def guest_card(page: Page, organization: str) -> Locator:
    """The card of guest organization `organization` under "Other organizations you collaborate with"."""
    return page.locator('[data-org-id]').filter(has=card_heading(page, organization))


def notification(page: Page, text: str) -> Locator:
    """A message the page announces (a Quasar notification is an ARIA alert)."""
    return page.get_by_role('alert').filter(has_text=text)


def invitation_link(result: subprocess.CompletedProcess) -> str:
    """The link `python main.py invite ...` printed as its last line, once it has succeeded."""
    assert result.returncode == 0, result.stdout + result.stderr
    link = result.stdout.strip().splitlines()[-1]
    assert '/invitations/' in link, result.stdout
    return link


def keep_screenshot(path: Path) -> None:
    """Also copy a screenshot to $E2E_SCREENSHOT_DIR when it is set (for looking at them after a run)."""
    folder = os.environ.get('E2E_SCREENSHOT_DIR')
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, Path(folder) / path.name)


def viewport_screenshot(page: Page, folder: Path, name: str) -> Path:
    """What the window shows, for an open dialog (its backdrop covers the window, not the whole page)."""
    path = folder / f'{name}.png'
    page.screenshot(path=path)
    assert path.read_bytes()[:8] == b'\x89PNG\r\n\x1a\n', f'{path} is not a PNG'
    return path
