"""Precision and recall of every analyzer rule on the annotated corpus.

The corpus (``tests/analyzer/corpus``) is small files written for this purpose: each rule
has lines where it must fire (``expect:``) and look-alikes where it must not (``ok:``);
see ``devmentor.analyzer.accuracy``. Prints one row per rule, then the totals, as Markdown
(the table in ``docs/analyzer.md``).

    python bench/analyzer_accuracy.py [--corpus tests/analyzer/corpus]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from devmentor.analyzer.accuracy import RuleScore, evaluate
from devmentor.analyzer.rules.base import RULES


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--corpus", type=Path, default=Path(__file__).parents[1] / "tests/analyzer/corpus"
    )
    args = parser.parse_args()
    scores = evaluate(args.corpus)
    rules = sorted(rule_id for rule_id in scores if not rule_id.startswith("pattern:"))
    print("| rule | tool | cases (+/-) | TP | FP | FN | precision | recall |")
    print("|---|---|---|---|---|---|---|---|")
    total = RuleScore()
    for rule_id in rules:
        score = scores[rule_id]
        rule = RULES.get(rule_id)
        tool = rule_id.split(".")[0] if rule_id.startswith(("bandit.", "secret.")) else "ours"
        if rule is None:
            continue
        print(
            f"| `{rule_id}` | {tool} | {score.true_positives + score.false_negatives}"
            f"/{score.negative_cases} | {score.true_positives} | {score.false_positives} "
            f"| {score.false_negatives} | {score.precision:.2f} | {score.recall:.2f} |"
        )
        total.true_positives += score.true_positives
        total.false_positives += score.false_positives
        total.false_negatives += score.false_negatives
        total.negative_cases += score.negative_cases
    patterns = [scores[p] for p in scores if p.startswith("pattern:")]
    print(
        f"\n{len(rules)} rules; {total.true_positives} true positives, "
        f"{total.false_positives} false positives, {total.false_negatives} false negatives "
        f"over {total.negative_cases} look-alike lines: precision {total.precision:.3f}, "
        f"recall {total.recall:.3f}."
    )
    found = sum(p.true_positives for p in patterns)
    missed = sum(p.false_negatives for p in patterns)
    print(f"{len(patterns)} patterns: {found} expected places found, {missed} missed.")


if __name__ == "__main__":
    main()
