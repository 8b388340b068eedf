"""BKT updates, guess probabilities per question type, and the Bloom level policy."""

from __future__ import annotations

import math

import pytest

from devmentor.curriculum.model import (
    Bloom,
    Exercise,
    FillIn,
    MultipleChoice,
    Ordering,
    Question,
    RubricItem,
    ShortAnswer,
    SpotTheBug,
)
from devmentor.learning import mastery
from devmentor.learning.mastery import (
    MASTERED,
    STEP_DOWN_AFTER,
    BKTParams,
    LevelDecision,
    LevelState,
    ceiling,
    guess_probability,
    next_level,
    params_for,
    start_level,
    update,
)

DEFAULT = BKTParams()
EXPLANATION = "Because that is how it works in this example."
GRID = [i / 20 for i in range(21)]  # 0.0, 0.05, ..., 1.0
LEVELS = list(Bloom)


# --- BKT ----------------------------------------------------------------------------------


def test_defaults_are_the_documented_ones() -> None:
    assert (DEFAULT.p_init, DEFAULT.p_transit, DEFAULT.p_slip, DEFAULT.p_guess) == (
        0.1,
        0.1,
        0.1,
        0.2,
    )
    assert MASTERED == 0.95


def test_correct_answer_known_value() -> None:
    # post = p(1-s) / (p(1-s) + (1-p)g) = 0.1*0.9 / (0.09 + 0.9*0.2) = 0.09/0.27 = 1/3
    # p'   = 1/3 + (2/3)*0.1 = 5/15 + 1/15 = 6/15 = 0.4
    assert update(0.1, 1.0, DEFAULT) == pytest.approx(0.4)


def test_wrong_answer_known_value() -> None:
    # post = p*s / (p*s + (1-p)(1-g)) = 0.01 / (0.01 + 0.9*0.8) = 0.01/0.73 = 1/73
    # p'   = 1/73 + (72/73)*0.1 = (1 + 7.2)/73 = 8.2/73 = 0.112328767...
    assert update(0.1, 0.0, DEFAULT) == pytest.approx(8.2 / 73)


def test_partial_credit_blends_the_posteriors() -> None:
    # post = 0.5*(1/3) + 0.5*(1/73) = (73 + 3)/438 = 38/219
    # p'   = 38/219 + (181/219)*0.1 = (38 + 18.1)/219 = 56.1/219 = 0.256164...
    assert update(0.1, 0.5, DEFAULT) == pytest.approx(56.1 / 219)


def test_correct_answer_from_even_odds() -> None:
    # post = 0.5*0.9 / (0.45 + 0.5*0.2) = 0.45/0.55 = 9/11
    # p'   = 9/11 + (2/11)*0.1 = 9.2/11 = 0.83636...
    assert update(0.5, 1.0, DEFAULT) == pytest.approx(9.2 / 11)


def test_wrong_answer_lowers_a_high_estimate() -> None:
    # post = 0.9*0.1 / (0.09 + 0.1*0.8) = 0.09/0.17 = 9/17
    # p'   = 9/17 + (8/17)*0.1 = 9.8/17 = 0.57647...
    assert update(0.9, 0.0, DEFAULT) == pytest.approx(9.8 / 17)


def test_certainty_is_clamped_at_the_top() -> None:
    # p = 1: post_correct = 0.9/0.9 = 1, and the transition keeps it at 1, then the clamp.
    assert update(1.0, 1.0, DEFAULT) == mastery.P_MAX == 0.999


def test_certainty_is_clamped_at_the_bottom() -> None:
    # p = 0: post_wrong = 0, then p' = 0 + 1*T = 0.0001, below the floor of 0.001.
    params = BKTParams(p_transit=0.0001)
    assert update(0.0, 0.0, params) == mastery.P_MIN == 0.001


def test_without_the_clamp_the_floor_case_would_be_lower() -> None:
    # The same case with T = 0.01 gives 0.01, above the floor: the clamp only acts at the
    # edges.
    assert update(0.0, 0.0, BKTParams(p_transit=0.01)) == pytest.approx(0.01)


