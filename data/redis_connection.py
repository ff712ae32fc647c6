"""The Redis server that holds what instances share (sessions, sign-ins in flight, rate limits): one client with
its connection pool, every key under one prefix, and Redis's errors turned into the store's `StoreError`.

Calls are synchronous and short (a key or a small script per call, well under a millisecond on a local network);
the timeouts keep a Redis that stops answering from holding a caller for more than two seconds.

Needs a single Redis server (or a primary with replicas), not Redis Cluster: the scripts reach keys they compute.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import redis

from data.errors import StoreError

DEFAULT_PREFIX = 'myprofile:'
TIMEOUT_SECONDS = 2.0


class SharedStateUnavailable(StoreError):
    """Redis did not answer (or refused); the message names the server, never its password."""


class RedisConnection:
    def __init__(self, url: str, *, prefix: str = DEFAULT_PREFIX) -> None:
        self.url = url
        self.prefix = prefix
        self.where = described(url)
        self.client = self.new_client()

    def new_client(self) -> redis.Redis:
        """A client with a pool of its own (the relay's subscription keeps one connection for itself)."""
        return redis.Redis.from_url(self.url, decode_responses=True, socket_connect_timeout=TIMEOUT_SECONDS,
                                    socket_timeout=TIMEOUT_SECONDS, health_check_interval=30)

    def key(self, *parts: str) -> str:
        return self.prefix + ':'.join(parts)

    def ready(self) -> bool:
        """Whether Redis answers (`/healthz`)."""
        with self.errors():
            return bool(self.client.ping())

    @contextmanager
    def errors(self) -> Iterator[None]:
        """Redis's errors as `SharedStateUnavailable`, so the services meet only the store's kind of error."""
        try:
            yield
        except redis.RedisError as error:
            raise SharedStateUnavailable(f'Redis at {self.where}: {error}') from None

    def close(self) -> None:
        self.client.close()


def described(url: str) -> str:
    """The server and database of a Redis URL, without user or password: safe for logs and messages."""
    parts = urlsplit(url)
    host = parts.hostname or 'localhost'
    if ':' in host:
        host = f'[{host}]'
    return f'{parts.scheme}://{host}:{parts.port or 6379}{parts.path or "/0"}'
