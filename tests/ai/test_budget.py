"""Budgets: atomic reservations, settlement, seeding from the ledger; memory and Redis."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis

from devmentor.ai.budget import (
    BudgetLimits,
    BudgetStore,
    MemoryBudgetStore,
    Periods,
    RedisBudgetStore,
    Spent,
    cost_micros,
)
from devmentor.ai.exceptions import BudgetExceeded

NOW = dt.datetime(2026, 11, 24, 15, 30, tzinfo=dt.UTC)
NOTHING = Spent()


class Seeds:
    def __init__(self, day: Spent = NOTHING, month: Spent = NOTHING) -> None:
        self.day, self.month = day, month
        self.calls = 0

    async def __call__(self, user_id: str, periods: Periods) -> tuple[Spent, Spent]:
        self.calls += 1
        await asyncio.sleep(0)  # a real loader awaits the database
        return self.day, self.month


@pytest.fixture
async def store(redis_or_none: str | None, unique_prefix: str) -> AsyncIterator[BudgetStore]:
    if redis_or_none is None:
        yield MemoryBudgetStore()
        return
    client = aioredis.from_url(redis_or_none)
    try:
        yield RedisBudgetStore(client, key_prefix=unique_prefix)
    finally:
        keys = [key async for key in client.scan_iter(f"{unique_prefix}*")]
        if keys:
            await client.delete(*keys)
        await client.aclose()


async def test_reserves_until_the_daily_token_limit(store: BudgetStore) -> None:
    limits = BudgetLimits(daily_tokens=1000)
    seeds = Seeds()
    for _ in range(4):
        await store.reserve("u1", tokens=250, micros=0, limits=limits, now=NOW, seed=seeds)
    with pytest.raises(BudgetExceeded) as caught:
        await store.reserve("u1", tokens=1, micros=0, limits=limits, now=NOW, seed=seeds)
    assert caught.value.extra["period"] == "daily"
    assert caught.value.extra["measure"] == "tokens"
    assert caught.value.extra["resets_at"] == "2026-11-25T00:00:00+00:00"
    assert seeds.calls == 1  # the counter was seeded once, then trusted
    # Other users have their own budget.
    await store.reserve("u2", tokens=1000, micros=0, limits=limits, now=NOW, seed=seeds)


async def test_settling_gives_back_the_unused_part(store: BudgetStore) -> None:
    limits = BudgetLimits(daily_usd=0.01)  # 10,000 micro-dollars
    seeds = Seeds()
    first = await store.reserve("u1", tokens=5000, micros=9000, limits=limits, now=NOW, seed=seeds)
    with pytest.raises(BudgetExceeded) as caught:
        await store.reserve("u1", tokens=10, micros=2000, limits=limits, now=NOW, seed=seeds)
    assert caught.value.extra["measure"] == "cost"
    await store.settle(first, tokens=400, micros=1000)
    await store.settle(first, tokens=0, micros=0)  # settling twice changes nothing
    await store.reserve("u1", tokens=10, micros=2000, limits=limits, now=NOW, seed=seeds)
    assert await store.spent("u1", NOW) == (Spent(410, 3000), Spent(410, 3000))


async def test_seeded_usage_counts_against_the_month(store: BudgetStore) -> None:
    limits = BudgetLimits(monthly_tokens=10_000)
    seeds = Seeds(day=Spent(100, 0), month=Spent(9_900, 0))
    await store.reserve("u1", tokens=100, micros=0, limits=limits, now=NOW, seed=seeds)
    with pytest.raises(BudgetExceeded) as caught:
        await store.reserve("u1", tokens=1, micros=0, limits=limits, now=NOW, seed=seeds)
    assert caught.value.extra["period"] == "monthly"
    assert caught.value.extra["resets_at"] == "2026-12-01T00:00:00+00:00"


async def test_a_new_day_has_a_new_daily_budget(store: BudgetStore) -> None:
    limits = BudgetLimits(daily_tokens=100, monthly_tokens=1000)
    seeds = Seeds()
    await store.reserve("u1", tokens=100, micros=0, limits=limits, now=NOW, seed=seeds)
    tomorrow = NOW + dt.timedelta(days=1)
    await store.reserve("u1", tokens=100, micros=0, limits=limits, now=tomorrow, seed=seeds)
    spent = await store.spent("u1", tomorrow)
    assert spent is not None
    day, month = spent
    assert day.tokens == 100
    # The month counter was seeded before the first day's call and holds both days.
    assert month.tokens == 200


async def test_concurrent_reservations_cannot_slip_past_the_budget(store: BudgetStore) -> None:
    limits = BudgetLimits(daily_tokens=1_000, daily_usd=1.0)
    seeds = Seeds()

    async def attempt() -> bool:
        try:
            await store.reserve("u1", tokens=30, micros=1, limits=limits, now=NOW, seed=seeds)
        except BudgetExceeded:
            return False
        return True

    results = await asyncio.gather(*(attempt() for _ in range(100)))
    assert sum(results) == 1_000 // 30
    spent = await store.spent("u1", NOW)
    assert spent is not None
    assert spent[0].tokens == 33 * 30


async def test_unlimited_budgets_always_reserve(store: BudgetStore) -> None:
    limits = BudgetLimits()
    assert limits.unlimited
    reservation = await store.reserve(
        "u1", tokens=10**9, micros=10**9, limits=limits, now=NOW, seed=Seeds()
    )
    assert reservation.tokens == 10**9


def test_periods_cover_month_ends_and_leap_years() -> None:
    periods = Periods.at(dt.datetime(2028, 2, 29, 23, 59, tzinfo=dt.UTC))
    assert (periods.day, periods.month) == ("2028-02-29", "2028-02")
    assert periods.day_end == dt.datetime(2028, 3, 1, tzinfo=dt.UTC)
    assert periods.month_end == dt.datetime(2028, 3, 1, tzinfo=dt.UTC)
    december = Periods.at(dt.datetime(2026, 12, 31, 12, tzinfo=dt.UTC))
    assert december.month_end == dt.datetime(2027, 1, 1, tzinfo=dt.UTC)


def test_cost_is_rounded_up_to_whole_micro_dollars() -> None:
    assert cost_micros(0.0) == 0
    assert cost_micros(0.00000015) == 1
    assert cost_micros(0.000002) == 2
    assert cost_micros(1.5) == 1_500_000
