"""The administrators' pages in Chromium: Megan administers Fabrikam, where Adele is a guest.

The portal runs with a real SMTP server (aiosmtpd, started here): invitations arrive as e-mail, and the link in
one is followed and accepted while the administrator's page shows it live. Every page and dialog is scanned
with axe, in English and in Dutch.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import httpx
import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import BrowserContext, Locator, Page, expect

from services.demo_directory import FABRIKAM, WOODGROVE
from tests.e2e.accessibility import expect_no_serious_violations
from tests.e2e.conftest import Portal, free_port, running_portal
from tests.e2e.pages import ADELE, LIDIA, MEGAN, guest_card, notification, screenshot, sign_in

ADMIN_PAGE = f'/admin/{FABRIKAM.id}'
LINK = re.compile(r'https?://[^\s<>"]+/invitations/[A-Za-z0-9_-]+')


class Inbox:
    """An SMTP server on a free loopback port that keeps every message it is given."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.messages: list[EmailMessage] = []

    async def handle_RCPT(self, server: object, session: object, envelope: object, address: str,
                          rcpt_options: list[str]) -> str:
        """An address starting with `bounce` does not exist here: refused for good, as a real server would."""
        if address.startswith('bounce'):
            return '550 5.1.1 No such mailbox here'
        envelope.rcpt_tos.append(address)  # type: ignore[attr-defined]
        return '250 OK'

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))  # type: ignore[attr-defined]
        return '250 OK'

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m['To'] == address]


@pytest.fixture(scope='module')
def inbox() -> Iterator[Inbox]:
    inbox = Inbox(free_port())
    controller = Controller(inbox, hostname='127.0.0.1', port=inbox.port)
    controller.start()
    yield inbox
    controller.stop()


@pytest.fixture(scope='module')
def portal(tmp_path_factory: pytest.TempPathFactory, inbox: Inbox) -> Iterator[Portal]:
    with running_portal(tmp_path_factory.mktemp('admin'),
                        MYPROFILE_SMTP_URL=f'smtp://127.0.0.1:{inbox.port}?tls=none') as started:
        yield started


def signed_in(new_context: Callable[..., BrowserContext], portal: Portal, account: object, *, path: str,
              locale: str = 'en-US') -> Page:
    page = new_context().new_page()
    sign_in(page, portal.url, account, path=path)  # type: ignore[arg-type]
    if locale != 'en-US':
        page.goto(f'{portal.url}/lang/{locale[:2]}?next={path}')
    return page


def guest_row(page: Page, name: str) -> Locator:
    return page.locator('li.portal-admin-row').filter(has=page.get_by_text(name, exact=True))


def wait_for_mail(inbox: Inbox, address: str, page: Page) -> EmailMessage:
    for _ in range(100):
        if found := inbox.to(address):
            return found[-1]
        page.wait_for_timeout(100)
    raise AssertionError(f'no e-mail to {address}; got {[m["To"] for m in inbox.messages]}')


def shoot(page: Page, tmp_path: Path, name: str) -> None:
    screenshot(page, tmp_path, name)


def test_a_non_administrator_gets_a_plain_403_and_no_administration_link(
        portal: Portal, new_context: Callable[..., BrowserContext]) -> None:
    page = signed_in(new_context, portal, ADELE, path='/organizations')
    expect(page.get_by_role('link', name='Administration')).to_have_count(0)
    for path in ('/admin', ADMIN_PAGE, '/admin/no-such-organization'):
        response = page.goto(portal.url + path)
        assert response is not None and response.status == 403, path
        expect(page.get_by_role('heading', level=1)).to_have_text('Not allowed')
        expect(page.get_by_role('main')).not_to_contain_text(FABRIKAM.name)
    expect_no_serious_violations(page, 'the not-allowed page')
    anonymous = httpx.get(f'{portal.url}{ADMIN_PAGE}', follow_redirects=False)
    assert anonymous.status_code in (302, 303, 307)  # signed out: to sign-in first, nothing shown