@pytest.mark.parametrize("p_known", GRID)
def test_update_is_monotone_in_the_score(p_known: float) -> None:
    results = [update(p_known, score, DEFAULT) for score in GRID]
    assert results == sorted(results)


@pytest.mark.parametrize("score", [0.0, 0.3, 0.7, 1.0])
def test_update_is_monotone_in_the_prior(score: float) -> None:
    results = [update(p, score, DEFAULT) for p in GRID]
    assert results == sorted(results)


def test_update_stays_in_bounds() -> None:
    for params in (DEFAULT, BKTParams(0.5, 0.9, 0.01, 0.01), BKTParams(0.01, 0.01, 0.4, 0.5)):
        for p in GRID:
            for score in GRID:
                assert mastery.P_MIN <= update(p, score, params) <= mastery.P_MAX


def test_correct_answers_reach_mastered() -> None:
    # 0.1 -> 0.4 (above)
    # 0.4: post = 0.36/(0.36 + 0.6*0.2) = 0.75, p' = 0.75 + 0.25*0.1 = 0.775
    # 0.775: post = 0.6975/(0.6975 + 0.225*0.2) = 0.6975/0.7425 = 31/33,
    #        p' = 31/33 + (2/33)*0.1 = 31.2/33 = 0.94545... (still below 0.95)
    # a fourth right answer crosses MASTERED.
    p = DEFAULT.p_init
    history = []
    for _ in range(4):
        p = update(p, 1.0, DEFAULT)
        history.append(p)
    assert history[:3] == pytest.approx([0.4, 0.775, 31.2 / 33])
    assert history[2] < MASTERED <= history[3]


@pytest.mark.parametrize(
    ("p_known", "score"),
    [(0.5, -0.01), (0.5, 1.01), (0.5, math.nan), (-0.1, 1.0), (1.1, 0.0), (math.nan, 0.5)],
)
def test_update_rejects_values_outside_zero_one(p_known: float, score: float) -> None:
    with pytest.raises(ValueError, match="must be in"):
        update(p_known, score, DEFAULT)


@pytest.mark.parametrize("field", ["p_init", "p_transit", "p_slip", "p_guess"])
@pytest.mark.parametrize("value", [0.0, 1.0, -0.2, 1.5])
def test_params_must_be_strictly_inside_zero_one(field: str, value: float) -> None:
    with pytest.raises(ValueError, match=field):
        BKTParams(**{field: value})


def test_slip_plus_guess_must_be_below_one() -> None:
    with pytest.raises(ValueError, match="p_slip \\+ p_guess"):
        BKTParams(p_slip=0.5, p_guess=0.5)
    assert BKTParams(p_slip=0.49, p_guess=0.5).p_guess == 0.5


# --- Guess probability --------------------------------------------------------------------


def _mc(choices: int, answer: list[int]) -> MultipleChoice:
    return MultipleChoice(
        id="mc",
        bloom=Bloom.REMEMBER,
        type="multiple_choice",
        prompt="Which one of these is right?",
        choices=[f"choice {i}" for i in range(choices)],
        answer=answer,
        explanation=EXPLANATION,
    )


def _spot(code: str, lines: list[int]) -> SpotTheBug:
    return SpotTheBug(
        id="spot",
        bloom=Bloom.ANALYZE,
        type="spot_the_bug",
        prompt="Which line holds the bug?",
        language="python",
        code=code,
        answer_lines=lines,
        explanation=EXPLANATION,
    )


