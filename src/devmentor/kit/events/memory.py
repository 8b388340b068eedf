"""The in-process event bus: a ring buffer, for the embedded (one-process) mode."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterable, Mapping
from typing import Any

import structlog

from devmentor.kit.events.base import (
    DEFAULT_QUEUE_SIZE,
    Event,
    EventBus,
    EventBusClosed,
    _check_name,
    _decode_data,
    _encode_data,
    _id_key,
    _topic_set,
)

log = structlog.get_logger(__name__)


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
