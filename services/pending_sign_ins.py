"""Server-side home for sign-ins in flight (state, nonce, PKCE verifier), so the cookie never carries them.

Authlib's Starlette client keeps this data in the signed, readable session cookie unless it is given a cache;
with this cache the cookie holds only a marker, and the data is deleted the moment a callback uses it.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

MAX_PENDING = 10_000


class PendingSignIns:
    """The async get/set/delete cache interface Authlib's OAuth registry expects, kept in memory."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic, max_pending: int = MAX_PENDING) -> None:
        self._entries: OrderedDict[str, tuple[float, str]] = OrderedDict()
        self._lock = threading.Lock()
        self._clock = clock
        self._max_pending = max_pending

    async def get(self, key: str) -> str | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry[0] <= self._clock():
                del self._entries[key]
                return None
            return entry[1]

    async def set(self, key: str, value: str, expires_in: float | None = None) -> None:
        with self._lock:
            self._entries[key] = (self._clock() + (expires_in or 600), value)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max_pending:  # a flood of abandoned sign-ins evicts the oldest
                self._entries.popitem(last=False)

    async def delete(self, key: str) -> None:
        with self._lock:
            self._entries.pop(key, None)
