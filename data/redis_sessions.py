"""Sessions in Redis, shared by every instance: one key per session, which Redis deletes when its time is up.

`SET key value PX ms` with the time the session has left (the idle timeout, or less near the absolute lifetime);
each touch writes it again with a fresh time, but only while the key still exists (`XX`), so a touch racing a
sign-out cannot bring the session back. Ending is `GETDEL`: of two instances ending one session, one gets it.

A session's id is a bearer secret: the key holds its SHA-256 (`session_digest`), and the value (JSON) leaves the
id out, so neither Redis's own logs (slow log, MONITOR) nor a copy of its data show one. Nothing here logs an id.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from collections.abc import Collection
from dataclasses import asdict
from datetime import datetime, timedelta

from data.redis_connection import RedisConnection
from data.session_records import Session, SignedInPerson

log = logging.getLogger(__name__)

FORMAT = 1  # of the stored value; a value of another format reads as no session (signed out, not crashed)


def session_digest(session_id: str) -> str:
    """How a session is named in Redis (its key, and in the relay's messages)."""
    return hashlib.sha256(session_id.encode()).hexdigest()


class RedisSessionRepository:
    def __init__(self, redis: RedisConnection) -> None:
        self._redis = redis

    def get(self, session_id: str) -> Session | None:
        with self._redis.errors():
            value = self._redis.client.get(self._key(session_id))
        return _decoded(session_id, value)

    def put(self, session: Session, *, ttl: timedelta) -> None:
        with self._redis.errors():
            self._redis.client.set(self._key(session.id), _encoded(session), px=_milliseconds(ttl))

    def update(self, session: Session, *, ttl: timedelta) -> bool:
        with self._redis.errors():
            return bool(self._redis.client.set(self._key(session.id), _encoded(session), px=_milliseconds(ttl),
                                               xx=True))

    def delete(self, session_id: str) -> Session | None:
        with self._redis.errors():
            value = self._redis.client.getdel(self._key(session_id))
        return _decoded(session_id, value)

    def sweep_expired(self) -> set[str]:
        """Nothing to do: Redis deletes a session when its time to live is up (`missing` finds which)."""
        return set()

    def missing(self, session_ids: Collection[str]) -> set[str]:
        """One round trip of `EXISTS` for each, however many: cheap enough to ask every second."""
        ids = list(session_ids)
        if not ids:
            return set()
        with self._redis.errors():
            pipe = self._redis.client.pipeline(transaction=False)
            for sid in ids:
                pipe.exists(self._key(sid))
            found = pipe.execute()
        return {sid for sid, exists in zip(ids, found, strict=True) if not exists}

    def _key(self, session_id: str) -> str:
        return self._redis.key('session', session_digest(session_id))


def _encoded(session: Session) -> str:
    return json.dumps({'format': FORMAT, 'person': asdict(session.person), 'started': session.started.isoformat(),
                       'last_seen': session.last_seen.isoformat(), 'id_token': session.id_token},
                      separators=(',', ':'))


def _decoded(session_id: str, value: str | None) -> Session | None:
    if value is None:
        return None
    try:
        data = json.loads(value)
        if data.get('format') != FORMAT:
            raise ValueError(f'format {data.get("format")!r}')
        return Session(id=session_id, person=SignedInPerson(**data['person']),
                       started=datetime.fromisoformat(data['started']),
                       last_seen=datetime.fromisoformat(data['last_seen']), id_token=data.get('id_token'))
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        log.warning('a session in Redis could not be read (%s): treated as ended', error)
        return None


def _milliseconds(ttl: timedelta) -> int:
    """Redis wants a positive whole number: a session with no time left lives one millisecond."""
    return max(1, math.ceil(ttl.total_seconds() * 1000))
