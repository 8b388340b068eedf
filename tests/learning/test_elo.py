"""Elo ratings for learners and questions: known values, bounds and ordering."""

from __future__ import annotations

import math

import pytest

from devmentor.curriculum.model import Bloom
from devmentor.learning.elo import (
    BASE_RATING,
    TARGET_SUCCESS,
    expected,
    initial_difficulty,
    k_factor,
    rank_candidates,
    update,
)

RATINGS = [600.0 + 50 * i for i in range(17)]  # 600 .. 1400


# --- expected -----------------------------------------------------------------------------


def test_expected_known_values() -> None:
    assert expected(1000, 1000) == 0.5  # 1 / (1 + 10**0)
    assert expected(1000, 1400) == pytest.approx(1 / 11)  # 1 / (1 + 10**1)
    assert expected(1400, 1000) == pytest.approx(10 / 11)  # 1 / (1 + 10**-1)
    assert expected(1000, 1800) == pytest.approx(1 / 101)  # 1 / (1 + 10**2)
    assert expected(1200, 1000) == pytest.approx(1 / (1 + 10**-0.5))  # = 0.7597...


def test_expected_is_symmetric() -> None:
    for a in RATINGS:
        for d in RATINGS:
            assert expected(a, d) + expected(d, a) == pytest.approx(1.0)


def test_expected_falls_with_difficulty_and_rises_with_ability() -> None:
    by_difficulty = [expected(1000, d) for d in RATINGS]
    by_ability = [expected(a, 1000) for a in RATINGS]
    assert by_difficulty == sorted(by_difficulty, reverse=True)
    assert len(set(by_difficulty)) == len(RATINGS)  # strictly
    assert by_ability == sorted(by_ability)
    assert all(0 < e < 1 for e in by_difficulty + by_ability)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_expected_rejects_non_finite_ratings(bad: float) -> None:
    with pytest.raises(ValueError, match="finite"):
        expected(bad, 1000)
    with pytest.raises(ValueError, match="finite"):
        expected(1000, bad)


# --- k_factor -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "k"),
    [
        (0, 48.0),  # brand new: high
        (15, 30.0),  # 48 - 36 * 15/30 = 48 - 18
        (10, 36.0),  # 48 - 36 * 10/30 = 48 - 12
        (30, 12.0),  # settled: low
        (1000, 12.0),  # stays low
    ],
)
def test_k_factor_known_values(answers: int, k: float) -> None:
    assert k_factor(answers) == pytest.approx(k)


def test_k_factor_with_custom_bounds() -> None:
    # 40 - (40 - 10) * 5/10 = 25
    assert k_factor(5, high=40.0, low=10.0, settle=10) == pytest.approx(25.0)
    assert k_factor(7, high=20.0, low=20.0) == 20.0  # constant K


def test_k_factor_never_increases_and_stays_in_bounds() -> None:
    ks = [k_factor(n) for n in range(60)]
    assert ks == sorted(ks, reverse=True)
    assert all(12.0 <= k <= 48.0 for k in ks)


def test_k_factor_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="negative"):
        k_factor(-1)
    with pytest.raises(ValueError, match="settle"):
        k_factor(3, settle=0)
    with pytest.raises(ValueError, match="low <= high"):
        k_factor(3, high=10.0, low=20.0)


# --- initial_difficulty -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("skill", "bloom", "rating"),
    [
        (3, Bloom.REMEMBER, 1000.0),  # the centre
        (1, Bloom.REMEMBER, 900.0),  # 1000 + 0 + 50*(-2)
        (2, Bloom.APPLY, 1030.0),  # 1000 + 40*2 + 50*(-1)
        (5, Bloom.CREATE, 1300.0),  # 1000 + 40*5 + 50*2
        (4, Bloom.ANALYZE, 1170.0),  # 1000 + 40*3 + 50*1
    ],
)
def test_initial_difficulty_known_values(skill: int, bloom: Bloom, rating: float) -> None:
    assert initial_difficulty(skill, bloom) == rating


def test_initial_difficulty_rises_with_level_and_skill() -> None:
    assert BASE_RATING == 1000.0
    for skill in range(1, 6):
        ratings = [initial_difficulty(skill, level) for level in Bloom]
        assert ratings == sorted(ratings)
        assert len(set(ratings)) == len(ratings)
    for level in Bloom:
        ratings = [initial_difficulty(skill, level) for skill in range(1, 6)]
        assert ratings == sorted(ratings)
        assert len(set(ratings)) == len(ratings)


@pytest.mark.parametrize("skill", [0, 6, -3])
def test_initial_difficulty_rejects_skill_difficulty_outside_one_to_five(skill: int) -> None:
    with pytest.raises(ValueError, match="1 to 5"):
        initial_difficulty(skill, Bloom.APPLY)


# --- update -------------------------------------------------------------------------------


def test_update_new_learner_new_question_right() -> None:
    # e = 0.5, K = 48 for both: ability 1000 + 48*0.5 = 1024, difficulty 1000 - 24 = 976
    assert update(1000, 1000, 1.0, learner_answers=0, question_answers=0) == pytest.approx(
        (1024.0, 976.0)
    )


def test_update_new_learner_new_question_wrong() -> None:
    # surprise = 0 - 0.5: ability 1000 - 24 = 976, difficulty 1000 + 24 = 1024
    assert update(1000, 1000, 0.0, learner_answers=0, question_answers=0) == pytest.approx(
        (976.0, 1024.0)
    )


