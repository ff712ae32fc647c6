"""What every refused sign-in must show: the problem page, a security warning naming the cause, no session."""

from __future__ import annotations

import logging

import httpx

from tests.security.fake_provider import SUBJECT
from tests.security.portal_harness import Portal


async def assert_sign_in_refused(portal: Portal, response: httpx.Response, security_log: list[logging.LogRecord],
                                 *, mentions: tuple[str, ...], reason: str = 'refused',
                                 browser: httpx.AsyncClient | None = None) -> None:
    """(a) the problem page, (b) a 'sign-in refused' warning naming one of `mentions`, (c) no session started."""
    assert_problem_page(response, reason)
    assert_refusal_logged(security_log, mentions)
    assert_no_session_started(portal)
    assert (await portal.whoami(browser)).status_code == 401


def assert_problem_page(response: httpx.Response, reason: str) -> None:
    location = response.headers.get('location')
    assert response.status_code in {302, 303}, (response.status_code, location)
    assert location == f'/sign-in-problem?reason={reason}', location


def assert_refusal_logged(security_log: list[logging.LogRecord], mentions: tuple[str, ...]) -> None:
    warnings = [record.getMessage() for record in security_log if record.levelno == logging.WARNING]
    refusals = [message for message in warnings if 'sign-in refused' in message]
    assert refusals, f"no WARNING with 'sign-in refused' on myprofile.security; its warnings: {warnings}"
    assert any(word.lower() in message.lower() for message in refusals for word in mentions), (
        f'no refusal names the cause (any of {mentions}): {refusals}')


def assert_no_session_started(portal: Portal) -> None:
    assert portal.sessions.started == [], [s.person.subject for s in portal.sessions.started]
    assert portal.sessions.live_sessions_of(SUBJECT) == []
