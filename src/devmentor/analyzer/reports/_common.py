"""What the text, Markdown and HTML reports share: ordering, grouping and plain formatting.

Everything here returns plain strings and numbers. Each renderer escapes them for its own
format; :func:`clean` only makes invisible or terminal-controlling characters visible
(report content comes from the analysed repository, so it is hostile).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from devmentor.analyzer.model import (
    SEVERITY_ORDER,
    AnalysisReport,
    DuplicateBlock,
    Finding,
    HotSpot,
    LanguageStats,
    Pattern,
    SuggestedSkill,
)

#: Most severe first: the order findings are shown in.
SEVERITIES: tuple[str, ...] = ("critical", "high", "medium", "low", "info")
#: Complexity bands as :class:`~devmentor.analyzer.model.ComplexityStats` counts them.
BANDS: tuple[tuple[str, str], ...] = (
    ("low", "1-10"),
    ("moderate", "11-20"),
    ("high", "21-50"),
    ("very high", "> 50"),
)
TOP_LANGUAGES = 8
TOP_HOT_SPOTS = 10
#: How many places a smell row lists before "and N more".
SMELL_PLACES = 3

# Caps on hostile content: a minified line or a generated path can be megabytes long.
MAX_PATH = 300
MAX_MESSAGE = 500
MAX_SNIPPET_LINE = 200
MAX_SNIPPET_LINES = 4

CONFIDENCE_ORDER = {"low": 0, "medium": 1, "high": 2}


def _visible_table(*, keep_newlines: bool) -> dict[int, str]:
    # C0/C1 controls would move a terminal's cursor or recolour it (ESC sequences); bidi
    # overrides and zero-width characters make code read differently than it is (CVE-2021-
    # 42574, "Trojan Source"). Both are shown as escapes instead.
    table = {code: f"\\x{code:02x}" for code in (*range(0x20), *range(0x7F, 0xA0))}
    table[ord("\t")] = " "
    if keep_newlines:
        del table[ord("\n")]
    else:
        table[ord("\n")] = " "
    for code in (
        *range(0x200B, 0x2010),
        *range(0x2028, 0x202F),
        *range(0x2060, 0x2065),
        *range(0x2066, 0x206A),
        0xFEFF,
    ):
        table[code] = f"\\u{code:04x}"
    return table


_ONE_LINE = _visible_table(keep_newlines=False)
_MULTI_LINE = _visible_table(keep_newlines=True)


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, an ellipsis marking the cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def clean(text: str, limit: int = MAX_MESSAGE) -> str:
    """One line of report content, safe to show: no control or invisible characters."""
    return shorten(text.replace("\r\n", "\n").translate(_ONE_LINE), limit)


def clean_snippet(snippet: str) -> str:
    """A source snippet: its first few lines, each cleaned and cut to a sane length."""
    lines = snippet.replace("\r\n", "\n").split("\n")
    shown = [shorten(line.translate(_MULTI_LINE), MAX_SNIPPET_LINE) for line in lines]
    if len(shown) > MAX_SNIPPET_LINES:
        more = len(shown) - MAX_SNIPPET_LINES
        shown = [*shown[:MAX_SNIPPET_LINES], f"… ({more} more lines)"]
    return "\n".join(shown)


def snippet_line(snippet: str) -> str:
    """The line of a snippet worth showing alone: the first with some code on it."""
    lines = [line.strip() for line in clean_snippet(snippet).split("\n")]
    return next((line for line in lines if len(line) > 3), lines[0])


def place(path: str, line: int, end_line: int | None = None) -> str:
    """``path:line`` (or ``path:line-end``), cleaned."""
    where = f"{line}" if end_line is None or end_line <= line else f"{line}-{end_line}"
    return f"{clean(path, MAX_PATH)}:{where}"


def number(value: int) -> str:
    return f"{value:,}"


def percent(share: float) -> str:
    return f"{share * 100:.1f}%"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{number(count)} {word}"


def duration(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s"


def skill_label(skill_id: str, titles: Mapping[str, str] | None) -> str:
    """A skill's title with its id, or the id alone when no title is known."""
    title = (titles or {}).get(skill_id)
    return f"{clean(title)} ({clean(skill_id)})" if title else clean(skill_id)


# -- Sections ----------------------------------------------------------------------------


def summary_items(report: AnalysisReport) -> list[tuple[str, str]]:
    """The summary panel's (label, value) rows, values cleaned."""
    source, summary, run = report.source, report.summary, report.run
    items = [("Source", f"{clean(source.input, MAX_PATH)} ({source.kind})")]
    if source.commit or source.branch:
        revision = clean(source.commit[:12]) if source.commit else "unknown commit"
        if source.branch:
            revision += f" on {clean(source.branch)}"
        items.append(("Commit", revision))
    skipped = sum(report.skipped.counts.values())
    files = plural(summary.files, "file")
    if skipped:
        files += f" ({number(skipped)} skipped)"
    items.append(("Files", files))
    items.append(("Lines", f"{number(summary.lines)} ({number(summary.code_lines)} code)"))
    primary = clean(summary.primary_language) if summary.primary_language else "none"
    items.append(("Primary language", f"{primary} (of {plural(summary.languages, 'language')})"))
    items.append(
        (
            "Functions",
            f"{number(summary.functions)} (average CCN {report.complexity.average_ccn:.1f}, "
            f"max {report.complexity.max_ccn})",
        )
    )
    items.append(
        ("Duration", f"{duration(run.duration_seconds)} on {plural(run.workers, 'worker')}")
    )
    if run.report_cached:
        cache = "whole report from the cache"
    else:
        cache = (
            f"{number(run.files_from_cache)} of {plural(run.files_analyzed, 'file')} from the cache"
        )
    items.append(("Cache", cache))
    items.append(
        ("Generated", f"{clean(report.generated_at)} by analyzer {clean(report.analyzer_version)}")
    )
    return items


