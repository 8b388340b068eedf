"""The terminal report (``devmentor analyze --format text``), drawn with Rich.

Made to be read at a glance in an 80-100 column terminal: a summary panel, then one short
section per part of the report, each capped to its first rows. Report content (paths,
messages, snippets) comes from the analysed repository, so it is never parsed as Rich
markup: every piece goes into a :class:`~rich.text.Text`, which Rich prints literally, after
:func:`~devmentor.analyzer.reports._common.clean` made control characters visible.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich import box
from rich.console import Console
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from devmentor.analyzer.model import SEVERITY_ORDER, AnalysisReport, Finding
from devmentor.analyzer.reports import _common as c

#: Security findings listed (grouped by rule) before "and N more".
MAX_SECURITY = 15
#: Places listed under one security rule.
SECURITY_PLACES = 3
MAX_FRAMEWORKS = 12
MAX_SMELL_RULES = 12
MAX_DUPLICATES = 5
MAX_PATTERNS = 12
MAX_SKILLS = 10

SEVERITY_STYLES = {
    "critical": "bold white on red",
    "high": "bold red",
    "medium": "yellow",
    "low": "cyan",
    "info": "dim",
}
RISK_STYLES = {"moderate": "yellow", "high": "red", "very high": "bold red"}


def render_text(
    report: AnalysisReport,
    console: Console,
    *,
    skill_titles: Mapping[str, str] | None = None,
) -> None:
    """Print ``report`` on ``console`` (colours only when the console has them)."""
    _summary(report, console)
    _languages(report, console)
    _frameworks(report, console)
    _complexity(report, console)
    _security(report, console)
    _smells(report, console)
    _duplicates(report, console)
    _tests(report, console)
    _patterns(report, console, skill_titles)
    _skills(report, console, skill_titles)
    _skipped(report, console)


def _heading(console: Console, title: str, detail: str = "") -> None:
    text = Text()
    text.append(title, style="bold")
    if detail:
        text.append(f"  {detail}", style="dim")
    console.print()
    console.print(Rule(text, align="left", style="dim"))


def _table(*columns: tuple[str, str]) -> Table:
    """A compact table; a column spec is (header, "left"|"right"|"fold")."""
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold")
    for header, kind in columns:
        if kind == "right":
            table.add_column(header, justify="right", no_wrap=True)
        elif kind == "fold":
            table.add_column(header, overflow="fold", ratio=1)
        else:
            table.add_column(header, overflow="fold")
    return table


def _more(console: Console, hidden: int, what: str) -> None:
    if hidden > 0:
        console.print(Text(f"… and {c.number(hidden)} more {what}", style="dim"))


def _summary(report: AnalysisReport, console: Console) -> None:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for label, value in c.summary_items(report):
        grid.add_row(Text(label), Text(value))
    counts = c.severity_counts(report)
    findings = Text(f"{c.number(sum(counts.values()))} security (")
    findings.append_text(_severity_line(counts))
    findings.append(
        f"), {c.number(report.summary.smells)} smells, "
        f"{c.number(report.summary.hot_spots)} hot spots, "
        f"{c.number(report.summary.duplicated_lines)} duplicated lines"
    )
    grid.add_row(Text("Findings"), findings)
    title = Text()
    title.append("DevMentor analysis: ", style="bold")
    title.append(c.clean(report.source.name, c.MAX_PATH))
    console.print(Panel(grid, title=title, title_align="left", box=box.ROUNDED, expand=False))


def _severity_line(counts: Mapping[str, int]) -> Text:
    line = Text()
    for index, (severity, count) in enumerate(counts.items()):
        if index:
            line.append(", ")
        style = SEVERITY_STYLES[severity] if count else ""
        line.append(f"{c.number(count)} {severity}", style=style)
    return line


def _languages(report: AnalysisReport, console: Console) -> None:
    _heading(console, "Languages")
    rows = c.language_rows(report)
    if not rows:
        console.print(Text("No source files were analysed."))
        return
    table = _table(
        ("Language", "left"),
        ("Kind", "left"),
        ("Files", "right"),
        ("Lines", "right"),
        ("Code", "right"),
        ("Share of code", "right"),
    )
    for row in rows:
        share = c.percent(row.share) if row.share else "-"
        table.add_row(
            Text(row.name),
            Text(row.kind),
            Text(c.number(row.files)),
            Text(c.number(row.lines)),
            Text(c.number(row.code)),
            Text(share),
        )
    console.print(table)


def _frameworks(report: AnalysisReport, console: Console) -> None:
    _heading(console, "Frameworks and libraries")
    if not report.frameworks:
        console.print(Text("None detected."))
        return
    table = _table(
        ("Name", "left"),
        ("Category", "left"),
        ("Version", "left"),
        ("Imported by", "right"),
        ("Declared in", "fold"),
    )
    ordered = sorted(report.frameworks, key=lambda f: (-f.imported_by, f.name.lower()))
    for framework in ordered[:MAX_FRAMEWORKS]:
        table.add_row(
            Text(f"{c.clean(framework.name)} ({c.clean(framework.ecosystem)})"),
            Text(c.clean(framework.category)),
            Text(c.clean(framework.version) if framework.version else "-"),
            Text(c.plural(framework.imported_by, "file")),
            Text(c.reasons(framework.manifests, 2) or "-"),
        )
    console.print(table)
    _more(console, len(ordered) - MAX_FRAMEWORKS, "frameworks and libraries")


def _complexity(report: AnalysisReport, console: Console) -> None:
    stats = report.complexity
    _heading(
        console,
        "Complexity",
        f"{c.plural(stats.functions, 'function')}, average CCN {stats.average_ccn:.1f}, "
        f"max {stats.max_ccn}",
    )
    bands = Text("Functions per CCN band: ")
    for index, (band, span, count) in enumerate(c.band_counts(report)):
        if index:
            bands.append(" · ")
        bands.append(f"{band} ({span}) {c.number(count)}", style=RISK_STYLES.get(band, ""))
    console.print(bands)
    spots = c.hot_spots(report)
    if not spots:
        console.print(Text("No hot spots: no function is above CCN 10."))
        return
    console.print(Text(f"Top hot spots (of {c.number(len(stats.hot_spots))}):", style="bold"))
    table = _table(
        ("Location", "fold"),
        ("Function", "left"),
        ("CCN", "right"),
        ("NLOC", "right"),
        ("Risk", "left"),
    )
    for spot in spots:
        table.add_row(
            Text(c.place(spot.path, spot.line)),
            Text(c.clean(spot.function, 60)),
            Text(str(spot.ccn)),
            Text(c.number(spot.nloc)),
            Text(spot.risk, style=RISK_STYLES[spot.risk]),
        )
    console.print(table)


def _rule_groups(findings: Sequence[Finding]) -> list[tuple[str, list[Finding]]]:
    """Sorted findings as (severity, one rule's findings), most severe and certain first.

    In a terminal the same message ten times over hides everything else: each rule is
    said once, with its first places under it.
    """
    groups: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        groups.setdefault((finding.severity, finding.rule), []).append(finding)
    ordered = sorted(
        groups.items(),
        key=lambda item: (
            -SEVERITY_ORDER[item[0][0]],
            -max(c.CONFIDENCE_ORDER[f.confidence] for f in item[1]),
            -len(item[1]),
            item[0][1],
        ),
    )
    return [(severity, group) for (severity, _), group in ordered]


def _security(report: AnalysisReport, console: Console) -> None:
    counts = c.severity_counts(report)
    _heading(console, "Security", c.plural(sum(counts.values()), "finding"))
    findings = c.sorted_security(report)
    if not findings:
        console.print(Text("No security findings."))
        return
    console.print(_severity_line(counts))
    table = _table(("Severity", "left"), ("Rule", "left"), ("What and where", "fold"))
    budget = MAX_SECURITY
    hidden_rules = hidden_findings = 0
    previous = ""
    for severity, group in _rule_groups(findings):
        if budget <= 0:
            hidden_rules += 1
            hidden_findings += len(group)
            continue
        if previous and severity != previous:
            table.add_section()
        label = Text(severity.upper(), style=SEVERITY_STYLES[severity])
        first = group[0]
        rule = Text(c.clean(first.rule, 60))
        if first.cwe is not None:
            rule.append(f"\nCWE-{first.cwe}", style="dim")
        if len(group) > 1:
            rule.append(f"\n{c.number(len(group))} findings", style="dim")
        detail = Text(c.clean(first.message))
        if first.confidence != "high":
            detail.append(f" ({first.confidence} confidence)", style="dim")
        shown = group[: min(SECURITY_PLACES, budget)]
        for finding in shown:
            detail.append("\n" + c.place(finding.path, finding.line), style="bold")
            if finding.snippet:
                detail.append("\n  " + c.snippet_line(finding.snippet), style="dim")
        if len(group) > len(shown):
            detail.append(f"\n… and {c.number(len(group) - len(shown))} more", style="dim")
        budget -= len(shown)
        table.add_row(label if severity != previous else "", rule, detail)
        previous = severity
    console.print(table)
    if hidden_rules:
        console.print(
            Text(
                f"… and {c.plural(hidden_rules, 'more rule')} with "
                f"{c.plural(hidden_findings, 'finding')}",
                style="dim",
            )
        )


def _smells(report: AnalysisReport, console: Console) -> None:
    _heading(console, "Code smells", c.plural(len(report.smells), "finding"))
    groups = c.smell_groups(report)
    if not groups:
        console.print(Text("No code smells found."))
        return
    table = _table(("Rule", "left"), ("Count", "right"), ("First places", "fold"))
    for group in groups[:MAX_SMELL_RULES]:
        rule = Text(group.rule)
        rule.append(f"\n{group.title}", style="dim")
        places = Text("\n".join(group.places))
        if group.more:
            places.append(f"\n… and {c.number(group.more)} more", style="dim")
        table.add_row(rule, Text(c.number(group.count)), places)
    console.print(table)
    _more(console, len(groups) - MAX_SMELL_RULES, "rules")


def _duplicates(report: AnalysisReport, console: Console) -> None:
    blocks = c.duplicates(report)
    _heading(
        console,
        "Duplicated code",
        f"{c.plural(len(blocks), 'block')}, "
        f"{c.plural(report.summary.duplicated_lines, 'duplicated line')}",
    )
    if not blocks:
        console.print(Text("No duplicated blocks found."))
        return
    table = _table(("Lines", "right"), ("Copies", "right"), ("Places", "fold"))
    for block in blocks[:MAX_DUPLICATES]:
        places = [c.place(loc.path, loc.line, loc.end_line) for loc in block.locations[:3]]
        text = Text("\n".join(places))
        if len(block.locations) > 3:
            text.append(f"\n… and {len(block.locations) - 3} more", style="dim")
        table.add_row(Text(c.number(block.lines)), Text(str(len(block.locations))), text)
    console.print(table)
    _more(console, len(blocks) - MAX_DUPLICATES, "blocks")


def _tests(report: AnalysisReport, console: Console) -> None:
    _heading(console, "Tests")
    console.print(Text(c.tests_line(report)))


def _patterns(report: AnalysisReport, console: Console, titles: Mapping[str, str] | None) -> None:
    patterns = c.patterns(report)
    _heading(console, "Patterns", c.plural(len(patterns), "pattern"))
    if not patterns:
        console.print(Text("No patterns recognised."))
        return
    table = _table(
        ("Pattern", "left"), ("Uses", "right"), ("Files", "right"), ("Example / skills", "fold")
    )
    for pattern in patterns[:MAX_PATTERNS]:
        detail = Text()
        if pattern.examples:
            first = pattern.examples[0]
            detail.append(c.place(first.path, first.line))
        if pattern.skill_ids:
            skills = ", ".join(c.skill_label(skill, titles) for skill in pattern.skill_ids)
            detail.append(("\n" if pattern.examples else "") + f"→ {skills}", style="dim")
        table.add_row(
            Text(c.clean(pattern.title, 60)),
            Text(c.number(pattern.count)),
            Text(c.number(pattern.files)),
            detail,
        )
    console.print(table)
    _more(console, len(patterns) - MAX_PATTERNS, "patterns")


def _skills(report: AnalysisReport, console: Console, titles: Mapping[str, str] | None) -> None:
    skills = c.suggested_skills(report)
    _heading(console, "Suggested skills")
    if not skills:
        console.print(Text("No skills to suggest from this repository."))
        return
    table = _table(("Skill", "fold"), ("Score", "right"), ("Because of", "fold"))
    for skill in skills[:MAX_SKILLS]:
        table.add_row(
            _skill(skill.skill_id, titles),
            Text(f"{skill.score:.1f}"),
            Text(c.reasons(skill.reasons)),
        )
    console.print(table)
    _more(console, len(skills) - MAX_SKILLS, "skills")


def _skill(skill_id: str, titles: Mapping[str, str] | None) -> Text:
    """The skill's title in bold over its id, or the id alone when no title is known."""
    title = (titles or {}).get(skill_id)
    label = Text()
    if title:
        label.append(c.clean(title), style="bold")
        label.append(f"\n{c.clean(skill_id)}", style="dim")
    else:
        label.append(c.clean(skill_id), style="bold")
    return label


def _skipped(report: AnalysisReport, console: Console) -> None:
    skipped = report.skipped
    items = c.skipped_items(report)
    if not items and not skipped.partial and not skipped.truncated:
        return
    _heading(console, "Not analysed")
    if items:
        console.print(Text(", ".join(f"{reason}: {c.number(n)}" for reason, n in items)))
    for partial in skipped.partial[:5]:
        line = Text(f"partly: {c.clean(partial.path, c.MAX_PATH)}")
        line.append(f" ({c.clean(partial.reason)})", style="dim")
        console.print(line)
    _more(console, len(skipped.partial) - 5, "partly analysed files")
    if skipped.truncated:
        console.print(
            Text("A size limit stopped the walk early: some files were not looked at.", "bold")
        )
