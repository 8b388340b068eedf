"""The analyzer's typed result model.

Two layers:

* **Per-file results** (:class:`FileResult` and what it holds) are what a worker computes
  for one file's *content*. They carry no path, so they can be cached by the content's git
  blob hash and reused wherever the same bytes appear again.
* **The report** (:class:`AnalysisReport`) is what callers get: every per-file result
  placed at its path and aggregated (languages, hot spots, findings, duplicates, tests,
  frameworks, patterns, suggested skills). Its JSON form is a documented, versioned
  schema (``docs/analyzer-report.schema.json``); :data:`SCHEMA_VERSION` changes when a
  field is removed or changes meaning, not when one is added.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.0"

Severity = Literal["info", "low", "medium", "high", "critical"]
Confidence = Literal["low", "medium", "high"]
Category = Literal["smell", "security"]
Tool = Literal["devmentor", "bandit", "detect-secrets", "lizard"]
LanguageKind = Literal["programming", "markup", "data", "prose"]

SEVERITY_ORDER: dict[str, int] = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- Per file (cached by blob hash) ------------------------------------------------------


class FunctionMetric(_Model):
    """One function or method as lizard measured it."""

    name: str
    line: int
    end_line: int
    #: Cyclomatic complexity (McCabe): 1 + the number of decision points.
    ccn: int
    #: Lines of code without comments and blank lines.
    nloc: int
    params: int
    tokens: int
    #: Deepest block nesting inside the function (0 when the language has no measure).
    max_nesting: int = 0


class RawFinding(_Model):
    """A finding inside one file; :class:`Finding` adds the path and skills."""

    rule: str
    line: int
    end_line: int | None = None
    message: str
    severity: Severity
    confidence: Confidence = "high"
    cwe: int | None = None
    tool: Tool = "devmentor"
    #: The flagged source line(s), trimmed; never set for secrets.
    snippet: str | None = None
    #: Other tools' rules that reported the same problem at the same line.
    also_reported_by: list[str] = Field(default_factory=list)


class PatternEvidence(_Model):
    """How often a pattern appears in one file, and where the first few are."""

    count: int
    lines: list[int] = Field(default_factory=list)


class FileResult(_Model):
    """Everything learned from one file's content."""

    language: str
    lines: int
    blank: int
    code: int
    comment: int
    functions: list[FunctionMetric] = Field(default_factory=list)
    findings: list[RawFinding] = Field(default_factory=list)
    patterns: dict[str, PatternEvidence] = Field(default_factory=dict)
    #: Top-level modules or packages this file imports (for framework detection).
    imports: list[str] = Field(default_factory=list)
    #: Hashes of windows of normalised lines, packed (see ``duplicates``).
    fingerprints: str = ""
    #: Parts of the analysis that could not run on this file, and why (one line each).
    errors: list[str] = Field(default_factory=list)


# --- The report ----------------------------------------------------------------------------


class SourceInfo(_Model):
    """What was analysed."""

    input: str
    kind: Literal["local", "git"]
    name: str
    commit: str | None = None
    branch: str | None = None


class LanguageStats(_Model):
    name: str
    kind: LanguageKind
    files: int
    lines: int
    code: int
    comment: int
    blank: int
    #: Share of all code lines in programming languages (0..1); 0 for other kinds.
    share: float


class Framework(_Model):
    """A framework or library the project uses, and where that shows."""

    name: str
    category: str
    ecosystem: str
    #: Version requirement from a manifest, when one states it.
    version: str | None = None
    #: Manifests that declare it (paths).
    manifests: list[str] = Field(default_factory=list)
    #: How many source files import it.
    imported_by: int = 0


class HotSpot(_Model):
    path: str
    function: str
    line: int
    end_line: int
    ccn: int
    nloc: int
    params: int
    risk: Literal["moderate", "high", "very high"]


class ComplexityStats(_Model):
    functions: int
    average_ccn: float
    max_ccn: int
    #: Functions per risk band: low (1-10), moderate (11-20), high (21-50), very high (>50).
    bands: dict[str, int]
    hot_spots: list[HotSpot]


class Finding(_Model):
    """A code smell or security finding at a place in the repository."""

    rule: str
    category: Category
    title: str
    message: str
    severity: Severity
    confidence: Confidence
    cwe: int | None = None
    tool: Tool
    path: str
    line: int
    end_line: int | None = None
    snippet: str | None = None
    #: Other tools' rules that reported the same problem at the same line.
    also_reported_by: list[str] = Field(default_factory=list)
    skill_ids: list[str] = Field(default_factory=list)


class CodeLocation(_Model):
    path: str
    line: int
    end_line: int


class DuplicateBlock(_Model):
    """The same (normalised) lines in two or more places."""

    lines: int
    locations: list[CodeLocation]


class TestStats(_Model):
    has_tests: bool
    test_files: int
    test_code_lines: int
    source_code_lines: int
    #: Test code lines per source code line (0 when there is no source code).
    ratio: float
    frameworks: list[str] = Field(default_factory=list)


class PatternExample(_Model):
    path: str
    line: int


class Pattern(_Model):
    """Evidence of a practice or technique (skill evidence), with examples in the code."""

    id: str
    title: str
    count: int
    files: int
    examples: list[PatternExample]
    skill_ids: list[str] = Field(default_factory=list)


class SuggestedSkill(_Model):
    skill_id: str
    #: Higher means more evidence in this repository that the skill is worth learning now.
    score: float
    #: Rule and pattern ids that point at the skill, most weight first.
    reasons: list[str]


class SkippedFile(_Model):
    path: str
    reason: str


class SkipStats(_Model):
    """Files not analysed, counted by reason, with the first few examples."""

    counts: dict[str, int] = Field(default_factory=dict)
    examples: list[SkippedFile] = Field(default_factory=list)
    #: Files analysed only in part (a tool failed or timed out on them).
    partial: list[SkippedFile] = Field(default_factory=list)
    #: True when a limit (file count or total bytes) stopped the walk early.
    truncated: bool = False


class RunStats(_Model):
    duration_seconds: float
    files_analyzed: int
    files_from_cache: int
    workers: int
    #: True when the whole report came from the cache (same content, same analyzer).
    report_cached: bool = False


class Summary(_Model):
    files: int
    lines: int
    code_lines: int
    languages: int
    primary_language: str | None
    functions: int
    hot_spots: int
    smells: int
    security: dict[str, int]
    duplicated_lines: int
    test_ratio: float


class AnalysisReport(_Model):
    """A repository's analysis. See ``docs/analyzer.md`` for what each part means."""

    schema_version: Literal["1.0"] = SCHEMA_VERSION  # type: ignore[assignment]
    analyzer_version: str
    generated_at: str
    source: SourceInfo
    summary: Summary
    languages: list[LanguageStats]
    frameworks: list[Framework]
    complexity: ComplexityStats
    smells: list[Finding]
    security: list[Finding]
    duplicates: list[DuplicateBlock]
    tests: TestStats
    patterns: list[Pattern]
    suggested_skills: list[SuggestedSkill]
    skipped: SkipStats
    run: RunStats


def report_schema() -> dict[str, object]:
    """The JSON Schema of :class:`AnalysisReport` (``docs/analyzer-report.schema.json``)."""
    schema = AnalysisReport.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"DevMentor analysis report, schema version {SCHEMA_VERSION}",
        **schema,
    }
