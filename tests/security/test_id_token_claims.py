"""ID tokens with the right signature but claims that are not for us, not now, or not from this sign-in."""

from __future__ import annotations

import logging
import time
from typing import Any

import pytest

from tests.security.fake_provider import FakeProvider
from tests.security.fake_tokens import DROP
from tests.security.portal_harness import Portal
from tests.security.refusals import assert_sign_in_refused

CLIENT = 'myprofile-portal'  # the client id the `provider` fixture registers
NOW = int(time.time())

BAD_CLAIMS = [
    pytest.param({'iss': 'https://evil.example.test'}, ('iss',), id='wrong-iss'),
    pytest.param({'aud': 'another-client'}, ('aud',), id='aud-without-our-client-id'),
    pytest.param({'aud': ['another-client', 'third-client']}, ('aud',), id='aud-list-without-our-client-id'),
    pytest.param({'aud': [CLIENT, 'another-client']}, ('azp',), id='several-audiences-without-azp'),
    pytest.param({'aud': [CLIENT, 'another-client'], 'azp': 'another-client'}, ('azp',),
                 id='several-audiences-with-a-wrong-azp'),
    pytest.param({'aud': DROP}, ('aud',), id='no-aud'),
    pytest.param({'exp': NOW - 3600}, ('exp',), id='expired-exp'),
    pytest.param({'exp': DROP}, ('exp',), id='no-exp'),
    pytest.param({'iat': DROP}, ('iat',), id='no-iat'),
    pytest.param({'iat': NOW + 3600}, ('iat', 'future'), id='iat-far-in-the-future'),
    pytest.param({'nbf': NOW + 3600}, ('nbf', 'not yet', 'before'), id='nbf-far-in-the-future'),
    pytest.param({'nonce': DROP}, ('nonce',), id='no-nonce'),
    pytest.param({'nonce': 'nonce-of-another-sign-in'}, ('nonce',), id='wrong-nonce'),
    pytest.param({'sub': DROP}, ('sub',), id='no-sub'),
    pytest.param({'sub': ''}, ('sub',), id='empty-sub'),
]


@pytest.mark.parametrize(('claim_changes', 'mentions'), BAD_CLAIMS)
async def test_an_id_token_with_bad_claims_is_refused(portal: Portal, provider: FakeProvider,
                                                      security_log: list[logging.LogRecord],
                                                      claim_changes: dict[str, Any], mentions: tuple[str, ...]):
    provider.settings.claim_changes = claim_changes

    response = await portal.sign_in()

    await assert_sign_in_refused(portal, response, security_log, mentions=mentions)
    assert provider.userinfo_calls == 0
