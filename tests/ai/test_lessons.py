"""Offline lessons and questions from the curriculum, directly and through the gateway."""

from __future__ import annotations

import json
import uuid

import pytest

from devmentor.ai.exceptions import AIUnavailable
from devmentor.ai.offline.lessons import compose_lesson, hint, pick_question, public_question
from devmentor.ai.types import ChatRequest, Message, Task
from devmentor.curriculum.catalog import default_catalog
from devmentor.curriculum.model import Bloom, Ordering, Skill
from tests.ai.conftest import StartAI

SKILL_ID = "python.mutable-default-arguments"
LEARNER_CODE = (
    'TOKEN = "ghp_'
    + "a" * 36
    + '"\n\ndef add(x, items=[]):\n    items.append(x)\n    return items\n'
)
KEY_FIELDS = {"answer", "answers", "answer_lines", "solution", "tests", "rubric", "reference"}


def skill() -> Skill:
    found = default_catalog().skill(SKILL_ID)
    assert found is not None
    return found


def test_lessons_grow_with_the_bloom_level() -> None:
    remember = compose_lesson(skill(), Bloom.REMEMBER).markdown
    apply = compose_lesson(skill(), Bloom.APPLY).markdown
    evaluate = compose_lesson(skill(), Bloom.EVALUATE).markdown
    assert remember.startswith("## Mutable default arguments")
    assert remember.count("### Example:") == 1
    assert apply.count("### Example:") == len(skill().examples)
    assert "### Common mistakes" not in remember
    assert "### Common mistakes" in apply
    assert "### Common mistakes" in evaluate
    assert "### Further reading" in evaluate
    assert "### Further reading" not in apply
    assert "judging the trade-offs" in evaluate


def test_a_lesson_points_at_the_learners_own_line_without_leaking_secrets() -> None:
    lesson = compose_lesson(skill(), Bloom.ANALYZE, code=LEARNER_CODE, language="python")
    assert lesson.anchored_line == 3
    assert "Line 3 shows this pattern" in lesson.markdown
    assert "`def add(x, items=[]):`" in lesson.markdown
    assert "ghp_" + "a" * 36 not in lesson.markdown
    unrelated = compose_lesson(skill(), Bloom.ANALYZE, code="print('hi')\n", language="python")
    assert unrelated.anchored_line is None
    assert "### In your code" not in unrelated.markdown


def test_public_questions_carry_no_answer_keys() -> None:
    for each in default_catalog().skills.values():
        for question in each.questions:
            view = public_question(question, seed=1)
            assert not set(view) & KEY_FIELDS, (each.id, question.id)
            assert view["prompt"] == question.prompt
            if isinstance(question, Ordering):
                assert sorted(view["items"]) == sorted(question.items)
                assert view["items"] != list(question.items)
                assert view == public_question(question, seed=1)


def test_picking_questions_by_level_without_repeats() -> None:
    asked: list[str] = []
    while (question := pick_question(skill(), Bloom.APPLY, exclude=asked, seed=7)) is not None:
        assert question.bloom is Bloom.APPLY
        asked.append(question.id)
    assert len(asked) == 3
    assert len(set(asked)) == 3
    first = pick_question(skill(), Bloom.CREATE, seed="s")
    assert first is not None
    assert first == pick_question(skill(), Bloom.CREATE, seed="s")
    assert hint(first, 0) is None
    assert hint(first, 99) is None


def _request(task: Task, **context: object) -> ChatRequest:
    return ChatRequest(task=task, messages=(Message("user", "(rendered prompt)"),), context=context)


async def test_the_gateway_teaches_offline(start_ai: StartAI) -> None:
    async with start_ai(openai=False, anthropic=False) as ai:
        lesson = await ai.gateway.complete(
            _request(Task.LESSON, skill_id=SKILL_ID, level="apply", code=LEARNER_CODE),
            user_id=uuid.uuid4(),
        )
        assert lesson.provider == "offline"
        assert "Line 3 shows this pattern" in lesson.text
        question = await ai.gateway.complete(
            _request(Task.QUESTION, skill_id=SKILL_ID, level="analyze", seed="x"),
            user_id=None,
        )
        view = json.loads(question.text)
        assert view["skill_id"] == SKILL_ID
        assert view["bloom"] == "analyze"
        assert not set(view) & KEY_FIELDS
        with pytest.raises(AIUnavailable):
            await ai.gateway.complete(
                _request(Task.LESSON, skill_id="python.nope", level="apply"), user_id=None
            )
        with pytest.raises(AIUnavailable):
            await ai.gateway.complete(
                _request(Task.LESSON, skill_id=SKILL_ID, level="memorise"), user_id=None
            )


