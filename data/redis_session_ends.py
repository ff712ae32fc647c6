"""Session ends between instances, over Redis pub/sub: the instance that ends a session says so on one channel,
and every other instance's open pages of that session leave at once.

A message is JSON, `{"source": "<instance>", "sessions": ["<digest>", ...]}`: sessions are named by their
SHA-256 (`session_digest`), never by id, and each listener matches the digests against the sessions its own
pages belong to. It skips its own messages (it told its pages already).

Pub/sub delivers only to whoever is subscribed at that moment: a message sent while a listener reconnects is lost.
That is safe because the sessions' own sweep (every second) asks Redis which of the sessions it serves are gone;
the relay only makes the common case (a sign-out) immediate.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
from collections.abc import Callable

import redis

from data.redis_connection import RedisConnection
from data.redis_sessions import session_digest

log = logging.getLogger(__name__)


class RedisSessionEnds:
    def __init__(self, redis_connection: RedisConnection, *, retry: float = 0.5, max_retry: float = 10.0,
                 poll: float = 0.25) -> None:
        self._redis = redis_connection
        self.channel = redis_connection.key('events')
        self.source = secrets.token_hex(8)  # this instance, in its own messages
        self._retry, self._max_retry, self._poll = retry, max_retry, poll
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.listening = threading.Event()  # set while subscribed (tests wait for it)

    def tell(self, session_ids: set[str]) -> None:
        """Best effort: if Redis cannot take the message, the other instances' sweeps find the sessions gone."""
        message = json.dumps({'source': self.source, 'sessions': sorted(map(session_digest, session_ids))},
                             separators=(',', ':'))
        try:
            with self._redis.errors():
                self._redis.client.publish(self.channel, message)
        except Exception as error:
            log.warning('could not tell other instances that %d sessions ended (%s); their sweeps will find out',
                        len(session_ids), error)

    def listen(self, watched: Callable[[], set[str]], on_ended: Callable[[set[str]], None]) -> None:
        """Subscribe in a daemon thread (reconnecting with back-off); once only."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, args=(watched, on_ended), name='redis-session-ends',
                                        daemon=True)
        self._thread.start()

    def close(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self, watched: Callable[[], set[str]], on_ended: Callable[[set[str]], None]) -> None:
        client = self._redis.new_client()
        delay = self._retry
        while not self._stopping.is_set():
            pubsub = client.pubsub(ignore_subscribe_messages=True)
            try:
                pubsub.subscribe(self.channel)
                self.listening.set()
                delay = self._retry
                while not self._stopping.is_set():
                    message = pubsub.get_message(timeout=self._poll)
                    if message is not None:
                        self._deliver(message.get('data'), watched, on_ended)
            except redis.RedisError as error:
                if self._stopping.is_set():
                    break
                log.warning('hearing of sessions ended elsewhere (Redis at %s): %s; reconnecting in %.1f s',
                            self._redis.where, error, delay)
            finally:
                self.listening.clear()
                pubsub.close()
            if self._stopping.wait(delay):
                break
            delay = min(delay * 2, self._max_retry)
        client.close()

    def _deliver(self, data: object, watched: Callable[[], set[str]],
                 on_ended: Callable[[set[str]], None]) -> None:
        digests = self._digests(data)
        if not digests:
            return
        ended = {sid for sid in watched() if session_digest(sid) in digests}
        if not ended:
            return
        try:
            on_ended(ended)
        except Exception:
            log.exception('passing on sessions ended elsewhere failed; listening on')

    def _digests(self, data: object) -> set[str]:
        """The digests of another instance's message; nothing for our own or for anything malformed."""
        try:
            message = json.loads(data)  # type: ignore[arg-type]
            source, sessions = message['source'], message['sessions']
            if isinstance(sessions, list) and all(isinstance(s, str) for s in sessions):
                return set() if source == self.source else set(sessions)
        except (ValueError, KeyError, TypeError):
            pass
        log.warning('unexpected message on channel %s: ignored', self.channel)
        return set()
