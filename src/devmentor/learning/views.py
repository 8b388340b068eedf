"""Turning stored rows into what the API serves: never an answer key.

A question is rebuilt from its stored JSON and passed through ``public_question`` (the
one function that decides what a learner may see); Markdown becomes safe HTML with code
highlighted by Pygments.
"""

from __future__ import annotations

import functools
from typing import Any

from pydantic import TypeAdapter

from devmentor.ai.offline.lessons import public_question
from devmentor.curriculum.catalog import Catalog
from devmentor.curriculum.model import Bloom, Exercise, FillIn, Question, Skill, SpotTheBug
from devmentor.learning import schemas
from devmentor.learning.models import LearningResponse, LearningSession, LearningStep
from devmentor.web.highlight import highlight_block, highlight_lines
from devmentor.web.markdown import render_markdown

QUESTION_ADAPTER: TypeAdapter[Question] = TypeAdapter(Question)


def load_question(data: dict[str, Any]) -> Question:
    return QUESTION_ADAPTER.validate_python(data)


def dump_question(question: Question) -> dict[str, Any]:
    data: dict[str, Any] = QUESTION_ADAPTER.dump_python(question, mode="json")
    return data


@functools.lru_cache(maxsize=1024)
def html(markdown: str) -> str:
    # Lessons and prompts repeat across steps and learners; rendering them is the
    # costliest part of building a view.
    return str(render_markdown(markdown, code=highlight_block))


def skill_ref(skill: Skill | None, skill_id: str) -> schemas.SkillRef:
    if skill is None:  # a skill removed from the curriculum since: still show its history
        return schemas.SkillRef(id=skill_id, title=skill_id, area=skill_id.split(".", 1)[0])
    return schemas.SkillRef(id=skill.id, title=skill.title, area=skill.area)


@functools.lru_cache(maxsize=2048)
def _code_lines(code: str, language: str) -> tuple[str, ...]:
    return tuple(highlight_lines(code, language))


def question_out(question: Question, *, seed: str) -> schemas.QuestionOut:
    view = public_question(question, seed=seed)
    view["prompt_html"] = html(question.prompt)
    if isinstance(question, SpotTheBug | FillIn):
        view["code_lines_html"] = list(_code_lines(question.code, question.language))
    elif isinstance(question, Exercise):
        view["code_lines_html"] = list(_code_lines(question.starter, question.language))
    return schemas.QuestionOut.model_validate(view)


def response_out(response: LearningResponse) -> schemas.ResponseOut:
    return schemas.ResponseOut(
        correct=response.correct,
        score=response.score,
        feedback=response.feedback,
        feedback_html=html(response.feedback),
        answered_at=response.created_at,
    )


def step_out(
    step: LearningStep, catalog: Catalog, response: LearningResponse | None = None
) -> schemas.StepOut:
    lesson = None
    if step.lesson is not None:
        lesson = schemas.LessonOut(
            markdown=step.lesson,
            html=html(step.lesson),
            provider=step.lesson_provider or "offline",
            reason="re_explain" if step.lesson_reason == "re_explain" else "intro",
        )
    source = step.source if step.source in ("bank", "generated", "review") else "bank"
    return schemas.StepOut(
        id=step.id,
        position=step.position,
        skill=skill_ref(catalog.skill(step.skill_id), step.skill_id),
        bloom=Bloom(step.bloom),
        source=source,
        lesson=lesson,
        question=question_out(load_question(step.question), seed=str(step.id)),
        response=response_out(response) if response is not None else None,
    )


def session_out(
    session: LearningSession,
    steps: list[LearningStep],
    responses: list[LearningResponse],
    catalog: Catalog,
    *,
    level: Bloom,
    mastery: float,
) -> schemas.SessionOut:
    by_step = {response.step_id: response for response in responses}
    outs = [step_out(step, catalog, by_step.get(step.id)) for step in steps]
    current = next((out for out in outs if out.response is None), None)
    if session.status != "active":
        current = None
    skill = catalog.skill(session.skill_id) if session.skill_id else None
    return schemas.SessionOut(
        id=session.id,
        kind="review" if session.kind == "review" else "learn",
        status="completed" if session.status == "completed" else "active",
        skill=skill_ref(skill, session.skill_id) if session.skill_id else None,
        level=level,
        mastery=round(mastery, 4),
        answered=session.answered,
        correct=session.correct,
        current_step=current,
        steps=outs,
        end_reason=session.end_reason,
        started_at=session.started_at,
        completed_at=session.completed_at,
        seconds_spent=session.seconds_spent,
    )
