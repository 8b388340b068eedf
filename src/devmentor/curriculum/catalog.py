"""Loading and checking the curriculum: the skill files, their graph and answer keys.

``load_catalog()`` reads every ``content/<area>/*.yaml`` file into a :class:`Catalog`.
``check_catalog()`` finds what a schema can't: prerequisites that don't exist or form a
cycle, Bloom levels with too few questions, answer keys that don't fit their questions,
and (with ``run_exercises``) reference solutions that fail their own tests or starters
that pass them. ``devmentor curriculum validate`` runs both; so does CI.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import TypeAdapter, ValidationError

from devmentor.curriculum.model import (
    AREAS,
    BLANK,
    Bloom,
    Exercise,
    FillIn,
    MultipleChoice,
    Ordering,
    Question,
    ShortAnswer,
    Skill,
    SpotTheBug,
)

CONTENT_DIR = Path(__file__).parent / "content"
#: Questions needed per Bloom level per skill.
MIN_PER_LEVEL = 3
#: Tags are analyzer rule ids (``py.sql-injection``) or free-form ``pattern:`` names.
TAG_PREFIXES = ("py.", "js.", "ts.", "sql.", "secret.", "generic.", "pattern:")

_SKILL = TypeAdapter(Skill)
# libyaml's parser when the wheel has it: several times faster than the pure-Python one.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class CurriculumError(Exception):
    """The curriculum could not be loaded; ``problems`` says where and why."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Catalog:
    skills: Mapping[str, Skill]
    #: Which file each skill came from (for messages).
    sources: Mapping[str, Path] = field(default_factory=dict)

    def skill(self, skill_id: str) -> Skill | None:
        return self.skills.get(skill_id)

    def dependents(self, skill_id: str) -> list[str]:
        return sorted(s.id for s in self.skills.values() if skill_id in s.prerequisites)

    def tag_index(self) -> dict[str, tuple[str, ...]]:
        """Tag (an analyzer rule id or ``pattern:`` id) -> the skills listing it, by id."""
        index: dict[str, list[str]] = {}
        for skill_id in sorted(self.skills):
            for tag in self.skills[skill_id].tags:
                index.setdefault(tag, []).append(skill_id)
        return {tag: tuple(ids) for tag, ids in index.items()}

    def skill_languages(self) -> dict[str, frozenset[str]]:
        """Skill id -> the languages it is tied to (see ``Skill.languages``); skills for
        any language are left out."""
        tied: dict[str, frozenset[str]] = {}
        for skill_id, skill in self.skills.items():
            languages = set(skill.languages)
            if not languages and skill.area in {"python", "javascript"}:
                languages = {skill.area}
            if languages:
                tied[skill_id] = frozenset(languages)
        return tied

    def order(self) -> list[str]:
        """Skills with every prerequisite before them (ties by id)."""
        done: list[str] = []
        placed: set[str] = set()
        remaining = dict(sorted(self.skills.items()))
        while remaining:
            ready = [sid for sid, s in remaining.items() if set(s.prerequisites) <= placed]
            if not ready:  # a cycle: check_catalog reports it
                done.extend(remaining)
                break
            for sid in ready:
                done.append(sid)
                placed.add(sid)
                del remaining[sid]
        return done


def load_file(path: Path) -> Skill:
    with path.open(encoding="utf-8") as handle:
        data = yaml.load(handle, Loader=_LOADER)  # noqa: S506 - a safe loader
    return _SKILL.validate_python(data)


def load_catalog(root: Path = CONTENT_DIR) -> Catalog:
    """Every skill file under ``root``; raises :class:`CurriculumError` listing every file
    that does not parse or match the schema, and duplicate ids."""
    skills: dict[str, Skill] = {}
    sources: dict[str, Path] = {}
    problems: list[str] = []
    for path in sorted(root.glob("*/*.yaml")):
        where = path.relative_to(root)
        try:
            skill = load_file(path)
        except yaml.YAMLError as exc:
            problems.append(f"{where}: not valid YAML: {exc}")
            continue
        except ValidationError as exc:
            for error in exc.errors():
                loc = ".".join(str(part) for part in error["loc"])
                problems.append(f"{where}: {loc}: {error['msg']}")
            continue
        if skill.id in skills:
            problems.append(f"{where}: skill id {skill.id!r} is also in {sources[skill.id]}")
            continue
        if path.parent.name != skill.area:
            problems.append(f"{where}: area {skill.area!r} but the file is in {path.parent.name}/")
        skills[skill.id] = skill
        sources[skill.id] = where
    if problems:
        raise CurriculumError(problems)
    return Catalog(skills, sources)


@functools.cache
def default_catalog() -> Catalog:
    """The shipped curriculum, loaded once per process."""
    return load_catalog()