def test_invitations_by_e_mail_are_accepted_by_their_link_and_show_up_live(
        portal: Portal, inbox: Inbox, new_context: Callable[..., BrowserContext], tmp_path: Path) -> None:
    admin = signed_in(new_context, portal, MEGAN, path='/admin')
    admin.get_by_role('link', name='Administration').click()
    admin.get_by_role('link', name=f'Manage {FABRIKAM.name}').click()
    expect(admin.get_by_role('heading', level=1)).to_have_text(FABRIKAM.name)
    admin.get_by_role('tab', name='Invitations').click()
    admin.get_by_label('E-mail addresses').fill(f'{LIDIA.email}\nnew.colleague@example.com, {ADELE.email}')
    admin.get_by_role('button', name='Invite', exact=True).click()
    expect(notification(admin, '2 invited, 1 not invited.')).to_be_visible()
    results = admin.locator('.portal-invite-results')
    expect(results).to_contain_text(f'{ADELE.email}: Already a member: not invited')
    pending = admin.get_by_role('list', name='Pending invitations')
    expect(pending).to_contain_text(LIDIA.email)
    expect(pending).to_contain_text('new.colleague@example.com')
    expect(pending).to_contain_text('E-mail sent')  # the mailer's report reaches the page live
    expect_no_serious_violations(admin, 'the invitations tab')
    shoot(admin, tmp_path, 'admin-invitations-en')

    mail = wait_for_mail(inbox, LIDIA.email, admin)
    assert mail['Subject'] == f'{MEGAN.name} invited you to join {FABRIKAM.name}'
    text = mail.get_body(('plain',)).get_content()
    link = LINK.search(text)
    assert link, text
    admin.get_by_role('tab', name='Guests').click()
    expect(guest_row(admin, LIDIA.name)).to_have_count(0)

    invited = new_context().new_page()
    invited.goto(link.group(0))
    invited.get_by_role('button', name=LIDIA.name).click()  # the demo provider: sign in as Lidia
    invited.get_by_role('button', name='Accept', exact=True).click()
    expect(invited.get_by_role('heading', level=1)).to_have_text(f'You joined {FABRIKAM.name}')

    expect(guest_row(admin, LIDIA.name)).to_contain_text('Active')  # live, without a reload
    admin.get_by_role('tab', name='Invitations').click()
    expect(pending).not_to_contain_text(LIDIA.email)
    admin.get_by_role('tab', name='Activity').click()
    expect(admin.get_by_role('list', name="The organization's activity")).to_contain_text(
        f'{LIDIA.name} accepted the invitation')
    expect_no_serious_violations(admin, 'the activity tab')


def test_rules_requests_leaves_and_restores_reach_the_other_side_live(
        portal: Portal, new_context: Callable[..., BrowserContext], tmp_path: Path) -> None:
    admin = signed_in(new_context, portal, MEGAN, path=ADMIN_PAGE)
    guest = signed_in(new_context, portal, ADELE, path='/organizations')
    leave = guest.get_by_role('button', name=f'Leave organization {FABRIKAM.name}', exact=True)
    expect(leave).to_be_visible()

    admin.get_by_role('tab', name='Settings').click()
    admin.get_by_role('radio', name='Only by asking the organization').click()
    expect(admin.get_by_role('status').filter(has_text='ask you')).to_be_visible()
    admin.get_by_role('button', name='Save', exact=True).click()
    expect(notification(admin, 'Saved.')).to_be_visible()
    expect_no_serious_violations(admin, 'the settings tab')
    expect(leave).to_have_count(0)  # the guest's open page changed live: the Leave button became an explanation
    request = guest.get_by_role('button', name=f'Request removal from {FABRIKAM.name}', exact=True)
    request.click()
    dialog = guest.get_by_role('dialog', name=f'Ask {FABRIKAM.name} to remove you')
    dialog.get_by_role('textbox').fill('My project with Fabrikam is done.')
    dialog.get_by_role('button', name=f'Send removal request to {FABRIKAM.name}', exact=True).click()

    admin.get_by_role('tab', name='Removal requests').click()
    requests = admin.get_by_role('list', name='Removal requests')
    expect(requests).to_contain_text('My project with Fabrikam is done.')  # live
    expect_no_serious_violations(admin, 'the removal requests tab')
    shoot(admin, tmp_path, 'admin-requests-en')
    admin.get_by_role('button', name=f'Remove {ADELE.name} as they asked', exact=True).click()
    expect(notification(admin, f'{ADELE.name} was removed, as they asked.')).to_be_visible()
    expect(guest_card(guest, FABRIKAM.name)).to_have_count(0)  # gone from the guest's open page

    admin.get_by_role('tab', name='Guests').click()
    row = guest_row(admin, ADELE.name)
    expect(row).to_contain_text('Left on')
    admin.get_by_role('button', name=f'Restore {ADELE.name}', exact=True).click()
    expect(notification(admin, f'{ADELE.name} is a guest again.')).to_be_visible()
    expect(guest_card(guest, FABRIKAM.name)).to_be_visible()  # back on the guest's open page, live

    admin.get_by_role('tab', name='Settings').click()
    admin.get_by_role('radio', name='On their own, at any time').click()
    admin.get_by_role('button', name='Save', exact=True).click()
    expect(leave).to_be_visible()
    leave.click()
    guest.get_by_role('button', name=f'Leave {FABRIKAM.name}', exact=True).click()
    admin.get_by_role('tab', name='Guests').click()
    expect(row).to_contain_text('Left on')  # the guest's own leave shows up live too
    expect(admin.get_by_role('button', name=f'Remove {ADELE.name}', exact=True)).to_have_count(0)
    admin.get_by_role('button', name=f'Restore {ADELE.name}', exact=True).click()
    expect(guest_card(guest, FABRIKAM.name)).to_be_visible()


