"""The fake LLM APIs, driven by the official SDKs: if an SDK cannot use them, gateway tests lie.

The expected exception types are what openai 3.57 and anthropic 2.13 raise today; a change
here after an SDK upgrade is worth knowing about, since the gateway classifies errors by them.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

import anthropic
import httpx2
import openai
import pytest
from pydantic import BaseModel

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

PROMPT = "Explain what a Python generator is, in one sentence."
ECHO = "fake answer to: " + PROMPT


@dataclass
class Answer:
    text: str
    input_tokens: int | None
    output_tokens: int | None


class Sdk(ABC):
    """One provider's official async client against its fake, behind a common shape."""

    name: str
    fake: FakeOpenAI | FakeAnthropic
    # What each SDK raises, as observed; keyed by the situation.
    raises: ClassVar[dict[str, type[BaseException]]]
    usage: tuple[int | None, int | None] = (None, None)

    @abstractmethod
    async def ask(self, prompt: str = PROMPT, **options: Any) -> Answer: ...

    @abstractmethod
    def stream(self, prompt: str = PROMPT, **options: Any) -> AsyncIterator[str]:
        """Text pieces as they arrive; ``usage`` holds the stream's token counts after it."""

    @abstractmethod
    async def close(self) -> None: ...


class OpenAISdk(Sdk):
    name = "openai"
    raises: ClassVar[dict[str, type[BaseException]]] = {
        "auth": openai.AuthenticationError,
        "rate_limit": openai.RateLimitError,
        "500": openai.InternalServerError,
        "529": openai.InternalServerError,
        "timeout": openai.APITimeoutError,
        "malformed": json.JSONDecodeError,
        "malformed_stream": json.JSONDecodeError,
        "cut": openai.APIConnectionError,
        "cut_stream": openai.APIConnectionError,
    }

    def __init__(self, fake: FakeOpenAI, api_key: str | None = None) -> None:
        self.fake = fake
        self.client = openai.AsyncOpenAI(
            api_key=api_key or fake.api_key, base_url=fake.base_url, max_retries=0, timeout=5
        )

    async def ask(self, prompt: str = PROMPT, **options: Any) -> Answer:
        completion = await self.client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}], **options
        )
        usage = completion.usage
        assert usage is not None
        return Answer(
            completion.choices[0].message.content or "",
            usage.prompt_tokens,
            usage.completion_tokens,
        )

    async def stream(self, prompt: str = PROMPT, **options: Any) -> AsyncIterator[str]:
        chunks = await self.client.chat.completions.create(
            model="gpt-4o-mini",
            messages=[{"role": "user", "content": prompt}],
            stream=True,
            stream_options={"include_usage": True},
            **options,
        )
        async with chunks:
            async for chunk in chunks:
                if chunk.usage is not None:
                    self.usage = (chunk.usage.prompt_tokens, chunk.usage.completion_tokens)
                if chunk.choices and chunk.choices[0].delta.content:
                    yield chunk.choices[0].delta.content

    async def close(self) -> None:
        await self.client.close()


class AnthropicSdk(Sdk):
    name = "anthropic"
    raises: ClassVar[dict[str, type[BaseException]]] = {
        "auth": anthropic.AuthenticationError,
        "rate_limit": anthropic.RateLimitError,
        "500": anthropic.InternalServerError,
        "529": anthropic.OverloadedError,
        "timeout": anthropic.APITimeoutError,
        "malformed": json.JSONDecodeError,
        "malformed_stream": json.JSONDecodeError,
        "cut": anthropic.APIConnectionError,
        # Unlike openai, anthropic's AsyncStream does not wrap transport errors.
        "cut_stream": httpx2.RemoteProtocolError,
    }

    def __init__(self, fake: FakeAnthropic, api_key: str | None = None) -> None:
        self.fake = fake
        self.client = anthropic.AsyncAnthropic(
            api_key=api_key or fake.api_key, base_url=fake.base_url, max_retries=0, timeout=5
        )

    async def ask(self, prompt: str = PROMPT, **options: Any) -> Answer:
        message = await self.client.messages.create(
            model="claude-haiku-4-5",
            max_tokens=256,
            messages=[{"role": "user", "content": prompt}],
            **options,
        )
        block = message.content[0]
        assert block.type == "text"
        return Answer(block.text, message.usage.input_tokens, message.usage.output_tokens)

    async def stream(self, prompt: str = PROMPT, **options: Any) -> AsyncIterator[str]:
        events = await self.client.messages.create(
            model="claude-haiku-4-5",
            max_tokens=256,
            messages=[{"role": "user", "content": prompt}],
            stream=True,
            **options,
        )
        input_tokens: int | None = None
        async with events:
            async for event in events:
                if event.type == "message_start":
                    input_tokens = event.message.usage.input_tokens
                elif event.type == "message_delta":
                    self.usage = (input_tokens, event.usage.output_tokens)
                elif event.type == "content_block_delta" and event.delta.type == "text_delta":
                    yield event.delta.text

    async def close(self) -> None:
        await self.client.close()


