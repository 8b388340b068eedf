"""Per-user token and cost budgets, enforced by atomic reservation.

Before a metered call the gateway reserves its worst case (every input byte a token, the
full ``max_output_tokens``, at the model's price) against the user's daily and monthly
budgets in one atomic step: in-process, a check-and-add with no ``await`` in between; with
Redis, one Lua script. Concurrent requests therefore cannot slip past a budget together.
After the call the reservation is settled to the real usage, which gives the unused part
back.

Counters live in the store (memory or Redis) per user and UTC day/month. A counter the
store has not seen yet (a restarted embedded process, a flushed Redis) is first seeded from
the usage ledger in the database, so a restart does not hand out a fresh budget.
"""

from __future__ import annotations

import abc
import asyncio
import datetime as dt
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import redis.asyncio as aioredis

from devmentor.ai.exceptions import BudgetExceeded

MICROS_PER_USD = 1_000_000


@dataclass(frozen=True, slots=True)
class BudgetLimits:
    """Limits per user; None means unlimited."""

    daily_tokens: int | None = None
    monthly_tokens: int | None = None
    daily_usd: float | None = None
    monthly_usd: float | None = None

    @property
    def unlimited(self) -> bool:
        return (
            self.daily_tokens is None
            and self.monthly_tokens is None
            and self.daily_usd is None
            and self.monthly_usd is None
        )

    def as_args(self) -> tuple[int, int, int, int]:
        def micros(usd: float | None) -> int:
            return -1 if usd is None else int(usd * MICROS_PER_USD)

        return (
            -1 if self.daily_tokens is None else self.daily_tokens,
            micros(self.daily_usd),
            -1 if self.monthly_tokens is None else self.monthly_tokens,
            micros(self.monthly_usd),
        )


@dataclass(frozen=True, slots=True)
class Spent:
    """Usage so far in a period: tokens and micro-dollars."""

    tokens: int = 0
    micros: int = 0


@dataclass(frozen=True, slots=True)
class Periods:
    day: str
    month: str
    day_start: dt.datetime
    month_start: dt.datetime
    day_end: dt.datetime
    month_end: dt.datetime

    @classmethod
    def at(cls, now: dt.datetime) -> Periods:
        now = now.astimezone(dt.UTC)
        day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
        month_start = day_start.replace(day=1)
        next_month = (month_start + dt.timedelta(days=32)).replace(day=1)
        return cls(
            day=day_start.strftime("%Y-%m-%d"),
            month=month_start.strftime("%Y-%m"),
            day_start=day_start,
            month_start=month_start,
            day_end=day_start + dt.timedelta(days=1),
            month_end=next_month,
        )


@dataclass(slots=True)
class Reservation:
    user_id: str
    periods: Periods
    tokens: int
    micros: int
    settled: bool = False


#: Loads what a user spent in (day, month) from the ledger.
SeedLoader = Callable[[str, Periods], Awaitable[tuple[Spent, Spent]]]

# Codes the reserve step returns: which limit refused, or that a counter needs seeding.
_OK, _NEED_SEED = 0, -1
_REFUSALS = {
    1: ("daily", "tokens"),
    2: ("daily", "cost"),
    3: ("monthly", "tokens"),
    4: ("monthly", "cost"),
}


def cost_micros(cost_usd: float) -> int:
    return math.ceil(cost_usd * MICROS_PER_USD - 1e-9)


