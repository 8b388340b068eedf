"""The event bus: publish small JSON events on topics; subscribe live, with replay.

Producers call ``publish("analysis:7", "progress:updated", {...})``; a WebSocket handler
opens ``subscribe(["analysis:7"], last_id=...)`` and forwards what it yields. Two
backends share one API:

``MemoryEventBus``
    One process (the embedded mode). A ring buffer of the last ``buffer_size`` events,
    ids ``"00000000000000000001"``, ``"00000000000000000002"``, ...

``RedisEventBus``
    Any number of processes. Every event of every topic goes into ONE Redis stream
    (``XADD ... MAXLEN ~ maxlen``); the event id is the stream entry id
    (``"<ms>-<seq>"``). Each process runs ONE listener task that reads the stream with
    ``XREAD BLOCK`` from the last id it has seen and fans each entry out to the local
    subscribers of its topic.

Why a single stream and one reader per process rather than Redis pub/sub or a stream
per topic:

* Replay. Pub/sub forgets a message once sent; a client that reconnects (to any
  replica: no sticky sessions) must get what it missed. The stream keeps the last
  ``maxlen`` events and ``XRANGE`` from the client's last id returns them.
* Ordering and consistency. Ids come from one sequence, so "everything after id X"
  is well defined, replay and live delivery join without gaps or duplicates, and every
  process sees every event in the same order.
* One Redis connection per process for reading, however many WebSockets it serves,
  plus one pool for publishing. A listener that loses its connection resumes from its
  last id, so a Redis blip delays events but loses none (unless more than ``maxlen``
  are published meanwhile and trimmed before it is back).
* Bounded memory: ``MAXLEN ~`` caps the stream (Redis trims whole nodes, so it may
  hold slightly more than ``maxlen``), and each subscription has a bounded queue.

The cost: every process reads every event, including topics nobody on it watches, so
Redis serves roughly ``processes x stream throughput``. That is fine for progress and
notification traffic (hundreds of events per second across tens of processes); beyond
it, shard by topic into several streams.

Ids are opaque strings, ordered within a bus. Do not compare Redis ids as strings
(``"9-0"`` comes before ``"10-0"``, but not lexically); the bus compares them as numbers.
Both formats parse as ``<int>`` or ``<int>-<int>``; anything else passed as ``last_id``
or ``after_id`` raises ``InvalidEventId``.

Each subscription gets each event at most once, in id order. A subscriber that
falls more than ``queue_size`` events behind is dropped: its iterator raises
``SubscriberLagged`` carrying the id of the last event it received, and reconnecting
with ``last_id=`` that id replays the rest. A slow WebSocket therefore never blocks
publishers and never makes a process grow without bound.

Usage::

    bus = create_event_bus(settings.redis_dsn)
    await bus.start()
    event = await bus.publish("analysis:7", "progress:updated", {"percent": 40})
    async with bus.subscribe(["analysis:7"], last_id=client_last_id) as events:
        async for event in events:
            await websocket.send_json(event.to_dict())
    await bus.close()
"""

from __future__ import annotations

import abc
import asyncio
import json
import random
import re
import time
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Final, Literal, Protocol, Self, cast

import redis.asyncio as aioredis
import structlog
from redis.asyncio.retry import Retry
from redis.backoff import EqualJitterBackoff, NoBackoff
from redis.exceptions import RedisError

__all__ = [
    "DEFAULT_QUEUE_SIZE",
    "MAX_DATA_BYTES",
    "MAX_NAME_LENGTH",
    "Event",
    "EventBus",
    "EventBusClosed",
    "EventBusError",
    "EventBusUnavailable",
    "EventTooLarge",
    "InvalidEvent",
    "InvalidEventId",
    "MemoryEventBus",
    "RedisEventBus",
    "SubscriberLagged",
    "Subscription",
    "create_event_bus",
]

log = structlog.get_logger(__name__)

#: Longest topic or type, in characters.
MAX_NAME_LENGTH: Final = 200
#: Largest ``data`` payload: the UTF-8 size of its compact JSON encoding, in bytes.
MAX_DATA_BYTES: Final = 64 * 1024
#: Events a subscription may hold undelivered before it is dropped as lagging.
DEFAULT_QUEUE_SIZE: Final = 1_000

