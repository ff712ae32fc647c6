"""What the browser's cookie session holds: only the opaque server-side session id, the language, a return path."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse

from services.sessions import Session, SessionStore
from ui import live_connection
from ui.i18n import Translator, negotiate_language, supported
from ui.page_exit import without_page

SESSION_ID = 'sid'
LANGUAGE = 'lang'


def current_session(request: Request, sessions: SessionStore) -> Session | None:
    return sessions.get(request.session.get(SESSION_ID))


def language_of(request: Request) -> str:
    """The language the person chose in the header, else the browser's preference."""
    return supported(request.session.get(LANGUAGE)) or negotiate_language(request.headers.get('accept-language'))


def safe_return_path(candidate: str | None, default: str = '/') -> str:
    """A same-site path only: never an absolute URL, `//host` or a backslash trick (no open redirect)."""
    if not candidate or not candidate.startswith('/') or candidate.startswith(('//', '/\\')):
        return default
    if any(c in candidate for c in '\\\r\n\t') or candidate.startswith(('/auth/', '/_nicegui')):
        return default
    return candidate


@dataclass(frozen=True, slots=True)
class Visit:
    """A signed-in person's page request: their session and their language."""

    session: Session
    t: Translator


def signed_in_visit(request: Request, sessions: SessionStore) -> Visit | RedirectResponse:
    """Every signed-in page starts here: the visit, or the way to sign in and come back."""
    session = current_session(request, sessions)
    if session is None:
        return without_page(sign_in_redirect(request))
    live_connection.bind(session.id)  # only a socket with this session's cookie may drive the page
    return Visit(session=session, t=Translator(language_of(request)))


def no_longer_in_directory() -> RedirectResponse:
    """For a signed-in person the directory no longer knows (removed, for example by a restore): a plain page."""
    return without_page(RedirectResponse('/sign-in-problem?reason=unknown_person', status_code=303))


def sign_in_redirect(request: Request) -> RedirectResponse:
    path = request.url.path + (f'?{request.url.query}' if request.url.query else '')
    return RedirectResponse(f'/auth/login?next={quote(safe_return_path(path), safe="")}', status_code=303)
