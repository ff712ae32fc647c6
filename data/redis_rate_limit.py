"""Sliding-window attempts in Redis, shared by every instance (`services.rate_limit.AttemptWindows`): a sorted set
of attempt times per key, `myprofile:limit:<limiter>:<key>`. Each call trims what slid out of the window
(`ZREMRANGEBYSCORE`), counts (`ZCARD`) and adds the attempt (`ZADD`) in one Lua script, so two instances can never
both take the last place. A key expires a window after its last attempt: there is nothing to sweep.

Times are the limiter's clock (wall time, alike on every instance); they travel as the exact text of the float,
so the window's edges fall exactly where the in-memory windows put them.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Sequence

from data.redis_connection import RedisConnection

# KEYS: the limiter's keys. ARGV: add (always, if_room or never), now, cutoff, limit, window in ms, a unique member.
# Returns, for each key at its limit (unless add is always), the time of its limit-th newest attempt.
_RECORD = '''
local add, now, cutoff = ARGV[1], ARGV[2], ARGV[3]
local limit, window_ms, member = tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6]
local full = {}
for _, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', cutoff)
  if add ~= 'always' and redis.call('ZCARD', key) >= limit then
    table.insert(full, redis.call('ZRANGE', key, -limit, -limit, 'WITHSCORES')[2])
  end
end
if add == 'never' or (add == 'if_room' and #full > 0) then return full end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, member .. ':' .. i)
  redis.call('PEXPIRE', key, window_ms)
end
return full
'''


class RedisAttemptWindows:
    def __init__(self, redis: RedisConnection, name: str) -> None:
        """`name` keeps this limiter's keys apart from another's that counts under the same keys."""
        self._redis = redis
        self._prefix = redis.key('limit', name, '')
        self._record = redis.client.register_script(_RECORD)

    def record(self, keys: Sequence[str], now: float, *, window: float, limit: int, add: str) -> list[float]:
        member = f'{now!r}:{secrets.token_hex(6)}'  # two attempts in the same instant are two attempts
        with self._redis.errors():
            frees_at = self._record(keys=[self._prefix + key for key in keys],
                                    args=[add, repr(now), repr(now - window), limit, math.ceil(window * 1000),
                                          member])
        return [float(time) for time in frees_at]

    def sweep(self, now: float, *, window: float) -> int:
        """Nothing to do: a key expires by itself a window after its last attempt."""
        return 0

    def __len__(self) -> int:
        """How many keys this limiter holds (a scan: for tests and diagnostics, not for every request)."""
        with self._redis.errors():
            return sum(1 for _ in self._redis.client.scan_iter(match=_escaped(self._prefix) + '*', count=1000))


def _escaped(pattern: str) -> str:
    """A key prefix as a literal in a SCAN pattern (addresses like ::1 or [v6] must not act as wildcards)."""
    return ''.join('\\' + c if c in '*?[]\\' else c for c in pattern)
