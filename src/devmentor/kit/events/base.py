"""Events, errors, subscriptions and the EventBus contract shared by both backends."""

from __future__ import annotations

import abc
import asyncio
import json
import random
import re
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Final, Literal, Self

import structlog

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
