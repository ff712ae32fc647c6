"""Server-side home for sign-ins in flight (state, nonce, PKCE verifier), so the cookie never carries them.

Authlib's Starlette client keeps this data in the signed, readable session cookie unless it is given a cache;
with this cache the cookie holds only a marker, and the data is deleted the moment a callback uses it.

Memory stays bounded without letting a flood push out real sign-ins: each address may hold only so many sign-ins
in flight (a new one beyond that evicts that address's own oldest), and when the whole cache is full the oldest of
the address holding the most goes. A sign-in that expires or is evicted unfinished was abandoned, and is reported
to `on_abandoned` with its address, where it counts as a sign-in that went wrong.

`PendingSignIns` keeps them in this process's memory (the default); `data.redis_pending_sign_ins` keeps them in
Redis by the same rules, so a sign-in started through one instance can finish through another.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Protocol

MAX_PENDING = 10_000
PER_ADDRESS = 500  # more than an office signs in within a sign-in's lifetime, far below what a flood would hold
LIFETIME_SECONDS = 600.0  # time enough to sign in at the provider, with a second factor and a password reset

_started_from: ContextVar[str] = ContextVar('sign-in address', default='unknown')


@contextmanager
def started_from(address: str) -> Iterator[None]:
    """Sign-ins saved inside this block belong to `address` (Authlib's cache interface has no room for it)."""
    token = _started_from.set(address)
    try:
        yield
    finally:
        _started_from.reset(token)


def sign_in_address() -> str:
    """The address of the sign-in being saved (`started_from`), for whichever cache keeps it."""
    return _started_from.get()


class PendingSignInCache(Protocol):
    """What Authlib (async get/set/delete) and `SignInGuard` need of a home for sign-ins in flight. It must be
    truthy: Authlib tests `if cache:`, so no `__len__`."""

    async def get(self, key: str) -> str | None: ...

    async def set(self, key: str, value: str, expires_in: float | None = None) -> None: ...

    async def delete(self, key: str) -> None: ...

    def sweep(self) -> int:
        """Drop the sign-ins past their lifetime, each counted as abandoned; returns how many."""

    def in_flight(self) -> int: ...

    def held_by(self, address: str) -> int: ...


@dataclass(slots=True)
class _Pending:
    expires: float
    value: str
    address: str


class PendingSignIns:
    """The async get/set/delete cache interface Authlib's OAuth registry expects, kept in memory."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic, max_pending: int = MAX_PENDING,
                 per_address: int = PER_ADDRESS, lifetime: float = LIFETIME_SECONDS,
                 on_abandoned: Callable[[str], None] = lambda address: None) -> None:
        self._entries: OrderedDict[str, _Pending] = OrderedDict()  # oldest first, and so soonest to expire first
        self._by_address: dict[str, OrderedDict[str, None]] = {}
        self._lock = threading.Lock()
        self._clock = clock
        self._max_pending = max_pending
        self._per_address = per_address
        self._lifetime = lifetime
        self.on_abandoned = on_abandoned

    async def get(self, key: str) -> str | None:
        abandoned: list[str] = []
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry.expires <= self._clock():
                self._remove(key, abandoned)
                entry = None
        self._report(abandoned)
        return entry.value if entry is not None else None

    async def set(self, key: str, value: str, expires_in: float | None = None) -> None:
        address = sign_in_address()
        abandoned: list[str] = []
        with self._lock:
            if key in self._entries:
                self._remove(key, [])
            # one lifetime for all (Authlib asks for an hour), so the oldest is always the first to expire
            self._entries[key] = _Pending(self._clock() + self._lifetime, value, address)
            own = self._by_address.setdefault(address, OrderedDict())
            own[key] = None
            while len(own) > self._per_address:  # a flood from one address evicts only its own
                self._remove(next(iter(own)), abandoned)
            while len(self._entries) > self._max_pending:  # many addresses: the one holding the most gives way
                busiest = max(self._by_address.values(), key=len)
                self._remove(next(iter(busiest)), abandoned)
        self._report(abandoned)

    async def delete(self, key: str) -> None:
        """The callback used it (whatever came of it): it is no longer in flight, and not abandoned."""
        with self._lock:
            if key in self._entries:
                self._remove(key, [])

    def sweep(self) -> int:
        """Drop every sign-in past its lifetime (the app calls this every second); returns how many."""
        abandoned: list[str] = []
        now = self._clock()
        with self._lock:
            while self._entries:
                key, entry = next(iter(self._entries.items()))
                if entry.expires > now:
                    break
                self._remove(key, abandoned)
        self._report(abandoned)
        return len(abandoned)

    def in_flight(self) -> int:
        """How many sign-ins are in flight (not `__len__`: Authlib tests `if cache:`, and an empty cache must count)."""
        with self._lock:
            return len(self._entries)

    def held_by(self, address: str) -> int:
        with self._lock:
            return len(self._by_address.get(address, ()))

    def _remove(self, key: str, abandoned: list[str]) -> None:
        entry = self._entries.pop(key)
        own = self._by_address[entry.address]
        del own[key]
        if not own:
            del self._by_address[entry.address]
        abandoned.append(entry.address)

    def _report(self, addresses: list[str]) -> None:
        for address in addresses:  # outside the lock: the callback takes a lock of its own
            self.on_abandoned(address)
