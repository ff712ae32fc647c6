"""With MYPROFILE_REDIS_URL, instances share sessions through Redis: a session started through one is valid on all,
ends everywhere at once (and the other instances' open pages leave within a second), outlives a restart and still
keeps its timeouts. (Sign-ins in flight and rate limits: `test_redis_sign_ins_and_limits.py`.)

Each "instance" here is what one portal process holds: its own Redis connection, events and stores.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from data.redis_connection import RedisConnection, SharedStateUnavailable
from data.redis_session_ends import RedisSessionEnds
from data.redis_sessions import RedisSessionRepository
from services.clock import Clock, utc_now
from services.events import MembershipEvents
from services.sessions import SessionStore, SignedInPerson, session_topic
from services.settings import Settings, SettingsError, load_settings
from services.wiring import build_services
from tests.fakes import SettableClock

pytest_plugins = ('tests.data.redis_fixtures',)

Instance = Callable[[], RedisConnection]  # the `instance` fixture: another portal's connection to the shared state
PERSON = SignedInPerson(issuer='https://idp.example', subject='s-1', name='Ann', email='ann@example.com')
WITHIN = 1.0  # how soon another instance's open pages must hear that a session ended


class Portal:
    """One instance's sessions: its own connection, events, relay and store."""

    def __init__(self, connection: RedisConnection, *, clock: Clock = utc_now,
                 idle: timedelta = timedelta(minutes=30), lifetime: timedelta = timedelta(hours=12)) -> None:
        self.events = MembershipEvents()
        self.relay = RedisSessionEnds(connection)
        self.sessions = SessionStore(RedisSessionRepository(connection), idle_timeout=idle,
                                     absolute_lifetime=lifetime, clock=clock, events=self.events, relay=self.relay)

    def open_page(self, session_id: str) -> threading.Event:
        """A page bound to the session: the event is set when the page is told to leave."""
        left = threading.Event()
        self.events.subscribe(session_topic(session_id), left.set)
        return left

    def follow(self) -> None:
        self.sessions.follow_other_instances()
        assert self.relay.listening.wait(5)


@pytest.fixture
def portals(instance: Instance):
    made: list[Portal] = []

    def make(**options: object) -> Portal:
        portal = Portal(instance(), **options)  # type: ignore[arg-type]
        made.append(portal)
        return portal

    yield make
    for portal in made:
        portal.sessions.close()


def test_a_session_is_valid_on_every_instance_and_outlives_a_restart(portals, shared: RedisConnection) -> None:
    a, b = portals(), portals()
    session = a.sessions.start(PERSON, id_token='header.payload.signature')
    on_b = b.sessions.get(session.id)
    assert on_b is not None and on_b.person == PERSON and on_b.id_token == 'header.payload.signature'
    restarted = portals()  # a new process on the same Redis: nobody is signed out
    assert restarted.sessions.get(session.id) is not None
    assert session.id not in keys_and_values(shared)  # Redis holds a digest of the id, never the id


def test_sign_out_on_one_instance_ends_it_everywhere_and_other_pages_leave_at_once(portals) -> None:
    a, b = portals(), portals()
    b.follow()
    session = a.sessions.start(PERSON)
    page_on_a, page_on_b = a.open_page(session.id), b.open_page(session.id)
    started = time.monotonic()
    assert a.sessions.end(session.id) is not None
    assert page_on_a.is_set()  # this instance's pages hear it at once
    assert page_on_b.wait(WITHIN), 'the other instance was not told within a second'
    assert time.monotonic() - started < WITHIN
    assert b.sessions.get(session.id) is None and b.sessions.end(session.id) is None


def test_news_lost_on_the_way_is_found_by_the_next_sweep(portals) -> None:
    a, b = portals(), portals()  # b does not listen (as while its subscription reconnects)
    session = a.sessions.start(PERSON)
    page_on_b = b.open_page(session.id)
    assert b.sessions.sweep() == 0 and not page_on_b.is_set()
    a.sessions.end(session.id)
    assert b.sessions.sweep() == 1 and page_on_b.is_set()
    page_on_b.clear()
    assert b.sessions.sweep() == 0 and not page_on_b.is_set()  # told once, not every second


def test_a_session_expiring_in_redis_sends_every_instances_pages_away(portals) -> None:
    idle = timedelta(milliseconds=300)
    a, b = portals(idle=idle), portals(idle=idle)
    session = a.sessions.start(PERSON)
    page_on_a, page_on_b = a.open_page(session.id), b.open_page(session.id)
    time.sleep(0.45)  # nobody touched it: Redis lets it go
    assert b.sessions.sweep() == 1 and a.sessions.sweep() == 1
    assert page_on_a.is_set() and page_on_b.is_set()
    assert a.sessions.get(session.id) is None


