"""Spaced repetition: when a learned question should come back for review.

The scheduling uses FSRS (Free Spaced Repetition Scheduler, version 6, through the MIT
licensed ``fsrs`` package). FSRS models each card's memory with two numbers. Stability is
how many days until recall drops to 90 %. Difficulty is how hard the card is to make
stick. A review is scheduled for when predicted recall falls to ``desired_retention``.
FSRS beats the older SM-2 rules on real review data, and its default parameters were
fitted on a large collection of review histories, so it works before we have any data of
our own.

Choices made here:

* **No learning or relearning steps.** Anki-style minute-long steps drill a card within
  one sitting. A DevMentor learning session already does that drilling. Reviews exist for
  long-term memory, so every review, including a failed one, gets an interval in whole
  days from FSRS's memory model.
* **At most 365 days between reviews.** Programming knowledge tends to drift as tools
  change, and a yearly check is cheap.
* **No fuzzing by default,** so tests are deterministic. Production turns it on (``fuzz``)
  to spread out reviews of questions learned on the same day.
* **Ratings come from grading** (:func:`rating_for`), never from the learner. Easy is
  never given automatically: it means "that was effortless", and we can't observe how
  confident a learner felt.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

import fsrs
from fsrs.card import CardDict


@dataclass(frozen=True)
class CardState:
    """One question's review schedule for one learner."""

    #: ``fsrs.Card.to_dict()``: JSON-safe, stored in the database as is.
    card: dict[str, Any]
    #: When the next review is due (tz-aware, UTC).
    due: datetime
    #: Days until predicted recall falls to 90 %.
    stability: float
    #: FSRS difficulty, 1 (easy) to 10 (hard).
    difficulty: float
    #: Reviews done so far, including the first.
    reviews: int


def rating_for(*, correct: bool, score: float, hints_used: int) -> fsrs.Rating:
    """The FSRS rating for a graded review answer.

    * wrong, score below 0.5: Again (forgotten)
    * wrong otherwise: Hard (partly remembered)
    * right with hints: Hard (recalled only with help)
    * right without hints: Good, whether full or partial credit. A passing answer is a
      successful recall, and Easy is never given (see the module docstring).
    """
    if not 0.0 <= score <= 1.0:
        raise ValueError(f"score must be in [0, 1], got {score!r}")
    if hints_used < 0:
        raise ValueError("hints_used can't be negative")
    if not correct:
        return fsrs.Rating.Again if score < 0.5 else fsrs.Rating.Hard
    if hints_used > 0:
        return fsrs.Rating.Hard
    return fsrs.Rating.Good


def _utc(now: datetime) -> datetime:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime")
    # fsrs accepts only datetime.timezone.utc itself (not ZoneInfo("UTC"), nor an offset).
    return now.astimezone(UTC)


def _state(card: fsrs.Card, reviews: int) -> CardState:
    if card.stability is None or card.difficulty is None:
        # Without learning steps, a single review puts a card in the Review state, which
        # has both numbers. A stored card without them was never reviewed.
        raise ValueError("the card has never been reviewed")
    return CardState(
        # A TypedDict isn't a dict[str, Any] to mypy, though it is one at run time.
        card=cast("dict[str, Any]", card.to_dict()),
        due=card.due.astimezone(UTC),
        stability=card.stability,
        difficulty=card.difficulty,
        reviews=reviews,
    )


class ReviewScheduler:
    """FSRS with DevMentor's settings. It keeps no state between calls."""

    def __init__(
        self,
        *,
        desired_retention: float = 0.9,
        maximum_interval_days: int = 365,
        fuzz: bool = False,
    ) -> None:
        if not 0.0 < desired_retention < 1.0:
            raise ValueError("desired_retention must be strictly between 0 and 1")
        if maximum_interval_days < 1:
            raise ValueError("maximum_interval_days must be at least 1")
        self._scheduler = fsrs.Scheduler(
            desired_retention=desired_retention,
            learning_steps=(),
            relearning_steps=(),
            maximum_interval=maximum_interval_days,
            enable_fuzzing=fuzz,
        )

    def review(self, state: CardState | None, rating: fsrs.Rating, now: datetime) -> CardState:
        """The schedule after a review at ``now``. ``state`` is None for a new card's first
        review (the end of the session that taught it)."""
        now = _utc(now)
        if state is None:
            # An explicit id and due date. fsrs's defaults read the clock (and sleep 1 ms
            # to keep ids apart). The id is never used for scheduling, and the database
            # row identifies the card.
            card = fsrs.Card(card_id=int(now.timestamp() * 1000), due=now)
            reviews = 0
        else:
            card = _card(state.card)
            reviews = state.reviews
        reviewed, _log = self._scheduler.review_card(card, rating, now)
        return _state(reviewed, reviews + 1)

    def retrievability(self, state: CardState, now: datetime) -> float:
        """The predicted probability of recalling the card at ``now`` (0 to 1)."""
        return float(self._scheduler.get_card_retrievability(_card(state.card), _utc(now)))

    @staticmethod
    def load(card: dict[str, Any], reviews: int) -> CardState:
        """A :class:`CardState` from a stored ``card`` dict and its review count."""
        if reviews < 1:
            raise ValueError("a stored card has at least one review")
        return _state(_card(card), reviews)


def _card(stored: dict[str, Any]) -> fsrs.Card:
    try:
        card = fsrs.Card.from_dict(cast(CardDict, stored))
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"not a stored FSRS card: {exc}") from exc
    if card.due.tzinfo is None:
        # A naive time would be read as server-local time and shift every schedule.
        raise ValueError("a stored card's due date must carry its timezone")
    return card
