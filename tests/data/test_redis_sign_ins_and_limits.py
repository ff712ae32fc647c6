"""With MYPROFILE_REDIS_URL, sign-ins in flight stay bounded across instances (per address and in all), each one
abandoned is counted once whichever instance finds it, and rate limits count exactly as they do in memory."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from data.redis_connection import RedisConnection
from data.redis_pending_sign_ins import RedisPendingSignIns
from data.redis_rate_limit import RedisAttemptWindows
from services.errors import RateLimited
from services.pending_sign_ins import sign_in_address, started_from
from services.rate_limit import MemoryAttemptWindows, RateLimiter
from services.sign_in_guard import SignInGuard, SignInLimits

pytest_plugins = ('tests.data.redis_fixtures',)

Instance = Callable[[], RedisConnection]  # the `instance` fixture: another portal's connection to the shared state


class Abandoned(list[str]):
    def __call__(self, address: str) -> None:
        self.append(address)


def pending(connection: RedisConnection, clock: object, abandoned: Abandoned, **limits: float) -> RedisPendingSignIns:
    options = {'max_pending': 5, 'per_address': 3, 'lifetime': 600.0} | limits
    return RedisPendingSignIns(connection, address_of=sign_in_address, clock=clock,  # type: ignore[arg-type]
                               on_abandoned=abandoned, **options)  # type: ignore[arg-type]


class Seconds:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


async def test_sign_ins_in_flight_are_bounded_per_address_and_overall_across_instances(instance: Instance) -> None:
    clock, abandoned = Seconds(), Abandoned()
    a, b = pending(instance(), clock, abandoned), pending(instance(), clock, abandoned)
    assert a  # Authlib tests `if cache:`
    for n in range(4):  # one address, through both instances: its own oldest gives way
        with started_from('198.51.100.1'):
            await (a if n % 2 else b).set(f'flood-{n}', f'value-{n}', 3600)
    assert abandoned == ['198.51.100.1'] and a.held_by('198.51.100.1') == 3
    assert await b.get('flood-0') is None and await a.get('flood-1') == 'value-1'
    for n in range(2):
        with started_from('203.0.113.7'):
            await a.set(f'office-{n}', 'v', 3600)
    with started_from('192.0.2.9'):
        await b.set('late', 'v', 3600)  # six in all: the address holding the most gives way
    assert abandoned == ['198.51.100.1'] * 2 and b.in_flight() == 5
    assert a.held_by('198.51.100.1') == 2 and a.held_by('203.0.113.7') == 2 and await a.get('late') == 'v'
    await b.delete('office-0')  # used by its callback: not abandoned
    assert a.in_flight() == 4 and abandoned == ['198.51.100.1'] * 2


async def test_expired_sign_ins_count_as_abandoned_once_whichever_instance_sweeps(instance: Instance) -> None:
    clock, abandoned = Seconds(), Abandoned()
    a, b = pending(instance(), clock, abandoned), pending(instance(), clock, abandoned)
    with started_from('198.51.100.1'):
        for n in range(3):
            await a.set(f'k{n}', 'v')
    clock.now += 601
    assert await b.get('k0') is None and abandoned == ['198.51.100.1']  # found expired when used
    assert a.sweep() + b.sweep() == 2 and abandoned == ['198.51.100.1'] * 3
    assert a.sweep() == b.sweep() == 0 and a.in_flight() == 0 and a.held_by('198.51.100.1') == 0


async def test_abandoned_sign_ins_through_one_instance_hold_back_their_address_on_another(
        instance: Instance) -> None:
    clock = Seconds()
    limits = SignInLimits(failures_per_address=2, pending_lifetime_seconds=600)

    def guard(connection: RedisConnection) -> SignInGuard:
        return SignInGuard(limits, clock=clock, windows=lambda name: RedisAttemptWindows(connection, name),
                           pending=lambda limits, on_abandoned: pending(connection, clock, on_abandoned))  # type: ignore[arg-type]

    a, b = guard(instance()), guard(instance())
    with started_from('198.51.100.1'):
        await a.pending.set('one', 'v')
        await a.pending.set('two', 'v')
    clock.now += 601
    a.sweep()
    with pytest.raises(RateLimited):
        b.may_start('198.51.100.1')
    b.may_start('203.0.113.7')


# rate limits: the same scenario against memory and Redis

@pytest.fixture(params=['memory', 'redis'])
def windows(request: pytest.FixtureRequest):
    if request.param == 'memory':
        return lambda name: MemoryAttemptWindows()
    connection = request.getfixturevalue('shared')
    return lambda name: RedisAttemptWindows(connection, name)


def outcome(call: object, *keys: str) -> str:
    try:
        call(*keys)  # type: ignore[operator]
    except RateLimited as refused:
        return f'wait {refused.params["retry_after"]}'
    return 'ok'


def test_rate_limits_count_alike_in_memory_and_in_redis(windows) -> None:
    clock = Seconds()
    limiter = RateLimiter(limit=3, window_seconds=60, clock=clock, windows=windows('leaves'))
    failures = RateLimiter(limit=2, window_seconds=60, clock=clock, windows=windows('failures'))
    seen = [outcome(limiter.hit, 'person:a', 'address:1') for _ in range(3)]
    seen.append(outcome(limiter.hit, 'person:a', 'address:2'))
    seen.append(outcome(limiter.hit, 'person:b', 'address:2'))
    seen.append(outcome(limiter.hit, 'person:c', 'address:1'))
    clock.now += 30
    seen.append(outcome(limiter.hit, 'person:a'))
    clock.now += 30  # the first three slide out exactly now: a window keeps what is newer than 60 s
    seen.append(outcome(limiter.hit, 'person:a'))
    seen.append(outcome(limiter.check, 'person:a'))
    for _ in range(4):
        clock.now += 10
        failures.count('address:9')  # counted past the limit too
    seen.append(outcome(failures.check, 'address:9'))
    clock.now += 40.5
    seen.append(outcome(failures.check, 'address:9'))  # 9.5 s to wait: rounded up
    clock.now += 10
    seen.append(outcome(failures.check, 'address:9'))
    assert seen == ['ok', 'ok', 'ok', 'wait 60', 'ok', 'wait 60', 'wait 30', 'ok', 'ok', 'wait 50', 'wait 10', 'ok']


def test_redis_limits_are_shared_by_instances_and_expire_by_themselves(instance: Instance) -> None:
    clock = Seconds()
    a, b = (RateLimiter(limit=3, window_seconds=60, clock=clock, windows=RedisAttemptWindows(instance(), 'leaves'))
            for _ in range(2))
    a.hit('person:a')
    b.hit('person:a')
    a.hit('person:a')
    assert outcome(b.hit, 'person:a') == 'wait 60'
    assert a.sweep() == 0 and len(b) == 1
    connection = instance()
    key = next(iter(connection.client.scan_iter(match=connection.prefix + 'limit:leaves:*')))
    assert 0 < connection.client.pttl(key) <= 60_000