@pytest.fixture(scope="module")
def openai_fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake


@pytest.fixture(scope="module")
def anthropic_fake() -> Iterator[FakeAnthropic]:
    with FakeAnthropic() as fake:
        yield fake


@pytest.fixture(params=["openai", "anthropic"])
async def sdk(
    request: pytest.FixtureRequest, openai_fake: FakeOpenAI, anthropic_fake: FakeAnthropic
) -> AsyncIterator[Sdk]:
    openai_fake.reset()
    anthropic_fake.reset()
    client: Sdk = (
        OpenAISdk(openai_fake) if request.param == "openai" else AnthropicSdk(anthropic_fake)
    )
    try:
        yield client
    finally:
        await client.close()


async def _drain(pieces: AsyncIterator[str]) -> list[str]:
    return [piece async for piece in pieces]


# -- Successful answers ---------------------------------------------------------------------


async def test_reply_with_given_usage(sdk: Sdk) -> None:
    sdk.fake.script(Reply("hello there", input_tokens=7, output_tokens=3))
    answer = await sdk.ask()
    assert answer == Answer("hello there", 7, 3)
    assert sdk.fake.calls == 1
    recorded = sdk.fake.requests[0]
    assert recorded["json"]["messages"] == [{"role": "user", "content": PROMPT}]
    assert set(recorded) == {"path", "headers", "json"}


