"""The gateway against fake OpenAI and Anthropic servers: retries, breakers, fallback,
budgets, caching and singleflight, all over real HTTP through the official SDKs."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid

import pytest
from pydantic import BaseModel

from devmentor.ai.breaker import State
from devmentor.ai.exceptions import AIUnavailable, BudgetExceeded, StreamInterrupted
from devmentor.ai.gateway import Target
from devmentor.ai.pricing import max_input_tokens
from devmentor.ai.types import ChatRequest, Completion, StreamDelta, Task
from devmentor.kit.errors import RateLimited
from tests.ai.conftest import ANTHROPIC_MODEL, OPENAI_MODEL, AIApp, StartAI
from tests.ai.conftest import chat as ask
from tests.fakes.llm import (
    CutStream,
    Delay,
    Fail,
    FakeAnthropic,
    FakeOpenAI,
    Hold,
    Malformed,
    Reply,
)

OPENAI = Target("openai", OPENAI_MODEL)


async def collect(
    ai: AIApp, request: ChatRequest, user: uuid.UUID | None
) -> tuple[str, Completion]:
    pieces: list[str] = []
    completion: Completion | None = None
    async for event in ai.gateway.stream(request, user_id=user):
        if isinstance(event, StreamDelta):
            pieces.append(event.text)
        else:
            completion = event
    assert completion is not None
    return "".join(pieces), completion


async def test_answers_from_the_first_target_with_usage_and_cost(
    ai_app: AIApp, fake_openai: FakeOpenAI, fake_anthropic: FakeAnthropic
) -> None:
    fake_openai.script(Reply("Closures capture variables.", input_tokens=1000, output_tokens=500))
    user = uuid.uuid4()
    result = await ai_app.gateway.complete(ask(), user_id=user)
    assert result.text == "Closures capture variables."
    assert (result.provider, result.model, result.cached) == ("openai", OPENAI_MODEL, False)
    assert (result.usage.input_tokens, result.usage.output_tokens) == (1000, 500)
    # gpt-4o-mini: $0.15 in, $0.60 out per million tokens.
    assert result.cost_usd == pytest.approx((1000 * 0.15 + 500 * 0.60) / 1e6)
    assert result.overhead_ms < result.latency_ms
    assert fake_anthropic.calls == 0
    sent = fake_openai.requests[-1]["json"]
    assert sent["model"] == OPENAI_MODEL
    assert sent["max_completion_tokens"] == 200
    assert sent["messages"][0] == {"role": "system", "content": "You are a mentor."}
    rows = await ai_app.ledger()
    assert [
        (r.provider, r.outcome, r.input_tokens, r.output_tokens, r.cost_micros, r.user_id)
        for r in rows
    ] == [("openai", "ok", 1000, 500, 450, user)]


async def test_a_429_is_retried_after_its_retry_after(
    ai_app: AIApp, fake_openai: FakeOpenAI
) -> None:
    fake_openai.script(Fail(429, retry_after=1), Reply("after the pause"))
    started = time.monotonic()
    result = await ai_app.gateway.complete(ask(), user_id=None)
    assert result.text == "after the pause"
    assert time.monotonic() - started >= 1.0
    assert fake_openai.calls == 2
    assert result.hops[-1].attempts == 2
    # The 429 opened the breaker; the retry was its probe, and closed it again.
    assert ai_app.gateway.breaker(OPENAI).state is State.CLOSED


async def test_server_errors_are_retried_with_backoff(
    ai_app: AIApp, fake_openai: FakeOpenAI
) -> None:
    fake_openai.script(Fail(500), Fail(503), Reply("third time lucky"))
    result = await ai_app.gateway.complete(ask(), user_id=None)
    assert (result.text, result.provider, fake_openai.calls) == ("third time lucky", "openai", 3)


async def test_sdk_retries_are_off(start_ai: StartAI, fake_openai: FakeOpenAI) -> None:
    async with start_ai(anthropic=False, ai={"max_attempts": 1}) as ai:
        fake_openai.script(Fail(500))
        result = await ai.gateway.complete(ask(), user_id=None)
    assert fake_openai.calls == 1  # exactly one HTTP request: no hidden SDK retry
    assert result.provider == "offline"


async def test_a_long_retry_after_falls_back_instead_of_waiting(
    ai_app: AIApp, fake_openai: FakeOpenAI, fake_anthropic: FakeAnthropic
) -> None:
    fake_openai.script(Fail(429, retry_after=120))
    started = time.monotonic()
    result = await ai_app.gateway.complete(ask(), user_id=None)
    assert time.monotonic() - started < 2
    assert result.provider == "anthropic"
    assert [h.outcome for h in result.hops] == ["rate_limited", "ok"]
    assert fake_openai.calls == 1
    assert fake_anthropic.calls == 1


async def test_timeouts_fall_back_to_the_next_provider(
    start_ai: StartAI, fake_openai: FakeOpenAI, fake_anthropic: FakeAnthropic
) -> None:
    async with start_ai(ai={"attempt_timeout_seconds": 0.3, "max_attempts": 2}) as ai:
        fake_openai.script(Delay(3), Delay(3))
        fake_anthropic.script(Reply("from Claude"))
        started = time.monotonic()
        result = await ai.gateway.complete(ask(), user_id=None)
    assert time.monotonic() - started < 2.5
    assert (result.text, result.provider) == ("from Claude", "anthropic")
    assert result.hops[0].outcome == "timeout"
    assert result.hops[0].attempts == 2


async def test_the_deadline_bounds_the_whole_call(
    start_ai: StartAI, fake_openai: FakeOpenAI, fake_anthropic: FakeAnthropic
) -> None:
    async with start_ai(ai={"deadline_seconds": 0.8, "attempt_timeout_seconds": 5}) as ai:
        fake_openai.script(Delay(5))
        fake_anthropic.script(Delay(5))
        started = time.monotonic()
        result = await ai.gateway.complete(ask(), user_id=None)
    # Both remote targets used up the deadline; the offline mentor still answers.
    assert time.monotonic() - started < 2
    assert result.provider == "offline"


async def test_malformed_json_is_not_retried_but_falls_back(
    ai_app: AIApp, fake_openai: FakeOpenAI, fake_anthropic: FakeAnthropic
) -> None:
    fake_openai.script(Malformed())
    fake_anthropic.script(Reply("well-formed"))
    result = await ai_app.gateway.complete(ask(), user_id=None)
    assert result.text == "well-formed"
    assert [h.outcome for h in result.hops] == ["malformed", "ok"]
    assert fake_openai.calls == 1
    # A malformed answer says nothing about the provider's health.
    assert ai_app.gateway.breaker(OPENAI).snapshot().failures_in_window == 0


async def test_every_remote_failure_ends_at_the_offline_mentor(
    ai_app: AIApp, fake_openai: FakeOpenAI, fake_anthropic: FakeAnthropic
) -> None:
    fake_openai.default = Fail(500)
    fake_anthropic.default = Fail(529)
    result = await ai_app.gateway.complete(
        ask("How do I avoid SQL injection?", task=Task.HINT), user_id=None
    )
    assert result.provider == "offline"
    assert [h.provider for h in result.hops] == ["openai", "anthropic", "offline"]
    assert result.text.strip()
    assert fake_openai.calls == 3
    assert fake_anthropic.calls == 3


async def test_without_the_offline_fallback_a_total_failure_is_a_503(
    start_ai: StartAI, fake_openai: FakeOpenAI
) -> None:
    async with start_ai(anthropic=False, ai={"offline_fallback": False}) as ai:
        fake_openai.default = Fail(500)
        with pytest.raises(AIUnavailable) as caught:
            await ai.gateway.complete(ask(), user_id=None)
    assert caught.value.status == 503
    assert caught.value.extra["hops"] == ["server_error"]


async def test_the_breaker_opens_skips_the_target_and_recovers(
    start_ai: StartAI, fake_openai: FakeOpenAI, fake_anthropic: FakeAnthropic
) -> None:
    async with start_ai(ai={"max_attempts": 1, "breaker_open_seconds": 0.5}) as ai:
        fake_openai.default = Fail(500)
        for _ in range(5):
            result = await ai.gateway.complete(ask(), user_id=None)
            assert result.provider == "anthropic"
        breaker = ai.gateway.breaker(OPENAI)
        assert breaker.snapshot().state is State.OPEN
        calls = fake_openai.calls
        result = await ai.gateway.complete(ask("another"), user_id=None)
        assert fake_openai.calls == calls  # skipped without a request
        assert result.hops[0].outcome == "skipped_open_breaker"

        await asyncio.sleep(0.55)
        assert breaker.snapshot().state is State.HALF_OPEN
        fake_openai.default = Reply("recovered")
        result = await ai.gateway.complete(ask("a third"), user_id=None)
        assert (result.provider, result.text) == ("openai", "recovered")
        assert breaker.snapshot().state is State.CLOSED


async def test_half_open_lets_one_probe_through_while_others_fall_back(
    start_ai: StartAI, fake_openai: FakeOpenAI, fake_anthropic: FakeAnthropic
) -> None:
    async with start_ai(ai={"max_attempts": 1, "breaker_open_seconds": 0.3}) as ai:
        fake_openai.script(Fail(429))  # opens at once
        await ai.gateway.complete(ask("trip"), user_id=None)
        assert ai.gateway.breaker(OPENAI).state is State.OPEN
        await asyncio.sleep(0.35)
        release = threading.Event()
        fake_openai.script(Hold(release, Reply("probe answer")))
        calls = fake_openai.calls
        probe = asyncio.create_task(ai.gateway.complete(ask("probe"), user_id=None))
        while fake_openai.calls == calls:
            await asyncio.sleep(0.01)
        others = await asyncio.gather(
            *(ai.gateway.complete(ask(f"q{i}"), user_id=None) for i in range(5))
        )
        assert {o.provider for o in others} == {"anthropic"}
        assert fake_openai.calls == calls + 1  # only the probe reached OpenAI
        release.set()
        assert (await probe).text == "probe answer"
        assert ai.gateway.breaker(OPENAI).state is State.CLOSED


async def test_fifty_identical_concurrent_requests_make_one_upstream_call(
    start_ai: StartAI, fake_openai: FakeOpenAI
) -> None:
    async with start_ai(ai={"user_rate_limit": "100/minute"}) as ai:
        await _fifty_identical(ai, fake_openai)


async def _fifty_identical(ai_app: AIApp, fake_openai: FakeOpenAI) -> None:
    release = threading.Event()
    fake_openai.script(Hold(release, Reply("shared answer")))
    user = uuid.uuid4()
    calls = [asyncio.create_task(ai_app.gateway.complete(ask(), user_id=user)) for _ in range(50)]
    while fake_openai.calls == 0:
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.05)
    release.set()
    results = await asyncio.gather(*calls)
    assert fake_openai.calls == 1
    assert {r.text for r in results} == {"shared answer"}
    assert sum(not r.cached for r in results) == 1  # one caller paid; 49 shared it
    # And later it comes from the cache.
    again = await ai_app.gateway.complete(ask(), user_id=user)
    assert (again.cached, again.text, fake_openai.calls) == (True, "shared answer", 1)
    outcomes = [r.outcome for r in await ai_app.ledger()]
    assert outcomes.count("ok") == 1
    assert outcomes.count("shared") == 49
    assert outcomes.count("cached") == 1


async def test_failures_are_not_cached(ai_app: AIApp, fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Fail(400))
    first = await ai_app.gateway.complete(ask(), user_id=None)
    assert first.provider == "anthropic"
    fake_openai.script(Reply("now it works"))
    second = await ai_app.gateway.complete(ask(), user_id=None)
    assert (second.provider, second.text, second.cached) == ("openai", "now it works", False)


async def test_the_cache_key_respects_scope_and_normalises_whitespace(
    ai_app: AIApp, fake_openai: FakeOpenAI
) -> None:
    await ai_app.gateway.complete(ask("Why?", cache_scope="alice"), user_id=None)
    hit = await ai_app.gateway.complete(ask("Why?  \r\n", cache_scope="alice"), user_id=None)
    assert hit.cached
    other = await ai_app.gateway.complete(ask("Why?", cache_scope="bob"), user_id=None)
    assert not other.cached
    assert fake_openai.calls == 2


async def test_over_budget_is_a_429_without_any_upstream_call(
    start_ai: StartAI, fake_openai: FakeOpenAI, fake_anthropic: FakeAnthropic
) -> None:
    async with start_ai(ai={"budget_daily_tokens": 100}) as ai:
        with pytest.raises(BudgetExceeded) as caught:
            await ai.gateway.complete(ask(), user_id=uuid.uuid4())
    assert caught.value.status == 429
    assert caught.value.extra["period"] == "daily"
    assert fake_openai.calls == 0
    assert fake_anthropic.calls == 0


async def test_over_budget_can_be_answered_offline_instead(
    start_ai: StartAI, fake_openai: FakeOpenAI
) -> None:
    async with start_ai(ai={"budget_daily_usd": 0.0, "on_budget_exceeded": "offline"}) as ai:
        result = await ai.gateway.complete(ask(), user_id=uuid.uuid4())
    assert result.provider == "offline"
    assert [h.outcome for h in result.hops] == ["budget_exceeded", "ok"]
    assert fake_openai.calls == 0


async def test_concurrent_calls_cannot_overspend_a_budget(
    start_ai: StartAI, fake_openai: FakeOpenAI
) -> None:
    def distinct(i: int) -> ChatRequest:
        return ask(f"question number {i:03d}")

    # Room for exactly three worst-case reservations (every byte a token, all 200 out).
    worst = max_input_tokens(distinct(0)) + 200
    budget = {"budget_daily_tokens": worst * 3 + 10, "offline_fallback": False}
    async with start_ai(anthropic=False, ai=budget) as ai:
        release = threading.Event()
        fake_openai.default = Hold(release, Reply("ok", input_tokens=1, output_tokens=1))
        user = uuid.uuid4()
        calls = [
            asyncio.create_task(ai.gateway.complete(distinct(i), user_id=user)) for i in range(20)
        ]
        deadline = time.monotonic() + 5
        while fake_openai.calls < 3 and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.1)
        assert fake_openai.calls == 3
        release.set()
        results = await asyncio.gather(*calls, return_exceptions=True)
        assert sum(isinstance(r, Completion) for r in results) == 3
        assert sum(isinstance(r, BudgetExceeded) for r in results) == 17
        # Settled to the real usage (2 tokens each), the budget has room again.
        await ai.gateway.complete(distinct(99), user_id=user)


async def test_the_per_user_rate_limit(start_ai: StartAI) -> None:
    async with start_ai(ai={"user_rate_limit": "3/minute"}) as ai:
        user = uuid.uuid4()
        for i in range(3):
            await ai.gateway.complete(ask(f"q{i}"), user_id=user)
        with pytest.raises(RateLimited):
            await ai.gateway.complete(ask("q4"), user_id=user)
        await ai.gateway.complete(ask("q4"), user_id=uuid.uuid4())  # another user is fine


class Verdict(BaseModel):
    correct: bool
    feedback: str


async def test_structured_output_is_validated_and_falls_back_when_invalid(
    ai_app: AIApp, fake_openai: FakeOpenAI, fake_anthropic: FakeAnthropic
) -> None:
    fake_openai.script(Reply(json={"correct": "maybe?", "feedback": 3}))
    fake_anthropic.script(Reply(json={"correct": True, "feedback": "Right."}))
    verdict, completion = await ai_app.gateway.complete_structured(
        ask("Grade this", task=Task.GRADING), Verdict, user_id=None
    )
    assert verdict == Verdict(correct=True, feedback="Right.")
    assert [h.outcome for h in completion.hops] == ["malformed", "ok"]
    sent = fake_openai.requests[-1]["json"]
    assert sent["response_format"]["type"] == "json_schema"
    assert sent["response_format"]["json_schema"]["schema"]["required"] == ["correct", "feedback"]
    assert "JSON Schema" in fake_anthropic.requests[-1]["json"]["system"]


async def test_a_stream_arrives_in_pieces_and_is_cached(
    ai_app: AIApp, fake_openai: FakeOpenAI
) -> None:
    fake_openai.script(Reply("one two three four", chunks=4, input_tokens=10, output_tokens=4))
    pieces = []
    async for event in ai_app.gateway.stream(ask(), user_id=None):
        pieces.append(event)
    deltas = [p.text for p in pieces if isinstance(p, StreamDelta)]
    assert len(deltas) == 4
    assert "".join(deltas) == "one two three four"
    done = pieces[-1]
    assert isinstance(done, Completion)
    assert done.usage.output_tokens == 4
    text, again = await collect(ai_app, ask(), None)
    assert (text, again.cached, fake_openai.calls) == ("one two three four", True, 1)


async def test_a_stream_falls_back_before_its_first_byte(
    ai_app: AIApp, fake_openai: FakeOpenAI, fake_anthropic: FakeAnthropic
) -> None:
    fake_openai.default = Fail(500)
    fake_anthropic.script(Reply("Claude streams too", chunks=3))
    text, completion = await collect(ai_app, ask(), None)
    assert (text, completion.provider) == ("Claude streams too", "anthropic")


async def test_a_stream_cut_mid_way_is_reported_not_switched(
    ai_app: AIApp, fake_openai: FakeOpenAI, fake_anthropic: FakeAnthropic
) -> None:
    fake_openai.script(CutStream(after_chunks=2))
    received: list[str] = []
    with pytest.raises(StreamInterrupted):
        async for event in ai_app.gateway.stream(ask("a long question"), user_id=None):
            if isinstance(event, StreamDelta):
                received.append(event.text)
    assert received  # the learner saw the start...
    assert fake_anthropic.calls == 0  # ...so no other model takes over mid-answer
    # Nothing half-written is cached.
    fake_openai.script(Reply("complete"))
    text, completion = await collect(ai_app, ask("a long question"), None)
    assert (text, completion.cached) == ("complete", False)


async def test_anthropic_streams_with_usage(
    start_ai: StartAI, fake_anthropic: FakeAnthropic
) -> None:
    async with start_ai(openai=False) as ai:
        fake_anthropic.script(Reply("hello from claude", input_tokens=7, output_tokens=3))
        text, completion = await collect(ai, ask(), None)
    assert text == "hello from claude"
    assert (completion.provider, completion.model) == ("anthropic", ANTHROPIC_MODEL)
    assert (completion.usage.input_tokens, completion.usage.output_tokens) == (7, 3)


async def test_budgets_survive_a_restart_and_work_on_shared_services(
    start_ai: StartAI,
    fake_openai: FakeOpenAI,
    database_url: str,
    shared_services: dict[str, object],
) -> None:
    user = uuid.uuid4()
    worst = max_input_tokens(ask("second")) + 200
    # Room for the first call's real usage (1,500 tokens) plus one worst case, not two.
    budget = {"budget_daily_tokens": 1_500 + worst + worst // 2, "anthropic_api_key": None}
    overrides = {"database_url": database_url, **shared_services}
    async with start_ai(anthropic=False, ai=budget, **overrides) as ai:
        expected_store = "redis" if shared_services["redis_url"] else "memory"
        assert ai.gateway.budgets.backend_name == expected_store
        fake_openai.default = Reply("answer", input_tokens=1_000, output_tokens=500)
        await ai.gateway.complete(ask("first"), user_id=user)
        [row] = await ai.ledger()
        assert (row.user_id, row.input_tokens, row.metered) == (user, 1_000, True)

    # A new process: the in-memory counters are gone, so the budget is seeded from the
    # ledger in the database (with Redis, the counters were shared all along).
    async with start_ai(anthropic=False, ai=budget, **overrides) as ai:
        await ai.gateway.complete(ask("second"), user_id=user)
        with pytest.raises(BudgetExceeded):
            await ai.gateway.complete(ask("third"), user_id=user)
    assert fake_openai.calls == 2


async def test_an_openai_compatible_local_server(
    start_ai: StartAI, fake_openai: FakeOpenAI
) -> None:
    # Ollama, vLLM and LM Studio speak Chat Completions; the fake stands in for them.
    local = {
        "local_base_url": fake_openai.base_url,
        "local_api_key": fake_openai.api_key,  # vLLM's --api-key; Ollama takes any
        "local_model": "llama3.2",
        "budget_daily_usd": 0.0,  # free and unmetered: budgets don't apply
    }
    async with start_ai(openai=False, anthropic=False, ai=local) as ai:
        assert ai.gateway.route(Task.GRADING)[0] == Target("local", "llama3.2")
        fake_openai.script(Reply(json={"correct": False, "feedback": "Not quite."}))
        verdict, completion = await ai.gateway.complete_structured(
            ask("Grade this", task=Task.GRADING), Verdict, user_id=uuid.uuid4()
        )
        [row] = await ai.ledger()
    assert verdict == Verdict(correct=False, feedback="Not quite.")
    assert (completion.provider, completion.cost_usd) == ("local", 0.0)
    sent = fake_openai.requests[-1]["json"]
    assert sent["model"] == "llama3.2"
    assert sent["max_tokens"] == 200
    assert "max_completion_tokens" not in sent
    assert sent["response_format"] == {"type": "json_object"}
    assert (row.provider, row.metered, row.cost_micros) == ("local", False, 0)
