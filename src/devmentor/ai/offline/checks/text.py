"""Checks for any language: leaked secrets, very long lines and TODO notes."""

from __future__ import annotations

import re
from collections.abc import Sequence

from devmentor.ai.offline.checks.base import _SECRET_SHAPES, Finding, _finding

# Rows of the rule table; base._parse_rules describes the columns.
RULE_TABLE = """
# Any language.
generic.long-line         info    quality.readability         text+agg Very long lines
generic.todo              info    quality.readability         text+agg TODO/FIXME notes
secret.aws-access-key     error   security.secrets-management text     AWS access key in code
secret.private-key        error   security.secrets-management text     Private key in code
secret.github-token       error   security.secrets-management text     GitHub token in code
secret.api-key            error   security.secrets-management text     API key in code
"""
_LONG_LINE = 120
_TODO = re.compile(r"\b(?:TODO|FIXME|XXX|HACK)\b")


def _generic_findings(lines: Sequence[str], *, binary: bool) -> list[Finding]:
    findings: list[Finding] = []
    for number, line in enumerate(lines, start=1):
        for rule_id, pattern, kind in _SECRET_SHAPES:
            if pattern.search(line):
                findings.append(
                    _finding(
                        rule_id,
                        number,
                        f"This line appears to contain a real {kind} (masked here). Anyone "
                        "who can read the code — or its git history — could use it. Concept: "
                        "treat a committed secret as leaked.",
                        f"Revoke or rotate this {kind} now, delete it from the code and the git "
                        "history, and load it at run time from an environment variable or a "
                        "secret manager.",
                    )
                )
        if binary:
            continue
        if len(line) > _LONG_LINE:
            findings.append(
                _finding(
                    "generic.long-line",
                    number,
                    f"Would a reader need to scroll sideways to read this line ({len(line)} "
                    "characters)? Concept: a formatter (ruff format, Black, Prettier) wraps "
                    "lines consistently.",
                    "Let a formatter wrap it, or split the expression into named "
                    "intermediate values.",
                )
            )
        if _TODO.search(line):
            findings.append(
                _finding(
                    "generic.todo",
                    number,
                    "Is this note describing a bug a user could hit, or a nice-to-have? "
                    "Concept: track work in the issue tracker, where it is not forgotten.",
                    "Resolve it, or turn it into an issue and reference the issue number "
                    "in the comment.",
                )
            )
    return findings
