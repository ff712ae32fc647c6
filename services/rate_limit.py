"""Sliding-window limits per key (a person, an address), so a script can't hammer what they guard.

`RateLimiter` holds the rules (what is refused, what counts, how long to wait); the attempts themselves are kept
by an `AttemptWindows`: this process's memory by default, or Redis (`data.redis_rate_limit`), where every
instance counts against the same limits (give those limiters a wall clock, `time.time`: a monotonic clock's
zero differs from one machine to the next).
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from typing import Literal, Protocol

from services.errors import RateLimited

Adding = Literal['always', 'if_room', 'never']


class AttemptWindows(Protocol):
    def record(self, keys: Sequence[str], now: float, *, window: float, limit: int, add: Adding) -> list[float]:
        """At once: forget each key's attempts at or before `now - window`; for each key holding `limit` or more,
        note the time of its `limit`-th newest (a place frees when that one slides out); then add `now` under
        every key: `always`, `if_room` (only when no key is full) or `never`. Returns the noted times."""

    def sweep(self, now: float, *, window: float) -> int:
        """Forget the keys with no attempt inside the window; how many."""

    def __len__(self) -> int:
        """How many keys are remembered."""


class RateLimiter:
    def __init__(self, *, limit: int, window_seconds: float, clock: Callable[[], float] = time.monotonic,
                 windows: AttemptWindows | None = None) -> None:
        self._limit = limit
        self._window = window_seconds
        self._clock = clock
        self._windows = windows if windows is not None else MemoryAttemptWindows()

    def hit(self, *keys: str) -> None:
        """Count one attempt under every key, or refuse it (counting nothing) if any key is at its limit."""
        self._refuse_if_full(self._record(keys, 'if_room'))

    def check(self, *keys: str) -> None:
        """Refuse if any key is at its limit, counting nothing: for limits on what went wrong, not on attempts."""
        self._refuse_if_full(self._record(keys, 'never'))

    def count(self, *keys: str) -> None:
        """Count one event under every key, whatever the limit: a failure happened whether or not it is allowed."""
        self._record(keys, 'always')

    def sweep(self) -> int:
        """Forget every key with no attempt inside the window (the app calls this every second), so a flood of
        addresses leaves nothing behind; returns how many were forgotten."""
        return self._windows.sweep(self._clock(), window=self._window)

    def __len__(self) -> int:
        return len(self._windows)

    def _record(self, keys: Sequence[str], add: Adding) -> tuple[float, list[float]]:
        now = self._clock()
        return now, self._windows.record(keys, now, window=self._window, limit=self._limit, add=add)

    def _refuse_if_full(self, recorded: tuple[float, list[float]]) -> None:
        now, frees_at = recorded
        if frees_at:
            retry_after = max(oldest + self._window - now for oldest in frees_at)
            raise RateLimited(f'rate limit of {self._limit} per {self._window:.0f} s reached',
                              retry_after=str(max(1, math.ceil(retry_after))))


class MemoryAttemptWindows:
    """Attempts in this process's memory: each instance counts for itself."""

    def __init__(self) -> None:
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def record(self, keys: Sequence[str], now: float, *, window: float, limit: int, add: Adding) -> list[float]:
        with self._lock:
            windows = [self._window_of(key, now, window) for key in keys]
            frees_at = [w[-limit] for w in windows if len(w) >= limit] if add != 'always' else []
            if add == 'always' or (add == 'if_room' and not frees_at):
                for w in windows:
                    w.append(now)
            return frees_at

    def sweep(self, now: float, *, window: float) -> int:
        with self._lock:
            idle = [key for key, w in self._hits.items() if not w or w[-1] <= now - window]
            for key in idle:
                del self._hits[key]
        return len(idle)

    def __len__(self) -> int:
        with self._lock:
            return len(self._hits)

    def _window_of(self, key: str, now: float, window: float) -> deque[float]:
        attempts = self._hits.setdefault(key, deque())
        while attempts and attempts[0] <= now - window:
            attempts.popleft()
        return attempts