ORDERING = Ordering(
    id="order",
    bloom=Bloom.APPLY,
    type="ordering",
    prompt="Put the steps in order, please.",
    items=["first", "second", "third"],
    explanation=EXPLANATION,
)
FILL = FillIn(
    id="fill",
    bloom=Bloom.APPLY,
    type="fill_in",
    prompt="Complete the code below.",
    language="python",
    code="x ____ 1\n",
    answers=[["="]],
    explanation=EXPLANATION,
)
EXERCISE = Exercise(
    id="ex",
    bloom=Bloom.CREATE,
    type="exercise",
    prompt="Write double(x) that doubles x.",
    starter="def double(x):\n    pass\n",
    tests="assert double(2) == 4\n",
    solution="def double(x):\n    return 2 * x\n",
    explanation=EXPLANATION,
)
SHORT = ShortAnswer(
    id="short",
    bloom=Bloom.UNDERSTAND,
    type="short_answer",
    prompt="Why is a list default shared between calls?",
    rubric=[RubricItem(concept="evaluated once", keywords=["once"])],
    reference="The default is evaluated once, when the def statement runs.",
    explanation=EXPLANATION,
)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (_mc(4, [1]), 0.25),  # 1/4
        (_mc(8, [0]), 0.125),  # 1/8
        (_mc(3, [2]), 0.3),  # 1/3 = 0.333, capped at 0.3
        (_mc(2, [0]), 0.3),  # 1/2, capped at 0.3
        (_mc(4, [0, 2]), 0.05),  # select all
        (ORDERING, 0.05),
        (FILL, 0.05),
        (EXERCISE, 0.02),
        (SHORT, 0.1),
    ],
)
def test_guess_probability_per_type(question: Question, expected: float) -> None:
    assert guess_probability(question) == pytest.approx(expected)


def test_spot_the_bug_counts_only_lines_with_code() -> None:
    # 5 lines hold code, 2 are blank: 1/5 = 0.2 (it would be 1/7 with the blanks).
    code = "a = 1\n\nb = 2\n   \nc = a\nd = b\ne = c\n"
    assert guess_probability(_spot(code, [3])) == pytest.approx(0.2)


def test_spot_the_bug_with_two_buggy_lines() -> None:
    # 10 lines of code, 2 buggy lines: 2/10 = 0.2
    code = "".join(f"x{i} = {i}\n" for i in range(10))
    assert guess_probability(_spot(code, [2, 7])) == pytest.approx(0.2)


def test_spot_the_bug_is_capped() -> None:
    # 4 lines of code, 2 buggy: 2/4 = 0.5, capped at 0.3
    code = "def f(x, items=[]):\n    items.append(x)\n    return items\n\nprint(f(1))\n"
    assert guess_probability(_spot(code, [1, 2])) == pytest.approx(0.3)


def test_spot_the_bug_with_only_whitespace_code_does_not_divide_by_zero() -> None:
    assert guess_probability(_spot("  \n", [1])) == pytest.approx(0.3)


def test_params_for_replaces_only_the_guess() -> None:
    base = BKTParams(p_init=0.3, p_transit=0.2, p_slip=0.05, p_guess=0.25)
    params = params_for(EXERCISE, base)
    assert params == BKTParams(p_init=0.3, p_transit=0.2, p_slip=0.05, p_guess=0.02)
    assert params_for(_mc(4, [0])) == BKTParams(p_guess=0.25)


def test_params_for_rejects_a_base_whose_slip_leaves_no_room() -> None:
    # slip 0.75 + guess 0.3 (two choices) = 1.05
    with pytest.raises(ValueError, match="p_slip"):
        params_for(_mc(2, [0]), BKTParams(p_slip=0.75, p_guess=0.1))


def test_a_guessable_right_answer_is_weaker_evidence() -> None:
    # Exercise: post = 0.09 / (0.09 + 0.9*0.02) = 0.09/0.108 = 0.8333, p' = 0.85
    # Two choices: post = 0.09 / (0.09 + 0.9*0.3) = 0.09/0.36 = 0.25, p' = 0.325
    from_exercise = update(0.1, 1.0, params_for(EXERCISE))
    from_coin_flip = update(0.1, 1.0, params_for(_mc(2, [0])))
    assert from_exercise == pytest.approx(0.85)
    assert from_coin_flip == pytest.approx(0.325)


# --- Ceiling ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "level"),
    [
        (0.0, Bloom.UNDERSTAND),
        (0.2999, Bloom.UNDERSTAND),
        (0.3, Bloom.APPLY),
        (0.4999, Bloom.APPLY),
        (0.5, Bloom.ANALYZE),
        (0.6999, Bloom.ANALYZE),
        (0.7, Bloom.EVALUATE),
        (0.8499, Bloom.EVALUATE),
        (0.85, Bloom.CREATE),
        (1.0, Bloom.CREATE),
    ],
)
def test_ceiling_bands(value: float, level: Bloom) -> None:
    assert ceiling(value) is level


