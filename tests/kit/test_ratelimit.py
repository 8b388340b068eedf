from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from devmentor.kit.errors import RateLimited, ServiceUnavailable
from devmentor.kit.ratelimit import RateLimiter, parse_limit
from tests.conftest import make_settings, running_app


@pytest.fixture
async def limiter(redis_or_none: str | None, unique_prefix: str) -> AsyncIterator[RateLimiter]:
    rate_limiter = RateLimiter(redis_or_none, key_prefix=unique_prefix + "rl")
    yield rate_limiter
    await rate_limiter.close()


async def test_allows_up_to_the_limit_then_refuses(limiter: RateLimiter) -> None:
    limit = parse_limit("3/minute")
    results = [await limiter.hit(limit, "1.2.3.4") for _ in range(4)]
    assert [r.allowed for r in results] == [True, True, True, False]
    assert results[2].remaining == 0
    assert 1 <= results[3].retry_after <= 60
    with pytest.raises(RateLimited) as caught:
        await limiter.check(limit, "1.2.3.4")
    assert caught.value.headers["Retry-After"].isdigit()


async def test_identifiers_and_scopes_are_counted_separately(limiter: RateLimiter) -> None:
    limit = parse_limit("1/minute")
    assert (await limiter.hit(limit, "alice", scope="login")).allowed
    assert not (await limiter.hit(limit, "alice", scope="login")).allowed
    assert (await limiter.hit(limit, "bob", scope="login")).allowed
    assert (await limiter.hit(limit, "alice", scope="api")).allowed


async def test_clear_resets_a_key(limiter: RateLimiter) -> None:
    limit = parse_limit("1/minute")
    await limiter.hit(limit, "k")
    await limiter.clear(limit, "k")
    assert (await limiter.hit(limit, "k")).allowed


def test_nonsense_limits_are_rejected() -> None:
    with pytest.raises(ValueError, match="invalid rate limit"):
        parse_limit("lots per fortnight")


async def test_a_dead_redis_fails_open_by_default_and_closed_on_request(
    unused_tcp_port: int,
) -> None:
    limiter = RateLimiter(f"redis://127.0.0.1:{unused_tcp_port}/0")
    try:
        limit = parse_limit("1/minute")
        assert (await limiter.hit(limit, "x")).allowed
        assert (await limiter.hit(limit, "x")).allowed
        with pytest.raises(ServiceUnavailable):
            await limiter.hit(limit, "x", fail_open=False)
    finally:
        await limiter.close()


async def test_api_routes_answer_429_problem_json(
    data_dir: Path, redis_or_none: str | None, unique_prefix: str
) -> None:
    settings = make_settings(
        data_dir,
        redis_url=redis_or_none,
        embedded=True,  # migrate on start, as `serve` does in embedded mode
        rate_limit={"default": "2/minute", "key_prefix": unique_prefix + "rl"},
        events={"stream_key": unique_prefix + "events"},
        cache={"key_prefix": unique_prefix + "cache:"},
    )
    async with running_app(settings) as (_, client):
        assert (await client.get("/api/flags")).status_code == 200
        assert (await client.get("/api/flags")).status_code == 200
        refused = await client.get("/api/flags")
        assert refused.status_code == 429
        assert refused.headers["content-type"] == "application/problem+json"
        assert int(refused.headers["retry-after"]) >= 1
        body = refused.json()
        assert body["code"] == "rate_limited"
        assert body["status"] == 429
        # Probes are never rate limited: an orchestrator must always reach them.
        for _ in range(5):
            assert (await client.get("/healthz")).status_code == 200
