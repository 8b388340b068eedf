"""How sure we are that a learner knows a skill, and which Bloom level to ask next.

**Bayesian Knowledge Tracing** (Corbett & Anderson, 1995) treats knowing a skill as a hidden
yes/no state. ``p_known`` is the probability it is "yes". Each graded answer is noisy
evidence: someone who knows the skill can still slip (``p_slip``), and someone who doesn't
can still guess right (``p_guess``). Bayes' rule turns the answer into a posterior. After
that comes the chance that this practice opportunity taught the skill (``p_transit``).
BKT is used here because it is small and easy to explain. It also needs no training data,
and its four numbers mean something a teacher can argue about.

Two additions to textbook BKT:

* **Partial credit.** BKT only knows right and wrong, but our graders give scores in
  [0, 1] (a short answer that covers half the rubric, an ordering with two items
  swapped). A score is blended linearly between the two posteriors:
  ``post = score * post_correct + (1 - score) * post_wrong``. So 1 and 0 give exactly the
  textbook updates, and anything in between moves the estimate a matching share of the
  way. Fractional evidence has no exact Bayesian reading in a binary model. A linear blend
  is monotone in the score and stays inside the two textbook posteriors, so a better
  answer can never lower the estimate more than a worse one.
* **Clamping** to [0.001, 0.999]. One lucky or careless answer must never make the model
  certain: at 0 or 1 Bayes' rule can't move any more, and the learner would be stuck.

``p_guess`` depends on the question: a two-choice question is a coin flip, while writing
code that passes tests is almost never luck. :func:`params_for` fills it in from
:func:`guess_probability`.

**The level policy** decides which Bloom level the next question comes from. Success
climbs one level at a time. BKT's estimate gives a *ceiling*, so a run of lucky answers
can't take a learner to "create" while the model still doubts they know the basics.
Failure steps down only after :data:`STEP_DOWN_AFTER` misses in a row, so one slip doesn't
undo progress. A step down always comes with a re-explanation at the new level: repeated
misses mean the explanation didn't land, and more questions alone won't fix that.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from devmentor.curriculum.model import (
    Bloom,
    Exercise,
    FillIn,
    MultipleChoice,
    Ordering,
    Question,
    ShortAnswer,
    SpotTheBug,
)

#: The usual BKT threshold for "mastered" (Corbett & Anderson).
MASTERED = 0.95
#: Posteriors stay inside this band, so no single answer makes the model certain.
P_MIN = 0.001
P_MAX = 0.999

#: Largest guess probability for any question. Above it, the evidence from a right answer
#: is so weak that BKT barely moves (a true/false question is still worth something).
GUESS_CAP = 0.3
#: Very unlikely to be right by luck: "select all", ordering, fill-in.
GUESS_UNLIKELY = 0.05
#: Code that passes the tests is almost never luck.
GUESS_EXERCISE = 0.02
#: A rubric matched by keyword: a vague answer can land on a keyword by accident.
GUESS_SHORT_ANSWER = 0.1


@dataclass(frozen=True)
class BKTParams:
    """The four BKT probabilities. The defaults are common textbook starting values."""

    p_init: float = 0.1  # P(L0): known before any practice
    p_transit: float = 0.1  # P(T): learned on one practice opportunity
    p_slip: float = 0.1  # P(S): wrong although known
    p_guess: float = 0.2  # P(G): right although not known

    def __post_init__(self) -> None:
        for name in ("p_init", "p_transit", "p_slip", "p_guess"):
            value = getattr(self, name)
            # Open interval: at 0 or 1, Bayes' rule can divide by zero or get stuck for good.
            if not 0.0 < value < 1.0:
                raise ValueError(f"{name} must be strictly between 0 and 1, got {value!r}")
        # If slip + guess >= 1, a right answer would count as evidence of *not* knowing.
        if self.p_slip + self.p_guess >= 1.0:
            raise ValueError("p_slip + p_guess must be below 1")


def _check_probability(name: str, value: float) -> None:
    # `not a <= x <= b` also rejects NaN.
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be in [0, 1], got {value!r}")


def update(p_known: float, score: float, params: BKTParams) -> float:
    """The probability the skill is known after one answer graded ``score`` (0 to 1).

    The posterior for a right or a wrong answer, blended by ``score`` for partial credit
    (see the module docstring). Then the learning transition, then the clamp to
    [:data:`P_MIN`, :data:`P_MAX`].
    """
    _check_probability("p_known", p_known)
    _check_probability("score", score)
    slip, guess = params.p_slip, params.p_guess
    # The parameters lie strictly inside (0, 1), so these denominators are never zero,
    # even for p_known 0 or 1.
    post_correct = p_known * (1 - slip) / (p_known * (1 - slip) + (1 - p_known) * guess)
    post_wrong = p_known * slip / (p_known * slip + (1 - p_known) * (1 - guess))
    posterior = score * post_correct + (1 - score) * post_wrong
    learned = posterior + (1 - posterior) * params.p_transit
    return min(P_MAX, max(P_MIN, learned))


def guess_probability(question: Question) -> float:
    """The chance of answering ``question`` right by luck alone."""
    if isinstance(question, MultipleChoice):
        if len(question.answer) > 1:
            # "Select all": every choice has to be picked or left out correctly.
            return GUESS_UNLIKELY
        return min(GUESS_CAP, 1 / len(question.choices))
    if isinstance(question, Ordering):
        return GUESS_UNLIKELY
    if isinstance(question, SpotTheBug):
        # A random pick among the lines that hold code, where any buggy line counts.
        # Blank lines aren't plausible picks. The max() guards against code that is only
        # whitespace, which validation should already reject.
        lines = max(1, sum(1 for line in question.code.splitlines() if line.strip()))
        return min(GUESS_CAP, len(set(question.answer_lines)) / lines)
    if isinstance(question, FillIn):
        return GUESS_UNLIKELY
    if isinstance(question, Exercise):
        return GUESS_EXERCISE
    if isinstance(question, ShortAnswer):
        return GUESS_SHORT_ANSWER
    # Reached only if a new type joins the Question union without a rule here.
    raise TypeError(f"no guess probability for {type(question).__name__}")


def params_for(question: Question, base: BKTParams = BKTParams()) -> BKTParams:
    """``base`` with ``p_guess`` set for this question.

    Raises ValueError if the question's guess probability plus ``base.p_slip`` is 1 or more.
    """
    return replace(base, p_guess=guess_probability(question))


# --- The Bloom level policy ---------------------------------------------------------------

#: Consecutive wrong answers at one level that send the learner one level down.
STEP_DOWN_AFTER = 2

_LEVELS = tuple(Bloom)

#: (upper bound on mastery, highest level allowed below it), lowest first. The top level
#: needs 0.85, close to MASTERED: creating something is the strongest claim of knowing a
#: skill, so the model should already be nearly sure before it asks for one.
_CEILINGS: tuple[tuple[float, Bloom], ...] = (
    (0.3, Bloom.UNDERSTAND),
    (0.5, Bloom.APPLY),
    (0.7, Bloom.ANALYZE),
    (0.85, Bloom.EVALUATE),
)


@dataclass(frozen=True)
class LevelState:
    """Where a learner is in a skill's Bloom levels."""

    #: The working level: the level of the next question.
    level: Bloom
    #: Consecutive right answers at this level.
    streak_correct: int = 0
    #: Consecutive wrong answers at this level.
    streak_wrong: int = 0

    def __post_init__(self) -> None:
        if self.streak_correct < 0 or self.streak_wrong < 0:
            raise ValueError("streaks can't be negative")


