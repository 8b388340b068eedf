"""Errors of the AI gateway.

``ProviderError`` is internal: it describes one failed provider call and drives retries,
the circuit breaker and fallback. What reaches a client is one of the ``DevMentorError``
subclasses below, rendered as problem+json.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Literal

from devmentor.kit.errors import DevMentorError

ErrorKind = Literal[
    "rate_limited",  # 429 (and Anthropic's 529 "overloaded")
    "server_error",  # 5xx
    "timeout",  # no answer within the attempt's time (or a 408)
    "connection",  # could not connect, or the connection dropped before an answer
    "malformed",  # an answer we could not parse, or one that broke the requested schema
    "stream_interrupted",  # the stream broke after the first byte: too late to fall back
    "auth",  # 401/403: the provider is misconfigured
    "bad_request",  # other 4xx: this model cannot take this request
    "unsupported",  # the provider cannot do this task (the offline mentor, mostly)
]

#: Kinds worth retrying on the same target (after a backoff).
RETRYABLE: frozenset[str] = frozenset({"rate_limited", "server_error", "timeout", "connection"})
#: Kinds that say nothing about the target's health, so the breaker ignores them.
NOT_A_HEALTH_SIGNAL: frozenset[str] = frozenset({"bad_request", "unsupported", "malformed"})


class ProviderError(Exception):
    """One provider call failed. ``retry_after`` is the provider's own hint, in seconds."""

    def __init__(
        self,
        kind: ErrorKind,
        message: str,
        *,
        provider: str = "",
        model: str = "",
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.kind: ErrorKind = kind
        self.message = message
        self.provider = provider
        self.model = model
        self.status = status
        self.retry_after = retry_after
        #: Attempts made on the target before giving up (set by the gateway).
        self.attempts = 0

    @property
    def retryable(self) -> bool:
        return self.kind in RETRYABLE

    def __str__(self) -> str:
        where = f"{self.provider}:{self.model} " if self.provider else ""
        status = f" (HTTP {self.status})" if self.status else ""
        return f"{where}{self.kind}{status}: {self.message}"


class BreakerOpen(ProviderError):
    """The target's circuit breaker refused the call; nothing was sent."""

    def __init__(self, provider: str, model: str, retry_in: float) -> None:
        super().__init__(
            "server_error",
            f"circuit open, next probe in {retry_in:.1f}s",
            provider=provider,
            model=model,
        )
        self.retry_in = retry_in

    @property
    def retryable(self) -> bool:
        return False


class BudgetExceeded(DevMentorError):
    status = 429
    code = "ai_budget_exceeded"
    title = "AI budget exceeded"

    def __init__(self, *, period: str, measure: str, limit: float, resets_at: dt.datetime) -> None:
        retry_after = max(1, math.ceil((resets_at - dt.datetime.now(dt.UTC)).total_seconds()))
        unit = "tokens" if measure == "tokens" else "USD"
        super().__init__(
            f"Your {period} AI {unit} budget ({limit:g} {unit}) is used up; "
            f"it resets at {resets_at.isoformat()}.",
            headers={"Retry-After": str(retry_after)},
            extra={
                "period": period,
                "measure": measure,
                "limit": limit,
                "resets_at": resets_at.isoformat(),
                "retry_after": retry_after,
            },
        )


class AIUnavailable(DevMentorError):
    status = 503
    code = "ai_unavailable"
    title = "No AI provider could answer"


class StreamInterrupted(DevMentorError):
    status = 502
    code = "ai_stream_interrupted"
    title = "The AI provider's answer broke off"
