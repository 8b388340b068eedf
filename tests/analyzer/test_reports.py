"""The text, Markdown and HTML renderings of an analysis report.

Each format must show every section with the right figures, stay readable when a section
is empty, and show hostile report content (paths, messages and snippets written by
whoever wrote the analysed repository) literally: no HTML, Markdown or Rich markup gets
through, and no terminal escape or bidi control reaches the output.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt
from rich.console import Console

from devmentor.analyzer.model import AnalysisReport
from devmentor.analyzer.reports import render_html, render_markdown, render_text
from devmentor.analyzer.reports.html import CSP
from tests.analyzer.sample_report import (
    HOSTILE_SKILL_TITLES,
    PIPES,
    RICH,
    SCRIPT,
    SKILL_TITLES,
    TICKS,
    empty_report,
    hostile_report,
    sample_report,
)

SECTIONS = [
    "Languages",
    "Frameworks and libraries",
    "Complexity",
    "Security",
    "Code smells",
    "Duplicated code",
    "Tests",
    "Patterns",
    "Suggested skills",
]


def _many_findings(count: int) -> AnalysisReport:
    """The sample with ``count`` more medium findings in shop/payments/client.py."""
    report = sample_report()
    extra = [report.security[4].model_copy(update={"line": 1000 + index}) for index in range(count)]
    security = {**report.summary.security, "medium": 2 + count}
    return report.model_copy(
        update={
            "security": [*report.security, *extra],
            "summary": report.summary.model_copy(update={"security": security}),
        }
    )


# -- Text ---------------------------------------------------------------------------------


def text(
    report: AnalysisReport,
    *,
    width: int = 100,
    colour: bool = False,
    titles: dict[str, str] | None = None,
) -> str:
    out = io.StringIO()
    console = Console(
        file=out,
        width=width,
        force_terminal=colour,
        color_system="truecolor" if colour else None,
        legacy_windows=False,
    )
    render_text(report, console, skill_titles=titles)
    return out.getvalue()


def _line_with(output: str, *parts: str) -> str:
    """The one output line that holds every part (fails when none does)."""
    lines = [line for line in output.splitlines() if all(part in line for part in parts)]
    assert lines, f"no line with {parts!r} in:\n{output}"
    return lines[0]


def test_text_summary_panel_has_the_run_figures() -> None:
    output = text(sample_report())

    assert "DevMentor analysis: acme/shop" in output
    assert "https://github.com/acme/shop.git (git)" in output
    assert "1a2b3c4d5e6f on main" in output
    assert "1a2b3c4d5e6f7" not in output  # a short commit is enough
    assert "397 files (153 skipped)" in output
    assert "55,047 (42,620 code)" in output
    assert "Python (of 12 languages)" in output
    assert "1,320 (average CCN 3.4, max 54)" in output
    assert "4.2 s on 4 workers" in output
    assert "310 of 397 files from the cache" in output
    assert "9 security (1 critical, 3 high, 2 medium, 2 low, 1 info)" in output


def test_text_reports_a_fully_cached_run() -> None:
    report = sample_report()
    cached = report.model_copy(
        update={"run": report.run.model_copy(update={"report_cached": True})}
    )

    assert "whole report from the cache" in text(cached)


def test_text_sections_come_in_order() -> None:
    output = text(sample_report(), titles=SKILL_TITLES)

    positions = [output.index(f"\n{section} ") for section in SECTIONS]
    assert positions == sorted(positions)
    assert "Not analysed" in output


def test_text_languages_show_the_top_eight_and_sum_up_the_rest() -> None:
    output = text(sample_report())

    assert _line_with(output, "Python", "programming", "180", "31,000", "24,000", "60.0%")
    assert _line_with(output, "Markdown", "prose", "1,500", "-")
    # Java, Dockerfile, Makefile and HTML are the smallest four.
    assert _line_with(output, "4 others", "17", "1,316", "1,020", "1.8%")
    assert "Makefile" not in output
    assert "Dockerfile" not in output


def test_text_frameworks_hot_spots_and_bands() -> None:
    output = text(sample_report())

    assert _line_with(output, "Django (pypi)", "web", ">=5.0,<6", "64 files", "pyproject.toml")
    assert _line_with(output, "gin (go)", "5 files")
    assert "low (1-10) 1,250" in output
    assert "very high (> 50) 2" in " ".join(output.split())
    assert _line_with(
        output, "shop/orders/service.py:140", "OrderService.checkout", "54", "101", "very high"
    )
    assert _line_with(output, "shop/pricing.py:12", "compute_discount", "27", "66", "high")
    checkout = output.index("OrderService.checkout")
    assert checkout < output.index("compute_discount") < output.index("handleEvent")


def test_text_hot_spots_stop_at_ten() -> None:
    report = sample_report()
    spot = report.complexity.hot_spots[-1]
    spots = [spot.model_copy(update={"function": f"fn_{i:02}", "ccn": 11 + i}) for i in range(14)]
    many = report.model_copy(
        update={"complexity": report.complexity.model_copy(update={"hot_spots": spots})}
    )

    output = text(many)

    assert "Top hot spots (of 14):" in output
    assert "fn_13" in output
    assert "fn_04" in output
    assert "fn_03" not in output


def test_text_security_is_grouped_most_severe_first() -> None:
    output = text(sample_report())

    labels = [output.index(f"\n{label} ") for label in ("CRITICAL", "HIGH", "MEDIUM", "LOW")]
    assert labels == sorted(labels)
    assert output.index("\nINFO ") > labels[-1]
    assert _line_with(output, "CRITICAL", "secret.aws-access-key")
    assert "deploy/settings.py:12" in output
    assert "CWE-798" in output
    assert "(medium confidence)" in output
    assert _line_with(output, "  subprocess.run(cmd, shell=True)")  # the snippet's line
    # Within "high", the most certain findings come first.
    assert output.index("bandit.B602") < output.index("py.unsafe-deserialization")


def test_text_security_says_each_rule_once_with_its_first_places() -> None:
    output = text(_many_findings(20))

    assert "29 findings" in output
    assert "1 critical, 3 high, 22 medium, 2 low, 1 info" in output
    assert output.count("This request has no timeout") == 1
    assert "21 findings" in output
    assert output.count("shop/payments/client.py:") == 3
    assert "… and 18 more" in output
    assert "js.inner-html" in output  # the next rule of the same severity still shows


def test_text_security_shows_fifteen_places_at_most() -> None:
    report = sample_report()
    extra = [
        report.security[4].model_copy(update={"rule": f"py.rule-{index:02}", "line": index})
        for index in range(20)
    ]
    many = report.model_copy(update={"security": [*report.security, *extra]})

    output = text(many)
    security = output[output.index("\nSecurity ") : output.index("\nCode smells ")]

    # 1 critical and 3 high findings, then 11 of the 22 medium rules; the other 11 medium,
    # 2 low and 1 info rules are counted.
    assert len(re.findall(r"^ +\S+\.(py|go|ts):\d+ *$", security, flags=re.M)) == 15
    assert "… and 14 more rules with 14 findings" in security
    assert "\nLOW " not in security


def test_text_smells_duplicates_tests() -> None:
    output = text(sample_report())

    assert _line_with(output, "py.bare-except", "4", "shop/api.py:40")
    assert "shop/orders/service.py:12" in output
    assert "shop/tasks.py:9" not in output  # the fourth place is counted, not listed
    assert "… and 1 more" in output
    assert output.index("py.bare-except") < output.index("py.print-debugging")
    assert "2 blocks, 84 duplicated lines" in output
    assert _line_with(output, "24", "2", "shop/orders/export.py:10-33")
    assert (
        "62 test files, 10,800 test code lines for 24,000 source code lines (ratio 0.45)"
        in " ".join(output.split())
    )


def test_text_patterns_and_skills_use_titles_when_given() -> None:
    with_titles = " ".join(text(sample_report(), titles=SKILL_TITLES).split())
    without = " ".join(text(sample_report()).split())

    # A suggested skill shows its title, with its id on the line below.
    assert "SQL injection 9.5 py.sql-injection, pattern:raw-sql security.sql-injection" in (
        with_titles
    )
    assert "→ Testing with pytest (testing.pytest-basics)" in with_titles
    assert "skill.without-title" in with_titles
    assert "py.sql-injection, pattern:raw-sql" in with_titles
    assert "SQL injection (" not in without
    assert "security.sql-injection" in without
    assert "pytest tests 410 62 tests/test_orders.py:1" in without


@pytest.mark.parametrize("width", [80, 100])
def test_text_fits_the_terminal(width: int) -> None:
    for report in (sample_report(), hostile_report()):
        output = text(report, width=width, titles=SKILL_TITLES)
        widest = max(len(line) for line in output.splitlines())
        assert widest <= width


def test_text_prints_hostile_content_literally() -> None:
    output = text(hostile_report(), width=200, titles=HOSTILE_SKILL_TITLES)

    assert f"DevMentor analysis: {SCRIPT} {RICH} {PIPES}" in output
    assert f"Py{RICH} (of 12 languages)" in output
    assert f"py.{RICH}" in output
    assert f"Title {SCRIPT} {RICH} {PIPES} (skill.{SCRIPT})" in output
    assert TICKS in output
    # Terminal controls are shown as escapes, never sent to the terminal.
    assert "\x1b" not in output
    assert "\\x1b[2J\\x1b[31mred" in output
    assert "\u202e" not in output
    assert "\u2066" not in output
    assert "admin\\u202e\\u2066" in output


def test_text_hostile_content_sends_no_escape_sequence_to_a_colour_terminal() -> None:
    output = text(hostile_report(), width=200, colour=True)

    assert "\x1b[" in output  # colours are on...
    assert "\x1b[2J" not in output  # ...but the report's own sequences are not
    assert "\x1b[31mred" not in output
    assert f"py.{RICH}" in output  # and its markup is text, not style


def test_text_empty_report() -> None:
    output = text(empty_report())

    assert "none (of 0 languages)" in output
    assert "No source files were analysed." in output
    assert "None detected." in output
    assert "No hot spots" in output
    assert "No security findings." in output
    assert "No code smells found." in output
    assert "No duplicated blocks found." in output
    assert "No tests found." in output
    assert "No patterns recognised." in output
    assert "No skills to suggest" in output
    assert "Not analysed" not in output


# -- Markdown -----------------------------------------------------------------------------


def _cells(row: str) -> list[str]:
    """A GFM table row's cells: split on pipes that no backslash escapes."""
    cells, current, escaped = [], "", False
    for char in row.strip()[1:-1]:
        if escaped:
            current += char
            escaped = False
        elif char == "\\":
            current += char
            escaped = True
        elif char == "|":
            cells.append(current)
            current = ""
        else:
            current += char
    cells.append(current)
    return [cell.strip() for cell in cells]


