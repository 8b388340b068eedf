"""The Markdown report (``devmentor analyze --format markdown``): GitHub-flavoured tables.

Fit for a pull-request comment, an issue or a ``REPORT.md``. Report content is escaped as
it goes into a cell: ``&``, ``<`` and ``>`` become entities (so no HTML gets through), and
Markdown's own punctuation (``|``, backticks, ``*``, ``_``, brackets, ...) is
backslash-escaped so it can neither end a cell nor start a link, code span or emphasis.
Nothing from the report is ever put in a code span, where escapes would show literally.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from devmentor.analyzer.model import AnalysisReport
from devmentor.analyzer.reports import _common as c

#: Security findings listed before "and N more" (the rest are in the JSON report).
MAX_SECURITY = 100
MAX_DUPLICATES = 20

_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# CommonMark lets any ASCII punctuation be backslash-escaped; these are the ones that can
# end a table cell or open inline syntax (code, emphasis, strike-through, links: with the
# brackets escaped, "(" and "!" can no longer make a link or an image) mid-line.
_ESCAPED = "\\`*_[]|~"
_TABLE = str.maketrans(
    {**_ENTITIES, **{char: "\\" + char for char in _ESCAPED}},
)


def md(text: str) -> str:
    """Report content as inline Markdown text: one line, shown literally."""
    return c.clean(text).translate(_TABLE)


def render_markdown(
    report: AnalysisReport, *, skill_titles: Mapping[str, str] | None = None
) -> str:
    """The report as one GitHub-flavoured Markdown document."""
    out: list[str] = [f"# DevMentor analysis: {md(report.source.name)}", ""]
    _summary(report, out)
    _languages(report, out)
    _frameworks(report, out)
    _complexity(report, out)
    _security(report, out)
    _smells(report, out)
    _duplicates(report, out)
    _tests(report, out)
    _patterns(report, out, skill_titles)
    _skills(report, out, skill_titles)
    _skipped(report, out)
    out.append(
        f"*Generated {md(report.generated_at)} by the DevMentor analyzer "
        f"{md(report.analyzer_version)} (report schema {md(report.schema_version)}).*"
    )
    return "\n".join(out) + "\n"


def table(
    out: list[str],
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    right: Sequence[int] = (),
) -> None:
    """Append a table; cells must already be escaped. ``right``: right-aligned columns."""
    out.append("| " + " | ".join(headers) + " |")
    out.append("|" + "|".join("---:" if i in right else "---" for i in range(len(headers))) + "|")
    for row in rows:
        assert len(row) == len(headers)
        out.append("| " + " | ".join(cell or " " for cell in row) + " |")
    out.append("")


def _section(out: list[str], title: str) -> None:
    out.extend([f"## {title}", ""])


def _para(out: list[str], text: str) -> None:
    out.extend([text, ""])


def _more(out: list[str], hidden: int, what: str) -> None:
    if hidden > 0:
        _para(out, f"… and {c.number(hidden)} more {what}.")


def _summary(report: AnalysisReport, out: list[str]) -> None:
    _section(out, "Summary")
    counts = c.severity_counts(report)
    rows = [(label, md(value)) for label, value in c.summary_items(report)]
    findings = ", ".join(f"{c.number(n)} {sev}" for sev, n in counts.items())
    rows.append(
        (
            "Findings",
            f"{c.number(sum(counts.values()))} security ({findings}), "
            f"{c.number(report.summary.smells)} smells, "
            f"{c.number(report.summary.hot_spots)} hot spots, "
            f"{c.number(report.summary.duplicated_lines)} duplicated lines",
        )
    )
    rows.append(("Tests", md(c.tests_line(report))))
    table(out, ("Item", "Value"), rows)


def _languages(report: AnalysisReport, out: list[str]) -> None:
    _section(out, "Languages")
    rows = c.language_rows(report)
    if not rows:
        _para(out, "No source files were analysed.")
        return
    table(
        out,
        ("Language", "Kind", "Files", "Lines", "Code lines", "Share of code"),
        (
            (
                md(row.name),
                row.kind,
                c.number(row.files),
                c.number(row.lines),
                c.number(row.code),
                c.percent(row.share) if row.share else "-",
            )
            for row in rows
        ),
        right=(2, 3, 4, 5),
    )


def _frameworks(report: AnalysisReport, out: list[str]) -> None:
    _section(out, "Frameworks and libraries")
    if not report.frameworks:
        _para(out, "None detected.")
        return
    ordered = sorted(report.frameworks, key=lambda f: (-f.imported_by, f.name.lower()))
    table(
        out,
        ("Name", "Ecosystem", "Category", "Version", "Imported by", "Declared in"),
        (
            (
                md(f.name),
                md(f.ecosystem),
                md(f.category),
                md(f.version) if f.version else "-",
                c.plural(f.imported_by, "file"),
                md(c.reasons(f.manifests, 3)) or "-",
            )
            for f in ordered
        ),
        right=(4,),
    )


def _complexity(report: AnalysisReport, out: list[str]) -> None:
    stats = report.complexity
    _section(out, "Complexity")
    _para(
        out,
        f"{c.plural(stats.functions, 'function')}, average cyclomatic complexity (CCN) "
        f"{stats.average_ccn:.1f}, highest {stats.max_ccn}.",
    )
    table(
        out,
        ("Risk band", "CCN", "Functions"),
        ((band, md(span), c.number(n)) for band, span, n in c.band_counts(report)),
        right=(2,),
    )
    spots = c.hot_spots(report)
    if not spots:
        _para(out, "No hot spots: no function is above CCN 10.")
        return
    out.extend([f"### Hot spots (top {len(spots)} of {len(stats.hot_spots)})", ""])
    table(
        out,
        ("Location", "Function", "CCN", "NLOC", "Parameters", "Risk"),
        (
            (
                md(c.place(s.path, s.line, s.end_line)),
                md(c.shorten(s.function, 80)),
                str(s.ccn),
                c.number(s.nloc),
                str(s.params),
                s.risk,
            )
            for s in spots
        ),
        right=(2, 3, 4),
    )


def _security(report: AnalysisReport, out: list[str]) -> None:
    _section(out, "Security")
    findings = c.sorted_security(report)
    if not findings:
        _para(out, "No security findings.")
        return
    counts = c.severity_counts(report)
    table(
        out,
        [sev.capitalize() for sev in counts],
        [[c.number(n) for n in counts.values()]],
        right=range(len(counts)),
    )
    shown = findings[:MAX_SECURITY]
    for severity, group in c.by_severity(shown):
        out.extend([f"### {severity.capitalize()} ({c.number(counts[severity])})", ""])
        table(
            out,
            ("Location", "Rule", "Finding", "Code", "CWE", "Confidence", "Tool"),
            (
                (
                    md(c.place(f.path, f.line, f.end_line)),
                    md(f.rule),
                    f"**{md(f.title)}**: {md(f.message)}",
                    md(c.snippet_line(f.snippet)) if f.snippet else "",
                    f"CWE-{f.cwe}" if f.cwe is not None else "-",
                    f.confidence,
                    f.tool,
                )
                for f in group
            ),
        )
    _more(out, len(findings) - len(shown), "security findings (see the JSON report)")


def _smells(report: AnalysisReport, out: list[str]) -> None:
    _section(out, "Code smells")
    groups = c.smell_groups(report)
    if not groups:
        _para(out, "No code smells found.")
        return
    _para(out, f"{c.plural(len(report.smells), 'finding')} of {c.plural(len(groups), 'rule')}.")
    table(
        out,
        ("Rule", "Title", "Severity", "Count", "First places"),
        (
            (
                md(g.rule),
                md(g.title),
                g.severity,
                c.number(g.count),
                ", ".join(md(p) for p in g.places)
                + (f", and {c.number(g.more)} more" if g.more else ""),
            )
            for g in groups
        ),
        right=(3,),
    )


def _duplicates(report: AnalysisReport, out: list[str]) -> None:
    _section(out, "Duplicated code")
    blocks = c.duplicates(report)
    if not blocks:
        _para(out, "No duplicated blocks found.")
        return
    _para(
        out,
        f"{c.plural(len(blocks), 'block')} of repeated code, "
        f"{c.plural(report.summary.duplicated_lines, 'duplicated line')} in all.",
    )
    table(
        out,
        ("Lines", "Copies", "Places"),
        (
            (
                c.number(b.lines),
                str(len(b.locations)),
                ", ".join(md(c.place(loc.path, loc.line, loc.end_line)) for loc in b.locations),
            )
            for b in blocks[:MAX_DUPLICATES]
        ),
        right=(0, 1),
    )
    _more(out, len(blocks) - MAX_DUPLICATES, "blocks")


def _tests(report: AnalysisReport, out: list[str]) -> None:
    _section(out, "Tests")
    tests = report.tests
    if not tests.has_tests:
        _para(out, "No tests found.")
        return
    table(
        out,
        ("Test files", "Test code lines", "Source code lines", "Ratio", "Frameworks"),
        [
            (
                c.number(tests.test_files),
                c.number(tests.test_code_lines),
                c.number(tests.source_code_lines),
                f"{tests.ratio:.2f}",
                md(", ".join(tests.frameworks)) or "-",
            )
        ],
        right=(0, 1, 2, 3),
    )


def _skills_cell(skill_ids: Sequence[str], titles: Mapping[str, str] | None) -> str:
    return ", ".join(md(c.skill_label(skill, titles)) for skill in skill_ids) or "-"


def _patterns(report: AnalysisReport, out: list[str], titles: Mapping[str, str] | None) -> None:
    _section(out, "Patterns")
    patterns = c.patterns(report)
    if not patterns:
        _para(out, "No patterns recognised.")
        return
    table(
        out,
        ("Pattern", "Id", "Uses", "Files", "Example", "Skills"),
        (
            (
                md(p.title),
                md(p.id),
                c.number(p.count),
                c.number(p.files),
                md(c.place(p.examples[0].path, p.examples[0].line)) if p.examples else "-",
                _skills_cell(p.skill_ids, titles),
            )
            for p in patterns
        ),
        right=(2, 3),
    )


def _skills(report: AnalysisReport, out: list[str], titles: Mapping[str, str] | None) -> None:
    _section(out, "Suggested skills")
    skills = c.suggested_skills(report)
    if not skills:
        _para(out, "No skills to suggest from this repository.")
        return
    table(
        out,
        ("Skill", "Score", "Because of"),
        (
            (_skills_cell([s.skill_id], titles), f"{s.score:.1f}", md(c.reasons(s.reasons, 6)))
            for s in skills
        ),
        right=(1,),
    )


def _skipped(report: AnalysisReport, out: list[str]) -> None:
    skipped = report.skipped
    items = c.skipped_items(report)
    if not items and not skipped.partial and not skipped.truncated:
        return
    _section(out, "Not analysed")
    if skipped.truncated:
        _para(out, "**A size limit stopped the walk early: some files were not looked at.**")
    if items:
        table(out, ("Reason", "Files"), ((md(r), c.number(n)) for r, n in items), right=(1,))
    if skipped.partial:
        table(
            out,
            ("Partly analysed file", "Why"),
            ((md(p.path), md(p.reason)) for p in skipped.partial),
        )