def test_ceiling_is_monotone_and_never_remember() -> None:
    ranks = [ceiling(m).rank for m in (i / 1000 for i in range(1001))]
    assert ranks == sorted(ranks)
    assert min(ranks) == Bloom.UNDERSTAND.rank


@pytest.mark.parametrize("value", [-0.01, 1.01, math.nan])
def test_ceiling_rejects_values_outside_zero_one(value: float) -> None:
    with pytest.raises(ValueError, match="mastery"):
        ceiling(value)


# --- next_level ---------------------------------------------------------------------------


def test_correct_climbs_one_level_within_the_ceiling() -> None:
    decision = next_level(
        LevelState(Bloom.REMEMBER, streak_correct=2, streak_wrong=1),
        correct=True,
        mastery_after=0.1,
    )
    assert decision == LevelDecision(LevelState(Bloom.UNDERSTAND, 0, 0), "up", re_explain=False)


def test_correct_climbs_only_one_level_even_when_mastered() -> None:
    decision = next_level(LevelState(Bloom.REMEMBER, 0, 0), correct=True, mastery_after=0.99)
    assert decision.state.level is Bloom.UNDERSTAND
    assert decision.change == "up"


def test_correct_at_the_ceiling_stays_and_counts() -> None:
    # mastery 0.29 -> ceiling UNDERSTAND; APPLY is above it.
    decision = next_level(
        LevelState(Bloom.UNDERSTAND, streak_correct=1, streak_wrong=1),
        correct=True,
        mastery_after=0.29,
    )
    assert decision == LevelDecision(LevelState(Bloom.UNDERSTAND, 2, 0), "same", re_explain=False)


def test_climbing_exactly_to_the_ceiling_is_allowed() -> None:
    # mastery 0.5 -> ceiling ANALYZE; APPLY + 1 = ANALYZE <= ANALYZE.
    decision = next_level(LevelState(Bloom.APPLY, 0, 0), correct=True, mastery_after=0.5)
    assert decision.state == LevelState(Bloom.ANALYZE, 0, 0)
    assert decision.change == "up"


def test_correct_at_create_stays() -> None:
    decision = next_level(LevelState(Bloom.CREATE, 4, 0), correct=True, mastery_after=1.0)
    assert decision == LevelDecision(LevelState(Bloom.CREATE, 5, 0), "same", re_explain=False)


def test_correct_above_a_fallen_ceiling_neither_climbs_nor_drops() -> None:
    # At EVALUATE with mastery 0.2 (ceiling UNDERSTAND): success doesn't push anyone down.
    decision = next_level(LevelState(Bloom.EVALUATE, 0, 0), correct=True, mastery_after=0.2)
    assert decision == LevelDecision(LevelState(Bloom.EVALUATE, 1, 0), "same", re_explain=False)


def test_one_wrong_answer_keeps_the_level() -> None:
    decision = next_level(
        LevelState(Bloom.ANALYZE, streak_correct=3, streak_wrong=0),
        correct=False,
        mastery_after=0.5,
    )
    assert decision == LevelDecision(LevelState(Bloom.ANALYZE, 0, 1), "same", re_explain=False)


def test_consecutive_wrong_answers_step_down_and_re_explain() -> None:
    assert STEP_DOWN_AFTER == 2
    state = LevelState(Bloom.ANALYZE, 0, 0)
    first = next_level(state, correct=False, mastery_after=0.5)
    second = next_level(first.state, correct=False, mastery_after=0.4)
    assert second == LevelDecision(LevelState(Bloom.APPLY, 0, 0), "down", re_explain=True)