async def test_default_echoes_the_last_user_message_with_estimated_usage(sdk: Sdk) -> None:
    answer = await sdk.ask("x" * 200)
    assert answer.text == "fake answer to: " + "x" * 80
    # A token per four characters, rounded up.
    assert answer.input_tokens == 50
    assert answer.output_tokens == -(-len(answer.text) // 4)


async def test_stream_reassembles_the_text_and_reports_usage(sdk: Sdk) -> None:
    pieces = await _drain(sdk.stream())
    assert "".join(pieces) == ECHO
    assert len(pieces) == len(ECHO.split())  # a piece per word by default
    assert sdk.usage == (-(-len(PROMPT) // 4), -(-len(ECHO) // 4))

    sdk.fake.script(Reply("abcdefghij", chunks=3, output_tokens=2))
    assert await _drain(sdk.stream()) == ["abcd", "efgh", "ij"]
    assert sdk.usage[1] == 2


async def test_script_is_consumed_in_order_then_default_answers(sdk: Sdk) -> None:
    sdk.fake.script(Fail(500), Reply("second"))
    assert sdk.fake.pending == 2
    with pytest.raises(sdk.raises["500"]):
        await sdk.ask()
    assert (await sdk.ask()).text == "second"
    sdk.fake.default = Reply("from default")
    assert (await sdk.ask()).text == "from default"
    assert sdk.fake.pending == 0
    assert sdk.fake.calls == 3


async def test_json_reply_is_the_dumped_object(sdk: Sdk) -> None:
    sdk.fake.script(Reply(json={"verdict": "ok", "score": 3}))
    assert json.loads((await sdk.ask()).text) == {"verdict": "ok", "score": 3}


async def test_reset_forgets_script_requests_and_default(sdk: Sdk) -> None:
    sdk.fake.script(Fail(500))
    sdk.fake.default = Reply("custom")
    sdk.fake.requests.append({"path": "/x", "headers": {}, "json": None})
    sdk.fake.reset()
    assert (sdk.fake.pending, sdk.fake.calls, len(sdk.fake.requests)) == (0, 0, 0)
    assert (await sdk.ask()).text == ECHO


# -- Failures -------------------------------------------------------------------------------


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
async def test_rate_limit_carries_retry_after(sdk: Sdk, stream: bool) -> None:
    sdk.fake.script(Fail(429, retry_after=2))
    with pytest.raises(sdk.raises["rate_limit"]) as caught:
        await (_drain(sdk.stream()) if stream else sdk.ask())
    error = caught.value
    assert isinstance(error, openai.APIStatusError | anthropic.APIStatusError)
    assert error.status_code == 429
    assert error.response.headers["retry-after"] == "2"
    body = error.body
    assert isinstance(body, dict)
    if sdk.name == "openai":
        # openai hands over the inner "error" object as the body.
        assert set(body) == {"message", "type", "param", "code"}
        assert (body["type"], body["code"]) == ("requests", "rate_limit_exceeded")
        assert error.response.headers["x-request-id"].startswith("req_")
    else:
        assert body["type"] == "error"
        assert body["error"]["type"] == "rate_limit_error"
        assert body["request_id"] == error.response.headers["request-id"]


async def test_fail_takes_message_type_and_fractional_retry_after(sdk: Sdk) -> None:
    sdk.fake.script(Fail(429, retry_after=0.5, message="slow down", error_type="custom_error"))
    with pytest.raises(sdk.raises["rate_limit"]) as caught:
        await sdk.ask()
    error = caught.value
    assert isinstance(error, openai.APIStatusError | anthropic.APIStatusError)
    assert error.response.headers["retry-after"] == "0.5"
    assert "slow down" in str(error)
    body = error.body
    assert isinstance(body, dict)
    # openai hands over the inner "error" object; anthropic the whole body.
    inner = body if sdk.name == "openai" else body["error"]
    assert inner["type"] == "custom_error"


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
@pytest.mark.parametrize("status", [500, 529])
async def test_server_errors(sdk: Sdk, status: int, stream: bool) -> None:
    sdk.fake.script(Fail(status))
    with pytest.raises(sdk.raises[str(status)]) as caught:
        await (_drain(sdk.stream()) if stream else sdk.ask())
    # Exact: anthropic's OverloadedError is a subclass of its InternalServerError.
    assert type(caught.value) is sdk.raises[str(status)]


async def test_wrong_key_is_rejected_without_consuming_the_script(sdk: Sdk) -> None:
    wrong: Sdk = (
        OpenAISdk(sdk.fake, api_key="sk-wrong-0123456789")
        if isinstance(sdk.fake, FakeOpenAI)
        else AnthropicSdk(sdk.fake, api_key="sk-ant-wrong-0123456789")
    )
    sdk.fake.script(Reply("scripted"))
    try:
        with pytest.raises(sdk.raises["auth"]):
            await wrong.ask()
    finally:
        await wrong.close()
    assert sdk.fake.calls == 1  # recorded all the same
    assert (await sdk.ask()).text == "scripted"


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
async def test_delay_beyond_the_client_timeout(sdk: Sdk, stream: bool) -> None:
    sdk.fake.script(Delay(5))
    started = time.monotonic()
    with pytest.raises(sdk.raises["timeout"]):
        await (_drain(sdk.stream(timeout=0.2)) if stream else sdk.ask(timeout=0.2))
    assert time.monotonic() - started < 2


async def test_delay_does_not_block_other_requests(sdk: Sdk) -> None:
    sdk.fake.script(Delay(0.5))
    slow = asyncio.create_task(sdk.ask())
    started = time.monotonic()
    while sdk.fake.calls < 1:
        await asyncio.sleep(0.005)
    assert (await sdk.ask()).text == ECHO
    assert time.monotonic() - started < 0.4
    assert (await slow).text == ECHO


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
async def test_malformed_body(sdk: Sdk, stream: bool) -> None:
    sdk.fake.script(Malformed())
    key = "malformed_stream" if stream else "malformed"
    with pytest.raises(sdk.raises[key]):
        await (_drain(sdk.stream()) if stream else sdk.ask())


async def test_cut_stream_fails_after_the_first_chunks(
    sdk: Sdk, caplog: pytest.LogCaptureFixture
) -> None:
    sdk.fake.script(CutStream(after_chunks=2))
    received: list[str] = []
    with caplog.at_level(logging.DEBUG), pytest.raises(sdk.raises["cut_stream"]):
        async for piece in sdk.stream():
            received.append(piece)
    assert received == _words(ECHO)[:2]
    # The cut is deliberate: uvicorn must not log it as an application error.
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


def _words(text: str) -> list[str]:
    words = text.split(" ")
    return [word + " " for word in words[:-1]] + words[-1:]


async def test_cut_stream_on_a_plain_request_drops_the_body(sdk: Sdk) -> None:
    sdk.fake.script(CutStream())
    with pytest.raises(sdk.raises["cut"]):
        await sdk.ask()
    # The server is fine afterwards.
    assert (await sdk.ask()).text == ECHO


# -- Concurrency ----------------------------------------------------------------------------


async def test_hold_keeps_requests_in_flight_until_released(sdk: Sdk) -> None:
    release = threading.Event()
    sdk.fake.default = Hold(release, then=Reply("released"))
    tasks = [asyncio.create_task(sdk.ask()) for _ in range(5)]
    deadline = time.monotonic() + 5
    while sdk.fake.calls < 5 and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    assert sdk.fake.calls == 5
    await asyncio.sleep(0.05)
    assert not any(task.done() for task in tasks)
    release.set()
    answers = await asyncio.wait_for(asyncio.gather(*tasks), timeout=5)
    assert [answer.text for answer in answers] == ["released"] * 5


async def test_latency_is_added_to_every_request(sdk: Sdk) -> None:
    sdk.fake.latency = 0.1
    try:
        started = time.monotonic()
        await sdk.ask()
        assert time.monotonic() - started >= 0.1
    finally:
        sdk.fake.latency = 0.0


# -- Request validation and the rest of the surface ------------------------------------------


async def test_openai_validates_like_the_real_api(openai_fake: FakeOpenAI) -> None:
    openai_fake.reset()
    headers = {"authorization": f"Bearer {openai_fake.api_key}"}
    url = openai_fake.base_url + "/chat/completions"
    async with httpx2.AsyncClient(headers=headers) as http:
        no_model = await http.post(url, json={"messages": [{"role": "user", "content": "hi"}]})
        no_messages = await http.post(url, json={"model": "gpt-4o"})
        not_json = await http.post(url, content=b"{", headers={"content-type": "application/json"})
        models = await http.get(openai_fake.base_url + "/models")
        no_key = await http.get(openai_fake.base_url + "/models", headers={"authorization": ""})
    assert no_model.status_code == no_messages.status_code == not_json.status_code == 400
    assert no_model.json()["error"]["type"] == "invalid_request_error"
    assert no_messages.json() == {
        "error": {
            "message": "Missing required parameter: 'messages'.",
            "type": "invalid_request_error",
            "param": "messages",
            "code": "missing_required_parameter",
        }
    }
    assert models.status_code == 200
    assert models.json()["object"] == "list"
    assert no_key.status_code == 401
    # All recorded, the unparseable body as None; only the completions count as calls.
    assert [request["json"] for request in openai_fake.requests][2:4] == [None, None]
    assert openai_fake.calls == 3


async def test_anthropic_requires_max_tokens(anthropic_fake: FakeAnthropic) -> None:
    anthropic_fake.reset()
    headers = {"x-api-key": anthropic_fake.api_key, "anthropic-version": "2023-06-01"}
    body = {"model": "claude-haiku-4-5", "messages": [{"role": "user", "content": "hi"}]}
    async with httpx2.AsyncClient(headers=headers) as http:
        response = await http.post(anthropic_fake.base_url + "/v1/messages", json=body)
        models = await http.get(anthropic_fake.base_url + "/v1/models")
    assert response.status_code == 400
    assert response.json()["error"] == {
        "type": "invalid_request_error",
        "message": "max_tokens: Field required",
    }
    assert models.json()["data"][0]["type"] == "model"


class Verdict(BaseModel):
    summary: str
    score: int
    tags: list[str]
    passed: bool | None


async def test_openai_json_schema_default_parses(openai_fake: FakeOpenAI) -> None:
    openai_fake.reset()
    client = openai.AsyncOpenAI(
        api_key=openai_fake.api_key, base_url=openai_fake.base_url, max_retries=0
    )
    try:
        completion = await client.chat.completions.parse(
            model="gpt-4o-mini",
            messages=[{"role": "user", "content": "Rate this."}],
            response_format=Verdict,
        )
        models = await client.models.list()
    finally:
        await client.close()
    parsed = completion.choices[0].message.parsed
    assert parsed == Verdict(summary="fake answer to: Rate this.", score=0, tags=[], passed=False)
    assert "gpt-4o-mini" in [model.id for model in models.data]


async def test_openai_retries_honour_the_fakes_retry_after(openai_fake: FakeOpenAI) -> None:
    openai_fake.reset()
    openai_fake.script(Fail(503, retry_after=0.05), Reply("after retry"))
    client = openai.AsyncOpenAI(
        api_key=openai_fake.api_key, base_url=openai_fake.base_url, max_retries=1
    )
    try:
        completion = await client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}]
        )
    finally:
        await client.close()
    assert completion.choices[0].message.content == "after retry"
    assert [r["headers"]["x-stainless-retry-count"] for r in openai_fake.requests] == ["0", "1"]


