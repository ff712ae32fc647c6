"""Starlette routes for the demo provider, with full paths: they run inside NiceGUI's app and on their own."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from demo_idp import DemoProvider, ProviderRequest, Refusal, Reply, SignedOut, SignInPrompt
from demo_idp.i18n import Translator, negotiate_language, supported

from .pages import message_page, sign_in_page

PREFIX = '/demo-idp'
FORM_TYPE = 'application/x-www-form-urlencoded'
ORIGIN = re.compile(r'^https?://[A-Za-z0-9.\-\[\]:]+$')
PAGE_HEADERS = {'Cache-Control': 'no-store', 'X-Frame-Options': 'DENY', 'X-Content-Type-Options': 'nosniff',
                'Referrer-Policy': 'no-referrer'}


def demo_provider_routes(provider: DemoProvider) -> list[BaseRoute]:
    """Routes with full paths under the issuer's path (e.g. '/demo-idp'); no session middleware needed."""
    base = urlsplit(provider.config.issuer).path.rstrip('/')
    action = f'{base}/authorize'

    async def discovery(request: Request) -> Response:
        return JSONResponse(provider.metadata)

    async def jwks(request: Request) -> Response:
        return JSONResponse(provider.jwks())

    async def authorize(request: Request) -> Response:
        incoming = await _read(request)
        outcome = provider.authorize(incoming) if request.method == 'GET' else provider.decide(incoming)
        if isinstance(outcome, SignInPrompt):
            t = _translator(outcome.ui_locales, request)
            return _page(sign_in_page(outcome, t, action=action), 200, form_action=_origin(outcome.redirect_uri))
        return _outcome(outcome, request)

    async def token(request: Request) -> Response:
        return _protocol(provider.token(await _read(request)))

    async def userinfo(request: Request) -> Response:
        return _protocol(provider.userinfo(await _read(request)))

    async def logout(request: Request) -> Response:
        return _outcome(provider.end_session(await _read(request)), request)

    return [
        Route(f'{base}/.well-known/openid-configuration', discovery, methods=['GET'], name='demo_idp_discovery'),
        Route(f'{base}/jwks', jwks, methods=['GET'], name='demo_idp_jwks'),
        Route(f'{base}/authorize', authorize, methods=['GET', 'POST'], name='demo_idp_authorize'),
        Route(f'{base}/token', token, methods=['POST'], name='demo_idp_token'),
        Route(f'{base}/userinfo', userinfo, methods=['GET', 'POST'], name='demo_idp_userinfo'),
        Route(f'{base}/logout', logout, methods=['GET', 'POST'], name='demo_idp_logout'),
    ]


async def _read(request: Request) -> ProviderRequest:
    """Query and (urlencoded only, as OAuth prescribes) form parameters, keeping repeats so Authlib can refuse them."""
    form: tuple[tuple[str, str], ...] = ()
    if request.method == 'POST' and request.headers.get('content-type', '').startswith(FORM_TYPE):
        async with request.form(max_files=0, max_fields=200) as data:
            form = tuple((name, value) for name, value in data.multi_items() if isinstance(value, str))
    return ProviderRequest(method=request.method, query=tuple(request.query_params.multi_items()), form=form,
                           headers=request.headers)


def _outcome(outcome: Reply | Refusal | SignedOut, request: Request) -> Response:
    if isinstance(outcome, Refusal):
        t = _translator(outcome.ui_locales, request)
        detail = f'{outcome.error}: {outcome.description}' if outcome.description else outcome.error
        html = message_page(t, heading_key='demo_provider.error.heading', text_key='demo_provider.error.text',
                            detail=detail)
        return _page(html, outcome.status)
    if isinstance(outcome, SignedOut):
        t = _translator(outcome.ui_locales, request)
        return _page(message_page(t, heading_key='demo_provider.signed_out.heading',
                                  text_key='demo_provider.signed_out.text'), 200)
    return _protocol(outcome)


def _protocol(reply: Reply) -> Response:
    if reply.location:
        return RedirectResponse(reply.location, status_code=reply.status, headers=PAGE_HEADERS)
    return JSONResponse(reply.body, status_code=reply.status, headers=dict(reply.headers))


def _page(html: str, status: int, *, form_action: str = "'none'") -> HTMLResponse:
    """Chromium applies form-action to the redirect after the POST, so the client's origin is allowed too."""
    csp = (f"default-src 'none'; style-src 'unsafe-inline'; form-action {form_action}; "
           "frame-ancestors 'none'; base-uri 'none'")
    return HTMLResponse(html, status_code=status, headers={**PAGE_HEADERS, 'Content-Security-Policy': csp})


def _origin(uri: str) -> str:
    parts = urlsplit(uri)
    origin = f'{parts.scheme}://{parts.netloc}'
    return f"'self' {origin}" if ORIGIN.match(origin) else "'self'"


def _translator(ui_locales: str | None, request: Request) -> Translator:
    """The first supported `ui_locales` tag (OpenID Connect), else the browser's Accept-Language."""
    for tag in (ui_locales or '').split():
        if language := supported(tag.lower().split('-')[0]):
            return Translator(language)
    return Translator(negotiate_language(request.headers.get('accept-language')))
