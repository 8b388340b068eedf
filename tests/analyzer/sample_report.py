"""Hand-built analysis reports for renderer tests.

:func:`sample_report` looks like a real mid-sized web shop (Python, TypeScript, Go, SQL,
and a long tail of small languages); :func:`hostile_report` puts markup, Markdown, Rich
markup, terminal escapes and very long lines wherever report content can go;
:func:`empty_report` is a repository with nothing in it.
"""

from __future__ import annotations

from devmentor.analyzer.model import (
    AnalysisReport,
    CodeLocation,
    ComplexityStats,
    DuplicateBlock,
    Finding,
    Framework,
    HotSpot,
    LanguageStats,
    Pattern,
    PatternExample,
    RunStats,
    Severity,
    SkippedFile,
    SkipStats,
    SourceInfo,
    SuggestedSkill,
    Summary,
    TestStats,
)

SKILL_TITLES = {
    "security.sql-injection": "SQL injection",
    "security.command-injection": "OS command injection",
    "security.unsafe-deserialization": "Unsafe deserialization",
    "design.complexity-and-refactoring": "Complexity and refactoring",
    "errors.exceptions-basics": "Exceptions in Python",
    "python.async-await": "async and await with asyncio",
    "testing.pytest-basics": "Testing with pytest",
    "javascript.equality-and-types": "JavaScript equality, types and coercion",
}

SCRIPT = "<script>alert(1)</script>"
RICH = "[bold red]x[/]"
PIPES = "| pipes |"
TICKS = "``code`` and `more`"


def _lang(name: str, kind: str, files: int, code: int, share: float) -> LanguageStats:
    comment = code // 8
    blank = code // 6
    return LanguageStats(
        name=name,
        kind=kind,
        files=files,
        lines=code + comment + blank,
        code=code,
        comment=comment,
        blank=blank,
        share=share,
    )


def _security(
    rule: str,
    title: str,
    severity: Severity,
    path: str,
    line: int,
    message: str,
    *,
    cwe: int | None = None,
    tool: str = "devmentor",
    confidence: str = "high",
    snippet: str | None = None,
    skills: tuple[str, ...] = (),
) -> Finding:
    return Finding(
        rule=rule,
        category="security",
        title=title,
        message=message,
        severity=severity,
        confidence=confidence,
        cwe=cwe,
        tool=tool,
        path=path,
        line=line,
        snippet=snippet,
        skill_ids=list(skills),
    )


def _smell(rule: str, title: str, path: str, line: int, severity: Severity = "low") -> Finding:
    return Finding(
        rule=rule,
        category="smell",
        title=title,
        message=f"{title} here makes the code harder to follow.",
        severity=severity,
        confidence="high",
        tool="devmentor",
        path=path,
        line=line,
    )


SECURITY_FINDINGS = [
    _security(
        "secret.aws-access-key",
        "AWS access key",
        "critical",
        "deploy/settings.py",
        12,
        "An AWS access key is written in the source, so anyone who can read the code can use it.",
        cwe=798,
        tool="detect-secrets",
    ),
    _security(
        "py.sql-injection",
        "SQL built from strings",
        "high",
        "shop/orders/repository.py",
        88,
        "The query is built by formatting user input into SQL, which lets it change the query.",
        cwe=89,
        snippet='cursor.execute(f"SELECT * FROM orders WHERE id = {order_id}")',
        skills=("security.sql-injection",),
    ),
    _security(
        "bandit.B602",
        "subprocess with shell=True",
        "high",
        "shop/tools/export.py",
        41,
        "A shell runs a command built from a variable, so a crafted value can run other commands.",
        cwe=78,
        tool="bandit",
        snippet="subprocess.run(cmd, shell=True)",
        skills=("security.command-injection",),
    ),
    _security(
        "py.unsafe-deserialization",
        "pickle on untrusted data",
        "high",
        "shop/cache.py",
        23,
        "Unpickling data that came from outside can run arbitrary code.",
        cwe=502,
        confidence="medium",
        snippet="return pickle.loads(blob)",
        skills=("security.unsafe-deserialization",),
    ),
    _security(
        "py.requests-no-timeout",
        "HTTP request without a timeout",
        "medium",
        "shop/payments/client.py",
        57,
        "This request has no timeout, so a slow server can hang the worker forever.",
        cwe=400,
        snippet="resp = requests.post(url, json=payload)",
    ),
    _security(
        "js.inner-html",
        "innerHTML assignment",
        "medium",
        "web/src/components/Cart.ts",
        19,
        "Setting innerHTML from data can run injected markup as script.",
        cwe=79,
        snippet="el.innerHTML = item.description;",
    ),
    _security(
        "bandit.B101",
        "assert used",
        "low",
        "shop/orders/service.py",
        130,
        "An assert is removed under python -O, so this check disappears in production.",
        cwe=703,
        tool="bandit",
        confidence="high",
    ),
    _security(
        "go.weak-random",
        "math/rand for a token",
        "low",
        "services/notify/token.go",
        14,
        "math/rand is predictable, so a token made with it can be guessed.",
        cwe=338,
        confidence="low",
    ),
    _security(
        "py.debug-enabled",
        "Debug mode on",
        "info",
        "shop/settings/dev.py",
        3,
        "Debug mode is on in this settings file; make sure it never reaches production.",
    ),
]

