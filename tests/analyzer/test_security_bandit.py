"""The bandit adapter: same issues as bandit's own driver, faster, never running the code."""

from __future__ import annotations

import ast
import shutil
import sys
import warnings
from pathlib import Path

import pytest

from devmentor.analyzer import accuracy
from devmentor.analyzer.model import RawFinding
from devmentor.analyzer.rules.base import RULES
from devmentor.analyzer.security_bandit import bandit_findings, bandit_rules

CORPUS = Path(__file__).parent / "corpus" / "security_tools"
# accuracy.annotations shares its name with the ``from __future__ import annotations`` feature
# in that module, which confuses mypy; look it up by name.
_annotations = accuracy.read_annotations
REPO = Path(__file__).resolve().parents[2]


def _ids(findings: list[RawFinding]) -> set[tuple[str, int]]:
    return {(finding.rule, finding.line) for finding in findings}


def _run(source: str, *, is_test: bool = False) -> list[RawFinding]:
    findings, errors = bandit_findings("app/module.py", source.encode(), is_test=is_test)
    assert errors == []
    return findings


def _bandit_manager_issues(paths: list[Path]) -> dict[str, set[tuple[str, int]]]:
    """What bandit's own driver (BanditManager) reports, per file."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        from bandit.core import config, manager

        bandit = manager.BanditManager(config.BanditConfig(), "file")
        bandit.discover_files([str(path) for path in paths])
        bandit.run_tests()
    issues: dict[str, set[tuple[str, int]]] = {str(path): set() for path in paths}
    for issue in bandit.get_issue_list():
        issues[issue.fname].add((f"bandit.{issue.test_id}", issue.lineno))
    return issues


def test_same_issues_as_bandits_own_driver(tmp_path: Path) -> None:
    sources = sorted(CORPUS.glob("*.py"))
    sources += sorted((REPO / "src" / "devmentor" / "analyzer").glob("*.py"))[:12]
    copies = []
    for index, source in enumerate(sources):
        copy = tmp_path / f"f{index}_{source.name}"
        shutil.copyfile(source, copy)
        copies.append(copy)
    expected = _bandit_manager_issues(copies)
    assert any(expected.values())
    for copy in copies:
        findings, errors = bandit_findings(copy.name, copy.read_bytes(), is_test=False)
        assert errors == []
        assert _ids(findings) == expected[str(copy)], copy.name


def test_corpus_annotations_hold_for_bandit_rules() -> None:
    checked = 0
    for path in sorted(CORPUS.glob("*.py")):
        findings, errors = bandit_findings(path.name, path.read_bytes(), is_test=False)
        assert errors == []
        notes = _annotations(path.read_text())
        expected = {
            (rule, line)
            for line, kinds in notes.items()
            for rule in kinds.get("expect", ())
            if rule.startswith("bandit.")
        }
        looks_alike = {
            (rule, line)
            for line, kinds in notes.items()
            for rule in kinds.get("ok", ())
            if rule.startswith("bandit.")
        }
        assert _ids(findings) == expected, path.name
        assert not _ids(findings) & looks_alike
        checked += len(expected)
    assert checked > 30


def test_finding_fields() -> None:
    source = (
        "import subprocess\n"
        "\n"
        "def run(name):\n"
        "    return subprocess.run(\n"
        '        f"ls {name}",\n'
        "        shell=True,\n"
        "    )\n"
    )
    by_rule = {finding.rule: finding for finding in _run(source)}
    shell = by_rule["bandit.B602"]
    assert shell.tool == "bandit"
    assert shell.severity == "high"
    assert shell.confidence == "high"
    assert shell.cwe == 78
    assert shell.line == 6  # bandit points at the shell=True argument
    assert shell.end_line == 7
    assert shell.snippet == "shell=True,"
    assert "shell=True" in shell.message
    imported = by_rule["bandit.B404"]
    assert (imported.severity, imported.line, imported.snippet) == ("low", 1, "import subprocess")


def test_snippet_is_cut_at_200_characters() -> None:
    source = "eval(" + " + ".join(["'x'"] * 100) + ")\n"
    (finding,) = _run(source)
    assert finding.rule == "bandit.B307"
    assert finding.snippet is not None
    assert len(finding.snippet) == 200
    assert source.startswith(finding.snippet)


def test_assert_is_not_checked_in_test_files() -> None:
    source = "def check(x):\n    assert x > 0\n"
    assert _ids(_run(source)) == {("bandit.B101", 2)}
    assert _run(source, is_test=True) == []


def test_nosec_comments() -> None:
    command = 'subprocess.Popen("ls -l", shell=True)'
    source = "\n".join(
        [
            "import subprocess  # nosec",
            f"{command}",
            f"{command}  # nosec",
            f"{command}  # nosec B602",
            f"{command}  # nosec B602,B607",
            f"{command}  # nosec: B602, B607 -- reviewed",
            f"{command}  # nosec subprocess_popen_with_shell_equals_true",
            f"{command}  # nosec B999 is not a test",
            "",
        ]
    )
    assert _ids(_run(source)) == {
        ("bandit.B602", 2),
        ("bandit.B607", 2),
        ("bandit.B607", 4),
        ("bandit.B607", 7),
    }


def test_a_shared_tree_is_used_instead_of_parsing_again(monkeypatch: pytest.MonkeyPatch) -> None:
    source = b"import pickle\npickle.loads(data)\n"
    tree = ast.parse(source)

    def no_parse(*args: object, **kwargs: object) -> ast.Module:
        raise AssertionError("parsed again")

    monkeypatch.setattr(ast, "parse", no_parse)
    findings, errors = bandit_findings("m.py", source, is_test=False, tree=tree)
    assert errors == []
    assert _ids(findings) == {("bandit.B403", 1), ("bandit.B301", 2)}


def test_bad_input_gives_errors_not_exceptions() -> None:
    assert bandit_findings("a.py", b"def broken(:\n", is_test=False) == (
        [],
        ["bandit: syntax error at line 1"],
    )
    assert bandit_findings("a.py", b"x = 1\x00\n", is_test=False) == (
        [],
        ["bandit: source contains null bytes"],
    )
    findings, errors = bandit_findings(
        "a.py", ("x = " + "+".join(["a"] * 50_000) + "\n").encode(), is_test=False
    )
    assert (findings, errors) == ([], ["bandit: nesting too deep"])


def test_deep_expressions_that_bandits_recursion_cannot_handle_are_checked() -> None:
    chain = "+".join(["a"] * 1500)  # deeper than Python's default recursion limit
    findings = _run(f"x = {chain}\neval(x)\n")
    assert _ids(findings) == {("bandit.B307", 2)}


def test_the_analysed_code_is_never_imported_or_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    package = tmp_path / "victim_pkg"
    package.mkdir()
    (package / "__init__.py").write_text(f"open({str(marker)!r}, 'w').close()\n")
    module = package / "victim_module.py"
    module.write_text(
        f"open({str(marker)!r}, 'w').close()\nimport os\nos.system('touch {marker}')\n"
    )
    findings, errors = bandit_findings(str(module), module.read_bytes(), is_test=False)
    assert errors == []
    assert ("bandit.B605", 3) in _ids(findings)
    assert not marker.exists()
    assert not any(name.startswith("victim") for name in sys.modules)


def test_rules_cover_every_test_and_blacklist_entry() -> None:
    rules = {rule.id: rule for rule in bandit_rules()}
    for rule_id in ("bandit.B101", "bandit.B602", "bandit.B608", "bandit.B301", "bandit.B403"):
        assert rule_id in rules
        assert RULES[rule_id] == rules[rule_id]
    assert "bandit.B001" not in rules
    assert len(rules) > 70
    for rule in rules.values():
        assert rule.category == "security"
        assert rule.title
        assert rule.description.endswith(".")
        assert rule.cwe is None or rule.cwe > 0
    assert rules["bandit.B602"].tags == ("py.shell-injection", "pattern:subprocess")
    assert rules["bandit.B608"].tags == ("py.sql-injection",)
    assert rules["bandit.B506"].tags == ("py.unsafe-deserialization", "pattern:yaml-loading")
    assert rules["bandit.B301"].tags == ("py.unsafe-deserialization", "pattern:pickle")
    assert rules["bandit.B110"].tags == ("py.swallowed-exception",)
    assert rules["bandit.B113"].tags == ("py.requests-no-timeout",)
    assert rules["bandit.B105"].tags == ("py.hardcoded-secret",)
    assert rules["bandit.B701"].tags == ("pattern:html-templates",)
    assert rules["bandit.B501"].tags == ("pattern:outbound-http",)
    assert rules["bandit.B324"].tags == ()
    assert rules["bandit.B324"].skill_tags == ("bandit.B324",)
    assert rules["bandit.B101"].in_tests is False
    assert rules["bandit.B602"].in_tests is True
    assert (rules["bandit.B602"].severity, rules["bandit.B602"].cwe) == ("high", 78)
