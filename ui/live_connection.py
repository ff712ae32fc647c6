"""The live connection admits only the browser holding the session that built the page.

NiceGUI authorizes a page's socket by the `client_id` and `tab_id` it presents, and both travel in the socket's
URL, where any proxy's access log keeps them; events are routed by the `client_id` in the message alone, whatever
socket sent them. For a portal where one click leaves an organization that is not enough, so:

- every signed-in page is bound, when it is built, to the server-side session that built it (`bind`);
- a handshake for a bound page is refused unless the socket's own cookie carries that same session, still valid;
- an event, JavaScript answer, acknowledgement or log line for a page is dropped unless it comes from a socket
  that page admitted;
- a browser's log line reaches the server log escaped and shortened, never as forged lines.

Every refusal is logged on `myprofile.security`.
"""

from __future__ import annotations

import json
import logging
import weakref
from base64 import b64decode
from collections.abc import Callable
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any

import itsdangerous
from nicegui import core, ui
from nicegui.client import Client

from services.events import MembershipEvents
from services.sessions import SessionStore, session_topic
from ui.live import redraw_on_change
from ui.page_exit import leave_for

security = logging.getLogger('myprofile.security')
browser_log = logging.getLogger('myprofile.browser')

GUARDED_EVENTS = ('event', 'javascript_response', 'ack')
MAX_LOG_MESSAGE = 500
_bound: weakref.WeakKeyDictionary[Client, str] = weakref.WeakKeyDictionary()  # page -> session id; freed with it


def bind(session_id: str) -> None:
    """Bind the page being built to the session that builds it (call inside a page function).

    When that session ends (signed out in another tab, expired, or ended by the server) the page leaves for the
    signed-out page within a second, and its socket is admitted no more.
    """
    client = ui.context.client
    _bound[client] = session_id
    if _guard:
        redraw_on_change(_guard[0].events, session_topic(session_id), lambda: leave_for('/signed-out'))


class SessionCookie:
    """Reads the session id from a socket's cookie header, as Starlette's SessionMiddleware signed it."""

    def __init__(self, *, name: str, secret: str, max_age: int, key: str) -> None:
        self._name, self._max_age, self._key = name, max_age, key
        self._signer = itsdangerous.TimestampSigner(str(secret))

    def session_id(self, environ: dict[str, Any]) -> str | None:
        cookie = SimpleCookie()
        try:
            cookie.load(environ.get('HTTP_COOKIE', ''))
            morsel = cookie.get(self._name)
            if morsel is None:
                return None
            data = json.loads(b64decode(self._signer.unsign(morsel.value.encode(), max_age=self._max_age)))
        except (itsdangerous.BadSignature, ValueError, TypeError):
            return None
        value = data.get(self._key) if isinstance(data, dict) else None
        return value if isinstance(value, str) else None


@dataclass(slots=True)
class _Guard:
    sessions: SessionStore
    cookie: SessionCookie
    events: MembershipEvents


_guard: list[_Guard] = []  # the app's one guard; NiceGUI's test fixture builds the app again for every test


def install(sessions: SessionStore, cookie: SessionCookie, events: MembershipEvents) -> None:
    """Guard the handshake and every inbound socket event of this process; a second call only updates the guard."""
    first = not _guard
    _guard[:] = [_Guard(sessions=sessions, cookie=cookie, events=events)]
    if not first:
        return
    original_accept = Client.accept_handshake

    def accept_handshake(client: Client, socket_id: str, tab_id: str, environ: dict[str, Any] | None) -> bool:
        return original_accept(client, socket_id, tab_id, environ) and _admits(client, environ)

    Client.accept_handshake = accept_handshake  # type: ignore[method-assign]
    handlers = core.sio.handlers['/']
    for name in GUARDED_EVENTS:
        handlers[name] = _admitted_only(name, handlers[name])
    handlers['log'] = _admitted_only('log', _log_line)  # NiceGUI's own would log the raw text


def _admits(client: Client, environ: dict[str, Any] | None) -> bool:
    expected = _bound.get(client)
    if expected is None or environ is None:  # a public page; or NiceGUI's simulated browser in tests
        return True
    guard = _guard[0]
    presented = guard.cookie.session_id(environ)
    valid = guard.sessions.get(expected, touch=False) is not None
    if presented == expected and valid:
        return True
    security.warning('refused: a live connection to a signed-in page without its session (cookie %s, session %s)',
                     'missing' if presented is None else 'of another session' if presented != expected else 'right',
                     'valid' if valid else 'ended')
    return False


def _admitted_only(name: str, handler: Callable[[str, Any], Any]) -> Callable[[str, Any], Any]:
    def guarded(socket_id: str, msg: Any) -> Any:
        client = Client.instances.get(msg.get('client_id')) if isinstance(msg, dict) else None
        if client is None:
            return None
        if not socket_id.startswith('test-') and \
                socket_id not in client._socket_to_document_id:  # NiceGUI keeps no public view of its sockets
            security.warning('refused: a %r message for a page from a socket that page did not admit', name)
            return None
        session_id = _bound.get(client)
        if name == 'event' and session_id is not None and _guard and \
                _guard[0].sessions.get(session_id, touch=False) is None:
            security.info('ignored: an event for a page whose session has ended')
            return None
        return handler(socket_id, msg)
    return guarded


def _log_line(socket_id: str, msg: dict[str, Any]) -> None:
    """A browser's console line, on our own logger: quoted (no forged lines), at most 500 characters."""
    text = str(msg.get('message', ''))[:MAX_LOG_MESSAGE]
    level = logging.WARNING if msg.get('level') in ('warning', 'error') else logging.DEBUG
    browser_log.log(level, 'browser said %r', text)
