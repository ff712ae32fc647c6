"""Server-side sign-in sessions: the browser holds only an opaque random id, so signing out really ends it."""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from services.clock import Clock, utc_now
from services.events import MembershipEvents


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


def session_topic(session_id: str) -> str:
    """The live-event topic of one session: its open pages hear when it ends."""
    return f'session:{session_id}'


class SessionStore:
    """Sessions by id; an ended or expired one is gone at once, and its open pages are told (`events`)."""

    def __init__(self, *, idle_timeout: timedelta = timedelta(minutes=30),
                 absolute_lifetime: timedelta = timedelta(hours=12), clock: Clock = utc_now,
                 events: MembershipEvents | None = None) -> None:
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()
        self._idle_timeout = idle_timeout
        self._absolute_lifetime = absolute_lifetime
        self._clock = clock
        self._events = events

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
            if self._expired(session, now):
                del self._sessions[session_id]
                ended = True
            else:
                ended = False
                if touch:
                    session = replace(session, last_seen=now)
                    self._sessions[session_id] = session
        if ended:
            self._tell_ended({session_id})
            return None
        return session

    def end(self, session_id: str | None) -> Session | None:
        with self._lock:
            session = self._sessions.pop(session_id, None) if session_id else None
        if session is not None:
            self._tell_ended({session.id})
        return session

    def sweep(self) -> int:
        """End every session past its idle or absolute timeout (the app calls this every second), so open pages
        of an expired session leave at once and nothing of it stays in memory; returns how many ended."""
        now = self._clock()
        with self._lock:
            expired = {sid for sid, session in self._sessions.items() if self._expired(session, now)}
            for sid in expired:
                del self._sessions[sid]
        self._tell_ended(expired)
        return len(expired)

    def _expired(self, session: Session, now: datetime) -> bool:
        return now - session.last_seen > self._idle_timeout or now - session.started > self._absolute_lifetime

    def _tell_ended(self, session_ids: set[str]) -> None:
        if self._events is not None and session_ids:
            self._events.publish({session_topic(sid) for sid in session_ids})