def _tables(markdown: str) -> list[list[list[str]]]:
    tables: list[list[list[str]]] = []
    current: list[list[str]] = []
    for line in [*markdown.splitlines(), ""]:
        if line.startswith("|"):
            assert line.endswith("|"), line
            current.append(_cells(line))
        elif current:
            tables.append(current)
            current = []
    return tables


def _rendered(markdown: str) -> str:
    """The Markdown as a GFM renderer shows it (markdown-it-py, which Rich depends on)."""
    html: str = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(markdown)
    return html


def _row(markdown: str, first_cell: str) -> list[str]:
    for table in _tables(markdown):
        for row in table:
            if row[0] == first_cell:
                return row
    raise AssertionError(f"no row starting with {first_cell!r}")


@pytest.mark.parametrize("make", [sample_report, hostile_report, empty_report])
def test_markdown_tables_have_consistent_columns(make: Callable[[], AnalysisReport]) -> None:
    markdown = render_markdown(make(), skill_titles=SKILL_TITLES)

    tables = _tables(markdown)
    assert tables
    for table in tables:
        header, delimiter, *_ = table
        assert all(re.fullmatch(r"-{3,}:?", cell) for cell in delimiter), delimiter
        assert {len(row) for row in table} == {len(header)}, table
    # The same holds for what a GFM renderer makes of it.
    html = _rendered(markdown)
    for rendered in re.findall(r"<table>.*?</table>", html, flags=re.S):
        headers = len(re.findall(r"<th[ >]", rendered))
        for body_row in re.findall(r"<tbody>.*?</tbody>", rendered, flags=re.S):
            for row in re.findall(r"<tr>.*?</tr>", body_row, flags=re.S):
                assert len(re.findall(r"<td[ >]", row)) == headers


