"""A circuit breaker per provider and model.

Closed: calls pass and outcomes are counted over a sliding time window. The breaker opens
when the window holds at least ``min_calls`` outcomes and more than ``failure_rate`` of them
failed, or at once on a rate-limit answer (the provider said "stop"; hammering it makes it
worse). Open: calls are refused until ``open_seconds`` (or the provider's ``Retry-After``)
have passed. Half-open: exactly one probe goes through; its success closes the breaker, its
failure opens it again. Every other caller is refused while the probe is out, which is what
purgatory and ``circuitbreaker`` get wrong (they let every concurrent call probe).

State is per process: each replica learns a provider's health from its own calls.
"""

from __future__ import annotations

import collections
import enum
import time
from collections.abc import Callable
from dataclasses import dataclass


class State(enum.StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


#: Gauge values for the breaker-state metric.
STATE_VALUE = {State.CLOSED: 0, State.HALF_OPEN: 1, State.OPEN: 2}


@dataclass(frozen=True, slots=True)
class BreakerSnapshot:
    state: State
    calls_in_window: int
    failures_in_window: int
    #: Seconds until an open breaker lets a probe through (0 when not open).
    retry_in: float
    probe_in_flight: bool
    opened_total: int


class Permit:
    """Leave to make one call. Give it back with exactly one of the breaker's record calls."""

    __slots__ = ("probe", "settled")

    def __init__(self, probe: bool) -> None:
        self.probe = probe
        self.settled = False


class CircuitBreaker:
    def __init__(
        self,
        *,
        window_seconds: float = 60.0,
        min_calls: int = 5,
        failure_rate: float = 0.5,
        open_seconds: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
        on_change: Callable[[State], None] | None = None,
    ) -> None:
        self._window = window_seconds
        self._min_calls = min_calls
        self._failure_rate = failure_rate
        self._open_seconds = open_seconds
        self._clock = clock
        self._on_change = on_change
        self._state = State.CLOSED
        self._open_until = 0.0
        self._probe_out = False
        self._opened_total = 0
        # (time, failed) per finished call, oldest first; failures counted alongside.
        self._outcomes: collections.deque[tuple[float, bool]] = collections.deque()
        self._failures = 0

    @property
    def state(self) -> State:
        if self._state is State.OPEN and self._clock() >= self._open_until:
            return State.HALF_OPEN
        return self._state

    def acquire(self) -> Permit | None:
        """A permit to call, or None when the breaker refuses. Never waits."""
        if self._state is State.CLOSED:
            return Permit(probe=False)
        if self._state is State.OPEN:
            if self._clock() < self._open_until:
                return None
            self._set(State.HALF_OPEN)
        if self._probe_out:
            return None
        self._probe_out = True
        return Permit(probe=True)

    def retry_in(self) -> float:
        if self._state is not State.OPEN:
            return 0.0
        return max(0.0, self._open_until - self._clock())

    def record_success(self, permit: Permit) -> None:
        if not self._settle(permit):
            return
        if permit.probe:
            self._probe_out = False
            self._outcomes.clear()
            self._failures = 0
            self._set(State.CLOSED)
            return
        self._count(failed=False)

    def record_failure(
        self, permit: Permit, *, rate_limited: bool = False, retry_after: float | None = None
    ) -> None:
        if not self._settle(permit):
            return
        if permit.probe:
            self._probe_out = False
            self._open(retry_after)
            return
        if self._state is not State.CLOSED:
            return  # a call that started before the breaker opened; it already counted
        self._count(failed=True)
        if rate_limited or self._tripped():
            self._open(retry_after)

    def release(self, permit: Permit) -> None:
        """Give a permit back without an outcome (the caller was cancelled, or the failure
        says nothing about the target's health). A probe slot is freed for another caller."""
        if self._settle(permit) and permit.probe:
            self._probe_out = False

    def snapshot(self) -> BreakerSnapshot:
        self._trim(self._clock())
        return BreakerSnapshot(
            state=self.state,
            calls_in_window=len(self._outcomes),
            failures_in_window=self._failures,
            retry_in=round(self.retry_in(), 3),
            probe_in_flight=self._probe_out,
            opened_total=self._opened_total,
        )

    # -- internals -------------------------------------------------------------

    @staticmethod
    def _settle(permit: Permit) -> bool:
        if permit.settled:
            return False
        permit.settled = True
        return True

    def _count(self, *, failed: bool) -> None:
        now = self._clock()
        self._outcomes.append((now, failed))
        self._failures += failed
        self._trim(now)

    def _trim(self, now: float) -> None:
        horizon = now - self._window
        while self._outcomes and self._outcomes[0][0] < horizon:
            _, failed = self._outcomes.popleft()
            self._failures -= failed

    def _tripped(self) -> bool:
        calls = len(self._outcomes)
        return calls >= self._min_calls and self._failures / calls > self._failure_rate

    def _open(self, retry_after: float | None) -> None:
        wait = self._open_seconds if retry_after is None else max(retry_after, 0.0)
        self._open_until = self._clock() + wait
        self._outcomes.clear()
        self._failures = 0
        self._opened_total += 1
        self._set(State.OPEN)

    def _set(self, state: State) -> None:
        if state is not self._state:
            self._state = state
            if self._on_change is not None:
                self._on_change(state)
