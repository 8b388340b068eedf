"""Load a real `devmentor serve` process and print latency percentiles and error rates.

Starts the server as a subprocess (embedded defaults, or PostgreSQL + Redis when given),
drives it from this process with N concurrent clients for a fixed number of requests per
path, and reads the cache hit rate off /metrics. Everything stays on 127.0.0.1 and stops by
itself. The load generator shares the machine's cores with the server, so figures are a
floor for what the server alone would do.

    python bench/http_load.py                                   # embedded (SQLite, memory)
    python bench/http_load.py --database-url postgresql+asyncpg://postgres@127.0.0.1/test \
        --redis-url redis://127.0.0.1:6379/0
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

import httpx2

from devmentor.kit.db import scratch_database


@dataclass
class PathResult:
    path: str
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies_ms)
        if not ordered:
            return float("nan")
        index = min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))
        return ordered[index]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(data_dir: str, args: argparse.Namespace) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEVMENTOR_")}
    env |= {
        "DEVMENTOR_DATA_DIR": data_dir,
        "DEVMENTOR_LOG_LEVEL": "warning",
        # One client IP sends everything here; the per-IP API limit would refuse it.
        "DEVMENTOR_RATE_LIMIT__ENABLED": "false",
        "DEVMENTOR_EMBEDDED": "true",  # migrate on start, one process
    }
    if args.database_url:
        env["DEVMENTOR_DATABASE_URL"] = args.database_url
    if args.redis_url:
        env["DEVMENTOR_REDIS_URL"] = args.redis_url
    return env


def seed_flags(env: dict[str, str]) -> None:
    """A few flags so /api/flags returns a realistic body (set before the first read)."""
    for n in range(5):
        subprocess.run(
            [
                sys.executable,
                "-m",
                "devmentor",
                "flags",
                "set",
                f"bench.flag-{n}",
                "on",
                "--description",
                f"benchmark flag {n}",
            ],
            env=env,
            check=True,
            capture_output=True,
        )


def start_server(port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "devmentor", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


async def wait_ready(client: httpx2.AsyncClient, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(
                f"server exited: {process.stderr.read().decode() if process.stderr else ''}"
            )
        try:
            if (await client.get("/readyz")).status_code == 200:
                return
        except httpx2.TransportError:
            pass
        await asyncio.sleep(0.2)
    raise SystemExit("server not ready within 60 s")


async def cache_counts(client: httpx2.AsyncClient) -> dict[str, float]:
    text = (await client.get("/metrics")).text
    counts = {"hit": 0.0, "miss": 0.0}
    for result, value in re.findall(
        r'^devmentor_cache_requests_total\{result="(hit|miss)"\} ([0-9.e+]+)$', text, re.M
    ):
        counts[result] = float(value)
    return counts


async def load(client: httpx2.AsyncClient, path: str, total: int, concurrency: int) -> PathResult:
    result = PathResult(path)
    remaining = total

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            start = time.perf_counter()
            try:
                response = await client.get(path)
                ok = response.status_code < 400
            except httpx2.HTTPError:
                ok = False
            result.latencies_ms.append((time.perf_counter() - start) * 1000)
            if not ok:
                result.errors += 1

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    result.seconds = time.perf_counter() - began
    return result


async def main(args: argparse.Namespace) -> None:
    if args.database_url is None:
        await run(args)
        return
    async with scratch_database(args.database_url, prefix="devmentor_bench") as database_url:
        args.database_url = database_url
        await run(args)


async def run(args: argparse.Namespace) -> None:
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="devmentor-bench-") as data_dir:
        env = server_env(data_dir, args)
        process = start_server(port, env)
        limits = httpx2.Limits(
            max_connections=args.concurrency, max_keepalive_connections=args.concurrency
        )
        try:
            async with httpx2.AsyncClient(
                base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=30
            ) as client:
                await wait_ready(client, process)
                seed_flags(env)
                await load(client, "/api/flags", args.concurrency, args.concurrency)  # warm-up
                before = await cache_counts(client)
                results = [
                    await load(client, path, args.requests, args.concurrency) for path in args.paths
                ]
                after = await cache_counts(client)
        finally:
            process.terminate()
            process.wait(timeout=30)

    backend = "PostgreSQL" if args.database_url else "SQLite"
    backend += " + Redis" if args.redis_url else " + in-process cache"
    print(
        f"devmentor serve ({backend}), {args.concurrency} concurrent clients, "
        f"{args.requests} requests per path"
    )
    print(
        f"{'path':<14}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}{'errors':>9}"
    )
    for r in results:
        print(
            f"{r.path:<14}{len(r.latencies_ms) / r.seconds:>9.0f}{r.percentile(50):>9.1f}"
            f"{r.percentile(95):>9.1f}{r.percentile(99):>9.1f}{max(r.latencies_ms):>9.1f}"
            f"{100 * r.errors / len(r.latencies_ms):>8.2f}%"
        )
    hits = after["hit"] - before["hit"]
    misses = after["miss"] - before["miss"]
    if hits + misses:
        print(
            f"cache hit rate during the run: {100 * hits / (hits + misses):.1f}% "
            f"({hits:.0f} hits, {misses:.0f} misses)"
        )
    mean_all = statistics.fmean(x for r in results for x in r.latencies_ms)
    print(f"mean latency over all paths: {mean_all:.1f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--requests", type=int, default=3000, help="per path")
    parser.add_argument("--paths", nargs="+", default=["/api/flags", "/healthz", "/readyz"])
    parser.add_argument("--database-url")
    parser.add_argument("--redis-url")
    asyncio.run(main(parser.parse_args()))
