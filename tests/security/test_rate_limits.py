"""Attack review finding 3: sign-in limits count what signals abuse (failed and abandoned sign-ins, per address
and per person), so an office behind one address is never locked out, and a flood of unfinished sign-ins can
neither grow memory without bound nor push out the sign-ins of real people."""

from __future__ import annotations

import logging

from services.sign_in_guard import SignInGuard, SignInLimits
from tests.security.fake_provider import SUBJECT, FakeProvider
from tests.security.portal_harness import PortalFactory, with_query

OFFICE = '198.51.100.7'  # one corporate NAT, or one reverse proxy


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_two_hundred_people_behind_one_address_sign_in_within_a_minute(
        make_portal: PortalFactory, provider: FakeProvider) -> None:
    portal = await make_portal()  # the default limits
    for n in range(200):
        provider.settings.claim_changes['sub'] = provider.settings.userinfo_subject = f'office-worker-{n:03}'
        browser = portal.new_browser(OFFICE)
        assert (await portal.sign_in(browser)).headers['location'] == '/', n
        assert (await portal.whoami(browser)).json() == {'subject': f'office-worker-{n:03}'}


async def test_an_address_with_many_failed_sign_ins_must_wait(make_portal: PortalFactory, provider: FakeProvider,
                                                              security_log: list[logging.LogRecord]) -> None:
    portal = await make_portal(guard=SignInGuard(SignInLimits(failures_per_address=3)))
    attacker = portal.new_browser('203.0.113.66')
    for _ in range(3):  # a code-guessing loop: every callback carries a forged code
        callback = await portal.authorize(await portal.start_sign_in(attacker))
        refused = await portal.open_callback(with_query(callback, code='guessed'), attacker)
        assert refused.headers['location'] == '/sign-in-problem?reason=refused'
    requests_so_far = len(provider.authorization_requests)
    blocked = await attacker.get('/auth/login')
    assert blocked.headers['location'] == '/sign-in-problem?reason=rate_limited'
    assert len(provider.authorization_requests) == requests_so_far  # the next one never reached the provider
    assert any('rate limit' in record.getMessage() for record in security_log)
    colleague = portal.new_browser('203.0.113.67')  # any other address is not affected
    assert (await portal.sign_in(colleague)).headers['location'] == '/'


async def test_abandoned_sign_ins_count_against_their_address(make_portal: PortalFactory) -> None:
    clock = Clock()
    guard = SignInGuard(SignInLimits(failures_per_address=3, pending_lifetime_seconds=600), clock=clock)
    portal = await make_portal(guard=guard)
    flooder = portal.new_browser('203.0.113.66')
    for _ in range(3):
        await portal.start_sign_in(flooder)  # and never come back
    assert (await flooder.get('/auth/login')).status_code == 302  # not yet: they may still come back
    clock.now += 601
    guard.sweep()
    assert guard.pending.in_flight() == 0
    assert (await flooder.get('/auth/login')).headers['location'] == '/sign-in-problem?reason=rate_limited'
    clock.now += 600  # the window passes, and the address may try again
    guard.sweep()
    assert (await flooder.get('/auth/login')).status_code == 302


async def test_a_flood_of_unfinished_sign_ins_stays_bounded_and_pushes_out_nobody_else(
        make_portal: PortalFactory) -> None:
    guard = SignInGuard(SignInLimits(pending_per_address=20, max_pending=50, failures_per_address=10_000))
    portal = await make_portal(guard=guard)
    real = portal.new_browser('192.0.2.10')
    started = await portal.start_sign_in(real)  # a real person is at the provider, typing a password
    for n in range(300):  # meanwhile one address starts sign-ins it never finishes, then a few more join in
        await portal.start_sign_in(portal.new_browser('203.0.113.66' if n < 200 else f'203.0.113.{n % 5}'))
    assert guard.pending.in_flight() <= 50
    assert guard.pending.held_by('203.0.113.66') <= 20
    callback = await portal.authorize(started)
    assert (await portal.open_callback(callback, real)).headers['location'] == '/'  # it still completes
    assert (await portal.whoami(real)).json() == {'subject': SUBJECT}


async def test_a_person_whose_sign_ins_keep_failing_must_wait_from_any_address(
        make_portal: PortalFactory, provider: FakeProvider) -> None:
    portal = await make_portal(guard=SignInGuard(SignInLimits(failures_per_person=2)))
    provider.settings.userinfo_subject = 'someone-else'  # vouched for by the ID token, then refused
    for address in ('10.0.0.1', '10.0.0.2'):
        refused = await portal.sign_in(portal.new_browser(address))
        assert refused.headers['location'] == '/sign-in-problem?reason=refused'
    provider.settings.userinfo_subject = None
    browser = portal.new_browser('10.0.0.3')
    assert (await portal.sign_in(browser)).headers['location'] == '/sign-in-problem?reason=rate_limited'
    assert (await portal.whoami(browser)).status_code == 401
    provider.settings.claim_changes['sub'] = provider.settings.userinfo_subject = 'another-person'  # others may
    assert (await portal.sign_in(portal.new_browser('10.0.0.3'))).headers['location'] == '/'


async def test_one_person_starting_sessions_in_a_loop_must_wait(make_portal: PortalFactory, provider: FakeProvider,
                                                                security_log: list[logging.LogRecord]) -> None:
    portal = await make_portal(guard=SignInGuard(SignInLimits(sign_ins_per_person=2)))
    for address in ('10.0.0.1', '10.0.0.2'):
        await portal.sign_in(portal.new_browser(address))
    browser = portal.new_browser('10.0.0.3')
    refused = await portal.sign_in(browser)
    assert refused.headers['location'] == '/sign-in-problem?reason=rate_limited'
    assert (await portal.whoami(browser)).status_code == 401
    assert len(portal.sessions.live_sessions_of(SUBJECT)) == 2
    assert any('rate limit' in record.getMessage() for record in security_log)
