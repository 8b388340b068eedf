"""One file's analysis: line counts, merged findings, and surviving hostile content."""

from __future__ import annotations

import pytest

from devmentor.analyzer.engine import FileTask, _merge, analyze_file
from devmentor.analyzer.model import RawFinding


def run(path: str, text: str | bytes, language: str = "Python", *, is_test: bool = False):  # type: ignore[no-untyped-def]
    data = text.encode() if isinstance(text, str) else text
    return analyze_file(FileTask(path, language, is_test, data))


def test_line_counts_for_a_python_file() -> None:
    result = run(
        "app.py",
        '"""Docs."""\n\n# a comment\nimport os\n\n\ndef f(x):\n    return os.sep + x  # trailing\n',
    )
    assert (result.lines, result.blank) == (8, 3)
    assert result.code == 3  # the docstring counts as code for lizard; comments do not
    assert result.comment == 2
    assert [f.name for f in result.functions] == ["f"]
    assert result.imports == ["os"]


def test_line_counts_for_a_language_without_lizard() -> None:
    result = run("deploy.sh", "#!/bin/sh\n# deploy\n\nset -e\necho done\n", "Shell")
    assert (result.lines, result.blank, result.comment, result.code) == (5, 1, 2, 2)
    assert result.functions == []


def test_findings_carry_their_line_and_snippet_but_secrets_do_not() -> None:
    result = run(
        "settings.py",
        "import yaml\n\n\ndef load(text):\n    return yaml.load(text)\n\n"
        'AWS_KEY = "AKIAIOSFODNN7EXAMPLE"\n',
    )
    by_rule = {f.rule: f for f in result.findings}
    yaml_finding = by_rule["py.yaml-unsafe-load"]
    assert yaml_finding.line == 5
    assert yaml_finding.snippet == "return yaml.load(text)"
    assert yaml_finding.cwe == 502
    secret = by_rule["secret.aws-access-key"]
    assert secret.snippet is None
    assert "AKIA" not in secret.message


def test_two_tools_on_one_weakness_become_one_finding() -> None:
    result = run(
        "jobs.py",
        "import subprocess\n\n\ndef run(cmd):\n    subprocess.call(cmd, shell=True)\n",
    )
    at_five = [f for f in result.findings if f.line == 5 and f.cwe == 78]
    assert len(at_five) == 1
    assert at_five[0].tool == "devmentor"
    assert any(rule.startswith("bandit.") for rule in at_five[0].also_reported_by)


def test_merge_keeps_the_preferred_tool_and_distinct_weaknesses() -> None:
    findings = [
        RawFinding(
            rule="bandit.B608", line=3, message="b", severity="medium", cwe=89, tool="bandit"
        ),
        RawFinding(rule="py.sql-injection", line=3, message="d", severity="high", cwe=89),
        RawFinding(rule="py.sql-injection", line=3, message="again", severity="high", cwe=89),
        RawFinding(rule="py.bare-except", line=3, message="e", severity="low"),
        RawFinding(
            rule="bandit.B608", line=9, message="b", severity="medium", cwe=89, tool="bandit"
        ),
    ]
    merged = _merge(findings)
    assert [(f.rule, f.line, f.also_reported_by) for f in merged] == [
        ("py.sql-injection", 3, ["bandit.B608"]),
        ("py.bare-except", 3, []),
        ("bandit.B608", 9, []),
    ]


def test_rules_meant_for_production_code_stay_quiet_in_tests() -> None:
    source = "def check(value):\n    assert value > 0\n    print(value)\n    return value\n"
    in_code = {f.rule for f in run("shop/check.py", source).findings}
    in_tests = {f.rule for f in run("tests/test_check.py", source, is_test=True).findings}
    assert {"py.assert-validation", "py.print-debugging"} <= in_code
    assert not in_tests & {"py.assert-validation", "py.print-debugging", "bandit.B101"}


def test_a_very_large_module() -> None:
    source = "".join(f"def f{i}(x):\n    return x + {i}\n\n" for i in range(70))
    rules = [f.rule for f in run("big.py", source).findings]
    assert rules.count("code.god-module") == 1
    small = "".join(f"def f{i}(x):\n    return x + {i}\n\n" for i in range(20))
    assert "code.god-module" not in {f.rule for f in run("small.py", small).findings}


@pytest.mark.parametrize(
    ("name", "data", "language"),
    [
        ("nested.py", b"x = " + b"(" * 5000 + b"1" + b")" * 5000 + b"\n", "Python"),
        ("lists.py", b"x = " + b"[" * 100_000 + b"\n", "Python"),
        ("deep.js", b"a = " + b"{b:" * 20_000 + b"1" + b"}" * 20_000 + b";\n", "JavaScript"),
        ("bytes.py", b"x = '\xff\xfe\xfa'\ndef f(:\n  return \x80\n", "Python"),
        ("nul.py", b"def f():\n    return 1\x00\x00\n", "Python"),
        ("wide.py", b"x = '" + b"a" * 900_000 + b"'\n", "Python"),
        ("empty.py", b"", "Python"),
        ("crlf.ts", b"let a: any = 1;\r\nif (a == 2) {}\r\n", "TypeScript"),
        ("weird.go", b"package main\nfunc main() { go func() { for {} }( }\n", "Go"),
        ("Broken.java", b"class A { void f() { try { } catch (Exception e) { } \n", "Java"),
    ],
)
def test_hostile_content_never_raises(name: str, data: bytes, language: str) -> None:
    result = analyze_file(FileTask(name, language, False, data))
    assert result.lines >= 0
    for error in result.errors:
        assert "\n" not in error
        assert len(error) < 200


def test_undecodable_text_is_noted_and_still_analysed() -> None:
    result = run("latin.py", "x = 'café'\ntry:\n    pass\nexcept:\n    pass\n".encode("latin-1"))
    assert any("UTF-8" in error for error in result.errors)
    assert "py.bare-except" in {f.rule for f in result.findings}


def test_the_published_schema_is_current() -> None:
    import json
    from pathlib import Path

    from devmentor.analyzer.model import report_schema

    published = Path(__file__).parents[2] / "docs" / "analyzer-report.schema.json"
    regenerate = (
        "python -c 'import json; from devmentor.analyzer.model import report_schema; "
        "print(json.dumps(report_schema(), indent=2, sort_keys=True))' "
        "> docs/analyzer-report.schema.json"
    )
    assert json.loads(published.read_text()) == report_schema(), f"regenerate: {regenerate}"