async def test_the_gateway_grades_offline(start_ai: StartAI) -> None:
    async with start_ai(openai=False, anthropic=False) as ai:

        async def graded(question_id: str, answer: object) -> dict[str, object]:
            completion = await ai.gateway.complete(
                _request(Task.GRADING, skill_id=SKILL_ID, question_id=question_id, answer=answer),
                user_id=None,
            )
            assert completion.provider == "offline"
            result: dict[str, object] = json.loads(completion.text)
            return result

        assert (await graded("when-evaluated", [1]))["correct"] is True
        wrong = await graded("when-evaluated", [0])
        assert wrong["correct"] is False
        assert wrong["score"] == 0
        fixed = (
            "def append_to(item, target=None):\n"
            "    target = [] if target is None else target\n"
            "    target.append(item)\n"
            "    return target\n"
        )
        assert (await graded("fix-append", fixed))["correct"] is True
        assert (await graded("fix-append", "def append_to(item, target=[]):\n    return [item]\n"))[
            "correct"
        ] is False
        short = await graded(
            "explain-sharing",
            "The default list is created once when the function is defined, so every call "
            "reuses the same list object.",
        )
        assert short["correct"] is True
        with pytest.raises(AIUnavailable):  # a malformed answer is the caller's mistake
            await graded("when-evaluated", "B")


async def test_the_gateway_gives_question_hints_offline(start_ai: StartAI) -> None:
    async with start_ai(openai=False, anthropic=False) as ai:

        async def nth(number: int) -> str:
            completion = await ai.gateway.complete(
                _request(Task.HINT, skill_id=SKILL_ID, question_id="fix-append", number=number),
                user_id=None,
            )
            return completion.text

        assert await nth(1) == "What default value is safe to share between calls?"
        assert await nth(2) == "Create the list inside the function body."
        assert (await nth(3)).startswith("No more hints")


async def test_the_offline_question_pick_honours_prefer(start_ai: StartAI) -> None:
    async with start_ai(openai=False, anthropic=False) as ai:

        async def picked(**context: object) -> str:
            completion = await ai.gateway.complete(
                _request(Task.QUESTION, skill_id=SKILL_ID, level="apply", seed="p", **context),
                user_id=None,
            )
            view = json.loads(completion.text)
            assert not set(view) & KEY_FIELDS
            question_id: str = view["id"]
            return question_id

        # Another level's id and an excluded one are passed over; the first usable one wins.
        assert (
            await picked(
                prefer=["when-evaluated", "fix-append", "sentinel-order", "dataclass-field"],
                exclude=["fix-append"],
            )
            == "sentinel-order"
        )
        # No usable preference: the seeded pick, as without one.
        seeded = pick_question(skill(), Bloom.APPLY, exclude=["sentinel-order"], seed="p")
        assert seeded is not None
        assert await picked(prefer=["nope", "sentinel-order"], exclude=["sentinel-order"]) == (
            seeded.id
        )
        assert await picked(exclude=["sentinel-order"]) == seeded.id


async def test_a_carried_question_is_graded_and_hinted_offline(start_ai: StartAI) -> None:
    # A generated question is in no catalog: it travels with the request, key included.
    generated = next(q for q in skill().questions if q.id == "explain-sharing").model_copy(
        update={"id": "gen-0123456789ab", "hints": ["Think about when `def` runs."]}
    )
    carried = generated.model_dump(mode="json")
    async with start_ai(openai=False, anthropic=False) as ai:
        completion = await ai.gateway.complete(
            _request(
                Task.GRADING,
                skill_id=SKILL_ID,
                question_id=generated.id,
                question=carried,
                answer="The default list is evaluated once at definition time, so every call "
                "reuses the same list object.",
            ),
            user_id=None,
        )
        result = json.loads(completion.text)
        assert result["correct"] is True
        assert result["details"]["missing"] == []
        hinted = await ai.gateway.complete(
            _request(Task.HINT, skill_id=SKILL_ID, question_id=generated.id, question=carried),
            user_id=None,
        )
        assert hinted.text == "Think about when `def` runs."
        # A malformed question is the caller's mistake: the offline mentor refuses it.
        broken = {**carried, "rubric": "none"}
        with pytest.raises(AIUnavailable) as caught:
            await ai.gateway.complete(
                _request(Task.GRADING, skill_id=SKILL_ID, question=broken, answer="a b c d"),
                user_id=None,
            )
        assert caught.value.extra["hops"] == ["bad_request"]
        # A mentor hint's ``question`` is the learner's text, not a question to look up.
        mentor = await ai.gateway.complete(
            _request(Task.HINT, question="Why is my list shared?", mode="hint"), user_id=None
        )
        assert mentor.text.strip()