def check_catalog(catalog: Catalog, *, min_skills: int = 0) -> list[str]:
    """Problems a schema can't see; an empty list means the curriculum is sound."""
    problems: list[str] = []
    if len(catalog.skills) < min_skills:
        problems.append(f"only {len(catalog.skills)} skills; at least {min_skills} are required")
    problems += _graph_problems(catalog)
    for skill in catalog.skills.values():
        problems += [f"{skill.id}: {p}" for p in skill_problems(skill)]
    return problems


def _graph_problems(catalog: Catalog) -> list[str]:
    problems = []
    for skill in catalog.skills.values():
        for prerequisite in skill.prerequisites:
            if prerequisite == skill.id:
                problems.append(f"{skill.id}: lists itself as a prerequisite")
            elif prerequisite not in catalog.skills:
                problems.append(f"{skill.id}: unknown prerequisite {prerequisite!r}")
    cycle = find_cycle({s.id: s.prerequisites for s in catalog.skills.values()})
    if cycle:
        problems.append("prerequisites form a cycle: " + " -> ".join(cycle))
    return problems


def find_cycle(edges: Mapping[str, Iterable[str]]) -> list[str] | None:
    """A cycle in the prerequisite graph (as a path that returns to its start), or None."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in edges.get(node, ()):
            if nxt not in edges:
                continue
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (found := visit(node)):
            return found
    return None


def skill_problems(skill: Skill) -> list[str]:
    problems = []
    levels = Counter(q.bloom for q in skill.questions)
    for level in Bloom:
        if levels[level] < MIN_PER_LEVEL:
            problems.append(
                f"{levels[level]} {level.value} question(s); at least {MIN_PER_LEVEL} needed"
            )
    for tag in skill.tags:
        if not tag.startswith(TAG_PREFIXES):
            problems.append(f"tag {tag!r} is neither an analyzer rule id nor pattern:…")
    if skill.area not in AREAS:  # the model checks too; kept for hand-built skills
        problems.append(f"unknown area {skill.area!r}")
    for question in skill.questions:
        problems += [f"question {question.id}: {p}" for p in question_problems(question)]
    return problems


def question_problems(question: Question) -> list[str]:
    """Answer-key problems of one question."""
    if isinstance(question, MultipleChoice):
        return _choice_problems(question)
    if isinstance(question, Ordering):
        if len(set(question.items)) != len(question.items):
            return ["ordering items must be distinct (or the order is ambiguous)"]
        return []
    if isinstance(question, SpotTheBug):
        lines = question.code.rstrip("\n").split("\n")
        bad = [n for n in question.answer_lines if not 1 <= n <= len(lines)]
        if bad:
            return [f"answer_lines {bad} outside the code's {len(lines)} lines"]
        if any(not lines[n - 1].strip() for n in question.answer_lines):
            return ["an answer line is blank"]
        return []
    if isinstance(question, FillIn):
        blanks = question.code.count(BLANK)
        if blanks == 0:
            return [f"the code has no blank ({BLANK})"]
        if blanks != len(question.answers):
            return [f"{blanks} blank(s) but {len(question.answers)} answer list(s)"]
        if any(not answers or not all(a.strip() for a in answers) for answers in question.answers):
            return ["every blank needs at least one non-empty accepted answer"]
        return []
    if isinstance(question, Exercise):
        problems = []
        for name, code in (
            ("starter", question.starter),
            ("solution", question.solution),
            ("tests", question.tests),
        ):
            try:
                compile(code, f"<{name}>", "exec")
            except SyntaxError as exc:
                problems.append(f"{name} is not valid Python: {exc.msg} (line {exc.lineno})")
        if "assert" not in question.tests:
            problems.append("tests contain no assert")
        return problems
    if isinstance(question, ShortAnswer):
        # The grader's own matcher (whole words, any case), so a stem like "propagat" that
        # no real answer would match is caught here rather than marking learners wrong.
        from devmentor.curriculum.grading import keyword_pattern

        missed = [
            item.concept
            for item in question.rubric
            if not any(keyword_pattern(k).search(question.reference) for k in item.keywords)
        ]
        if missed:
            return [f"the reference answer misses rubric concept(s): {', '.join(missed)}"]
        return []
    raise TypeError(f"unknown question type {type(question).__name__}")


def _choice_problems(question: MultipleChoice) -> list[str]:
    problems = []
    bad = [i for i in question.answer if not 0 <= i < len(question.choices)]
    if bad:
        problems.append(f"answer indices {bad} outside the {len(question.choices)} choices")
    if len(set(question.answer)) != len(question.answer):
        problems.append("answer lists an index twice")
    if len(set(question.choices)) != len(question.choices):
        problems.append("two choices are identical")
    if len(question.answer) == len(question.choices):
        problems.append("every choice is correct")
    return problems
