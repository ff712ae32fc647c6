"""What a well-behaved provider gets: PKCE S256 and a nonce, either client authentication, key rotation, no-kid keys."""

from __future__ import annotations

import pytest

from tests.security.fake_provider import SUBJECT, FakeProvider
from tests.security.portal_harness import Portal, PortalFactory, query_of


async def test_a_sign_in_starts_a_server_side_session(portal: Portal, provider: FakeProvider):
    response = await portal.sign_in()

    assert_signed_in(response)
    assert (await portal.whoami()).json() == {'subject': SUBJECT}
    assert [s.person.subject for s in portal.sessions.started] == [SUBJECT]
    assert provider.token_calls == 1


async def test_the_authorization_request_carries_pkce_s256_and_a_nonce(portal: Portal, provider: FakeProvider):
    await portal.sign_in()
    await portal.sign_in(portal.new_browser())

    first, second = provider.authorization_requests
    for request in (first, second):
        assert request['response_type'] == 'code'
        assert request['code_challenge_method'] == 'S256'
        assert len(request['code_challenge']) == 43  # base64url of a SHA-256 digest
        assert len(request['nonce']) >= 16 and len(request['state']) >= 16
        assert 'openid' in request['scope'].split()
    assert first['nonce'] != second['nonce'] and first['state'] != second['state']
    assert first['code_challenge'] != second['code_challenge']


async def test_the_provider_verifies_the_pkce_verifier(portal: Portal, provider: FakeProvider):
    assert_signed_in(await portal.sign_in())
    assert provider.token_refusals == []  # the S256 verifier matched the challenge


async def test_client_secret_basic_authenticates_at_the_token_endpoint(portal: Portal, provider: FakeProvider):
    assert_signed_in(await portal.sign_in())
    assert provider.token_auth_methods == ['client_secret_basic']


async def test_client_secret_post_authenticates_at_the_token_endpoint(make_portal: PortalFactory,
                                                                     provider: FakeProvider):
    provider.settings.token_auth_method = 'client_secret_post'
    portal = await make_portal(token_auth_method='client_secret_post')

    assert_signed_in(await portal.sign_in())
    assert provider.token_auth_methods == ['client_secret_post']


async def test_a_rotated_key_is_fetched_once_then_cached(portal: Portal, provider: FakeProvider):
    assert_signed_in(await portal.sign_in())
    assert provider.jwks_fetches == 1
    assert_signed_in(await portal.sign_in(portal.new_browser()))
    assert provider.jwks_fetches == 1  # same key: served from the cache

    provider.keys.rotate()
    assert_signed_in(await portal.sign_in(portal.new_browser()))
    assert provider.jwks_fetches == 2  # the unknown kid made exactly one fresh fetch
    assert_signed_in(await portal.sign_in(portal.new_browser()))
    assert provider.jwks_fetches == 2


async def test_an_es256_key_is_accepted(portal: Portal, provider: FakeProvider):
    provider.keys.rotate('EC')
    assert_signed_in(await portal.sign_in())


async def test_a_single_key_without_kid_is_accepted(portal: Portal, provider: FakeProvider):
    provider.settings.without_kid = True
    assert_signed_in(await portal.sign_in())
    assert (await portal.whoami()).json() == {'subject': SUBJECT}


async def test_userinfo_is_fetched_once_after_the_id_token(portal: Portal, provider: FakeProvider):
    assert_signed_in(await portal.sign_in())
    assert provider.userinfo_calls == 1


async def test_without_a_userinfo_endpoint_the_id_token_suffices(portal: Portal, provider: FakeProvider):
    provider.settings.announce_userinfo = False
    assert_signed_in(await portal.sign_in())
    assert provider.userinfo_calls == 0


@pytest.mark.parametrize('response_issuer', ['', None], ids=['with-iss-parameter', 'without-iss-parameter'])
async def test_the_authorization_response_iss_parameter_is_optional(portal: Portal, provider: FakeProvider,
                                                                    response_issuer: str | None):
    provider.settings.response_issuer = response_issuer
    callback = await portal.authorize(await portal.start_sign_in())
    assert ('iss' in query_of(callback)) is (response_issuer is not None)
    assert_signed_in(await portal.open_callback(callback))


def assert_signed_in(response) -> None:
    assert response.status_code == 303, (response.status_code, response.headers.get('location'))
    assert response.headers['location'] == '/', response.headers['location']
