from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from devmentor.kit.cache import CacheTiers
from devmentor.settings import CacheSettings


def _settings(prefix: str) -> CacheSettings:
    return CacheSettings(key_prefix=prefix, ttl_seconds=60)


@pytest.fixture
async def cache(redis_or_none: str | None, unique_prefix: str) -> AsyncIterator[CacheTiers]:
    tiers = CacheTiers(_settings(unique_prefix), redis_or_none)
    await tiers.start()
    yield tiers
    await tiers.close()


async def test_set_get_delete(cache: CacheTiers) -> None:
    assert await cache.get("k") is None
    assert await cache.get("k", "fallback") == "fallback"
    await cache.set("k", {"a": [1, 2, 3], "b": "x"})
    assert await cache.get("k") == {"a": [1, 2, 3], "b": "x"}
    await cache.delete("k")
    assert await cache.get("k") is None


async def test_entries_expire(cache: CacheTiers) -> None:
    await cache.set("short", 1, ttl=0.3)
    assert await cache.get("short") == 1
    await asyncio.sleep(1.2)
    assert await cache.get("short") is None


async def test_concurrent_misses_share_one_load(cache: CacheTiers) -> None:
    calls = 0

    async def load() -> int:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.05)
        return 42

    results = await asyncio.gather(*(cache.get_or_set("shared", load) for _ in range(50)))
    assert results == [42] * 50
    assert calls == 1
    assert await cache.get_or_set("shared", load) == 42
    assert calls == 1


async def test_failed_loads_are_not_cached(cache: CacheTiers) -> None:
    attempts = 0

    async def flaky() -> str:
        nonlocal attempts
        attempts += 1
        if attempts == 1:
            raise ConnectionError("upstream down")
        return "recovered"

    with pytest.raises(ConnectionError):
        await cache.get_or_set("flaky", flaky)
    assert await cache.get_or_set("flaky", flaky) == "recovered"
    assert attempts == 2


@pytest.mark.redis
async def test_a_write_on_one_node_invalidates_the_others(
    redis_url: str, unique_prefix: str
) -> None:
    node_a = CacheTiers(_settings(unique_prefix), redis_url)
    node_b = CacheTiers(_settings(unique_prefix), redis_url)
    await node_a.start()
    await node_b.start()
    try:
        await node_a.set("profile", "v1")
        assert await node_b.get("profile") == "v1"  # now held in node B's memory tier
        await node_a.set("profile", "v2")
        async with asyncio.timeout(5):
            while await node_b.get("profile") != "v2":
                await asyncio.sleep(0.02)
        await node_a.delete("profile")
        async with asyncio.timeout(5):
            while await node_b.get("profile") is not None:
                await asyncio.sleep(0.02)
    finally:
        await node_a.close()
        await node_b.close()


@pytest.mark.redis
async def test_redis_tier_survives_a_restart_of_the_process(
    redis_url: str, unique_prefix: str
) -> None:
    first = CacheTiers(_settings(unique_prefix), redis_url)
    await first.start()
    await first.set("durable", [1, "two"])
    await first.close()
    second = CacheTiers(_settings(unique_prefix), redis_url)
    await second.start()
    try:
        assert await second.get("durable") == [1, "two"]
        await second.delete("durable")
    finally:
        await second.close()
