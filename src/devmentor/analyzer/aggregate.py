"""From per-file results placed at their paths to the repository's report."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from devmentor.analyzer import duplicates
from devmentor.analyzer.languages import BY_NAME, GROUPS
from devmentor.analyzer.model import (
    SEVERITY_ORDER,
    ComplexityStats,
    DuplicateBlock,
    FileResult,
    Finding,
    Framework,
    HotSpot,
    LanguageStats,
    Pattern,
    PatternExample,
    RawFinding,
    SuggestedSkill,
    Summary,
    TestStats,
)
from devmentor.analyzer.rules.base import PATTERNS, RULES, skills_for

_KINDS = {name: language.kind for name, language in BY_NAME.items()}
HOT_SPOT_CCN = 11
_SEVERITY_WEIGHT = {"critical": 8.0, "high": 5.0, "medium": 3.0, "low": 1.5, "info": 0.5}
_MAX_EXAMPLES = 5
_MAX_SUGGESTIONS = 15
_LEVELS = ("critical", "high", "medium", "low", "info")


@dataclass(frozen=True, slots=True)
class SkillLinks:
    """Which skills a rule or pattern points at, in code of a given language."""

    index: Mapping[str, tuple[str, ...]]
    languages: Mapping[str, frozenset[str]]

    def skills(self, tags: tuple[str, ...], language: str) -> list[str]:
        group = GROUPS.get(language)
        return [
            skill_id
            for skill_id in skills_for(tags, self.index)
            if skill_id not in self.languages or group in self.languages[skill_id]
        ]


@dataclass(frozen=True, slots=True)
class Placed:
    """A file's result at its path."""

    path: str
    is_test: bool
    result: FileResult


def languages(placed: Sequence[Placed]) -> list[LanguageStats]:
    totals: dict[str, Counter[str]] = defaultdict(Counter)
    for item in placed:
        r = item.result
        totals[r.language].update(
            files=1, lines=r.lines, code=r.code, comment=r.comment, blank=r.blank
        )
    programming_code = sum(
        t["code"] for name, t in totals.items() if _KINDS.get(name) == "programming"
    )
    stats = [
        LanguageStats(
            name=name,
            kind=_KINDS.get(name, "data"),
            files=t["files"],
            lines=t["lines"],
            code=t["code"],
            comment=t["comment"],
            blank=t["blank"],
            share=round(t["code"] / programming_code, 4)
            if programming_code and _KINDS.get(name) == "programming"
            else 0.0,
        )
        for name, t in totals.items()
    ]
    kind_order = {"programming": 0, "markup": 1, "data": 2, "prose": 3}
    return sorted(stats, key=lambda s: (kind_order[s.kind], -s.code, s.name))


def complexity(placed: Sequence[Placed], top: int) -> ComplexityStats:
    bands = {"low": 0, "moderate": 0, "high": 0, "very high": 0}
    spots: list[HotSpot] = []
    total = count = highest = 0
    for item in placed:
        if item.is_test:
            continue  # test code is judged by what it tests, not by its own branching
        for f in item.result.functions:
            count += 1
            total += f.ccn
            highest = max(highest, f.ccn)
            band = _band(f.ccn)
            bands[band] += 1
            if band != "low":
                spots.append(
                    HotSpot(
                        path=item.path,
                        function=f.name,
                        line=f.line,
                        end_line=f.end_line,
                        ccn=f.ccn,
                        nloc=f.nloc,
                        params=f.params,
                        risk=band,
                    )
                )
    spots.sort(key=lambda s: (-s.ccn, -s.nloc, s.path, s.line))
    return ComplexityStats(
        functions=count,
        average_ccn=round(total / count, 2) if count else 0.0,
        max_ccn=highest,
        bands=bands,
        hot_spots=spots[:top],
    )


def _band(ccn: int) -> Literal["low", "moderate", "high", "very high"]:
    if ccn < HOT_SPOT_CCN:
        return "low"
    if ccn <= 20:
        return "moderate"
    if ccn <= 50:
        return "high"
    return "very high"


def findings(placed: Sequence[Placed], links: SkillLinks) -> tuple[list[Finding], list[Finding]]:
    """(smells, security), most severe first."""
    smells: list[Finding] = []
    security: list[Finding] = []
    for item in placed:
        for raw in item.result.findings:
            finding = _place(raw, item.path, links, item.result.language)
            (security if finding.category == "security" else smells).append(finding)
    key = _finding_order
    return sorted(smells, key=key), sorted(security, key=key)


def _finding_order(f: Finding) -> tuple[int, str, str, int]:
    return (-SEVERITY_ORDER[f.severity], f.rule, f.path, f.line)


def _place(raw: RawFinding, path: str, links: SkillLinks, language: str) -> Finding:
    rule = RULES.get(raw.rule)
    return Finding(
        rule=raw.rule,
        category=rule.category if rule else "smell",
        title=rule.title if rule else raw.rule,
        message=raw.message,
        severity=raw.severity,
        confidence=raw.confidence,
        cwe=raw.cwe,
        tool=raw.tool,
        path=path,
        line=raw.line,
        end_line=raw.end_line,
        snippet=raw.snippet,
        also_reported_by=raw.also_reported_by,
        skill_ids=links.skills(rule.skill_tags if rule else (raw.rule,), language),
    )


