"""ID tokens that are not signed by the provider's key with an allow-listed algorithm are refused."""

from __future__ import annotations

import logging

import pytest

from tests.security.fake_provider import FakeProvider
from tests.security.fake_tokens import Signing
from tests.security.portal_harness import Portal
from tests.security.refusals import assert_sign_in_refused

FORGERIES = [
    pytest.param('wrong-key', ('signature',), id='signed-by-another-key-under-the-genuine-kid'),
    pytest.param('none', ('alg', 'none', 'signature'), id='alg-none-unsigned'),
    pytest.param('hs256-public-pem', ('alg', 'hs256'), id='hs256-keyed-by-the-public-key-pem'),
    pytest.param('hs256-public-jwk', ('alg', 'hs256'), id='hs256-keyed-by-the-public-key-json'),
    pytest.param('rs512', ('alg', 'rs512'), id='rs512-not-allow-listed'),
    pytest.param('hs256-client-secret', ('alg', 'hs256'), id='hs256-keyed-by-the-client-secret'),
]


@pytest.mark.parametrize(('signing', 'mentions'), FORGERIES)
async def test_a_badly_signed_id_token_is_refused(portal: Portal, provider: FakeProvider,
                                                  security_log: list[logging.LogRecord], signing: Signing,
                                                  mentions: tuple[str, ...]):
    provider.settings.signing = signing  # the provider also announces the forged algorithm in its discovery

    response = await portal.sign_in()

    await assert_sign_in_refused(portal, response, security_log, mentions=mentions)
    assert provider.userinfo_calls == 0


async def test_a_token_under_a_kid_the_jwks_never_published_is_refused(
        portal: Portal, provider: FakeProvider, security_log: list[logging.LogRecord]):
    provider.settings.signing = 'unknown-kid'  # a key whose kid is in no JWKS, even after a fresh fetch

    response = await portal.sign_in()

    await assert_sign_in_refused(portal, response, security_log, mentions=('kid', 'key'))
    assert provider.jwks_fetches == 2  # the cached set, then one fresh fetch for the unknown kid; no more
    assert provider.userinfo_calls == 0
