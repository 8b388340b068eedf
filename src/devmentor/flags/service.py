"""Feature flags: read through the cache on hot paths, written rarely (CLI, admin)."""

from __future__ import annotations

import re

from sqlalchemy.ext.asyncio import AsyncSession

from devmentor.flags.repository import FlagRepository
from devmentor.flags.schemas import FLAG_KEY_PATTERN, FlagOut
from devmentor.kit.cache import CacheTiers
from devmentor.kit.db import after_commit
from devmentor.kit.errors import Unprocessable

_KEY = re.compile(FLAG_KEY_PATTERN)
# Flags flip rarely and writers invalidate; the TTL only bounds a missed invalidation.
_TTL_SECONDS = 60
_ALL_KEY = "flags:all"


def _cache_key(key: str) -> str:
    return f"flag:{key}"


class FlagService:
    def __init__(self, session: AsyncSession, cache: CacheTiers) -> None:
        self.repository = FlagRepository(session)
        self.session = session
        self.cache = cache

    async def list(self) -> list[FlagOut]:
        async def load() -> list[dict[str, object]]:
            flags = await self.repository.list()
            return [FlagOut.model_validate(flag).model_dump(mode="json") for flag in flags]

        cached = await self.cache.get_or_set(_ALL_KEY, load, ttl=_TTL_SECONDS)
        return [FlagOut.model_validate(flag) for flag in cached]

    async def is_enabled(self, key: str, *, default: bool = False) -> bool:
        """Whether ``key`` is on; ``default`` when the flag was never set."""

        async def load() -> bool | None:
            flag = await self.repository.get(key)
            return None if flag is None else flag.enabled

        value = await self.cache.get_or_set(_cache_key(key), load, ttl=_TTL_SECONDS)
        return default if value is None else bool(value)

    async def set(self, key: str, *, enabled: bool, description: str | None = None) -> FlagOut:
        if not _KEY.match(key):
            raise Unprocessable(
                "A flag key is 1-64 characters: lower-case letters, digits, '_', '.', '-', "
                "starting with a letter."
            )
        if description is not None and len(description) > 500:
            raise Unprocessable("A flag description is at most 500 characters.")
        flag = await self.repository.upsert(key, enabled=enabled, description=description)
        cache_key = _cache_key(key)

        async def invalidate() -> None:
            await self.cache.delete(cache_key)
            await self.cache.delete(_ALL_KEY)

        # After commit: invalidating earlier would let a reader re-cache the old value.
        after_commit(self.session, invalidate)
        return FlagOut.model_validate(flag)
