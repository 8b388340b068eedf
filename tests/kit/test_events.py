from __future__ import annotations

import asyncio
import json
import math
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
import redis.asyncio as aioredis

from devmentor.kit.events import (
    MAX_DATA_BYTES,
    MAX_NAME_LENGTH,
    Event,
    EventBus,
    EventBusClosed,
    EventTooLarge,
    InvalidEvent,
    InvalidEventId,
    MemoryEventBus,
    RedisEventBus,
    SubscriberLagged,
    Subscription,
    create_event_bus,
)

WAIT = 5.0  # seconds any single wait may take before the test fails instead of hanging

MakeBus = Callable[..., Awaitable[EventBus]]


def _key(event_id: str) -> tuple[int, ...]:
    return tuple(int(part) for part in event_id.split("-"))


@pytest.fixture
async def make_bus(redis_or_none: str | None, unique_prefix: str) -> AsyncIterator[MakeBus]:
    """Start buses on this test's own stream; close them and delete the stream after."""
    stream_key = unique_prefix + "events"
    buses: list[EventBus] = []

    async def make(**overrides: Any) -> EventBus:
        options: dict[str, Any] = {
            "stream_key": stream_key,
            "buffer_size": 1_000,
            "block_ms": 200,
        }
        options.update(overrides)
        bus = create_event_bus(redis_or_none, **options)
        buses.append(bus)
        await bus.start()
        return bus

    yield make
    for bus in buses:
        await bus.close()
    if redis_or_none is not None:
        admin = _admin(redis_or_none)
        try:
            await admin.delete(stream_key)
        finally:
            await admin.aclose()


@pytest.fixture
async def bus(make_bus: MakeBus) -> EventBus:
    return await make_bus()


def _admin(url: str) -> Any:
    # Any: the installed types-redis stubs predate redis-py's aclose().
    return aioredis.Redis.from_url(url, decode_responses=True)


async def take(subscription: Subscription, count: int) -> list[Event]:
    received: list[Event] = []
    if count == 0:
        return received
    async with asyncio.timeout(WAIT):
        async for event in subscription:
            received.append(event)
            if len(received) == count:
                break
    return received


async def take_until(subscription: Subscription, last_id: str) -> list[Event]:
    received: list[Event] = []
    async with asyncio.timeout(WAIT):
        async for event in subscription:
            received.append(event)
            if event.id == last_id:
                break
    return received


async def eventually(condition: Callable[[], bool]) -> None:
    async with asyncio.timeout(WAIT):
        while not condition():
            await asyncio.sleep(0.01)


# --------------------------------------------------------------------------- both backends


async def test_subscriber_receives_events_in_order(bus: EventBus) -> None:
    async with bus.subscribe(["analysis:7"]) as events:
        published = [
            await bus.publish("analysis:7", "progress:updated", {"percent": n, "tags": ("a",)})
            for n in range(20)
        ]
        received = await take(events, 20)
    assert received == published
    assert [e.data for e in received] == [{"percent": n, "tags": ["a"]} for n in range(20)]
    assert all(e.topic == "analysis:7" and e.type == "progress:updated" for e in received)
    keys = [_key(e.id) for e in received]
    assert keys == sorted(keys)
    assert len(set(keys)) == 20
    as_json = json.loads(json.dumps(received[0].to_dict()))
    assert as_json == {
        "id": received[0].id,
        "topic": "analysis:7",
        "type": "progress:updated",
        "data": {"percent": 0, "tags": ["a"]},
        "ts": received[0].ts,
    }


async def test_published_data_is_a_copy(bus: EventBus) -> None:
    payload: dict[str, Any] = {"items": [1]}
    async with bus.subscribe(["t"]) as events:
        await bus.publish("t", "x", payload)
        payload["items"].append(2)
        [event] = await take(events, 1)
    assert event.data == {"items": [1]}


async def test_subscribers_get_only_their_topics(bus: EventBus) -> None:
    async with bus.subscribe(["a", "c"]) as events:
        await bus.publish("a", "t", {"n": 1})
        await bus.publish("b", "t", {"n": 2})
        await bus.publish("c", "t", {"n": 3})
        await bus.publish("b", "t", {"n": 4})
        last = await bus.publish("a", "t", {"n": 5})
        received = await take_until(events, last.id)
    assert [(e.topic, e.data["n"]) for e in received] == [("a", 1), ("c", 3), ("a", 5)]


