"""Rule and pattern metadata: what each finding id means and which skills it points at.

Every finding the analyzer reports has a rule id registered here (``py.bare-except``,
``bandit.B602``, ``secret.aws-access-key``, ``code.long-function``, ...), and every pattern
a ``pattern:`` id. ``tags`` are the curriculum tags the rule is evidence for (a skill lists
the tags that make it relevant, see ``docs/curriculum.md``); by default a rule is its own
tag. The analyzer core never loads the curriculum: callers pass a tag -> skill ids index.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from devmentor.analyzer.model import Category, Severity


@dataclass(frozen=True, slots=True)
class Rule:
    """A kind of finding."""

    id: str
    title: str
    category: Category
    severity: Severity
    #: One paragraph: what is wrong and why it matters. Shown in reports.
    description: str
    cwe: int | None = None
    #: Curriculum tags this rule is evidence for; empty means the rule id itself.
    tags: tuple[str, ...] = ()
    #: False for rules that mean nothing in test code (``print`` debugging, ``assert``
    #: as validation, ...): the engine drops their findings in test files.
    in_tests: bool = True

    @property
    def skill_tags(self) -> tuple[str, ...]:
        return self.tags or (self.id,)


@dataclass(frozen=True, slots=True)
class PatternDef:
    """A practice or technique whose use is evidence of (or a reason to learn) a skill."""

    id: str
    title: str
    tags: tuple[str, ...] = field(default=())

    @property
    def skill_tags(self) -> tuple[str, ...]:
        return self.tags or (self.id,)


_RULES: dict[str, Rule] = {}
_PATTERNS: dict[str, PatternDef] = {}
RULES: Mapping[str, Rule] = MappingProxyType(_RULES)
PATTERNS: Mapping[str, PatternDef] = MappingProxyType(_PATTERNS)


def register_rules(rules: Iterable[Rule]) -> None:
    for rule in rules:
        if rule.id in _RULES and _RULES[rule.id] != rule:
            raise ValueError(f"rule {rule.id!r} is registered twice")
        _RULES[rule.id] = rule


def register_patterns(patterns: Iterable[PatternDef]) -> None:
    """Add patterns; one shared by several languages keeps its first definition."""
    for pattern in patterns:
        if not pattern.id.startswith("pattern:"):
            raise ValueError(f"pattern ids start with 'pattern:', got {pattern.id!r}")
        _PATTERNS.setdefault(pattern.id, pattern)


def skills_for(tags: Iterable[str], index: Mapping[str, tuple[str, ...]]) -> list[str]:
    """Skill ids for ``tags`` through ``index`` (tag -> skill ids), in a stable order."""
    found: dict[str, None] = {}
    for tag in tags:
        for skill_id in index.get(tag, ()):
            found[skill_id] = None
    return list(found)
