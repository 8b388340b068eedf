"""Rate limits over the ``limits`` package's async storage: memory, or Redis when configured.

Sliding-window counters: constant memory per key and accurate to within a window's edge.
The storage is reached with ``await`` only (slowapi's synchronous checks would block the
event loop on Redis). If Redis fails, limits *fail open* by default and say so in the
log: an outage of the limiter must not become an outage of DevMentor. Callers guarding
against abuse (sign-in) pass ``fail_open=False``.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import redis.asyncio as aioredis
import structlog
from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import SlidingWindowCounterRateLimiter

from devmentor.kit.errors import RateLimited, ServiceUnavailable
from devmentor.kit.metrics import RATE_LIMITED

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class RateLimitResult:
    allowed: bool
    limit: int
    remaining: int
    #: Seconds until a request would be allowed again (0 when allowed).
    retry_after: int


def parse_limit(text: str) -> RateLimitItem:
    """Parse ``"10/minute"``-style text; raises ``ValueError`` on nonsense."""
    try:
        return parse(text)
    except Exception as exc:  # limits raises its own ValueError subclass or IndexError
        raise ValueError(f"invalid rate limit {text!r}: {exc}") from exc


class RateLimiter:
    def __init__(self, redis_url: str | None = None, *, key_prefix: str = "devmentor:rl") -> None:
        storage: Storage
        # `limits` has no way to close its Redis client; owning the pool lets us.
        self._pool: aioredis.ConnectionPool | None = None
        if redis_url:
            self._pool = aioredis.ConnectionPool.from_url(
                redis_url, socket_timeout=1, socket_connect_timeout=1
            )
            storage = RedisStorage(
                "async+" + redis_url,
                implementation="redispy",
                key_prefix=key_prefix,
                wrap_exceptions=True,
                # limits types **options as scalars but hands them to redis-py as they are.
                connection_pool=self._pool,  # type: ignore[arg-type]
            )
        else:
            storage = MemoryStorage(wrap_exceptions=True)
        self.backend_name = "redis" if redis_url else "memory"
        self._storage = storage
        self._limiter = SlidingWindowCounterRateLimiter(storage)

    async def hit(
        self,
        limit: RateLimitItem,
        *identifiers: str,
        scope: str = "default",
        fail_open: bool = True,
    ) -> RateLimitResult:
        """Count one request against ``limit`` for ``identifiers``."""
        try:
            allowed = await self._limiter.hit(limit, scope, *identifiers)
            stats = await self._limiter.get_window_stats(limit, scope, *identifiers)
        except Exception as exc:
            log.warning("rate_limit_storage_failed", scope=scope, error=type(exc).__name__)
            if fail_open:
                return RateLimitResult(True, limit.amount, limit.amount, 0)
            raise ServiceUnavailable("Rate limiting is unavailable; try again shortly.") from exc
        retry_after = 0 if allowed else max(1, math.ceil(stats.reset_time - time.time()))
        if not allowed:
            RATE_LIMITED.labels(scope=scope).inc()
        return RateLimitResult(allowed, limit.amount, max(0, stats.remaining), retry_after)

    async def check(
        self,
        limit: RateLimitItem,
        *identifiers: str,
        scope: str = "default",
        fail_open: bool = True,
    ) -> RateLimitResult:
        """Like :meth:`hit`, but raise :class:`RateLimited` (429) when over the limit."""
        result = await self.hit(limit, *identifiers, scope=scope, fail_open=fail_open)
        if not result.allowed:
            raise RateLimited(retry_after=result.retry_after)
        return result

    async def clear(self, limit: RateLimitItem, *identifiers: str, scope: str = "default") -> None:
        """Forget the count (best effort: a failure is logged, the count then just expires)."""
        try:
            await self._limiter.clear(limit, scope, *identifiers)
        except Exception as exc:
            log.warning("rate_limit_clear_failed", scope=scope, error=type(exc).__name__)

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.aclose()
        else:
            # MemoryStorage runs an expiry timer task; stop it with the event loop still up.
            await self._storage.reset()
            timer = getattr(self._storage, "timer", None)
            if timer is not None and not timer.done():
                timer.cancel()
