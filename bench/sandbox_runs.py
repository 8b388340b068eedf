"""How long an exercise takes to grade in the sandbox: one run, and 20 at once.

python bench/sandbox_runs.py [--rounds 30]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from devmentor.curriculum.sandbox import run_python

CODE = "def double(a):\n    return a * 2\n"
TESTS = "assert double(2) == 4\nassert double(-1) == -2\n"


async def main(rounds: int) -> None:
    await run_python(CODE, tests=TESTS)  # warm up
    samples = []
    result = None
    for _ in range(rounds):
        started = time.perf_counter()
        result = await run_python(CODE, tests=TESTS)
        samples.append((time.perf_counter() - started) * 1000)
        assert result.status == "passed", result
    assert result is not None
    print(
        f"one run (code + tests)   n={rounds}  p50={statistics.median(samples):6.1f} ms"
        f"  max={max(samples):6.1f} ms  isolation={','.join(result.isolation) or 'rlimits only'}"
    )
    started = time.perf_counter()
    results = await asyncio.gather(*(run_python(CODE, tests=TESTS) for _ in range(20)))
    assert all(r.status == "passed" for r in results)
    print(f"20 runs at once          wall={(time.perf_counter() - started) * 1000:6.0f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    asyncio.run(main(parser.parse_args().rounds))