@dataclass(frozen=True)
class LevelDecision:
    state: LevelState
    change: Literal["up", "down", "same"]
    #: Show a lesson at ``state.level`` before the next question.
    re_explain: bool


def ceiling(mastery: float) -> Bloom:
    """The highest Bloom level that ``mastery`` (BKT's P(known)) supports.

    ====================  ==========
    mastery               ceiling
    ====================  ==========
    [0, 0.3)              UNDERSTAND
    [0.3, 0.5)            APPLY
    [0.5, 0.7)            ANALYZE
    [0.7, 0.85)           EVALUATE
    [0.85, 1]             CREATE
    ====================  ==========

    REMEMBER is always allowed. The lowest ceiling is UNDERSTAND, so a beginner can always
    climb from recall to explanation and show more than the estimate knows about yet.
    """
    _check_probability("mastery", mastery)
    for bound, level in _CEILINGS:
        if mastery < bound:
            return level
    return Bloom.CREATE


def next_level(state: LevelState, *, correct: bool, mastery_after: float) -> LevelDecision:
    """The level of the next question after an answer at ``state.level``.

    * **Right answer:** ``streak_wrong`` goes to 0 and ``streak_correct`` goes up by one.
      If the level is below CREATE and the next level up is within
      ``ceiling(mastery_after)``, the learner climbs that one level with both streaks back
      at 0 (``"up"``). Otherwise the level stays (``"same"``).
    * **Wrong answer:** ``streak_correct`` goes to 0 and ``streak_wrong`` goes up by one.
      At :data:`STEP_DOWN_AFTER` misses in a row above REMEMBER, the learner steps down one
      level with both streaks at 0 and is shown a re-explanation (``"down"``). At REMEMBER
      there is nowhere lower to go: the level stays (``"same"``), and at the threshold the
      learner is shown a re-explanation and the streak starts over. So a learner stuck at
      REMEMBER gets a lesson after every :data:`STEP_DOWN_AFTER` misses, not after every
      miss.

    ``mastery_after`` is the BKT estimate *after* this answer has been applied.
    """
    level = state.level
    if correct:
        limit = ceiling(mastery_after)
        if level is not Bloom.CREATE and level.rank + 1 <= limit.rank:
            return LevelDecision(LevelState(_LEVELS[level.rank + 1]), "up", re_explain=False)
        return LevelDecision(
            LevelState(level, streak_correct=state.streak_correct + 1, streak_wrong=0),
            "same",
            re_explain=False,
        )
    _check_probability("mastery_after", mastery_after)
    streak_wrong = state.streak_wrong + 1
    if streak_wrong < STEP_DOWN_AFTER:
        return LevelDecision(
            LevelState(level, streak_correct=0, streak_wrong=streak_wrong),
            "same",
            re_explain=False,
        )
    if level is Bloom.REMEMBER:
        # The lesson starts the level over, just like a step down does.
        return LevelDecision(LevelState(level), "same", re_explain=True)
    return LevelDecision(LevelState(_LEVELS[level.rank - 1]), "down", re_explain=True)


def start_level(mastery: float, best_level: Bloom | None) -> Bloom:
    """Where a returning learner resumes a skill.

    One level above the best level they have answered right (REMEMBER if none), capped by
    ``ceiling(mastery)``. Both the past and the estimate get a say. Someone whose mastery
    has dropped (a wrong answer in a review) resumes lower. Someone with high mastery
    still only climbs one level past what they have shown.
    """
    if best_level is None:
        target = Bloom.REMEMBER
    else:
        target = _LEVELS[min(best_level.rank + 1, len(_LEVELS) - 1)]
    limit = ceiling(mastery)
    return target if target.rank <= limit.rank else limit
