# Analyzer accuracy corpus: insecure on purpose, and every annotation must stay on its
# line, so this file is not formatted, linted or type-checked.
# fmt: off
# ruff: noqa
# mypy: ignore-errors
"""A tiny calculator for report formulas."""

import ast

ALLOWED = {"min": min, "max": max}


def evaluate(formula: str) -> object:
    return eval(formula, {"__builtins__": {}}, ALLOWED)  # expect: bandit.B307, py.eval-exec


def parse_literal(text: str) -> object:
    return ast.literal_eval(text)  # ok: bandit.B307


def define(source: str) -> dict[str, object]:
    namespace: dict[str, object] = {}
    exec(source, namespace)  # expect: bandit.B102, py.eval-exec
    return namespace


def describe(rule: str) -> str:
    return f"the rule {rule!r} runs when executed"  # ok: bandit.B102
