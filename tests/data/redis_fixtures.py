"""Redis for the shared-state tests: every test gets a key prefix of its own on the local server, and its keys are
deleted afterwards.

Test modules load these with `pytest_plugins = ('tests.data.redis_fixtures',)`.

`MYPROFILE_TEST_REDIS` names the server (default `redis://127.0.0.1:6379/0`, as `scripts/test.sh` starts it). A
server that cannot be reached skips these tests with the reason, unless `MYPROFILE_REQUIRE_REDIS=1` (set by
`scripts/test.sh`, which installs and starts the server): then they fail instead, so the suite never passes
without them by accident.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator

import pytest
import redis

from data.redis_connection import RedisConnection, described

SERVER = os.environ.get('MYPROFILE_TEST_REDIS', 'redis://127.0.0.1:6379/0')

Instance = Callable[[], RedisConnection]  # another instance's connection to the same shared state


@pytest.fixture(scope='session')
def redis_server() -> str:
    try:
        redis.Redis.from_url(SERVER, socket_connect_timeout=3, socket_timeout=3).ping()
    except redis.RedisError as error:
        reason = (f'Redis is not reachable at {described(SERVER)} ({error}); `bash scripts/test.sh` installs and '
                  f'starts it, MYPROFILE_TEST_REDIS names another server')
        if os.environ.get('MYPROFILE_REQUIRE_REDIS') == '1':
            pytest.fail(reason)
        pytest.skip(reason)
    return SERVER


@pytest.fixture
def redis_prefix(redis_server: str) -> Iterator[str]:
    """A key prefix no other test uses; everything under it is deleted after the test."""
    prefix = f'myprofile-test-{secrets.token_hex(6)}:'
    yield prefix
    client = redis.Redis.from_url(redis_server)
    try:
        keys = list(client.scan_iter(match=prefix + '*', count=1000))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


@pytest.fixture
def instance(redis_server: str, redis_prefix: str) -> Iterator[Instance]:
    """Call it once per simulated portal instance: each gets its own connection to the test's shared state."""
    connections: list[RedisConnection] = []

    def connect() -> RedisConnection:
        connection = RedisConnection(redis_server, prefix=redis_prefix)
        connections.append(connection)
        return connection

    yield connect
    for connection in connections:
        connection.close()


@pytest.fixture
def shared(instance: Instance) -> RedisConnection:
    return instance()

