"""Sign-ins in flight in Redis, shared by every instance, by the rules of `services.pending_sign_ins`: each address
holds at most `per_address` (a new one beyond that evicts that address's own oldest), all together at most
`max_pending` (then the oldest of the address holding the most goes), each lives `lifetime` seconds, and one that
expires or is evicted unfinished counts as abandoned for its address (`on_abandoned`).

Under the prefix `P` = `myprofile:pending:`:
- `P entry:<key>`: the sign-in (JSON value and address), with a TTL a minute past its lifetime as a safety net;
- `P due`: sorted set of `[key, address]` by expiry time: the sweep takes the due ones off it, so each expired
  sign-in is counted exactly once whichever instance sweeps;
- `P address:<address>`: sorted set of that address's keys in the order they came (`P sequence`);
- `P holders`: sorted set of addresses by how many they hold, so the busiest is found at once.

Every change is one Lua script, so the caps hold across instances. The times are this instance's clock (wall
time, alike on every instance); the sets expire with the last sign-in, so nothing lingers when nobody signs in.
The Authlib-facing methods run in a worker thread: Redis is never waited for on the event loop.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable

from data.redis_connection import RedisConnection

GRACE_SECONDS = 60.0  # an entry outlives its lifetime this long in Redis, so the sweep still finds it to count it
SWEEP_BATCH = 500

_COMMON = '''
local P = ARGV[1]
local due, holders = P .. 'due', P .. 'holders'
local function address_key(address) return P .. 'address:' .. address end
local function remove(key, address)  -- 1 if it was in flight
  local was = redis.call('ZREM', due, cjson.encode({key, address}))
  redis.call('DEL', P .. 'entry:' .. key)
  redis.call('ZREM', address_key(address), key)
  local held = redis.call('ZCARD', address_key(address))
  if held > 0 then redis.call('ZADD', holders, held, address) else redis.call('ZREM', holders, address) end
  return was
end
local function owner(key)
  local entry = redis.call('GET', P .. 'entry:' .. key)
  if not entry then return nil, nil end
  local decoded = cjson.decode(entry)
  return decoded['address'], decoded['value']
end
'''

# ARGV: prefix, key, value, address, expires, per_address, max_pending, ttl_ms -> addresses of the abandoned
_SET = _COMMON + '''
local key, value, address, expires = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local per_address, max_pending, ttl = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
local previous = owner(key)
if previous then remove(key, previous) end
local order = redis.call('INCR', P .. 'sequence')
redis.call('SET', P .. 'entry:' .. key, cjson.encode({value = value, address = address}), 'PX', ttl)
redis.call('ZADD', due, expires, cjson.encode({key, address}))
redis.call('ZADD', address_key(address), order, key)
redis.call('ZADD', holders, redis.call('ZCARD', address_key(address)), address)
for _, shared in ipairs({due, holders, address_key(address), P .. 'sequence'}) do
  redis.call('PEXPIRE', shared, ttl)
end
local abandoned = {}
local function evict_oldest(of)
  local oldest = redis.call('ZRANGE', address_key(of), 0, 0)[1]
  if not oldest then return false end
  if remove(oldest, of) == 1 then table.insert(abandoned, of) end
  return true
end
while redis.call('ZCARD', address_key(address)) > per_address do
  if not evict_oldest(address) then break end
end
while redis.call('ZCARD', due) > max_pending do
  local busiest = redis.call('ZREVRANGE', holders, 0, 0)[1]
  if not busiest or not evict_oldest(busiest) then break end
end
return abandoned
'''

# ARGV: prefix, key, now -> {} (none), {'value', value} or {'abandoned', address} (it had expired)
_GET = _COMMON + '''
local key, now = ARGV[2], tonumber(ARGV[3])
local address, value = owner(key)
if not address then return {} end
local expires = redis.call('ZSCORE', due, cjson.encode({key, address}))
if expires and tonumber(expires) > now then return {'value', value} end
if remove(key, address) == 1 then return {'abandoned', address} end
return {}
'''

# ARGV: prefix, key
_DELETE = _COMMON + '''
local address = owner(ARGV[2])
if address then remove(ARGV[2], address) end
return 0
'''

# ARGV: prefix, now, batch -> addresses of the sign-ins that expired (each exactly once, whoever sweeps)
_SWEEP = _COMMON + '''
local abandoned = {}
for _, member in ipairs(redis.call('ZRANGEBYSCORE', due, '-inf', ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))) do
  local item = cjson.decode(member)
  if remove(item[1], item[2]) == 1 then table.insert(abandoned, item[2]) end
end
return abandoned
'''


class RedisPendingSignIns:
    """The async get/set/delete cache interface Authlib's OAuth registry expects, kept in Redis."""

    def __init__(self, redis: RedisConnection, *, address_of: Callable[[], str], clock: Callable[[], float] = time.time,
                 max_pending: int, per_address: int, lifetime: float,
                 on_abandoned: Callable[[str], None] = lambda address: None) -> None:
        self._redis = redis
        self._prefix = redis.key('pending', '')
        self._address_of = address_of  # `services.pending_sign_ins.sign_in_address`
        self._clock = clock
        self._max_pending, self._per_address, self._lifetime = max_pending, per_address, lifetime
        self.on_abandoned = on_abandoned
        client = redis.client
        self._set, self._get = client.register_script(_SET), client.register_script(_GET)
        self._delete, self._sweep = client.register_script(_DELETE), client.register_script(_SWEEP)

    async def get(self, key: str) -> str | None:
        return await asyncio.to_thread(self.get_now, key)

    async def set(self, key: str, value: str, expires_in: float | None = None) -> None:
        """One lifetime for all (Authlib asks for an hour), so the oldest is always the first to expire."""
        await asyncio.to_thread(self.set_now, key, value, self._address_of())

    async def delete(self, key: str) -> None:
        """The callback used it (whatever came of it): it is no longer in flight, and not abandoned."""
        await asyncio.to_thread(self.delete_now, key)

    def get_now(self, key: str) -> str | None:
        with self._redis.errors():
            answer = self._get(args=[self._prefix, key, repr(self._clock())])
        if answer and answer[0] == 'abandoned':
            self._report([answer[1]])
        return answer[1] if answer and answer[0] == 'value' else None

    def set_now(self, key: str, value: str, address: str) -> None:
        expires = self._clock() + self._lifetime
        ttl = math.ceil((self._lifetime + GRACE_SECONDS) * 1000)
        with self._redis.errors():
            abandoned = self._set(args=[self._prefix, key, value, address, repr(expires), self._per_address,
                                        self._max_pending, ttl])
        self._report(abandoned)

    def delete_now(self, key: str) -> None:
        with self._redis.errors():
            self._delete(args=[self._prefix, key])

    def sweep(self) -> int:
        """Take every sign-in past its lifetime off, counting each as abandoned (the app calls this every second);
        returns how many this instance took."""
        now = repr(self._clock())
        total = 0
        while True:
            with self._redis.errors():
                abandoned = self._sweep(args=[self._prefix, now, SWEEP_BATCH])
            self._report(abandoned)
            total += len(abandoned)
            if len(abandoned) < SWEEP_BATCH:
                return total

    def in_flight(self) -> int:
        with self._redis.errors():
            return int(self._redis.client.zcard(self._prefix + 'due'))

    def held_by(self, address: str) -> int:
        with self._redis.errors():
            return int(self._redis.client.zcard(self._prefix + 'address:' + address))

    def _report(self, addresses: list[str]) -> None:
        for address in addresses:
            self.on_abandoned(address)
