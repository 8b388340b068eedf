"""Lessons and questions from the curriculum, composed without a model.

A lesson is the skill's own material, shaped by the Bloom level the learner is working at
(recall needs the facts and one example; analysing and evaluating need the mistakes and
the trade-offs too) and, when the learner's code shows the skill's pattern, anchored to
the line where it does. Questions are served without their answer keys.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from devmentor.ai.offline.checks import inspect_code, mask_secrets, split_lines
from devmentor.ai.prompting import fence
from devmentor.curriculum.model import (
    Bloom,
    Exercise,
    FillIn,
    MultipleChoice,
    Ordering,
    Question,
    ShortAnswer,
    Skill,
    SpotTheBug,
)

_FOCUS = {
    Bloom.REMEMBER: "the names and facts to know",
    Bloom.UNDERSTAND: "why it works the way it does",
    Bloom.APPLY: "using it in your own code",
    Bloom.ANALYZE: "recognising it, and its mistakes, in existing code",
    Bloom.EVALUATE: "judging the trade-offs between ways of doing it",
    Bloom.CREATE: "designing new code with it",
}
_EXCERPT_CHARS = 120


@dataclass(frozen=True, slots=True)
class Lesson:
    skill_id: str
    level: Bloom
    markdown: str
    #: The learner's line the lesson points at, if their code shows the pattern.
    anchored_line: int | None = None


def compose_lesson(
    skill: Skill, level: Bloom, *, code: str | None = None, language: str | None = None
) -> Lesson:
    """The lesson for ``skill`` at ``level``; ``code`` is the learner's, inspected (never
    run) for the skill's own findings."""
    parts = [f"## {skill.title}", skill.summary, f"*At this level the focus is {_FOCUS[level]}.*"]
    anchored: int | None = None
    if code:
        section, anchored = _from_learner_code(skill, code, language)
        if section:
            parts.append(section)
    parts.append(skill.explanation.strip())
    examples = skill.examples if level.rank >= Bloom.APPLY.rank else skill.examples[:1]
    for example in examples:
        parts.append(
            f"### Example: {example.title}\n\n"
            f"Instead of:\n\n{_code(example.bad, example.language)}\n\n"
            f"write:\n\n{_code(example.good, example.language)}\n\n{example.why}"
        )
    if level.rank >= Bloom.UNDERSTAND.rank:
        parts.append("### Common mistakes\n\n" + "\n".join(f"- {m}" for m in skill.mistakes))
    if level.rank >= Bloom.EVALUATE.rank or level is Bloom.REMEMBER:
        reading = [
            f"- [{r.title}]({r.url}) ({r.source})" if r.url else f"- {r.title} ({r.source})"
            for r in skill.reading
        ]
        parts.append("### Further reading\n\n" + "\n".join(reading))
    return Lesson(skill.id, level, "\n\n".join(parts), anchored)


def _code(text: str, language: str) -> str:
    return fence(text.rstrip(), language)


def _from_learner_code(skill: Skill, code: str, language: str | None) -> tuple[str, int | None]:
    inspection = inspect_code(code, language)
    relevant = [f for f in inspection.findings if f.rule_id in skill.tags and f.line]
    if not relevant:
        return "", None
    finding = relevant[0]
    assert finding.line is not None
    lines = split_lines(code)
    excerpt = mask_secrets(lines[finding.line - 1].strip())[:_EXCERPT_CHARS]
    more = f" (and {len(relevant) - 1} more place(s))" if len(relevant) > 1 else ""
    quoted = excerpt.replace("`", "'")
    section = (
        f"### In your code\n\nLine {finding.line}{more} shows this pattern:\n\n"
        f"`{quoted}`\n\n{finding.hint}"
    )
    return section, finding.line


def questions_at(skill: Skill, level: Bloom) -> list[Question]:
    return [q for q in skill.questions if q.bloom is level]


def pick_question(
    skill: Skill, level: Bloom, *, exclude: Iterable[str] = (), seed: int | str | None = None
) -> Question | None:
    """A question at ``level`` not in ``exclude`` (None when all were asked); with a seed,
    the same choice every time."""
    asked = set(exclude)
    candidates = [q for q in questions_at(skill, level) if q.id not in asked]
    if not candidates:
        return None
    return random.Random(seed).choice(candidates)  # noqa: S311 - variety, not secrecy


def public_question(question: Question, *, seed: int | str = 0) -> dict[str, Any]:
    """What a learner may see of a question: no answers, solutions, tests or rubrics.
    Orderings are shuffled (deterministically per seed) so their order gives nothing away."""
    view: dict[str, Any] = {
        "id": question.id,
        "type": question.type,
        "bloom": question.bloom.value,
        "prompt": question.prompt,
        "hints_available": len(question.hints),
    }
    if isinstance(question, MultipleChoice):
        view["choices"] = list(question.choices)
        view["select"] = "many" if len(question.answer) > 1 else "one"
    elif isinstance(question, Ordering):
        items = list(question.items)
        rng = random.Random(f"{seed}:{question.id}")  # noqa: S311 - a presentation shuffle
        while items == list(question.items):
            rng.shuffle(items)
        view["items"] = items
    elif isinstance(question, SpotTheBug):
        view["language"] = question.language
        view["code"] = question.code
    elif isinstance(question, FillIn):
        view["language"] = question.language
        view["code"] = question.code
        view["blanks"] = len(question.answers)
    elif isinstance(question, Exercise):
        view["language"] = question.language
        view["starter"] = question.starter
    elif isinstance(question, ShortAnswer):
        view["min_words"] = 3
    return view


def hint(question: Question, number: int) -> str | None:
    """The ``number``-th hint (1-based), or None when there are no more."""
    if 1 <= number <= len(question.hints):
        return question.hints[number - 1]
    return None
