"""How long the offline mentor takes: answers by size of the code, and lessons.

In-process, no server: ``OfflineMentor.answer`` on a question alone, on a 200-line Python
file and on a large one (this repository's own sources as realistic input), in hint and in
solution mode; then a lesson for every skill of the shipped curriculum at every Bloom
level, with and without the learner's code to anchor it, and picking a question. The
gateway moves inspections of more than 4,000 characters to a thread, so the event loop
never waits on the larger figures.

    python bench/offline_mentor.py [--rounds 50]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from devmentor.ai.offline import OfflineMentor
from devmentor.ai.offline.lessons import compose_lesson, pick_question, public_question
from devmentor.curriculum.catalog import load_catalog
from devmentor.curriculum.model import Bloom

SOURCES = Path(__file__).resolve().parent.parent / "src" / "devmentor"


def main(rounds: int) -> None:
    mentor = OfflineMentor()
    gateway = (SOURCES / "ai" / "gateway.py").read_text()
    checks = (SOURCES / "ai" / "offline" / "checks" / "python.py").read_text()
    cases: list[tuple[str, str, str | None]] = [
        ("question only", "How do I avoid SQL injection?", None),
        ("200-line Python file", "Can this be simpler?", "\n".join(gateway.splitlines()[:200])),
        (f"{len(checks) // 1000} KB Python file", "Review this, please", checks),
    ]
    for label, question, code in cases:
        for mode in ("hint", "solution"):
            mentor.answer(question, code=code, mode=mode)  # warm up
            samples = []
            for _ in range(rounds):
                started = time.perf_counter()
                mentor.answer(question, code=code, mode=mode)
                samples.append((time.perf_counter() - started) * 1000)
            print(
                f"{label:<28} {mode:<9} n={rounds:<4} p50={statistics.median(samples):7.2f} ms"
                f"  max={max(samples):7.2f} ms"
            )


def lessons(code: str) -> None:
    started = time.perf_counter()
    catalog = load_catalog()
    print(
        f"loading the curriculum ({len(catalog.skills)} skills): "
        f"{(time.perf_counter() - started) * 1000:.1f} ms"
    )
    for label, learner in (("lesson", None), ("lesson + learner code", code)):
        samples = []
        for skill in catalog.skills.values():
            for level in Bloom:
                t0 = time.perf_counter()
                compose_lesson(skill, level, code=learner, language="python")
                samples.append((time.perf_counter() - t0) * 1000)
        _print(f"{label} (every skill x level)", samples)
    samples = []
    for skill in catalog.skills.values():
        for level in Bloom:
            t0 = time.perf_counter()
            question = pick_question(skill, level, seed=1)
            assert question is not None
            public_question(question)
            samples.append((time.perf_counter() - t0) * 1000)
    _print("pick a question (every skill x level)", samples)


def _print(label: str, samples: list[float]) -> None:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    print(
        f"{label:<40} n={len(ordered):<4} p50={statistics.median(ordered):7.2f} ms"
        f"  p99={p99:7.2f} ms  max={ordered[-1]:7.2f} ms"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=50)
    main(parser.parse_args().rounds)
    lessons("\n".join((SOURCES / "ai" / "gateway.py").read_text().splitlines()[:200]))
