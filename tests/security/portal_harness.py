"""The portal's sign-in routes in a small FastAPI app, and a browser that walks the sign-in flow through them.

The portal side is driven with httpx (as a browser would be); the relying party reaches the fake provider with
httpx2, the library Authlib uses.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
import httpx2
from fastapi import FastAPI
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse

from services.identity import IdentityService
from services.sessions import Session, SessionStore, SignedInPerson
from services.sign_in_guard import SignInGuard
from tests.security.fake_provider import PROVIDER_URL, FakeProvider
from ui.auth_routes import register
from ui.relying_party import RelyingParty, RelyingPartyConfig
from ui.web_session import current_session

PUBLIC_URL = 'http://127.0.0.1:8080'
CALLBACK_URL = f'{PUBLIC_URL}/auth/callback'

PortalFactory = Callable[..., Awaitable['Portal']]  # the `make_portal` fixture: RelyingPartyConfig changes -> Portal


class RecordingSessionStore(SessionStore):
    """The real store, remembering every session it started so a test can tell that none was."""

    def __init__(self) -> None:
        super().__init__()
        self.started: list[Session] = []

    def start(self, person: SignedInPerson, id_token: str | None = None) -> Session:
        session = super().start(person, id_token)
        self.started.append(session)
        return session

    def live_sessions_of(self, subject: str) -> list[Session]:
        return [s for s in self.started if s.person.subject == subject and self.get(s.id, touch=False)]


class Portal:
    def __init__(self, *, config: RelyingPartyConfig, identity: IdentityService, sessions: RecordingSessionStore,
                 session_secret: str, provider: FakeProvider, guard: SignInGuard | None = None) -> None:
        self.provider = provider
        self.sessions = sessions
        self.relying_party = RelyingParty(config, identity, sessions, guard)
        self.app = portal_app(self.relying_party, sessions, session_secret)
        self._browsers: list[httpx.AsyncClient] = []
        self._provider_client = httpx.AsyncClient(transport=httpx.ASGITransport(provider.app), base_url=PROVIDER_URL)
        self.browser = self.new_browser()

    def new_browser(self, address: str = '127.0.0.1') -> httpx.AsyncClient:
        """Another browser, with a cookie jar of its own, connecting from `address`."""
        browser = httpx.AsyncClient(transport=httpx.ASGITransport(self.app, client=(address, 50000)),
                                    base_url=PUBLIC_URL)
        self._browsers.append(browser)
        return browser

    async def sign_in(self, browser: httpx.AsyncClient | None = None) -> httpx.Response:
        """The whole flow: portal login -> provider (auto-approves) -> portal callback; the callback's response."""
        browser = browser or self.browser
        return await self.open_callback(await self.authorize(await self.start_sign_in(browser)), browser)

    async def start_sign_in(self, browser: httpx.AsyncClient | None = None) -> str:
        """GET /auth/login; the provider authorization URL it redirects to."""
        response = await (browser or self.browser).get('/auth/login')
        assert response.status_code == 302, (response.status_code, response.headers.get('location'))
        location = response.headers['location']
        assert location.startswith(f'{PROVIDER_URL}/authorize?'), location
        return location

    async def authorize(self, authorization_url: str) -> str:
        """Follow the redirect into the provider; the callback URL it sends the browser back to."""
        response = await self._provider_client.get(authorization_url)
        assert response.status_code == 302, response.text
        location = response.headers['location']
        assert location.startswith(f'{CALLBACK_URL}?'), location
        return location

    async def open_callback(self, callback_url: str, browser: httpx.AsyncClient | None = None) -> httpx.Response:
        return await (browser or self.browser).get(callback_url)

    async def whoami(self, browser: httpx.AsyncClient | None = None) -> httpx.Response:
        return await (browser or self.browser).get('/whoami')

    async def aclose(self) -> None:
        for client in (*self._browsers, self._provider_client):
            await client.aclose()


def portal_app(relying_party: RelyingParty, sessions: SessionStore, session_secret: str) -> FastAPI:
    app = FastAPI()
    app.add_middleware(SessionMiddleware, secret_key=session_secret, same_site='lax')
    register(app, relying_party, sessions, public_url=PUBLIC_URL)

    @app.get('/whoami')
    async def whoami(request: Request) -> JSONResponse:
        session = current_session(request, sessions)
        if session is None:
            return JSONResponse({'detail': 'not signed in'}, status_code=401)
        return JSONResponse({'subject': session.person.subject})

    return app


def relying_party_config(provider: FakeProvider, **changes: object) -> RelyingPartyConfig:
    """The relying party's configuration matching the provider; `changes` override or add fields."""
    settings = provider.settings
    fields: dict[str, object] = {
        'issuer': settings.issuer, 'client_id': settings.client_id, 'client_secret': settings.client_secret,
        'redirect_uri': CALLBACK_URL, 'transport': httpx2.ASGITransport(app=provider.app), **changes}
    return RelyingPartyConfig(**fields)  # type: ignore[arg-type]


def with_query(url: str, **changes: str | None) -> str:
    """`url` with query parameters replaced (None removes one)."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query.update({name: value for name, value in changes.items() if value is not None})
    for name in [name for name, value in changes.items() if value is None]:
        query.pop(name, None)
    return parts._replace(query=urlencode(query)).geturl()


def query_of(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))
