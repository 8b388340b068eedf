"""Grade a learner's answer to any question type of a skill's question bank.

Every grade has a score in [0, 1] (partial credit where the type allows it), a verdict
and feedback written for the learner, ending with the question's explanation. Answers of
the wrong shape (a string for a multiple-choice question, an index out of range, the wrong
number of blanks) raise :class:`InvalidAnswer`: a client bug or a tampered request, not a
wrong answer, so the API turns it into a 422 instead of recording a grade.

Feedback says how much was right but never which choice or line was the right one: the
explanation teaches the idea, and the learner can try again.
"""

from __future__ import annotations

import asyncio
import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from devmentor.curriculum.model import (
    Exercise,
    FillIn,
    MultipleChoice,
    Ordering,
    Question,
    ShortAnswer,
    SpotTheBug,
)
from devmentor.curriculum.sandbox import run_python

#: Weight of rubric coverage in a short answer's score when a similarity is available.
CONCEPT_WEIGHT = 0.7
#: A short answer with a score this high counts as correct.
SHORT_ANSWER_PASS = 0.6
#: Fewer words than this is not an answer to grade.
SHORT_ANSWER_MIN_WORDS = 3
#: Limits on what a learner may submit (the API's request size is the outer bound).
MAX_TEXT_CHARS = 10_000
MAX_CODE_CHARS = 100_000


class InvalidAnswer(ValueError):
    """The answer doesn't have the shape the question type needs."""


@dataclass(frozen=True)
class Grade:
    correct: bool
    #: 0 (nothing right) to 1 (fully right).
    score: float
    #: For the learner: what was right or wrong, then the question's explanation.
    feedback: str
    #: Type-specific facts for the UI and analytics (never the answer key).
    details: dict[str, Any] = field(default_factory=dict)


Similarity = Callable[[str, str], float]


async def grade(question: Question, answer: Any, *, similarity: Similarity | None = None) -> Grade:
    """Grade ``answer`` to ``question``.

    Answer shapes: multiple choice, a list of 0-based choice indices (or one int);
    ordering, the items (their text, or their indices in the question's ``items``) in the
    learner's order; spot the bug, a 1-based line number or a list of them; fill-in, one
    string per blank; exercise, the code; short answer, the text. ``similarity`` (short
    answers only) gives the cosine similarity in [0, 1] of two texts; it runs in a worker
    thread since an embedding model may be slow to load.
    """
    if isinstance(question, MultipleChoice):
        return _multiple_choice(question, answer)
    if isinstance(question, Ordering):
        return _ordering(question, answer)
    if isinstance(question, SpotTheBug):
        return _spot_the_bug(question, answer)
    if isinstance(question, FillIn):
        return _fill_in(question, answer)
    if isinstance(question, Exercise):
        return await _exercise(question, answer)
    return await _short_answer(question, answer, similarity)


def _with_explanation(verdict: str, explanation: str) -> str:
    return f"{verdict}\n\n{explanation.strip()}"


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _int_list(answer: Any, what: str) -> list[int]:
    """An int or a non-empty list of distinct ints."""
    values = [answer] if _is_int(answer) else answer
    if not isinstance(values, list) or not all(_is_int(value) for value in values):
        raise InvalidAnswer(f"the answer must be {what} or a list of them")
    if not values:
        raise InvalidAnswer("choose at least one")
    if len(set(values)) != len(values):
        raise InvalidAnswer("each one may be chosen only once")
    return values


def _multiple_choice(question: MultipleChoice, answer: Any) -> Grade:
    picked = _int_list(answer, "a choice index (an integer)")
    if any(not 0 <= index < len(question.choices) for index in picked):
        raise InvalidAnswer(f"choice indices run from 0 to {len(question.choices) - 1}")
    key = set(question.answer)
    right = len(key.intersection(picked))
    wrong = len(picked) - right
    correct = set(picked) == key
    if len(key) == 1:
        score = 1.0 if correct else 0.0
    else:
        # Select-all: a wrong pick cancels a right one, so picking everything scores 0.
        score = min(1.0, max(0.0, (right - wrong) / len(key)))
    if correct:
        verdict = "Correct."
    elif len(key) == 1:
        verdict = "Not quite."
    else:
        verdict = (
            f"Not quite: you picked {right} of the {len(key)} right choices"
            f" and {wrong} wrong one{'s' if wrong != 1 else ''}."
        )
    return Grade(
        correct,
        score,
        _with_explanation(verdict, question.explanation),
        {"picked_right": right, "picked_wrong": wrong, "expected": len(key)},
    )


