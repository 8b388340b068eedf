"""The gateway's retry policy, on tenacity: which errors, how long to wait, when to stop.

Waits are exponential with full jitter (``uniform(0, min(max, base * 2^n))``), unless the
provider said how long with ``Retry-After``. A wait that would pass the call's deadline,
or that is longer than a provider may make us wait, ends the retries: the next target is
a better bet than waiting.
"""

from __future__ import annotations

import random
import time
from collections.abc import Awaitable, Callable

from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt
from tenacity.stop import stop_base

from devmentor.ai.exceptions import ProviderError
from devmentor.ai.metrics import AI_RETRIES
from devmentor.settings import AISettings


class Timing:
    """Wall-clock bookkeeping of one gateway call: how long it spent waiting on providers
    (calls and backoff sleeps), so the rest is the gateway's own overhead."""

    __slots__ = ("started", "waited")

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.waited = 0.0

    def overhead_ms(self) -> float:
        return max(0.0, (time.perf_counter() - self.started - self.waited) * 1000)

    def elapsed_ms(self) -> float:
        return (time.perf_counter() - self.started) * 1000


class _StopBeforeDeadline(stop_base):
    def __init__(self, clock: Callable[[], float], deadline: float, max_wait: float) -> None:
        self._clock = clock
        self._deadline = deadline
        self._max_wait = max_wait

    def __call__(self, retry_state: RetryCallState) -> bool:
        # tenacity computes the wait before asking whether to stop.
        wait = retry_state.upcoming_sleep
        return wait > self._max_wait or self._clock() + wait >= self._deadline


def _retryable(exc: BaseException) -> bool:
    return isinstance(exc, ProviderError) and exc.retryable


def _reason(state: RetryCallState) -> str:
    exc = state.outcome.exception() if state.outcome else None
    return exc.kind if isinstance(exc, ProviderError) else "unknown"


class RetryPolicy:
    def __init__(
        self,
        settings: AISettings,
        *,
        clock: Callable[[], float],
        sleep: Callable[[float], Awaitable[None]],
    ) -> None:
        self._settings = settings
        self._clock = clock
        self._sleep = sleep

    def backoff(self, state: RetryCallState) -> float:
        """Full jitter, or the provider's ``Retry-After``."""
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, ProviderError) and exc.retry_after is not None:
            return exc.retry_after
        ceiling = min(
            self._settings.backoff_max_seconds,
            self._settings.backoff_base_seconds * 2 ** (state.attempt_number - 1),
        )
        return random.uniform(0, ceiling)  # noqa: S311 - jitter, not cryptography

    def retrying(self, provider: str, model: str, deadline: float, timing: Timing) -> AsyncRetrying:
        async def sleep(seconds: float) -> None:
            started = time.perf_counter()
            try:
                await self._sleep(seconds)
            finally:
                timing.waited += time.perf_counter() - started

        return AsyncRetrying(
            stop=stop_after_attempt(self._settings.max_attempts)
            | _StopBeforeDeadline(self._clock, deadline, self._settings.max_retry_after_seconds),
            wait=self.backoff,
            retry=retry_if_exception(_retryable),
            reraise=True,
            sleep=sleep,
            before_sleep=lambda state: AI_RETRIES.labels(
                provider=provider, model=model, reason=_reason(state)
            ).inc(),
        )
