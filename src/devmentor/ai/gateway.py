"""The AI gateway: one call in, the best available answer out.

For each call the gateway walks the task's route, a chain of up to five provider:model
targets that ends in the offline mentor by default. For each target, in order:

1. the response cache (exact match on provider, model, normalised messages, parameters and
   the caller's cache scope);
2. singleflight: an identical call already in flight in this process is joined, not repeated;
3. the target's circuit breaker (an open breaker skips the target at once);
4. the user's budget: the worst-case cost is reserved atomically before the call and
   settled to the real cost after it;
5. the call itself, retried on 408/429/5xx/connection errors with exponential backoff and
   full jitter, honouring ``Retry-After``, all within one deadline for the whole call.

A target that still fails hands over to the next one. Streams fall back the same way, but
only until their first byte: after that the learner has seen part of an answer, and
switching models mid-answer would produce nonsense.

Everything is recorded: a usage-ledger row per hop, Prometheus metrics, and the gateway's
own overhead (wall time minus time spent waiting on providers) on every ``Completion``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
import uuid
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

import structlog
from pydantic import BaseModel, ValidationError

from devmentor.ai.breaker import STATE_VALUE, CircuitBreaker, Permit, State
from devmentor.ai.budget import BudgetLimits, BudgetStore, Reservation, SeedLoader, cost_micros
from devmentor.ai.caching import cache_key, from_cache, to_cache
from devmentor.ai.exceptions import (
    NOT_A_HEALTH_SIGNAL,
    AIUnavailable,
    BreakerOpen,
    BudgetExceeded,
    ProviderError,
    StreamInterrupted,
)
from devmentor.ai.ledger import UsageEntry, UsageRecorder
from devmentor.ai.metrics import (
    AI_BREAKER_STATE,
    AI_BUDGET_REJECTIONS,
    AI_CACHE,
    AI_COST,
    AI_FALLBACKS,
    AI_OVERHEAD,
    AI_REQUESTS,
    AI_TOKENS,
    AI_UPSTREAM_LATENCY,
)
from devmentor.ai.pricing import PriceTable, max_input_tokens
from devmentor.ai.providers.base import Provider, parse_json_answer
from devmentor.ai.retry import RetryPolicy, Timing
from devmentor.ai.types import (
    ChatRequest,
    Completion,
    Hop,
    ProviderResponse,
    StreamDelta,
    StreamEnd,
    StreamEvent,
    Task,
    Usage,
)
from devmentor.kit.cache import CacheTiers
from devmentor.kit.context import request_id_var
from devmentor.kit.errors import RateLimited
from devmentor.kit.ratelimit import RateLimiter, parse_limit
from devmentor.settings import MAX_ROUTE_HOPS, AISettings

log = structlog.get_logger(__name__)

M = TypeVar("M", bound=BaseModel)
Validator = Callable[[str], object]

_CACHE_VERSION = "v1"
#: The time an in-process provider (the offline mentor) gets even past the deadline.
_IN_PROCESS_MIN_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class Target:
    provider: str
    model: str

    @property
    def key(self) -> str:
        return f"{self.provider}:{self.model}"


class AIGateway:
    def __init__(
        self,
        settings: AISettings,
        *,
        providers: Mapping[str, Provider],
        routes: Mapping[Task, tuple[Target, ...]],
        cache: CacheTiers,
        limiter: RateLimiter,
        budgets: BudgetStore,
        recorder: UsageRecorder,
        seed_loader: SeedLoader,
        prices: PriceTable,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.settings = settings
        self.providers = dict(providers)
        self.routes = dict(routes)
        self.prices = prices
        self.budgets = budgets
        self.recorder = recorder
        self._cache = cache
        self._limiter = limiter
        self._seed_loader = seed_loader
        self._clock = clock
        self._retry = RetryPolicy(settings, clock=clock, sleep=sleep)
        self._user_limit = parse_limit(settings.user_rate_limit)
        self._limits = BudgetLimits(
            daily_tokens=settings.budget_daily_tokens,
            monthly_tokens=settings.budget_monthly_tokens,
            daily_usd=settings.budget_daily_usd,
            monthly_usd=settings.budget_monthly_usd,
        )
        self._breakers: dict[str, CircuitBreaker] = {}
        self._inflight: dict[str, asyncio.Task[tuple[ProviderResponse, int]]] = {}
        for route in self.routes.values():
            if not 1 <= len(route) <= MAX_ROUTE_HOPS:
                raise ValueError(f"a route needs 1 to {MAX_ROUTE_HOPS} targets")
            for target in route:
                if target.provider not in self.providers:
                    raise ValueError(f"route target {target.key} has no provider")
                self.breaker(target)

    # -- introspection ---------------------------------------------------------

    def route(self, task: Task) -> tuple[Target, ...]:
        return self.routes[task]

    def breaker(self, target: Target) -> CircuitBreaker:
        breaker = self._breakers.get(target.key)
        if breaker is None:
            gauge = AI_BREAKER_STATE.labels(provider=target.provider, model=target.model)
            gauge.set(0)

            def on_change(state: State) -> None:
                gauge.set(STATE_VALUE[state])
                log.info("ai_breaker_state", target=target.key, state=state.value)

            breaker = CircuitBreaker(
                window_seconds=self.settings.breaker_window_seconds,
                min_calls=self.settings.breaker_min_calls,
                failure_rate=self.settings.breaker_failure_rate,
                open_seconds=self.settings.breaker_open_seconds,
                clock=self._clock,
                on_change=on_change,
            )
            self._breakers[target.key] = breaker
        return breaker

    def targets(self) -> list[Target]:
        seen: dict[str, Target] = {}
        for route in self.routes.values():
            for target in route:
                seen.setdefault(target.key, target)
        return list(seen.values())

    async def aclose(self) -> None:
        for task in list(self._inflight.values()):
            task.cancel()
        await self.recorder.close()
        for provider in self.providers.values():
            await provider.aclose()
        await self.budgets.close()

    # -- calls -----------------------------------------------------------------

    async def complete(
        self,
        request: ChatRequest,
        *,
        user_id: uuid.UUID | None,
        validator: Validator | None = None,
    ) -> Completion:
        """The first answer a target of ``request.task``'s route gives.

        Raises ``RateLimited`` or ``BudgetExceeded`` (429) before any upstream call, and
        ``AIUnavailable`` (503) when every target failed.
        """
        timing = Timing()
        try:
            await self._check_rate(user_id)
            completion = await self._complete(request, user_id, validator, timing)
        except BudgetExceeded as exc:
            AI_REQUESTS.labels(task=request.task.value, outcome="budget_exceeded").inc()
            AI_BUDGET_REJECTIONS.labels(
                period=exc.extra["period"], measure=exc.extra["measure"]
            ).inc()
            raise
        except RateLimited:
            AI_REQUESTS.labels(task=request.task.value, outcome="rate_limited").inc()
            raise
        except AIUnavailable:
            AI_REQUESTS.labels(task=request.task.value, outcome="unavailable").inc()
            raise
        AI_REQUESTS.labels(
            task=request.task.value, outcome="cached" if completion.cached else "ok"
        ).inc()
        AI_OVERHEAD.labels(task=request.task.value).observe(completion.overhead_ms / 1000)
        return completion

    async def complete_structured(
        self, request: ChatRequest, schema: type[M], *, user_id: uuid.UUID | None
    ) -> tuple[M, Completion]:
        """An answer validated against ``schema``. A target whose answer does not validate
        counts as failed (``malformed``) and the next target is tried."""
        request = _with_schema(request, schema)

        def validate(text: str) -> object:
            data = parse_json_answer(text, "", "")
            try:
                return schema.model_validate(data)
            except ValidationError as exc:
                raise ProviderError(
                    "malformed",
                    f"the answer does not match {schema.__name__}: {exc.error_count()} errors",
                ) from exc

        completion = await self.complete(request, user_id=user_id, validator=validate)
        return schema.model_validate(parse_json_answer(completion.text, "", "")), completion

    async def _check_rate(self, user_id: uuid.UUID | None) -> None:
        if user_id is None:
            return
        result = await self._limiter.hit(self._user_limit, str(user_id), scope="ai")
        if not result.allowed:
            raise RateLimited(
                "Too many AI requests; try again shortly.", retry_after=result.retry_after
            )

    async def _complete(
        self,
        request: ChatRequest,
        user_id: uuid.UUID | None,
        validator: Validator | None,
        timing: Timing,
    ) -> Completion:
        deadline = self._clock() + self.settings.deadline_seconds
        hops: list[Hop] = []
        last_error: ProviderError | None = None
        budget_error: BudgetExceeded | None = None
        for target in self.route(request.task):
            provider = self.providers[target.provider]
            if budget_error is not None and provider.metered:
                continue
            hop_started = time.perf_counter()
            try:
                response, attempts, source = await self._hop(
                    target, provider, request, user_id, deadline, validator, timing
                )
            except BudgetExceeded as exc:
                self._record(target, request, user_id, "budget_exceeded", hop_started, provider)
                if self.settings.on_budget_exceeded == "reject":
                    raise
                budget_error = exc
                hops.append(Hop(target.provider, target.model, "budget_exceeded"))
                continue
            except ProviderError as exc:
                last_error = exc
                outcome = "skipped_open_breaker" if isinstance(exc, BreakerOpen) else exc.kind
                hops.append(Hop(target.provider, target.model, outcome, exc.attempts))
                AI_FALLBACKS.labels(
                    task=request.task.value, from_provider=target.provider, reason=outcome
                ).inc()
                log.warning(
                    "ai_target_failed",
                    target=target.key,
                    task=request.task.value,
                    reason=outcome,
                    status=exc.status,
                )
                continue
            hops.append(Hop(target.provider, target.model, source, attempts))
            return self._completion(
                target,
                provider,
                request,
                user_id,
                response,
                source,
                attempts,
                hops,
                hop_started,
                timing,
            )
        if budget_error is not None and last_error is None:
            raise budget_error
        raise _unavailable(hops, last_error)

    async def _hop(
        self,
        target: Target,
        provider: Provider,
        request: ChatRequest,
        user_id: uuid.UUID | None,
        deadline: float,
        validator: Validator | None,
        timing: Timing,
    ) -> tuple[ProviderResponse, int, str]:
        """One target: cache, singleflight, then the guarded call. Returns the response,
        the attempts it took and where it came from ("ok", "cached" or "shared")."""
        key = cache_key(target.provider, target.model, request) if self._caching(provider) else None
        if key is not None:
            hit = await self._cache.get(key)
            if hit is not None:
                AI_CACHE.labels(task=request.task.value, result="hit").inc()
                return from_cache(hit), 0, "cached"
            pending = self._inflight.get(key)
            if pending is not None:
                AI_CACHE.labels(task=request.task.value, result="shared").inc()
                waited_from = time.perf_counter()
                try:
                    response, _ = await asyncio.shield(pending)
                finally:
                    timing.waited += time.perf_counter() - waited_from
                return response, 0, "shared"
            AI_CACHE.labels(task=request.task.value, result="miss").inc()
            self._refuse_if_open(target)
            # The call runs as its own task so that a caller who goes away (a closed tab)
            # neither cancels it for the others nor loses the answer for the cache.
            call = asyncio.create_task(
                self._guarded_call(
                    target, provider, request, user_id, deadline, validator, timing, key
                )
            )
            self._inflight[key] = call
            call.add_done_callback(lambda _: self._inflight.pop(key, None))
            response, attempts = await asyncio.shield(call)
            return response, attempts, "ok"
        self._refuse_if_open(target)
        response, attempts = await self._guarded_call(
            target, provider, request, user_id, deadline, validator, timing, None
        )
        return response, attempts, "ok"

    def _refuse_if_open(self, target: Target) -> None:
        # Before reserving budget: an open breaker would refuse the call anyway.
        breaker = self.breaker(target)
        if breaker.state is State.OPEN:
            raise BreakerOpen(target.provider, target.model, breaker.retry_in())

    def _caching(self, provider: Provider) -> bool:
        return self.settings.cache_enabled and provider.cacheable

    async def _guarded_call(
        self,
        target: Target,
        provider: Provider,
        request: ChatRequest,
        user_id: uuid.UUID | None,
        deadline: float,
        validator: Validator | None,
        timing: Timing,
        key: str | None,
    ) -> tuple[ProviderResponse, int]:
        reservation = await self._reserve(target, provider, request, user_id)
        hop_started = time.perf_counter()
        try:
            response, attempts = await self._attempts(
                target, provider, request, deadline, validator, timing
            )
        except ProviderError as exc:
            if not isinstance(exc, BreakerOpen):
                self._record(
                    target,
                    request,
                    user_id,
                    exc.kind,
                    hop_started,
                    provider,
                    attempts=exc.attempts,
                    status=exc.status,
                )
            if reservation is not None:
                await self.budgets.settle(reservation, tokens=0, micros=0)
            raise
        except BaseException:
            if reservation is not None:
                await self.budgets.settle(reservation, tokens=0, micros=0)
            raise
        if reservation is not None:
            cost = self.prices.cost_usd(target.model, response.usage)
            await self.budgets.settle(
                reservation, tokens=response.usage.total, micros=cost_micros(cost)
            )
        if key is not None:
            await self._cache.set(key, to_cache(response), ttl=self.settings.cache_ttl_seconds)
        return response, attempts

    async def _reserve(
        self, target: Target, provider: Provider, request: ChatRequest, user_id: uuid.UUID | None
    ) -> Reservation | None:
        if not provider.metered or user_id is None or self._limits.unlimited:
            return None
        worst = Usage(max_input_tokens(request), request.max_output_tokens)
        return await self.budgets.reserve(
            str(user_id),
            tokens=worst.total,
            micros=cost_micros(self.prices.cost_usd(target.model, worst)),
            limits=self._limits,
            now=dt.datetime.now(dt.UTC),
            seed=self._seed_loader,
        )

    async def _attempts(
        self,
        target: Target,
        provider: Provider,
        request: ChatRequest,
        deadline: float,
        validator: Validator | None,
        timing: Timing,
    ) -> tuple[ProviderResponse, int]:
        breaker = self.breaker(target)
        attempt_number = 0
        retrying = self._retry.retrying(target.provider, target.model, deadline, timing)
        try:
            async for attempt in retrying:
                with attempt:
                    attempt_number = attempt.retry_state.attempt_number
                    response = await self._attempt(
                        target, provider, request, deadline, validator, timing, breaker
                    )
                    return response, attempt_number
        except ProviderError as exc:
            exc.attempts = attempt_number
            raise
        raise AssertionError("unreachable: tenacity either returns or raises")  # pragma: no cover

    async def _attempt(
        self,
        target: Target,
        provider: Provider,
        request: ChatRequest,
        deadline: float,
        validator: Validator | None,
        timing: Timing,
        breaker: CircuitBreaker,
    ) -> ProviderResponse:
        permit = breaker.acquire()
        if permit is None:
            raise BreakerOpen(target.provider, target.model, breaker.retry_in())
        try:
            timeout = self._time_limit(target, provider, deadline)
        except ProviderError:
            breaker.release(permit)
            raise
        started = time.perf_counter()
        outcome = "ok"
        try:
            response = await provider.complete(target.model, request, time_limit=timeout)
            if validator is not None:
                validator(response.text)
        except ProviderError as exc:
            exc.provider, exc.model = target.provider, target.model
            outcome = exc.kind
            _count_failure(breaker, permit, exc)
            raise
        except BaseException:
            outcome = "cancelled"
            breaker.release(permit)
            raise
        finally:
            spent = time.perf_counter() - started
            timing.waited += spent
            AI_UPSTREAM_LATENCY.labels(
                provider=target.provider, model=target.model, outcome=outcome
            ).observe(spent)
        breaker.record_success(permit)
        return response

    def _time_limit(self, target: Target, provider: Provider, deadline: float) -> float:
        """This attempt's time limit: what is left of the call's deadline, capped."""
        remaining = deadline - self._clock()
        if provider.in_process:
            # Our own code, no network: it answers even after remote targets used up the
            # deadline, so a learner still gets an answer.
            remaining = max(remaining, _IN_PROCESS_MIN_SECONDS)
        if remaining <= 0:
            raise ProviderError(
                "timeout",
                "the call's deadline passed",
                provider=target.provider,
                model=target.model,
            )
        return min(self.settings.attempt_timeout_seconds, remaining)

    # -- streams ---------------------------------------------------------------

    async def stream(
        self, request: ChatRequest, *, user_id: uuid.UUID | None
    ) -> AsyncIterator[StreamDelta | Completion]:
        """Deltas of the answer, then its ``Completion`` as the last item.

        Targets fall back (and retry) only before the first delta. A stream that breaks
        after it raises ``StreamInterrupted``. Finished answers are cached; a cached answer
        arrives as one delta.
        """
        timing = Timing()
        await self._check_rate(user_id)
        deadline = self._clock() + self.settings.deadline_seconds
        hops: list[Hop] = []
        last_error: ProviderError | None = None
        for target in self.route(request.task):
            provider = self.providers[target.provider]
            hop_started = time.perf_counter()
            key = (
                cache_key(target.provider, target.model, request)
                if self._caching(provider)
                else None
            )
            if key is not None:
                hit = await self._cache.get(key)
                if hit is not None:
                    AI_CACHE.labels(task=request.task.value, result="hit").inc()
                    response = from_cache(hit)
                    hops.append(Hop(target.provider, target.model, "cached"))
                    yield StreamDelta(response.text)
                    yield self._completion(
                        target,
                        provider,
                        request,
                        user_id,
                        response,
                        "cached",
                        0,
                        hops,
                        hop_started,
                        timing,
                    )
                    return
                AI_CACHE.labels(task=request.task.value, result="miss").inc()
            try:
                reservation = await self._reserve(target, provider, request, user_id)
            except BudgetExceeded:
                self._record(target, request, user_id, "budget_exceeded", hop_started, provider)
                if self.settings.on_budget_exceeded == "reject":
                    raise
                hops.append(Hop(target.provider, target.model, "budget_exceeded"))
                continue
            try:
                opened = await self._open_stream(target, provider, request, deadline, timing)
            except ProviderError as exc:
                if reservation is not None:
                    await self.budgets.settle(reservation, tokens=0, micros=0)
                last_error = exc
                outcome = "skipped_open_breaker" if isinstance(exc, BreakerOpen) else exc.kind
                if not isinstance(exc, BreakerOpen):
                    self._record(
                        target, request, user_id, exc.kind, hop_started, provider, status=exc.status
                    )
                hops.append(Hop(target.provider, target.model, outcome))
                AI_FALLBACKS.labels(
                    task=request.task.value, from_provider=target.provider, reason=outcome
                ).inc()
                continue
            events, first, permit, breaker, attempts = opened
            pieces = [first.text]
            yield first
            end: StreamEnd | None = None
            try:
                while True:
                    waited_from = time.perf_counter()
                    try:
                        event = await anext(events)
                    except StopAsyncIteration:
                        break
                    finally:
                        timing.waited += time.perf_counter() - waited_from
                    if isinstance(event, StreamEnd):
                        end = event
                    else:
                        pieces.append(event.text)
                        yield event
            except ProviderError as exc:
                breaker.record_failure(permit)
                usage = Usage(max_input_tokens(request), sum(len(p) for p in pieces))
                if reservation is not None:
                    cost = self.prices.cost_usd(target.model, usage)
                    await self.budgets.settle(
                        reservation, tokens=usage.total, micros=cost_micros(cost)
                    )
                self._record(
                    target,
                    request,
                    user_id,
                    "stream_interrupted",
                    hop_started,
                    provider,
                    attempts=attempts,
                )
                AI_REQUESTS.labels(task=request.task.value, outcome="stream_interrupted").inc()
                raise StreamInterrupted(
                    "The answer broke off part-way; ask again to get a complete one."
                ) from exc
            except BaseException:
                breaker.release(permit)
                if reservation is not None:
                    await self.budgets.settle(reservation, tokens=0, micros=0)
                await events.aclose()
                raise
            breaker.record_success(permit)
            text = "".join(pieces)
            usage = end.usage if end is not None and end.usage is not None else Usage()
            response = ProviderResponse(
                text, usage, target.model, end.finish_reason if end else None
            )
            if reservation is not None:
                cost = self.prices.cost_usd(target.model, usage)
                await self.budgets.settle(reservation, tokens=usage.total, micros=cost_micros(cost))
            if key is not None:
                await self._cache.set(key, to_cache(response), ttl=self.settings.cache_ttl_seconds)
            hops.append(Hop(target.provider, target.model, "ok", attempts))
            AI_REQUESTS.labels(task=request.task.value, outcome="ok").inc()
            yield self._completion(
                target,
                provider,
                request,
                user_id,
                response,
                "ok",
                attempts,
                hops,
                hop_started,
                timing,
            )
            return
        AI_REQUESTS.labels(task=request.task.value, outcome="unavailable").inc()
        raise _unavailable(hops, last_error)

    async def _open_stream(
        self,
        target: Target,
        provider: Provider,
        request: ChatRequest,
        deadline: float,
        timing: Timing,
    ) -> tuple[AsyncGenerator[StreamEvent, None], StreamDelta, Permit, CircuitBreaker, int]:
        """Start a stream and wait for its first delta, with retries; the permit stays
        out until the stream ends."""
        breaker = self.breaker(target)
        attempt_number = 0
        retrying = self._retry.retrying(target.provider, target.model, deadline, timing)
        async for attempt in retrying:
            with attempt:
                attempt_number = attempt.retry_state.attempt_number
                permit = breaker.acquire()
                if permit is None:
                    raise BreakerOpen(target.provider, target.model, breaker.retry_in())
                try:
                    timeout = self._time_limit(target, provider, deadline)
                except ProviderError:
                    breaker.release(permit)
                    raise
                events = provider.stream(target.model, request, time_limit=timeout)
                started = time.perf_counter()
                try:
                    first = await asyncio.wait_for(anext(events), timeout)
                    while isinstance(first, StreamEnd):  # an empty answer: nothing to show
                        first = await asyncio.wait_for(anext(events), timeout)
                except (StopAsyncIteration, TimeoutError) as exc:
                    await events.aclose()
                    error = ProviderError(
                        "timeout" if isinstance(exc, TimeoutError) else "malformed",
                        "no first byte in time"
                        if isinstance(exc, TimeoutError)
                        else "empty stream",
                        provider=target.provider,
                        model=target.model,
                    )
                    _count_failure(breaker, permit, error)
                    raise error from exc
                except ProviderError as exc:
                    exc.provider, exc.model = target.provider, target.model
                    _count_failure(breaker, permit, exc)
                    raise
                except BaseException:
                    breaker.release(permit)
                    await events.aclose()
                    raise
                finally:
                    timing.waited += time.perf_counter() - started
                return events, first, permit, breaker, attempt_number
        raise AssertionError("unreachable: tenacity either returns or raises")  # pragma: no cover

    # -- bookkeeping -----------------------------------------------------------

    def _completion(
        self,
        target: Target,
        provider: Provider,
        request: ChatRequest,
        user_id: uuid.UUID | None,
        response: ProviderResponse,
        source: str,
        attempts: int,
        hops: list[Hop],
        hop_started: float,
        timing: Timing,
    ) -> Completion:
        fresh = source == "ok"
        cost = (
            self.prices.cost_usd(target.model, response.usage)
            if fresh and provider.metered
            else 0.0
        )
        if fresh:
            AI_TOKENS.labels(provider=target.provider, model=target.model, direction="input").inc(
                response.usage.input_tokens
            )
            AI_TOKENS.labels(provider=target.provider, model=target.model, direction="output").inc(
                response.usage.output_tokens
            )
            if cost:
                AI_COST.labels(provider=target.provider, model=target.model).inc(cost)
        self._record(
            target,
            request,
            user_id,
            source,
            hop_started,
            provider,
            usage=response.usage if fresh else None,
            cost=cost,
            attempts=attempts,
        )
        return Completion(
            text=response.text,
            provider=target.provider,
            model=response.model if fresh else target.model,
            task=request.task,
            cached=not fresh,
            usage=response.usage if fresh else Usage(),
            cost_usd=cost,
            latency_ms=timing.elapsed_ms(),
            overhead_ms=timing.overhead_ms(),
            hops=tuple(hops),
            finish_reason=response.finish_reason,
        )

    def _record(
        self,
        target: Target,
        request: ChatRequest,
        user_id: uuid.UUID | None,
        outcome: str,
        hop_started: float,
        provider: Provider,
        *,
        usage: Usage | None = None,
        cost: float = 0.0,
        attempts: int = 1,
        status: int | None = None,
    ) -> None:
        usage = usage or Usage()
        self.recorder.record(
            UsageEntry(
                created_at=dt.datetime.now(dt.UTC),
                user_id=user_id,
                task=request.task.value,
                provider=target.provider,
                model=target.model,
                outcome=outcome,
                input_tokens=usage.input_tokens,
                output_tokens=usage.output_tokens,
                cost_micros=cost_micros(cost) if cost else 0,
                latency_ms=round((time.perf_counter() - hop_started) * 1000, 3),
                metered=provider.metered and outcome == "ok",
                cached=outcome in ("cached", "shared"),
                attempts=attempts,
                http_status=status,
                prompt_version=request.prompt_version,
                request_id=request_id_var.get(),
            )
        )


def _unavailable(hops: list[Hop], last_error: ProviderError | None) -> AIUnavailable:
    detail = "Every AI provider for this task failed"
    if last_error is not None:
        detail += f"; the last one: {last_error.kind}"
    return AIUnavailable(detail + ".", extra={"hops": [h.outcome for h in hops]})


def _count_failure(breaker: CircuitBreaker, permit: Permit, exc: ProviderError) -> None:
    if exc.kind in NOT_A_HEALTH_SIGNAL:
        breaker.release(permit)
    else:
        breaker.record_failure(
            permit, rate_limited=exc.kind == "rate_limited", retry_after=exc.retry_after
        )


def _with_schema(request: ChatRequest, schema: type[BaseModel]) -> ChatRequest:
    from dataclasses import replace

    return replace(request, json_schema=schema.model_json_schema(), schema_name=schema.__name__)
