"""Signing in through the demo identity provider, cancelling it, and signing out for good."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.conftest import Portal
from tests.e2e.pages import DEMO_SIGN_IN_HEADING, LIDIA, MEGAN, choose_account, sign_in


def test_no_session_sends_the_browser_to_the_demo_sign_in_page(shared_portal: Portal, page: Page) -> None:
    page.goto(f'{shared_portal.url}/organizations')
    expect(page).to_have_url(re.compile(rf'^{re.escape(shared_portal.url)}/demo-idp/authorize\?'))
    expect(page.get_by_role('heading', level=1)).to_have_text(DEMO_SIGN_IN_HEADING)
    expect(page.get_by_role('banner')).to_contain_text('Demo only.')
    expect(page.get_by_role('banner')).to_contain_text('Never use it for real accounts.')
    expect(page).to_have_title('Choose a demo account · Demo identity provider')
    request = parse_qs(urlsplit(page.url).query)
    assert request['response_type'] == ['code']
    assert request['code_challenge_method'] == ['S256']
    assert request['redirect_uri'] == [f'{shared_portal.url}/auth/callback']
    expect(page.get_by_role('list', name='Demo accounts').get_by_role('button')).to_have_count(3)


def test_choosing_an_account_returns_to_the_page_asked_for(shared_portal: Portal, page: Page) -> None:
    callbacks: list[str] = []
    page.on('request', lambda request: callbacks.append(request.url) if '/auth/callback' in request.url else None)
    page.goto(f'{shared_portal.url}/organizations')
    choose_account(page, LIDIA)
    expect(page).to_have_url(f'{shared_portal.url}/organizations')
    expect(page.get_by_role('heading', level=1)).to_have_text('Organizations')
    expect(page.get_by_role('banner')).to_contain_text(LIDIA.name)
    assert len(callbacks) == 1, callbacks
    callback = parse_qs(urlsplit(callbacks[0]).query)
    assert callback['code'][0] and callback['state'][0], 'the provider must answer with a code and the state'


def test_cancel_lands_on_a_friendly_page_with_a_way_to_sign_in_again(shared_portal: Portal, page: Page) -> None:
    page.goto(f'{shared_portal.url}/organizations')
    page.get_by_role('button', name='Cancel and return to the portal').click()
    expect(page).to_have_url(f'{shared_portal.url}/sign-in-problem?reason=cancelled')
    expect(page.get_by_role('heading', level=1)).to_have_text('Sign-in was cancelled')
    expect(page.get_by_text('You cancelled signing in. Nothing was changed.')).to_be_visible()
    expect(page.get_by_role('button', name='Sign out')).to_have_count(0)
    page.get_by_role('link', name='Sign in', exact=True).click()
    expect(page.get_by_role('heading', level=1)).to_have_text(DEMO_SIGN_IN_HEADING)
    choose_account(page, LIDIA)
    expect(page.get_by_role('button', name='Sign out')).to_be_visible()


def test_sign_out_ends_the_session(shared_portal: Portal, page: Page, context: BrowserContext,
                                   new_context: Callable[..., BrowserContext]) -> None:
    sign_in(page, shared_portal.url, MEGAN)
    cookies_before_sign_out = context.storage_state()
    page.get_by_role('button', name='Sign out').click()
    expect(page).to_have_url(f'{shared_portal.url}/signed-out')
    expect(page.get_by_role('heading', level=1)).to_have_text('You have signed out')

    page.goto(f'{shared_portal.url}/organizations')
    expect(page.get_by_role('heading', level=1)).to_have_text(DEMO_SIGN_IN_HEADING)

    replayed = new_context(storage_state=cookies_before_sign_out).new_page()  # a copy of the old cookie
    replayed.goto(f'{shared_portal.url}/organizations')
    expect(replayed.get_by_role('heading', level=1)).to_have_text(DEMO_SIGN_IN_HEADING)
