"""The Redis event bus: one stream for every topic, one listener per process."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterable, Mapping
from typing import Any, Protocol, cast

import redis.asyncio as aioredis
import structlog
from redis.asyncio.retry import Retry
from redis.backoff import EqualJitterBackoff, NoBackoff
from redis.exceptions import RedisError

from devmentor.kit.events.base import (
    _CONNECT_TIMEOUT_SECONDS,
    _MAX_ID_PART,
    _READ_BATCH,
    _REPLAY_PAGE,
    DEFAULT_QUEUE_SIZE,
    Event,
    EventBus,
    EventBusClosed,
    EventBusUnavailable,
    _backoff,
    _check_name,
    _decode_data,
    _describe,
    _encode_data,
    _id_key,
    _topic_set,
)

log = structlog.get_logger(__name__)


class _StreamClient(Protocol):
    """The part of ``redis.asyncio.Redis`` (``decode_responses=True``) used here.

    Typed locally so this module checks against both redis-py's own annotations and the
    older ``types-redis`` stubs; replies are validated at run time.
    """

    async def xadd(
        self, name: str, fields: dict[str, str], *, maxlen: int, approximate: bool
    ) -> Any: ...

    async def xread(self, streams: dict[str, str], *, count: int, block: int) -> Any: ...

    async def xrange(self, name: str, *, min: str, max: str, count: int) -> Any: ...

    async def xrevrange(self, name: str, *, max: str, min: str, count: int) -> Any: ...

    async def ping(self) -> Any: ...

    async def aclose(self) -> None: ...


def _stream_entries(reply: Any) -> list[tuple[str, Mapping[str, str]]]:
    """``XREAD`` reply (RESP2 list or RESP3 map, one stream) -> its ``(id, fields)``."""
    if not reply:
        return []
    per_stream = reply.values() if isinstance(reply, Mapping) else (item[1] for item in reply)
    entries: list[tuple[str, Mapping[str, str]]] = []
    for stream_entries in per_stream:
        entries.extend(_range_entries(stream_entries))
    return entries


def _range_entries(reply: Any) -> list[tuple[str, Mapping[str, str]]]:
    """``XRANGE`` reply -> ``(id, fields)`` pairs, fields as a mapping."""
    entries: list[tuple[str, Mapping[str, str]]] = []
    for entry_id, fields in reply or ():
        if fields is None:  # an entry deleted while pending; nothing to decode
            fields = {}
        elif not isinstance(fields, Mapping):  # a flat [field, value, ...] list
            fields = dict(zip(fields[::2], fields[1::2], strict=True))
        entries.append((entry_id, fields))
    return entries


def _client_name(role: str, stream_key: str) -> str:
    # CLIENT SETNAME accepts no spaces or newlines.
    return f"devmentor-events-{role}:" + re.sub(r"[^\x21-\x7e]", "_", stream_key)[:100]


class RedisEventBus(EventBus):
    """Bus over one Redis stream shared by every process; see the module docstring.

    Publishing, replay and ping use one client (redis-py's pool and its retries); the
    listener has its own connection, blocked in ``XREAD`` for up to ``block_ms`` at a
    time. ``start()`` reads the stream's last id, from where the listener starts. If
    Redis does not answer within two seconds, ``start()`` logs
    ``event_bus_redis_unavailable`` and returns anyway (the process starts, not ready);
    the listener then starts from the last id it finds once Redis answers, and
    subscribing raises ``EventBusUnavailable`` until it does.

    The listener is supervised: on a Redis error it logs ``event_listener_failed``,
    backs off (capped exponential, jittered), reconnects and continues from its last
    id, logging ``event_listener_recovered``; if its task ever ends other than by
    ``close()`` it is restarted (``event_listener_crashed``). While it is failing,
    ``ping()`` raises so the process reports not ready.
    """

    def __init__(
        self,
        redis_url: str,
        *,
        stream_key: str = "devmentor:events",
        maxlen: int = 10_000,
        block_ms: int = 1_000,
        queue_size: int = DEFAULT_QUEUE_SIZE,
    ) -> None:
        super().__init__(queue_size=queue_size)
        if not stream_key:
            raise ValueError("stream_key must not be empty")
        if maxlen < 1:
            raise ValueError("maxlen must be at least 1")
        if block_ms < 1:
            raise ValueError("block_ms must be at least 1")
        self._url = redis_url
        self._stream_key = stream_key
        self._maxlen = maxlen
        self._block_ms = block_ms
        self._client: _StreamClient | None = None
        self._listen_client: _StreamClient | None = None
        self._listener: asyncio.Task[None] | None = None
        # Id of the last stream entry the listener has read; None until first known.
        self._cursor: str | None = None
        self._position_lock = asyncio.Lock()
        self._listener_failures = 0
        self._restarts = 0

    @property
    def stream_key(self) -> str:
        return self._stream_key

    @property
    def publisher_client_name(self) -> str:
        """``CLIENT SETNAME`` of the publishing connections (visible in ``CLIENT LIST``)."""
        return _client_name("publisher", self._stream_key)

    @property
    def listener_client_name(self) -> str:
        """``CLIENT SETNAME`` of the listener's connection (visible in ``CLIENT LIST``)."""
        return _client_name("listener", self._stream_key)

    async def start(self) -> None:
        if self._state == "running":
            return
        if self._state == "closed":
            raise EventBusClosed("a closed event bus cannot be restarted")
        self._client = cast(
            _StreamClient,
            aioredis.Redis.from_url(
                self._url,
                decode_responses=True,
                client_name=self.publisher_client_name,
                socket_connect_timeout=_CONNECT_TIMEOUT_SECONDS,
                # from_url() retries nothing by default. A few quick retries carry a
                # publish over a pooled connection that Redis closed (restart, failover,
                # CLIENT KILL); in the rare case that a reply, not the request, was lost,
                # the event is published twice.
                retry=Retry(EqualJitterBackoff(cap=0.5, base=0.02), 3),
            ),
        )
        self._listen_client = cast(
            _StreamClient,
            aioredis.Redis.from_url(
                self._url,
                decode_responses=True,
                client_name=self.listener_client_name,
                # A read may legitimately wait block_ms for XREAD to answer.
                socket_timeout=self._block_ms / 1000 + 5,
                socket_connect_timeout=_CONNECT_TIMEOUT_SECONDS,
                # Reconnection is the listener loop's job, with logging and backoff.
                retry=Retry(NoBackoff(), 0),
            ),
        )
        self._state = "running"
        try:
            async with asyncio.timeout(_CONNECT_TIMEOUT_SECONDS):
                await self._position()
        except (RedisError, OSError, TimeoutError) as exc:
            # Start anyway, as the cache and rate limiter do: readiness reports Redis,
            # and the listener (or the first subscription) positions itself later.
            log.warning(
                "event_bus_redis_unavailable", stream_key=self._stream_key, error=_describe(exc)
            )
        self._spawn_listener(delay=0.0)

    async def _position(self) -> None:
        """Set the listener's starting point, once: the stream's current last entry.

        Every subscription registers after this, so every event it should see has a
        greater id and is read by the listener.
        """
        async with self._position_lock:
            if self._cursor is not None:
                return
            client = self._listen_client
            if client is None:  # pragma: no cover - set while running
                raise EventBusClosed("event bus is not connected")
            last = _range_entries(
                await client.xrevrange(self._stream_key, max="+", min="-", count=1)
            )
            self._cursor = last[0][0] if last else "0-0"

    async def _prepare_attach(self) -> None:
        if self._cursor is None:
            try:
                await self._position()
            except (RedisError, OSError) as exc:
                raise EventBusUnavailable(f"Redis unavailable: {_describe(exc)}") from exc

    async def close(self) -> None:
        if self._state == "closed":
            return
        self._state = "closed"  # before cancelling: the supervisor must not restart
        self._end_subscriptions()
        listener, self._listener = self._listener, None
        if listener is not None:
            # Cancel until it takes: on Python 3.11, asyncio.wait_for (used inside
            # redis-py) can swallow a cancellation that races with its own result. The
            # loop also stops by itself within block_ms once the bus is closed.
            while not listener.done():
                listener.cancel()
                await asyncio.wait([listener], timeout=0.05)
            if not listener.cancelled():
                listener.exception()  # retrieved, so asyncio does not warn about it
        for client in (self._client, self._listen_client):
            if client is not None:
                try:
                    await client.aclose()
                except (RedisError, OSError) as exc:
                    log.warning("event_bus_close_failed", error=_describe(exc))
        self._client = self._listen_client = None

    async def publish(self, topic: str, type: str, data: Mapping[str, Any]) -> Event:
        _check_name("topic", topic)
        _check_name("type", type)
        encoded = _encode_data(data)
        client = self._running_client()
        ts = time.time()
        fields = {"topic": topic, "type": type, "data": encoded, "ts": repr(ts)}
        try:
            entry_id = await client.xadd(
                self._stream_key, fields, maxlen=self._maxlen, approximate=True
            )
        except (RedisError, OSError) as exc:
            raise EventBusUnavailable(f"could not publish to Redis: {_describe(exc)}") from exc
        return Event(str(entry_id), topic, type, _decode_data(encoded), ts)

    async def replay(self, topics: Iterable[str], after_id: str) -> list[Event]:
        topic_set = _topic_set(topics)
        after = _id_key(after_id)
        client = self._running_client()
        if after == (_MAX_ID_PART, _MAX_ID_PART):
            return []
        start = f"({after[0]}-{after[1]}"
        found: list[Event] = []
        while True:
            try:
                page = _range_entries(
                    await client.xrange(self._stream_key, min=start, max="+", count=_REPLAY_PAGE)
                )
            except (RedisError, OSError) as exc:
                raise EventBusUnavailable(f"could not replay from Redis: {_describe(exc)}") from exc
            for entry_id, fields in page:
                event = self._decode_entry(entry_id, fields)
                if event is not None and event.topic in topic_set:
                    found.append(event)
            if len(page) < _REPLAY_PAGE:
                return found
            start = "(" + page[-1][0]

    async def ping(self) -> None:
        client = self._running_client()
        try:
            await client.ping()
            await self._prepare_attach()
        except (RedisError, OSError) as exc:
            raise EventBusUnavailable(f"Redis unavailable: {_describe(exc)}") from exc
        if self._listener_failures:
            raise EventBusUnavailable(
                f"event listener is reconnecting ({self._listener_failures} failed reads)"
            )

    # -- internals

    def _running_client(self) -> _StreamClient:
        self._require_running()
        if self._client is None:  # pragma: no cover - set whenever running
            raise EventBusClosed("event bus is not connected")
        return self._client

    def _decode_entry(self, entry_id: str, fields: Mapping[str, str]) -> Event | None:
        try:
            return Event(
                entry_id,
                _check_name("topic", fields["topic"]),
                _check_name("type", fields["type"]),
                _decode_data(fields["data"]),
                float(fields["ts"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            # Someone else wrote to our stream; skip the entry rather than stall on it.
            log.warning(
                "event_entry_malformed",
                stream_key=self._stream_key,
                entry_id=entry_id,
                error=f"{_describe(exc)}",
            )
            return None

    def _spawn_listener(self, *, delay: float) -> None:
        task = asyncio.get_running_loop().create_task(
            self._listen(delay), name=f"event-listener:{self._stream_key}"
        )
        task.add_done_callback(self._on_listener_done)
        self._listener = task

    def _on_listener_done(self, task: asyncio.Task[None]) -> None:
        if self._state != "running" or task is not self._listener:
            return  # stopped by close()
        if task.cancelled():
            log.error("event_listener_crashed", stream_key=self._stream_key, reason="cancelled")
        else:
            exc = task.exception()
            log.error(
                "event_listener_crashed",
                stream_key=self._stream_key,
                reason="exception" if exc else "returned",
                exc_info=exc,
            )
        self._restarts += 1
        self._spawn_listener(delay=_backoff(self._restarts))

    async def _listen(self, delay: float) -> None:
        if delay:
            await asyncio.sleep(delay)
        client = self._listen_client
        if client is None:  # pragma: no cover - set before the listener is spawned
            raise EventBusClosed("event bus is not connected")
        while self._state == "running":
            try:
                if self._cursor is None:
                    await self._position()
                cursor = self._cursor
                if cursor is None:  # pragma: no cover - set by _position
                    raise EventBusClosed("event listener has no position")
                reply = await client.xread(
                    {self._stream_key: cursor}, count=_READ_BATCH, block=self._block_ms
                )
            except (RedisError, OSError) as exc:
                self._listener_failures += 1
                retry_in = _backoff(self._listener_failures)
                log.warning(
                    "event_listener_failed",
                    stream_key=self._stream_key,
                    error=f"{_describe(exc)}",
                    attempt=self._listener_failures,
                    retry_in=round(retry_in, 3),
                    resume_from=self._cursor,
                )
                await asyncio.sleep(retry_in)
                continue
            if self._listener_failures:
                log.info(
                    "event_listener_recovered",
                    stream_key=self._stream_key,
                    attempts=self._listener_failures,
                    resume_from=self._cursor,
                )
                self._listener_failures = 0
            self._restarts = 0
            for entry_id, fields in _stream_entries(reply):
                self._cursor = entry_id
                event = self._decode_entry(entry_id, fields)
                if event is not None:
                    self._fan_out(event, _id_key(entry_id))
