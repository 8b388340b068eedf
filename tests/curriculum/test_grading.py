"""Grading every question type: right, partly right, wrong and malformed answers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import TypeAdapter

from devmentor.curriculum.grading import InvalidAnswer, grade
from devmentor.curriculum.model import (
    Bloom,
    Exercise,
    FillIn,
    MultipleChoice,
    Ordering,
    Question,
    RubricItem,
    ShortAnswer,
    Skill,
    SpotTheBug,
)

EXAMPLE = (
    Path(__file__).parents[2]
    / "src/devmentor/curriculum/content/python/mutable-default-arguments.yaml"
)
EXPLANATION = "Because that is how it works, as explained here."


def multiple_choice(answer: list[int]) -> MultipleChoice:
    return MultipleChoice(
        id="q",
        bloom=Bloom.REMEMBER,
        type="multiple_choice",
        prompt="Which of these are mutable?",
        choices=["list", "tuple", "dict", "int"],
        answer=answer,
        explanation=EXPLANATION,
    )


ORDERING = Ordering(
    id="q",
    bloom=Bloom.APPLY,
    type="ordering",
    prompt="Put the steps in order, please.",
    items=["first", "second", "third", "fourth"],
    explanation=EXPLANATION,
)
SPOT = SpotTheBug(
    id="q",
    bloom=Bloom.ANALYZE,
    type="spot_the_bug",
    prompt="Which line holds the bug?",
    language="python",
    code="def f(x, items=[]):\n    items.append(x)\n    return items\n\nprint(f(1))\n",
    answer_lines=[1, 2],
    explanation=EXPLANATION,
)
FILL = FillIn(
    id="q",
    bloom=Bloom.REMEMBER,
    type="fill_in",
    prompt="Complete the code below.",
    language="python",
    code="print(f.____)\nx ____ 1\n",
    answers=[["__defaults__"], ["= ", "+="]],
    explanation=EXPLANATION,
)
EXERCISE = Exercise(
    id="q",
    bloom=Bloom.APPLY,
    type="exercise",
    prompt="Write double(x) that doubles x.",
    starter="def double(x):\n    pass\n",
    tests="assert double(2) == 4\nassert double(-1) == -2\n",
    solution="def double(x):\n    return 2 * x\n",
    explanation=EXPLANATION,
)
SHORT = ShortAnswer(
    id="q",
    bloom=Bloom.UNDERSTAND,
    type="short_answer",
    prompt="Why is a list default shared between calls?",
    rubric=[
        RubricItem(concept="evaluated once at definition", keywords=["once", "def statement"]),
        RubricItem(concept="the same object is reused", keywords=["same object", "shared"]),
        RubricItem(concept="mentions literals", keywords=["[]", "set()"], weight=2),
    ],
    reference="The default is evaluated once, so the same object [] is shared by all calls.",
    explanation=EXPLANATION,
)


# -- multiple choice ---------------------------------------------------------------------


@pytest.mark.parametrize("answer", [[2], 2])
async def test_single_answer_multiple_choice(answer: Any) -> None:
    result = await grade(multiple_choice([2]), answer)

    assert result.correct
    assert result.score == 1.0
    assert result.feedback.startswith("Correct.")
    assert EXPLANATION in result.feedback


async def test_single_answer_multiple_choice_wrong() -> None:
    result = await grade(multiple_choice([2]), [0])

    assert not result.correct
    assert result.score == 0.0
    assert EXPLANATION in result.feedback


@pytest.mark.parametrize(
    ("answer", "correct", "score"),
    [
        ([0, 2], True, 1.0),
        ([2, 0], True, 1.0),
        ([0], False, 0.5),
        ([0, 2, 3], False, 0.5),
        ([0, 1], False, 0.0),
        ([0, 1, 2, 3], False, 0.0),
        ([1, 3], False, 0.0),
    ],
)
async def test_select_all_gives_partial_credit(
    answer: list[int], correct: bool, score: float
) -> None:
    result = await grade(multiple_choice([0, 2]), answer)

    assert result.correct is correct
    assert result.score == score
    if not correct:
        assert "of the 2 right choices" in result.feedback


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("0", "choice index"),
        ([True], "choice index"),
        ([0.0], "choice index"),
        (None, "choice index"),
        ([], "at least one"),
        ([0, 0], "only once"),
        ([4], "from 0 to 3"),
        ([-1], "from 0 to 3"),
    ],
)
async def test_multiple_choice_rejects_malformed_answers(answer: Any, message: str) -> None:
    with pytest.raises(InvalidAnswer, match=message):
        await grade(multiple_choice([0]), answer)


# -- ordering ----------------------------------------------------------------------------


@pytest.mark.parametrize("answer", [["first", "second", "third", "fourth"], [0, 1, 2, 3]])
async def test_ordering_exact(answer: list[Any]) -> None:
    result = await grade(ORDERING, answer)

    assert result.correct
    assert result.score == 1.0


async def test_ordering_with_one_swap_gets_most_credit() -> None:
    result = await grade(ORDERING, ["first", "third", "second", "fourth"])

    assert not result.correct
    assert result.score == pytest.approx(5 / 6)
    assert "2 of 4 items are in the right place" in result.feedback


async def test_ordering_reversed_gets_nothing() -> None:
    result = await grade(ORDERING, [3, 2, 1, 0])

    assert not result.correct
    assert result.score == 0.0


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("first second third fourth", "list of all 4 items"),
        (["first", "second", "third"], "list of all 4 items"),
        (["first", "second", "third", "third"], "listed twice"),
        (["first", "second", "third", "fifth"], "not one of the items"),
        ([0, 1, 2, 4], "exactly once"),
        ([0, 1, 1, 2], "exactly once"),
        (["first", 1, 2, 3], "texts or their indices"),
    ],
)
async def test_ordering_rejects_malformed_answers(answer: Any, message: str) -> None:
    with pytest.raises(InvalidAnswer, match=message):
        await grade(ORDERING, answer)


# -- spot the bug ------------------------------------------------------------------------


@pytest.mark.parametrize("answer", [1, 2, [2], [1, 2]])
async def test_spot_the_bug_right_lines(answer: Any) -> None:
    result = await grade(SPOT, answer)

    assert result.correct
    assert result.score == 1.0


async def test_spot_the_bug_partly_right() -> None:
    result = await grade(SPOT, [2, 3])

    assert not result.correct
    assert result.score == 0.5


async def test_spot_the_bug_wrong_line() -> None:
    result = await grade(SPOT, 5)

    assert not result.correct
    assert result.score == 0.0
    assert EXPLANATION in result.feedback


@pytest.mark.parametrize(
    ("answer", "message"),
    [(0, "from 1 to 5"), (6, "from 1 to 5"), ("2", "line number"), ([], "at least one")],
)
async def test_spot_the_bug_rejects_malformed_answers(answer: Any, message: str) -> None:
    with pytest.raises(InvalidAnswer, match=message):
        await grade(SPOT, answer)


# -- fill in -----------------------------------------------------------------------------


async def test_fill_in_forgives_whitespace() -> None:
    result = await grade(FILL, ["  __defaults__ ", "="])

    assert result.correct
    assert result.score == 1.0


async def test_fill_in_is_case_sensitive_and_gives_partial_credit() -> None:
    result = await grade(FILL, ["__DEFAULTS__", "+="])

    assert not result.correct
    assert result.score == 0.5
    assert "check blank 1" in result.feedback
    assert result.details["blanks_right"] == [False, True]


async def test_fill_in_collapses_inner_whitespace() -> None:
    question = FILL.model_copy(update={"answers": [["a b"], ["x"]]})

    result = await grade(question, ["a   b", "x"])

    assert result.correct


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("__defaults__", "list of strings"),
        (["__defaults__"], "2 blanks"),
        (["a", "b", "c"], "2 blanks"),
        (["a", 1], "list of strings"),
    ],
)
async def test_fill_in_rejects_malformed_answers(answer: Any, message: str) -> None:
    with pytest.raises(InvalidAnswer, match=message):
        await grade(FILL, answer)


# -- exercise ----------------------------------------------------------------------------


async def test_exercise_solution_passes() -> None:
    result = await grade(EXERCISE, EXERCISE.solution)

    assert result.correct
    assert result.score == 1.0
    assert result.details["status"] == "passed"
    assert EXPLANATION in result.feedback


async def test_exercise_failing_test_names_the_assert() -> None:
    result = await grade(EXERCISE, "def double(x):\n    return x + 2\n")

    assert not result.correct
    assert result.score == 0.0
    assert result.details["status"] == "failed"
    assert "`assert double(-1) == -2` (tests.py, line 2)" in result.feedback


async def test_exercise_error_is_reported() -> None:
    result = await grade(EXERCISE, "def double(x):\n    return undefined\n")

    assert not result.correct
    assert result.details["status"] == "error"
    assert "NameError" in result.feedback


async def test_exercise_empty_answer_is_not_run() -> None:
    result = await grade(EXERCISE, "   \n")

    assert not result.correct
    assert result.details["status"] == "empty"


@pytest.mark.parametrize(("answer", "message"), [(42, "as a string"), ("x" * 100_001, "longer")])
async def test_exercise_rejects_malformed_answers(answer: Any, message: str) -> None:
    with pytest.raises(InvalidAnswer, match=message):
        await grade(EXERCISE, answer)


# -- short answer ------------------------------------------------------------------------


async def test_short_answer_covering_every_concept() -> None:
    answer = "Defaults are evaluated once, so the same object, e.g. [], is shared."

    result = await grade(SHORT, answer)

    assert result.correct
    assert result.score == 1.0
    assert result.details["missing"] == []


async def test_short_answer_partly_right_lists_the_missing_concepts() -> None:
    result = await grade(SHORT, "Because the default is shared between calls.")

    assert not result.correct
    assert result.score == 0.25
    assert "You covered: the same object is reused." in result.feedback
    assert "Missing: evaluated once at definition; mentions literals." in result.feedback


async def test_short_answer_wrong() -> None:
    result = await grade(SHORT, "Python copies the list on every call, I think.")

    assert not result.correct
    assert result.score == 0.0
    assert EXPLANATION in result.feedback


async def test_short_answer_keywords_match_whole_words_only() -> None:
    # "once" in "concern", "shared" in "unshared", "set()" in "reset()": none count.
    result = await grade(SHORT, "A concern: unshared state and reset() calls.")

    assert result.score == 0.0


async def test_short_answer_phrases_ignore_case_spacing_and_curly_quotes() -> None:
    question = SHORT.model_copy(
        update={"rubric": [RubricItem(concept="the caller's list", keywords=["caller's list"])]}
    )

    result = await grade(question, "It changes the Caller\u2019s   List in place.")

    assert result.correct


async def test_short_answer_blends_in_similarity() -> None:
    answer = "Because the default is shared between calls."
    seen: list[tuple[str, str]] = []

    def similarity(first: str, second: str) -> float:
        seen.append((first, second))
        return 1.0

    result = await grade(SHORT, answer, similarity=similarity)

    assert seen == [(answer, SHORT.reference)]
    assert result.score == pytest.approx(0.7 * 0.25 + 0.3)
    assert result.details["similarity"] == 1.0
    assert not result.correct


@pytest.mark.parametrize("answer", ["", "   ", "It's shared", "once"])
async def test_short_answer_too_short_scores_zero(answer: str) -> None:
    result = await grade(SHORT, answer)

    assert not result.correct
    assert result.score == 0.0
    assert "too short" in result.feedback


@pytest.mark.parametrize("answer", [None, 3, ["once", "shared"], "x " * 6000])
async def test_short_answer_rejects_malformed_answers(answer: Any) -> None:
    with pytest.raises(InvalidAnswer):
        await grade(SHORT, answer)


# -- the example skill, graded with its own keys -----------------------------------------


def example_questions() -> list[Question]:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    return TypeAdapter(Skill).validate_python(data).questions


def key_of(question: Question) -> Any:
    if isinstance(question, MultipleChoice):
        return question.answer
    if isinstance(question, Ordering):
        return question.items
    if isinstance(question, SpotTheBug):
        return question.answer_lines
    if isinstance(question, FillIn):
        return [accepted[0] for accepted in question.answers]
    if isinstance(question, Exercise):
        return question.solution
    return question.reference


@pytest.mark.parametrize("question", example_questions(), ids=lambda question: question.id)
async def test_the_example_skill_accepts_its_own_keys(question: Question) -> None:
    result = await grade(question, key_of(question))

    assert result.correct, result
    if not isinstance(question, ShortAnswer):
        assert result.score == 1.0


@pytest.mark.parametrize(
    "question",
    [question for question in example_questions() if isinstance(question, Exercise)],
    ids=lambda question: question.id,
)
async def test_the_example_skill_starters_fail(question: Exercise) -> None:
    result = await grade(question, question.starter)

    assert not result.correct
    assert result.details["status"] == "failed", result
