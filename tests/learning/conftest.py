"""Fixtures for the learning API: the real app (offline mentor) on SQLite or PostgreSQL.

``start_learning(**overrides)`` starts the app like ``start_ai`` does, on the
``database_url`` the test is parametrised with; ``LearningApp`` adds helpers that answer
a question right or wrong from its answer key in the curriculum.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Any

import pytest

from devmentor.curriculum.catalog import default_catalog
from devmentor.curriculum.model import (
    Exercise,
    FillIn,
    MultipleChoice,
    Ordering,
    Question,
    SpotTheBug,
)
from tests.ai.conftest import (  # the fixtures, re-exported
    AIApp,
    StartAI,
    anthropic_server,
    fake_anthropic,
    fake_openai,
    openai_server,
    shared_services,
    start_ai,
)
from tests.curriculum.keys import own_key

__all__ = [
    "anthropic_server",
    "fake_anthropic",
    "fake_openai",
    "openai_server",
    "shared_services",
    "start_ai",
]

ROOT_SKILL = "python.functions-and-scope"


def bank_question(skill_id: str, question_id: str) -> Question:
    skill = default_catalog().skill(skill_id)
    assert skill is not None
    return next(q for q in skill.questions if q.id == question_id)


right_answer = own_key


def wrong_answer(question: Question) -> Any:
    if isinstance(question, MultipleChoice):
        return [next(i for i in range(len(question.choices)) if i not in question.answer)]
    if isinstance(question, Ordering):
        return list(reversed(question.items))
    if isinstance(question, SpotTheBug):
        lines = question.code.split("\n")
        return next(n for n in range(1, len(lines) + 1) if n not in question.answer_lines)
    if isinstance(question, FillIn):
        return ["zzz_wrong"] * len(question.answers)
    if isinstance(question, Exercise):
        return question.starter
    return "I really do not know this one at all."


@dataclass
class LearningApp(AIApp):
    async def start(
        self, headers: dict[str, str], skill_id: str = ROOT_SKILL, **body: Any
    ) -> dict[str, Any]:
        response = await self.client.post(
            "/api/learning/sessions", json={"skill_id": skill_id, **body}, headers=headers
        )
        assert response.status_code == 201, response.text
        data: dict[str, Any] = response.json()
        return data

    async def answer(
        self, headers: dict[str, str], session: dict[str, Any], step: dict[str, Any], *, right: bool
    ) -> dict[str, Any]:
        question = bank_question(step["skill"]["id"], step["question"]["id"])
        answer = right_answer(question) if right else wrong_answer(question)
        response = await self.client.post(
            f"/api/learning/sessions/{session['id']}/responses",
            json={"question_id": question.id, "answer": answer},
            headers=headers,
        )
        assert response.status_code == 200, response.text
        data: dict[str, Any] = response.json()
        assert data["correct"] is right
        return data


StartLearning = Callable[..., AbstractAsyncContextManager[LearningApp]]


@pytest.fixture
def start_learning(start_ai: StartAI, database_url: str) -> StartLearning:
    @asynccontextmanager
    async def start(**overrides: Any) -> AsyncIterator[LearningApp]:
        overrides.setdefault("database_url", database_url)
        ai = {"user_rate_limit": "1000/minute", **overrides.pop("ai", {})}
        async with start_ai(openai=False, anthropic=False, ai=ai, **overrides) as app:
            yield LearningApp(app.app, app.client)

    return start


def user_id_of(value: str) -> uuid.UUID:
    return uuid.UUID(value)