@pytest.mark.parametrize(('locale', 'tabs', 'remove', 'dialog'), [
    ('en-US', ('Guests', 'Invitations', 'Removal requests', 'Settings', 'Activity'), 'Remove {name}',
     'Remove {name}?'),
    ('nl-NL', ('Gasten', 'Uitnodigingen', 'Verwijderverzoeken', 'Instellingen', 'Activiteit'), '{name} verwijderen',
     '{name} verwijderen?'),
], ids=('en', 'nl'))
def test_every_tab_and_the_remove_dialog_pass_axe(portal: Portal, new_context: Callable[..., BrowserContext],
                                                  tmp_path: Path, *, locale: str, tabs: tuple[str, ...], remove: str,
                                                  dialog: str) -> None:
    page = signed_in(new_context, portal, MEGAN, path='/admin', locale=locale)
    expect(page.locator('html')).to_have_attribute('lang', 'nl' if locale == 'nl-NL' else 'en-US')
    expect_no_serious_violations(page, f'the administration list ({locale})')
    page.goto(portal.url + ADMIN_PAGE)
    for tab in tabs:
        page.get_by_role('tab', name=tab).click()
        expect(page.get_by_role('tab', name=tab)).to_have_attribute('aria-selected', 'true')
        expect_no_serious_violations(page, f'the {tab} tab ({locale})')
        shoot(page, tmp_path, f'admin-{tab}-{locale[:2]}')
    page.get_by_role('tab', name=tabs[0]).click()
    page.get_by_role('button', name=remove.format(name=ADELE.name), exact=True).click()
    question = page.get_by_role('alertdialog', name=dialog.format(name=ADELE.name))
    expect(question).to_be_visible()
    expect_no_serious_violations(page, f'the remove dialog ({locale})')
    page.keyboard.press('Escape')  # nothing removed
    expect(question).to_be_hidden()
    expect(guest_row(page, ADELE.name)).not_to_contain_text('Left on')


def test_an_administrator_gets_403_for_an_organization_they_do_not_administer(
        portal: Portal, new_context: Callable[..., BrowserContext]) -> None:
    """An administrator of one organization is a stranger to every other one (forged ids: see the service tests)."""
    page = signed_in(new_context, portal, MEGAN, path=ADMIN_PAGE)
    response = page.goto(f'{portal.url}/admin/{WOODGROVE.id}')
    assert response is not None and response.status == 403


def test_a_dutch_administrator_sends_a_dutch_invitation(portal: Portal, inbox: Inbox,
                                                        new_context: Callable[..., BrowserContext]) -> None:
    admin = signed_in(new_context, portal, MEGAN, path=ADMIN_PAGE, locale='nl-NL')
    admin.get_by_role('tab', name='Uitnodigingen').click()
    language = admin.get_by_label('Taal van de uitnodigingsmail')
    expect(language).to_have_value('Nederlands')  # the administrator's language is the default
    admin.get_by_label('E-mailadressen').fill('nieuwe.collega@example.nl')
    admin.get_by_role('button', name='Uitnodigen', exact=True).click()
    expect(notification(admin, '1 uitgenodigd, 0 niet uitgenodigd.')).to_be_visible()
    pending = admin.get_by_role('list', name='Openstaande uitnodigingen')
    expect(pending).to_contain_text('nieuwe.collega@example.nl')
    expect(pending).to_contain_text('E-mail verstuurd')
    mail = wait_for_mail(inbox, 'nieuwe.collega@example.nl', admin)
    assert mail['Subject'] == f'{MEGAN.name} heeft u uitgenodigd voor {FABRIKAM.name}'
    assert mail['Content-Language'] == 'nl'
    assert LINK.search(mail.get_body(('plain',)).get_content())