def _ordering(question: Ordering, answer: Any) -> Grade:
    items = question.items
    if not isinstance(answer, list) or len(answer) != len(items):
        raise InvalidAnswer(f"the answer must be a list of all {len(items)} items")
    if all(_is_int(value) for value in answer):
        order: list[int] = list(answer)
        if sorted(order) != list(range(len(items))):
            raise InvalidAnswer(f"give each index from 0 to {len(items) - 1} exactly once")
    elif all(isinstance(value, str) for value in answer):
        order = _positions(items, answer)
    else:
        raise InvalidAnswer("the answer must list the items' texts or their indices")
    pairs = len(order) * (len(order) - 1) // 2
    # Kendall-style: the fraction of pairs of items whose relative order is right.
    concordant = sum(
        1 for i in range(len(order)) for j in range(i + 1, len(order)) if order[i] < order[j]
    )
    score = concordant / pairs
    correct = order == list(range(len(items)))
    if correct:
        verdict = "Correct: that's the right order."
    else:
        placed = sum(1 for position, index in enumerate(order) if position == index)
        verdict = (
            f"Not quite: {placed} of {len(items)} items are in the right place"
            f" and {concordant} of {pairs} pairs are in the right relative order."
        )
    return Grade(
        correct,
        score,
        _with_explanation(verdict, question.explanation),
        {"pairs_in_order": concordant, "pairs": pairs},
    )


def _positions(items: Sequence[str], answer: Sequence[str]) -> list[int]:
    """Each answered text's index in ``items`` (equal texts take their indices in turn)."""
    free: dict[str, list[int]] = {}
    for index, item in enumerate(items):
        free.setdefault(item, []).append(index)
    order = []
    for text in answer:
        indices = free.get(text)
        if not indices:
            raise InvalidAnswer(f"{text[:80]!r} is not one of the items, or is listed twice")
        order.append(indices.pop(0))
    return order


def _spot_the_bug(question: SpotTheBug, answer: Any) -> Grade:
    lines = _int_list(answer, "a line number (an integer)")
    count = len(question.code.splitlines())
    if any(not 1 <= line <= count for line in lines):
        raise InvalidAnswer(f"line numbers run from 1 to {count}")
    key = set(question.answer_lines)
    hits = len(key.intersection(lines))
    correct = hits == len(lines)
    if correct:
        verdict = "Correct: that's where the bug is."
    elif hits:
        verdict = "Partly: one of the lines you chose holds the bug, the others don't."
    else:
        verdict = "Not quite: the bug isn't on that line."
    return Grade(
        correct,
        hits / len(lines),
        _with_explanation(verdict, question.explanation),
        {"lines_right": hits, "lines_chosen": len(lines)},
    )


def _normalize(text: str) -> str:
    return " ".join(text.split())


def _fill_in(question: FillIn, answer: Any) -> Grade:
    blanks = len(question.answers)
    if not isinstance(answer, list) or not all(isinstance(value, str) for value in answer):
        raise InvalidAnswer("the answer must be a list of strings, one per blank")
    if len(answer) != blanks:
        raise InvalidAnswer(f"this question has {blanks} blank{'s' if blanks != 1 else ''}")
    if any(len(value) > MAX_TEXT_CHARS for value in answer):
        raise InvalidAnswer("a blank's answer is too long")
    # Code is case-sensitive; only whitespace is forgiven.
    right = [
        _normalize(given) in {_normalize(accepted) for accepted in accepted_answers}
        for given, accepted_answers in zip(answer, question.answers, strict=True)
    ]
    count = sum(right)
    correct = count == blanks
    if correct:
        verdict = "Correct."
    elif blanks == 1:
        verdict = "Not quite."
    else:
        wrong = ", ".join(str(number) for number, ok in enumerate(right, 1) if not ok)
        verdict = f"Not quite: {count} of {blanks} blanks are right (check blank {wrong})."
    return Grade(
        correct,
        count / blanks,
        _with_explanation(verdict, question.explanation),
        {"blanks_right": right},
    )


