"""Measure rules against an annotated corpus: precision and recall per rule.

A corpus is a folder of small source files whose lines carry annotations in trailing
comments: ``expect: rule-id[, rule-id]`` where a finding must be reported,
``ok: rule-id`` where a look-alike must not be, and ``known-miss: rule-id`` where a finding
should be reported but the rule is known not to catch it (counted as a false negative and
listed, so a limitation is written down rather than hidden). ``pattern:`` ids may be
expected too; they count towards recall only.

Every finding of a rule on a line without ``expect:`` for it is a false positive. Used by
the test suite (every rule must have both kinds of case and no unexplained errors) and by
``bench/analyzer_accuracy.py`` (the table in ``docs/analyzer.md``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from devmentor.analyzer.engine import FileTask, analyze_file
from devmentor.analyzer.languages import detect
from devmentor.analyzer.walker import is_test_path

_ANNOTATION = re.compile(r"(?:#|//|--)\s*(expect|ok|known-miss):\s*([\w.:,\s/-]+?)\s*(?:-->|\*/)?$")


@dataclass
class RuleScore:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    #: Lines annotated ``ok:`` for this rule (look-alikes the rule must leave alone).
    negative_cases: int = 0
    known_misses: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0


def read_annotations(text: str) -> dict[int, dict[str, set[str]]]:
    """Line number -> annotation kind -> ids."""
    found: dict[int, dict[str, set[str]]] = {}
    for number, line in enumerate(text.split("\n"), start=1):
        match = _ANNOTATION.search(line)
        if match:
            ids = {part.strip() for part in match.group(2).split(",") if part.strip()}
            found.setdefault(number, {}).setdefault(match.group(1), set()).update(ids)
    return found


def evaluate(corpus: Path) -> dict[str, RuleScore]:
    """Score every rule (and expected pattern) over the files under ``corpus``."""
    scores: dict[str, RuleScore] = defaultdict(RuleScore)
    for path in sorted(p for p in corpus.rglob("*") if p.is_file()):
        relative = path.relative_to(corpus).as_posix()
        language = detect(relative)
        if language is None:
            continue
        data = path.read_bytes()
        notes = read_annotations(data.decode("utf-8", "replace"))
        result = analyze_file(FileTask(relative, language.name, is_test_path(relative), data))
        found: dict[str, set[int]] = defaultdict(set)
        capped: set[str] = set()
        for finding in result.findings:
            found[finding.rule].add(finding.line)
            for other in finding.also_reported_by:
                found[other].add(finding.line)
        for pattern_id, evidence in result.patterns.items():
            found[pattern_id].update(evidence.lines)
            if evidence.count > len(evidence.lines):
                capped.add(pattern_id)  # only the first lines are kept; a count covers the rest
        expected: dict[str, set[int]] = defaultdict(set)
        for line, kinds in notes.items():
            for rule_id in kinds.get("expect", ()):
                expected[rule_id].add(line)
            for rule_id in kinds.get("ok", ()):
                scores[rule_id].negative_cases += 1
            for rule_id in kinds.get("known-miss", ()):
                scores[rule_id].known_misses += 1
                scores[rule_id].false_negatives += 1
        for rule_id in set(found) | set(expected):
            score = scores[rule_id]
            hits, wanted = found.get(rule_id, set()), expected.get(rule_id, set())
            score.true_positives += len(hits & wanted)
            if rule_id.startswith("pattern:"):
                last_kept = max(hits, default=0) if rule_id in capped else None
                missing = {line for line in wanted - hits if last_kept is None or line < last_kept}
                score.true_positives += len(wanted - hits - missing)
                score.false_negatives += len(missing)
                score.errors += [f"{relative}:{line}: missed {rule_id}" for line in missing]
                continue
            score.false_positives += len(hits - wanted)
            score.false_negatives += len(wanted - hits)
            score.errors += [f"{relative}:{line}: unexpected {rule_id}" for line in hits - wanted]
            score.errors += [f"{relative}:{line}: missed {rule_id}" for line in wanted - hits]
    return dict(scores)