async def test_every_subscriber_gets_every_event(bus: EventBus) -> None:
    assert bus.subscriber_count == 0
    async with bus.subscribe(["room"]) as first, bus.subscribe(["room", "other"]) as second:
        assert bus.subscriber_count == 2
        published = [await bus.publish("room", "said", {"n": n}) for n in range(5)]
        got_first, got_second = await asyncio.gather(take(first, 5), take(second, 5))
    assert got_first == published
    assert got_second == published
    assert bus.subscriber_count == 0


async def test_reconnecting_with_last_id_replays_what_was_missed(bus: EventBus) -> None:
    async with bus.subscribe(["user:42"]) as events:
        for n in range(3):
            await bus.publish("user:42", "notice", {"n": n})
        seen = await take(events, 3)
        last_id = events.last_id
    assert last_id == seen[-1].id

    missed = []
    for n in range(3, 8):
        missed.append(await bus.publish("user:42", "notice", {"n": n}))
        await bus.publish("user:99", "notice", {"n": n})  # someone else's

    async with bus.subscribe(["user:42"], last_id=last_id) as events:
        assert await take(events, 5) == missed
        live = await bus.publish("user:42", "notice", {"n": 8})
        assert await take(events, 1) == [live]


async def test_replay_joins_live_delivery_without_gaps_or_duplicates(bus: EventBus) -> None:
    """Reconnect over and over while a publisher keeps going; the events add up exactly."""
    first = await bus.publish("job:1", "step", {"n": -1})
    published: list[Event] = []

    async def publisher() -> None:
        for n in range(300):
            published.append(await bus.publish("job:1", "step", {"n": n, "last": n == 299}))
            await bus.publish("job:2", "step", {"n": n})
            if n % 7 == 0:
                await asyncio.sleep(0.001)

    received: list[Event] = []
    last_id = first.id
    reconnects = 0
    async with asyncio.timeout(10):
        task = asyncio.create_task(publisher())
        chunk = 1
        while not (received and received[-1].data["last"]):
            async with bus.subscribe(["job:1"], last_id=last_id) as events:
                reconnects += 1
                # Read a varying number of events, then drop the connection mid-stream.
                async for event in events:
                    received.append(event)
                    if len(received) % chunk == 0 or event.data["last"]:
                        break
                last_id = events.last_id or last_id
            chunk = chunk % 23 + 3
        await task
    assert [e.id for e in received] == [e.id for e in published]
    assert [e.data["n"] for e in received] == list(range(300))
    assert reconnects > 10


async def test_replay_returns_events_after_an_id(bus: EventBus) -> None:
    a1 = await bus.publish("a", "t", {"n": 1})
    b2 = await bus.publish("b", "t", {"n": 2})
    a3 = await bus.publish("a", "t", {"n": 3})
    b4 = await bus.publish("b", "t", {"n": 4})
    assert await bus.replay(["a"], a1.id) == [a3]
    assert await bus.replay(["a", "b"], a1.id) == [b2, a3, b4]
    assert await bus.replay(["b", "a", "b"], b2.id) == [a3, b4]
    assert await bus.replay(["a", "b"], b4.id) == []
    assert await bus.replay(["a"], "0") == [a1, a3]
    assert await bus.replay(["a"], "99999999999999-0") == []
    with pytest.raises(InvalidEventId):
        await bus.replay(["a"], "yesterday")