class BudgetStore(abc.ABC):
    backend_name: str

    @abc.abstractmethod
    async def _reserve(
        self,
        keys: tuple[str, str],
        amount: Spent,
        limits: tuple[int, int, int, int],
        ttls: tuple[int, int],
        seeds: tuple[Spent, Spent] | None,
    ) -> int: ...

    @abc.abstractmethod
    async def _add(self, keys: tuple[str, str], tokens: int, micros: int) -> None: ...

    @abc.abstractmethod
    async def _read(self, keys: tuple[str, str]) -> tuple[Spent, Spent] | None: ...

    async def close(self) -> None:  # noqa: B027 - optional hook
        pass

    @staticmethod
    def _keys(user_id: str, periods: Periods) -> tuple[str, str]:
        return f"ai:budget:{user_id}:d:{periods.day}", f"ai:budget:{user_id}:m:{periods.month}"

    async def reserve(
        self,
        user_id: str,
        *,
        tokens: int,
        micros: int,
        limits: BudgetLimits,
        now: dt.datetime,
        seed: SeedLoader,
    ) -> Reservation:
        """Reserve ``tokens`` and ``micros`` or raise :class:`BudgetExceeded`."""
        periods = Periods.at(now)
        keys = self._keys(user_id, periods)
        ttls = (
            int((periods.day_end - now).total_seconds()) + 3600,
            int((periods.month_end - now).total_seconds()) + 3600,
        )
        args = limits.as_args()
        amount = Spent(tokens, micros)
        code = await self._reserve(keys, amount, args, ttls, None)
        if code == _NEED_SEED:
            code = await self._reserve(keys, amount, args, ttls, await seed(user_id, periods))
        if code != _OK:
            period, measure = _REFUSALS[code]
            limit: float
            if measure == "tokens":
                limit = args[0] if period == "daily" else args[2]
            else:
                limit = (args[1] if period == "daily" else args[3]) / MICROS_PER_USD
            resets_at = periods.day_end if period == "daily" else periods.month_end
            raise BudgetExceeded(period=period, measure=measure, limit=limit, resets_at=resets_at)
        return Reservation(user_id, periods, tokens, micros)

    async def settle(self, reservation: Reservation, *, tokens: int, micros: int) -> None:
        """Replace the reservation by the real usage (at most once)."""
        if reservation.settled:
            return
        reservation.settled = True
        delta_tokens = tokens - reservation.tokens
        delta_micros = micros - reservation.micros
        if delta_tokens or delta_micros:
            await self._add(
                self._keys(reservation.user_id, reservation.periods), delta_tokens, delta_micros
            )

    async def spent(self, user_id: str, now: dt.datetime) -> tuple[Spent, Spent] | None:
        """What the store holds for the user today and this month (None if not seeded)."""
        return await self._read(self._keys(user_id, Periods.at(now)))


class MemoryBudgetStore(BudgetStore):
    """One process's counters. Every step below runs without yielding to the event loop."""

    backend_name = "memory"

    def __init__(self) -> None:
        self._counters: dict[str, list[int]] = {}
        self._expiry: dict[str, float] = {}

    def _live(self, key: str, now: float) -> list[int] | None:
        if self._expiry.get(key, now + 1) <= now:
            self._counters.pop(key, None)
            self._expiry.pop(key, None)
        return self._counters.get(key)

    async def _reserve(
        self,
        keys: tuple[str, str],
        amount: Spent,
        limits: tuple[int, int, int, int],
        ttls: tuple[int, int],
        seeds: tuple[Spent, Spent] | None,
    ) -> int:
        now = asyncio.get_running_loop().time()
        day, month = self._live(keys[0], now), self._live(keys[1], now)
        if day is None or month is None:
            if seeds is None:
                return _NEED_SEED
            for key, ttl, seeded in zip(keys, ttls, seeds, strict=True):
                if self._live(key, now) is None:
                    self._counters[key] = [seeded.tokens, seeded.micros]
                    self._expiry[key] = now + ttl
            day, month = self._counters[keys[0]], self._counters[keys[1]]
        refusal = _refusal(day, month, amount, limits)
        if refusal:
            return refusal
        for counter in (day, month):
            counter[0] += amount.tokens
            counter[1] += amount.micros
        return _OK

    async def _add(self, keys: tuple[str, str], tokens: int, micros: int) -> None:
        for key in keys:
            counter = self._counters.get(key)
            if counter is not None:
                counter[0] += tokens
                counter[1] += micros

    async def _read(self, keys: tuple[str, str]) -> tuple[Spent, Spent] | None:
        now = asyncio.get_running_loop().time()
        day, month = self._live(keys[0], now), self._live(keys[1], now)
        if day is None or month is None:
            return None
        return Spent(day[0], day[1]), Spent(month[0], month[1])


