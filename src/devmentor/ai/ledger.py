"""Writes usage-ledger rows in batches, off the request path.

A database commit per model call would cost more than the whole gateway's overhead budget
(< 1 ms), so rows are buffered and written every ``flush_seconds`` and at shutdown. A failed
write keeps its rows for the next attempt (up to ``max_buffer``; beyond that the oldest are
dropped and counted, so a database outage cannot exhaust memory).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import uuid
from dataclasses import dataclass, fields

import structlog

from devmentor.ai.metrics import LEDGER_DROPPED
from devmentor.ai.repository import UsageLedger
from devmentor.kit.db import Database

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class UsageEntry:
    created_at: dt.datetime
    user_id: uuid.UUID | None
    task: str
    provider: str
    model: str
    outcome: str
    input_tokens: int = 0
    output_tokens: int = 0
    cost_micros: int = 0
    latency_ms: float = 0.0
    metered: bool = False
    cached: bool = False
    attempts: int = 1
    http_status: int | None = None
    prompt_version: str | None = None
    request_id: str | None = None


#: Column names, in order; rows are built with one dict comprehension per entry, because
#: ``dataclasses.asdict`` deep-copies every value and costs more than the insert itself.
_COLUMNS = tuple(f.name for f in fields(UsageEntry))


class UsageRecorder:
    def __init__(
        self, db: Database, *, flush_seconds: float = 0.5, max_buffer: int = 50_000
    ) -> None:
        self._db = db
        self._flush_seconds = flush_seconds
        self._max_buffer = max_buffer
        self._buffer: list[UsageEntry] = []
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None

    def record(self, entry: UsageEntry) -> None:
        self._buffer.append(entry)
        self._trim()

    @property
    def pending(self) -> int:
        return len(self._buffer)

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="ai-usage-ledger")

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._flush_seconds)
            await self.flush()

    async def flush(self) -> int:
        """Write every buffered row now; returns how many were written."""
        async with self._lock:
            rows, self._buffer = self._buffer, []
            if not rows:
                return 0
            try:
                async with self._db.session() as session:
                    await UsageLedger(session).add_many(
                        [{name: getattr(row, name) for name in _COLUMNS} for row in rows]
                    )
            except Exception as exc:
                log.warning(
                    "ai_ledger_write_failed",
                    rows=len(rows),
                    error=type(exc).__name__,
                    # The first line only: a driver error's detail repeats the parameters.
                    message=str(exc).split("\n", 1)[0][:200],
                )
                self._buffer[:0] = rows  # keep them, oldest first, for the next flush
                self._trim()
                return 0
            return len(rows)

    def _trim(self) -> None:
        overflow = len(self._buffer) - self._max_buffer
        if overflow > 0:
            del self._buffer[:overflow]
            LEDGER_DROPPED.inc(overflow)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.flush()
