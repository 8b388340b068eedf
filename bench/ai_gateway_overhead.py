"""What the AI gateway adds on top of a direct SDK call to the same server.

A fake OpenAI server (tests/fakes/llm.py) runs in its own process, so it doesn't share
this process's GIL. The same request then goes to it in two ways:
- **direct:** straight through the ``openai`` SDK (``max_retries=0``);
- **gateway:** through ``AIGateway.complete``, the full production path. That path covers
  the per-user rate limit, the budget reservation and its settlement, the circuit
  breaker, tenacity's retry loop, the ledger record and the metrics.

The response cache is off for these runs, so every call goes upstream: a cache hit would
flatter the gateway. Cache hits are timed on their own at the end.

Figures, sequential and with 16 concurrent callers:
- end-to-end p50/p99 for both paths;
- the difference of the p50s;
- the gateway's own overhead per call: wall time minus time spent waiting on the
  provider, as ``Completion.overhead_ms`` and the ``X-DevMentor-AI-Overhead-Ms`` header
  report it.

    python bench/ai_gateway_overhead.py [--calls 2000] [--concurrency 16]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import openai

from devmentor.ai.runtime import start_gateway
from devmentor.ai.types import ChatRequest, Message, Task
from devmentor.kit.platform import Platform
from devmentor.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-secret-that-is-long-enough-0123456789abcdef"  # noqa: S105 - a throwaway bench key
MODEL = "gpt-4o-mini"
QUESTION = "What does a context manager do, in two sentences?"

_SERVER = """
import sys, threading
from tests.fakes.llm import FakeOpenAI, Reply
fake = FakeOpenAI().start()
fake.default = Reply("A context manager sets something up and tears it down reliably.")
print(fake.base_url, fake.api_key, flush=True)
sys.stdin.read()  # until the parent closes our stdin
fake.stop()
"""


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def line(name: str, samples: list[float]) -> str:
    return (
        f"{name:<44} n={len(samples):<6} p50={statistics.median(samples):7.3f} ms"
        f"  p99={percentile(samples, 0.99):7.3f} ms"
    )


async def run(
    call: Callable[[], Awaitable[float | None]], calls: int, concurrency: int
) -> tuple[list[float], list[float]]:
    """(end-to-end latencies, overheads reported by the call) in milliseconds."""
    latencies: list[float] = []
    overheads: list[float] = []
    per_worker = calls // concurrency

    async def worker() -> None:
        for _ in range(per_worker):
            started = time.perf_counter()
            overhead = await call()
            latencies.append((time.perf_counter() - started) * 1000)
            if overhead is not None:
                overheads.append(overhead)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, overheads


@contextlib.contextmanager
def fake_openai_process() -> Iterator[tuple[str, str]]:
    """A fake OpenAI server in a child process: (base URL, API key)."""
    server = subprocess.Popen(
        [sys.executable, "-c", _SERVER],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        base_url, api_key = server.stdout.readline().split()
        yield base_url, api_key
    finally:
        if server.stdin is not None:
            server.stdin.close()
        server.wait(timeout=10)


async def main(base_url: str, api_key: str, calls: int, concurrency: int) -> None:
    with tempfile.TemporaryDirectory() as data_dir:
        settings = Settings(
            _env_file=None,
            env="test",
            data_dir=Path(data_dir),
            secret_key=SECRET,
            log_level="warning",
            ai={
                "openai_api_key": api_key,
                "openai_base_url": base_url,
                "cache_enabled": False,
                "user_rate_limit": "1000000/minute",
                "budget_daily_tokens": None,
                "budget_monthly_tokens": None,
                "budget_daily_usd": 10_000.0,
                "budget_monthly_usd": 100_000.0,
            },
        )
        platform = await Platform.start(settings, run_migrations=True)
        gateway = await start_gateway(platform)
        client = openai.AsyncOpenAI(api_key=api_key, base_url=base_url, max_retries=0)
        user = uuid.uuid4()
        request = ChatRequest(
            task=Task.MENTOR_ANSWER,
            messages=(Message("system", "You are a mentor."), Message("user", QUESTION)),
            max_output_tokens=200,
        )

        async def direct() -> None:
            await client.chat.completions.create(
                model=MODEL,
                messages=[
                    {"role": "system", "content": "You are a mentor."},
                    {"role": "user", "content": QUESTION},
                ],
                max_completion_tokens=200,
                temperature=0.2,
                timeout=30,
            )

        async def through_gateway() -> float:
            completion = await gateway.complete(request, user_id=user)
            assert completion.provider == "openai", completion.hops
            return completion.overhead_ms

        try:
            # Warm up connections, imports and the budget counter's first seeding.
            await run(direct, 100, 4)
            await run(through_gateway, 100, 4)
            for width in (1, concurrency):
                label = "sequential" if width == 1 else f"{width} concurrent"
                direct_ms, _ = await run(direct, calls, width)
                gateway_ms, overhead_ms = await run(through_gateway, calls, width)
                print(f"-- {label}")
                print(line("direct SDK call", direct_ms))
                print(line("through the gateway", gateway_ms))
                print(
                    f"{'difference of p50s':<44} "
                    f"{statistics.median(gateway_ms) - statistics.median(direct_ms):+.3f} ms"
                )
                print(line("gateway overhead (wall - upstream wait)", overhead_ms))

            async def cache_hit() -> float:
                completion = await gateway.complete(request, user_id=user)
                assert completion.cached
                return completion.overhead_ms

            gateway.settings.cache_enabled = True
            await gateway.complete(request, user_id=user)  # the one miss that fills it
            hit_ms, _ = await run(cache_hit, calls, 1)
            print("-- cache hits (sequential)")
            print(line("cached answer through the gateway", hit_ms))
            written = await gateway.recorder.flush()
            print(f"ledger rows written at the end: {written}")
        finally:
            await client.close()
            await gateway.aclose()
            await platform.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    with fake_openai_process() as (base_url, api_key):
        asyncio.run(main(base_url, api_key, args.calls, args.concurrency))