async def test_anthropic_stream_helper_accumulates_the_message(
    anthropic_fake: FakeAnthropic,
) -> None:
    anthropic_fake.reset()
    anthropic_fake.script(Reply("Generators yield lazily.", finish_reason="length"))
    client = anthropic.AsyncAnthropic(
        api_key=anthropic_fake.api_key, base_url=anthropic_fake.base_url, max_retries=0
    )
    try:
        async with client.messages.stream(
            model="claude-haiku-4-5",
            max_tokens=64,
            system="Be brief.",
            messages=[{"role": "user", "content": "What is a generator?"}],
        ) as stream:
            message = await stream.get_final_message()
    finally:
        await client.close()
    block = message.content[0]
    assert block.type == "text"
    assert block.text == "Generators yield lazily."
    assert message.stop_reason == "max_tokens"
    # System prompt and messages both count as input.
    assert message.usage.input_tokens == -(-(len("Be brief.") + len("What is a generator?")) // 4)


def test_base_urls_match_what_each_sdk_appends() -> None:
    with FakeOpenAI() as openai_fake, FakeAnthropic() as anthropic_fake:
        assert openai_fake.base_url.endswith("/v1")
        assert anthropic_fake.base_url.count("/") == 2
    with pytest.raises(RuntimeError, match="no address"):
        _ = FakeOpenAI().base_url


async def test_stop_releases_held_requests() -> None:
    fake = FakeOpenAI().start()
    client = OpenAISdk(fake)
    try:
        fake.script(Hold(threading.Event()))  # never set
        held = asyncio.create_task(client.ask())
        while fake.calls < 1:
            await asyncio.sleep(0.005)
        started = time.monotonic()
        # In a thread: stop() blocks until the server is down, and the reply needs this loop.
        await asyncio.to_thread(fake.stop)
        assert time.monotonic() - started < 1.5  # not the 2 s graceful-shutdown timeout
        assert (await held).text == ECHO
    finally:
        await client.close()
        fake.stop()


async def test_a_bug_in_the_fake_is_raised_by_stop() -> None:
    fake = FakeAnthropic().start()
    client = AnthropicSdk(fake)
    try:
        fake.default = "not a behaviour"  # type: ignore[assignment]
        with pytest.raises(anthropic.InternalServerError):
            await client.ask()
    finally:
        await client.close()
    with pytest.raises(RuntimeError, match="handler error"):
        fake.stop()


def test_behaviours_reject_nonsense() -> None:
    with pytest.raises(ValueError, match="not both"):
        Reply("text", json={"a": 1})
    with pytest.raises(ValueError, match="chunks"):
        Reply(chunks=0)
    with pytest.raises(ValueError, match="error status"):
        Fail(200)
