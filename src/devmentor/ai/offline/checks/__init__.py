"""Code inspections for the offline mentor: deterministic findings with line numbers.

The code handed to us is hostile data. Nothing here executes, imports, evaluates or
compiles it: Python is read with ``ast.parse`` (parse only, under guards for the errors
absurd input provokes), everything else with linear-time regular expressions and a small
string/comment scanner. Input is capped before any of that happens.

The checks are heuristics, tuned to be right about the common case and quiet about the
rest; the mentor words its answers accordingly.

The package is split by concept: ``base`` (rules, findings, masking, text helpers),
``languages`` (names and detection signals), one module per language family
(``python`` with ``python_syntax`` and ``python_calls``, ``javascript``, ``sql``) and
``text`` for checks that apply to any language. This module registers the rule tables
and puts the checks together.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from dataclasses import replace
from types import MappingProxyType

from devmentor.ai.offline.checks import javascript, python, sql, text
from devmentor.ai.offline.checks.base import (
    MAX_CODE_CHARS,
    RULES,
    Finding,
    Inspection,
    Rule,
    Severity,
    _cap,
    _looks_binary,
    _snippet_lines,
    code_span,
    mask_secrets,
    register_rules,
    split_lines,
)
from devmentor.ai.offline.checks.base import SEVERITY_RANK as SEVERITY_RANK
from devmentor.ai.offline.checks.javascript import _JsChecks, _scan_js
from devmentor.ai.offline.checks.languages import (
    _DETECTION_ORDER,
    _SIGNALS,
    _signal_score,
    normalize_language,
)
from devmentor.ai.offline.checks.python import _python_findings, _top_level_prefix
from devmentor.ai.offline.checks.python_syntax import _parse_python
from devmentor.ai.offline.checks.sql import _sql_findings
from devmentor.ai.offline.checks.text import _generic_findings

__all__ = [
    "MAX_CODE_CHARS",
    "RULES",
    "Finding",
    "Inspection",
    "Rule",
    "Severity",
    "code_span",
    "detect_language",
    "inspect_code",
    "mask_secrets",
    "normalize_language",
    "split_lines",
]

# The rule table, section by section. This order is the order of RULES, and it breaks
# ties between findings on the same line.
for _table in (python.RULE_TABLE, javascript.RULE_TABLE, sql.RULE_TABLE, text.RULE_TABLE):
    register_rules(_table)
_RULE_ORDER: Mapping[str, int] = MappingProxyType({rule_id: i for i, rule_id in enumerate(RULES)})

_MAX_FINDINGS = 200


# --- Languages -----------------------------------------------------------------------------


def _detect(code: str) -> tuple[str | None, ast.Module | BaseException | None]:
    if not code.strip() or _looks_binary(code):
        return None, None
    sample = code[:20_000]
    scores = {language: _signal_score(sample, language) for language in _SIGNALS}
    parsed: ast.Module | BaseException | None = None
    if scores["python"] > 0:
        parsed = _parse_python(code)
        if isinstance(parsed, ast.Module):
            scores["python"] += 6
    ts_score = scores.pop("typescript")
    if ts_score:
        # Type annotations are only evidence in code, not in strings or comments.
        ts_score = _signal_score(_scan_js(sample)[0], "typescript")
    scores["javascript"] += ts_score
    best = max(
        _DETECTION_ORDER, key=lambda language: (scores[language], -_DETECTION_ORDER.index(language))
    )
    if scores[best] < 3:
        return None, parsed
    if best == "javascript" and ts_score >= 2:
        return "typescript", parsed
    return best, parsed if best == "python" else None


def detect_language(code: str) -> str | None:
    """Best guess at ``code``'s language: python, javascript, typescript, sql, go, rust,
    java, or None when unsure. Looks only at text; never runs anything."""
    return _detect(_cap(code)[0])[0]


# --- Putting it together -------------------------------------------------------------------


def _aggregate(findings: Iterable[Finding]) -> list[Finding]:
    grouped: dict[str, list[Finding]] = {}
    result: list[Finding] = []
    for finding in findings:
        if RULES[finding.rule_id].aggregate:
            grouped.setdefault(finding.rule_id, []).append(finding)
        else:
            result.append(finding)
    for group in grouped.values():
        first = min(group, key=lambda f: f.line or 0)
        if len(group) > 1:
            first = replace(
                first,
                title=f"{first.title} ({len(group)} places)",
                hint=f"This appears {len(group)} times; the first is line {first.line}. "
                + first.hint,
            )
        result.append(first)
    return result


def _deduplicate(findings: list[Finding]) -> list[Finding]:
    # A recognised key shape says more than "a secret-like name holds a string".
    shaped = {f.line for f in findings if f.rule_id.startswith("secret.")}
    seen: set[tuple[str, int | None, str]] = set()
    result = []
    for finding in findings:
        if finding.rule_id == "py.hardcoded-secret" and finding.line in shaped:
            continue
        key = (finding.rule_id, finding.line, finding.title)
        if key not in seen:
            seen.add(key)
            result.append(finding)
    return result


def _sort_key(finding: Finding) -> tuple[int, int]:
    return (finding.line or 0, _RULE_ORDER[finding.rule_id])


_CHECKED_LANGUAGES = frozenset({"python", "javascript", "typescript", "sql"})


def inspect_code(code: str, language: str | None = None) -> Inspection:
    """Inspect ``code`` (never executing it) and return findings in line order.

    ``language`` is normalised ("py" -> "python"); when None it is detected. Input past
    ``MAX_CODE_CHARS`` is ignored and reported through ``Inspection.truncated``.
    """
    text, truncated = _cap(code)
    if truncated:
        text = _top_level_prefix(split_lines(text))
    lines = split_lines(text)
    binary = _looks_binary(text)
    language = normalize_language(language)
    parsed: ast.Module | BaseException | None = None
    if language is None and not binary:
        language, parsed = _detect(text)
    notes: list[str] = []
    findings: list[Finding] = []
    if binary:
        notes.append(
            "This does not look like source code (it contains binary data), so I only "
            "scanned it for leaked secrets."
        )
    elif language == "python":
        python_findings, python_notes = _python_findings(text, lines, parsed)
        findings += python_findings
        notes += python_notes
    elif language in {"javascript", "typescript"}:
        findings += _JsChecks(text, typescript=language == "typescript").run()
    elif language == "sql":
        findings += _sql_findings(text)
    if language is not None and language not in _CHECKED_LANGUAGES and not binary:
        notes.append(
            f"I have no {language}-specific checks yet, so I only looked for general "
            "problems (leaked secrets, very long lines, TODO notes)."
        )
    findings += _generic_findings(lines, binary=binary)
    findings = _deduplicate(_aggregate(findings))
    findings.sort(key=_sort_key)
    # Hints and fixes quote identifiers and rewritten lines: never let a secret through.
    fixed = [
        replace(
            f,
            title=mask_secrets(f.title),
            hint=mask_secrets(f.hint),
            fix=mask_secrets(_snippet_lines(f.fix) if RULES[f.rule_id].fix_is_code else f.fix),
        )
        for f in findings[:_MAX_FINDINGS]
    ]
    return Inspection(
        language=language,
        findings=tuple(fixed),
        line_count=len(lines),
        truncated=truncated,
        binary=binary,
        notes=tuple(notes),
    )
