"""HTTP routes of sign-in: start, callback, sign-out, and the language switch (cookie changes need HTTP)."""

from __future__ import annotations

import logging

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from services.errors import (
    PortalError,
    RateLimited,
    SignInCancelled,
    SignInRefused,
    SignInUnavailable,
    UnknownPerson,
)
from services.sessions import SessionStore
from ui import csrf
from ui.i18n import supported
from ui.relying_party import RelyingParty
from ui.web_session import LANGUAGE, SESSION_ID, current_session, language_of, safe_return_path

log = logging.getLogger(__name__)
security_log = logging.getLogger('myprofile.security')

RETURN_PATH = 'next'
PROBLEMS = {SignInCancelled: 'cancelled', SignInRefused: 'refused', SignInUnavailable: 'unavailable',
            UnknownPerson: 'unknown_person', RateLimited: 'rate_limited'}


def register(app: FastAPI, relying_party: RelyingParty, sessions: SessionStore, *, public_url: str) -> None:
    @app.get('/auth/login', include_in_schema=False)
    async def sign_in(request: Request, next: str | None = None) -> RedirectResponse:
        target = safe_return_path(next)
        if current_session(request, sessions) is not None:
            return RedirectResponse(target, status_code=303)
        request.session[RETURN_PATH] = target
        try:
            url = await relying_party.authorization_url(request, language=language_of(request),
                                                        address=_address(request))
        except PortalError as error:  # the relying party has logged why
            return _problem(error)
        return RedirectResponse(url, status_code=302)

    @app.get('/auth/callback', include_in_schema=False)
    async def callback(request: Request) -> RedirectResponse:
        try:
            session = await relying_party.finish(request, address=_address(request))
        except PortalError as error:
            return _problem(error)
        target = safe_return_path(request.session.get(RETURN_PATH))
        language = request.session.get(LANGUAGE)
        request.session.clear()  # nothing from before sign-in survives into the signed-in session
        request.session[SESSION_ID] = session.id
        if language:
            request.session[LANGUAGE] = language
        log.info('signed in: %r', session.person.subject)
        return RedirectResponse(target, status_code=303)

    @app.get('/auth/logout', include_in_schema=False)
    async def sign_out_by_link() -> Response:
        """A link (or another site's image or redirect) signs no one out: only the header's form does."""
        return PlainTextResponse('Method Not Allowed', status_code=405, headers={'Allow': 'POST'})

    @app.post('/auth/logout', include_in_schema=False)
    async def sign_out(request: Request) -> Response:
        origin = request.headers.get('origin')
        if not csrf.same_origin(origin, public_url):
            return _refused(request, f'from another origin {(origin or "")[:200]!r}')
        form = await request.form()
        session_id = request.session.get(SESSION_ID)
        if not csrf.token_matches(session_id, form.get(csrf.FIELD)):
            if sessions.get(session_id, touch=False) is None:
                return RedirectResponse('/signed-out', status_code=303)  # nobody to sign out (ended or expired)
            return _refused(request, 'without a valid token' if form.get(csrf.FIELD) else 'without a token')
        session = sessions.end(session_id)
        language = request.session.get(LANGUAGE)
        request.session.clear()
        if language:
            request.session[LANGUAGE] = language
        if session is not None:
            log.info('signed out: %r', session.person.subject)
        provider_logout = await relying_party.end_session_url(session, f'{public_url}/signed-out')
        return RedirectResponse(provider_logout or '/signed-out', status_code=303)

    @app.get('/lang/{code}', include_in_schema=False)
    async def switch_language(request: Request, code: str, next: str | None = None) -> RedirectResponse:
        language = supported(code)
        if language:
            request.session[LANGUAGE] = language
        return RedirectResponse(safe_return_path(next), status_code=303)


def _address(request: Request) -> str:
    """The client's address (a trusted proxy's forwarded one, see `forwarded_headers`)."""
    return request.client.host if request.client else 'unknown'


def _refused(request: Request, reason: str) -> Response:
    """A forged sign-out: refused, logged, and the session left as it was."""
    security_log.warning('sign-out refused: a request %s (address %r)', reason, _address(request))
    return PlainTextResponse('Forbidden', status_code=403)


def _problem(error: PortalError) -> RedirectResponse:
    reason = next((name for kind, name in PROBLEMS.items() if isinstance(error, kind)), 'refused')
    return RedirectResponse(f'/sign-in-problem?reason={reason}', status_code=303)
