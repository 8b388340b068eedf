"""The HTML report (``devmentor analyze --format html``): one self-contained page.

Everything is inline: the stylesheet in a ``<style>`` element and the charts as SVG drawn
here in Python. There is no script, no font, no image and no link to anywhere else, and
the page declares its own Content-Security-Policy (``default-src 'none'``), so opening it
from disk or serving it under a strict policy both work and nothing can load or run.

Report content is hostile: the page is a Jinja2 template with autoescaping on, and the
charts are built with :meth:`markupsafe.Markup.format`, which escapes every argument.
Charts are images for people who can see them; every figure also has a ``<title>``, a
``<desc>`` and a table with the same numbers, and colour never carries meaning alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, StrictUndefined
from markupsafe import Markup

from devmentor.analyzer.model import AnalysisReport, Finding
from devmentor.analyzer.reports import _common as c

#: Security findings shown before "and N more" (the rest are in the JSON report).
MAX_SECURITY = 200
MAX_SMELL_RULES = 100
MAX_DUPLICATES = 50

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'"
)

# Colours: all at least 4.5:1 against white (text and bars alike), and every bar or
# segment is labelled in words too.
LANGUAGE_COLOURS = (
    "#1d4ed8",
    "#b45309",
    "#047857",
    "#7c3aed",
    "#be123c",
    "#0e7490",
    "#4d7c0f",
    "#a21caf",
    "#57534e",
)
SEVERITY_COLOURS = {
    "critical": "#7f1d1d",
    "high": "#c2410c",
    "medium": "#a16207",
    "low": "#1d4ed8",
    "info": "#4b5563",
}
BAND_COLOURS = {
    "low": "#047857",
    "moderate": "#a16207",
    "high": "#c2410c",
    "very high": "#7f1d1d",
}
TEXT = "#1f2937"
MUTED = "#4b5563"


# -- Charts ------------------------------------------------------------------------------


def _n(value: float) -> str:
    """An SVG coordinate: short, and never in exponent notation."""
    return f"{value:.1f}".removesuffix(".0")


def _svg(
    ident: str,
    width: int,
    height: int,
    title: str,
    desc: str,
    body: Sequence[Markup],
    *,
    aspect: str = "xMinYMin meet",
) -> Markup:
    """A chart: an SVG image named by its ``<title>`` and described by its ``<desc>``."""
    return Markup(
        '<svg class="chart" id="{0}" viewBox="0 0 {1} {2}" role="img" '
        'aria-labelledby="{0}-title {0}-desc" preserveAspectRatio="{6}">'
        '<title id="{0}-title">{3}</title><desc id="{0}-desc">{4}</desc>{5}</svg>'
    ).format(ident, width, height, title, desc, Markup("").join(body), aspect)


def _text(x: float, y: float, label: str, *, anchor: str = "start", cls: str = "") -> Markup:
    return Markup('<text x="{}" y="{}" text-anchor="{}" class="{}">{}</text>').format(
        _n(x), _n(y), anchor, cls, label
    )


def _rect(x: float, y: float, width: float, height: float, fill: str, tip: str) -> Markup:
    return Markup(
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}</title></rect>'
    ).format(_n(x), _n(y), _n(width), _n(height), fill, tip)


def languages_chart(shares: Sequence[tuple[str, float]]) -> Markup:
    """One 100% bar split by language (the legend next to it names the segments in order).

    The bar stretches to any width at a fixed height, so it has no text of its own (text
    would stretch with it); each segment has a tooltip and the legend and table say the
    same in words.
    """
    width, height = 1000, 40
    total = sum(share for _, share in shares) or 1.0
    body: list[Markup] = []
    x = 0.0
    for index, (name, share) in enumerate(shares):
        part = share / total * width
        colour = LANGUAGE_COLOURS[index % len(LANGUAGE_COLOURS)]
        body.append(_rect(x, 0, max(part, 1.5), height, colour, f"{name}: {c.percent(share)}"))
        x += part
    # White gaps between segments, so that neighbours never touch whatever their colours.
    x = 0.0
    for _, share in shares[:-1]:
        x += share / total * width
        body.append(
            Markup('<rect x="{}" y="0" width="3" height="{}" fill="#fff"/>').format(
                _n(x - 1.5), height
            )
        )
    described = ", ".join(f"{name} {c.percent(share)}" for name, share in shares)
    return _svg(
        "chart-languages",
        width,
        height,
        "Share of code by programming language",
        described,
        body,
        aspect="none",
    )


def bands_chart(bands: Sequence[tuple[str, str, int]]) -> Markup:
    """Vertical bars: how many functions fall in each complexity band."""
    width, height, top, bottom, left = 420, 250, 28, 52, 8
    slot = (width - 2 * left) / len(bands)
    bar = slot * 0.62
    tallest = max((count for _, _, count in bands), default=0) or 1
    body = [
        Markup('<line x1="{}" y1="{}" x2="{}" y2="{}" class="axis"/>').format(
            left, height - bottom, width - left, height - bottom
        )
    ]
    for index, (band, span, count) in enumerate(bands):
        bar_height = (height - top - bottom) * count / tallest
        if count:
            bar_height = max(bar_height, 2)
        x = left + index * slot + (slot - bar) / 2
        y = height - bottom - bar_height
        tip = f"{band} ({span}): {c.plural(count, 'function')}"
        body.append(_rect(x, y, bar, bar_height, BAND_COLOURS[band], tip))
        middle = x + bar / 2
        body.append(_text(middle, y - 8, c.number(count), anchor="middle", cls="value"))
        body.append(_text(middle, height - bottom + 20, band, anchor="middle"))
        body.append(
            _text(middle, height - bottom + 40, f"CCN {span}", anchor="middle", cls="muted")
        )
    described = "; ".join(f"{band} (CCN {span}): {count}" for band, span, count in bands)
    return _svg("chart-complexity", width, height, "Functions per complexity band", described, body)


def _hbars(
    ident: str,
    title: str,
    rows: Sequence[tuple[str, int, str, str]],
    *,
    label_above: bool,
    value_width: int,
) -> Markup:
    """Horizontal bars; a row is (label, value, value text, colour)."""
    width = 420
    row_height = 46 if label_above else 34
    label_width = 0 if label_above else 96
    bar_max = width - label_width - value_width
    height = row_height * len(rows) + 6
    largest = max((value for _, value, _, _ in rows), default=0) or 1
    body: list[Markup] = []
    for index, (label, value, value_text, colour) in enumerate(rows):
        y = index * row_height + 4
        bar_y = y + (22 if label_above else 4)
        length = bar_max * value / largest
        if value:
            length = max(length, 2)
        if label_above:
            body.append(_text(0, y + 14, label))
        else:
            body.append(_text(label_width - 10, bar_y + 16, label, anchor="end"))
        body.append(_rect(label_width, bar_y, length, 20, colour, f"{label}: {value_text}"))
        body.append(_text(label_width + length + 8, bar_y + 16, value_text, cls="value"))
    described = "; ".join(f"{label}: {value_text}" for label, _, value_text, _ in rows)
    return _svg(ident, width, height, title, described, body)


def severity_chart(counts: Mapping[str, int]) -> Markup:
    rows = [(sev.capitalize(), n, c.number(n), SEVERITY_COLOURS[sev]) for sev, n in counts.items()]
    return _hbars(
        "chart-security", "Security findings by severity", rows, label_above=False, value_width=70
    )


def hot_spots_chart(report: AnalysisReport) -> Markup:
    rows = [
        (
            c.shorten(f"{c.clean(s.function, 80)} · {c.place(s.path, s.line)}", 50),
            s.ccn,
            f"CCN {s.ccn}, {s.risk}",
            BAND_COLOURS[s.risk],
        )
        for s in c.hot_spots(report)
    ]
    return _hbars(
        "chart-hot-spots",
        "Most complex functions (cyclomatic complexity)",
        rows,
        label_above=True,
        value_width=165,
    )


def breakable_path(path: str) -> Markup:
    """A path, escaped, that may wrap after each "/" before it breaks anywhere else."""
    return Markup("/<wbr>").join(path.split("/"))


def swatch(colour: str) -> Markup:
    return Markup(
        '<svg class="swatch" width="12" height="12" viewBox="0 0 12 12" aria-hidden="true">'
        '<rect width="12" height="12" rx="2" fill="{}"/></svg>'
    ).format(colour)


# -- The page ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _FindingRow:
    location: str
    rule: str
    title: str
    message: str
    snippet: str
    cwe: str
    confidence: str
    tool: str


def _finding_row(finding: Finding) -> _FindingRow:
    return _FindingRow(
        location=c.place(finding.path, finding.line, finding.end_line),
        rule=c.clean(finding.rule, 80),
        title=c.clean(finding.title, 120),
        message=c.clean(finding.message),
        snippet=c.clean_snippet(finding.snippet) if finding.snippet else "",
        cwe=f"CWE-{finding.cwe}" if finding.cwe is not None else "",
        confidence=finding.confidence,
        tool=finding.tool,
    )


def _context(report: AnalysisReport, titles: Mapping[str, str] | None) -> dict[str, Any]:
    counts = c.severity_counts(report)
    security = c.sorted_security(report)
    shown = security[:MAX_SECURITY]
    shares = c.language_shares(report)
    groups = c.smell_groups(report)
    blocks = c.duplicates(report)
    return {
        "csp": CSP,
        "name": c.clean(report.source.name, c.MAX_PATH),
        "facts": c.summary_items(report),
        "counts": counts,
        "security_total": sum(counts.values()),
        "security_line": f"{c.number(sum(counts.values()))} ("
        + ", ".join(f"{c.number(n)} {sev}" for sev, n in counts.items())
        + ")",
        "summary": report.summary,
        "languages": c.language_rows(report),
        "shares": [
            (name, share, swatch(LANGUAGE_COLOURS[i % len(LANGUAGE_COLOURS)]))
            for i, (name, share) in enumerate(shares)
        ],
        "languages_chart": languages_chart(shares) if shares else None,
        "frameworks": [
            {
                "name": c.clean(f.name),
                "ecosystem": c.clean(f.ecosystem),
                "category": c.clean(f.category),
                "version": c.clean(f.version) if f.version else "",
                "imported_by": c.plural(f.imported_by, "file"),
                "manifests": c.reasons(f.manifests, 3),
            }
            for f in sorted(report.frameworks, key=lambda f: (-f.imported_by, f.name.lower()))
        ],
        "complexity": report.complexity,
        "bands": c.band_counts(report),
        "bands_chart": bands_chart(c.band_counts(report)) if report.complexity.functions else None,
        "hot_spots": [
            {
                "location": c.place(s.path, s.line, s.end_line),
                "function": c.clean(s.function, 120),
                "ccn": s.ccn,
                "nloc": c.number(s.nloc),
                "params": s.params,
                "risk": s.risk,
            }
            for s in c.hot_spots(report)
        ],
        "hot_spots_total": len(report.complexity.hot_spots),
        "hot_spots_chart": hot_spots_chart(report) if report.complexity.hot_spots else None,
        "severity_chart": severity_chart(counts) if security else None,
        "security_groups": [
            (sev, counts[sev], [_finding_row(f) for f in group])
            for sev, group in c.by_severity(shown)
        ],
        "security_more": len(security) - len(shown),
        "smells_total": len(report.smells),
        "smell_groups": groups[:MAX_SMELL_RULES],
        "smell_more": len(groups) - MAX_SMELL_RULES,
        "smell_rules": len(groups),
        "duplicates": [
            (
                c.number(b.lines),
                len(b.locations),
                [c.place(loc.path, loc.line, loc.end_line) for loc in b.locations],
            )
            for b in blocks[:MAX_DUPLICATES]
        ],
        "duplicate_blocks": len(blocks),
        "duplicates_more": len(blocks) - MAX_DUPLICATES,
        "tests": report.tests,
        "tests_line": c.tests_line(report),
        "test_frameworks": ", ".join(c.clean(f) for f in report.tests.frameworks),
        "patterns": [
            {
                "title": c.clean(p.title, 120),
                "id": c.clean(p.id, 120),
                "count": c.number(p.count),
                "files": c.number(p.files),
                "example": c.place(p.examples[0].path, p.examples[0].line) if p.examples else "",
                "skills": [c.skill_label(s, titles) for s in p.skill_ids],
            }
            for p in c.patterns(report)
        ],
        "skills": [
            (c.skill_label(s.skill_id, titles), f"{s.score:.1f}", c.reasons(s.reasons, 6))
            for s in c.suggested_skills(report)
        ],
        "skipped": c.skipped_items(report),
        "partial": [
            (c.clean(p.path, c.MAX_PATH), c.clean(p.reason)) for p in report.skipped.partial
        ],
        "truncated": report.skipped.truncated,
        "generated_at": c.clean(report.generated_at),
        "analyzer_version": c.clean(report.analyzer_version),
        "schema_version": report.schema_version,
        "number": c.number,
        "percent": c.percent,
        "plural": c.plural,
    }


_STYLE = """
:root { color-scheme: light; --fg: #1f2937; --muted: #4b5563; --line: #d1d5db;
  --panel: #f6f7f9; --accent: #1d4ed8; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0; color: var(--fg); background: #fff;
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
    sans-serif; }
