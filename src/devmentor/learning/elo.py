"""Question difficulty and learner ability on one Elo scale.

Each answer is treated as a match between a learner and a question. If the learner wins
(gets it right), their ability rises and the question's difficulty falls, by how much the
result surprised the model. This is the Elo rating system as used in adaptive practice
(Pelánek, "Applications of the Elo rating system in adaptive educational systems", 2016).
It was picked over item response theory because it learns online from each answer. It
needs no calibration data set, and a new question's rating starts from a reasonable
prior and settles as answers arrive.

* **K decays with answers.** A new learner or question is uncertain, so early answers
  should move it a lot. An established rating should be stable. K falls linearly from
  ``high`` to ``low`` over the first ``settle`` answers. That is the simplest form of
  Pelánek's "uncertainty function", and it is easy to reason about in tests.
* **Partial credit** is the score itself (0 to 1) standing in for the match result, as in
  chess's half point for a draw.
* **Desirable difficulty** (Bjork): practice works best when it is hard but usually
  successful. :func:`rank_candidates` prefers questions the learner is expected to get
  right about :data:`TARGET_SUCCESS` of the time.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from devmentor.curriculum.model import Bloom

#: Where every learner starts, and the centre of the question scale.
BASE_RATING = 1000.0
#: The usual logistic scale: 400 points of difference means 10-to-1 odds.
SCALE = 400.0
#: Rating added per Bloom level above REMEMBER (a question one level up is a bit harder).
PER_BLOOM_LEVEL = 40.0
#: Rating added per step of a skill's 1-5 difficulty above the middle (3).
PER_SKILL_STEP = 50.0
#: The success rate to aim for when choosing the next question.
TARGET_SUCCESS = 0.7


def _check_finite(name: str, value: float) -> None:
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")


def expected(ability: float, difficulty: float) -> float:
    """The probability that a learner of ``ability`` answers a question of ``difficulty``
    right: ``1 / (1 + 10 ** ((difficulty - ability) / 400))``."""
    _check_finite("ability", ability)
    _check_finite("difficulty", difficulty)
    # math.pow, not **: float ** float is typed Any (it could be complex).
    return 1.0 / (1.0 + math.pow(10.0, (difficulty - ability) / SCALE))


def k_factor(answers: int, *, high: float = 48.0, low: float = 12.0, settle: int = 30) -> float:
    """How far one answer moves a rating that has already seen ``answers`` answers.

    ``high - (high - low) * min(answers, settle) / settle``: ``high`` for a new learner or
    question, falling linearly to ``low`` once ``settle`` answers are in, then staying there.
    """
    if answers < 0:
        raise ValueError("answers can't be negative")
    if settle < 1:
        raise ValueError("settle must be at least 1")
    if not 0.0 <= low <= high:
        raise ValueError("need 0 <= low <= high")
    return high - (high - low) * min(answers, settle) / settle


def initial_difficulty(skill_difficulty: int, bloom: Bloom) -> float:
    """A new question's prior rating, from its skill's difficulty (1-5) and its Bloom level:
    ``BASE_RATING + 40 * bloom.rank + 50 * (skill_difficulty - 3)``.

    The prior only needs to be about right. High early K values correct it within a few
    answers, but a sensible prior keeps the first learners from getting wildly mismatched
    questions.
    """
    if not 1 <= skill_difficulty <= 5:
        raise ValueError(f"skill difficulty must be 1 to 5, got {skill_difficulty!r}")
    return BASE_RATING + PER_BLOOM_LEVEL * bloom.rank + PER_SKILL_STEP * (skill_difficulty - 3)


def update(
    ability: float,
    difficulty: float,
    score: float,
    *,
    learner_answers: int,
    question_answers: int,
) -> tuple[float, float]:
    """The new ``(ability, difficulty)`` after one answer graded ``score`` (0 to 1).

    Both move by the same surprise, ``score - expected(ability, difficulty)``. Each moves
    by its own K, since a new question next to an established learner (or the other way
    round) should be the one that moves more. ``learner_answers`` and
    ``question_answers`` count the answers seen *before* this one.
    """
    if not 0.0 <= score <= 1.0:
        raise ValueError(f"score must be in [0, 1], got {score!r}")
    surprise = score - expected(ability, difficulty)
    return (
        ability + k_factor(learner_answers) * surprise,
        difficulty - k_factor(question_answers) * surprise,
    )


def rank_candidates(
    ability: float, candidates: Mapping[str, float], *, target: float = TARGET_SUCCESS
) -> list[str]:
    """Question ids ordered best first: the expected success closest to ``target``.

    ``candidates`` maps question id to difficulty. Ties are broken by id, so the same
    input always gives the same order (tests and replays depend on it).
    """
    if not 0.0 <= target <= 1.0:
        raise ValueError(f"target must be in [0, 1], got {target!r}")
    return sorted(
        candidates,
        key=lambda qid: (abs(expected(ability, candidates[qid]) - target), qid),
    )
