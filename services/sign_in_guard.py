"""What signals abuse of sign-in, counted where it happens: failed and abandoned sign-ins per address and per
person, and sessions started per person.

A sign-in that succeeds costs its address nothing, so everyone behind one office NAT or reverse proxy can sign in
at once; an address that piles up failed or abandoned sign-ins (a script, a flood, a code-guessing loop) has to
wait before it may start another. A person whose sign-ins keep failing after the provider vouched for them, or
who starts sessions far faster than anyone clicks, has to wait too, wherever they come from.

The guard decides what counts; where the counts and the sign-ins in flight are kept is the caller's choice
(`windows` and `pending`): this process's memory by default, Redis when instances share them (`services.wiring`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from services.pending_sign_ins import LIFETIME_SECONDS, MAX_PENDING, PER_ADDRESS, PendingSignInCache, PendingSignIns
from services.rate_limit import AttemptWindows, MemoryAttemptWindows, RateLimiter

WindowsFactory = Callable[[str], AttemptWindows]  # a limiter's name -> where its attempts are kept
PendingFactory = Callable[['SignInLimits', Callable[[str], None]], PendingSignInCache]  # (limits, on_abandoned)


@dataclass(kw_only=True, frozen=True)
class SignInLimits:
    failures_per_address: int = 100  # failed or abandoned sign-ins per address in `failure_window_seconds`
    failures_per_person: int = 10  # failed sign-ins per person (after the provider named them) in the window
    failure_window_seconds: float = 600.0  # as long as an unfinished sign-in lives, so every abandoned one counts
    sign_ins_per_person: int = 10  # sessions started per person per minute
    pending_per_address: int = PER_ADDRESS
    max_pending: int = MAX_PENDING
    pending_lifetime_seconds: float = LIFETIME_SECONDS


class SignInGuard:
    def __init__(self, limits: SignInLimits | None = None, *, clock: Callable[[], float] = time.monotonic,
                 windows: WindowsFactory | None = None, pending: PendingFactory | None = None) -> None:
        limits = limits or SignInLimits()
        window = limits.failure_window_seconds
        windows = windows or (lambda name: MemoryAttemptWindows())
        pending = pending or (lambda limits, on_abandoned: PendingSignIns(
            clock=clock, max_pending=limits.max_pending, per_address=limits.pending_per_address,
            lifetime=limits.pending_lifetime_seconds, on_abandoned=on_abandoned))
        self._address_failures = RateLimiter(limit=limits.failures_per_address, window_seconds=window, clock=clock,
                                             windows=windows('sign-in-failures-per-address'))
        self._person_failures = RateLimiter(limit=limits.failures_per_person, window_seconds=window, clock=clock,
                                            windows=windows('sign-in-failures-per-person'))
        self._person_sign_ins = RateLimiter(limit=limits.sign_ins_per_person, window_seconds=60, clock=clock,
                                            windows=windows('sign-ins-per-person'))
        self.pending = pending(limits, self._abandoned)

    def may_start(self, address: str) -> None:
        """Raise RateLimited if this address has had too many sign-ins go wrong lately; counts nothing."""
        self._address_failures.check(_address_key(address))

    def may_finish(self, person: str) -> None:
        """Raise RateLimited if this person's sign-ins keep failing or come too fast; counts one sign-in if not."""
        self._person_failures.check(_person_key(person))
        self._person_sign_ins.hit(_person_key(person))

    def failed(self, address: str, person: str | None = None) -> None:
        """A sign-in went wrong: it counts against its address, and against its person once the provider named one."""
        self._address_failures.count(_address_key(address))
        if person is not None:
            self._person_failures.count(_person_key(person))

    def sweep(self) -> None:
        """Every second: unfinished sign-ins past their lifetime count as abandoned; idle counters are forgotten."""
        self.pending.sweep()
        for limiter in (self._address_failures, self._person_failures, self._person_sign_ins):
            limiter.sweep()

    def _abandoned(self, address: str) -> None:
        self._address_failures.count(_address_key(address))


def _address_key(address: str) -> str:
    return f'address:{address}'


def _person_key(person: str) -> str:
    return f'person:{person}'
