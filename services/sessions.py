"""Server-side sign-in sessions: the browser holds only an opaque random id, so signing out really ends it.

The rules live here (fresh unguessable ids, the idle timeout, the absolute lifetime, telling open pages when a
session ends); where sessions are kept is a `SessionRepository`'s business: this process's memory by default, or
Redis, shared by every instance (`services.wiring` chooses).

When a session ends, its open pages must leave within a second wherever they are:
- on this instance, `events` hears it at once (`session_topic`);
- other instances are told through the `relay` (Redis pub/sub), and pass it on to their own pages;
- a session that nobody ended but that expired in the shared repository, or whose news was lost on the way, is
  found by `sweep` (every second): it asks the repository which of the sessions its open pages belong to are gone.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Protocol

from data.session_records import Session, SignedInPerson
from data.session_repository import MemorySessionRepository, SessionRepository
from services.clock import Clock, utc_now
from services.events import MembershipEvents

__all__ = ['Session', 'SessionEndRelay', 'SessionStore', 'SignedInPerson', 'session_topic']

SESSION_TOPIC_PREFIX = 'session:'


def session_topic(session_id: str) -> str:
    """The live-event topic of one session: its open pages hear when it ends."""
    return f'{SESSION_TOPIC_PREFIX}{session_id}'


class SessionEndRelay(Protocol):
    """Carries session ends between instances (`data.redis_session_ends`)."""

    def tell(self, session_ids: set[str]) -> None:
        """Other instances' open pages of these sessions must leave."""

    def listen(self, watched: Callable[[], set[str]], on_ended: Callable[[set[str]], None]) -> None:
        """From now on, call `on_ended` with those of `watched()` that another instance ended."""

    def close(self) -> None: ...


class SessionStore:
    """Sessions by id; an ended or expired one is gone at once, and its open pages are told (`events`)."""

    def __init__(self, repository: SessionRepository | None = None, *,
                 idle_timeout: timedelta = timedelta(minutes=30),
                 absolute_lifetime: timedelta = timedelta(hours=12), clock: Clock = utc_now,
                 events: MembershipEvents | None = None, relay: SessionEndRelay | None = None) -> None:
        self._repository = repository or MemorySessionRepository(clock)
        self._idle_timeout = idle_timeout
        self._absolute_lifetime = absolute_lifetime
        self._clock = clock
        self._events = events
        self._relay = relay
        self._told: set[str] = set()  # ended sessions whose pages were told (kept while pages listen)
        self._lock = threading.Lock()

    def start(self, person: SignedInPerson, id_token: str | None = None) -> Session:
        """A fresh session with a new unguessable id (never reuse one from before sign-in)."""
        now = self._clock()
        session = Session(id=secrets.token_urlsafe(32), person=person, started=now, last_seen=now, id_token=id_token)
        self._repository.put(session, ttl=self._time_left(session, now))
        return session

    def get(self, session_id: str | None, *, touch: bool = True) -> Session | None:
        """The live session for `session_id`, or `None` once it was ended or has expired."""
        if not session_id:
            return None
        now = self._clock()
        session = self._repository.get(session_id)
        if session is None:
            return None
        if self._expired(session, now):
            if self._repository.delete(session_id) is not None:
                self._tell_ended({session_id})
            return None
        if touch:
            session = replace(session, last_seen=now)
            if not self._repository.update(session, ttl=self._time_left(session, now)):
                return None  # ended meanwhile (by another tab or instance), which told the pages
        return session

    def end(self, session_id: str | None) -> Session | None:
        session = self._repository.delete(session_id) if session_id else None
        if session is not None:
            self._tell_ended({session.id})
        return session

    def sweep(self) -> int:
        """End every session past its idle or absolute timeout (the app calls this every second), so open pages
        of an expired session leave at once and nothing of it stays in memory; returns how many ended.

        With a shared repository, sessions expire there by themselves and may be ended by other instances: so the
        sweep also asks which of the sessions this instance's pages belong to are gone, and tells those pages.
        That costs one question per second for just the sessions open here, however many there are elsewhere."""
        expired = self._repository.sweep_expired()
        self._tell_ended(expired)
        watched = self.watched()
        with self._lock:
            self._told &= watched  # forget what no page listens to any more
            unknown = watched - self._told
        gone = self._repository.missing(unknown) if unknown else set()
        self._tell_ended(gone, tell_others=False)  # every instance finds its own
        return len(expired) + len(gone)

    def watched(self) -> set[str]:
        """The sessions that open pages of this instance belong to."""
        if self._events is None:
            return set()
        return {topic.removeprefix(SESSION_TOPIC_PREFIX) for topic in self._events.topics_heard(SESSION_TOPIC_PREFIX)}

    def heard_ended(self, session_ids: set[str]) -> None:
        """Another instance ended these sessions: their pages here leave too (called from the relay's thread)."""
        self._tell_ended(session_ids, tell_others=False)

    def follow_other_instances(self) -> None:
        """Start hearing of sessions other instances end (the running app, once; the admin commands never)."""
        if self._relay is not None:
            self._relay.listen(self.watched, self.heard_ended)

    def close(self) -> None:
        if self._relay is not None:
            self._relay.close()

    def _expired(self, session: Session, now: datetime) -> bool:
        return now - session.last_seen > self._idle_timeout or now - session.started > self._absolute_lifetime

    def _time_left(self, session: Session, now: datetime) -> timedelta:
        """Until the idle timeout or the absolute lifetime, whichever comes first: the repository's time to live."""
        return min(session.last_seen + self._idle_timeout, session.started + self._absolute_lifetime) - now

    def _tell_ended(self, session_ids: set[str], *, tell_others: bool = True) -> None:
        with self._lock:
            fresh = session_ids - self._told
            self._told |= fresh
        if not fresh:
            return
        if self._events is not None:
            self._events.publish({session_topic(sid) for sid in fresh})
        if tell_others and self._relay is not None:
            self._relay.tell(fresh)
