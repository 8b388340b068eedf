"""Analyse one file's content: the work a worker process does per file.

Every stage (line counts, lizard, tree-sitter checks, bandit, detect-secrets, duplicate
fingerprints) runs on the bytes it is handed; none executes, imports or evaluates them.
A stage that fails on odd input (undecodable text, absurd nesting, a syntax error) is
recorded in ``FileResult.errors`` and the other stages still run.

The result depends only on the content, the language, whether the file is a test, and the
analyzer itself (:func:`engine_revision`), so it is cached under those.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from devmentor import __version__
from devmentor.analyzer import complexity, duplicates, security_bandit, security_secrets, syntax
from devmentor.analyzer.languages import BY_NAME
from devmentor.analyzer.model import (
    SEVERITY_ORDER,
    FileResult,
    FunctionMetric,
    PatternEvidence,
    RawFinding,
)
from devmentor.analyzer.rules import go, java, javascript, python
from devmentor.analyzer.rules.base import RULES

_SYNTAX_RULES: dict[str, ModuleType] = {
    "Python": python,
    "JavaScript": javascript,
    "TypeScript": javascript,
    "TSX": javascript,
    "Go": go,
    "Java": java,
}
_SNIPPET_CHARS = 200
_MAX_PATTERN_LINES = 5
#: Which tool's finding to keep when two report the same weakness on the same line.
_TOOL_PREFERENCE = {"devmentor": 0, "detect-secrets": 1, "bandit": 2, "lizard": 3}
_TOOLS = ("tree-sitter", "lizard", "bandit", "detect-secrets", "pydantic")
#: Rules of different tools that name one weakness even where their CWE ids differ
#: (bandit files ``eval`` under CWE-78, hard-coded passwords under CWE-259, ...).
_SAME_WEAKNESS = {
    **dict.fromkeys(("py.eval-exec", "bandit.B102", "bandit.B307"), "eval"),
    **dict.fromkeys(("py.yaml-unsafe-load", "bandit.B506"), "yaml-load"),
    **dict.fromkeys(("py.autoescape-off", "bandit.B701", "bandit.B702"), "autoescape"),
    **dict.fromkeys(
        ("py.hardcoded-secret", "secret.keyword", "bandit.B105", "bandit.B106", "bandit.B107"),
        "hardcoded-secret",
    ),
    **dict.fromkeys(
        ("py.swallowed-exception", "py.bare-except", "bandit.B110", "bandit.B112"), "swallowed"
    ),
    **dict.fromkeys(("py.requests-no-timeout", "bandit.B113"), "timeout"),
}


@dataclass(frozen=True, slots=True)
class FileTask:
    """One file to analyse: where it is (for file-type decisions only) and its bytes."""

    path: str
    language: str
    is_test: bool
    data: bytes


@functools.cache
def engine_revision() -> str:
    """A digest of everything that shapes a file's result: the analyzer's own source and
    the versions of the tools and grammars it runs. Cached results from another revision
    are never used."""
    digest = hashlib.sha256(__version__.encode())
    for source in sorted(Path(__file__).parent.rglob("*.py")):
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    for distribution in sorted(
        d.metadata["Name"]
        for d in importlib.metadata.distributions()
        if (d.metadata["Name"] or "").lower().startswith(_TOOLS)
    ):
        digest.update(f"{distribution}=={importlib.metadata.version(distribution)}".encode())
    return digest.hexdigest()[:32]


@functools.cache
def _compiled(language: str) -> syntax.CompiledChecks:
    module = _SYNTAX_RULES[language]
    return syntax.compile_checks(language, module.CHECKS)


def _decode(data: bytes, errors: list[str]) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        errors.append("text: not valid UTF-8; undecodable bytes were replaced")
        return data.decode("utf-8", "replace")


def _stage(name: str, errors: list[str], run: Callable[[], None]) -> None:
    try:
        run()
    except RecursionError:
        errors.append(f"{name}: nesting too deep")
    except MemoryError:
        errors.append(f"{name}: out of memory")
    except Exception as exc:
        errors.append(f"{name}: {type(exc).__name__}")


def _count_lines(lines: list[str], comments: tuple[str, ...]) -> tuple[int, int, int]:
    """(blank, code, comment) by line prefix, for languages lizard does not read."""
    blank = comment = 0
    for line in lines:
        stripped = line.strip()
        if not stripped:
            blank += 1
        elif comments and stripped.startswith(comments):
            comment += 1
    return blank, len(lines) - blank - comment, comment


def analyze_file(task: FileTask) -> FileResult:
    """Everything the analyzer learns from one file (see the module docstring)."""
    language = BY_NAME[task.language]
    errors: list[str] = []
    text = _decode(task.data, errors)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    blank, code, comment = _count_lines(lines, language.comments)
    functions: list[FunctionMetric] = []
    findings: list[RawFinding] = []
    patterns: dict[str, list[int]] = {}
    imports: list[str] = []
    fingerprints = ""
    programming = language.kind == "programming"

    if language.lizard:

        def run_lizard() -> None:
            nonlocal code, comment
            measured, nloc = complexity.measure(task.path, text)
            functions.extend(measured)
            if nloc is not None:
                code = nloc
                comment = max(0, len(lines) - blank - nloc)
            findings.extend(complexity.function_findings(measured))
            findings.extend(complexity.module_findings(measured, code))

        _stage("lizard", errors, run_lizard)
    if programming:
        findings.extend(complexity.long_line_findings(lines))

    if task.language in _SYNTAX_RULES:

        def run_syntax() -> None:
            tree = syntax.parse(task.language, task.data)
            if task.language == "Python" and functions:
                _fix_python_nesting(functions, findings, complexity.python_nesting(tree))
            for hit in syntax.run_checks(_compiled(task.language), tree, task.data):
                if hit.id.startswith("pattern:"):
                    patterns.setdefault(hit.id, []).append(hit.line)
                else:
                    rule = RULES[hit.id]
                    findings.append(
                        RawFinding(
                            rule=hit.id,
                            line=hit.line,
                            end_line=hit.end_line if hit.end_line != hit.line else None,
                            message=hit.message or rule.description,
                            severity=rule.severity,
                            cwe=rule.cwe,
                        )
                    )
            imports.extend(_SYNTAX_RULES[task.language].import_names(tree, task.data))

        _stage("tree-sitter", errors, run_syntax)

    if task.language == "Python":

        def run_bandit() -> None:
            found, problems = security_bandit.bandit_findings(
                task.path, task.data, is_test=task.is_test
            )
            findings.extend(found)
            errors.extend(problems)

        _stage("bandit", errors, run_bandit)

    if language.kind in {"programming", "data"}:

        def run_secrets() -> None:
            findings.extend(security_secrets.secret_findings(task.path, text))

        _stage("detect-secrets", errors, run_secrets)

    if programming and not task.is_test:

        def run_fingerprints() -> None:
            nonlocal fingerprints
            fingerprints = duplicates.fingerprints(lines, language.comments)

        _stage("duplicates", errors, run_fingerprints)

    return FileResult(
        language=language.name,
        lines=len(lines),
        blank=blank,
        code=code,
        comment=comment,
        functions=functions,
        findings=_with_snippets(_merge(_applicable(findings, task.is_test)), lines),
        patterns={
            pattern_id: PatternEvidence(count=len(at), lines=sorted(at)[:_MAX_PATTERN_LINES])
            for pattern_id, at in sorted(patterns.items())
        },
        imports=sorted(set(imports)),
        fingerprints=fingerprints,
        errors=errors,
    )


def _fix_python_nesting(
    functions: list[FunctionMetric], findings: list[RawFinding], depths: dict[int, int]
) -> None:
    """Replace lizard's Python nesting depths (see ``complexity.python_nesting``)."""
    for index, function in enumerate(functions):
        depth = depths.get(function.line)
        if depth is not None and depth != function.max_nesting:
            functions[index] = function.model_copy(update={"max_nesting": depth})
    fixed = complexity.function_findings(functions)
    findings[:] = [f for f in findings if f.rule != "code.deep-nesting"]
    findings.extend(f for f in fixed if f.rule == "code.deep-nesting")


