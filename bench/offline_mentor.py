"""How long the offline mentor takes to answer, by size of the code it inspects.

In-process, no server: ``OfflineMentor.answer`` on a question alone, on a 200-line Python
file and on a large one (this repository's own sources as realistic input), in hint and in
solution mode. The gateway moves inspections of more than 4,000 characters to a thread,
so the event loop never waits on the larger figures.

    python bench/offline_mentor.py [--rounds 50]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from devmentor.ai.offline import OfflineMentor

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


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=50)
    main(parser.parse_args().rounds)