def _refusal(
    day: list[int], month: list[int], amount: Spent, limits: tuple[int, int, int, int]
) -> int:
    checks = (
        (limits[0], day[0] + amount.tokens),
        (limits[1], day[1] + amount.micros),
        (limits[2], month[0] + amount.tokens),
        (limits[3], month[1] + amount.micros),
    )
    for code, (limit, total) in enumerate(checks, start=1):
        if limit >= 0 and total > limit:
            return code
    return _OK


# KEYS: day, month. ARGV: tokens, micros, 4 limits (-1 = none), 2 ttls, then optionally
# 4 seed values. Fields: s = seeded marker, t = tokens, c = micro-dollars.
_RESERVE_LUA = """
local seeded = redis.call('HEXISTS', KEYS[1], 's') == 1 and redis.call('HEXISTS', KEYS[2], 's') == 1
if not seeded then
  if #ARGV < 12 then return -1 end
  for i = 1, 2 do
    if redis.call('HSETNX', KEYS[i], 's', 1) == 1 then
      redis.call('HINCRBY', KEYS[i], 't', ARGV[7 + 2 * i])
      redis.call('HINCRBY', KEYS[i], 'c', ARGV[8 + 2 * i])
    end
    redis.call('EXPIRE', KEYS[i], ARGV[6 + i])
  end
end
local t, c = tonumber(ARGV[1]), tonumber(ARGV[2])
local dt = tonumber(redis.call('HGET', KEYS[1], 't') or '0')
local dc = tonumber(redis.call('HGET', KEYS[1], 'c') or '0')
local mt = tonumber(redis.call('HGET', KEYS[2], 't') or '0')
local mc = tonumber(redis.call('HGET', KEYS[2], 'c') or '0')
local limits = {tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])}
local totals = {dt + t, dc + c, mt + t, mc + c}
for i = 1, 4 do
  if limits[i] >= 0 and totals[i] > limits[i] then return i end
end
for i = 1, 2 do
  redis.call('HINCRBY', KEYS[i], 't', t)
  redis.call('HINCRBY', KEYS[i], 'c', c)
end
return 0
"""


class RedisBudgetStore(BudgetStore):
    """Counters shared by every process, in Redis hashes that expire after their period."""

    backend_name = "redis"

    def __init__(self, client: aioredis.Redis, *, key_prefix: str = "devmentor:") -> None:
        self._redis = client
        self._prefix = key_prefix
        self._script: Any = client.register_script(_RESERVE_LUA)

    async def _reserve(
        self,
        keys: tuple[str, str],
        amount: Spent,
        limits: tuple[int, int, int, int],
        ttls: tuple[int, int],
        seeds: tuple[Spent, Spent] | None,
    ) -> int:
        args: list[int] = [amount.tokens, amount.micros, *limits, *ttls]
        if seeds is not None:
            args += [seeds[0].tokens, seeds[0].micros, seeds[1].tokens, seeds[1].micros]
        result = await self._script(keys=[self._prefix + k for k in keys], args=args)
        return int(result)

    async def _add(self, keys: tuple[str, str], tokens: int, micros: int) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            for key in keys:
                pipe.hincrby(self._prefix + key, "t", tokens)
                pipe.hincrby(self._prefix + key, "c", micros)
            await pipe.execute()

    async def _read(self, keys: tuple[str, str]) -> tuple[Spent, Spent] | None:
        async with self._redis.pipeline(transaction=False) as pipe:
            for key in keys:
                pipe.hmget(self._prefix + key, ["s", "t", "c"])
            day, month = await pipe.execute()
        if day[0] is None or month[0] is None:
            return None
        return (
            Spent(int(day[1] or 0), int(day[2] or 0)),
            Spent(int(month[1] or 0), int(month[2] or 0)),
        )
