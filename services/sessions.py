"""Server-side sign-in sessions: the browser holds only an opaque random id, so signing out really ends it."""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from services.clock import Clock, utc_now


@dataclass(kw_only=True, slots=True, frozen=True)
class SignedInPerson:
    """Who a session belongs to: identified by issuer and subject, never by e-mail."""

    issuer: str
    subject: str
    name: str
    email: str | None = None  # the directory's address (or the token's, for someone the directory lacks)
    verified_email: str | None = None  # the ID token's address, when the provider says it verified it


@dataclass(kw_only=True, slots=True, frozen=True)
class Session:
    id: str
    person: SignedInPerson
    started: datetime
    last_seen: datetime
    id_token: str | None = None  # kept server-side only, as the hint for the provider's end-session endpoint


class SessionStore:
    def __init__(self, *, idle_timeout: timedelta = timedelta(minutes=30),
                 absolute_lifetime: timedelta = timedelta(hours=12), clock: Clock = utc_now) -> None:
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()
        self._idle_timeout = idle_timeout
        self._absolute_lifetime = absolute_lifetime
        self._clock = clock

    def start(self, person: SignedInPerson, id_token: str | None = None) -> Session:
        """A fresh session with a new unguessable id (never reuse one from before sign-in)."""
        now = self._clock()
        session = Session(id=secrets.token_urlsafe(32), person=person, started=now, last_seen=now, id_token=id_token)
        with self._lock:
            self._sessions[session.id] = session
        return session

    def get(self, session_id: str | None, *, touch: bool = True) -> Session | None:
        """The live session for `session_id`, or `None` once it was ended or has expired."""
        if not session_id:
            return None
        now = self._clock()
        with self._lock:
            session = self._sessions.get(session_id)
            if session is None:
                return None
            if now - session.last_seen > self._idle_timeout or now - session.started > self._absolute_lifetime:
                del self._sessions[session_id]
                return None
            if touch:
                session = replace(session, last_seen=now)
                self._sessions[session_id] = session
            return session

    def end(self, session_id: str | None) -> Session | None:
        with self._lock:
            return self._sessions.pop(session_id, None) if session_id else None
