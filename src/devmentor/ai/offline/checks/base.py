"""Shared by every check: rules, findings, masking and text helpers.

The rule registry lives here so that every language module builds its findings the
same way (``_finding``); the package ``__init__`` registers the language modules' rule
tables into it, in a fixed order.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

Severity = Literal["info", "warning", "error"]
SEVERITY_RANK: Mapping[str, int] = MappingProxyType({"error": 2, "warning": 1, "info": 0})

#: Inspecting more than this is slow and never needed to teach; the rest is ignored.
MAX_CODE_CHARS = 64_000
_SNIPPET_LINE = 120


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing worth a learner's attention, anchored to a line where possible."""

    rule_id: str
    title: str
    line: int | None
    severity: Severity
    #: Guidance without the answer: a leading question plus the concept behind it.
    hint: str
    #: A short corrected snippet or instruction, shown only in solution mode.
    fix: str
    topic: str


@dataclass(frozen=True, slots=True)
class Rule:
    """What a rule is about; findings copy their defaults from here."""

    id: str
    title: str
    severity: Severity
    topic: str
    #: Whether ``Finding.fix`` is code (rendered as a code block) or a sentence.
    fix_is_code: bool
    #: Noisy rules report once, at the first occurrence, with a count.
    aggregate: bool = False


@dataclass(frozen=True, slots=True)
class Inspection:
    """Everything the mentor needs to know about a piece of code."""

    language: str | None
    findings: tuple[Finding, ...]
    line_count: int
    truncated: bool = False
    binary: bool = False
    #: Caveats about what could not be checked, in plain words for the learner.
    notes: tuple[str, ...] = ()


# Each language module declares its rules as a text table, one rule a row.
# Columns: id, severity, topic, fix kind (code or text; +agg: report once with a count), title.
_SEVERITIES: Mapping[str, Severity] = MappingProxyType(
    {"info": "info", "warning": "warning", "error": "error"}
)


def _parse_rules(table: str) -> tuple[Rule, ...]:
    rules = []
    for row in table.strip().splitlines():
        if row.startswith("#"):
            continue
        rule_id, severity, topic, flags, title = row.split(maxsplit=4)
        rules.append(
            Rule(
                id=rule_id,
                title=title,
                severity=_SEVERITIES[severity],
                topic=topic,
                fix_is_code=flags.startswith("code"),
                aggregate=flags.endswith("+agg"),
            )
        )
    return tuple(rules)


_RULES: dict[str, Rule] = {}
RULES: Mapping[str, Rule] = MappingProxyType(_RULES)


def register_rules(table: str) -> None:
    """Add a rule table's rows to ``RULES``, after the rules registered before them."""
    for rule in _parse_rules(table):
        _RULES[rule.id] = rule


def _finding(
    rule_id: str,
    line: int | None,
    hint: str,
    fix: str,
    *,
    title: str | None = None,
    severity: Severity | None = None,
) -> Finding:
    rule = RULES[rule_id]
    return Finding(
        rule_id=rule_id,
        title=title or rule.title,
        line=line,
        severity=severity or rule.severity,
        hint=hint,
        fix=fix,
        topic=rule.topic,
    )


# --- Text helpers --------------------------------------------------------------------------

# The line breaks ast counts; str.splitlines also splits on \f, \x1c, \u2028 and friends,
# which would shift every line number after one of them.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_BINARY_CHARS = re.compile("[\x00-\x08\x0e-\x1f\ud800-\udfff\ufffd]")


def split_lines(text: str) -> list[str]:
    """Lines as Python's tokenizer counts them (1-based line N is ``lines[N - 1]``)."""
    return _LINE_BREAK.split(text)


def _cap(code: str) -> tuple[str, bool]:
    if len(code) <= MAX_CODE_CHARS:
        return code, False
    cut = code.rfind("\n", 0, MAX_CODE_CHARS)
    return code[: cut if cut > 0 else MAX_CODE_CHARS], True


def _looks_binary(text: str) -> bool:
    sample = text[:8192]
    if "\x00" in sample:
        return True
    return len(_BINARY_CHARS.findall(sample)) > max(8, len(sample) // 50)


def code_span(text: str) -> str:
    """``text`` as a Markdown code span, safe even when it contains backticks."""
    text = text.replace("\n", " ")
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if longest or text.startswith(" ") or text.endswith(" ") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _blank(text: str) -> str:
    return re.sub(r"[^\r\n]", " ", text)


_SECRET_SHAPES: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("secret.aws-access-key", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"), "AWS access key"),
    (
        "secret.private-key",
        re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"),
        "private key",
    ),
    (
        "secret.github-token",
        re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b"),
        "GitHub token",
    ),
    (
        "secret.api-key",
        re.compile(
            r"\b(?:sk-(?:proj-|ant-[a-z0-9]+-)?[A-Za-z0-9_-]{20,}|xox[abprs]-[A-Za-z0-9-]{10,}"
            r"|AIza[0-9A-Za-z_-]{35})"
        ),
        "API key",
    ),
)
_CREDENTIAL_WORDS = (
    r"password|passwd|passphrase|secret|token|api_?key|apikey|access_?key|private_?key"
    r"|client_?secret|credentials?"
)
# name = "value", name: "value", "name": "value" -> keep the name, hide the value.
_ASSIGNED_SECRET = re.compile(
    rf"""(?ix)
    ( \b\w{{0,40}}(?:{_CREDENTIAL_WORDS})\w{{0,40}}["']?\s*(?:=|:|:=|=>)\s* )
    ( "[^"\n]*" | '[^'\n]*' | `[^`\n]*` )
    """
)
_URL_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+.-]{0,20}://[^\s:/@]{1,64}:)([^\s@/]{1,128})(@)", re.I)
_LONG_RANDOM = re.compile(r"[A-Za-z0-9+/_=-]{40,}")
_STRING_LITERAL = re.compile(r""""(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\\n]|\\.)*`""")


def _mask_shape(match: re.Match[str]) -> str:
    value = match.group()
    if value.startswith("-----"):
        return value  # the header names the key type; the key material is on other lines
    return value[:4] + "****"


def _mask_random(match: re.Match[str]) -> str:
    value = match.group()
    # Long runs mixing letters and digits are usually keys, hashes or key material.
    if re.search(r"[A-Za-z]", value) and re.search(r"\d", value):
        return value[:4] + "****"
    return value


def mask_secrets(text: str, *, strings: bool = False) -> str:
    """``text`` with anything that looks like a secret replaced by asterisks.

    With ``strings=True`` every quoted string is masked too (for lines already known to
    hold a secret in a form we cannot recognise by shape).
    """
    for _rule, pattern, _kind in _SECRET_SHAPES:
        text = pattern.sub(_mask_shape, text)
    text = _ASSIGNED_SECRET.sub(lambda m: m.group(1) + m.group(2)[0] + "***" + m.group(2)[0], text)
    text = _URL_PASSWORD.sub(r"\1***\3", text)
    text = _LONG_RANDOM.sub(_mask_random, text)
    if strings:
        text = _STRING_LITERAL.sub(lambda m: m.group()[0] + "***" + m.group()[0], text)
    return text


def _snippet_lines(text: str) -> str:
    """Cap each line of a generated fix so one huge expression cannot flood the answer."""
    out = []
    for line in text.split("\n"):
        out.append(line if len(line) <= _SNIPPET_LINE else line[: _SNIPPET_LINE - 1] + "…")
    return "\n".join(out)