def test_idle_timeout_and_absolute_lifetime_hold_across_instances(portals, shared: RedisConnection) -> None:
    clock = SettableClock()
    a, b = portals(clock=clock), portals(clock=clock)
    idle = a.sessions.start(PERSON)
    clock.now += timedelta(minutes=31)
    assert b.sessions.get(idle.id) is None
    busy = a.sessions.start(PERSON)
    for _ in range(35):  # used every 20 minutes, on either instance, for 11 h 40 min
        clock.now += timedelta(minutes=20)
        assert (a if _ % 2 else b).sessions.get(busy.id) is not None
    key = next(iter(shared.client.scan_iter(match=shared.prefix + 'session:*')))
    assert shared.client.pttl(key) <= timedelta(minutes=20).total_seconds() * 1000  # the lifetime caps the TTL
    clock.now += timedelta(minutes=21)
    assert b.sessions.get(busy.id) is None and a.sessions.get(busy.id) is None


def test_a_touch_refreshes_the_idle_timeout_in_redis_but_never_revives_an_ended_session(
        portals, shared: RedisConnection) -> None:
    clock = SettableClock()
    a, b = portals(clock=clock), portals(clock=clock)
    session = a.sessions.start(PERSON)
    key = next(iter(shared.client.scan_iter(match=shared.prefix + 'session:*')))
    clock.now += timedelta(minutes=10)
    assert b.sessions.get(session.id, touch=False) is not None
    assert shared.client.pttl(key) <= timedelta(minutes=30).total_seconds() * 1000
    assert b.sessions.get(session.id) is not None
    assert shared.client.pttl(key) > timedelta(minutes=29).total_seconds() * 1000  # 30 minutes from the touch
    read_before_sign_out = RedisSessionRepository(shared).get(session.id)
    assert read_before_sign_out is not None
    a.sessions.end(session.id)
    assert not RedisSessionRepository(shared).update(read_before_sign_out, ttl=timedelta(minutes=30))
    assert shared.client.exists(key) == 0 and b.sessions.get(session.id) is None


def test_wiring_shares_sessions_between_instances_only_when_redis_is_configured(
        tmp_path: Path, redis_server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    url = urlunsplit(urlsplit(redis_server)._replace(path='/15'))  # its own database: the product's prefix is used
    first = build_services(Settings(db=tmp_path / 'a.json', redis_url=url))
    second = build_services(Settings(db=tmp_path / 'b.json', redis_url=url))
    alone = build_services(Settings(db=tmp_path / 'c.json'))
    try:
        assert set(first.health_checks) == {'store', 'redis'} and first.health_checks['redis']()
        assert set(alone.health_checks) == {'store'}
        session = first.sessions.start(PERSON)
        assert second.sessions.get(session.id) is not None and alone.sessions.get(session.id) is None
        first.leave_limit.hit('person:x')
        assert len(second.leave_limit) == 1 and len(alone.leave_limit) == 0
    finally:
        client = RedisConnection(url).client
        for key in client.scan_iter(match='myprofile:*'):
            client.delete(key)
        for services in (first, second, alone):
            services.sessions.close()
            services.store.close()


def test_an_unreachable_redis_is_a_store_error_naming_the_server_and_not_the_password() -> None:
    connection = RedisConnection('redis://:s3cret@127.0.0.1:1/0')
    with pytest.raises(SharedStateUnavailable) as failed:
        connection.ready()
    assert '127.0.0.1:1' in str(failed.value) and 's3cret' not in str(failed.value)
    with pytest.raises(SharedStateUnavailable):
        SessionStore(RedisSessionRepository(connection)).get('some-session')


@pytest.mark.parametrize(('url', 'accepted'), [
    ('redis://cache.example:6379/0', True), ('rediss://:pw@cache.example/2', True), ('', True),
    ('http://:pw@cache.example', False), ('redis://', False), ('cache.example:6379', False),
])
def test_the_redis_url_setting_is_checked_without_echoing_it(url: str, accepted: bool, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv('MYPROFILE_REDIS_URL', url)
    if accepted:
        assert load_settings().redis_url == url
    else:
        with pytest.raises(SettingsError, match='MYPROFILE_REDIS_URL: must be a redis:// or rediss:// URL') as no:
            load_settings()
        assert 'pw' not in str(no.value)

def keys_and_values(connection: RedisConnection) -> str:
    """Every key under the test's prefix with its value (strings and sorted sets), as one text to search."""
    client = connection.client
    parts: list[str] = []
    for key in client.scan_iter(match=connection.prefix + '*'):
        kind = client.type(key)
        value = client.get(key) if kind == 'string' else client.zrange(key, 0, -1) if kind == 'zset' else ''
        parts.append(f'{key} {value}')
    return '\n'.join(parts)
