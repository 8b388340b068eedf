# Analyzer accuracy corpus: insecure on purpose, and every annotation must stay on its
# line, so this file is not formatted, linted or type-checked.
# fmt: off
# ruff: noqa
# mypy: ignore-errors
"""Imports orders from the partner feed."""

import logging
from collections.abc import Iterable

logger = logging.getLogger(__name__)


def parse(raw: str) -> int:
    return int(raw)


def import_quietly(rows: Iterable[str]) -> list[int]:
    orders = []
    for row in rows:
        try:
            orders.append(parse(row))
        except Exception:  # expect: bandit.B112
            continue
    return orders


def import_logged(rows: Iterable[str]) -> list[int]:
    orders = []
    for row in rows:
        try:
            orders.append(parse(row))
        except ValueError:  # ok: bandit.B112, bandit.B110
            logger.warning("skipping a malformed order row")
    return orders


def first_order(rows: list[str]) -> int | None:
    try:
        return parse(rows[0])
    except Exception:  # expect: bandit.B110, py.swallowed-exception
        pass
    return None


def apply_discount(total: float, percent: float) -> float:
    assert 0 <= percent <= 100  # expect: bandit.B101, py.assert-validation
    return total * (1 - percent / 100)


def apply_checked_discount(total: float, percent: float) -> float:
    if not 0 <= percent <= 100:  # ok: bandit.B101
        raise ValueError("percent must be between 0 and 100")
    return total * (1 - percent / 100)
