"""Cache tiers over cashews: an in-process LRU, and Redis behind it when configured.

Reads try the process's memory first, then Redis; writes go to both and tell every other
process to drop its local copy over a Redis pub/sub channel. Each process runs one
supervised listener for that channel. While the listener is down (Redis restarting, a
network blip) the local tier is bypassed and emptied, so a node never serves a value it
could have missed an invalidation for; it comes back by itself.

cashews provides the in-process LRU. We do not use its Redis backends: its client-side
backend cancels its invalidation listener for good when Redis is down at start-up, and both
close Redis with a call redis-py 8 deprecates. The Redis tier is plain redis-py.

Values are stored as JSON (never pickle: a value read back from a shared Redis must not be
able to run code), so cache only JSON-compatible data. Redis errors count as misses: a
Redis outage slows DevMentor down but does not take it down.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import redis.asyncio as aioredis
import structlog
from cashews import Cache as _CashewsCache
from redis.exceptions import RedisError

from devmentor.kit.metrics import CACHE_REQUESTS
from devmentor.settings import CacheSettings

T = TypeVar("T")

log = structlog.get_logger(__name__)

_MISSING = object()
_BACKOFF_MAX_SECONDS = 5.0


class CacheTiers:
    """The application's cache. Create one per process; ``start()`` it in the lifespan."""

    def __init__(self, settings: CacheSettings, redis_url: str | None = None) -> None:
        self._settings = settings
        self._prefix = settings.key_prefix
        self._inflight: dict[str, asyncio.Future[Any]] = {}
        self._local: Any = _CashewsCache().setup(f"mem://?size={settings.local_max_entries}")
        self._remote: aioredis.Redis | None = None
        self._redis_url = redis_url
        self._node = uuid.uuid4().hex
        self._channel = f"{self._prefix}invalidate"
        self._listener: asyncio.Task[None] | None = None
        self._pubsub_client: aioredis.Redis | None = None
        #: True while this node hears invalidations; the local tier is only used then.
        self._listening = redis_url is None
        #: Bumped on every invalidation heard; guards a read racing a remote write.
        self._generation = 0
        self.backend_name = "memory+redis" if redis_url else "memory"

    async def start(self) -> None:
        await self._local.init()
        if self._redis_url is not None:
            self._remote = aioredis.from_url(
                self._redis_url, socket_timeout=1, socket_connect_timeout=1
            )
            self._pubsub_client = aioredis.from_url(
                self._redis_url, socket_connect_timeout=1, health_check_interval=10
            )
            self._listener = asyncio.create_task(self._listen(), name="cache-invalidations")

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
            self._listener = None
        if self._pubsub_client is not None:
            await self._pubsub_client.aclose()
            self._pubsub_client = None
        if self._remote is not None:
            await self._remote.aclose()
            self._remote = None
        await self._local.close()

    @property
    def listening(self) -> bool:
        """Whether this node currently hears other nodes' invalidations (always, embedded)."""
        return self._listening

    def _key(self, key: str) -> str:
        return self._prefix + key

    async def get(self, key: str, default: Any = None) -> Any:
        value = await self._get(key)
        if value is _MISSING:
            CACHE_REQUESTS.labels(result="miss").inc()
            return default
        CACHE_REQUESTS.labels(result="hit").inc()
        return value

    async def _get(self, key: str) -> Any:
        full = self._key(key)
        if self._listening:
            value = await self._local.get(full, default=_MISSING)
            if value is not _MISSING or self._remote is None:
                return value
        if self._remote is None:
            return _MISSING
        generation = self._generation
        try:
            async with self._remote.pipeline(transaction=False) as pipe:
                pipe.get(full)
                pipe.pttl(full)
                raw, remaining_ms = await pipe.execute()
        except RedisError as exc:
            log.warning("cache_read_failed", error=type(exc).__name__)
            return _MISSING
        if raw is None:
            return _MISSING
        value = json.loads(raw)
        # Keep a local copy only if no invalidation arrived while we were reading, and no
        # longer than Redis keeps it.
        if self._listening and generation == self._generation and remaining_ms > 0:
            await self._local.set(full, value, expire=remaining_ms / 1000)
        return value

    async def set(self, key: str, value: Any, ttl: float | None = None) -> None:
        full = self._key(key)
        expire = ttl or self._settings.ttl_seconds
        payload = json.dumps(value, separators=(",", ":"))  # TypeError for non-JSON values
        if self._remote is not None:
            try:
                await self._remote.set(full, payload, px=max(1, int(expire * 1000)))
            except RedisError as exc:
                log.warning("cache_write_failed", error=type(exc).__name__)
            await self._announce(full)
        await self._local.set(full, json.loads(payload), expire=expire)

    async def delete(self, key: str) -> None:
        full = self._key(key)
        await self._local.delete(full)
        if self._remote is not None:
            try:
                await self._remote.delete(full)
            except RedisError as exc:
                log.warning("cache_delete_failed", error=type(exc).__name__)
            await self._announce(full)

    async def _announce(self, full_key: str) -> None:
        if self._pubsub_client is None:
            return
        try:
            await self._pubsub_client.publish(self._channel, f"{self._node}|{full_key}")
        except Exception as exc:  # the write itself succeeded or was suppressed
            log.warning("cache_invalidation_not_sent", error=type(exc).__name__)

    async def _listen(self) -> None:
        """Hear other nodes' invalidations forever; reconnect with backoff on failure."""
        assert self._pubsub_client is not None
        attempt = 0
        while True:
            pubsub = self._pubsub_client.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(self._channel)
                # Anything cached while deaf may be stale: start clean, then trust local.
                await self._local.clear()
                self._listening = True
                if attempt:
                    log.info("cache_invalidations_resumed")
                attempt = 0
                while True:
                    message = await pubsub.get_message(timeout=1.0)
                    if message is None:
                        continue
                    node, _, full_key = message["data"].decode().partition("|")
                    if node != self._node:
                        self._generation += 1
                        await self._local.delete(full_key)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if self._listening or attempt == 0:
                    log.warning("cache_invalidations_lost", error=type(exc).__name__)
                self._listening = False
                self._generation += 1
                await self._local.clear()
                attempt += 1
                delay = min(_BACKOFF_MAX_SECONDS, 0.1 * 2**attempt)
                await asyncio.sleep(random.uniform(delay / 2, delay))  # noqa: S311 - jitter
            finally:
                self._listening = False
                with contextlib.suppress(Exception):
                    await pubsub.aclose()  # type: ignore[no-untyped-call]

    async def get_or_set(
        self, key: str, loader: Callable[[], Awaitable[T]], ttl: float | None = None
    ) -> T:
        """The cached value, or ``loader()``'s result stored under ``key``.

        Concurrent misses on one key in this process share a single ``loader()`` call, so
        a burst of identical requests costs one database query. A failing loader is not
        cached; every waiter sees its exception.
        """
        value = await self.get(key, _MISSING)
        if value is not _MISSING:
            return value  # type: ignore[no-any-return]
        pending = self._inflight.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            result = await loader()
            await self.set(key, result, ttl)
            future.set_result(result)
            return result
        except Exception as exc:
            future.set_exception(exc)
            # Nobody may be waiting; retrieve it so asyncio does not warn about it.
            future.exception()
            raise
        except BaseException:
            future.cancel()
            raise
        finally:
            del self._inflight[key]
