"""Session, transport and input hardening, driven through the real app in NiceGUI's simulated browser."""

from __future__ import annotations

import asyncio
import base64
import html
import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest
from nicegui import ElementFilter, ui
from nicegui.testing import User

from data.tinydb_store import TinyDirectoryStore
from services.demo_directory import FABRIKAM, LITWARE, NORTHWIND, TAILSPIN, WOODGROVE
from tests.ui.conftest import sign_in
from tests.ui.sign_out import sign_out
from tests.ui.test_organizations_page import card_names, leave_button

ROOT = Path(__file__).resolve().parents[2]
ADELE, MEGAN = 'demo-adele-vance', 'demo-megan-bowen'


def memberships(db: Path) -> dict[str, list[str]]:
    """Who is still a member of what (a left membership is kept for retention, but is no membership)."""
    directory = TinyDirectoryStore(db).export_directory()
    result: dict[str, list[str]] = {}
    for m in directory.memberships:
        if m.state != 'left':
            result.setdefault(m.subject, []).append(m.organization)
    return {k: sorted(v) for k, v in result.items()}


async def test_pages_send_security_headers(user: User) -> None:
    await sign_in(user, ADELE)
    for path in ('/', '/organizations', '/signed-out', '/auth/login'):
        response = await user.http_client.get(path)
        assert response.headers['cache-control'] == 'no-store', path
        assert "frame-ancestors 'none'" in response.headers['content-security-policy'], path
        assert response.headers['referrer-policy'] == 'same-origin', path
        assert response.headers['x-frame-options'] == 'DENY', path


async def test_session_cookie_is_http_only_and_same_site(user: User) -> None:
    response = await user.http_client.get('/signed-out')
    cookie = response.headers['set-cookie'].lower()
    assert cookie.startswith('myprofile=')
    assert 'httponly' in cookie and 'samesite=lax' in cookie and 'path=/' in cookie