SMELLS = [
    *(
        _smell("py.bare-except", "Bare except", f"shop/{name}.py", line, "medium")
        for name, line in [("api", 40), ("cache", 77), ("orders/service", 12), ("tasks", 9)]
    ),
    *(
        _smell("py.print-debugging", "print() left in code", f"shop/{name}.py", line)
        for name, line in [("api", 101), ("tasks", 55)]
    ),
    _smell("js.loose-equality", "Loose equality", "web/src/util/money.ts", 8),
    _smell("py.mutable-default-arg", "Mutable default argument", "shop/cart.py", 31, "medium"),
]

HOT_SPOTS = [
    HotSpot(
        path="shop/orders/service.py",
        function="OrderService.checkout",
        line=140,
        end_line=260,
        ccn=54,
        nloc=101,
        params=6,
        risk="very high",
    ),
    HotSpot(
        path="shop/pricing.py",
        function="compute_discount",
        line=12,
        end_line=90,
        ccn=27,
        nloc=66,
        params=4,
        risk="high",
    ),
    HotSpot(
        path="web/src/components/Cart.ts",
        function="renderCart",
        line=30,
        end_line=80,
        ccn=14,
        nloc=44,
        params=2,
        risk="moderate",
    ),
    HotSpot(
        path="services/notify/main.go",
        function="handleEvent",
        line=22,
        end_line=61,
        ccn=12,
        nloc=35,
        params=3,
        risk="moderate",
    ),
]

LANGUAGES = [
    _lang("Python", "programming", 180, 24000, 0.60),
    _lang("TypeScript", "programming", 95, 9000, 0.225),
    _lang("Go", "programming", 20, 3000, 0.075),
    _lang("SQL", "programming", 14, 1600, 0.04),
    _lang("JavaScript", "programming", 10, 1000, 0.025),
    _lang("Shell", "programming", 6, 600, 0.015),
    _lang("Java", "programming", 4, 400, 0.01),
    _lang("Dockerfile", "programming", 3, 200, 0.005),
    _lang("Makefile", "programming", 2, 120, 0.003),
    _lang("YAML", "data", 30, 900, 0.0),
    _lang("Markdown", "prose", 25, 1500, 0.0),
    _lang("HTML", "markup", 8, 300, 0.0),
]


