"""Rate limits per key, and the return path after sign-in that can never leave the site."""

from __future__ import annotations

import pytest

from services.errors import RateLimited
from services.rate_limit import RateLimiter
from ui.web_session import safe_return_path


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_limit_per_key_and_window_slides() -> None:
    clock = Clock()
    limiter = RateLimiter(limit=3, window_seconds=60, clock=clock)
    for _ in range(3):
        limiter.hit('person:a', 'address:1')
    with pytest.raises(RateLimited) as refused:
        limiter.hit('person:a', 'address:2')
    assert refused.value.params['retry_after'] == '60'
    limiter.hit('person:b', 'address:2')  # another person from another address is not affected
    with pytest.raises(RateLimited):
        limiter.hit('person:c', 'address:1')  # the same address is, whoever it claims to be
    clock.now += 61
    limiter.hit('person:a', 'address:1')


def test_a_refused_attempt_is_not_counted() -> None:
    clock = Clock()
    limiter = RateLimiter(limit=1, window_seconds=10, clock=clock)
    limiter.hit('k')
    for _ in range(5):
        with pytest.raises(RateLimited):
            limiter.hit('k')
    clock.now += 10.5
    limiter.hit('k')


def test_failures_are_counted_past_the_limit_and_checked_without_counting() -> None:
    """Failures keep counting once an address is blocked, so a loop that goes on waits until it stops."""
    clock = Clock()
    limiter = RateLimiter(limit=2, window_seconds=60, clock=clock)
    for _ in range(2):
        limiter.check('address:1')  # checking costs nothing
    for second in range(4):
        clock.now = 1000.0 + second * 10
        limiter.count('address:1')
    with pytest.raises(RateLimited) as refused:
        limiter.check('address:1')
    assert refused.value.params['retry_after'] == '50'  # until only the last of the four is still in the window
    clock.now = 1000.0 + 20 + 60.5
    limiter.check('address:1')


@pytest.mark.parametrize(('candidate', 'expected'), [
    ('/organizations', '/organizations'),
    ('/organizations?x=1', '/organizations?x=1'),
    ('https://evil.example/', '/'),
    ('//evil.example/path', '/'),
    ('/\\evil.example', '/'),
    ('/%0d%0aSet-Cookie:x', '/%0d%0aSet-Cookie:x'),
    ('/ok\r\nSet-Cookie: x=1', '/'),
    ('javascript:alert(1)', '/'),
    ('/auth/logout', '/'),
    ('', '/'),
    (None, '/'),
])
def test_return_path_stays_on_site(candidate: str | None, expected: str) -> None:
    assert safe_return_path(candidate) == expected


def test_idle_keys_are_forgotten_so_a_flood_of_addresses_leaves_nothing() -> None:
    now = [0.0]
    limiter = RateLimiter(limit=3, window_seconds=60, clock=lambda: now[0])
    for n in range(30_100):  # one attempt each from thirty thousand addresses
        limiter.hit(f'address:10.0.{n // 256}.{n % 256}')
    limiter.hit('person:ann')
    now[0] = 59.0
    limiter.hit('person:ann')  # still active
    assert limiter.sweep() == 0
    now[0] = 61.0
    assert limiter.sweep() == 30_100 and len(limiter) == 1  # only Ann's recent attempt is still remembered