def test_a_right_answer_between_misses_resets_the_wrong_streak() -> None:
    state = LevelState(Bloom.ANALYZE, 0, 0)
    state = next_level(state, correct=False, mastery_after=0.6).state
    state = next_level(state, correct=True, mastery_after=0.6).state
    decision = next_level(state, correct=False, mastery_after=0.6)
    assert decision == LevelDecision(LevelState(Bloom.ANALYZE, 0, 1), "same", re_explain=False)


def test_at_remember_misses_re_explain_every_threshold() -> None:
    state = LevelState(Bloom.REMEMBER, 0, 0)
    decisions = []
    for _ in range(4):
        decision = next_level(state, correct=False, mastery_after=0.01)
        decisions.append(decision)
        state = decision.state
    assert [d.re_explain for d in decisions] == [False, True, False, True]
    assert {d.change for d in decisions} == {"same"}
    assert {d.state.level for d in decisions} == {Bloom.REMEMBER}
    assert [d.state.streak_wrong for d in decisions] == [1, 0, 1, 0]


def test_next_level_validates_mastery() -> None:
    with pytest.raises(ValueError, match="mastery"):
        next_level(LevelState(Bloom.APPLY), correct=True, mastery_after=1.5)
    with pytest.raises(ValueError, match="mastery"):
        next_level(LevelState(Bloom.APPLY), correct=False, mastery_after=-0.5)


def test_negative_streaks_are_rejected() -> None:
    with pytest.raises(ValueError, match="negative"):
        LevelState(Bloom.APPLY, streak_correct=-1)
    with pytest.raises(ValueError, match="negative"):
        LevelState(Bloom.APPLY, streak_wrong=-1)


def test_level_moves_at_most_one_step_and_respects_the_ceiling_on_the_way_up() -> None:
    # A deterministic run of mixed answers through BKT and the policy.
    pattern = [True, True, False, True, False, False, True, True, True, False] * 5
    state, p = LevelState(Bloom.REMEMBER), DEFAULT.p_init
    changes = set()
    for correct in pattern:
        p = update(p, 1.0 if correct else 0.0, DEFAULT)
        decision = next_level(state, correct=correct, mastery_after=p)
        step = decision.state.level.rank - state.level.rank
        assert step in (-1, 0, 1)
        assert decision.change == {-1: "down", 0: "same", 1: "up"}[step]
        if state.level is not Bloom.REMEMBER:
            assert decision.re_explain == (step == -1)
        if step == 1:
            assert decision.state.level.rank <= ceiling(p).rank
        changes.add(decision.change)
        state = decision.state
    assert changes == {"up", "down", "same"}  # the run exercises every branch


def test_all_right_answers_climb_to_create_one_level_at_a_time() -> None:
    state, p = LevelState(Bloom.REMEMBER), DEFAULT.p_init
    visited = [state.level]
    for _ in range(10):
        p = update(p, 1.0, DEFAULT)
        state = next_level(state, correct=True, mastery_after=p).state
        if state.level is not visited[-1]:
            visited.append(state.level)
    assert visited == LEVELS


# --- start_level --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "best", "level"),
    [
        (0.0, None, Bloom.REMEMBER),  # new learner
        (0.99, None, Bloom.REMEMBER),  # high estimate, nothing shown yet
        (0.1, Bloom.REMEMBER, Bloom.UNDERSTAND),  # one above best, ceiling UNDERSTAND
        (0.99, Bloom.APPLY, Bloom.ANALYZE),  # one above best; ceiling CREATE
        (0.4, Bloom.ANALYZE, Bloom.APPLY),  # one above is EVALUATE, ceiling 0.4 is APPLY
        (0.9, Bloom.CREATE, Bloom.CREATE),  # nothing above CREATE
        (0.75, Bloom.CREATE, Bloom.EVALUATE),  # mastery fell: ceiling EVALUATE
    ],
)
def test_start_level(value: float, best: Bloom | None, level: Bloom) -> None:
    assert start_level(value, best) is level


def test_start_level_never_exceeds_either_bound() -> None:
    for value in GRID:
        for best in [None, *LEVELS]:
            level = start_level(value, best)
            assert level.rank <= ceiling(value).rank
            assert level.rank <= (0 if best is None else best.rank + 1)
