"""The process's shared resources, built once in the app's lifespan (or a worker's)."""

from __future__ import annotations

from contextlib import AsyncExitStack
from dataclasses import dataclass, field

import redis.asyncio as aioredis
import structlog
from limits import RateLimitItem

from devmentor.kit import migrate
from devmentor.kit.cache import CacheTiers
from devmentor.kit.db import Database
from devmentor.kit.events import EventBus, create_event_bus
from devmentor.kit.health import Check
from devmentor.kit.ratelimit import RateLimiter, parse_limit
from devmentor.settings import Settings

log = structlog.get_logger(__name__)


@dataclass
class Platform:
    settings: Settings
    db: Database
    cache: CacheTiers
    events: EventBus
    limiter: RateLimiter
    redis: aioredis.Redis | None
    #: The default per-IP limit on /api routes; None when rate limiting is disabled.
    api_limit: RateLimitItem | None
    _stack: AsyncExitStack = field(default_factory=AsyncExitStack, repr=False)

    @classmethod
    async def start(cls, settings: Settings, *, run_migrations: bool | None = None) -> Platform:
        """Open every resource; on failure, close what was opened and re-raise."""
        stack = AsyncExitStack()
        try:
            db = Database.from_url(
                settings.effective_database_url,
                echo=settings.database_echo,
                pool_size=settings.database_pool_size,
            )
            stack.push_async_callback(db.dispose)
            if run_migrations if run_migrations is not None else settings.is_embedded:
                await migrate.upgrade(db.engine)
                log.info("database_migrated", revision=migrate.head_revision())

            redis_url = settings.redis_dsn
            redis_client: aioredis.Redis | None = None
            if redis_url:
                redis_client = aioredis.from_url(
                    redis_url,
                    socket_timeout=settings.health.check_timeout_seconds,
                    socket_connect_timeout=settings.health.check_timeout_seconds,
                    health_check_interval=30,
                )
                stack.push_async_callback(redis_client.aclose)

            cache = CacheTiers(settings.cache, redis_url)
            await cache.start()
            stack.push_async_callback(cache.close)

            events = create_event_bus(
                redis_url,
                stream_key=settings.events.stream_key,
                buffer_size=settings.events.buffer_size,
                block_ms=settings.events.block_ms,
            )
            await events.start()
            stack.push_async_callback(events.close)

            limiter = RateLimiter(redis_url, key_prefix=settings.rate_limit.key_prefix)
            stack.push_async_callback(limiter.close)
        except BaseException:
            await stack.aclose()
            raise
        log.info(
            "platform_started",
            database=db.engine.dialect.name,
            cache=cache.backend_name,
            events=type(events).__name__,
            rate_limits=limiter.backend_name,
            embedded=settings.is_embedded,
        )
        api_limit = (
            parse_limit(settings.rate_limit.default) if settings.rate_limit.enabled else None
        )
        return cls(settings, db, cache, events, limiter, redis_client, api_limit, stack)

    async def close(self) -> None:
        await self._stack.aclose()

    def readiness_checks(self) -> dict[str, Check]:
        checks: dict[str, Check] = {"database": self.db.ping}
        if self.redis is not None:
            redis_client = self.redis

            async def ping_redis() -> None:
                await redis_client.ping()

            checks["redis"] = ping_redis
        return checks
