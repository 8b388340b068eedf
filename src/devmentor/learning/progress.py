"""A learner's progress: skill states over the prerequisite graph, streaks, "what next".

States: **mastered** (BKT mastery ≥ 0.95), **in progress** (answered at least once, or a
session is open), **available** (every prerequisite mastered) and **locked** (the rest).
A skill once started stays startable even if a prerequisite's mastery later drops.

The recommendation, in order: reviews that are due (forgetting is the most expensive
thing to put off), the session left open, the started skill closest to mastery, then the
first available skill in the curriculum's prerequisite order.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection, Mapping

from devmentor.curriculum.catalog import Catalog
from devmentor.curriculum.model import Bloom, Skill
from devmentor.learning import mastery, schemas, views
from devmentor.learning.models import SkillProgress
from devmentor.learning.repository import LearningRepository

HISTORY_POINTS = 200


def day_streak(days: Collection[dt.date], today: dt.date) -> int:
    """Consecutive days in ``days`` ending today, or yesterday (today isn't over yet)."""
    day = today if today in days else today - dt.timedelta(days=1)
    streak = 0
    while day in days:
        streak += 1
        day -= dt.timedelta(days=1)
    return streak


def _levels(bits: int) -> list[Bloom]:
    return [level for level in Bloom if bits & (1 << level.rank)]


class ProgressReader:
    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog

    def missing_prerequisites(
        self, skill: Skill, progress: Mapping[str, SkillProgress]
    ) -> list[str]:
        return [
            prerequisite
            for prerequisite in skill.prerequisites
            if (row := progress.get(prerequisite)) is None or row.mastery < mastery.MASTERED
        ]

    def any_area_complete(self, mastered: Collection[str]) -> bool:
        areas: dict[str, list[str]] = {}
        for skill in self._catalog.skills.values():
            areas.setdefault(skill.area, []).append(skill.id)
        return any(all(skill_id in mastered for skill_id in ids) for ids in areas.values())

    async def read(
        self, repo: LearningRepository, user_id: uuid.UUID, now: dt.datetime
    ) -> schemas.ProgressOut:
        rows = {row.skill_id: row for row in await repo.all_progress(user_id)}
        active = {
            session.skill_id: session.id
            for session in await repo.active_sessions(user_id)
            if session.kind == "learn" and session.skill_id
        }
        next_reviews = await repo.next_review_per_skill(user_id)
        activity = list(await repo.activity(user_id))
        reviews_due = await repo.count_due(user_id, now)
        history = await repo.history(user_id, HISTORY_POINTS)

        skills: list[schemas.SkillProgress] = []
        for skill_id in self._catalog.order():
            skill = self._catalog.skills[skill_id]
            row = rows.get(skill.id)
            missing = self.missing_prerequisites(skill, rows)
            if row is not None and row.mastery >= mastery.MASTERED:
                state = "mastered"
            elif (row is not None and row.attempts > 0) or skill.id in active:
                state = "in_progress"
            elif not missing or row is not None:
                state = "available"
            else:
                state = "locked"
            attempts = row.attempts if row else 0
            correct = row.correct if row else 0
            passed = _levels(row.levels_passed) if row else []
            skills.append(
                schemas.SkillProgress(
                    skill=views.skill_ref(skill, skill.id),
                    state=state,
                    prerequisites=list(skill.prerequisites),
                    missing_prerequisites=missing,
                    mastery=round(row.mastery, 4) if row else 0.0,
                    level=Bloom(row.level) if row else Bloom.REMEMBER,
                    best_level=passed[-1] if passed else None,
                    levels_passed=passed,
                    attempts=attempts,
                    correct=correct,
                    accuracy=round(correct / attempts, 4) if attempts else None,
                    next_review=next_reviews.get(skill.id),
                    active_session=active.get(skill.id),
                    last_practiced_at=row.last_practiced_at if row else None,
                )
            )

        answered = sum(s.attempts for s in skills)
        correct_total = sum(s.correct for s in skills)
        today = now.date()
        counts = {
            state: sum(1 for s in skills if s.state == state)
            for state in ("mastered", "in_progress", "available", "locked")
        }
        overall = schemas.OverallProgress(
            streak_days=day_streak({a.day for a in activity if a.answers > 0}, today),
            review_streak_days=day_streak({a.day for a in activity if a.reviews > 0}, today),
            seconds_spent=sum(a.seconds for a in activity),
            answered=answered,
            correct=correct_total,
            accuracy=round(correct_total / answered, 4) if answered else None,
            mastered=counts["mastered"],
            in_progress=counts["in_progress"],
            available=counts["available"],
            locked=counts["locked"],
            reviews_due=reviews_due,
        )
        return schemas.ProgressOut(
            overall=overall,
            skills=skills,
            next=self._recommend(skills, active, reviews_due),
            history=[
                schemas.MasteryPoint(at=at, skill_id=skill_id, mastery=round(value, 4), correct=ok)
                for at, skill_id, value, ok in history
            ],
        )

    def _recommend(
        self,
        skills: list[schemas.SkillProgress],
        active: Mapping[str, uuid.UUID],
        reviews_due: int,
    ) -> schemas.Recommendation:
        if reviews_due:
            noun = "review is" if reviews_due == 1 else "reviews are"
            return schemas.Recommendation(
                action="review",
                skill=None,
                reason=f"{reviews_due} {noun} due: recall beats relearning.",
            )
        for entry in skills:
            if entry.active_session is not None and entry.state != "mastered":
                return schemas.Recommendation(
                    action="resume",
                    skill=entry.skill,
                    session_id=entry.active_session,
                    reason=f"Pick up your open session on {entry.skill.title}.",
                )
        started = [s for s in skills if s.state == "in_progress"]
        if started:
            best = max(started, key=lambda s: s.mastery)
            return schemas.Recommendation(
                action="continue",
                skill=best.skill,
                reason=f"{best.skill.title} is {round(best.mastery * 100)} % mastered: keep going.",
            )
        available = [s for s in skills if s.state == "available"]
        if available:
            first = available[0]
            return schemas.Recommendation(
                action="start",
                skill=first.skill,
                reason=f"{first.skill.title} is next, and its prerequisites are done.",
            )
        return schemas.Recommendation(
            action="done",
            skill=None,
            reason="Every skill is mastered. Reviews will keep it that way.",
        )