_MAX_ID_PART: Final = 2**64 - 1
_ID_PATTERN: Final = re.compile(r"([0-9]{1,20})(?:-([0-9]{1,20}))?")
_READ_BATCH: Final = 500
_REPLAY_PAGE: Final = 1_000
_BACKOFF_BASE_SECONDS: Final = 0.1
_BACKOFF_CAP_SECONDS: Final = 5.0
_CONNECT_TIMEOUT_SECONDS: Final = 2.0
_random = random.SystemRandom()


# --------------------------------------------------------------------------- errors


class EventBusError(Exception):
    """Base class of every error this module raises."""


class InvalidEvent(EventBusError, ValueError):
    """``publish()`` got an empty or over-long topic or type, or data that is not JSON."""


class EventTooLarge(InvalidEvent):
    """The JSON encoding of ``data`` exceeds ``MAX_DATA_BYTES``."""

    def __init__(self, size: int, limit: int = MAX_DATA_BYTES) -> None:
        super().__init__(f"event data is {size} bytes as JSON; the limit is {limit}")
        self.size = size
        self.limit = limit


class InvalidEventId(EventBusError, ValueError):
    """A ``last_id`` / ``after_id`` that is not an event id (``<int>`` or ``<int>-<int>``)."""


class EventBusClosed(EventBusError, RuntimeError):
    """The bus is not running: ``start()`` was not awaited yet, or ``close()`` was."""


class EventBusUnavailable(EventBusError, ConnectionError):
    """The backend (Redis) did not answer, or the listener cannot read from it."""


class SubscriberLagged(EventBusError):
    """The subscription fell more than its queue size behind and was dropped.

    ``last_id`` is the id of the last event the iterator returned (or the ``last_id``
    the subscription resumed from; ``None`` if neither). Subscribe again with
    ``last_id=exc.last_id`` to replay what was missed.
    """

    def __init__(self, last_id: str | None) -> None:
        super().__init__(f"subscriber lagged behind and was dropped after id {last_id!r}")
        self.last_id = last_id


# --------------------------------------------------------------------------- event


