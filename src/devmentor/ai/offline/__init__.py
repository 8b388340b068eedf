"""The offline mentor: answers without a network, an API key or a model.

It ends every AI route, so it must always answer — deterministically, quickly, and
safely (the learner's code is parsed at most, never executed). See ``OfflineMentor``.
"""

from devmentor.ai.offline.checks import (
    RULES,
    Finding,
    Inspection,
    Rule,
    detect_language,
    inspect_code,
)
from devmentor.ai.offline.mentor import MentorAnswer, Mode, OfflineMentor
from devmentor.ai.offline.topics import TOPICS, Topic

__all__ = [
    "RULES",
    "TOPICS",
    "Finding",
    "Inspection",
    "MentorAnswer",
    "Mode",
    "OfflineMentor",
    "Rule",
    "Topic",
    "detect_language",
    "inspect_code",
]
