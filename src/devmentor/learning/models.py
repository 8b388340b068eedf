"""Tables of the learning domain.

- ``learning_sessions``: one learning or review session of a user.
- ``learning_steps``: the questions of a session in order (with the lesson shown before
  one, if any). A step keeps the full question, answer key included, because generated
  questions exist nowhere else; the API only ever serves its public view.
- ``learning_responses``: the answers. One per step (a unique constraint), written in the
  same transaction as the mastery it moved: an answer is never half recorded, and two
  concurrent submissions of one step cannot both count.
- ``learning_skill_progress``: per user and skill, the BKT mastery, the working Bloom
  level, the Elo ability and the counters progress is made of.
- ``learning_question_ratings``: Elo difficulty of bank questions, from all learners.
- ``learning_review_cards``: one FSRS card per user and answered question.
- ``learning_activity``: per user and UTC day, what was done (streaks, time spent).
- ``learning_achievements``: unlocked achievements; the primary key makes each unlock
  happen once.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from devmentor.kit.db import Base, UTCDateTime, utcnow

_USER_FK = "users.id"


class LearningSession(Base):
    __tablename__ = "learning_sessions"
    __table_args__ = (
        # At most one active learning session per user and skill: starting twice resumes.
        Index(
            "ux_learning_sessions_active_skill",
            "user_id",
            "skill_id",
            unique=True,
            sqlite_where=text("status = 'active' AND kind = 'learn'"),
            postgresql_where=text("status = 'active' AND kind = 'learn'"),
        ),
        Index("ix_learning_sessions_user_id_status", "user_id", "status"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid(), primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid(), ForeignKey(_USER_FK, ondelete="CASCADE"), nullable=False
    )
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    #: The skill of a learning session; a review session may span skills (then None).
    skill_id: Mapped[str | None] = mapped_column(String(120), nullable=True)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="active")
    end_reason: Mapped[str | None] = mapped_column(String(16), nullable=True)
    #: The learner's code sample the session's lessons point at (never executed).
    code: Mapped[str | None] = mapped_column(Text, nullable=True)
    language: Mapped[str | None] = mapped_column(String(20), nullable=True)
    answered: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    correct: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    seconds_spent: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    mastery_at_start: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    #: Bumped by every write: the cached view of an older version is never served.
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    last_activity_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime(), nullable=False, default=utcnow
    )
    completed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class LearningStep(Base):
    __tablename__ = "learning_steps"
    __table_args__ = (UniqueConstraint("session_id", "position"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid(), primary_key=True, default=uuid.uuid4)
    session_id: Mapped[uuid.UUID] = mapped_column(
        Uuid(), ForeignKey("learning_sessions.id", ondelete="CASCADE"), nullable=False
    )
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    skill_id: Mapped[str] = mapped_column(String(120), nullable=False)
    bloom: Mapped[str] = mapped_column(String(10), nullable=False)
    #: "bank", "generated" or "review".
    source: Mapped[str] = mapped_column(String(10), nullable=False)
    #: Who produced the question ("offline", "openai", ... or "bank").
    provider: Mapped[str] = mapped_column(String(32), nullable=False)
    question_id: Mapped[str] = mapped_column(String(80), nullable=False)
    #: The full question, answer key included: never sent to a client.
    question: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    lesson: Mapped[str | None] = mapped_column(Text, nullable=True)
    lesson_provider: Mapped[str | None] = mapped_column(String(32), nullable=True)
    #: "intro" or "re_explain" when a lesson comes with the question.
    lesson_reason: Mapped[str | None] = mapped_column(String(12), nullable=True)
    hints_shown: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class LearningResponse(Base):
    __tablename__ = "learning_responses"
    __table_args__ = (
        UniqueConstraint("step_id"),
        Index("ix_learning_responses_user_id_created_at", "user_id", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid(), primary_key=True, default=uuid.uuid4)
    step_id: Mapped[uuid.UUID] = mapped_column(
        Uuid(), ForeignKey("learning_steps.id", ondelete="CASCADE"), nullable=False
    )
    session_id: Mapped[uuid.UUID] = mapped_column(
        Uuid(), ForeignKey("learning_sessions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid(), ForeignKey(_USER_FK, ondelete="CASCADE"), nullable=False
    )
    skill_id: Mapped[str] = mapped_column(String(120), nullable=False)
    question_id: Mapped[str] = mapped_column(String(80), nullable=False)
    bloom: Mapped[str] = mapped_column(String(10), nullable=False)
    answer: Mapped[Any] = mapped_column(JSON, nullable=False)
    correct: Mapped[bool] = mapped_column(Boolean, nullable=False)
    score: Mapped[float] = mapped_column(Float, nullable=False)
    feedback: Mapped[str] = mapped_column(Text, nullable=False)
    hints_used: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    mastery_before: Mapped[float] = mapped_column(Float, nullable=False)
    mastery_after: Mapped[float] = mapped_column(Float, nullable=False)
    seconds: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)


class SkillProgress(Base):
    __tablename__ = "learning_skill_progress"

    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid(), ForeignKey(_USER_FK, ondelete="CASCADE"), primary_key=True
    )
    skill_id: Mapped[str] = mapped_column(String(120), primary_key=True)
    #: BKT: the probability the learner knows the skill.
    mastery: Mapped[float] = mapped_column(Float, nullable=False)
    #: The Bloom level the next question is asked at, and the streaks that move it.
    level: Mapped[str] = mapped_column(String(10), nullable=False)
    streak_correct: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    streak_wrong: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    #: Bloom levels answered correctly at least once, as a bit per level (remember = 1).
    levels_passed: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    #: Elo ability of the learner in this skill.
    ability: Mapped[float] = mapped_column(Float, nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    correct: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    seconds_spent: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    last_practiced_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    mastered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class QuestionRating(Base):
    __tablename__ = "learning_question_ratings"

    skill_id: Mapped[str] = mapped_column(String(120), primary_key=True)
    question_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    rating: Mapped[float] = mapped_column(Float, nullable=False)
    answers: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)


class ReviewCard(Base):
    __tablename__ = "learning_review_cards"
    __table_args__ = (
        UniqueConstraint("user_id", "skill_id", "question_id"),
        Index("ix_learning_review_cards_user_id_due", "user_id", "due"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid(), primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid(), ForeignKey(_USER_FK, ondelete="CASCADE"), nullable=False
    )
    skill_id: Mapped[str] = mapped_column(String(120), nullable=False)
    question_id: Mapped[str] = mapped_column(String(80), nullable=False)
    bloom: Mapped[str] = mapped_column(String(10), nullable=False)
    #: The question as it was asked (generated questions exist nowhere else).
    question: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    #: The FSRS card (``fsrs.Card.to_dict()``).
    card: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    due: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False)
    reviews: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    last_review_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class Activity(Base):
    __tablename__ = "learning_activity"

    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid(), ForeignKey(_USER_FK, ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    answers: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    reviews: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    seconds: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class Achievement(Base):
    __tablename__ = "learning_achievements"

    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid(), ForeignKey(_USER_FK, ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    unlocked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