def test_markdown_sections_and_figures() -> None:
    markdown = render_markdown(sample_report(), skill_titles=SKILL_TITLES)

    assert markdown.startswith("# DevMentor analysis: acme/shop\n")
    positions = [markdown.index(f"\n## {section}\n") for section in ["Summary", *SECTIONS]]
    assert positions == sorted(positions)
    assert _row(markdown, "Files") == ["Files", "397 files (153 skipped)"]
    assert _row(markdown, "Commit") == ["Commit", "1a2b3c4d5e6f on main"]
    assert _row(markdown, "Python") == ["Python", "programming", "180", "31,000", "24,000", "60.0%"]
    assert _row(markdown, "4 others") == ["4 others", "mixed", "17", "1,316", "1,020", "1.8%"]
    assert _row(markdown, "Django")[3] == "&gt;=5.0,&lt;6"
    assert _row(markdown, "very high") == ["very high", "&gt; 50", "2"]
    assert _row(markdown, "shop/orders/service.py:140-260") == [
        "shop/orders/service.py:140-260",
        "OrderService.checkout",
        "54",
        "101",
        "6",
        "very high",
    ]
    assert _row(markdown, "Critical") == ["Critical", "High", "Medium", "Low", "Info"]
    headings = re.findall(r"^### (\w+) \((\d+)\)$", markdown, flags=re.M)
    assert headings == [
        ("Critical", "1"),
        ("High", "3"),
        ("Medium", "2"),
        ("Low", "2"),
        ("Info", "1"),
    ]
    sql = _row(markdown, "shop/orders/repository.py:88")
    assert sql[1] == "py.sql-injection"
    assert sql[2].startswith("**SQL built from strings**: The query is built")
    assert sql[4:] == ["CWE-89", "high", "devmentor"]
    assert _row(markdown, "py.bare-except") == [
        "py.bare-except",
        "Bare except",
        "medium",
        "4",
        "shop/api.py:40, shop/cache.py:77, shop/orders/service.py:12, and 1 more",
    ]
    assert _row(markdown, "62") == ["62", "10,800", "24,000", "0.45", "pytest, vitest"]
    assert _row(markdown, "SQL injection (security.sql-injection)") == [
        "SQL injection (security.sql-injection)",
        "9.5",
        "py.sql-injection, pattern:raw-sql",
    ]
    assert _row(markdown, "vendored") == ["vendored", "120"]