async def _exercise(question: Exercise, answer: Any) -> Grade:
    if not isinstance(answer, str):
        raise InvalidAnswer("the answer must be the code, as a string")
    if len(answer) > MAX_CODE_CHARS:
        raise InvalidAnswer(f"the code is longer than {MAX_CODE_CHARS} characters")
    if not answer.strip():
        return Grade(
            False,
            0.0,
            "Your answer is empty: write the code, then submit it.",
            {"status": "empty"},
        )
    result = await run_python(answer, tests=question.tests)
    correct = result.status == "passed"
    # A failed attempt gets the sandbox's message alone: an exercise's explanation
    # describes the solution, and exercises are meant to be retried.
    verdict = "Correct: all tests passed." if correct else result.message
    return Grade(
        correct,
        1.0 if correct else 0.0,
        _with_explanation(verdict, question.explanation) if correct else verdict,
        {
            "status": result.status,
            "stdout": result.stdout,
            "stderr": result.stderr,
            "duration_ms": result.duration_ms,
        },
    )


_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


#: Keywords at least this long may be stems: "isolat" matches "isolated" and "isolation".
STEM_MIN_CHARS = 5


@functools.lru_cache(maxsize=4096)
def keyword_pattern(keyword: str) -> re.Pattern[str]:
    """Case-insensitive, starting at a word boundary where the keyword starts with a word
    character; ending at one only for short keywords.

    So ``once`` doesn't match "concern" or "onces", ``set()`` doesn't match "reset()",
    ``[]`` (no word characters) matches anywhere, and a longer keyword is a stem that
    matches its word forms ("propagat" → "propagates", "propagation"). Runs of spaces
    match any whitespace.
    """
    text = keyword.translate(_QUOTES).strip()
    body = r"\s+".join(re.escape(part) for part in text.split())
    start = r"(?<!\w)" if re.match(r"\w", text) else ""
    whole_word = len(text) < STEM_MIN_CHARS and re.search(r"\w$", text)
    end = r"(?!\w)" if whole_word else ""
    return re.compile(start + body + end, re.IGNORECASE)


async def _short_answer(question: ShortAnswer, answer: Any, similarity: Similarity | None) -> Grade:
    if not isinstance(answer, str):
        raise InvalidAnswer("the answer must be text")
    if len(answer) > MAX_TEXT_CHARS:
        raise InvalidAnswer(f"the answer is longer than {MAX_TEXT_CHARS} characters")
    text = answer.translate(_QUOTES)
    words = [word for word in text.split() if re.search(r"\w", word)]
    if len(words) < SHORT_ANSWER_MIN_WORDS:
        return Grade(
            False,
            0.0,
            "Your answer is too short to grade: explain it in a sentence or two.",
            {"too_short": True},
        )
    covered = [
        item
        for item in question.rubric
        if any(keyword_pattern(keyword).search(text) for keyword in item.keywords)
    ]
    missing = [item for item in question.rubric if item not in covered]
    total = sum(item.weight for item in question.rubric)
    concept_score = sum(item.weight for item in covered) / total
    details: dict[str, Any] = {
        "covered": [item.concept for item in covered],
        "missing": [item.concept for item in missing],
        "concept_score": round(concept_score, 3),
    }
    score = concept_score
    if similarity is not None:
        closeness = await asyncio.to_thread(similarity, answer, question.reference)
        closeness = min(1.0, max(0.0, float(closeness)))
        details["similarity"] = round(closeness, 3)
        score = CONCEPT_WEIGHT * concept_score + (1 - CONCEPT_WEIGHT) * closeness
    correct = score >= SHORT_ANSWER_PASS
    parts = ["Good answer." if correct else "Not quite there yet."]
    if covered:
        parts.append("You covered: " + "; ".join(details["covered"]) + ".")
    if missing:
        parts.append("Missing: " + "; ".join(details["missing"]) + ".")
    return Grade(
        correct, round(score, 3), _with_explanation(" ".join(parts), question.explanation), details
    )