@pytest.fixture
def https_public_url(portal_environment: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('MYPROFILE_PUBLIC_URL', 'https://test')


async def test_over_https_the_cookie_is_secure_and_host_bound(https_public_url: None, user: User) -> None:
    response = await user.http_client.get('/signed-out')
    cookie = response.headers['set-cookie'].lower()
    assert cookie.startswith('__host-myprofile=')
    assert 'secure' in cookie and 'httponly' in cookie and 'domain' not in cookie and 'path=/' in cookie


async def test_live_connection_refuses_a_foreign_origin(user: User, caplog: pytest.LogCaptureFixture) -> None:
    handshake = '/_nicegui_ws/socket.io/?EIO=4&transport=polling'
    foreign = await user.http_client.get(handshake, headers={'origin': 'https://evil.example'})
    assert foreign.status_code == 400
    assert 'https://evil.example is not an accepted origin' in caplog.text  # the operator sees the attempt
    caplog.clear()  # that expected ERROR line is not a test failure
    own = await user.http_client.get(handshake, headers={'origin': 'http://test'})
    assert own.status_code == 200


async def test_copied_cookie_is_useless_after_sign_out(user: User) -> None:
    await sign_in(user, ADELE)
    copied = dict(user.http_client.cookies)
    await sign_out(user, follow_redirects=True)
    user.http_client.cookies.clear()
    user.http_client.cookies.update(copied)
    response = await user.http_client.get('/organizations')
    assert response.status_code == 303 and response.headers['location'].startswith('/auth/login')


@pytest.mark.parametrize('target', ['https://evil.example/steal', '//evil.example', '/\\evil.example'])
async def test_sign_in_never_redirects_off_site(user: User, target: str) -> None:
    await sign_in(user, ADELE, next_path=target, expect_path='/')


async def test_leave_after_sign_out_in_another_tab_fails_safely(user: User, portal_environment: Path,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    await sign_in(user, ADELE)
    await user.open('/organizations')
    leave_button(user, FABRIKAM.name).click()
    await user.should_see(f'Leave {FABRIKAM.name}?')
    await sign_out(user, page=None)  # "tab B": same browser, same cookie (this page's form, posted from there)
    before = memberships(portal_environment)
    user.find(marker='leave-confirm').click()
    await user.should_see('Your session has ended. Sign in again to continue.')
    assert memberships(portal_environment) == before
    # the page then went to sign in: the simulated browser can only report that it got the provider's plain HTML
    for _ in range(20):
        if 'Choose a demo account' in caplog.text:
            break
        await asyncio.sleep(0.1)
    assert 'Expected a page response' in caplog.text and 'Choose a demo account' in caplog.text
    caplog.clear()  # that expected ERROR line is the simulated browser's, not a failure


async def test_markup_and_non_ascii_names_render_as_plain_text(user: User, tmp_path: Path) -> None:
    nasty = '<img src=x onerror=alert(1)> Ωmega & Zoë 東京'
    directory = tmp_path / 'nasty.json'
    directory.write_text(json.dumps({
        'organizations': [{'id': 'nasty-org', 'name': nasty, 'domain': 'nasty.example',
                           'privacy_url': 'https://nasty.example/privacy', 'privacy_contact': 'p@nasty.example'}],
        'memberships': [{'subject': MEGAN, 'organization': 'nasty-org'}]}))
    result = subprocess.run([sys.executable, 'main.py', 'import', str(directory)], cwd=ROOT, capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    await sign_in(user, MEGAN)
    await user.open('/organizations')
    await user.should_see(html.escape(nasty, quote=False), retries=30)
    with user.client:  # the card's read-only HTML carries the name escaped, never as markup
        blocks = [block.content for block in ElementFilter(kind=ui.html, local_scope=False)]
    assert any('<h3 class="portal-org-name">&lt;img src=x onerror=alert(1)&gt; Ωmega &amp; Zoë 東京</h3>' in block
               for block in blocks)
    assert not any('<img' in block for block in blocks)
    button = leave_button(user, nasty)  # the accessible name is a plain attribute, not markup
    assert button.elements


@pytest.fixture
def two_leaves_per_minute(portal_environment: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('MYPROFILE_RATE_LIMIT_LEAVES', '2')


async def test_leaves_are_rate_limited(two_leaves_per_minute: None, user: User, portal_environment: Path) -> None:
    await sign_in(user, ADELE)
    await user.open('/organizations')
    for organization in (FABRIKAM, WOODGROVE):
        await leave_through_the_page(user, organization.name)
        await user.should_see(f'You left {organization.name}')
    await leave_through_the_page(user, TAILSPIN.name)
    await user.should_see('Too many attempts in a short time. Wait a minute, then try again.')
    assert TAILSPIN.id in memberships(portal_environment)[ADELE]
    assert card_names(user, 'guest-card') == [LITWARE.name, NORTHWIND.name, TAILSPIN.name]  # the refused one is back


async def leave_through_the_page(user: User, organization: str) -> None:
    leave_button(user, organization).click()
    await user.should_see(f'Leave {organization}?')
    user.find(marker='leave-confirm').click()


async def test_access_log_has_no_query_strings_and_no_forged_lines(user: User,
                                                                 caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger='myprofile.access'):
        await user.http_client.get('/auth/callback?code=SECRETCODE&state=SECRETSTATE')
        await user.http_client.get('/nothing%0d%0a2026-01-01 INFO forged line')
    lines = [r.getMessage() for r in caplog.records if r.name == 'myprofile.access']
    assert lines and not any('SECRET' in line for line in lines)
    assert all('\n' not in line and '\r' not in line for line in lines)


def cookie_session(user: User) -> dict:
    """What the signed (readable, not encrypted) session cookie carries."""
    value = user.http_client.cookies['myprofile']
    payload = value.split('.')[0]
    return json.loads(base64.b64decode(payload + '=' * (-len(payload) % 4)))


async def test_cookie_carries_no_sign_in_secrets_and_only_an_opaque_id(user: User) -> None:
    await user.http_client.get('/auth/login?next=/organizations')  # a sign-in in flight
    in_flight = cookie_session(user)
    markers = [v for k, v in in_flight.items() if k.startswith('_state_')]
    assert markers and all(set(marker) == {'exp'} for marker in markers)  # no state data, nonce or PKCE verifier
    assert 'code_verifier' not in json.dumps(in_flight) and 'nonce' not in json.dumps(in_flight)
    await sign_in(user, ADELE)
    signed_in = cookie_session(user)
    assert set(signed_in) <= {'id', 'sid', 'lang'}
    assert ADELE not in json.dumps(signed_in) and 'Adele' not in json.dumps(signed_in)


async def test_an_ended_session_goes_to_sign_in_and_back_to_the_page_asked_for(user: User) -> None:
    # an expired session looks exactly like an ended one to the pages (SessionStore.get gives None)
    await sign_in(user, ADELE, next_path='/')
    await sign_out(user, page='/')
    response = await user.http_client.get('/organizations?view=all')
    assert response.headers['location'] == '/auth/login?next=%2Forganizations%3Fview%3Dall'
    await sign_in(user, ADELE, next_path='/organizations?view=all', expect_path='/organizations')


async def test_a_person_removed_by_a_restore_gets_a_plain_page_not_an_error(user: User, portal_environment: Path,
                                                                            tmp_path: Path) -> None:
    await sign_in(user, ADELE)
    await user.open('/organizations')
    backup = tmp_path / 'without-adele.json'  # a backup of a directory that never had Adele
    backup.write_text(json.dumps({
        'organizations': {'1': {'id': 'org-1', 'name': 'One', 'domain': 'one.example'}},
        'people': {'1': {'subject': MEGAN, 'name': 'Megan Bowen', 'home': 'org-1'}}}))
    result = subprocess.run([sys.executable, 'main.py', 'restore', str(backup)], cwd=ROOT, capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    for _ in range(30):  # the running app takes the restore in within a second
        response = await user.http_client.get('/organizations')
        if response.status_code == 303:
            break
        await asyncio.sleep(0.1)
    assert response.headers['location'] == '/sign-in-problem?reason=unknown_person'
    assert (await user.http_client.get('/')).headers['location'] == '/sign-in-problem?reason=unknown_person'