def test_markdown_caps_security_findings() -> None:
    markdown = render_markdown(_many_findings(120))

    assert "… and 29 more security findings (see the JSON report)." in markdown
    assert markdown.count("shop/payments/client.py:") == 100 - 4


def test_markdown_escapes_hostile_content() -> None:
    markdown = render_markdown(hostile_report(), skill_titles=HOSTILE_SKILL_TITLES)

    assert "<" not in markdown
    assert ">" not in markdown
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markdown
    assert "\\[bold red\\]x\\[/\\]" in markdown
    assert "\\| pipes \\|" in markdown
    assert re.search(r"(?<!\\)`", markdown) is None  # every backtick is escaped
    assert "\x1b" not in markdown
    assert "\u202e" not in markdown

    html = _rendered(markdown)
    assert "<script" not in html.lower()
    assert "<b>" not in html
    assert "<code>" not in html  # no backtick opened a code span
    assert "<a " not in html  # no bracket made a link
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert f"<td>{RICH}</td>" in html  # a framework's category
    assert f"<td>{PIPES}</td>" in html  # and its ecosystem
    assert "``code`` and `more`" in html


def test_markdown_empty_report() -> None:
    markdown = render_markdown(empty_report())

    for sentence in (
        "No source files were analysed.",
        "No hot spots: no function is above CCN 10.",
        "No security findings.",
        "No code smells found.",
        "No duplicated blocks found.",
        "No tests found.",
        "No patterns recognised.",
        "No skills to suggest from this repository.",
    ):
        assert f"\n{sentence}\n" in markdown
    assert "## Not analysed" not in markdown


