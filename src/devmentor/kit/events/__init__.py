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

from devmentor.kit.events.base import (
    DEFAULT_QUEUE_SIZE,
    MAX_DATA_BYTES,
    MAX_NAME_LENGTH,
    Event,
    EventBus,
    EventBusClosed,
    EventBusError,
    EventBusUnavailable,
    EventTooLarge,
    InvalidEvent,
    InvalidEventId,
    SubscriberLagged,
    Subscription,
)
from devmentor.kit.events.memory import MemoryEventBus
from devmentor.kit.events.redis_stream import RedisEventBus

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
