"""Learning sessions: the loop of lesson, question, answer, feedback and the next question.

Transactions. Unlike most services, this one opens its own units of work (from the
process's :class:`~devmentor.kit.db.Database`), because a turn of the loop calls things
that may take seconds: a model writing a lesson or a question, the sandbox running an
exercise. No transaction is held open across them (a SQLite write lock held for a model
call would stall every other writer). Each request therefore does: read (short
transaction), generate or grade (no transaction), write (short transaction, which
re-checks what it read with conditional updates).

Durability. An answer, the mastery it moves, the question's rating, the review card,
the day's activity and any achievement are written in ONE transaction before the reply.
The next question is written in a later one; if the process dies in between, the next
read of the session notices there is no pending question and makes one. A restart loses
nothing and the session resumes.

Cache. A session's public view lives in the cache tiers under ``learning:session:<id>``;
writers replace it after they commit, readers fill it on a miss. Answer keys are never
in it.

Events (topic ``user:<id>``, published after commit): ``session:started``,
``content:generated``, ``progress:updated``, ``achievement:unlocked``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import structlog
from sqlalchemy.exc import IntegrityError

from devmentor.curriculum.catalog import Catalog
from devmentor.curriculum.grading import InvalidAnswer as CurriculumInvalidAnswer
from devmentor.curriculum.model import Bloom, Question, Skill
from devmentor.kit.cache import CacheTiers
from devmentor.kit.db import Database, after_commit, utcnow
from devmentor.kit.events import EventBus
from devmentor.learning import achievements as ach
from devmentor.learning import elo, mastery, schemas, views
from devmentor.learning.content import ContentService
from devmentor.learning.exceptions import (
    AlreadyAnswered,
    InvalidAnswer,
    NothingToReview,
    QuestionNotInSession,
    SessionCompleted,
    SessionNotFound,
    SkillLocked,
    UnknownSkill,
)
from devmentor.learning.models import (
    LearningResponse,
    LearningSession,
    LearningStep,
    ReviewCard,
    SkillProgress,
)
from devmentor.learning.progress import ProgressReader, day_streak
from devmentor.learning.repository import LearningRepository
from devmentor.learning.scheduling import ReviewScheduler, rating_for
from devmentor.settings import LearningSettings

log = structlog.get_logger(__name__)

ALL_LEVELS = (1 << len(Bloom)) - 1
NO_MORE_HINTS = "No more hints for this one: try an answer, and the feedback explains the rest."
#: Readers fill the cache for less time than writers: a reader's copy may race a write.
_READER_CACHE_SECONDS = 60.0


def topic(user_id: uuid.UUID) -> str:
    return f"user:{user_id}"


def _cache_key(session_id: uuid.UUID) -> str:
    return f"learning:session:{session_id}"


@dataclass
class _Turn:
    """What a write transaction learned, for the reply and the next question."""

    progress: SkillProgress
    level_change: str
    re_explain: bool
    unlocked: list[str]


Publish = Callable[[], Awaitable[object]]


class LearningService:
    def __init__(
        self,
        db: Database,
        cache: CacheTiers,
        events: EventBus,
        content: ContentService,
        catalog: Catalog,
        settings: LearningSettings,
        scheduler: ReviewScheduler,
    ) -> None:
        self._db = db
        self._cache = cache
        self._events = events
        self._content = content
        self._catalog = catalog
        self._settings = settings
        self._scheduler = scheduler
        self._progress = ProgressReader(catalog)

    # -- helpers ---------------------------------------------------------------------

    def _skill(self, skill_id: str) -> Skill:
        skill = self._catalog.skill(skill_id)
        if skill is None:
            raise UnknownSkill(f"There is no skill {skill_id!r}.", extra={"skill_id": skill_id})
        return skill

    def _publish(self, user_id: uuid.UUID, kind: str, data: dict[str, Any]) -> Publish:
        async def publish() -> None:
            try:
                await self._events.publish(topic(user_id), kind, data)
            except Exception as exc:  # an event is a notification, not the record
                log.warning("learning_event_failed", kind=kind, error=type(exc).__name__)

        return publish

    @staticmethod
    async def _owned(
        repo: LearningRepository, user_id: uuid.UUID, session_id: uuid.UUID
    ) -> LearningSession:
        session = await repo.get_session(session_id)
        if session is None or session.user_id != user_id:
            raise SessionNotFound(f"No session {session_id} of yours.")
        return session

    def _new_progress(self, user_id: uuid.UUID, skill: Skill, now: dt.datetime) -> dict[str, Any]:
        return {
            "user_id": user_id,
            "skill_id": skill.id,
            "mastery": mastery.BKTParams().p_init,
            "level": Bloom.REMEMBER.value,
            "streak_correct": 0,
            "streak_wrong": 0,
            "levels_passed": 0,
            "ability": elo.BASE_RATING,
            "attempts": 0,
            "correct": 0,
            "seconds_spent": 0,
            "started_at": now,
        }

    async def _unlock(
        self, repo: LearningRepository, user_id: uuid.UUID, facts: ach.Facts, now: dt.datetime
    ) -> list[str]:
        unlocked: list[str] = []
        for code in ach.earned(facts):
            if await repo.unlock(user_id, code, now):
                unlocked.append(code)
                definition = ach.BY_CODE[code]
                after_commit(
                    repo.session,
                    self._publish(
                        user_id,
                        "achievement:unlocked",
                        {
                            "code": code,
                            "title": definition.title,
                            "description": definition.description,
                        },
                    ),
                )
        return unlocked

    @staticmethod
    def _achievement_outs(codes: Sequence[str], now: dt.datetime) -> list[schemas.AchievementOut]:
        return [
            schemas.AchievementOut(
                code=code,
                title=ach.BY_CODE[code].title,
                description=ach.BY_CODE[code].description,
                unlocked_at=now,
            )
            for code in codes
        ]

    # -- reading a session -----------------------------------------------------------

    async def _view(self, repo: LearningRepository, session: LearningSession) -> schemas.SessionOut:
        steps = list(await repo.steps(session.id))
        responses = list(await repo.responses(session.id))
        skill_id = session.skill_id or (steps[-1].skill_id if steps else None)
        level, known = Bloom.REMEMBER, mastery.BKTParams().p_init
        if skill_id is not None:
            progress = await repo.progress(session.user_id, skill_id)
            if progress is not None:
                level, known = Bloom(progress.level), progress.mastery
        return views.session_out(
            session, steps, responses, self._catalog, level=level, mastery=known
        )

    async def _store_view(self, view: schemas.SessionOut, user_id: uuid.UUID, ttl: float) -> None:
        await self._cache.set(
            _cache_key(view.id),
            {"user_id": str(user_id), "view": view.model_dump(mode="json")},
            ttl=ttl,
        )

    async def get(self, user_id: uuid.UUID, session_id: uuid.UUID) -> schemas.SessionOut:
        cached = await self._cache.get(_cache_key(session_id))
        if isinstance(cached, dict) and cached.get("user_id") == str(user_id):
            return schemas.SessionOut.model_validate(cached["view"])
        async with self._db.session() as unit:
            repo = LearningRepository(unit)
            session = await self._owned(repo, user_id, session_id)
            view = await self._view(repo, session)
        if view.status == "active" and view.current_step is None and view.end_reason is None:
            # The process stopped between recording an answer and writing the next
            # question: make it now.
            return await self._advance(user_id, session_id, re_explain=False)
        await self._store_view(view, user_id, _READER_CACHE_SECONDS)
        return view

    # -- starting --------------------------------------------------------------------

    async def start(
        self, user_id: uuid.UUID, body: schemas.StartSession
    ) -> tuple[schemas.SessionOut, bool]:
        """A new session (True), or the learner's active session of that skill (False)."""
        if body.kind == "review":
            return await self._start_review(user_id, body.skill_id), True
        assert body.skill_id is not None  # the schema requires it for learning sessions
        skill = self._skill(body.skill_id)
        now = utcnow()
        async with self._db.session() as unit:
            repo = LearningRepository(unit)
            existing = await repo.active_session(user_id, skill.id)
            if existing is not None:
                return await self._view(repo, existing), False
            everything = {row.skill_id: row for row in await repo.all_progress(user_id)}
            missing = self._progress.missing_prerequisites(skill, everything)
            if missing and skill.id not in everything:
                raise SkillLocked(
                    "Master the prerequisites first: " + ", ".join(missing) + ".",
                    extra={"missing_prerequisites": missing},
                )
            progress = everything.get(skill.id)
            known = progress.mastery if progress is not None else mastery.BKTParams().p_init
            level = Bloom(progress.level) if progress is not None else Bloom.REMEMBER
            ability = progress.ability if progress is not None else elo.BASE_RATING
            ratings = {qid: row.rating for qid, row in (await repo.ratings(skill.id)).items()}

        seed = uuid.uuid4().hex
        lesson = await self._content.lesson(
            user_id, skill, level, reason="intro", code=body.code, language=body.language
        )
        picked, level = await self._pick(
            user_id, skill, level, set(), ability, ratings, seed, body.code, body.language
        )
        if picked is None:  # cannot happen with a validated bank (3+ per level)
            raise UnknownSkill(f"{skill.id} has no questions.")

        async with self._db.session() as unit:
            repo = LearningRepository(unit)
            session = LearningSession(
                user_id=user_id,
                kind="learn",
                skill_id=skill.id,
                status="active",
                code=body.code,
                language=body.language,
                mastery_at_start=known,
                started_at=now,
                last_activity_at=now,
            )
            repo.add(session)
            try:
                await repo.flush()
            except IntegrityError:
                # Another tab started this skill a moment ago: resume that session.
                await unit.rollback()
                existing = await repo.active_session(user_id, skill.id)
                if existing is None:
                    raise
                return await self._view(repo, existing), False
            await repo.ensure_progress(self._new_progress(user_id, skill, now))
            step = self._step(
                session,
                1,
                skill.id,
                level,
                picked,
                lesson_text=lesson.markdown,
                lesson_provider=lesson.provider,
                lesson_reason="intro",
            )
            repo.add(step)
            await repo.flush()
            after_commit(
                unit,
                self._publish(
                    user_id,
                    "session:started",
                    {"session_id": str(session.id), "kind": "learn", "skill_id": skill.id},
                ),
            )
            after_commit(unit, self._content_event(user_id, session.id, step, lesson=True))
            started = await repo.count_sessions(user_id)
            unlocked = await self._unlock(repo, user_id, ach.Facts(sessions_started=started), now)
            view = await self._view(repo, session)
        await self._store_view(view, user_id, self._settings.session_cache_seconds)
        log.info(
            "learning_session_started",
            session_id=str(view.id),
            skill=skill.id,
            level=level.value,
            source=picked.source,
            achievements=unlocked,
        )
        return view, True

    async def _start_review(self, user_id: uuid.UUID, skill_id: str | None) -> schemas.SessionOut:
        if skill_id is not None:
            self._skill(skill_id)
        now = utcnow()
        async with self._db.session() as unit:
            repo = LearningRepository(unit)
            due = await repo.due_cards(user_id, now, skill_id=skill_id, limit=1)
            if not due:
                raise NothingToReview(
                    "No review is due yet.",
                    extra={"next_due_at": str(await repo.next_due(user_id, now))},
                )
            session = LearningSession(
                user_id=user_id,
                kind="review",
                skill_id=skill_id,
                status="active",
                started_at=now,
                last_activity_at=now,
            )
            repo.add(session)
            await repo.flush()
            step = self._review_step(session, 1, due[0])
            repo.add(step)
            await repo.flush()
            view = await self._view(repo, session)
            after_commit(
                unit,
                self._publish(
                    user_id,
                    "session:started",
                    {"session_id": str(session.id), "kind": "review", "skill_id": skill_id},
                ),
            )
            after_commit(unit, self._content_event(user_id, session.id, step, lesson=False))
        await self._store_view(view, user_id, self._settings.session_cache_seconds)
        return view

    def _content_event(
        self, user_id: uuid.UUID, session_id: uuid.UUID, step: LearningStep, *, lesson: bool
    ) -> Publish:
        return self._publish(
            user_id,
            "content:generated",
            {
                "session_id": str(session_id),
                "step_id": str(step.id),
                "position": step.position,
                "skill_id": step.skill_id,
                "bloom": step.bloom,
                "source": step.source,
                "provider": step.provider,
                "lesson": lesson and step.lesson is not None,
                "lesson_provider": step.lesson_provider,
            },
        )

    @staticmethod
    def _step(
        session: LearningSession,
        position: int,
        skill_id: str,
        level: Bloom,
        picked: Any,
        *,
        lesson_text: str | None,
        lesson_provider: str | None,
        lesson_reason: str | None,
    ) -> LearningStep:
        question: Question = picked.question
        return LearningStep(
            id=uuid.uuid4(),
            session_id=session.id,
            position=position,
            skill_id=skill_id,
            bloom=question.bloom.value if question.bloom else level.value,
            source=picked.source,
            provider=picked.provider,
            question_id=question.id,
            question=views.dump_question(question),
            lesson=lesson_text,
            lesson_provider=lesson_provider,
            lesson_reason=lesson_reason,
            created_at=utcnow(),
        )

    @staticmethod
    def _review_step(session: LearningSession, position: int, card: ReviewCard) -> LearningStep:
        return LearningStep(
            id=uuid.uuid4(),
            session_id=session.id,
            position=position,
            skill_id=card.skill_id,
            bloom=card.bloom,
            source="review",
            provider="review",
            question_id=card.question_id,
            question=card.question,
            created_at=utcnow(),
        )

    async def _pick(
        self,
        user_id: uuid.UUID,
        skill: Skill,
        level: Bloom,
        asked: set[str],
        ability: float,
        ratings: dict[str, float],
        seed: str,
        code: str | None,
        language: str | None,
    ) -> tuple[Any, Bloom]:
        """A question at ``level``, or the nearest level with one left (lower first)."""
        order = sorted(Bloom, key=lambda b: (abs(b.rank - level.rank), b.rank > level.rank))
        for candidate_level in order:
            candidates = {
                q.id: ratings.get(q.id, elo.initial_difficulty(skill.difficulty, q.bloom))
                for q in skill.questions
                if q.bloom is candidate_level and q.id not in asked
            }
            if not candidates:
                # The bank has nothing left at this level; a model could write more, but
                # the nearest level with a checked question serves the learner better.
                continue
            prefer = elo.rank_candidates(ability, candidates)
            picked = await self._content.question(
                user_id,
                skill,
                candidate_level,
                exclude=sorted(asked),
                prefer=prefer,
                seed=seed,
                code=code,
                language=language,
            )
            if picked is not None:
                return picked, candidate_level
        return None, level

    # -- answering -------------------------------------------------------------------

    async def hint(
        self, user_id: uuid.UUID, session_id: uuid.UUID, question_id: str
    ) -> dict[str, Any]:
        async with self._db.session() as unit:
            repo = LearningRepository(unit)
            session = await self._owned(repo, user_id, session_id)
            step = await self._pending_step(repo, session, question_id)
            question = views.load_question(step.question)
            number = step.hints_shown + 1
            if number > len(question.hints):
                return {
                    "hint": NO_MORE_HINTS,
                    "hint_html": "",
                    "number": step.hints_shown,
                    "remaining": 0,
                }
            await repo.show_hint(step.id, step.hints_shown)
            text = question.hints[number - 1]
            after_commit(unit, lambda: self._cache.delete(_cache_key(session_id)))
        return {
            "hint": text,
            "hint_html": views.html(text),
            "number": number,
            "remaining": len(question.hints) - number,
        }

    async def _pending_step(
        self, repo: LearningRepository, session: LearningSession, question_id: str
    ) -> LearningStep:
        if session.status != "active":
            raise SessionCompleted("This session is completed; start a new one.")
        steps = await repo.steps(session.id)
        matching = [step for step in steps if step.question_id == question_id]
        if not matching:
            raise QuestionNotInSession(
                f"Question {question_id!r} is not part of this session.",
                extra={"question_id": question_id},
            )
        step = matching[-1]
        if step.answered_at is not None:
            raise AlreadyAnswered("This question was already answered; go on to the next one.")
        return step

    async def respond(
        self, user_id: uuid.UUID, session_id: uuid.UUID, body: schemas.AnswerIn
    ) -> schemas.ResponseResult:
        async with self._db.session() as unit:
            repo = LearningRepository(unit)
            session = await self._owned(repo, user_id, session_id)
            step = await self._pending_step(repo, session, body.question_id)
            question = views.load_question(step.question)
            skill = self._skill(step.skill_id)
            hints_used = step.hints_shown

        try:
            grade = await self._content.grade(user_id, skill, question, body.answer)
        except CurriculumInvalidAnswer as exc:
            raise InvalidAnswer(str(exc), extra={"question_id": body.question_id}) from exc

        now = utcnow()
        seconds = max(
            0,
            min(
                int((now - step.created_at).total_seconds()), self._settings.max_seconds_per_answer
            ),
        )
        async with self._db.session() as unit:
            repo = LearningRepository(unit)
            if not await repo.claim_step(step.id, now):
                raise AlreadyAnswered("This question was already answered; go on to the next one.")
            if not await repo.count_answer(
                session_id, correct=grade.correct, seconds=seconds, now=now
            ):
                raise SessionCompleted("This session was completed meanwhile; start a new one.")
            turn = await self._record(
                repo,
                session,
                step,
                skill,
                question,
                body.answer,
                grade.correct,
                grade.score,
                grade.feedback,
                hints_used,
                seconds,
                now,
            )
            refreshed = await repo.get_session(session_id)
            assert refreshed is not None
            answered, correct_count = refreshed.answered, refreshed.correct
            progress = turn.progress
            after_commit(
                unit,
                self._publish(
                    user_id,
                    "progress:updated",
                    {
                        "session_id": str(session_id),
                        "skill_id": skill.id,
                        "mastery": round(progress.mastery, 4),
                        "level": progress.level,
                        "mastered": progress.mastery >= mastery.MASTERED,
                        "correct": grade.correct,
                        "answered": answered,
                    },
                ),
            )
        log.info(
            "learning_answer_recorded",
            session_id=str(session_id),
            skill=skill.id,
            bloom=step.bloom,
            correct=grade.correct,
            score=round(grade.score, 3),
            mastery=round(turn.progress.mastery, 4),
            level_change=turn.level_change,
            achievements=turn.unlocked,
        )

        view = await self._advance(user_id, session_id, re_explain=turn.re_explain)
        return schemas.ResponseResult(
            correct=grade.correct,
            score=round(grade.score, 4),
            feedback=grade.feedback,
            feedback_html=views.html(grade.feedback),
            mastery=round(turn.progress.mastery, 4),
            mastered=turn.progress.mastery >= mastery.MASTERED,
            level=Bloom(turn.progress.level),
            level_change=turn.level_change,
            next_step=view.current_step,
            end_reason=view.end_reason,
            answered=answered,
            correct_count=correct_count,
            achievements=self._achievement_outs(turn.unlocked, now),
        )

    async def _record(
        self,
        repo: LearningRepository,
        session: LearningSession,
        step: LearningStep,
        skill: Skill,
        question: Question,
        answer: Any,
        correct: bool,
        score: float,
        feedback: str,
        hints_used: int,
        seconds: int,
        now: dt.datetime,
    ) -> _Turn:
        user_id = session.user_id
        await repo.ensure_progress(self._new_progress(user_id, skill, now))
        progress = await repo.progress(user_id, skill.id)
        assert progress is not None
        before = progress.mastery
        # Partial credit counts as evidence in proportion; a correct verdict as full.
        evidence = 1.0 if correct else min(score, 0.5)
        after = mastery.update(before, evidence, mastery.params_for(question))
        level_before = Bloom(progress.level)
        if session.kind == "learn":
            decision = mastery.next_level(
                mastery.LevelState(level_before, progress.streak_correct, progress.streak_wrong),
                correct=correct,
                mastery_after=after,
            )
            progress.level = decision.state.level.value
            progress.streak_correct = decision.state.streak_correct
            progress.streak_wrong = decision.state.streak_wrong
            level_change, re_explain = decision.change, decision.re_explain
        else:
            level_change, re_explain = "same", False
        if correct:
            progress.levels_passed |= 1 << question.bloom.rank
            progress.correct += 1

        if step.source in ("bank", "review") and any(q.id == question.id for q in skill.questions):
            rating = await repo.rating_for_update(
                skill.id, question.id, elo.initial_difficulty(skill.difficulty, question.bloom)
            )
            progress.ability, rating.rating = elo.update(
                progress.ability,
                rating.rating,
                score,
                learner_answers=progress.attempts,
                question_answers=rating.answers,
            )
            rating.answers += 1
            rating.updated_at = now
        progress.attempts += 1
        progress.mastery = after
        progress.seconds_spent += seconds
        progress.last_practiced_at = now
        newly_mastered = after >= mastery.MASTERED and progress.mastered_at is None
        if newly_mastered:
            progress.mastered_at = now

        repo.add(
            LearningResponse(
                step_id=step.id,
                session_id=session.id,
                user_id=user_id,
                skill_id=skill.id,
                question_id=question.id,
                bloom=question.bloom.value,
                answer=answer,
                correct=correct,
                score=score,
                feedback=feedback,
                hints_used=hints_used,
                mastery_before=before,
                mastery_after=after,
                seconds=seconds,
                created_at=now,
            )
        )
        await self._schedule(
            repo,
            user_id,
            skill,
            question,
            step,
            correct=correct,
            score=score,
            hints_used=hints_used,
            now=now,
        )
        review = session.kind == "review"
        await repo.record_activity(user_id, now.date(), seconds=seconds, review=review)
        await repo.flush()

        facts = await self._answer_facts(
            repo, user_id, session, step, progress, correct, review, now
        )
        unlocked = await self._unlock(repo, user_id, facts, now)
        return _Turn(progress, level_change, re_explain, unlocked)

    async def _schedule(
        self,
        repo: LearningRepository,
        user_id: uuid.UUID,
        skill: Skill,
        question: Question,
        step: LearningStep,
        *,
        correct: bool,
        score: float,
        hints_used: int,
        now: dt.datetime,
    ) -> None:
        card = await repo.card(user_id, skill.id, question.id)
        rating = rating_for(correct=correct, score=score, hints_used=hints_used)
        state = self._scheduler.review(
            None if card is None else ReviewScheduler.load(card.card, card.reviews), rating, now
        )
        if card is None:
            repo.add(
                ReviewCard(
                    user_id=user_id,
                    skill_id=skill.id,
                    question_id=question.id,
                    bloom=question.bloom.value,
                    question=step.question,
                    card=state.card,
                    due=state.due,
                    reviews=state.reviews,
                    created_at=now,
                    last_review_at=now,
                )
            )
        else:
            card.card, card.due, card.reviews, card.last_review_at = (
                state.card,
                state.due,
                state.reviews,
                now,
            )

    async def _answer_facts(
        self,
        repo: LearningRepository,
        user_id: uuid.UUID,
        session: LearningSession,
        step: LearningStep,
        progress: SkillProgress,
        correct: bool,
        review: bool,
        now: dt.datetime,
    ) -> ach.Facts:
        everything = list(await repo.all_progress(user_id))
        mastered = {row.skill_id for row in everything if row.mastery >= mastery.MASTERED}
        # The question after a step down comes with the re-explanation.
        bounced = correct and step.lesson_reason == "re_explain"
        review_streak = 0
        if review:
            days = {row.day for row in await repo.activity(user_id) if row.reviews > 0}
            review_streak = day_streak(days, now.date())
        return ach.Facts(
            mastered_skills=len(mastered),
            full_ladder=progress.levels_passed & ALL_LEVELS == ALL_LEVELS,
            bounced_back=bounced,
            area_complete=self._progress.any_area_complete(mastered),
            review_streak_days=review_streak,
        )

    # -- the next question -----------------------------------------------------------

    async def _advance(
        self, user_id: uuid.UUID, session_id: uuid.UUID, *, re_explain: bool
    ) -> schemas.SessionOut:
        """Write the session's next question (or its end) and return the fresh view."""
        async with self._db.session() as unit:
            repo = LearningRepository(unit)
            session = await self._owned(repo, user_id, session_id)
            steps = list(await repo.steps(session.id))
            pending = [step for step in steps if step.answered_at is None]
            if session.status != "active" or pending or session.end_reason is not None:
                return await self._view(repo, session)
            position = len(steps) + 1
            if session.kind == "review":
                return await self._advance_review(repo, session, steps, position)
            skill = self._skill(session.skill_id or "")
            progress = await repo.progress(user_id, skill.id)
            assert progress is not None  # written with the first answer
            end = self._end_reason(session, progress)
            if end is None:
                level, ability = Bloom(progress.level), progress.ability
                ratings = {qid: row.rating for qid, row in (await repo.ratings(skill.id)).items()}
                asked = {step.question_id for step in steps}
                code, language = session.code, session.language
        if end is not None:
            return await self._finish(user_id, session_id, end)

        seed = f"{session_id}:{position}"
        picked, level = await self._pick(
            user_id, skill, level, asked, ability, ratings, seed, code, language
        )
        if picked is None:
            return await self._finish(user_id, session_id, "exhausted")
        lesson = None
        if re_explain:
            lesson = await self._content.lesson(
                user_id, skill, level, reason="re_explain", code=code, language=language
            )

        async with self._db.session() as unit:
            repo = LearningRepository(unit)
            session = await self._owned(repo, user_id, session_id)
            step = self._step(
                session,
                position,
                skill.id,
                level,
                picked,
                lesson_text=lesson.markdown if lesson else None,
                lesson_provider=lesson.provider if lesson else None,
                lesson_reason="re_explain" if lesson else None,
            )
            repo.add(step)
            try:
                await repo.flush()
            except IntegrityError:
                # A concurrent read of this session wrote the next question first.
                await unit.rollback()
                session = await self._owned(repo, user_id, session_id)
                return await self._view(repo, session)
            session.version += 1
            view = await self._view(repo, session)
            after_commit(
                unit, self._content_event(user_id, session_id, step, lesson=lesson is not None)
            )
        await self._store_view(view, user_id, self._settings.session_cache_seconds)
        return view

    async def _advance_review(
        self,
        repo: LearningRepository,
        session: LearningSession,
        steps: list[LearningStep],
        position: int,
    ) -> schemas.SessionOut:
        now = utcnow()
        if len(steps) >= self._settings.review_questions:
            reason = "length"
        else:
            asked = [f"{step.skill_id}:{step.question_id}" for step in steps]
            due = await repo.due_cards(
                session.user_id, now, skill_id=session.skill_id, exclude=asked, limit=1
            )
            if due:
                step = self._review_step(session, position, due[0])
                repo.add(step)
                await repo.flush()
                session.version += 1
                after_commit(
                    repo.session,
                    self._content_event(session.user_id, session.id, step, lesson=False),
                )
                view = await self._view(repo, session)
                after_commit(
                    repo.session,
                    lambda: self._store_view(
                        view, session.user_id, self._settings.session_cache_seconds
                    ),
                )
                return view
            reason = "no_reviews"
        await repo.finish(session.id, reason=reason, now=now, complete=False)
        await repo.session.refresh(session)
        view = await self._view(repo, session)
        after_commit(
            repo.session,
            lambda: self._store_view(view, session.user_id, self._settings.session_cache_seconds),
        )
        return view

    def _end_reason(self, session: LearningSession, progress: SkillProgress) -> str | None:
        if session.answered >= self._settings.session_questions:
            return "length"
        if (
            progress.mastery >= mastery.MASTERED
            and progress.levels_passed & ALL_LEVELS == ALL_LEVELS
        ):
            return "mastered"
        return None

    async def _finish(
        self, user_id: uuid.UUID, session_id: uuid.UUID, reason: str
    ) -> schemas.SessionOut:
        async with self._db.session() as unit:
            repo = LearningRepository(unit)
            session = await self._owned(repo, user_id, session_id)
            await repo.finish(session_id, reason=reason, now=utcnow(), complete=False)
            await unit.refresh(session)
            view = await self._view(repo, session)
        await self._store_view(view, user_id, self._settings.session_cache_seconds)
        return view

    # -- completing ------------------------------------------------------------------

    async def complete(self, user_id: uuid.UUID, session_id: uuid.UUID) -> schemas.SessionSummary:
        now = utcnow()
        async with self._db.session() as unit:
            repo = LearningRepository(unit)
            session = await self._owned(repo, user_id, session_id)
            unlocked: list[str] = []
            if session.status == "active":
                await repo.finish(session_id, reason="completed", now=now, complete=True)
                await unit.refresh(session)
                facts = ach.Facts(
                    completed_questions=session.answered, completed_correct=session.correct
                )
                unlocked = await self._unlock(repo, user_id, facts, now)
            view = await self._view(repo, session)
            after = view.mastery
            earned = [
                a for a in await repo.achievements(user_id) if a.unlocked_at >= session.started_at
            ]
        await self._store_view(view, user_id, self._settings.session_cache_seconds)
        log.info(
            "learning_session_completed",
            session_id=str(session_id),
            answered=view.answered,
            correct=view.correct,
            achievements=unlocked,
        )
        return schemas.SessionSummary(
            session=view,
            mastery_before=round(session.mastery_at_start, 4),
            mastery_after=after,
            achievements=[
                schemas.AchievementOut(
                    code=a.code,
                    title=ach.BY_CODE[a.code].title,
                    description=ach.BY_CODE[a.code].description,
                    unlocked_at=a.unlocked_at,
                )
                for a in earned
                if a.code in ach.BY_CODE
            ],
        )

    # -- progress, reviews, achievements ---------------------------------------------

    async def progress(self, user_id: uuid.UUID) -> schemas.ProgressOut:
        async with self._db.session() as unit:
            return await self._progress.read(LearningRepository(unit), user_id, utcnow())

    async def due_reviews(self, user_id: uuid.UUID) -> schemas.DueReviews:
        now = utcnow()
        async with self._db.session() as unit:
            repo = LearningRepository(unit)
            cards = await repo.due_cards(user_id, now, limit=100)
            count = await repo.count_due(user_id, now)
            next_due = await repo.next_due(user_id, now)
        return schemas.DueReviews(
            due=[
                schemas.DueReview(
                    skill=views.skill_ref(self._catalog.skill(card.skill_id), card.skill_id),
                    question_id=card.question_id,
                    bloom=Bloom(card.bloom),
                    due=card.due,
                    reviews=card.reviews,
                )
                for card in cards
            ],
            count=count,
            next_due_at=next_due,
        )

    async def achievements(self, user_id: uuid.UUID) -> schemas.AchievementsOut:
        async with self._db.session() as unit:
            rows = {row.code: row for row in await LearningRepository(unit).achievements(user_id)}
        unlocked: list[schemas.AchievementOut] = []
        locked: list[schemas.AchievementOut] = []
        for definition in ach.ACHIEVEMENTS:
            row = rows.get(definition.code)
            out = schemas.AchievementOut(
                code=definition.code,
                title=definition.title,
                description=definition.description,
                unlocked_at=row.unlocked_at if row else None,
            )
            (unlocked if row else locked).append(out)
        return schemas.AchievementsOut(unlocked=unlocked, locked=locked)
