"""The circuit breaker: opening on failure rate or a 429, one probe when half-open."""

from __future__ import annotations

from devmentor.ai.breaker import CircuitBreaker, State


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def breaker(clock: Clock, **kwargs: float) -> CircuitBreaker:
    options = {"window_seconds": 60.0, "min_calls": 5, "failure_rate": 0.5, "open_seconds": 30.0}
    options.update(kwargs)
    return CircuitBreaker(clock=clock, **options)  # type: ignore[arg-type]


def state(b: CircuitBreaker) -> State:
    # A function call, so that mypy doesn't narrow the property across mutations.
    return b.state


def fail(b: CircuitBreaker, n: int = 1) -> None:
    for _ in range(n):
        permit = b.acquire()
        assert permit is not None
        b.record_failure(permit)


def succeed(b: CircuitBreaker, n: int = 1) -> None:
    for _ in range(n):
        permit = b.acquire()
        assert permit is not None
        b.record_success(permit)


def test_stays_closed_below_the_minimum_number_of_calls() -> None:
    b = breaker(Clock())
    fail(b, 4)
    assert state(b) is State.CLOSED


def test_opens_when_more_than_half_of_at_least_five_calls_fail() -> None:
    b = breaker(Clock())
    succeed(b, 2)
    fail(b, 2)
    assert state(b) is State.CLOSED  # 2 of 4: too few calls
    fail(b)
    assert state(b) is State.OPEN  # 3 of 5 > 50 %
    assert b.acquire() is None


def test_exactly_half_failing_does_not_open() -> None:
    b = breaker(Clock())
    succeed(b, 3)
    fail(b, 3)
    assert state(b) is State.CLOSED


def test_old_outcomes_leave_the_window() -> None:
    clock = Clock()
    b = breaker(clock)
    fail(b, 4)
    clock.now += 61
    succeed(b)
    fail(b)
    assert state(b) is State.CLOSED
    assert b.snapshot().calls_in_window == 2


def test_a_rate_limit_opens_at_once_for_the_retry_after() -> None:
    clock = Clock()
    b = breaker(clock)
    permit = b.acquire()
    assert permit is not None
    b.record_failure(permit, rate_limited=True, retry_after=2.0)
    assert state(b) is State.OPEN
    assert b.retry_in() == 2.0
    clock.now += 2.0
    assert state(b) is State.HALF_OPEN


def test_half_open_lets_exactly_one_probe_through() -> None:
    clock = Clock()
    b = breaker(clock)
    fail(b, 5)
    clock.now += 30
    probe = b.acquire()
    assert probe is not None
    assert probe.probe
    # Everyone else is refused while the probe is out.
    assert [b.acquire() for _ in range(10)] == [None] * 10
    b.record_success(probe)
    assert state(b) is State.CLOSED
    assert b.acquire() is not None


def test_a_failed_probe_opens_again() -> None:
    clock = Clock()
    b = breaker(clock)
    fail(b, 5)
    clock.now += 30
    probe = b.acquire()
    assert probe is not None
    b.record_failure(probe)
    assert state(b) is State.OPEN
    assert b.acquire() is None
    assert b.snapshot().opened_total == 2


def test_a_released_probe_frees_the_slot() -> None:
    clock = Clock()
    b = breaker(clock)
    fail(b, 5)
    clock.now += 30
    probe = b.acquire()
    assert probe is not None
    b.release(probe)  # the prober was cancelled: no verdict, but someone else may probe
    assert state(b) is State.HALF_OPEN
    assert b.acquire() is not None


def test_a_permit_counts_once() -> None:
    b = breaker(Clock())
    permit = b.acquire()
    assert permit is not None
    b.record_failure(permit)
    b.record_failure(permit)
    b.record_success(permit)
    snap = b.snapshot()
    assert (snap.calls_in_window, snap.failures_in_window) == (1, 1)


def test_calls_started_before_opening_do_not_count_afterwards() -> None:
    b = breaker(Clock())
    late = [b.acquire() for _ in range(3)]
    fail(b, 5)
    assert state(b) is State.OPEN
    for permit in late:
        assert permit is not None
        b.record_failure(permit)
    assert b.snapshot().opened_total == 1


def test_state_changes_are_reported() -> None:
    clock = Clock()
    seen: list[State] = []
    b = CircuitBreaker(clock=clock, on_change=seen.append, min_calls=1, open_seconds=5)
    fail(b)
    clock.now += 5
    probe = b.acquire()
    assert probe is not None
    b.record_success(probe)
    assert seen == [State.OPEN, State.HALF_OPEN, State.CLOSED]
