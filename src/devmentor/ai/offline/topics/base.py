"""What a topic is, and the language tuples topics are tagged with."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Topic:
    """One thing the offline mentor can explain."""

    id: str
    title: str
    #: Words and phrases a question about this topic tends to contain (matched after
    #: lowercasing, tokenising and light stemming). A leading "~" marks a weak keyword:
    #: common enough that a more specific topic should win a tie.
    keywords: tuple[str, ...]
    explanation: str
    #: Leading questions: they point at the idea without stating the answer.
    hints: tuple[str, ...]
    next_step: str
    reading: tuple[str, ...]
    #: A short illustration, shown only in solution mode (at most a few lines).
    example: str = ""
    #: Languages the topic is specific to; empty means it applies everywhere.
    languages: tuple[str, ...] = ()


_PY = ("python",)
_JS = ("javascript", "typescript")
_SQL = ("sql",)
