"""Queries of the learning domain. Services call these; nothing else touches the tables.

Writes that must happen once under concurrency are single conditional statements
(``UPDATE ... WHERE answered_at IS NULL``, ``INSERT ... ON CONFLICT DO NOTHING``) whose
row count says whether this caller won; the database arbitrates, not the process.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from devmentor.learning.models import (
    Achievement,
    Activity,
    LearningResponse,
    LearningSession,
    LearningStep,
    QuestionRating,
    ReviewCard,
    SkillProgress,
)


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


def _insert(session: AsyncSession, table: Any) -> postgresql.Insert | sqlite.Insert:
    # Both dialects spell "INSERT ... ON CONFLICT" the same way through their own insert().
    if _dialect(session) == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


class LearningRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @property
    def _locks_rows(self) -> bool:
        # SQLite serialises writers per database; PostgreSQL needs row locks.
        return _dialect(self.session) == "postgresql"

    # -- sessions and steps ----------------------------------------------------------

    async def get_session(self, session_id: uuid.UUID) -> LearningSession | None:
        return await self.session.get(LearningSession, session_id)

    async def active_session(self, user_id: uuid.UUID, skill_id: str) -> LearningSession | None:
        return await self.session.scalar(
            select(LearningSession).where(
                LearningSession.user_id == user_id,
                LearningSession.skill_id == skill_id,
                LearningSession.kind == "learn",
                LearningSession.status == "active",
            )
        )

    async def active_sessions(self, user_id: uuid.UUID) -> Sequence[LearningSession]:
        result = await self.session.scalars(
            select(LearningSession)
            .where(LearningSession.user_id == user_id, LearningSession.status == "active")
            .order_by(LearningSession.last_activity_at.desc())
        )
        return result.all()

    async def count_sessions(self, user_id: uuid.UUID) -> int:
        count = await self.session.scalar(
            select(func.count())
            .select_from(LearningSession)
            .where(LearningSession.user_id == user_id)
        )
        return int(count or 0)

    async def steps(self, session_id: uuid.UUID) -> Sequence[LearningStep]:
        result = await self.session.scalars(
            select(LearningStep)
            .where(LearningStep.session_id == session_id)
            .order_by(LearningStep.position)
        )
        return result.all()

    async def responses(self, session_id: uuid.UUID) -> Sequence[LearningResponse]:
        result = await self.session.scalars(
            select(LearningResponse)
            .where(LearningResponse.session_id == session_id)
            .order_by(LearningResponse.created_at)
        )
        return result.all()

    async def claim_step(self, step_id: uuid.UUID, now: dt.datetime) -> bool:
        """Mark a step answered; False when another request already did."""
        result = await self.session.execute(
            update(LearningStep)
            .where(LearningStep.id == step_id, LearningStep.answered_at.is_(None))
            .values(answered_at=now)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def count_answer(
        self, session_id: uuid.UUID, *, correct: bool, seconds: int, now: dt.datetime
    ) -> bool:
        """Count an answer on an active session; False when it was completed meanwhile."""
        result = await self.session.execute(
            update(LearningSession)
            .where(LearningSession.id == session_id, LearningSession.status == "active")
            .values(
                answered=LearningSession.answered + 1,
                correct=LearningSession.correct + int(correct),
                seconds_spent=LearningSession.seconds_spent + seconds,
                last_activity_at=now,
                version=LearningSession.version + 1,
            )
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def show_hint(self, step_id: uuid.UUID, shown: int) -> bool:
        result = await self.session.execute(
            update(LearningStep)
            .where(
                LearningStep.id == step_id,
                LearningStep.hints_shown == shown,
                LearningStep.answered_at.is_(None),
            )
            .values(hints_shown=shown + 1)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def finish(
        self, session_id: uuid.UUID, *, reason: str, now: dt.datetime, complete: bool
    ) -> bool:
        values: dict[str, Any] = {"version": LearningSession.version + 1}
        if complete:
            values.update(status="completed", completed_at=now)
        conditions = [LearningSession.id == session_id, LearningSession.status == "active"]
        if complete:
            values["end_reason"] = func.coalesce(LearningSession.end_reason, reason)
        else:
            values["end_reason"] = reason
            conditions.append(LearningSession.end_reason.is_(None))
        result = await self.session.execute(
            update(LearningSession).where(and_(*conditions)).values(**values)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    # -- progress --------------------------------------------------------------------

    async def progress(self, user_id: uuid.UUID, skill_id: str) -> SkillProgress | None:
        statement = select(SkillProgress).where(
            SkillProgress.user_id == user_id, SkillProgress.skill_id == skill_id
        )
        if self._locks_rows:
            statement = statement.with_for_update()
        return await self.session.scalar(statement.execution_options(populate_existing=True))

    async def all_progress(self, user_id: uuid.UUID) -> Sequence[SkillProgress]:
        result = await self.session.scalars(
            select(SkillProgress).where(SkillProgress.user_id == user_id)
        )
        return result.all()

    async def ensure_progress(self, values: dict[str, Any]) -> None:
        await self.session.execute(
            _insert(self.session, SkillProgress)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["user_id", "skill_id"])
        )

    # -- question ratings ------------------------------------------------------------

    async def ratings(self, skill_id: str) -> dict[str, QuestionRating]:
        result = await self.session.scalars(
            select(QuestionRating).where(QuestionRating.skill_id == skill_id)
        )
        return {row.question_id: row for row in result.all()}

    async def rating_for_update(
        self, skill_id: str, question_id: str, initial: float
    ) -> QuestionRating:
        await self.session.execute(
            _insert(self.session, QuestionRating)
            .values(skill_id=skill_id, question_id=question_id, rating=initial, answers=0)
            .on_conflict_do_nothing(index_elements=["skill_id", "question_id"])
        )
        statement = select(QuestionRating).where(
            QuestionRating.skill_id == skill_id, QuestionRating.question_id == question_id
        )
        if self._locks_rows:
            statement = statement.with_for_update()
        row = await self.session.scalar(statement.execution_options(populate_existing=True))
        assert row is not None  # inserted above or already there
        return row

    # -- review cards ----------------------------------------------------------------

    async def card(self, user_id: uuid.UUID, skill_id: str, question_id: str) -> ReviewCard | None:
        return await self.session.scalar(
            select(ReviewCard).where(
                ReviewCard.user_id == user_id,
                ReviewCard.skill_id == skill_id,
                ReviewCard.question_id == question_id,
            )
        )

    async def due_cards(
        self,
        user_id: uuid.UUID,
        now: dt.datetime,
        *,
        skill_id: str | None = None,
        exclude: Sequence[str] = (),
        limit: int = 100,
    ) -> Sequence[ReviewCard]:
        statement = select(ReviewCard).where(ReviewCard.user_id == user_id, ReviewCard.due <= now)
        if skill_id is not None:
            statement = statement.where(ReviewCard.skill_id == skill_id)
        if exclude:
            statement = statement.where(
                (ReviewCard.skill_id + ":" + ReviewCard.question_id).not_in(list(exclude))
            )
        result = await self.session.scalars(
            statement.order_by(ReviewCard.due, ReviewCard.id).limit(limit)
        )
        return result.all()

    async def count_due(self, user_id: uuid.UUID, now: dt.datetime) -> int:
        count = await self.session.scalar(
            select(func.count())
            .select_from(ReviewCard)
            .where(ReviewCard.user_id == user_id, ReviewCard.due <= now)
        )
        return int(count or 0)

    async def next_due(self, user_id: uuid.UUID, now: dt.datetime) -> dt.datetime | None:
        return await self.session.scalar(
            select(func.min(ReviewCard.due)).where(
                ReviewCard.user_id == user_id, ReviewCard.due > now
            )
        )

    async def next_review_per_skill(self, user_id: uuid.UUID) -> dict[str, dt.datetime]:
        rows = await self.session.execute(
            select(ReviewCard.skill_id, func.min(ReviewCard.due))
            .where(ReviewCard.user_id == user_id)
            .group_by(ReviewCard.skill_id)
        )
        return {skill_id: due for skill_id, due in rows.all()}  # noqa: C416 - Row, not tuple

    # -- activity, history, achievements ---------------------------------------------

    async def record_activity(
        self, user_id: uuid.UUID, day: dt.date, *, seconds: int, review: bool
    ) -> None:
        insert = _insert(self.session, Activity).values(
            user_id=user_id, day=day, answers=1, reviews=int(review), seconds=seconds
        )
        await self.session.execute(
            insert.on_conflict_do_update(
                index_elements=["user_id", "day"],
                set_={
                    "answers": Activity.answers + 1,
                    "reviews": Activity.reviews + int(review),
                    "seconds": Activity.seconds + seconds,
                },
            )
        )

    async def activity(self, user_id: uuid.UUID) -> Sequence[Activity]:
        result = await self.session.scalars(
            select(Activity).where(Activity.user_id == user_id).order_by(Activity.day.desc())
        )
        return result.all()

    async def history(self, user_id: uuid.UUID, limit: int) -> list[tuple[Any, ...]]:
        rows = await self.session.execute(
            select(
                LearningResponse.created_at,
                LearningResponse.skill_id,
                LearningResponse.mastery_after,
                LearningResponse.correct,
            )
            .where(LearningResponse.user_id == user_id)
            .order_by(LearningResponse.created_at.desc())
            .limit(limit)
        )
        return [tuple(row) for row in reversed(rows.all())]

    async def achievements(self, user_id: uuid.UUID) -> Sequence[Achievement]:
        result = await self.session.scalars(
            select(Achievement)
            .where(Achievement.user_id == user_id)
            .order_by(Achievement.unlocked_at)
        )
        return result.all()

    async def unlock(self, user_id: uuid.UUID, code: str, now: dt.datetime) -> bool:
        """Record an achievement; True only for the one caller that actually unlocked it."""
        result = await self.session.execute(
            _insert(self.session, Achievement)
            .values(user_id=user_id, code=code, unlocked_at=now)
            .on_conflict_do_nothing(index_elements=["user_id", "code"])
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def add(self, row: object) -> None:
        self.session.add(row)

    async def flush(self) -> None:
        await self.session.flush()