header, main, footer { max-width: 72rem; margin: 0 auto; padding: 0 1rem; }
header { padding-top: 1.5rem; }
h1 { font-size: 1.7rem; line-height: 1.25; margin: 0 0 .25rem; overflow-wrap: anywhere; }
h2 { font-size: 1.35rem; margin: 2.25rem 0 .75rem; padding-bottom: .3rem;
  border-bottom: 2px solid var(--line); }
h3 { font-size: 1.08rem; margin: 1.5rem 0 .5rem; }
p { margin: .5rem 0; }
.lede, .muted, figcaption, footer { color: var(--muted); }
a { color: var(--accent); }
nav ul { list-style: none; padding: 0; margin: 1rem 0 0; display: flex; flex-wrap: wrap;
  gap: .25rem 1rem; font-size: .95rem; }
dl.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 15rem), 1fr));
  gap: .75rem; margin: 0; }
dl.facts > div { background: var(--panel); border: 1px solid var(--line); border-radius: .5rem;
  padding: .55rem .8rem; min-width: 0; }
dt { font-size: .78rem; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
dd { margin: 0; font-weight: 600; overflow-wrap: anywhere; }
.charts { display: grid; gap: 1.5rem;
  grid-template-columns: repeat(auto-fit, minmax(min(100%, 24rem), 1fr)); }
figure { margin: 0 0 1rem; min-width: 0; }
figcaption { font-size: .9rem; margin-top: .35rem; }
svg.chart { display: block; width: 100%; height: auto; max-width: 34rem; overflow: hidden; }
svg.chart text { font: 14px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  fill: #1f2937; }
svg.chart text.value { font-weight: 700; }
svg.chart text.muted { fill: #4b5563; font-size: 12px; }
svg.chart .axis { stroke: #6b7280; stroke-width: 1; }
#chart-languages { max-width: none; height: 2.25rem; }
ul.legend { list-style: none; padding: 0; margin: .5rem 0 0; display: flex; flex-wrap: wrap;
  gap: .25rem 1rem; font-size: .92rem; }
ul.legend li { display: flex; align-items: center; gap: .35rem; }
.swatch { flex: none; }
.table-wrap { max-width: 100%; overflow-x: auto; margin: .5rem 0 1rem; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
th, td { text-align: left; vertical-align: top; padding: .4rem .6rem;
  border-bottom: 1px solid var(--line); overflow-wrap: break-word; }
td.path, td.text { overflow-wrap: anywhere; }
td.nowrap { white-space: nowrap; }
td.path { min-width: 9rem; }
@media (min-width: 48rem) { td.path { min-width: 11rem; } }
thead th { background: var(--panel); border-bottom: 2px solid var(--line); }
@media (max-width: 40rem) {
  table { font-size: .85rem; }
  th, td { padding: .35rem .4rem; }
}
th.num, td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.path, .mono, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  font-size: .86em; }
pre.snippet { white-space: pre-wrap; overflow-wrap: anywhere; margin: .35rem 0 0;
  padding: .3rem .5rem; background: var(--panel); border-left: 3px solid var(--line); }
.badge { display: inline-block; padding: .05rem .45rem; border-radius: .25rem; color: #fff;
  font-size: .78rem; font-weight: 700; letter-spacing: .03em; text-transform: uppercase;
  white-space: nowrap; }
.sev-critical { background: #7f1d1d; } .sev-high { background: #c2410c; }
.sev-medium { background: #a16207; } .sev-low { background: #1d4ed8; }
.sev-info { background: #4b5563; }
.risk-moderate { background: #a16207; } .risk-high { background: #c2410c; }
.risk-very-high { background: #7f1d1d; }
ol.findings { list-style: none; padding: 0; margin: .25rem 0 1rem; }
ol.findings li { padding: .6rem .2rem; border-bottom: 1px solid var(--line); min-width: 0; }
ol.findings li:first-child { border-top: 1px solid var(--line); }
ol.findings p { margin: .15rem 0; }
ol.findings .where { display: flex; flex-wrap: wrap; gap: .1rem 1rem; }
ol.findings .path { overflow-wrap: anywhere; }
ol.findings .rule, ol.findings .meta { color: var(--muted); }
ol.findings .what { overflow-wrap: anywhere; }
ol.findings .meta { font-size: .88rem; }
.warning { border-left: 4px solid #c2410c; padding: .4rem .75rem; background: #fff7ed; }
footer { margin-top: 3rem; padding-bottom: 2rem; border-top: 1px solid var(--line);
  font-size: .9rem; }
@media print {
  body { font-size: 11pt; }
  header, main, footer { max-width: none; padding: 0; }
  nav { display: none; }
  h2 { break-after: avoid; }
  figure, tr, dl.facts > div, ol.findings li { break-inside: avoid; }
  .table-wrap { overflow: visible; }
  .badge, svg.chart rect, .swatch rect { print-color-adjust: exact;
    -webkit-print-color-adjust: exact; }
}
"""

_TEMPLATE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{{ csp }}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<meta name="generator" content="DevMentor analyzer {{ analyzer_version }}">
<title>DevMentor analysis: {{ name }}</title>
<style>/* STYLE */</style>
</head>
<body>
{%- macro table(label, columns) %}
<div class="table-wrap" role="region" aria-label="{{ label }}" tabindex="0">
<table>
<thead><tr>
{%- for column in columns %}
<th scope="col"{% if column.startswith("#") %} class="num"{% endif %}>{{ column.lstrip("#") }}</th>
{%- endfor %}
</tr></thead>
<tbody>{{ caller() }}</tbody>
</table>
</div>
{%- endmacro %}
{%- macro fact(label, value) %}
<div><dt>{{ label }}</dt><dd>{{ value }}</dd></div>
{%- endmacro %}
{%- macro badge(kind, value) -%}
<span class="badge {{ kind }}-{{ value|replace(" ", "-") }}">{{ value }}</span>
{%- endmacro %}
<header>
<h1>DevMentor analysis: {{ name }}</h1>
<p class="lede">Generated {{ generated_at }} by the DevMentor analyzer {{ analyzer_version }}.</p>
<nav aria-label="Report sections">
<ul>
{%- for anchor, label in sections %}
<li><a href="#{{ anchor }}">{{ label }}</a></li>
{%- endfor %}
</ul>
</nav>
</header>
<main>
<section id="summary" aria-labelledby="summary-heading">
<h2 id="summary-heading">Summary</h2>
<dl class="facts">
{%- for label, value in facts %}{{ fact(label, value) }}{% endfor %}
{{- fact("Security findings", security_line) }}
{{- fact("Code smells", number(summary.smells)) }}
{{- fact("Hot spots", number(summary.hot_spots)) }}
{{- fact("Duplicated lines", number(summary.duplicated_lines)) }}
{{- fact("Test ratio", "%.2f"|format(summary.test_ratio)) }}
</dl>
</section>

<section id="languages" aria-labelledby="languages-heading">
<h2 id="languages-heading">Languages</h2>
{%- if languages_chart %}
<figure>
{{ languages_chart }}
<ul class="legend">
{%- for lang, share, colour in shares %}
<li>{{ colour }}<span>{{ lang }} {{ percent(share) }}</span></li>
{%- endfor %}
</ul>
<figcaption>Share of code lines in programming languages.</figcaption>
</figure>
{%- endif %}
{%- if languages %}
{% call table("Languages", ["Language", "Kind", "#Files", "#Lines", "#Code lines",
                            "#Share of code"]) %}
{%- for row in languages %}
<tr><th scope="row">{{ row.name }}</th><td>{{ row.kind }}</td>
<td class="num">{{ number(row.files) }}</td><td class="num">{{ number(row.lines) }}</td>
<td class="num">{{ number(row.code) }}</td>
<td class="num">{{ percent(row.share) if row.share else "-" }}</td></tr>
{%- endfor %}
{% endcall %}
{%- else %}
<p>No source files were analysed.</p>
{%- endif %}
</section>

<section id="frameworks" aria-labelledby="frameworks-heading">
<h2 id="frameworks-heading">Frameworks and libraries</h2>
{%- if frameworks %}
{% call table("Frameworks", ["Name", "Ecosystem", "Category", "Version", "#Imported by",
                             "Declared in"]) %}
{%- for f in frameworks %}
<tr><th scope="row">{{ f.name }}</th><td>{{ f.ecosystem }}</td><td>{{ f.category }}</td>
<td class="mono">{{ f.version or "-" }}</td><td class="num">{{ f.imported_by }}</td>
<td class="path">{{ f.manifests|path or "-" }}</td></tr>
{%- endfor %}
{% endcall %}
{%- else %}
<p>None detected.</p>
{%- endif %}
</section>

<section id="complexity" aria-labelledby="complexity-heading">
<h2 id="complexity-heading">Complexity</h2>
<p>{{ plural(complexity.functions, "function") }}, average cyclomatic complexity (CCN)
{{ "%.1f"|format(complexity.average_ccn) }}, highest {{ complexity.max_ccn }}.</p>
{%- if bands_chart or hot_spots_chart %}
<div class="charts">
{%- if bands_chart %}
<figure>{{ bands_chart }}<figcaption>Functions per complexity band.</figcaption></figure>
{%- endif %}
{%- if hot_spots_chart %}
<figure>{{ hot_spots_chart }}
<figcaption>The most complex functions by CCN.</figcaption></figure>
{%- endif %}
</div>
{%- endif %}
{% call table("Complexity bands", ["Risk band", "CCN", "#Functions"]) %}
{%- for band, span, n in bands %}
<tr><th scope="row">{{ band }}</th><td>{{ span }}</td><td class="num">{{ number(n) }}</td></tr>
{%- endfor %}
{% endcall %}
<h3>Hot spots</h3>
{%- if hot_spots %}
<p>The {{ hot_spots|length }} most complex of {{ plural(hot_spots_total, "function") }}
above CCN 10.</p>
{% call table("Hot spots", ["Function and place", "#CCN", "#NLOC", "#Parameters", "Risk"]) %}
{%- for s in hot_spots %}
<tr><td class="path"><strong>{{ s.function }}</strong><br>{{ s.location|path }}</td>
<td class="num">{{ s.ccn }}</td><td class="num">{{ s.nloc }}</td>
<td class="num">{{ s.params }}</td><td class="nowrap">{{ badge("risk", s.risk) }}</td></tr>
{%- endfor %}
{% endcall %}
{%- else %}
<p>No hot spots: no function is above CCN 10.</p>
{%- endif %}
</section>

<section id="security" aria-labelledby="security-heading">
<h2 id="security-heading">Security</h2>
{%- if security_groups %}
<figure>{{ severity_chart }}
<figcaption>{{ plural(security_total, "security finding") }} by severity.</figcaption></figure>
{%- for sev, total, rows in security_groups %}
<h3 id="security-{{ sev }}">{{ badge("sev", sev) }} {{ plural(total, "finding") }}</h3>
<ol class="findings" aria-labelledby="security-{{ sev }}">
{%- for f in rows %}
<li>
<p class="where"><span class="path">{{ f.location|path }}</span>
<span class="rule mono">{{ f.rule }}</span></p>
<p class="what"><strong>{{ f.title }}</strong>: {{ f.message }}</p>
{%- if f.snippet %}
<pre class="snippet" aria-label="Flagged code">{{ f.snippet }}</pre>
{%- endif %}
<p class="meta">{{ f.cwe ~ " · " if f.cwe }}{{ f.confidence }} confidence
· reported by {{ f.tool }}</p>
</li>
{%- endfor %}
</ol>
{%- endfor %}
{%- if security_more > 0 %}
<p>… and {{ number(security_more) }} more security findings (see the JSON report).</p>
{%- endif %}
{%- else %}
<p>No security findings.</p>
{%- endif %}
</section>

<section id="smells" aria-labelledby="smells-heading">
<h2 id="smells-heading">Code smells</h2>
{%- if smell_groups %}
<p>{{ plural(smells_total, "finding") }} of {{ plural(smell_rules, "rule") }}.</p>
{% call table("Code smells", ["Rule", "#Count", "First places"]) %}
{%- for g in smell_groups %}
<tr><td class="text"><strong>{{ g.title }}</strong> {{ badge("sev", g.severity) }}<br>
<span class="mono muted">{{ g.rule }}</span></td><td class="num">{{ number(g.count) }}</td>
<td class="path">{{ g.places|map("path")|join(", ") }}
{%- if g.more %}, and {{ number(g.more) }} more{% endif %}</td></tr>
{%- endfor %}
{% endcall %}
{%- if smell_more > 0 %}<p>… and {{ number(smell_more) }} more rules.</p>{% endif %}
{%- else %}
<p>No code smells found.</p>
{%- endif %}
</section>

<section id="duplicates" aria-labelledby="duplicates-heading">
<h2 id="duplicates-heading">Duplicated code</h2>
{%- if duplicates %}
<p>{{ plural(duplicate_blocks, "block") }} of repeated code,
{{ plural(summary.duplicated_lines, "duplicated line") }} in all.</p>
{% call table("Duplicated code", ["#Lines", "#Copies", "Places"]) %}
{%- for lines, copies, places in duplicates %}
<tr><td class="num">{{ lines }}</td><td class="num">{{ copies }}</td>
<td class="path">{{ places|map("path")|join(", ") }}</td></tr>
{%- endfor %}
{% endcall %}
{%- if duplicates_more > 0 %}<p>… and {{ number(duplicates_more) }} more blocks.</p>{% endif %}
{%- else %}
<p>No duplicated blocks found.</p>
{%- endif %}
</section>

<section id="tests" aria-labelledby="tests-heading">
<h2 id="tests-heading">Tests</h2>
{%- if tests.has_tests %}
<dl class="facts">
{{- fact("Test files", number(tests.test_files)) }}
{{- fact("Test code lines", number(tests.test_code_lines)) }}
{{- fact("Source code lines", number(tests.source_code_lines)) }}
{{- fact("Test lines per source line", "%.2f"|format(tests.ratio)) }}
{{- fact("Frameworks", test_frameworks or "none known") }}
</dl>
{%- else %}
<p>{{ tests_line }}</p>
{%- endif %}
</section>

<section id="patterns" aria-labelledby="patterns-heading">
<h2 id="patterns-heading">Patterns</h2>
{%- if patterns %}
{% call table("Patterns", ["Pattern", "#Uses", "#Files", "Example", "Skills"]) %}
{%- for p in patterns %}
<tr><th scope="row">{{ p.title }} <span class="muted mono">{{ p.id }}</span></th>
<td class="num">{{ p.count }}</td><td class="num">{{ p.files }}</td>
<td class="path">{{ p.example|path or "-" }}</td><td>{{ p.skills|join(", ") or "-" }}</td></tr>
{%- endfor %}
{% endcall %}
{%- else %}
<p>No patterns recognised.</p>
{%- endif %}
</section>

<section id="skills" aria-labelledby="skills-heading">
<h2 id="skills-heading">Suggested skills</h2>
{%- if skills %}
{% call table("Suggested skills", ["Skill", "#Score", "Because of"]) %}
{%- for label, score, why in skills %}
<tr><th scope="row">{{ label }}</th><td class="num">{{ score }}</td>
<td class="mono">{{ why }}</td></tr>
{%- endfor %}
{% endcall %}
{%- else %}
<p>No skills to suggest from this repository.</p>
{%- endif %}
</section>
{%- if skipped or partial or truncated %}

<section id="skipped" aria-labelledby="skipped-heading">
<h2 id="skipped-heading">Not analysed</h2>
{%- if truncated %}
<p class="warning">A size limit stopped the walk early: some files were not looked at.</p>
{%- endif %}
{%- if skipped %}
{% call table("Skipped files", ["Reason", "#Files"]) %}
{%- for reason, n in skipped %}
<tr><th scope="row">{{ reason }}</th><td class="num">{{ number(n) }}</td></tr>
{%- endfor %}
{% endcall %}
{%- endif %}
{%- if partial %}
{% call table("Partly analysed files", ["Partly analysed file", "Why"]) %}
{%- for path, why in partial %}
<tr><td class="path">{{ path|path }}</td><td class="text">{{ why }}</td></tr>
{%- endfor %}
{% endcall %}
{%- endif %}
</section>
{%- endif %}
</main>
<footer>
<p>DevMentor analyzer {{ analyzer_version }}, report schema {{ schema_version }}.
Numbers come from static analysis: findings are hints to look at, not verdicts.</p>
</footer>
</body>
</html>
"""

SECTIONS = (
    ("summary", "Summary"),
    ("languages", "Languages"),
    ("frameworks", "Frameworks"),
    ("complexity", "Complexity"),
    ("security", "Security"),
    ("smells", "Code smells"),
    ("duplicates", "Duplicated code"),
    ("tests", "Tests"),
    ("patterns", "Patterns"),
    ("skills", "Suggested skills"),
)

# The stylesheet is part of the template's source, not a value: CSS has no {{ or {%.
_ENV = Environment(autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True)
_ENV.filters["path"] = breakable_path
_PAGE = _ENV.from_string(_TEMPLATE.replace("/* STYLE */", _STYLE))


def render_html(report: AnalysisReport, *, skill_titles: Mapping[str, str] | None = None) -> str:
    """The report as one self-contained HTML5 page."""
    return _PAGE.render(sections=SECTIONS, **_context(report, skill_titles))