async def test_publish_validates_its_arguments(bus: EventBus) -> None:
    with pytest.raises(InvalidEvent):
        await bus.publish("", "t", {})
    with pytest.raises(InvalidEvent):
        await bus.publish("a", "", {})
    with pytest.raises(InvalidEvent):
        await bus.publish("x" * (MAX_NAME_LENGTH + 1), "t", {})
    with pytest.raises(InvalidEvent):
        await bus.publish("a", "y" * (MAX_NAME_LENGTH + 1), {})
    await bus.publish("x" * MAX_NAME_LENGTH, "y" * MAX_NAME_LENGTH, {})

    for not_json in ({"when": object()}, {"tags": {1, 2}}, {"ratio": math.nan}, {"s": "\ud800"}):
        with pytest.raises(InvalidEvent, match="JSON"):
            await bus.publish("a", "t", not_json)
    with pytest.raises(ValueError, match="mapping"):
        await bus.publish("a", "t", ["not", "a", "mapping"])  # type: ignore[arg-type]

    overhead = len('{"x":""}')
    await bus.publish("a", "t", {"x": "a" * (MAX_DATA_BYTES - overhead)})
    with pytest.raises(EventTooLarge) as too_large:
        await bus.publish("a", "t", {"x": "a" * (MAX_DATA_BYTES - overhead + 1)})
    assert too_large.value.size == MAX_DATA_BYTES + 1
    assert isinstance(too_large.value, ValueError)
    with pytest.raises(EventTooLarge):  # counted in UTF-8 bytes, not characters
        await bus.publish("a", "t", {"x": "é" * (MAX_DATA_BYTES // 2)})


async def test_subscribe_validates_its_arguments(bus: EventBus) -> None:
    with pytest.raises(TypeError):
        bus.subscribe("user:42")
    with pytest.raises(InvalidEvent):
        bus.subscribe([])
    with pytest.raises(InvalidEvent):
        bus.subscribe(["ok", ""])
    for bad in ("", "abc", "1-2-3", "-1", "1-", "99999999999999999999999"):
        with pytest.raises(InvalidEventId):
            bus.subscribe(["ok"], last_id=bad)
    assert bus.subscriber_count == 0


async def test_a_slow_consumer_is_dropped_and_can_resume(make_bus: MakeBus) -> None:
    bus = await make_bus(queue_size=50)
    async with bus.subscribe(["feed"]) as slow, bus.subscribe(["feed"]) as fast:
        first = await bus.publish("feed", "item", {"n": 0})
        assert await take(slow, 1) == [first]
        keeping_up = asyncio.create_task(take(fast, 121))
        rest = []
        for n in range(1, 121):
            rest.append(await bus.publish("feed", "item", {"n": n}))
            await asyncio.sleep(0)
        # The fast subscriber keeps up; the slow one is dropped once 51 are pending.
        assert await keeping_up == [first, *rest]
        await eventually(lambda: bus.subscriber_count == 1)
        assert slow.closed
        assert not fast.closed
        with pytest.raises(SubscriberLagged) as lagged:
            await slow.__anext__()
        assert lagged.value.last_id == first.id
        with pytest.raises(SubscriberLagged):  # and it stays dropped
            await slow.__anext__()

    async with bus.subscribe(["feed"], last_id=lagged.value.last_id) as resumed:
        assert await take(resumed, 120) == rest


async def test_close_ends_subscriptions_and_is_idempotent(make_bus: MakeBus) -> None:
    bus = await make_bus()
    await bus.ping()
    async with bus.subscribe(["a"]) as events:
        event = await bus.publish("a", "t", {})
        assert await take(events, 1) == [event]

        async def drain() -> list[Event]:
            return [e async for e in events]

        reader = asyncio.create_task(drain())
        await asyncio.sleep(0.05)  # the reader is now waiting for the next event
        await bus.close()
        async with asyncio.timeout(WAIT):
            assert await reader == []
        assert bus.subscriber_count == 0
    await bus.close()

    with pytest.raises(EventBusClosed):
        await bus.publish("a", "t", {})
    with pytest.raises(EventBusClosed):
        await bus.ping()
    with pytest.raises(EventBusClosed):
        await bus.replay(["a"], "0")
    with pytest.raises(EventBusClosed):
        async with bus.subscribe(["a"]):
            pass
    with pytest.raises(EventBusClosed):
        await bus.start()


async def test_a_bus_must_be_started(redis_or_none: str | None, unique_prefix: str) -> None:
    bus = create_event_bus(redis_or_none, stream_key=unique_prefix + "events")
    with pytest.raises(EventBusClosed):
        await bus.ping()
    with pytest.raises(EventBusClosed):
        await bus.publish("a", "t", {})
    await bus.close()


async def test_iterating_without_async_with_opens_on_first_read(bus: EventBus) -> None:
    subscription = bus.subscribe(["a"], last_id="0")
    event = await bus.publish("a", "t", {"n": 1})
    try:
        assert await take(subscription, 1) == [event]
        assert bus.subscriber_count == 1
    finally:
        await subscription.aclose()
    assert bus.subscriber_count == 0
    async with asyncio.timeout(WAIT):
        assert [e async for e in subscription] == []


async def test_factory_picks_the_backend(unique_prefix: str) -> None:
    assert isinstance(create_event_bus(None), MemoryEventBus)
    redis_bus = create_event_bus("redis://127.0.0.1:1/0", stream_key=unique_prefix + "e")
    assert isinstance(redis_bus, RedisEventBus)
    assert redis_bus.stream_key == unique_prefix + "e"


# --------------------------------------------------------------------------- memory only


async def test_memory_ids_sort_as_strings_too() -> None:
    bus = MemoryEventBus()
    await bus.start()
    try:
        ids = [(await bus.publish("a", "t", {})).id for _ in range(12)]
    finally:
        await bus.close()
    assert ids[0] == "00000000000000000001"
    assert ids == sorted(ids)
    assert all(len(i) == 20 for i in ids)


async def test_memory_replay_older_than_the_ring_buffer_returns_what_is_left() -> None:
    bus = MemoryEventBus(buffer_size=5)
    await bus.start()
    try:
        published = [await bus.publish("a", "t", {"n": n}) for n in range(8)]
        assert await bus.replay(["a"], published[0].id) == published[3:]
        assert await bus.replay(["a"], published[5].id) == published[6:]
        async with bus.subscribe(["a"], last_id=published[0].id) as events:
            assert await take(events, 5) == published[3:]
            live = await bus.publish("a", "t", {"n": 8})
            assert await take(events, 1) == [live]
    finally:
        await bus.close()


# --------------------------------------------------------------------------- Redis only


@pytest.mark.redis
async def test_two_processes_share_the_stream(redis_url: str, unique_prefix: str) -> None:
    """Two buses on one stream stand for two API replicas behind a load balancer."""
    stream_key = unique_prefix + "events"
    replica_a = RedisEventBus(redis_url, stream_key=stream_key, block_ms=200)
    replica_b = RedisEventBus(redis_url, stream_key=stream_key, block_ms=200)
    admin = _admin(redis_url)
    try:
        await replica_a.start()
        await replica_b.start()
        async with replica_a.subscribe(["u:1"]) as on_a, replica_b.subscribe(["u:1"]) as on_b:
            from_a = await replica_a.publish("u:1", "t", {"from": "a"})
            from_b = await replica_b.publish("u:1", "t", {"from": "b"})
            assert await take(on_a, 2) == [from_a, from_b]
            assert await take(on_b, 2) == [from_a, from_b]
        # A client that was on replica A resumes on replica B.
        later = await replica_a.publish("u:1", "t", {"from": "a", "n": 2})
        async with replica_b.subscribe(["u:1"], last_id=from_b.id) as resumed:
            assert await take(resumed, 1) == [later]
        assert await admin.xlen(stream_key) == 3
    finally:
        await replica_a.close()
        await replica_b.close()
        await admin.delete(stream_key)
        await admin.aclose()


@pytest.mark.redis
async def test_the_listener_survives_its_connection_being_killed(
    redis_url: str, unique_prefix: str
) -> None:
    stream_key = unique_prefix + "events"
    bus = RedisEventBus(redis_url, stream_key=stream_key, block_ms=200)
    admin = _admin(redis_url)

    async def connection_ids(name: str) -> set[int]:
        clients = await admin.client_list()
        return {int(c["id"]) for c in clients if c["name"] == name}

    try:
        await bus.start()
        async with bus.subscribe(["job"]) as events:
            before = [await bus.publish("job", "step", {"n": n}) for n in range(3)]
            assert await take(events, 3) == before

            listener_ids = await connection_ids(bus.listener_client_name)
            assert listener_ids
            for client_id in listener_ids | await connection_ids(bus.publisher_client_name):
                await admin.execute_command("CLIENT", "KILL", "ID", str(client_id))

            # Published while the listener is reconnecting: none may be lost.
            after = [await bus.publish("job", "step", {"n": n}) for n in range(3, 13)]
            assert await take(events, 10) == after
            reconnected = await connection_ids(bus.listener_client_name)
            assert reconnected
            assert not reconnected & listener_ids

            # Twice in a row, in case the first recovery left anything half-done.
            for client_id in reconnected:
                await admin.execute_command("CLIENT", "KILL", "ID", str(client_id))
            again = await bus.publish("job", "step", {"n": 13})
            assert await take(events, 1) == [again]
            await eventually(lambda: bus._listener_failures == 0)
            await bus.ping()
    finally:
        await bus.close()
        await admin.delete(stream_key)
        await admin.aclose()


@pytest.mark.redis
async def test_a_dead_listener_task_is_restarted(redis_url: str, unique_prefix: str) -> None:
    stream_key = unique_prefix + "events"
    bus = RedisEventBus(redis_url, stream_key=stream_key, block_ms=200)
    admin = _admin(redis_url)
    try:
        await bus.start()
        async with bus.subscribe(["job"]) as events:
            event = await bus.publish("job", "step", {"n": 1})
            assert await take(events, 1) == [event]
            await asyncio.sleep(0.05)  # the listener is blocked in XREAD again
            listener = bus._listener
            assert listener is not None
            listener.cancel()  # as if it had died
            await asyncio.wait([listener])
            event = await bus.publish("job", "step", {"n": 2})
            assert await take(events, 1) == [event]
            assert bus._listener is not listener
            assert bus._listener is not None
            assert not bus._listener.done()
    finally:
        await bus.close()
        await admin.delete(stream_key)
        await admin.aclose()


@pytest.mark.redis
async def test_live_events_the_replay_also_returns_are_delivered_once(
    redis_url: str, unique_prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Events reaching the subscription live while its XRANGE runs are not repeated."""
    stream_key = unique_prefix + "events"
    bus = RedisEventBus(redis_url, stream_key=stream_key, block_ms=200)
    admin = _admin(redis_url)
    real_replay = bus.replay
    during: list[Event] = []

    async def replay_after_live_delivery(topics: Any, after_id: str) -> list[Event]:
        # Publish, and let the listener queue the events on the subscription first...
        during.extend([await bus.publish("job", "step", {"n": n}) for n in range(2, 5)])
        await eventually(lambda: bus.subscriber_count == 1 and _queued(bus) == 3)
        # ...then read the stream, which returns them again.
        return await real_replay(topics, after_id)

    try:
        await bus.start()
        first = await bus.publish("job", "step", {"n": 0})
        missed = await bus.publish("job", "step", {"n": 1})
        # The listener must have passed these two before the subscription opens, or (on a
        # busy machine) it queues them too and the count of three below never holds.
        await eventually(lambda: bus._cursor == missed.id)
        monkeypatch.setattr(bus, "replay", replay_after_live_delivery)
        async with bus.subscribe(["job"], last_id=first.id) as events:
            monkeypatch.undo()
            later = await bus.publish("job", "step", {"n": 5})
            assert await take_until(events, later.id) == [missed, *during, later]
    finally:
        await bus.close()
        await admin.delete(stream_key)
        await admin.aclose()


def _queued(bus: EventBus) -> int:
    return sum(len(s._live) for s in bus._subscriptions)


@pytest.mark.redis
async def test_a_listener_that_fell_behind_does_not_repeat_replayed_events(
    redis_url: str, unique_prefix: str
) -> None:
    """The replay can be ahead of the listener (here: reconnecting); no event comes twice."""
    stream_key = unique_prefix + "events"
    bus = RedisEventBus(redis_url, stream_key=stream_key, block_ms=200)
    admin = _admin(redis_url)
    try:
        await bus.start()
        first = await bus.publish("job", "step", {"n": 0})
        for client in await admin.client_list():
            if client["name"] == bus.listener_client_name:
                await admin.execute_command("CLIENT", "KILL", "ID", client["id"])
        # The listener backs off for at least 50 ms; these are in the stream, unread.
        behind = [await bus.publish("job", "step", {"n": n}) for n in range(1, 4)]
        async with bus.subscribe(["job"], last_id=first.id) as events:
            later = await bus.publish("job", "step", {"n": 4})
            assert await take_until(events, later.id) == [*behind, later]
            # The listener has caught up by now: delivered `later` after the others.
            extra = await bus.publish("job", "step", {"n": 5})
            assert await take(events, 1) == [extra]
    finally:
        await bus.close()
        await admin.delete(stream_key)
        await admin.aclose()


@pytest.mark.redis
async def test_stream_ids_compare_numerically(redis_url: str, unique_prefix: str) -> None:
    """Entries ``<ms>-9`` and ``<ms>-10`` sort wrongly as strings; replay must not care."""
    stream_key = unique_prefix + "events"
    admin = _admin(redis_url)
    bus = RedisEventBus(redis_url, stream_key=stream_key, block_ms=200)
    try:
        fields = {"topic": "a", "type": "t", "data": "{}", "ts": "0"}
        for seq in range(1, 12):
            await admin.xadd(stream_key, fields, id=f"5-{seq}")
        await admin.xadd(stream_key, {"junk": "entry"}, id="5-12")  # skipped, not fatal
        await bus.start()
        replayed = await bus.replay(["a"], "5-9")
        assert [e.id for e in replayed] == ["5-10", "5-11"]
        async with bus.subscribe(["a"], last_id="5-2") as events:
            got = await take(events, 9)
        assert [e.id for e in got] == [f"5-{seq}" for seq in range(3, 12)]
    finally:
        await bus.close()
        await admin.delete(stream_key)
        await admin.aclose()
