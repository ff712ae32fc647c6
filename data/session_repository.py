"""Where sessions are kept: the small interface `services.sessions.SessionStore` talks to, and its in-memory
implementation (the default; `data.redis_sessions` shares them between instances).

A repository knows nothing of timeouts: the store hands it each session with how long it may be kept (`ttl`), and
a session is gone once that has passed, whoever looks.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection
from datetime import datetime, timedelta
from typing import Protocol

from data.session_records import Session


class SessionRepository(Protocol):
    def get(self, session_id: str) -> Session | None:
        """The session, or None if it is not kept (one past its time to live may come back until it is swept:
        the store applies its own timeouts to every session it reads)."""

    def put(self, session: Session, *, ttl: timedelta) -> None:
        """Keep a new `session` for `ttl` from now."""

    def update(self, session: Session, *, ttl: timedelta) -> bool:
        """Replace a session and keep it `ttl` from now, only while it is still there (False if not): a touch
        racing a sign-out must never bring the session back."""

    def delete(self, session_id: str) -> Session | None:
        """Remove the session and return it; None if it was not there (so of two ends at once, one gets it)."""

    def sweep_expired(self) -> set[str]:
        """Remove the sessions past their time to live that the repository must remove itself; their ids."""

    def missing(self, session_ids: Collection[str]) -> set[str]:
        """Those of `session_ids` that are no longer kept (ended or expired, here or by another instance)."""


class MemorySessionRepository:
    """Sessions in this process's memory: they end with it, and other instances never see them."""

    def __init__(self, clock: Callable[[], datetime]) -> None:
        self._sessions: dict[str, tuple[Session, datetime]] = {}  # id -> (session, kept until)
        self._lock = threading.Lock()
        self._clock = clock

    def get(self, session_id: str) -> Session | None:
        with self._lock:
            kept = self._sessions.get(session_id)
        return kept[0] if kept is not None else None

    def put(self, session: Session, *, ttl: timedelta) -> None:
        with self._lock:
            self._sessions[session.id] = (session, self._clock() + ttl)

    def update(self, session: Session, *, ttl: timedelta) -> bool:
        with self._lock:
            if session.id not in self._sessions:
                return False
            self._sessions[session.id] = (session, self._clock() + ttl)
            return True

    def delete(self, session_id: str) -> Session | None:
        with self._lock:
            kept = self._sessions.pop(session_id, None)
        return kept[0] if kept is not None else None

    def sweep_expired(self) -> set[str]:
        now = self._clock()
        with self._lock:
            expired = {sid for sid, (_, until) in self._sessions.items() if now > until}
            for sid in expired:
                del self._sessions[sid]
        return expired

    def missing(self, session_ids: Collection[str]) -> set[str]:
        with self._lock:
            return {sid for sid in session_ids if sid not in self._sessions}
