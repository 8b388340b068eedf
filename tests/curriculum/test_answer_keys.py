"""Every question of the shipped curriculum, graded with its own key: a wrong key is a bug.

Closed forms must score 1 with their key; short answers must pass with their reference;
exercises run in the sandbox, where the reference solution must pass the tests and the
starter must fail them (or the tests test nothing).
"""

from __future__ import annotations

import asyncio

import pytest

from devmentor.curriculum.catalog import default_catalog
from devmentor.curriculum.grading import grade
from devmentor.curriculum.model import (
    AREAS,
    Exercise,
    Question,
    ShortAnswer,
)
from tests.curriculum.keys import own_key

SKILLS = sorted(default_catalog().skills)


@pytest.mark.parametrize("skill_id", SKILLS)
async def test_every_key_grades_itself_correct(skill_id: str) -> None:
    skill = default_catalog().skills[skill_id]

    async def check(question: Question) -> str | None:
        result = await grade(question, own_key(question))
        if not result.correct:
            return f"{question.id}: its own key is graded wrong: {result.feedback[:200]}"
        if not isinstance(question, ShortAnswer) and result.score != 1.0:
            return f"{question.id}: its own key scores {result.score}"
        if isinstance(question, Exercise):
            starter = await grade(question, question.starter)
            if starter.correct:
                return f"{question.id}: the starter already passes the tests"
        return None

    problems = [p for p in await asyncio.gather(*map(check, skill.questions)) if p]
    assert problems == []


def test_the_curriculum_is_big_enough_and_covers_every_type() -> None:
    catalog = default_catalog()
    assert len(catalog.skills) >= 40
    types = {q.type for s in catalog.skills.values() for q in s.questions}
    assert types == {
        "multiple_choice",
        "ordering",
        "spot_the_bug",
        "fill_in",
        "exercise",
        "short_answer",
    }
    # Every area the schema knows has at least one skill.
    assert {s.area for s in catalog.skills.values()} == set(AREAS)
