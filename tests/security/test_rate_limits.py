"""Sign-in is rate-limited per address (at the start) and per person (before a session is made)."""

from __future__ import annotations

import logging

from services.rate_limit import RateLimiter
from tests.security.fake_provider import SUBJECT, FakeProvider
from tests.security.portal_harness import PortalFactory


async def test_sign_ins_are_rate_limited_per_address(make_portal: PortalFactory, provider: FakeProvider) -> None:
    portal = await make_portal(limiter=RateLimiter(limit=2, window_seconds=60))
    for _ in range(2):
        assert (await portal.sign_in(portal.new_browser('10.1.1.1'))).status_code == 303
    blocked = await portal.new_browser('10.1.1.1').get('/auth/login')
    assert blocked.headers['location'] == '/sign-in-problem?reason=rate_limited'
    assert len(provider.authorization_requests) == 2  # the third never reached the provider
    assert (await portal.sign_in(portal.new_browser('10.2.2.2'))).status_code == 303  # others are not affected


async def test_sign_ins_are_rate_limited_per_person(make_portal: PortalFactory, provider: FakeProvider,
                                                    security_log: list[logging.LogRecord]) -> None:
    portal = await make_portal(limiter=RateLimiter(limit=2, window_seconds=60))
    for address in ('10.0.0.1', '10.0.0.2'):
        await portal.sign_in(portal.new_browser(address))
    browser = portal.new_browser('10.0.0.3')
    refused = await portal.sign_in(browser)
    assert refused.headers['location'] == '/sign-in-problem?reason=rate_limited'
    assert (await portal.whoami(browser)).status_code == 401
    assert len(portal.sessions.live_sessions_of(SUBJECT)) == 2
    assert any('rate limit' in record.getMessage() for record in security_log)