@dataclass(frozen=True)
class LanguageRow:
    name: str
    kind: str
    files: int
    lines: int
    code: int
    share: float


def language_rows(report: AnalysisReport, top: int = TOP_LANGUAGES) -> list[LanguageRow]:
    """The biggest languages by code lines, the rest summed up as one "others" row."""
    ordered = sorted(report.languages, key=lambda lang: (-lang.code, -lang.lines, lang.name))

    def row(lang: LanguageStats) -> LanguageRow:
        return LanguageRow(
            clean(lang.name), lang.kind, lang.files, lang.lines, lang.code, lang.share
        )

    if len(ordered) <= top + 1:  # "1 others" would hide a name for no room saved
        return [row(lang) for lang in ordered]
    rows = [row(lang) for lang in ordered[:top]]
    rest = ordered[top:]
    if rest:
        rows.append(
            LanguageRow(
                name=f"{len(rest)} others",
                kind="mixed",
                files=sum(lang.files for lang in rest),
                lines=sum(lang.lines for lang in rest),
                code=sum(lang.code for lang in rest),
                share=sum(lang.share for lang in rest),
            )
        )
    return rows


def language_shares(report: AnalysisReport, top: int = TOP_LANGUAGES) -> list[tuple[str, float]]:
    """Programming languages' shares of code, biggest first, the rest as "others"."""
    shares = sorted(
        ((clean(lang.name), lang.share) for lang in report.languages if lang.share > 0),
        key=lambda item: (-item[1], item[0]),
    )
    if len(shares) > top + 1:
        rest = sum(share for _, share in shares[top:])
        shares = [*shares[:top], (f"{len(shares) - top} others", rest)]
    return shares


def band_counts(report: AnalysisReport) -> list[tuple[str, str, int]]:
    """(band, CCN range, functions) for every band, in order."""
    return [(band, span, report.complexity.bands.get(band, 0)) for band, span in BANDS]


def hot_spots(report: AnalysisReport, top: int = TOP_HOT_SPOTS) -> list[HotSpot]:
    spots = sorted(report.complexity.hot_spots, key=lambda s: (-s.ccn, -s.nloc, s.path, s.line))
    return spots[:top]


def severity_counts(report: AnalysisReport) -> dict[str, int]:
    """Security findings per severity, most severe first (every severity present)."""
    listed: Counter[str] = Counter(finding.severity for finding in report.security)
    return {sev: report.summary.security.get(sev, listed[sev]) for sev in SEVERITIES}


def sorted_security(report: AnalysisReport) -> list[Finding]:
    """Security findings, most severe and most certain first."""
    return sorted(
        report.security,
        key=lambda f: (
            -SEVERITY_ORDER[f.severity],
            -CONFIDENCE_ORDER[f.confidence],
            f.path,
            f.line,
            f.rule,
        ),
    )


def by_severity(findings: Sequence[Finding]) -> list[tuple[str, list[Finding]]]:
    """Already sorted findings split into (severity, findings) groups, most severe first."""
    groups: dict[str, list[Finding]] = {}
    for finding in findings:
        groups.setdefault(finding.severity, []).append(finding)
    return [(sev, groups[sev]) for sev in SEVERITIES if sev in groups]


@dataclass
class SmellGroup:
    rule: str
    title: str
    severity: str
    count: int = 0
    places: list[str] = field(default_factory=list)

    @property
    def more(self) -> int:
        return self.count - len(self.places)


def smell_groups(report: AnalysisReport) -> list[SmellGroup]:
    """Smells per rule (most frequent first) with the first few places of each."""
    groups: dict[str, SmellGroup] = {}
    for finding in sorted(report.smells, key=lambda f: (f.path, f.line)):
        group = groups.get(finding.rule)
        if group is None:
            group = groups[finding.rule] = SmellGroup(
                clean(finding.rule), clean(finding.title), finding.severity
            )
        group.count += 1
        if len(group.places) < SMELL_PLACES:
            group.places.append(place(finding.path, finding.line))
    return sorted(groups.values(), key=lambda g: (-g.count, -SEVERITY_ORDER[g.severity], g.rule))


def duplicates(report: AnalysisReport) -> list[DuplicateBlock]:
    """Duplicate blocks, the biggest (lines times copies) first."""
    return sorted(report.duplicates, key=lambda d: (-d.lines * len(d.locations), -d.lines))


def patterns(report: AnalysisReport) -> list[Pattern]:
    return sorted(report.patterns, key=lambda p: (-p.count, -p.files, p.id))


def suggested_skills(report: AnalysisReport) -> list[SuggestedSkill]:
    return sorted(report.suggested_skills, key=lambda s: (-s.score, s.skill_id))


def tests_line(report: AnalysisReport) -> str:
    tests = report.tests
    if not tests.has_tests:
        return "No tests found."
    frameworks = ", ".join(clean(name) for name in tests.frameworks) or "no known framework"
    return (
        f"{plural(tests.test_files, 'test file')}, {number(tests.test_code_lines)} test code "
        f"lines for {number(tests.source_code_lines)} source code lines "
        f"(ratio {tests.ratio:.2f}); {frameworks}."
    )


def skipped_items(report: AnalysisReport) -> list[tuple[str, int]]:
    counts = report.skipped.counts
    return sorted(((clean(reason), n) for reason, n in counts.items()), key=lambda i: -i[1])


def reasons(items: Sequence[str], limit: int = 4) -> str:
    shown = ", ".join(clean(item) for item in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")
