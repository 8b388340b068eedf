from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from devmentor.flags.service import FlagService
from devmentor.kit.errors import Unprocessable
from devmentor.kit.platform import Platform
from tests.conftest import make_settings, running_app


@pytest.fixture
async def platform(
    data_dir: Path, database_url: str, redis_or_none: str | None, unique_prefix: str
) -> AsyncIterator[Platform]:
    settings = make_settings(
        data_dir,
        database_url=database_url,
        redis_url=redis_or_none,
        cache={"key_prefix": unique_prefix + "cache:"},
        events={"stream_key": unique_prefix + "events"},
    )
    started = await Platform.start(settings, run_migrations=True)
    yield started
    await started.close()


async def test_flags_default_then_follow_writes(platform: Platform) -> None:
    async with platform.db.session() as session:
        service = FlagService(session, platform.cache)
        assert await service.is_enabled("realtime") is False
        assert await service.is_enabled("realtime", default=True) is True
        assert await service.list() == []  # cached too, and must be evicted by the write
    async with platform.db.session() as session:
        await FlagService(session, platform.cache).set("realtime", enabled=True, description="WS")
    # The unset value was cached above; the write's after-commit hook must have evicted it.
    async with platform.db.session() as session:
        service = FlagService(session, platform.cache)
        assert await service.is_enabled("realtime") is True
        flags = await service.list()
    assert [(f.key, f.enabled, f.description) for f in flags] == [("realtime", True, "WS")]


async def test_a_rolled_back_write_leaves_cache_and_database_alone(platform: Platform) -> None:
    async with platform.db.session() as session:
        await FlagService(session, platform.cache).set("beta", enabled=False)
    with pytest.raises(RuntimeError):
        async with platform.db.session() as session:
            await FlagService(session, platform.cache).set("beta", enabled=True)
            raise RuntimeError("request failed after the write")
    async with platform.db.session() as session:
        assert await FlagService(session, platform.cache).is_enabled("beta") is False


@pytest.mark.parametrize("key", ["", "Upper", "1starts-with-digit", "has space", "x" * 65])
async def test_bad_keys_are_refused(platform: Platform, key: str) -> None:
    async with platform.db.session() as session:
        with pytest.raises(Unprocessable):
            await FlagService(session, platform.cache).set(key, enabled=True)
        assert await FlagService(session, platform.cache).list() == []


async def test_flags_api_lists_flags(data_dir: Path, database_url: str) -> None:
    settings = make_settings(data_dir, database_url=database_url)
    async with running_app(settings) as (app, client):
        platform = app.state.platform
        async with platform.db.session() as session:
            await FlagService(session, platform.cache).set("mentor.hints", enabled=True)
        response = await client.get("/api/flags")
    assert response.status_code == 200
    [flag] = response.json()
    assert flag["key"] == "mentor.hints"
    assert flag["enabled"] is True
    assert flag["updated_at"].endswith(("Z", "+00:00"))
