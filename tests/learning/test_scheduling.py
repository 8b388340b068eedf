"""Spaced repetition through FSRS-6: known intervals, ordering, caps and stored round trips.

Known values come from FSRS-6's default parameters w (fsrs 6.3.2). The arithmetic:

* A new card's stability is S0 = w[rating - 1]: Again 0.212, Hard 1.2931, Good 2.3065,
  Easy 8.2956.
* Stability is defined as the interval at which recall falls to 90 %. So with
  desired_retention 0.9 the next interval is S, rounded to whole days, at least 1 day.
* A new card's difficulty is D0 = w[4] - e**(w[5] * (rating - 1)) + 1, clamped to [1, 10].

Later reviews go through FSRS's stability-after-recall formula. Those values were taken
from one run of the library and pinned, so a change in fsrs shows up here.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import fsrs
import pytest

from devmentor.learning.scheduling import CardState, ReviewScheduler, rating_for

Rating = fsrs.Rating
T0 = datetime(2026, 1, 1, tzinfo=UTC)
DAY = timedelta(days=1)


@pytest.fixture
def scheduler() -> ReviewScheduler:
    return ReviewScheduler()


def _interval(state: CardState, reviewed_at: datetime) -> timedelta:
    return state.due - reviewed_at


# --- rating_for ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("correct", "score", "hints", "rating"),
    [
        (False, 0.0, 0, Rating.Again),
        (False, 0.49, 0, Rating.Again),
        (False, 0.49, 3, Rating.Again),
        (False, 0.5, 0, Rating.Hard),  # wrong but half right
        (False, 0.8, 2, Rating.Hard),
        (True, 1.0, 1, Rating.Hard),  # right only with a hint
        (True, 0.6, 2, Rating.Hard),
        (True, 1.0, 0, Rating.Good),
        (True, 0.7, 0, Rating.Good),  # partial but passing
    ],
)
def test_rating_for(correct: bool, score: float, hints: int, rating: Rating) -> None:
    assert rating_for(correct=correct, score=score, hints_used=hints) is rating


def test_rating_for_never_gives_easy() -> None:
    ratings = {
        rating_for(correct=correct, score=score / 10, hints_used=hints)
        for correct in (True, False)
        for score in range(11)
        for hints in range(4)
    }
    assert ratings == {Rating.Again, Rating.Hard, Rating.Good}


def test_rating_for_validates() -> None:
    with pytest.raises(ValueError, match="score"):
        rating_for(correct=True, score=1.2, hints_used=0)
    with pytest.raises(ValueError, match="score"):
        rating_for(correct=False, score=math.nan, hints_used=0)
    with pytest.raises(ValueError, match="hints_used"):
        rating_for(correct=True, score=1.0, hints_used=-1)


# --- First review -------------------------------------------------------------------------


def test_first_good_review_known_values(scheduler: ReviewScheduler) -> None:
    # S0(Good) = w[2] = 2.3065 -> interval round(2.3065) = 2 days -> due 2026-01-03.
    # D0(Good) = w[4] - e**(w[5]*2) + 1 = 6.4133 - e**1.6668 + 1 = 7.4133 - 5.2952 = 2.1181
    state = scheduler.review(None, Rating.Good, T0)
    assert state.due == datetime(2026, 1, 3, tzinfo=UTC)
    assert state.due.tzinfo is UTC
    assert _interval(state, T0) >= 2 * DAY
    assert state.stability == pytest.approx(2.3065)
    assert state.difficulty == pytest.approx(6.4133 - math.exp(0.8334 * 2) + 1)
    assert state.reviews == 1


@pytest.mark.parametrize(
    ("rating", "days", "stability"),
    [
        (Rating.Again, 1, 0.212),  # round(0.212) = 0, at least 1 day
        (Rating.Hard, 1, 1.2931),  # round(1.2931) = 1
        (Rating.Good, 2, 2.3065),  # round(2.3065) = 2
        (Rating.Easy, 8, 8.2956),  # round(8.2956) = 8
    ],
)
def test_first_review_per_rating(
    scheduler: ReviewScheduler, rating: Rating, days: int, stability: float
) -> None:
    state = scheduler.review(None, rating, T0)
    assert _interval(state, T0) == days * DAY
    assert state.stability == pytest.approx(stability)


def test_better_ratings_give_longer_intervals(scheduler: ReviewScheduler) -> None:
    states = [scheduler.review(None, rating, T0) for rating in Rating]
    intervals = [_interval(s, T0) for s in states]
    stabilities = [s.stability for s in states]
    # Again and Hard both round to the 1-day minimum; from Hard up they strictly grow.
    assert intervals[0] <= intervals[1] < intervals[2] < intervals[3]
    assert stabilities == sorted(stabilities)
    assert len(set(stabilities)) == 4
    difficulties = [s.difficulty for s in states]
    assert difficulties == sorted(difficulties, reverse=True)


def test_no_learning_steps_every_review_is_whole_days(scheduler: ReviewScheduler) -> None:
    state = None
    now = T0
    for rating in (Rating.Again, Rating.Again, Rating.Hard, Rating.Good, Rating.Again):
        state = scheduler.review(state, rating, now)
        interval = _interval(state, now)
        assert interval >= DAY
        assert interval % DAY == timedelta(0)
        assert state.card["state"] == fsrs.State.Review.value
        now = state.due


# --- Later reviews ------------------------------------------------------------------------


def test_second_good_review_lengthens_the_interval(scheduler: ReviewScheduler) -> None:
    first = scheduler.review(None, Rating.Good, T0)
    second = scheduler.review(first, Rating.Good, first.due)
    # Pinned from fsrs 6.3.2: S 2.3065 -> 10.9643, due 11 days after 2026-01-03.
    assert second.due == datetime(2026, 1, 14, tzinfo=UTC)
    assert second.stability == pytest.approx(10.964332, rel=1e-6)
    assert _interval(second, first.due) > _interval(first, T0)
    assert second.reviews == 2


def test_again_after_reviews_shortens_the_interval(scheduler: ReviewScheduler) -> None:
    first = scheduler.review(None, Rating.Good, T0)
    second = scheduler.review(first, Rating.Good, first.due)
    lapse = scheduler.review(second, Rating.Again, second.due)
    # Pinned from fsrs 6.3.2: S 10.9643 -> 1.5383, due 2 days after 2026-01-14.
    assert lapse.due == datetime(2026, 1, 16, tzinfo=UTC)
    assert lapse.stability < second.stability
    assert _interval(lapse, second.due) < _interval(second, first.due)
    assert lapse.reviews == 3
    assert lapse.difficulty > second.difficulty


def test_higher_retention_reviews_sooner() -> None:
    relaxed, strict = ReviewScheduler(), ReviewScheduler(desired_retention=0.95)
    a = relaxed.review(relaxed.review(None, Rating.Good, T0), Rating.Good, T0 + 2 * DAY)
    b = strict.review(strict.review(None, Rating.Good, T0), Rating.Good, T0 + 2 * DAY)
    assert b.due < a.due


@pytest.mark.parametrize("cap", [365, 30])
def test_due_never_exceeds_the_maximum_interval(cap: int) -> None:
    scheduler = ReviewScheduler(maximum_interval_days=cap)
    state, now = None, T0
    intervals = []
    for _ in range(12):
        state = scheduler.review(state, Rating.Easy, now)
        intervals.append(_interval(state, now))
        now = state.due
    assert max(intervals) == cap * DAY  # the cap is reached ...
    assert all(i <= cap * DAY for i in intervals)  # ... and never passed


def test_fuzz_changes_intervals_within_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    # fsrs draws fuzz from random.random() inside fsrs.scheduler; pin it to both ends.
    plain = ReviewScheduler()
    first = plain.review(None, Rating.Good, T0)
    unfuzzed = plain.review(first, Rating.Good, first.due)

    fuzzy = ReviewScheduler(fuzz=True)
    monkeypatch.setattr("fsrs.scheduler.random", lambda: 0.0)
    low = fuzzy.review(first, Rating.Good, first.due)
    assert _interval(low, first.due) < _interval(unfuzzed, first.due)

    monkeypatch.setattr("fsrs.scheduler.random", lambda: 0.999)
    capped = ReviewScheduler(maximum_interval_days=60, fuzz=True)
    state, now = None, T0
    for _ in range(8):
        state = capped.review(state, Rating.Easy, now)
        assert _interval(state, now) <= 60 * DAY
        now = state.due


# --- Storage and time zones ---------------------------------------------------------------


def test_json_round_trip_gives_the_same_next_schedule(scheduler: ReviewScheduler) -> None:
    state = scheduler.review(scheduler.review(None, Rating.Good, T0), Rating.Hard, T0 + 3 * DAY)
    stored = json.loads(json.dumps(state.card))
    loaded = ReviewScheduler.load(stored, state.reviews)
    assert loaded == state
    later = state.due + DAY
    for rating in Rating:
        assert scheduler.review(loaded, rating, later) == scheduler.review(state, rating, later)
    assert scheduler.retrievability(loaded, later) == scheduler.retrievability(state, later)


def test_load_rejects_bad_stored_cards(scheduler: ReviewScheduler) -> None:
    card = scheduler.review(None, Rating.Good, T0).card
    with pytest.raises(ValueError, match="at least one review"):
        ReviewScheduler.load(card, 0)
    with pytest.raises(ValueError, match="not a stored FSRS card"):
        ReviewScheduler.load({k: v for k, v in card.items() if k != "due"}, 1)
    with pytest.raises(ValueError, match="not a stored FSRS card"):
        ReviewScheduler.load({**card, "due": "yesterday"}, 1)
    with pytest.raises(ValueError, match="timezone"):
        ReviewScheduler.load({**card, "due": "2026-01-03T00:00:00"}, 1)
    with pytest.raises(ValueError, match="never been reviewed"):
        ReviewScheduler.load({**card, "stability": None, "difficulty": None}, 1)


def test_naive_datetimes_are_rejected(scheduler: ReviewScheduler) -> None:
    naive = datetime(2026, 1, 1)  # naive on purpose
    with pytest.raises(ValueError, match="timezone-aware"):
        scheduler.review(None, Rating.Good, naive)
    state = scheduler.review(None, Rating.Good, T0)
    with pytest.raises(ValueError, match="timezone-aware"):
        scheduler.review(state, Rating.Good, naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        scheduler.retrievability(state, naive)


def test_other_time_zones_are_converted_to_utc(scheduler: ReviewScheduler) -> None:
    tokyo = datetime(2026, 1, 1, 9, tzinfo=timezone(timedelta(hours=9)))  # = T0
    zone_utc = datetime(2026, 1, 1, tzinfo=ZoneInfo("UTC"))  # fsrs itself rejects this one
    expected = scheduler.review(None, Rating.Good, T0)
    assert scheduler.review(None, Rating.Good, tokyo) == expected
    assert scheduler.review(None, Rating.Good, zone_utc) == expected
    assert scheduler.review(None, Rating.Good, tokyo).due.tzinfo is UTC


# --- Retrievability -----------------------------------------------------------------------


def test_retrievability_known_values(scheduler: ReviewScheduler) -> None:
    state = scheduler.review(None, Rating.Good, T0)
    # FSRS-6: R(t) = (1 + F * t / S) ** -w20, with F = 0.9 ** (1 / -w20) - 1 and w20 = 0.1542.
    # Right after the review t = 0, R = 1. At the due date t = 2 days, S = 2.3065:
    # R = (1 + F * 2 / 2.3065) ** -0.1542 = 0.9095, just above the 0.9 target (2 < S).
    decay = 0.1542
    factor = 0.9 ** (1 / -decay) - 1
    assert scheduler.retrievability(state, T0) == 1.0
    assert scheduler.retrievability(state, state.due) == pytest.approx(
        (1 + factor * 2 / 2.3065) ** -decay
    )
    assert scheduler.retrievability(state, state.due) == pytest.approx(0.9095, abs=1e-4)


def test_retrievability_falls_over_time(scheduler: ReviewScheduler) -> None:
    state = scheduler.review(None, Rating.Good, T0)
    values = [scheduler.retrievability(state, T0 + n * DAY) for n in range(0, 400, 7)]
    assert values == sorted(values, reverse=True)
    assert all(0.0 < v <= 1.0 for v in values)
    assert values[-1] < 0.5


# --- Construction -------------------------------------------------------------------------


@pytest.mark.parametrize("retention", [0.0, 1.0, 1.2, -0.5])
def test_retention_must_be_strictly_between_zero_and_one(retention: float) -> None:
    with pytest.raises(ValueError, match="desired_retention"):
        ReviewScheduler(desired_retention=retention)


def test_maximum_interval_must_be_positive() -> None:
    with pytest.raises(ValueError, match="maximum_interval_days"):
        ReviewScheduler(maximum_interval_days=0)
