"""Readiness checks: is each dependency this process needs answering right now?"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from devmentor.kit.metrics import DEPENDENCY_UP

Check = Callable[[], Awaitable[object]]


@dataclass(frozen=True, slots=True)
class CheckResult:
    name: str
    ok: bool
    latency_ms: float
    error: str | None = None


async def _run(name: str, check: Check, limit_seconds: float) -> CheckResult:
    start = time.perf_counter()
    try:
        async with asyncio.timeout(limit_seconds):
            await check()
    except TimeoutError:
        result = CheckResult(name, False, _ms(start), f"no answer within {limit_seconds:g}s")
    except Exception as exc:
        # The exception type and message, never a URL with credentials: redis-py and
        # asyncpg messages name host and port only.
        result = CheckResult(name, False, _ms(start), f"{type(exc).__name__}: {exc}"[:300])
    else:
        result = CheckResult(name, True, _ms(start))
    DEPENDENCY_UP.labels(name=name).set(1 if result.ok else 0)
    return result


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 2)


async def run_checks(checks: dict[str, Check], *, limit_seconds: float) -> list[CheckResult]:
    """Run every check concurrently, each bounded by ``limit_seconds``."""
    return list(
        await asyncio.gather(*(_run(name, check, limit_seconds) for name, check in checks.items()))
    )
