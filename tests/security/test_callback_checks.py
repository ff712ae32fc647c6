"""The callback: state bound to this browser and used once, codes used once, the right issuer, a real ID token."""

from __future__ import annotations

import logging

from tests.security.fake_provider import FakeProvider
from tests.security.portal_harness import Portal, query_of, with_query
from tests.security.refusals import (
    assert_no_session_started,
    assert_problem_page,
    assert_refusal_logged,
    assert_sign_in_refused,
)


async def test_a_callback_without_state_is_refused(portal: Portal, provider: FakeProvider,
                                                   security_log: list[logging.LogRecord]):
    callback = await portal.authorize(await portal.start_sign_in())

    response = await portal.open_callback(with_query(callback, state=None))

    await assert_sign_in_refused(portal, response, security_log, mentions=('state',))
    assert provider.token_calls == 0


async def test_a_callback_with_a_wrong_state_is_refused(portal: Portal, provider: FakeProvider,
                                                        security_log: list[logging.LogRecord]):
    callback = await portal.authorize(await portal.start_sign_in())

    response = await portal.open_callback(with_query(callback, state='forged-state-value'))

    await assert_sign_in_refused(portal, response, security_log, mentions=('state',))
    assert provider.token_calls == 0


async def test_a_replayed_callback_is_refused(portal: Portal, provider: FakeProvider,
                                              security_log: list[logging.LogRecord]):
    callback = await portal.authorize(await portal.start_sign_in())
    assert (await portal.open_callback(callback)).headers['location'] == '/'

    replay = await portal.open_callback(callback)

    assert_problem_page(replay, 'refused')
    assert_refusal_logged(security_log, ('state',))
    assert len(portal.sessions.started) == 1  # the replay started no second session
    assert provider.token_calls == 1  # and its code never reached the token endpoint again


async def test_a_state_started_in_another_browser_is_refused(portal: Portal, provider: FakeProvider,
                                                             security_log: list[logging.LogRecord]):
    callback = await portal.authorize(await portal.start_sign_in())  # the attacker's own sign-in...
    victim = portal.new_browser()

    response = await portal.open_callback(callback, victim)  # ...finished in the victim's browser (login CSRF)

    await assert_sign_in_refused(portal, response, security_log, mentions=('state',), browser=victim)
    assert provider.token_calls == 0


async def test_a_replayed_authorization_code_is_refused(portal: Portal, provider: FakeProvider,
                                                        security_log: list[logging.LogRecord]):
    first = await portal.authorize(await portal.start_sign_in())
    assert (await portal.open_callback(first)).headers['location'] == '/'  # its code is now spent
    other = portal.new_browser()
    callback = await portal.authorize(await portal.start_sign_in(other))

    response = await portal.open_callback(with_query(callback, code=query_of(first)['code']), other)

    assert_problem_page(response, 'refused')
    assert_refusal_logged(security_log, ('invalid_grant', 'code'))
    assert provider.token_refusals == ['code already used']
    assert len(portal.sessions.started) == 1 and (await portal.whoami(other)).status_code == 401


async def test_an_access_denied_answer_cancels_the_sign_in(portal: Portal, provider: FakeProvider,
                                                           security_log: list[logging.LogRecord]):
    provider.settings.deny = True

    response = await portal.sign_in()

    await assert_sign_in_refused(portal, response, security_log, reason='cancelled',
                                 mentions=('access_denied', 'cancel', 'denied'))
    assert provider.token_calls == 0


async def test_a_forged_error_answer_without_our_state_is_refused(portal: Portal, provider: FakeProvider,
                                                                  security_log: list[logging.LogRecord]):
    # someone links a person straight to our callback with an error, to confuse them: not a sign-in of theirs
    response = await portal.open_callback('/auth/callback?error=access_denied&state=forged')

    await assert_sign_in_refused(portal, response, security_log, mentions=('state',))
    assert provider.token_calls == 0


async def test_an_iss_parameter_naming_another_issuer_is_refused(portal: Portal, provider: FakeProvider,
                                                                 security_log: list[logging.LogRecord]):
    provider.settings.response_issuer = 'https://evil.example.test'  # mix-up attack (RFC 9207)

    response = await portal.sign_in()

    await assert_sign_in_refused(portal, response, security_log, mentions=('iss',))
    assert provider.token_calls == 0  # the code was not sent to a token endpoint at all


async def test_a_token_response_without_id_token_is_refused(portal: Portal, provider: FakeProvider,
                                                            security_log: list[logging.LogRecord]):
    provider.settings.omit_id_token = True

    response = await portal.sign_in()

    await assert_sign_in_refused(portal, response, security_log, mentions=('id token', 'id_token'))
    assert provider.userinfo_calls == 0


async def test_a_userinfo_sub_other_than_the_id_tokens_is_refused(portal: Portal, provider: FakeProvider,
                                                                  security_log: list[logging.LogRecord]):
    provider.settings.userinfo_subject = 'mallory-0666'

    response = await portal.sign_in()

    await assert_sign_in_refused(portal, response, security_log, mentions=('userinfo',))
    assert provider.userinfo_calls == 1


async def test_a_discovery_issuer_other_than_ours_refuses_to_start(portal: Portal, provider: FakeProvider,
                                                                   security_log: list[logging.LogRecord]):
    provider.settings.discovery_issuer = 'https://evil.example.test'

    response = await portal.browser.get('/auth/login')

    assert_problem_page(response, 'refused')
    assert_refusal_logged(security_log, ('issuer', 'discovery'))
    assert_refusal_logged(security_log, ('https://evil.example.test',))  # names what the provider published
    assert provider.authorization_requests == [] and provider.token_calls == 0
    assert_no_session_started(portal)
    assert (await portal.whoami()).status_code == 401
