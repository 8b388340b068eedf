"""What the curriculum API shows. Never a question, an answer or a rubric: a learner meets
questions only inside a learning session, where answers are graded on the server."""

from __future__ import annotations

from pydantic import BaseModel


class ExampleOut(BaseModel):
    title: str
    language: str
    bad: str
    good: str
    why: str


class ReadingOut(BaseModel):
    title: str
    source: str
    url: str | None


class SkillSummary(BaseModel):
    id: str
    title: str
    area: str
    summary: str
    difficulty: int
    prerequisites: list[str]
    tags: list[str]
    #: Questions in the bank per Bloom level (remember … create).
    questions_per_level: dict[str, int]


class SkillDetail(SkillSummary):
    #: Skills that list this one as a prerequisite.
    unlocks: list[str]
    explanation: str
    examples: list[ExampleOut]
    mistakes: list[str]
    reading: list[ReadingOut]
    questions_per_type: dict[str, int]


class SkillList(BaseModel):
    skills: list[SkillSummary]
    areas: list[str]