# -- HTML ---------------------------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
#: Elements that do not break a line of text (their tags add no space to the page's text).
INLINE = {"wbr", "span", "strong", "em", "code", "a", "b", "i"}
#: Attributes that can make a browser fetch or navigate.
URL_ATTRIBUTES = {
    "href",
    "src",
    "srcset",
    "action",
    "formaction",
    "poster",
    "data",
    "xlink:href",
    "background",
    "cite",
    "ping",
}


class StrictPage(HTMLParser):
    """Parses a page, failing on any unbalanced tag, and keeps what the tests look at."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.styles: list[str] = []
        self.doctype = ""

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in INLINE:
            self.text.append(" ")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag not in INLINE:
            self.text.append(" ")
        assert self.stack, f"</{tag}> closes nothing"
        opened = self.stack.pop()
        assert opened == tag, f"</{tag}> closes <{opened}>"

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1] == "style":
            self.styles.append(data)
        else:
            self.text.append(data)

    def all_text(self) -> str:
        return " ".join("".join(self.text).split())

    def find(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [
            found
            for name, found in self.tags
            if name == tag and all(found.get(key) == value for key, value in attrs.items())
        ]


def parse(page: str) -> StrictPage:
    parser = StrictPage()
    parser.feed(page)
    parser.close()
    assert parser.stack == [], f"unclosed: {parser.stack}"
    return parser


def _assert_self_contained(parsed: StrictPage) -> None:
    assert parsed.find("script") == []
    for tag, attrs in parsed.tags:
        assert tag not in {"iframe", "object", "embed", "img", "link", "base", "form", "image"}
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            if name in URL_ATTRIBUTES:
                assert str(value).startswith("#"), (tag, name, value)
            if name == "style":
                raise AssertionError(f"inline style attribute on <{tag}>")
    css = "".join(parsed.styles)
    assert css
    for needle in ("url(", "@import", "http:", "https:", "//", "expression("):
        assert needle not in css


@pytest.mark.parametrize("make", [sample_report, hostile_report, empty_report])
def test_html_is_one_well_formed_self_contained_page(make: Callable[[], AnalysisReport]) -> None:
    page = render_html(make(), skill_titles=SKILL_TITLES)

    parsed = parse(page)
    assert parsed.doctype.lower() == "doctype html"
    assert parsed.find("html")[0]["lang"] == "en"
    assert parsed.find("meta", name="viewport")
    assert parsed.find("meta", **{"http-equiv": "Content-Security-Policy"})[0]["content"] == CSP
    assert "default-src 'none'" in CSP
    assert len(parsed.find("h1")) == 1
    _assert_self_contained(parsed)


def test_html_sections_and_figures() -> None:
    parsed = parse(render_html(sample_report(), skill_titles=SKILL_TITLES))
    words = parsed.all_text()

    for ident in ("summary", "languages", "frameworks", "complexity", "security", "smells"):
        assert parsed.find("section", id=ident), ident
    for ident in ("duplicates", "tests", "patterns", "skills", "skipped"):
        assert parsed.find("section", id=ident), ident
    for anchor in parsed.find("a"):
        target = str(anchor["href"]).removeprefix("#")
        assert parsed.find("section", id=target), anchor
    assert "Files 397 files (153 skipped)" in words
    assert "Commit 1a2b3c4d5e6f on main" in words
    assert "Security findings 9 (1 critical, 3 high, 2 medium, 2 low, 1 info)" in words
    assert "Python programming 180 31,000 24,000 60.0%" in words
    assert "4 others mixed 17 1,316 1,020 1.8%" in words
    assert "Django pypi web >=5.0,<6 64 files pyproject.toml" in words
    assert "very high > 50 2" in words
    assert "OrderService.checkout shop/orders/service.py:140-260 54 101 6 very high" in words
    assert "critical 1 finding" in words
    assert "high 3 findings" in words
    assert (
        "shop/orders/repository.py:88 py.sql-injection SQL built from strings: The query" in words
    )
    assert "CWE-89 · high confidence · reported by devmentor" in words
    assert 'cursor.execute(f"SELECT * FROM orders WHERE id = {order_id}")' in words
    assert "Bare except medium py.bare-except 4 shop/api.py:40, shop/cache.py:77" in words
    assert "2 blocks of repeated code, 84 duplicated lines in all." in words
    assert "Test lines per source line 0.45" in words
    assert "SQL injection (security.sql-injection) 9.5 py.sql-injection" in words
    assert "Testing with pytest (testing.pytest-basics)" in words
    assert "vendored 120" in words
    assert "shop/generated_parser.py lizard timed out" in words
    # Security groups come most severe first.
    groups = [attrs["id"] for attrs in parsed.find("h3") if attrs.get("id")]
    assert groups == [f"security-{sev}" for sev in ("critical", "high", "medium", "low", "info")]


def test_html_charts_are_labelled_svg() -> None:
    page = render_html(sample_report())
    parsed = parse(page)

    charts = {str(attrs["id"]): attrs for attrs in parsed.find("svg") if attrs.get("id")}
    assert set(charts) == {
        "chart-languages",
        "chart-complexity",
        "chart-security",
        "chart-hot-spots",
    }
    for ident, attrs in charts.items():
        assert attrs["role"] == "img"
        assert attrs["aria-labelledby"] == f"{ident}-title {ident}-desc"
        assert parsed.find("title", id=f"{ident}-title")
        assert parsed.find("desc", id=f"{ident}-desc")
        assert re.fullmatch(r"0 0 \d+ \d+", str(attrs["viewbox"]))
    words = parsed.all_text()
    # Every bar says its number in words too: colour is never the only carrier.
    assert "Python 60.0%" in words
    assert "TypeScript 22.5%" in words
    assert "1,250 low CCN 1-10" in words
    assert "CCN 54, very high" in words
    assert "OrderService.checkout · shop/orders/service.py:140" in words
    security = page[page.index('id="chart-security"') :]
    security = security[: security.index("</svg>")]
    labels = re.findall(r"<text [^>]*>([^<]*)</text>", security)
    assert labels == ["Critical", "1", "High", "3", "Medium", "2", "Low", "2", "Info", "1"]
    # Bars are as long as their values say: high (3) is three times critical (1).
    widths = [
        float(w) for w in re.findall(r'<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)"', security)
    ]
    assert widths[1] == pytest.approx(3 * widths[0], abs=0.2)


def test_html_escapes_hostile_content() -> None:
    page = render_html(hostile_report(), skill_titles=HOSTILE_SKILL_TITLES)

    assert "<script" not in page.lower()
    assert "<b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "\x1b" not in page
    assert "\u202e" not in page
    parsed = parse(page)
    _assert_self_contained(parsed)
    words = parsed.all_text()
    assert f"DevMentor analysis: {SCRIPT} {RICH} {PIPES}" in words
    assert f'Found {SCRIPT} and {RICH} with {PIPES} and {TICKS} & "quotes" <b>bold</b>' in words
    assert f"Title {SCRIPT} {RICH} {PIPES} (skill.{SCRIPT})" in words
    assert "admin\\u202e\\u2066" in words
    assert parsed.find("title")  # the page title is text, not markup
    assert f"DevMentor analysis: {SCRIPT}" in words
    # Hostile lines are cut, not carried whole into the page.
    assert "x" * 3000 not in page


def test_html_caps_security_findings() -> None:
    words = parse(render_html(_many_findings(230))).all_text()

    assert "… and 39 more security findings (see the JSON report)." in words


def test_html_empty_report_has_no_charts() -> None:
    parsed = parse(render_html(empty_report()))
    words = parsed.all_text()

    assert [attrs for attrs in parsed.find("svg") if attrs.get("class") == "chart"] == []
    assert "No security findings." in words
    assert "No tests found." in words
    assert "Summary" in words
    assert not parsed.find("section", id="skipped")


def test_renderers_accept_findings_outside_the_usual_order() -> None:
    report = sample_report()
    shuffled = report.model_copy(update={"security": list(reversed(report.security))})

    assert text(shuffled) == text(report)
    assert render_markdown(shuffled) == render_markdown(report)
    assert render_html(shuffled) == render_html(report)