def tests(placed: Sequence[Placed], frameworks: Sequence[Framework]) -> TestStats:
    test_files = test_lines = source_lines = 0
    for item in placed:
        r = item.result
        if _KINDS.get(r.language) != "programming":
            continue
        if item.is_test:
            test_files += 1
            test_lines += r.code
        else:
            source_lines += r.code
    return TestStats(
        has_tests=test_files > 0,
        test_files=test_files,
        test_code_lines=test_lines,
        source_code_lines=source_lines,
        ratio=round(test_lines / source_lines, 3) if source_lines else 0.0,
        frameworks=[f.name for f in frameworks if f.category == "testing"],
    )


def patterns(placed: Sequence[Placed], links: SkillLinks) -> list[Pattern]:
    counts: Counter[str] = Counter()
    skills: dict[str, dict[str, None]] = defaultdict(dict)
    files: Counter[str] = Counter()
    examples: dict[str, list[tuple[bool, str, int]]] = defaultdict(list)
    for item in placed:
        for pattern_id, evidence in item.result.patterns.items():
            counts[pattern_id] += evidence.count
            files[pattern_id] += 1
            found = examples[pattern_id]
            for line in evidence.lines[:2]:
                found.append((item.is_test, item.path, line))
            definition = PATTERNS.get(pattern_id)
            tags = definition.skill_tags if definition else (pattern_id,)
            skills[pattern_id].update(dict.fromkeys(links.skills(tags, item.result.language)))
    result = []
    for pattern_id, count in counts.items():
        definition = PATTERNS.get(pattern_id)
        chosen = sorted(examples[pattern_id])[:_MAX_EXAMPLES]  # source before tests
        result.append(
            Pattern(
                id=pattern_id,
                title=definition.title if definition else pattern_id.removeprefix("pattern:"),
                count=count,
                files=files[pattern_id],
                examples=[PatternExample(path=p, line=ln) for _, p, ln in chosen],
                skill_ids=list(skills[pattern_id]),
            )
        )
    return sorted(result, key=lambda p: (-p.files, -p.count, p.id))


def suggested_skills(
    smells: Sequence[Finding], security: Sequence[Finding], used: Sequence[Pattern]
) -> list[SuggestedSkill]:
    """Skills worth learning next, from what the code shows.

    Findings weigh by severity with diminishing returns per rule (the hundredth bare
    ``except`` says little more than the tenth); patterns in use add a smaller weight,
    because using a technique is a reason to learn it well, not a problem to fix.
    """
    per_rule: dict[str, Counter[str]] = defaultdict(Counter)
    for finding in (*security, *smells):
        for skill_id in finding.skill_ids:
            per_rule[skill_id][finding.rule] += 1
    rule_severity: dict[str, str] = {}
    for finding in (*security, *smells):
        current = rule_severity.get(finding.rule)
        if current is None or SEVERITY_ORDER[finding.severity] > SEVERITY_ORDER[current]:
            rule_severity[finding.rule] = finding.severity
    scores: dict[str, dict[str, float]] = defaultdict(dict)
    for skill_id, rules in per_rule.items():
        for rule_id, count in rules.items():
            weight = _SEVERITY_WEIGHT[rule_severity[rule_id]] * (1 + math.log2(count))
            scores[skill_id][rule_id] = weight
    for pattern in used:
        for skill_id in pattern.skill_ids:
            scores[skill_id][pattern.id] = 0.5 * (1 + math.log2(pattern.files))
    ranked = [
        SuggestedSkill(
            skill_id=skill_id,
            score=round(sum(reasons.values()), 2),
            reasons=[r for r, _ in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))][:5],
        )
        for skill_id, reasons in scores.items()
    ]
    ranked.sort(key=lambda s: (-s.score, s.skill_id))
    return ranked[:_MAX_SUGGESTIONS]


def summary(
    placed: Sequence[Placed],
    langs: Sequence[LanguageStats],
    stats: ComplexityStats,
    smells: Sequence[Finding],
    security: Sequence[Finding],
    blocks: Sequence[DuplicateBlock],
    test_stats: TestStats,
) -> Summary:
    programming = [s for s in langs if s.kind == "programming"]
    by_severity: Counter[str] = Counter(f.severity for f in security)
    return Summary(
        files=len(placed),
        lines=sum(s.lines for s in langs),
        code_lines=sum(s.code for s in programming),
        languages=len(programming),
        primary_language=programming[0].name if programming else None,
        functions=stats.functions,
        hot_spots=sum(v for k, v in stats.bands.items() if k != "low"),
        smells=len(smells),
        security={level: by_severity.get(level, 0) for level in _LEVELS},
        duplicated_lines=duplicates.duplicated_lines(blocks),
        test_ratio=test_stats.ratio,
    )
