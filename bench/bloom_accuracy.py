"""How well the Bloom classifier reads levels, and how fast semantic similarity is.

Scores ``devmentor.curriculum.bloom.classify`` on the test half of the labelled set
(``src/devmentor/curriculum/data/bloom_labelled.yaml``, odd positions; the rules and the
blend weight were tuned on the even positions only), three ways: the rules alone, WordLlama
nearest-centroid alone (centroids from the train half), and the two blended
(``semantic=True``). Prints per-level precision and recall, overall accuracy, the share of
guesses within one level, and the confusion matrix; and first, the cost of one
``Similarity()(a, b)`` call.

Last, the same classifier on the shipped curriculum's own questions, labelled by the
skills' authors, not by whoever wrote the rules: a check that the figures above are not
just the rules fitting one author's phrasing. Skills split by a hash of their id: the
"dev" half was looked at while the rules were tuned (the second round, see bloom.py), the
"held-out" half never was; skills written later are unseen either way.

    python bench/bloom_accuracy.py [--pairs 2000] [--train]
"""

from __future__ import annotations

import argparse
import statistics
import time
import zlib
from collections.abc import Callable, Sequence

import yaml
from pydantic import ValidationError

from devmentor.curriculum import bloom
from devmentor.curriculum.catalog import CONTENT_DIR, load_file
from devmentor.curriculum.model import Bloom
from devmentor.curriculum.similarity import Similarity

Classifier = Callable[[bloom.LabelledItem], Bloom]


def _rules(item: bloom.LabelledItem) -> Bloom:
    return bloom.classify(item.prompt, question_type=item.type).level


def _semantic_only(item: bloom.LabelledItem) -> Bloom:
    scores = bloom.semantic_scores(item.prompt)
    return max(Bloom, key=lambda level: scores[level])


def _blended(item: bloom.LabelledItem) -> Bloom:
    return bloom.classify(item.prompt, question_type=item.type, semantic=True).level


def report(name: str, items: Sequence[bloom.LabelledItem], classify: Classifier) -> float:
    guesses = [classify(item) for item in items]
    matrix = {(expected, guessed): 0 for expected in Bloom for guessed in Bloom}
    for item, guess in zip(items, guesses, strict=True):
        matrix[item.level, guess] += 1
    correct = sum(matrix[level, level] for level in Bloom)
    near = sum(
        abs(item.level.rank - guess.rank) <= 1 for item, guess in zip(items, guesses, strict=True)
    )
    accuracy = correct / len(items)
    print(
        f"\n## {name}: accuracy {accuracy:.3f} ({correct}/{len(items)}), "
        f"within one level {near / len(items):.3f}"
    )
    print(f"{'level':<11} {'precision':>9} {'recall':>7} {'n':>4}")
    for level in Bloom:
        support = sum(matrix[level, guessed] for guessed in Bloom)
        predicted = sum(matrix[expected, level] for expected in Bloom)
        hits = matrix[level, level]
        precision = hits / predicted if predicted else 0.0
        recall = hits / support if support else 0.0
        print(f"{level.value:<11} {precision:>9.2f} {recall:>7.2f} {support:>4}")
    print("\nconfusion (rows: labelled, columns: guessed)")
    print(" " * 11 + "".join(f"{level.value[:4]:>6}" for level in Bloom))
    for expected in Bloom:
        cells = "".join(f"{matrix[expected, guessed]:>6}" for guessed in Bloom)
        print(f"{expected.value:<11}{cells}")
    return accuracy


def similarity_timing(pairs: int) -> None:
    started = time.perf_counter()
    similarity = Similarity()
    similarity("warm", "up")
    load_ms = (time.perf_counter() - started) * 1000
    texts = [
        (
            "The default value is evaluated once, when the def statement runs, so every call "
            "shares one list.",
            "Defaults are created a single time at definition and reused by each call.",
        ),
        ("Use a parameterized query.", "Never format user input into SQL strings."),
    ]
    samples = []
    for index in range(pairs):
        a, b = texts[index % len(texts)]
        begun = time.perf_counter()
        similarity(a, b)
        samples.append((time.perf_counter() - begun) * 1000)
    samples.sort()
    print(
        f"## similarity: import + load {load_ms:.0f} ms; per pair median "
        f"{statistics.median(samples):.3f} ms, p95 {samples[int(len(samples) * 0.95)]:.3f} ms "
        f"over {pairs} pairs"
    )


def curriculum_halves() -> tuple[list[bloom.LabelledItem], list[bloom.LabelledItem]]:
    """The shipped skills' questions: (dev half, held-out half), by CRC-32 of the skill id."""
    halves: tuple[list[bloom.LabelledItem], list[bloom.LabelledItem]] = ([], [])
    for path in sorted(CONTENT_DIR.glob("*/*.yaml")):
        try:
            skill = load_file(path)
        except (yaml.YAMLError, ValidationError):
            print(f"(skipped {path.relative_to(CONTENT_DIR)}: does not load)")
            continue
        half = halves[zlib.crc32(skill.id.encode()) % 2]
        half.extend(bloom.LabelledItem(q.prompt, q.type, q.bloom) for q in skill.questions)
    return halves


def summary(name: str, items: Sequence[bloom.LabelledItem], classify: Classifier) -> None:
    hits = dict.fromkeys(Bloom, 0)
    totals = dict.fromkeys(Bloom, 0)
    for item in items:
        totals[item.level] += 1
        hits[item.level] += classify(item) == item.level
    recall = "  ".join(
        f"{level.value[:4]} {hits[level] / totals[level]:.2f}" for level in Bloom if totals[level]
    )
    print(f"{name:<22} {sum(hits.values()) / len(items):.3f}   recall: {recall}")


def main(pairs: int, train: bool) -> None:
    train_half, test_half = bloom.split(bloom.load_labelled())
    items = train_half if train else test_half
    half = "train" if train else "test"
    # First, so the load time includes importing wordllama.
    similarity_timing(pairs)
    print(f"\n# Bloom classifier on the {half} half: {len(items)} questions")
    report("rules", items, _rules)
    report("WordLlama nearest centroid alone", items, _semantic_only)
    report(f"rules + WordLlama (weight {bloom.SEMANTIC_WEIGHT})", items, _blended)

    dev, held_out = curriculum_halves()
    print("\n# The shipped curriculum's questions (labels by the skills' authors)")
    for name, questions in (("dev", dev), ("held-out", held_out), ("all", dev + held_out)):
        print(f"\n## {name}: {len(questions)} questions")
        summary("rules", questions, _rules)
        summary("rules + WordLlama", questions, _blended)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=2000)
    parser.add_argument("--train", action="store_true", help="score the train half instead")
    arguments = parser.parse_args()
    main(arguments.pairs, arguments.train)
