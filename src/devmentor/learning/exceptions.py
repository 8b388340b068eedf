"""Learning errors: each a problem+json status with a machine-readable ``code``."""

from __future__ import annotations

from devmentor.kit.errors import Conflict, NotFound, Unprocessable


class SessionNotFound(NotFound):
    """Unknown, or someone else's: the answer is the same, so ids reveal nothing."""

    code = "session_not_found"
    title = "Session not found"


class UnknownSkill(Unprocessable):
    code = "unknown_skill"
    title = "Unknown skill"


class SkillLocked(Conflict):
    code = "skill_locked"
    title = "Skill locked"


class SessionCompleted(Conflict):
    code = "session_completed"
    title = "Session completed"


class AlreadyAnswered(Conflict):
    code = "already_answered"
    title = "Question already answered"


class QuestionNotInSession(Unprocessable):
    code = "question_not_in_session"
    title = "Question not in this session"


class NotCurrentQuestion(Conflict):
    code = "not_current_question"
    title = "Not the current question"


class InvalidAnswer(Unprocessable):
    code = "invalid_answer"
    title = "Invalid answer"


class NothingToReview(Conflict):
    code = "nothing_to_review"
    title = "Nothing to review"
