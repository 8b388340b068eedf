"""Queries on the usage ledger."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Integer, Table, cast, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from devmentor.ai.budget import Spent
from devmentor.ai.models import AIUsage


class UsageLedger:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_many(self, rows: Sequence[Mapping[str, Any]]) -> None:
        if rows:
            # A Core executemany: the ORM's bulk path costs several times more per row,
            # and the ledger writes a row for every model call.
            table: Table = AIUsage.__table__  # type: ignore[assignment]
            await self._session.execute(insert(table), list(rows))

    async def spent(self, user_id: uuid.UUID, start: dt.datetime, end: dt.datetime) -> Spent:
        """Metered tokens and cost of a user's calls in [start, end)."""
        query = select(
            func.coalesce(func.sum(AIUsage.input_tokens + AIUsage.output_tokens), 0),
            func.coalesce(func.sum(AIUsage.cost_micros), 0),
        ).where(
            AIUsage.user_id == user_id,
            AIUsage.metered.is_(True),
            AIUsage.created_at >= start,
            AIUsage.created_at < end,
        )
        tokens, micros = (await self._session.execute(query)).one()
        return Spent(int(tokens), int(micros))

    def _filters(
        self, user_id: uuid.UUID | None, start: dt.datetime, end: dt.datetime
    ) -> list[Any]:
        filters: list[Any] = [AIUsage.created_at >= start, AIUsage.created_at < end]
        if user_id is not None:
            filters.append(AIUsage.user_id == user_id)
        return filters

    async def summary(
        self, user_id: uuid.UUID | None, start: dt.datetime, end: dt.datetime
    ) -> list[dict[str, Any]]:
        """Per provider, model and task: calls, cache hits, errors, tokens, cost, latency."""
        ok = AIUsage.outcome.in_(("ok", "cached", "shared"))
        query = (
            select(
                AIUsage.provider,
                AIUsage.model,
                AIUsage.task,
                func.count().label("calls"),
                func.sum(cast(AIUsage.cached, Integer)).label("cache_hits"),
                func.sum(cast(~ok, Integer)).label("errors"),
                func.sum(AIUsage.input_tokens).label("input_tokens"),
                func.sum(AIUsage.output_tokens).label("output_tokens"),
                func.sum(AIUsage.cost_micros).label("cost_micros"),
                func.avg(AIUsage.latency_ms).label("avg_latency_ms"),
            )
            .where(*self._filters(user_id, start, end))
            .group_by(AIUsage.provider, AIUsage.model, AIUsage.task)
            .order_by(AIUsage.provider, AIUsage.model, AIUsage.task)
        )
        return [dict(row._mapping) for row in await self._session.execute(query)]

    async def recent(
        self, user_id: uuid.UUID | None, start: dt.datetime, end: dt.datetime, limit: int
    ) -> Sequence[AIUsage]:
        query = (
            select(AIUsage)
            .where(*self._filters(user_id, start, end))
            .order_by(AIUsage.created_at.desc(), AIUsage.id.desc())
            .limit(limit)
        )
        return (await self._session.scalars(query)).all()
