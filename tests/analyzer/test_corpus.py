"""Every rule against the annotated corpus: true positives, look-alikes, no surprises.

The corpus (``tests/analyzer/corpus``) holds small files written for this purpose (see
:mod:`devmentor.analyzer.accuracy` for the annotations). ``bench/analyzer_accuracy.py``
prints the same figures as a table for ``docs/analyzer.md``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from devmentor.analyzer.accuracy import RuleScore, evaluate
from devmentor.analyzer.rules.base import RULES

CORPUS = Path(__file__).parent / "corpus"

#: Rules whose cases cannot be small files, and the test that covers them instead.
COVERED_ELSEWHERE = {
    "code.god-module": "tests/analyzer/test_engine.py::test_a_very_large_module",
}


@pytest.fixture(scope="module")
def scores() -> dict[str, RuleScore]:
    return evaluate(CORPUS)


def test_no_rule_reports_anything_unexpected_or_misses_a_case(
    scores: dict[str, RuleScore],
) -> None:
    problems = [error for score in scores.values() for error in score.errors]
    assert problems == []


def test_every_rule_has_a_true_positive_and_a_look_alike_case(
    scores: dict[str, RuleScore],
) -> None:
    own = [rule_id for rule_id in RULES if rule_id not in COVERED_ELSEWHERE]
    # bandit's own tests are many; we check the families we map to skills (below).
    own = [rule_id for rule_id in own if not rule_id.startswith("bandit.")]
    missing_positive = [r for r in own if scores.get(r, RuleScore()).true_positives == 0]
    missing_negative = [r for r in own if scores.get(r, RuleScore()).negative_cases == 0]
    assert missing_positive == []
    assert missing_negative == []


def test_known_misses_are_few(scores: dict[str, RuleScore]) -> None:
    for rule_id, score in scores.items():
        if score.known_misses:
            assert score.recall >= 0.5, f"{rule_id} misses more than it finds"
