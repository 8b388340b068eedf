"""The shape of curriculum files: one YAML file per skill under ``content/<area>/``.

Everything a skill teaches lives in its file: the explanation, worked examples, common
mistakes, further reading and a question bank spanning Bloom's six levels. Question
types are all auto-gradable; their answer keys are checked by ``devmentor curriculum
validate`` (see ``validation.py``) and never leave the server.
"""

from __future__ import annotations

import enum
import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SKILL_ID = re.compile(r"^[a-z][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)+$")
QUESTION_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,40}$")
#: The marker for a blank in a fill-in question's code.
BLANK = "____"


class Bloom(enum.StrEnum):
    """Bloom's revised taxonomy, lowest to highest."""

    REMEMBER = "remember"
    UNDERSTAND = "understand"
    APPLY = "apply"
    ANALYZE = "analyze"
    EVALUATE = "evaluate"
    CREATE = "create"

    @property
    def rank(self) -> int:
        return list(Bloom).index(self)


AREAS = (
    "python",
    "javascript",
    "sql",
    "security",
    "git",
    "errors",
    "design",
    "performance",
    "web",
    "observability",
    "testing",
)


#: Languages a skill can be tied to (``Skill.languages``), as the analyzer groups them.
LANGUAGES = ("python", "javascript", "go", "java")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Example(_Strict):
    title: str = Field(min_length=3, max_length=120)
    language: str = Field(pattern=r"^[a-z0-9+#-]{1,20}$")
    bad: str = Field(min_length=1)
    good: str = Field(min_length=1)
    why: str = Field(min_length=10)


class Reading(_Strict):
    title: str = Field(min_length=3, max_length=200)
    #: Who publishes it ("Python docs", "OWASP Cheat Sheet Series", a book's authors).
    source: str = Field(min_length=2, max_length=120)
    url: str | None = Field(default=None, pattern=r"^https://")


class _Question(_Strict):
    id: str
    bloom: Bloom
    prompt: str = Field(min_length=10)
    #: Shown one at a time before a learner gives up: nudges, never the answer.
    hints: list[str] = Field(default_factory=list, max_length=5)
    #: Why the answer is what it is: the feedback after grading.
    explanation: str = Field(min_length=10)

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not QUESTION_ID.match(value):
            raise ValueError("question ids are lowercase letters, digits and dashes")
        return value


class MultipleChoice(_Question):
    type: Literal["multiple_choice"]
    choices: list[str] = Field(min_length=2, max_length=8)
    #: Indices (0-based) of the correct choices; more than one makes it "select all".
    answer: list[int] = Field(min_length=1)


class Ordering(_Question):
    type: Literal["ordering"]
    #: The items in their correct order; learners see them shuffled.
    items: list[str] = Field(min_length=3, max_length=10)


class SpotTheBug(_Question):
    type: Literal["spot_the_bug"]
    language: str = Field(pattern=r"^[a-z0-9+#-]{1,20}$")
    code: str = Field(min_length=1)
    #: 1-based line numbers that hold the bug; choosing any one of them is correct.
    answer_lines: list[int] = Field(min_length=1)


class FillIn(_Question):
    type: Literal["fill_in"]
    language: str = Field(pattern=r"^[a-z0-9+#-]{1,20}$")
    #: Code with one ``____`` per blank.
    code: str = Field(min_length=1)
    #: Per blank, the accepted answers (compared after trimming; whitespace-insensitive).
    answers: list[list[str]] = Field(min_length=1)


class Exercise(_Question):
    type: Literal["exercise"]
    language: Literal["python"] = "python"
    starter: str = Field(min_length=1)
    #: Plain ``assert`` statements run after the learner's code, in a sandbox.
    tests: str = Field(min_length=1)
    #: A reference solution: validation runs it against ``tests`` (it must pass, and the
    #: starter must fail, or the tests test nothing).
    solution: str = Field(min_length=1)


class RubricItem(_Strict):
    concept: str = Field(min_length=3, max_length=200)
    #: Words or phrases that show the concept; any one counts (case-insensitive).
    keywords: list[str] = Field(min_length=1)
    weight: float = Field(default=1.0, gt=0, le=10)


class ShortAnswer(_Question):
    type: Literal["short_answer"]
    rubric: list[RubricItem] = Field(min_length=1, max_length=8)
    reference: str = Field(min_length=20)


Question = Annotated[
    MultipleChoice | Ordering | SpotTheBug | FillIn | Exercise | ShortAnswer,
    Field(discriminator="type"),
]


class Skill(_Strict):
    id: str
    title: str = Field(min_length=3, max_length=120)
    area: str
    summary: str = Field(min_length=20, max_length=600)
    difficulty: int = Field(ge=1, le=5)
    prerequisites: list[str] = Field(default_factory=list)
    #: Analyzer finding ids (rule ids like ``py.sql-injection``) and ``pattern:`` tags
    #: that make this skill relevant to a learner's code.
    tags: list[str] = Field(min_length=1)
    #: The languages the skill teaches in, when it is about one (pytest is Python's); a
    #: finding in other code does not suggest it. Empty: any language (or the one the
    #: area names, for the ``python`` and ``javascript`` areas).
    languages: list[str] = Field(default_factory=list)
    explanation: str = Field(min_length=200)
    examples: list[Example] = Field(min_length=1)
    mistakes: list[str] = Field(min_length=2)
    reading: list[Reading] = Field(min_length=1)
    questions: list[Question] = Field(min_length=18)

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not SKILL_ID.match(value):
            raise ValueError("skill ids are dotted lowercase names, e.g. python.typing-basics")
        return value

    @field_validator("languages")
    @classmethod
    def _languages(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - set(LANGUAGES))
        if unknown:
            raise ValueError(f"languages must be among {', '.join(LANGUAGES)}; not {unknown}")
        return value

    @field_validator("area")
    @classmethod
    def _area(cls, value: str) -> str:
        if value not in AREAS:
            raise ValueError(f"area must be one of {', '.join(AREAS)}")
        return value

    @model_validator(mode="after")
    def _unique_questions(self) -> Skill:
        seen: set[str] = set()
        for question in self.questions:
            if question.id in seen:
                raise ValueError(f"question id {question.id!r} is used twice")
            seen.add(question.id)
        return self
