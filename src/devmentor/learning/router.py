"""``/api/learning/*`` (sessions, reviews, progress) and ``/api/achievements``."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, Field

from devmentor.auth.deps import CurrentUser
from devmentor.learning import schemas
from devmentor.learning.deps import LearningServiceDep

router = APIRouter(prefix="/learning", tags=["learning"])
achievements_router = APIRouter(tags=["learning"])

_PROBLEMS: dict[int | str, dict[str, str]] = {
    404: {"description": "No such session of yours"},
    409: {"description": "Completed session, already answered, or skill locked"},
    422: {"description": "Invalid body, unknown skill, or a question not in the session"},
    429: {"description": "Rate limit or AI budget exceeded"},
}


@router.post(
    "/sessions",
    summary="Start a learning (or review) session",
    response_model=schemas.SessionOut,
    status_code=status.HTTP_201_CREATED,
    responses={200: {"description": "The active session of that skill, resumed"}, **_PROBLEMS},
)
async def start_session(
    body: schemas.StartSession, user: CurrentUser, service: LearningServiceDep, response: Response
) -> schemas.SessionOut:
    view, created = await service.start(user.user_id, body)
    if not created:
        response.status_code = status.HTTP_200_OK
    response.headers["Location"] = f"/api/learning/sessions/{view.id}"
    return view


@router.get(
    "/sessions/{session_id}",
    summary="A session: its current question and every step so far",
    response_model=schemas.SessionOut,
    responses=_PROBLEMS,
)
async def get_session(
    session_id: uuid.UUID, user: CurrentUser, service: LearningServiceDep
) -> schemas.SessionOut:
    return await service.get(user.user_id, session_id)


@router.post(
    "/sessions/{session_id}/responses",
    summary="Answer the current question: grade, feedback, mastery and the next step",
    response_model=schemas.ResponseResult,
    responses=_PROBLEMS,
)
async def respond(
    session_id: uuid.UUID, body: schemas.AnswerIn, user: CurrentUser, service: LearningServiceDep
) -> schemas.ResponseResult:
    return await service.respond(user.user_id, session_id, body)


class HintIn(BaseModel):
    question_id: str = Field(min_length=1, max_length=80)


class HintOut(BaseModel):
    hint: str
    hint_html: str
    #: How many hints have been shown for this question, this one included.
    number: int
    remaining: int


@router.post(
    "/sessions/{session_id}/hints",
    summary="The current question's next hint (hints shown lower its review rating)",
    response_model=HintOut,
    responses=_PROBLEMS,
)
async def hint(
    session_id: uuid.UUID, body: HintIn, user: CurrentUser, service: LearningServiceDep
) -> HintOut:
    return HintOut.model_validate(await service.hint(user.user_id, session_id, body.question_id))


@router.post(
    "/sessions/{session_id}/complete",
    summary="Complete a session (idempotent): its summary",
    response_model=schemas.SessionSummary,
    responses=_PROBLEMS,
)
async def complete(
    session_id: uuid.UUID, user: CurrentUser, service: LearningServiceDep
) -> schemas.SessionSummary:
    return await service.complete(user.user_id, session_id)


@router.get("/reviews/due", summary="Reviews due now", response_model=schemas.DueReviews)
async def due_reviews(user: CurrentUser, service: LearningServiceDep) -> schemas.DueReviews:
    return await service.due_reviews(user.user_id)


@router.get(
    "/progress",
    summary="Progress per skill, streaks, time spent and what to do next",
    response_model=schemas.ProgressOut,
)
async def progress(user: CurrentUser, service: LearningServiceDep) -> schemas.ProgressOut:
    return await service.progress(user.user_id)


@achievements_router.get(
    "/achievements",
    summary="Achievements, unlocked and still locked",
    response_model=schemas.AchievementsOut,
)
async def achievements(user: CurrentUser, service: LearningServiceDep) -> schemas.AchievementsOut:
    return await service.achievements(user.user_id)