def sample_report() -> AnalysisReport:
    """A realistic report: every section has content, every severity is present."""
    return AnalysisReport(
        analyzer_version="0.7.0",
        generated_at="2025-05-04T10:20:30Z",
        source=SourceInfo(
            input="https://github.com/acme/shop.git",
            kind="git",
            name="acme/shop",
            commit="1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b",
            branch="main",
        ),
        summary=Summary(
            files=397,
            lines=sum(lang.lines for lang in LANGUAGES),
            code_lines=sum(lang.code for lang in LANGUAGES),
            languages=len(LANGUAGES),
            primary_language="Python",
            functions=1320,
            hot_spots=len(HOT_SPOTS),
            smells=len(SMELLS),
            security={"critical": 1, "high": 3, "medium": 2, "low": 2, "info": 1},
            duplicated_lines=84,
            test_ratio=0.45,
        ),
        languages=LANGUAGES,
        frameworks=[
            Framework(
                name="Django",
                category="web",
                ecosystem="pypi",
                version=">=5.0,<6",
                manifests=["pyproject.toml"],
                imported_by=64,
            ),
            Framework(
                name="pytest",
                category="testing",
                ecosystem="pypi",
                manifests=["pyproject.toml"],
                imported_by=41,
            ),
            Framework(
                name="React",
                category="ui",
                ecosystem="npm",
                version="^18.3.1",
                manifests=["web/package.json"],
                imported_by=37,
            ),
            Framework(name="gin", category="web", ecosystem="go", imported_by=5),
        ],
        complexity=ComplexityStats(
            functions=1320,
            average_ccn=3.4,
            max_ccn=54,
            bands={"low": 1250, "moderate": 52, "high": 16, "very high": 2},
            hot_spots=HOT_SPOTS,
        ),
        smells=SMELLS,
        security=SECURITY_FINDINGS,
        duplicates=[
            DuplicateBlock(
                lines=24,
                locations=[
                    CodeLocation(path="shop/orders/export.py", line=10, end_line=33),
                    CodeLocation(path="shop/invoices/export.py", line=14, end_line=37),
                ],
            ),
            DuplicateBlock(
                lines=12,
                locations=[
                    CodeLocation(path="web/src/util/money.ts", line=3, end_line=14),
                    CodeLocation(path="web/src/util/price.ts", line=5, end_line=16),
                    CodeLocation(path="web/src/legacy/price.js", line=40, end_line=51),
                ],
            ),
        ],
        tests=TestStats(
            has_tests=True,
            test_files=62,
            test_code_lines=10800,
            source_code_lines=24000,
            ratio=0.45,
            frameworks=["pytest", "vitest"],
        ),
        patterns=[
            Pattern(
                id="pattern:async-await",
                title="async / await",
                count=140,
                files=33,
                examples=[PatternExample(path="shop/api.py", line=18)],
                skill_ids=["python.async-await"],
            ),
            Pattern(
                id="pattern:pytest",
                title="pytest tests",
                count=410,
                files=62,
                examples=[PatternExample(path="tests/test_orders.py", line=1)],
                skill_ids=["testing.pytest-basics"],
            ),
            Pattern(
                id="pattern:strict-equality",
                title="Strict equality",
                count=75,
                files=21,
                examples=[PatternExample(path="web/src/util/money.ts", line=9)],
                skill_ids=["javascript.equality-and-types"],
            ),
        ],
        suggested_skills=[
            SuggestedSkill(
                skill_id="security.sql-injection",
                score=9.5,
                reasons=["py.sql-injection", "pattern:raw-sql"],
            ),
            SuggestedSkill(
                skill_id="design.complexity-and-refactoring",
                score=7.25,
                reasons=["py.complex-function", "pattern:cyclomatic-complexity"],
            ),
            SuggestedSkill(
                skill_id="errors.exceptions-basics", score=4.0, reasons=["py.bare-except"]
            ),
            SuggestedSkill(skill_id="skill.without-title", score=1.0, reasons=["py.global"]),
        ],
        skipped=SkipStats(
            counts={"vendored": 120, "binary": 31, "too large": 2},
            examples=[
                SkippedFile(path="web/node_modules/react/index.js", reason="vendored"),
                SkippedFile(path="static/logo.png", reason="binary"),
            ],
            partial=[SkippedFile(path="shop/generated_parser.py", reason="lizard timed out")],
        ),
        run=RunStats(duration_seconds=4.2, files_analyzed=397, files_from_cache=310, workers=4),
    )


def empty_report() -> AnalysisReport:
    """An empty directory's report: nothing found anywhere."""
    return AnalysisReport(
        analyzer_version="0.7.0",
        generated_at="2025-05-04T10:20:30Z",
        source=SourceInfo(input="/home/dev/empty", kind="local", name="empty"),
        summary=Summary(
            files=0,
            lines=0,
            code_lines=0,
            languages=0,
            primary_language=None,
            functions=0,
            hot_spots=0,
            smells=0,
            security={},
            duplicated_lines=0,
            test_ratio=0.0,
        ),
        languages=[],
        frameworks=[],
        complexity=ComplexityStats(functions=0, average_ccn=0.0, max_ccn=0, bands={}, hot_spots=[]),
        smells=[],
        security=[],
        duplicates=[],
        tests=TestStats(
            has_tests=False, test_files=0, test_code_lines=0, source_code_lines=0, ratio=0.0
        ),
        patterns=[],
        suggested_skills=[],
        skipped=SkipStats(),
        run=RunStats(duration_seconds=0.05, files_analyzed=0, files_from_cache=0, workers=1),
    )