@dataclass(frozen=True, slots=True)
class Event:
    """One published event. Treat ``data`` as read-only: subscribers share the object."""

    #: Opaque, ordered within a bus (see the module docstring).
    id: str
    #: What the event is about, e.g. ``"user:42"`` or ``"analysis:7"``.
    topic: str
    #: What happened, e.g. ``"progress:updated"``.
    type: str
    #: The JSON-compatible payload, as a subscriber would decode it from JSON.
    data: dict[str, Any]
    #: Unix time of the publish call.
    ts: float

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict: ``id``, ``topic``, ``type``, ``data``, ``ts``."""
        return {
            "id": self.id,
            "topic": self.topic,
            "type": self.type,
            "data": self.data,
            "ts": self.ts,
        }


_IdKey = tuple[int, int]


def _id_key(event_id: str) -> _IdKey:
    """The numeric sort key of an id: ``"12-3"`` -> ``(12, 3)``, ``"0042"`` -> ``(42, 0)``."""
    match = _ID_PATTERN.fullmatch(event_id) if isinstance(event_id, str) else None
    if match is None:
        raise InvalidEventId(f"not an event id: {event_id!r}")
    high, low = int(match[1]), int(match[2] or 0)
    if high > _MAX_ID_PART or low > _MAX_ID_PART:
        raise InvalidEventId(f"event id out of range: {event_id!r}")
    return high, low


def _check_name(kind: str, value: object) -> str:
    if not isinstance(value, str) or not value:
        raise InvalidEvent(f"event {kind} must be a non-empty string, got {value!r}")
    if len(value) > MAX_NAME_LENGTH:
        raise InvalidEvent(
            f"event {kind} is {len(value)} characters; the limit is {MAX_NAME_LENGTH}"
        )
    return value


def _topic_set(topics: Iterable[str]) -> frozenset[str]:
    if isinstance(topics, str):
        raise TypeError("topics must be an iterable of topics, not one string: use [topic]")
    result = frozenset(_check_name("topic", topic) for topic in topics)
    if not result:
        raise InvalidEvent("subscribe to at least one topic")
    return result


def _encode_data(data: Mapping[str, Any]) -> str:
    """Compact JSON of ``data``; raises ``InvalidEvent`` / ``EventTooLarge``."""
    if not isinstance(data, Mapping):
        raise InvalidEvent(f"event data must be a mapping, got {type(data).__name__}")
    try:
        encoded = json.dumps(dict(data), ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        size = len(encoded.encode())
    except (TypeError, ValueError, RecursionError) as exc:
        # ValueError covers NaN/Infinity, circular references and lone surrogates.
        raise InvalidEvent(f"event data is not JSON-serialisable: {exc}") from exc
    if size > MAX_DATA_BYTES:
        raise EventTooLarge(size)
    return encoded


def _decode_data(encoded: str) -> dict[str, Any]:
    value = json.loads(encoded)
    if not isinstance(value, dict):
        raise TypeError("event data is not a JSON object")
    return value


def _describe(exc: BaseException) -> str:
    """Type and message of an error; redis-py messages name host and port, never a password."""
    return f"{type(exc).__name__}: {exc}"[:300]


def _backoff(attempt: int) -> float:
    """Capped exponential backoff with jitter: half the step, plus up to another half."""
    step = min(_BACKOFF_CAP_SECONDS, _BACKOFF_BASE_SECONDS * 2 ** min(attempt - 1, 30))
    return _random.uniform(step / 2, step)


# --------------------------------------------------------------------------- subscription

_SubState = Literal["new", "opening", "open", "lagged", "closed"]


class Subscription:
    """Live events of some topics, optionally preceded by a replay; from ``subscribe()``.

    An async context manager and an async iterator of ``Event``::

        async with bus.subscribe(["analysis:7"], last_id=last) as events:
            async for event in events:
                ...

    Entering registers the subscription and runs the replay, so every event published
    after ``__aenter__`` returns is delivered. (Iterating without ``async with`` opens it
    on the first ``__anext__``; then close it with ``aclose()``.)

    Iteration ends (``StopAsyncIteration``) when the bus closes or ``aclose()`` is
    called; events still queued at that moment are discarded. It raises
    ``SubscriberLagged`` if more than ``queue_size`` events pile up undelivered; the
    queued events are discarded then too, and ``SubscriberLagged.last_id`` says where
    to resume.
    """

    def __init__(
        self, bus: EventBus, topics: frozenset[str], last_id: str | None, queue_size: int
    ) -> None:
        self._bus = bus
        self._topics = topics
        self._resume_from = last_id
        # Live events with a key at or below the floor were already replayed or seen.
        self._floor: _IdKey | None = _id_key(last_id) if last_id is not None else None
        self._queue_size = queue_size
        self._replayed: deque[Event] = deque()
        self._live: deque[Event] = deque()
        self._wakeup = asyncio.Event()
        self._ready = asyncio.Event()
        self._state: _SubState = "new"
        self._last_id = last_id

    @property
    def topics(self) -> frozenset[str]:
        return self._topics

    @property
    def last_id(self) -> str | None:
        """Id of the last event returned, else the ``last_id`` subscribed with."""
        return self._last_id

    @property
    def closed(self) -> bool:
        """True once closed or dropped as lagging."""
        return self._state in ("closed", "lagged")

    async def __aenter__(self) -> Self:
        await self._open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> Event:
        if self._state in ("new", "opening"):
            await self._open()
        while True:
            if self._state == "lagged":
                raise SubscriberLagged(self._last_id)
            if self._replayed:
                event = self._replayed.popleft()
            elif self._live:
                event = self._live.popleft()
            elif self._state == "closed":
                raise StopAsyncIteration
            else:
                self._wakeup.clear()
                await self._wakeup.wait()
                continue
            self._last_id = event.id
            return event

    async def aclose(self) -> None:
        """Stop receiving events (idempotent)."""
        self._end("closed")

    # -- used by EventBus

    async def _open(self) -> None:
        if self._state == "opening":
            await self._ready.wait()
            return
        if self._state != "new":
            return
        self._state = "opening"
        try:
            await self._bus._attach(self)
        except BaseException:
            self._end("closed")
            raise
        finally:
            self._ready.set()

    def _begin(self, replayed: list[Event]) -> None:
        """Called by the bus once registered: queue the replay, drop overlapping live events."""
        if self._state != "opening":
            return
        if replayed:
            self._floor = _id_key(replayed[-1].id)
            self._replayed.extend(replayed)
        floor = self._floor
        if floor is not None and self._live:
            self._live = deque(e for e in self._live if _id_key(e.id) > floor)
        self._state = "open"
        self._wakeup.set()

    def _deliver(self, event: Event, key: _IdKey) -> None:
        if self._state not in ("open", "opening"):
            return
        if self._floor is not None and key <= self._floor:
            return
        if len(self._live) >= self._queue_size:
            log.warning(
                "event_subscriber_lagged",
                topics=sorted(self._topics),
                queue_size=self._queue_size,
                last_id=self._last_id,
            )
            self._end("lagged")
            return
        self._live.append(event)
        self._wakeup.set()

    def _end(self, state: Literal["lagged", "closed"]) -> None:
        if self._state not in ("lagged", "closed"):
            self._state = state
        self._replayed.clear()
        self._live.clear()
        self._bus._detach(self)
        self._wakeup.set()


# --------------------------------------------------------------------------- bus

_BusState = Literal["new", "running", "closed"]


class EventBus(abc.ABC):
    """What the rest of DevMentor uses; build one with ``create_event_bus``.

    ``start()`` before use and ``close()`` at shutdown (both idempotent; a closed bus
    cannot be restarted). Every method raises ``EventBusClosed`` when the bus is not
    running, and the Redis backend raises ``EventBusUnavailable`` when Redis fails.
    """

    def __init__(self, *, queue_size: int) -> None:
        if queue_size < 1:
            raise ValueError("queue_size must be at least 1")
        self._queue_size = queue_size
        self._state: _BusState = "new"
        self._by_topic: dict[str, set[Subscription]] = {}
        self._subscriptions: set[Subscription] = set()

    @abc.abstractmethod
    async def start(self) -> None:
        """Connect and start delivering. Idempotent; raises ``EventBusClosed`` after close."""

    @abc.abstractmethod
    async def close(self) -> None:
        """End every subscription and release connections. Idempotent."""

    @abc.abstractmethod
    async def publish(self, topic: str, type: str, data: Mapping[str, Any]) -> Event:
        """Publish an event to every current subscriber of ``topic`` (in every process).

        ``topic`` and ``type`` must be 1..``MAX_NAME_LENGTH`` characters and ``data`` a
        mapping that encodes to at most ``MAX_DATA_BYTES`` of JSON (no NaN, no
        Infinity). Raises ``InvalidEvent`` (a ``ValueError``) or its subclass
        ``EventTooLarge`` otherwise. Returns the event as subscribers receive it.
        """

    @abc.abstractmethod
    async def replay(self, topics: Iterable[str], after_id: str) -> list[Event]:
        """The buffered events of ``topics`` with an id greater than ``after_id``, oldest first.

        Only the last ``buffer_size`` / ``maxlen`` events of all topics are kept: if
        ``after_id`` is older than that, this returns what is left (the oldest events
        are gone, silently). An ``after_id`` newer than every event returns ``[]``.
        """

    @abc.abstractmethod
    async def ping(self) -> None:
        """Return if the bus can deliver events; raise otherwise (for readiness checks)."""

    @property
    def subscriber_count(self) -> int:
        """Open subscriptions in this process."""
        return len(self._subscriptions)

    def subscribe(self, topics: Iterable[str], *, last_id: str | None = None) -> Subscription:
        """Events of ``topics`` from now on; with ``last_id``, first every buffered one after it.

        The replay and live events join with no gap and no duplicate, in id order. Use
        the result as ``async with bus.subscribe(...) as events: async for ...``.
        Raises ``InvalidEvent`` for a bad topic or no topics, ``InvalidEventId`` for a
        malformed ``last_id``, and (on entering) ``EventBusClosed`` /
        ``EventBusUnavailable``.
        """
        topic_set = _topic_set(topics)
        if last_id is not None:
            _id_key(last_id)
        return Subscription(self, topic_set, last_id, self._queue_size)

    # -- shared machinery

    async def _prepare_attach(self) -> None:
        """Hook run before a subscription registers; may raise ``EventBusUnavailable``."""
        return

    def _require_running(self) -> None:
        if self._state != "running":
            raise EventBusClosed(f"event bus is {self._state}, not running")

    async def _attach(self, subscription: Subscription) -> None:
        self._require_running()
        await self._prepare_attach()
        self._require_running()
        self._subscriptions.add(subscription)
        for topic in subscription.topics:
            self._by_topic.setdefault(topic, set()).add(subscription)
        replayed: list[Event] = []
        if subscription._resume_from is not None:
            # MemoryEventBus.replay never suspends, so there registration plus replay is
            # atomic. On Redis, live events arriving meanwhile are queued and the
            # subscription's floor drops those the replay already covers.
            try:
                replayed = await self.replay(subscription.topics, subscription._resume_from)
            except BaseException:
                self._detach(subscription)
                raise
        subscription._begin(replayed)

    def _detach(self, subscription: Subscription) -> None:
        self._subscriptions.discard(subscription)
        for topic in subscription.topics:
            subscribers = self._by_topic.get(topic)
            if subscribers is not None:
                subscribers.discard(subscription)
                if not subscribers:
                    del self._by_topic[topic]

    def _fan_out(self, event: Event, key: _IdKey) -> None:
        subscribers = self._by_topic.get(event.topic)
        if subscribers:
            for subscription in tuple(subscribers):
                subscription._deliver(event, key)

    def _end_subscriptions(self) -> None:
        for subscription in tuple(self._subscriptions):
            subscription._end("closed")
        self._subscriptions.clear()
        self._by_topic.clear()


class MemoryEventBus(EventBus):
    """In-process bus: a ring buffer of the last ``buffer_size`` events of all topics.

    Ids are 20-digit zero-padded decimal integers starting at ``"00000000000000000001"``,
    so they sort correctly as strings too. They restart with the process: a ``last_id``
    from an earlier process replays nothing newer than itself.
    """

    def __init__(self, buffer_size: int = 10_000, *, queue_size: int = DEFAULT_QUEUE_SIZE) -> None:
        super().__init__(queue_size=queue_size)
        if buffer_size < 1:
            raise ValueError("buffer_size must be at least 1")
        self._buffer: deque[tuple[int, Event]] = deque(maxlen=buffer_size)
        self._sequence = 0

    async def start(self) -> None:
        if self._state == "closed":
            raise EventBusClosed("a closed event bus cannot be restarted")
        self._state = "running"

    async def close(self) -> None:
        if self._state == "closed":
            return
        self._state = "closed"
        self._end_subscriptions()
        self._buffer.clear()

    async def publish(self, topic: str, type: str, data: Mapping[str, Any]) -> Event:
        _check_name("topic", topic)
        _check_name("type", type)
        encoded = _encode_data(data)
        self._require_running()
        self._sequence += 1
        # The JSON round trip gives subscribers what a Redis subscriber would decode, and
        # a copy the publisher can no longer mutate.
        event = Event(f"{self._sequence:020d}", topic, type, _decode_data(encoded), time.time())
        self._buffer.append((self._sequence, event))
        self._fan_out(event, (self._sequence, 0))
        return event

    async def replay(self, topics: Iterable[str], after_id: str) -> list[Event]:
        topic_set = _topic_set(topics)
        after = _id_key(after_id)
        self._require_running()
        found: list[Event] = []
        for sequence, event in reversed(self._buffer):
            if (sequence, 0) <= after:
                break
            if event.topic in topic_set:
                found.append(event)
        found.reverse()
        return found

    async def ping(self) -> None:
        self._require_running()


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


def create_event_bus(
    redis_url: str | None,
    *,
    stream_key: str = "devmentor:events",
    buffer_size: int = 10_000,
    block_ms: int = 1_000,
    queue_size: int = DEFAULT_QUEUE_SIZE,
) -> EventBus:
    """A ``RedisEventBus`` on ``redis_url`` (``buffer_size`` as its ``maxlen``), or a
    ``MemoryEventBus`` of ``buffer_size`` events when ``redis_url`` is None or empty.
    Not started: await ``start()``."""
    if not redis_url:
        return MemoryEventBus(buffer_size, queue_size=queue_size)
    return RedisEventBus(
        redis_url,
        stream_key=stream_key,
        maxlen=buffer_size,
        block_ms=block_ms,
        queue_size=queue_size,
    )
