"""Achievements: a few milestones that mean something, unlocked once each.

Each is earned from facts the learning service gathers when something happens (a session
starts, an answer is recorded, a session completes). Unlocking is an
``INSERT ... ON CONFLICT DO NOTHING`` on (user, code): however many concurrent answers
earn the same achievement, exactly one of them unlocks it and publishes the event.

Streaks stop at 30 days on purpose: a badge for day 365 rewards never missing a day more
than learning, and punishes a holiday.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class AchievementDef:
    code: str
    title: str
    description: str


ACHIEVEMENTS: tuple[AchievementDef, ...] = (
    AchievementDef("first-session", "First steps", "Start your first learning session."),
    AchievementDef("first-mastery", "First skill mastered", "Reach 95 % mastery in a skill."),
    AchievementDef(
        "bloom-ladder",
        "All the way up",
        "Answer correctly at all six Bloom levels of one skill, from remember to create.",
    ),
    AchievementDef(
        "comeback",
        "Back on your feet",
        "Answer correctly right after the mentor stepped back a level to re-explain.",
    ),
    AchievementDef(
        "flawless",
        "Flawless",
        "Complete a session of at least five questions with every answer right.",
    ),
    AchievementDef("five-mastered", "Five skills mastered", "Master five different skills."),
    AchievementDef(
        "area-complete", "Area complete", "Master every skill of one area (Python, SQL, ...)."
    ),
    AchievementDef("review-streak-3", "Three-day review streak", "Review on 3 days in a row."),
    AchievementDef("review-streak-7", "One-week review streak", "Review on 7 days in a row."),
    AchievementDef("review-streak-30", "Thirty-day review streak", "Review on 30 days in a row."),
)
BY_CODE = {achievement.code: achievement for achievement in ACHIEVEMENTS}
#: Review streak milestones; none beyond the last.
REVIEW_STREAKS = (3, 7, 30)
FLAWLESS_MIN_QUESTIONS = 5
FIVE_MASTERED = 5


@dataclass(frozen=True, slots=True)
class Facts:
    """What just happened, and the totals that matter for achievements."""

    sessions_started: int = 0
    mastered_skills: int = 0
    #: The skill just answered has been answered correctly at all six levels.
    full_ladder: bool = False
    #: A correct answer to the question that followed a step down.
    bounced_back: bool = False
    #: A completed session's size and correct answers.
    completed_questions: int = 0
    completed_correct: int = 0
    #: Some area has every one of its skills mastered.
    area_complete: bool = False
    review_streak_days: int = 0


def earned(facts: Facts) -> list[str]:
    """The codes ``facts`` earn (unlocking them is idempotent; the caller filters)."""
    codes: list[str] = []
    if facts.sessions_started >= 1:
        codes.append("first-session")
    if facts.mastered_skills >= 1:
        codes.append("first-mastery")
    if facts.full_ladder:
        codes.append("bloom-ladder")
    if facts.bounced_back:
        codes.append("comeback")
    if (
        facts.completed_questions >= FLAWLESS_MIN_QUESTIONS
        and facts.completed_correct == facts.completed_questions
    ):
        codes.append("flawless")
    if facts.mastered_skills >= FIVE_MASTERED:
        codes.append("five-mastered")
    if facts.area_complete:
        codes.append("area-complete")
    codes.extend(
        f"review-streak-{days}" for days in REVIEW_STREAKS if facts.review_streak_days >= days
    )
    return codes
