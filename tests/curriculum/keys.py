"""Answers built from a question's own key, for tests that need a right answer."""

from __future__ import annotations

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


def own_key(question: Question) -> Any:
    """The answer the question's key says is right, in the shape the grader takes."""
    if isinstance(question, MultipleChoice):
        return list(question.answer)
    if isinstance(question, Ordering):
        return list(question.items)
    if isinstance(question, SpotTheBug):
        return question.answer_lines[0]
    if isinstance(question, FillIn):
        return [answers[0] for answers in question.answers]
    if isinstance(question, Exercise):
        return question.solution
    assert isinstance(question, ShortAnswer)
    return question.reference