def test_update_partial_credit_as_expected_moves_nothing() -> None:
    # score 0.5 == e 0.5: no surprise
    assert update(1000, 1000, 0.5, learner_answers=3, question_answers=9) == (1000.0, 1000.0)


def test_update_uses_each_side_s_own_k() -> None:
    # e = 1/11, surprise = 10/11; learner settled (K 12), question new (K 48)
    # ability 1000 + 12*10/11 = 1010.909..., difficulty 1400 - 48*10/11 = 1356.3636...
    ability, difficulty = update(1000, 1400, 1.0, learner_answers=30, question_answers=0)
    assert ability == pytest.approx(1000 + 120 / 11)
    assert difficulty == pytest.approx(1400 - 480 / 11)


def test_update_expected_failure_barely_moves() -> None:
    # e = 1/11, score 0: surprise -1/11; K 48 each: ability 1000 - 48/11 = 995.636...
    ability, difficulty = update(1000, 1400, 0.0, learner_answers=0, question_answers=0)
    assert ability == pytest.approx(1000 - 48 / 11)
    assert difficulty == pytest.approx(1400 + 48 / 11)


def test_update_is_monotone_in_the_score() -> None:
    scores = [i / 10 for i in range(11)]
    results = [update(950, 1100, s, learner_answers=4, question_answers=12) for s in scores]
    abilities = [a for a, _ in results]
    difficulties = [d for _, d in results]
    assert abilities == sorted(abilities)
    assert difficulties == sorted(difficulties, reverse=True)
    assert len(set(abilities)) == len(scores)


def test_update_conserves_the_total_when_ks_match() -> None:
    for a in RATINGS[::4]:
        for d in RATINGS[::4]:
            for score in (0.0, 0.4, 1.0):
                new_a, new_d = update(a, d, score, learner_answers=7, question_answers=7)
                assert new_a + new_d == pytest.approx(a + d)


def test_update_bounds_each_step_by_k() -> None:
    for a in RATINGS:
        new_a, new_d = update(a, 1000, 1.0, learner_answers=0, question_answers=30)
        assert 0 < new_a - a < 48
        assert 0 < 1000 - new_d < 12


def test_repeated_success_converges_on_the_difficulty() -> None:
    # A learner who always gets a 1300 question right climbs past it.
    ability = BASE_RATING
    for n in range(40):
        ability, _ = update(ability, 1300, 1.0, learner_answers=n, question_answers=500)
    assert ability > 1300


@pytest.mark.parametrize("score", [-0.1, 1.1, math.nan])
def test_update_rejects_scores_outside_zero_one(score: float) -> None:
    with pytest.raises(ValueError, match="score"):
        update(1000, 1000, score, learner_answers=0, question_answers=0)


# --- rank_candidates ----------------------------------------------------------------------


def test_rank_candidates_known_order() -> None:
    # ability 1000, target 0.7. The ideal difficulty is 1000 + 400*log10(3/7) = 852.8.
    # b 850:  e = 1/(1 + 10**-0.375) = 0.7034, distance 0.0034
    # a 1000: e = 0.5,                          distance 0.2
    # c 600:  e = 10/11 = 0.9091,               distance 0.2091
    # d 1300: e = 1/(1 + 10**0.75) = 0.1510,   distance 0.5490
    candidates = {"a": 1000.0, "b": 850.0, "c": 600.0, "d": 1300.0}
    assert TARGET_SUCCESS == 0.7
    assert rank_candidates(1000, candidates) == ["b", "a", "c", "d"]


def test_rank_candidates_with_another_target() -> None:
    # target 0.5: a (e 0.5) first, then b (0.2034), c (0.4091), d (0.3490)
    candidates = {"a": 1000.0, "b": 850.0, "c": 600.0, "d": 1300.0}
    assert rank_candidates(1000, candidates, target=0.5) == ["a", "b", "d", "c"]


def test_rank_candidates_breaks_ties_by_id() -> None:
    assert rank_candidates(1000, {"z": 900.0, "a": 900.0, "m": 900.0}) == ["a", "m", "z"]


def test_rank_candidates_ignores_insertion_order() -> None:
    items = [(f"q{i}", 700.0 + 37 * i) for i in range(15)]
    forward = rank_candidates(1100, dict(items))
    backward = rank_candidates(1100, dict(reversed(items)))
    assert forward == backward
    assert sorted(forward) == sorted(qid for qid, _ in items)


def test_rank_candidates_empty() -> None:
    assert rank_candidates(1000, {}) == []


def test_rank_candidates_first_is_closest_to_target() -> None:
    candidates = {f"q{i}": d for i, d in enumerate(RATINGS)}
    for ability in (700.0, 1000.0, 1350.0):
        ranked = rank_candidates(ability, candidates)
        distances = [abs(expected(ability, candidates[q]) - TARGET_SUCCESS) for q in ranked]
        assert distances == sorted(distances)


@pytest.mark.parametrize("target", [-0.1, 1.5, math.nan])
def test_rank_candidates_rejects_a_target_outside_zero_one(target: float) -> None:
    with pytest.raises(ValueError, match="target"):
        rank_candidates(1000, {"a": 1000.0}, target=target)