LONG = "x" * 3000
#: Every hostile string the renderers must show as text.
HOSTILE = {
    "script": SCRIPT,
    "rich": RICH,
    "pipes": PIPES,
    "ticks": TICKS,
    "escape": "\x1b[2J\x1b[31mred",
    "bidi": "admin\u202e\u2066 ",
}


def hostile_report() -> AnalysisReport:
    """Markup, Markdown, Rich markup and terminal escapes in every piece of content."""
    base = sample_report()
    path = f"src/{SCRIPT}/{RICH}/{PIPES}/{TICKS}.py"
    message = f'Found {SCRIPT} and {RICH} with {PIPES} and {TICKS} & "quotes" <b>bold</b>'
    snippet = f"x = '{SCRIPT}'  # {RICH} {PIPES}\n{LONG}\n\x1b[2Jclear"
    hostile_finding = Finding(
        rule=f"py.{SCRIPT}",
        category="security",
        title=f"Title {SCRIPT} {RICH}",
        message=message + " " + LONG,
        severity="critical",
        confidence="high",
        cwe=79,
        tool="devmentor",
        path=path,
        line=7,
        snippet=snippet,
        skill_ids=[f"skill.{SCRIPT}"],
    )
    smell = Finding(
        rule=f"py.{RICH}",
        category="smell",
        title=f"Smell {PIPES} {TICKS}",
        message=message,
        severity="low",
        confidence="high",
        tool="devmentor",
        path=path + HOSTILE["escape"] + HOSTILE["bidi"],
        line=3,
    )
    return base.model_copy(
        update={
            "source": SourceInfo(
                input=f"/srv/{SCRIPT}/{RICH}",
                kind="local",
                name=f"{SCRIPT} {RICH} {PIPES}",
                branch=f"{RICH}\nnewline",
            ),
            "generated_at": f"{SCRIPT}",
            "summary": base.summary.model_copy(
                update={
                    "security": {**base.summary.security, "critical": 2},
                    "smells": len(base.smells) + 1,
                    "hot_spots": len(base.complexity.hot_spots) + 1,
                    "primary_language": f"Py{RICH}",
                }
            ),
            "languages": [
                *base.languages,
                _lang(f"Lang{SCRIPT}", "programming", 1, 10, 0.001),
                _lang(f"{RICH}{PIPES}", "data", 1, 10, 0.0),
            ],
            "frameworks": [
                Framework(
                    name=f"fw{SCRIPT}",
                    category=RICH,
                    ecosystem=PIPES,
                    version=TICKS,
                    manifests=[path],
                    imported_by=1,
                )
            ],
            "complexity": base.complexity.model_copy(
                update={
                    "hot_spots": [
                        HotSpot(
                            path=path,
                            function=f"fn_{SCRIPT}_{RICH}_{PIPES}_{LONG}",
                            line=1,
                            end_line=400,
                            ccn=99,
                            nloc=390,
                            params=2,
                            risk="very high",
                        ),
                        *base.complexity.hot_spots,
                    ]
                }
            ),
            "security": [hostile_finding, *base.security],
            "smells": [smell, *base.smells],
            "duplicates": [
                DuplicateBlock(
                    lines=5,
                    locations=[
                        CodeLocation(path=path, line=1, end_line=5),
                        CodeLocation(path=LONG, line=9, end_line=13),
                    ],
                )
            ],
            "tests": base.tests.model_copy(update={"frameworks": [SCRIPT, RICH]}),
            "patterns": [
                Pattern(
                    id=f"pattern:{RICH}",
                    title=f"Pattern {SCRIPT} {PIPES}",
                    count=3,
                    files=1,
                    examples=[PatternExample(path=path, line=2)],
                    skill_ids=[f"skill.{SCRIPT}"],
                )
            ],
            "suggested_skills": [
                SuggestedSkill(skill_id=f"skill.{SCRIPT}", score=3.0, reasons=[RICH, PIPES])
            ],
            "skipped": SkipStats(
                counts={f"reason {SCRIPT}": 1},
                partial=[SkippedFile(path=path, reason=f"{RICH} failed")],
            ),
        }
    )


#: Titles that are themselves hostile (a curriculum is data too).
HOSTILE_SKILL_TITLES = {f"skill.{SCRIPT}": f"Title {SCRIPT} {RICH} {PIPES}"}