def _applicable(findings: Iterable[RawFinding], is_test: bool) -> list[RawFinding]:
    if not is_test:
        return list(findings)
    return [f for f in findings if f.rule not in RULES or RULES[f.rule].in_tests]


def _merge(findings: list[RawFinding]) -> list[RawFinding]:
    """One finding per weakness per line: the same rule twice, or two tools reporting the
    same CWE (or the same weakness, see ``_SAME_WEAKNESS``) on one line, become one,
    naming the others in ``also_reported_by``."""
    ordered = sorted(
        findings,
        key=lambda f: (f.line, _TOOL_PREFERENCE[f.tool], -SEVERITY_ORDER[f.severity], f.rule),
    )
    kept: list[RawFinding] = []
    by_key: dict[tuple[int, object], int] = {}
    for finding in ordered:
        keys: list[tuple[int, object]] = [(finding.line, finding.rule)]
        if finding.cwe is not None:
            keys.append((finding.line, finding.cwe))
        if finding.rule in _SAME_WEAKNESS:
            keys.append((finding.line, _SAME_WEAKNESS[finding.rule]))
        index = next((by_key[k] for k in keys if k in by_key), None)
        if index is None:
            for key in keys:
                by_key[key] = len(kept)
            kept.append(finding)
            continue
        first = kept[index]
        if finding.rule != first.rule and finding.rule not in first.also_reported_by:
            kept[index] = first.model_copy(
                update={"also_reported_by": [*first.also_reported_by, finding.rule]}
            )
    return kept


def _with_snippets(findings: list[RawFinding], lines: list[str]) -> list[RawFinding]:
    result = []
    for finding in findings:
        if (
            finding.snippet is None
            and finding.tool != "detect-secrets"
            and (not finding.rule.startswith("secret.") and 0 < finding.line <= len(lines))
        ):
            snippet = lines[finding.line - 1].strip()[:_SNIPPET_CHARS]
            finding = finding.model_copy(update={"snippet": snippet or None})
        result.append(finding)
    return result