def test_an_undeliverable_invitation_says_so_and_can_be_sent_again(portal: Portal, inbox: Inbox,
                                                                   new_context: Callable[..., BrowserContext]) -> None:
    admin = signed_in(new_context, portal, MEGAN, path=ADMIN_PAGE)
    admin.get_by_role('tab', name='Invitations').click()
    admin.get_by_label('E-mail addresses').fill('bounce.me@example.com')
    admin.get_by_role('button', name='Invite', exact=True).click()
    row = admin.locator('li.portal-admin-row').filter(has_text='bounce.me@example.com')
    expect(row).to_contain_text('E-mail not delivered')  # a permanent refusal: said at once, live
    expect(row).to_contain_text('No such mailbox')
    row.get_by_role('button', name='Send the invitation of bounce.me@example.com again').click()
    expect(notification(admin, 'The invitation of bounce.me@example.com is being sent again, with a new link.')) \
        .to_be_visible()
    expect(row).to_contain_text('E-mail not delivered')  # refused again, and said again
    assert inbox.to('bounce.me@example.com') == []


@pytest.mark.parametrize(('locale', 'decline', 'title', 'answer_box', 'confirm'), [
    ('en-US', 'Decline the request of {name}', 'Decline the request of {name}?', 'Your answer to {name}', 'Decline'),
    ('nl-NL', 'Verzoek van {name} afwijzen', 'Verzoek van {name} afwijzen?', 'Uw antwoord aan {name}', 'Afwijzen'),
], ids=('en', 'nl'))
def test_a_declined_request_s_answer_reaches_the_guest_live(portal: Portal, new_context: Callable[..., BrowserContext],
                                                            *, locale: str, decline: str, title: str,
                                                            answer_box: str, confirm: str) -> None:
    admin = signed_in(new_context, portal, MEGAN, path=ADMIN_PAGE, locale=locale)
    guest = signed_in(new_context, portal, ADELE, path='/organizations')
    _set_policy(portal, 'by_request')
    guest.get_by_role('button', name=f'Request removal from {FABRIKAM.name}', exact=True).click()
    dialog = guest.get_by_role('dialog', name=f'Ask {FABRIKAM.name} to remove you')
    dialog.get_by_role('button', name=f'Send removal request to {FABRIKAM.name}', exact=True).click()
    admin.locator('.q-tab').nth(2).click()  # Removal requests
    admin.get_by_role('button', name=decline.format(name=ADELE.name), exact=True).click()
    question = admin.get_by_role('dialog', name=title.format(name=ADELE.name))
    expect(question).to_be_visible()
    expect_no_serious_violations(admin, f'the decline dialog ({locale})')
    question.get_by_role('button', name=confirm, exact=True).click()
    expect(question).to_be_visible()  # an answer is required: nothing declined yet
    question.get_by_role('textbox', name=answer_box.format(name=ADELE.name)).fill('The audit needs you until June.')
    question.get_by_role('button', name=confirm, exact=True).click()
    expect(question).to_be_hidden()
    expect(guest_card(guest, FABRIKAM.name)).to_contain_text('The audit needs you until June.')  # live, on the card
    _set_policy(portal, 'self_service')


def _set_policy(portal: Portal, policy: str) -> None:
    """The rule as an import sets it (the Settings tab is tested above): quick, and outside the pages under test."""
    data = portal.db.parent.parent / f'policy-{policy}.json'
    organization = {'id': FABRIKAM.id, 'name': FABRIKAM.name, 'domain': FABRIKAM.domain,
                    'privacy_url': FABRIKAM.privacy_url, 'privacy_contact': FABRIKAM.privacy_contact,
                    'leave_policy': policy, 'admins': [MEGAN.subject]}
    data.write_text(json.dumps({'organizations': [organization], 'people': [], 'memberships': []}))
    result = portal.run_command('import', str(data))
    assert result.returncode == 0, result.stderr
