"""Sliding-window limits per key (a person, an address), so a script can't hammer what they guard."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

from services.errors import RateLimited


class RateLimiter:
    def __init__(self, *, limit: int, window_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._limit = limit
        self._window = window_seconds
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, *keys: str) -> None:
        """Count one attempt under every key, or refuse it (counting nothing) if any key is at its limit."""
        now = self._clock()
        with self._lock:
            windows = [self._window_of(key, now) for key in keys]
            self._refuse_if_full(windows, now)
            for window in windows:
                window.append(now)

    def check(self, *keys: str) -> None:
        """Refuse if any key is at its limit, counting nothing: for limits on what went wrong, not on attempts."""
        now = self._clock()
        with self._lock:
            self._refuse_if_full([self._window_of(key, now) for key in keys], now)

    def count(self, *keys: str) -> None:
        """Count one event under every key, whatever the limit: a failure happened whether or not it is allowed."""
        now = self._clock()
        with self._lock:
            for key in keys:
                self._window_of(key, now).append(now)

    def sweep(self) -> int:
        """Forget every key with no attempt inside the window (the app calls this every second), so a flood of
        addresses leaves nothing behind; returns how many were forgotten."""
        now = self._clock()
        with self._lock:
            idle = [key for key, window in self._hits.items() if not window or window[-1] <= now - self._window]
            for key in idle:
                del self._hits[key]
        return len(idle)

    def __len__(self) -> int:
        with self._lock:
            return len(self._hits)

    def _refuse_if_full(self, windows: list[deque[float]], now: float) -> None:
        full = [w for w in windows if len(w) >= self._limit]
        if full:
            retry_after = max(w[-self._limit] + self._window - now for w in full)
            raise RateLimited(f'rate limit of {self._limit} per {self._window:.0f} s reached',
                              retry_after=str(max(1, math.ceil(retry_after))))

    def _window_of(self, key: str, now: float) -> deque[float]:
        window = self._hits.setdefault(key, deque())
        while window and window[0] <= now - self._window:
            window.popleft()
        return window
