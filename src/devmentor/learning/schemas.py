"""Request and response bodies of the learning API (``/api/learning``, ``/api/achievements``).

Questions are served through :func:`devmentor.ai.offline.lessons.public_question`: a
learner never receives an answer key, a solution, tests, a rubric or a reference answer.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from devmentor.curriculum.model import Bloom

#: The learner's own code sample a session may start from (lessons point at its lines).
MAX_CODE_CHARS = 20_000
#: The largest answer text (an exercise's code); short answers are capped lower by grading.
MAX_ANSWER_CHARS = 100_000
MAX_ANSWER_ITEMS = 20

AnswerText = Annotated[str, StringConstraints(max_length=MAX_ANSWER_CHARS)]
ItemText = Annotated[str, StringConstraints(max_length=2_000)]
Answer = (
    int
    | Annotated[list[int], Field(max_length=MAX_ANSWER_ITEMS)]
    | Annotated[list[ItemText], Field(max_length=MAX_ANSWER_ITEMS)]
    | AnswerText
)

SessionKind = Literal["learn", "review"]
SessionStatus = Literal["active", "completed"]
#: Why a session has nothing more to ask: the skill is mastered at every level, the
#: session reached its length, the question bank ran out, no review is due, or the
#: learner completed it.
EndReason = Literal["mastered", "length", "exhausted", "no_reviews", "completed"]
SkillState = Literal["locked", "available", "in_progress", "mastered"]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StartSession(_In):
    kind: SessionKind = "learn"
    #: Required for a learning session; for a review session, limits it to one skill.
    skill_id: str | None = Field(default=None, max_length=120)
    #: Optional: a sample of the learner's own code; lessons point at its lines.
    code: str | None = Field(default=None, max_length=MAX_CODE_CHARS)
    language: str | None = Field(default=None, pattern=r"^[a-z0-9+#-]{1,20}$")

    @model_validator(mode="after")
    def _skill_for_learning(self) -> StartSession:
        if self.kind == "learn" and not self.skill_id:
            raise ValueError("a learning session needs a skill_id")
        if self.code is not None and "\x00" in self.code:
            raise ValueError("code must not contain NUL characters")
        return self


class AnswerIn(_In):
    question_id: str = Field(min_length=1, max_length=80)
    answer: Answer
    #: How many of the question's hints the learner opened before answering.
    hints_used: int = Field(default=0, ge=0, le=5)


class SkillRef(BaseModel):
    id: str
    title: str
    area: str


class LessonOut(BaseModel):
    markdown: str
    #: ``markdown`` rendered to safe HTML, code highlighted by Pygments.
    html: str
    #: Who wrote it: "offline" (the curriculum) or a model provider.
    provider: str
    #: Why it is shown: the start of the session, or a re-explanation one level down.
    reason: Literal["intro", "re_explain"]


class QuestionOut(BaseModel):
    """A question as the learner sees it (the shape of ``public_question``), plus
    highlighted code where the type shows code."""

    model_config = ConfigDict(extra="allow")

    id: str
    type: str
    bloom: Bloom
    prompt: str
    prompt_html: str
    hints_available: int
    #: For spot-the-bug, fill-in and exercise questions: the code, one highlighted HTML
    #: string per line (line 1 first), so a page can number and select lines.
    code_lines_html: list[str] | None = None


class ResponseOut(BaseModel):
    correct: bool
    score: float
    feedback: str
    feedback_html: str
    answered_at: dt.datetime


class StepOut(BaseModel):
    id: uuid.UUID
    #: 1-based position in the session.
    position: int
    skill: SkillRef
    bloom: Bloom
    #: "bank" (the curriculum), "generated" (a model, checked), or "review" (a due card).
    source: Literal["bank", "generated", "review"]
    lesson: LessonOut | None
    question: QuestionOut
    response: ResponseOut | None


class SessionOut(BaseModel):
    id: uuid.UUID
    kind: SessionKind
    status: SessionStatus
    skill: SkillRef | None
    #: The Bloom level the next question is asked at.
    level: Bloom
    #: BKT probability that the skill is known (0 to 1); 0.95 or more is mastered.
    mastery: float
    answered: int
    correct: int
    #: The question waiting for an answer (None when the session has ended).
    current_step: StepOut | None
    #: Every step so far, oldest first (answered ones carry their response).
    steps: list[StepOut]
    end_reason: EndReason | None
    started_at: dt.datetime
    completed_at: dt.datetime | None
    seconds_spent: int


class AchievementOut(BaseModel):
    code: str
    title: str
    description: str
    unlocked_at: dt.datetime | None = None


class ResponseResult(BaseModel):
    correct: bool
    score: float
    feedback: str
    feedback_html: str
    #: Mastery of the answered question's skill after this answer.
    mastery: float
    mastered: bool
    #: The Bloom level of the next question, and how it moved.
    level: Bloom
    level_change: Literal["up", "down", "same"]
    #: The next question (with a re-explanation when the level stepped down), or None
    #: when the session has ended (see ``end_reason``).
    next_step: StepOut | None
    end_reason: EndReason | None
    answered: int
    correct_count: int
    achievements: list[AchievementOut]


class SessionSummary(BaseModel):
    session: SessionOut
    mastery_before: float
    mastery_after: float
    achievements: list[AchievementOut]


class DueReview(BaseModel):
    skill: SkillRef
    question_id: str
    bloom: Bloom
    due: dt.datetime
    reviews: int


class DueReviews(BaseModel):
    due: list[DueReview]
    count: int
    #: When the next not-yet-due review falls due (None when there are no cards).
    next_due_at: dt.datetime | None


class SkillProgress(BaseModel):
    skill: SkillRef
    state: SkillState
    prerequisites: list[str]
    #: Prerequisites not mastered yet (why a skill is locked).
    missing_prerequisites: list[str]
    mastery: float
    level: Bloom
    #: The highest Bloom level answered correctly (None before any correct answer).
    best_level: Bloom | None
    levels_passed: list[Bloom]
    attempts: int
    correct: int
    accuracy: float | None
    next_review: dt.datetime | None
    active_session: uuid.UUID | None
    last_practiced_at: dt.datetime | None


class Recommendation(BaseModel):
    action: Literal["review", "resume", "continue", "start", "done"]
    skill: SkillRef | None
    session_id: uuid.UUID | None = None
    reason: str


class OverallProgress(BaseModel):
    #: Consecutive days (ending today or yesterday, UTC) with at least one answer.
    streak_days: int
    review_streak_days: int
    seconds_spent: int
    answered: int
    correct: int
    accuracy: float | None
    mastered: int
    in_progress: int
    available: int
    locked: int
    reviews_due: int


class MasteryPoint(BaseModel):
    at: dt.datetime
    skill_id: str
    mastery: float
    correct: bool


class ProgressOut(BaseModel):
    overall: OverallProgress
    skills: list[SkillProgress]
    next: Recommendation
    #: Mastery after each answer, oldest first, for a chart (the last 200 answers).
    history: list[MasteryPoint]


class AchievementsOut(BaseModel):
    unlocked: list[AchievementOut]
    locked: list[AchievementOut]
