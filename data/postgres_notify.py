"""Live-event topics between instances: NOTIFY inside the writing transaction, LISTEN on a dedicated connection.

A notification is delivered only when its transaction commits (never for one rolled back), to every listening
connection. Its payload is JSON, `{"source": "<store instance id>", "topics": [...]}`: the source lets a
listener skip its own store's changes, which that instance published already when `transact` returned them.
A payload is at most 8000 bytes, so the topics are split over several notifications; past `MAX_NOTIFICATIONS`
of them (a large import), or when a restore replaced everything, one notification carries `EVERYTHING` instead.

After its connection was lost, a listener cannot know what it missed: once reconnected it calls back with
`EVERYTHING` and the topic of every organization (what the listener would hear after a restore too), so pages
showing an organization's guests update even if the consumer ignores the marker, and a consumer that knows it
re-reads every page it serves.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable

import psycopg

from data.lifecycle_index import organization_topic

log = logging.getLogger(__name__)

CHANNEL = 'myprofile'
EVERYTHING = '*'  # topic meaning "anything may have changed: re-read every page"
PAYLOAD_LIMIT = 7900  # PostgreSQL's limit is 8000 bytes; a little room for the envelope
MAX_NOTIFICATIONS = 64  # beyond this (~500 kB of topics), one EVERYTHING is cheaper for every listener

APPLICATION_NAME = 'myprofile-listener'  # how its connection shows in pg_stat_activity

Callback = Callable[[set[str]], None]


def notify_topics(conn: psycopg.Connection, topics: Iterable[str], source: str) -> None:
    """Queue notifications of `topics` on `conn`; they go out when its transaction commits."""
    payloads = _payloads(sorted(topics), source)
    if payloads:
        with conn.cursor() as cur:
            cur.executemany('SELECT pg_notify(%s, %s)', [(CHANNEL, p) for p in payloads])


def _payloads(topics: list[str], source: str) -> list[str]:
    envelope = len(_encode(source, []))
    payloads: list[str] = []
    chunk: list[str] = []
    size = envelope
    for topic in topics:
        length = len(json.dumps(topic).encode()) + 1
        if envelope + length > PAYLOAD_LIMIT:  # a topic too long for any notification
            return [_encode(source, [EVERYTHING])]
        if size + length > PAYLOAD_LIMIT:
            payloads.append(_encode(source, chunk))
            chunk, size = [], envelope
        chunk.append(topic)
        size += length
    if chunk:
        payloads.append(_encode(source, chunk))
    return payloads if len(payloads) <= MAX_NOTIFICATIONS else [_encode(source, [EVERYTHING])]


def _encode(source: str, topics: list[str]) -> str:
    return json.dumps({'source': source, 'topics': topics}, separators=(',', ':'))


def decode(payload: str) -> tuple[str | None, set[str]]:
    """(source, topics) of a payload; anything else on the channel reads as everything having changed."""
    try:
        message = json.loads(payload)
        source, topics = message['source'], message['topics']
        if isinstance(source, str) and isinstance(topics, list) and all(isinstance(t, str) for t in topics):
            return source, set(topics)
    except (ValueError, KeyError, TypeError):
        pass
    log.warning('unexpected notification on channel %s: %.200r', CHANNEL, payload)
    return None, {EVERYTHING}


def everything(conn: psycopg.Connection) -> set[str]:
    """The reset signal: `EVERYTHING` and the topic of every organization."""
    return {EVERYTHING, *(organization_topic(row[0]) for row in conn.execute('SELECT id FROM organizations'))}


class TopicListener:
    """LISTENs in a daemon thread on its own connection and calls `callback(topics)` there for each commit of
    another store instance (reconnecting, with `everything` after a reconnect). `stop()` ends it."""

    def __init__(self, url: str, callback: Callback, *, source: str | None, retry: float = 0.5,
                 max_retry: float = 10.0, poll: float = 0.25) -> None:
        self._url, self._callback, self._source = url, callback, source
        self._retry, self._max_retry, self._poll = retry, max_retry, poll
        self._stopping = threading.Event()
        self.listening = threading.Event()  # set while LISTEN is active (tests wait for it)
        self.connections = 0  # how many times it connected
        self._thread = threading.Thread(target=self._run, name='postgres-topic-listener', daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        delay = self._retry
        while not self._stopping.is_set():
            try:
                with psycopg.connect(self._url, autocommit=True, connect_timeout=5,
                                     application_name=APPLICATION_NAME) as conn:
                    conn.execute(f'LISTEN {CHANNEL}')
                    self.connections += 1
                    if self.connections > 1:
                        self._deliver(everything(conn))  # what was sent while we were away is lost
                    self.listening.set()
                    delay = self._retry
                    self._listen(conn)
            except psycopg.Error as error:
                if self._stopping.is_set():
                    break
                log.warning('listening for store changes: %s; reconnecting in %.1f s', error, delay)
            finally:
                self.listening.clear()
            if self._stopping.wait(delay):
                break
            delay = min(delay * 2, self._max_retry)

    def _listen(self, conn: psycopg.Connection) -> None:
        while not self._stopping.is_set():
            reset = False
            for note in conn.notifies(timeout=self._poll):
                source, topics = decode(note.payload)
                if source is not None and source == self._source:
                    continue
                if EVERYTHING in topics:
                    reset = True
                    break  # leave the generator (it holds the connection) to read the organizations
                self._deliver(topics)
            if reset:
                self._deliver(everything(conn))

    def _deliver(self, topics: set[str]) -> None:
        if not topics:
            return
        try:
            self._callback(topics)
        except Exception:
            log.exception('a store-change callback failed; listening on')
