"""Fake OpenAI and Anthropic APIs on 127.0.0.1, for tests and benchmarks of the AI gateway.

Each fake is a real HTTP server (a ``tests.fakes.server.ThreadedServer``, as
``tests.fakes.github``), speaking the provider's wire format closely enough that the official
SDKs work against it unmodified::

    with FakeOpenAI() as fake:
        client = openai.AsyncOpenAI(api_key=fake.api_key, base_url=fake.base_url)
        fake.script(Fail(429, retry_after=2), Reply("hello"))
        ...

Base URLs follow what each SDK appends to its ``base_url``: the ``openai`` SDK's default is
``https://api.openai.com/v1`` and it adds ``/chat/completions``, so ``FakeOpenAI.base_url``
ends in ``/v1``; the ``anthropic`` SDK's default is ``https://api.anthropic.com`` and it adds
``/v1/messages``, so ``FakeAnthropic.base_url`` is the bare origin.

What a completion request gets is scripted with behaviours (``Reply``, ``Fail``, ``Delay``,
``Malformed``, ``CutStream``, ``Hold``), consumed one per request in order; once the script
is empty, ``default`` answers (an echo of the last user message unless set). Requests that a
real service would reject before reaching a model (a wrong key, a body without ``model``)
are answered with the provider's error and do not consume the script, but are recorded.
Waits (``Delay``, ``Hold``, ``Reply.delay`` and the per-request ``latency`` for benchmarks)
are asyncio sleeps, so they never hold up other requests, and ``stop()`` cuts them short.

Reproduced quirks, because client code depends on them:

* Errors use each provider's body: OpenAI's ``{"error": {message, type, param, code}}`` (a
  429 has ``type`` "requests" and ``code`` "rate_limit_exceeded"), Anthropic's ``{"type":
  "error", "error": {type, message}, "request_id"}`` with its per-status types, including the
  non-standard 529 ``overloaded_error``. Every response has the request-id header each SDK
  exposes as ``_request_id`` (``x-request-id`` / ``request-id``).
* OpenAI streams are bare ``data:`` lines ending in ``data: [DONE]``; the first chunk carries
  only the role, the finish reason comes in a chunk with an empty delta, and usage arrives
  only with ``stream_options.include_usage``, in an extra chunk with no choices (every
  earlier chunk then has ``"usage": null``).
* Anthropic streams are named events (message_start, content_block_start, ping,
  content_block_delta..., content_block_stop, message_delta, message_stop); input tokens
  come in message_start, output tokens in message_delta.
* ``max_tokens`` is required by Anthropic and not by OpenAI; ``stream_options`` without
  ``stream`` is a 400 at OpenAI.
* Anthropic takes the key as ``x-api-key`` or as ``Authorization: Bearer``: anthropic 2.x
  sends ``api_key=`` the second way, older clients and curl examples the first.
* Given ``response_format`` json_object or json_schema, the default (echo) reply is JSON: an
  instance built from the schema, so ``client.chat.completions.parse(...)`` works.

Not reproduced: tool calls, ``n`` > 1 (one choice always), model-name checks and snapshot
names (the response echoes the requested model), truncation at ``max_tokens``, rate-limit
headers, OpenAI's stream ``obfuscation`` padding, and Anthropic errors sent inside a stream.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import re
import secrets
import threading
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, TypeAlias, assert_never

from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from tests.fakes.server import ThreadedServer

__all__ = [
    "Behaviour",
    "CutStream",
    "Delay",
    "Fail",
    "FakeAnthropic",
    "FakeOpenAI",
    "Hold",
    "Malformed",
    "Reply",
]

# How often a held request looks at its threading.Event: short enough not to slow tests,
# long enough that many held requests cost nothing noticeable.
_HOLD_POLL = 0.005
_ECHO_CHARS = 80
_JSON_SEPARATORS = (",", ":")


# -- Behaviours -----------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    """A successful answer. ``text`` None (and no ``json``): the echo reply.

    Token counts default to an estimate (a token per 4 characters, at least 1); input tokens
    are estimated from the request's messages. ``chunks`` is how many content pieces a
    stream carries (default: one per word). ``finish_reason`` may be given in either
    provider's words ("stop"/"end_turn", "length"/"max_tokens", ...) and is translated.
    """

    text: str | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    json: dict[str, Any] | None = None
    chunks: int | None = None
    delay: float = 0.0
    finish_reason: str = "stop"

    def __post_init__(self) -> None:
        if self.text is not None and self.json is not None:
            raise ValueError("Reply takes text or json, not both")
        if self.chunks is not None and self.chunks < 1:
            raise ValueError("Reply.chunks must be at least 1")
        if self.delay < 0:
            raise ValueError("Reply.delay must not be negative")


@dataclass(frozen=True)
class Fail:
    """An HTTP error in the provider's format; ``retry_after`` adds a Retry-After header."""

    status: int
    retry_after: float | None = None
    message: str | None = None
    error_type: str | None = None

    def __post_init__(self) -> None:
        if not 400 <= self.status <= 599:
            raise ValueError(f"Fail.status must be an HTTP error status, not {self.status}")


@dataclass(frozen=True)
class Delay:
    """Wait ``seconds`` (without blocking other requests), then answer with ``default``."""

    seconds: float


@dataclass(frozen=True)
class Malformed:
    """HTTP 200 with a body that is not valid JSON (in a stream: one ``data:`` line).

    Both SDKs (openai 3.57, anthropic 2.13) let the bare ``json.JSONDecodeError`` escape,
    streaming or not: neither wraps it in one of their own errors.
    """


@dataclass(frozen=True)
class CutStream:
    """Drop the connection after ``after_chunks`` content chunks, before the stream's end.

    A non-streaming request gets its headers (with the full Content-Length) and half its
    body before the connection drops.

    What the SDKs raise (openai 3.57, anthropic 2.13), the chunks before the cut having been
    yielded: openai, ``APIConnectionError`` (from ``httpx2.RemoteProtocolError``), streaming
    or not; anthropic, ``APIConnectionError`` for a plain request but the bare
    ``httpx2.RemoteProtocolError`` while iterating a stream, which it does not wrap.
    """

    after_chunks: int = 2

    def __post_init__(self) -> None:
        if self.after_chunks < 0:
            raise ValueError("CutStream.after_chunks must not be negative")


@dataclass(frozen=True)
class Hold:
    """Keep the request in flight until ``event`` is set, then perform ``then``.

    ``then`` None means ``default``. A held request is released by ``stop()`` too, so that
    a test that forgets to set the event does not stall the server's shutdown.
    """

    event: threading.Event
    then: Behaviour | None = None


Behaviour: TypeAlias = Reply | Fail | Delay | Malformed | CutStream | Hold


# -- Helpers shared by both providers ---------------------------------------------------


class _ConnectionCut(Exception):
    """Raised after a response has started, which makes uvicorn close the connection."""


class _QuietCuts(logging.Filter):
    """Keeps uvicorn from logging a deliberate cut as "Exception in ASGI application"."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, _ConnectionCut)


def _install_quiet_cuts() -> None:
    # uvicorn logs an app exception on "uvicorn.error" with exc_info; dropping only records
    # of our own exception type leaves every other message (and the app's logging) alone.
    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(existing, _QuietCuts) for existing in logger.filters):
        logger.addFilter(_QuietCuts())


class _Pieces(Response):
    """A response sent as separate body messages, optionally ending in a dropped connection.

    Starlette's StreamingResponse would do for the happy path, but a cut must be an
    exception raised after the start message, so that uvicorn closes the transport instead
    of finishing the chunked body; with our own class there is no task group to wrap it.
    """

    def __init__(
        self,
        pieces: list[bytes],
        *,
        media_type: str,
        headers: Mapping[str, str],
        status_code: int = 200,
        content_length: int | None = None,
        cut: bool = False,
    ) -> None:
        self.status_code = status_code
        self.background = None
        self._pieces = pieces
        self._cut = cut
        raw = [
            (name.lower().encode("latin-1"), value.encode("latin-1"))
            for name, value in headers.items()
        ]
        raw.append((b"content-type", media_type.encode("latin-1")))
        if content_length is not None:
            raw.append((b"content-length", str(content_length).encode("latin-1")))
        self.raw_headers = raw

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send(
            {"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers}
        )
        for piece in self._pieces:
            await send({"type": "http.response.body", "body": piece, "more_body": True})
        if self._cut:
            # uvicorn's h11 protocol, seeing an exception after the response started, closes
            # the transport: the client gets the bytes so far, then EOF mid-body.
            raise _ConnectionCut
        await send({"type": "http.response.body", "body": b"", "more_body": False})


# A marker distinct from any JSON value (json.loads can return None for "null").
_INVALID_JSON: Any = object()


def _dumps(value: object) -> str:
    return json.dumps(value, separators=_JSON_SEPARATORS, ensure_ascii=False)


def _json_response(body: object, status_code: int, headers: dict[str, str]) -> Response:
    return Response(
        _dumps(body), status_code=status_code, media_type="application/json", headers=headers
    )


def _estimate_tokens(characters: int) -> int:
    return max(1, math.ceil(characters / 4))


def _text_of(content: object) -> str:
    """The text in a message's content: a string, or a list of parts/blocks with "text"."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(
            str(part.get("text", ""))
            for part in content
            if isinstance(part, dict) and isinstance(part.get("text"), str)
        )
    return ""


def _last_user_text(messages: list[Any]) -> str:
    for message in reversed(messages):
        if isinstance(message, dict) and message.get("role") == "user":
            return _text_of(message.get("content"))
    return ""


def _echo(messages: list[Any]) -> str:
    return "fake answer to: " + _last_user_text(messages)[:_ECHO_CHARS]


_WORD = re.compile(r"\s*\S+\s*")


def _split(text: str, chunks: int | None) -> list[str]:
    if not text:
        return []
    if chunks is None:
        return _WORD.findall(text) or [text]
    size = math.ceil(len(text) / chunks)
    return [text[start : start + size] for start in range(0, len(text), size)]


def _retry_after(seconds: float) -> str:
    return str(int(seconds)) if float(seconds).is_integer() else str(seconds)


def _schema_example(schema: object, text: str, root: object, depth: int = 0) -> Any:
    """A value that satisfies the common parts of a JSON schema, strings filled with ``text``.

    Enough for the schemas SDKs generate from pydantic models (objects, $refs, anyOf for
    optionals, enums), not a general instance generator.
    """
    if not isinstance(schema, dict) or depth > 32:
        return None
    if "const" in schema:
        return schema["const"]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"][0]
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        target: object = root
        for part in ref[2:].split("/"):
            target = target.get(part) if isinstance(target, dict) else None
        return _schema_example(target, text, root, depth + 1)
    for combinator in ("anyOf", "oneOf", "allOf"):
        options = schema.get(combinator)
        if isinstance(options, list) and options:
            # Prefer a non-null branch: an Optional field filled in says more than a null.
            chosen = next(
                (o for o in options if not (isinstance(o, dict) and o.get("type") == "null")),
                options[0],
            )
            return _schema_example(chosen, text, root, depth + 1)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object" or (kind is None and "properties" in schema):
        properties = schema.get("properties") or {}
        return {
            name: _schema_example(sub, text, root, depth + 1) for name, sub in properties.items()
        }
    if kind == "array":
        count = int(schema.get("minItems", 0))
        return [_schema_example(schema.get("items"), text, root, depth + 1) for _ in range(count)]
    if kind == "string":
        return text
    if kind in ("integer", "number"):
        low = schema.get("minimum", schema.get("exclusiveMinimum", 0))
        value = max(0, low if isinstance(low, int | float) else 0)
        return (
            int(value) + (1 if "exclusiveMinimum" in schema else 0)
            if kind == "integer"
            else float(value)
        )
    if kind == "boolean":
        return False
    return None


@dataclass(frozen=True)
class _Call:
    """What a validated completion request asked for, as the behaviours need it."""

    model: str
    stream: bool
    include_usage: bool
    input_tokens: int
    default_text: str
    request_id: str


# -- The provider-neutral fake ----------------------------------------------------------


class _FakeLLM(ThreadedServer):
    """The provider-neutral part: auth, recording, the script and the behaviours."""

    # Both APIs sit behind Cloudflare.
    _server_header = "cloudflare"
    _completion_path: ClassVar[str]
    _models_path: ClassVar[str]
    _key_prefix: ClassVar[str]

    def __init__(self, *, api_key: str | None = None) -> None:
        super().__init__()
        self.api_key = api_key or self._key_prefix + secrets.token_hex(20)
        self.default: Behaviour = Reply()
        # Seconds added to every request, before anything else: a stand-in for network and
        # queueing time in benchmarks.
        self.latency = 0.0
        # Appended to by the server thread only; read by tests.
        self.requests: list[dict[str, Any]] = []
        self._script: deque[Behaviour] = deque()
        # Bugs in the fake's own handlers: uvicorn would turn them into a 500 that looks like
        # a provider failure, so they are kept and raised by stop() as well.
        self._handler_errors: list[BaseException] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closing: asyncio.Event | None = None
        # Read by held requests, which poll rather than await (their event is a thread's).
        self._stopping = False

    # -- Test-facing API ---------------------------------------------------------------

    @property
    def base_url(self) -> str:
        raise NotImplementedError

    def script(self, *behaviours: Behaviour) -> None:
        """Queue behaviours for the next completion requests, one each, in order."""
        self._script.extend(behaviours)

    @property
    def pending(self) -> int:
        """Scripted behaviours not yet consumed."""
        return len(self._script)

    @property
    def calls(self) -> int:
        """Completion requests received, whatever became of them."""
        path = self._completion_path
        return sum(1 for request in list(self.requests) if request["path"] == path)

    def reset(self) -> None:
        """Forget the script and the recorded requests; answer with the echo reply again."""
        self._script.clear()
        self.requests.clear()
        self.default = Reply()

    # -- Provider hooks ----------------------------------------------------------------

    def _new_request_id(self) -> str:
        return "req_" + secrets.token_hex(12)

    def _auth_error(self, request: Request, request_id: str) -> Response | None:
        raise NotImplementedError

    def _parse_call(self, request: Request, body: Any, request_id: str) -> _Call | Response:
        raise NotImplementedError

    def _reply(self, call: _Call, reply: Reply, text: str) -> Response:
        raise NotImplementedError

    def _fail(self, call: _Call, fail: Fail) -> Response:
        raise NotImplementedError

    def _malformed(self, call: _Call) -> Response:
        raise NotImplementedError

    def _cut(self, call: _Call, after_chunks: int) -> Response:
        raise NotImplementedError

    def _models(self, request_id: str) -> Response:
        raise NotImplementedError

    # -- Server hooks ------------------------------------------------------------------

    def _make_app(self) -> ASGIApp:
        app = Starlette(
            routes=[
                Route(self._completion_path, self._completion, methods=["POST"]),
                Route(self._models_path, self._list_models, methods=["GET"]),
            ]
        )

        async def guarded(scope: Scope, receive: Receive, send: Send) -> None:
            try:
                await app(scope, receive, send)
            except (_ConnectionCut, ClientDisconnect):
                # Deliberate, or the client's doing (a timeout while sending the body).
                raise
            except Exception as exc:
                self._handler_errors.append(exc)
                raise

        return guarded

    def _before_start(self) -> None:
        _install_quiet_cuts()
        self._handler_errors.clear()
        self._stopping = False

    async def _on_loop(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._closing = asyncio.Event()

    def _before_stop(self) -> None:
        # Wake delayed and held requests first, so the graceful shutdown has nothing to wait
        # for (a client that timed out leaves its request sleeping on the server).
        self._stopping = True
        loop, closing = self._loop, self._closing
        if loop is not None and closing is not None:
            with contextlib.suppress(RuntimeError):  # the loop may already be closed
                loop.call_soon_threadsafe(closing.set)

    def _after_stop(self) -> None:
        if self._handler_errors:
            first = self._handler_errors[0]
            raise RuntimeError(f"the {self._label} had a handler error") from first

    async def _sleep(self, seconds: float) -> None:
        """asyncio.sleep that stop() cuts short."""
        if seconds <= 0:
            return
        closing = self._closing
        assert closing is not None  # set before the server accepts anything
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await closing.wait()

    async def _wait_for(self, event: threading.Event) -> None:
        while not event.is_set() and not self._stopping:
            await asyncio.sleep(_HOLD_POLL)

    # -- Endpoints ---------------------------------------------------------------------

    def _record(self, request: Request, body: Any) -> None:
        self.requests.append(
            {"path": request.url.path, "headers": dict(request.headers), "json": body}
        )

    async def _list_models(self, request: Request) -> Response:
        self._record(request, None)
        await self._sleep(self.latency)
        request_id = self._new_request_id()
        return self._auth_error(request, request_id) or self._models(request_id)

    async def _completion(self, request: Request) -> Response:
        raw = await request.body()
        try:
            body: Any = json.loads(raw)
        except ValueError:
            body = _INVALID_JSON
        self._record(request, None if body is _INVALID_JSON else body)
        await self._sleep(self.latency)
        request_id = self._new_request_id()
        denied = self._auth_error(request, request_id)
        if denied is not None:
            return denied
        call = self._parse_call(request, body, request_id)
        if isinstance(call, Response):
            return call
        try:
            behaviour = self._script.popleft()
        except IndexError:
            behaviour = self.default
        return await self._perform(behaviour, call)

    async def _perform(self, behaviour: Behaviour, call: _Call) -> Response:
        if isinstance(behaviour, Reply):
            await self._sleep(behaviour.delay)
            return self._reply(call, behaviour, self._reply_text(behaviour, call))
        if isinstance(behaviour, Fail):
            return self._fail(call, behaviour)
        if isinstance(behaviour, Delay):
            await self._sleep(behaviour.seconds)
            return await self._perform(self._fallback(), call)
        if isinstance(behaviour, Malformed):
            return self._malformed(call)
        if isinstance(behaviour, CutStream):
            return self._cut(call, behaviour.after_chunks)
        if isinstance(behaviour, Hold):
            await self._wait_for(behaviour.event)
            return await self._perform(behaviour.then or self._fallback(), call)
        assert_never(behaviour)

    def _fallback(self) -> Behaviour:
        # Delay and Hold end in the default; a default that is itself a Delay or Hold means
        # "every request waits", after which the echo reply answers (not another wait).
        default = self.default
        return Reply() if isinstance(default, Delay | Hold) else default

    @staticmethod
    def _reply_text(reply: Reply, call: _Call) -> str:
        if reply.json is not None:
            return _dumps(reply.json)
        if reply.text is not None:
            return reply.text
        return call.default_text

    def _usage(self, call: _Call, reply: Reply, text: str) -> tuple[int, int]:
        input_tokens = call.input_tokens if reply.input_tokens is None else reply.input_tokens
        output_tokens = (
            _estimate_tokens(len(text)) if reply.output_tokens is None else reply.output_tokens
        )
        return input_tokens, output_tokens


# -- OpenAI -----------------------------------------------------------------------------

_OPENAI_MODELS = ("gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "o4-mini")
_OPENAI_FINISH = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "max_tokens": "length",
    "tool_use": "tool_calls",
    "refusal": "content_filter",
}
# status -> (type, code, message); {model} is filled in.
_OPENAI_ERRORS: dict[int, tuple[str, str | None, str]] = {
    400: ("invalid_request_error", None, "Invalid request."),
    401: ("invalid_request_error", "invalid_api_key", "Incorrect API key provided."),
    403: (
        "request_forbidden",
        "unsupported_country_region_territory",
        "Country, region, or territory not supported",
    ),
    404: (
        "invalid_request_error",
        "model_not_found",
        "The model `{model}` does not exist or you do not have access to it.",
    ),
    429: (
        "requests",
        "rate_limit_exceeded",
        "Rate limit reached for {model} in organization org-fake on requests per min (RPM): "
        "Limit 3, Used 3, Requested 1. Please try again in 20s. Visit "
        "https://platform.openai.com/account/rate-limits to learn more.",
    ),
    500: (
        "server_error",
        None,
        "The server had an error while processing your request. Sorry about that!",
    ),
    503: ("server_error", None, "The server is overloaded or not ready yet."),
}
# Error types whose code is the type itself, as OpenAI sends them.
_OPENAI_TYPED_CODES = {
    "insufficient_quota": "You exceeded your current quota, please check your plan and billing "
    "details. For more information on this error, read the docs: "
    "https://platform.openai.com/docs/guides/error-codes/api-errors.",
}


class FakeOpenAI(_FakeLLM):
    """OpenAI's Chat Completions API (``POST /v1/chat/completions``, ``GET /v1/models``)."""

    _label = "fake OpenAI server"
    _completion_path = "/v1/chat/completions"
    _models_path = "/v1/models"
    _key_prefix = "sk-fake-"

    @property
    def base_url(self) -> str:
        """Ends in /v1, like the SDK's default: it appends /chat/completions."""
        return self.origin + "/v1"

    def _headers(self, request_id: str) -> dict[str, str]:
        return {"x-request-id": request_id, "openai-version": "2020-10-01"}

    def _error(
        self,
        status: int,
        request_id: str,
        message: str,
        *,
        error_type: str,
        code: str | None = None,
        param: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        body = {"error": {"message": message, "type": error_type, "param": param, "code": code}}
        return _json_response(body, status, {**self._headers(request_id), **(headers or {})})

    def _auth_error(self, request: Request, request_id: str) -> Response | None:
        scheme, _, key = request.headers.get("authorization", "").partition(" ")
        key = key.strip()
        if scheme.lower() == "bearer" and secrets.compare_digest(
            key.encode(), self.api_key.encode()
        ):
            return None
        if scheme.lower() != "bearer" or not key:
            message = (
                "You didn't provide an API key. You need to provide your API key in an "
                "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
            )
            return self._error(401, request_id, message, error_type="invalid_request_error")
        # OpenAI shows only the ends of a wrong key.
        shown = f"{key[:3]}*****{key[-4:]}" if len(key) > 8 else "*****"
        message = (
            f"Incorrect API key provided: {shown}. You can find your API key at "
            "https://platform.openai.com/account/api-keys."
        )
        return self._error(
            401, request_id, message, error_type="invalid_request_error", code="invalid_api_key"
        )

    def _parse_call(self, request: Request, body: Any, request_id: str) -> _Call | Response:
        def invalid(message: str, param: str | None = None, code: str | None = None) -> Response:
            return self._error(
                400, request_id, message, error_type="invalid_request_error", param=param, code=code
            )

        if body is _INVALID_JSON or not isinstance(body, dict):
            return invalid(
                "We could not parse the JSON body of your request. (HINT: This likely means you "
                "aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, "
                "but what was sent was not valid JSON.)"
            )
        model = body.get("model")
        if not isinstance(model, str) or not model:
            return invalid("you must provide a model parameter")
        messages = body.get("messages")
        if messages is None:
            return invalid(
                "Missing required parameter: 'messages'.", "messages", "missing_required_parameter"
            )
        if not isinstance(messages, list):
            return invalid(
                f"{_dumps(messages)} is not of type 'array' - 'messages'",
                "messages",
                "invalid_type",
            )
        if not messages:
            return invalid("[] is too short - 'messages'", "messages", "empty_array")
        stream = body.get("stream") is True
        stream_options = body.get("stream_options")
        if stream_options is not None and not stream:
            return invalid(
                "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
                "stream_options",
                "invalid_value",
            )
        characters = sum(len(_text_of(m.get("content"))) for m in messages if isinstance(m, dict))
        return _Call(
            model=model,
            stream=stream,
            include_usage=isinstance(stream_options, dict)
            and stream_options.get("include_usage") is True,
            input_tokens=_estimate_tokens(characters),
            default_text=self._default_text(body, _echo(messages)),
            request_id=request_id,
        )

    @staticmethod
    def _default_text(body: dict[str, Any], echo: str) -> str:
        response_format = body.get("response_format")
        if not isinstance(response_format, dict):
            return echo
        if response_format.get("type") == "json_object":
            return _dumps({"answer": echo})
        if response_format.get("type") == "json_schema":
            spec = response_format.get("json_schema")
            schema = spec.get("schema") if isinstance(spec, dict) else None
            if isinstance(schema, dict):
                return _dumps(_schema_example(schema, echo, schema))
        return echo

    def _base(self, call: _Call, obj: str) -> dict[str, Any]:
        return {
            "id": "chatcmpl-" + secrets.token_hex(14),
            "object": obj,
            "created": int(time.time()),
            "model": call.model,
            "service_tier": "default",
            "system_fingerprint": "fp_fake0000",
        }

    @staticmethod
    def _usage_body(prompt: int, completion: int) -> dict[str, Any]:
        return {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {
                "reasoning_tokens": 0,
                "audio_tokens": 0,
                "accepted_prediction_tokens": 0,
                "rejected_prediction_tokens": 0,
            },
        }

    def _completion_body(self, call: _Call, reply: Reply, text: str) -> dict[str, Any]:
        prompt, completion = self._usage(call, reply, text)
        message: dict[str, Any] = {
            "role": "assistant",
            "content": text,
            "refusal": None,
            "annotations": [],
        }
        return {
            **self._base(call, "chat.completion"),
            "choices": [
                {
                    "index": 0,
                    "message": message,
                    "logprobs": None,
                    "finish_reason": _OPENAI_FINISH.get(reply.finish_reason, reply.finish_reason),
                }
            ],
            "usage": self._usage_body(prompt, completion),
        }

    def _chunk_events(
        self, call: _Call, reply: Reply, text: str
    ) -> tuple[list[bytes], list[bytes]]:
        """A stream's events, split as (role + content chunks, the rest up to [DONE])."""
        base = self._base(call, "chat.completion.chunk")
        if call.include_usage:
            base["usage"] = None

        def event(delta: dict[str, Any], finish: str | None = None) -> bytes:
            choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
            return b"data: " + _dumps({**base, "choices": [choice]}).encode() + b"\n\n"

        head = [event({"role": "assistant", "content": "", "refusal": None})]
        head += [event({"content": piece}) for piece in _split(text, reply.chunks)]
        tail = [event({}, _OPENAI_FINISH.get(reply.finish_reason, reply.finish_reason))]
        if call.include_usage:
            usage = self._usage_body(*self._usage(call, reply, text))
            tail.append(
                b"data: " + _dumps({**base, "choices": [], "usage": usage}).encode() + b"\n\n"
            )
        tail.append(b"data: [DONE]\n\n")
        return head, tail

    def _stream(self, call: _Call, pieces: list[bytes], *, cut: bool = False) -> Response:
        headers = {**self._headers(call.request_id), "cache-control": "no-cache"}
        return _Pieces(
            pieces, media_type="text/event-stream; charset=utf-8", headers=headers, cut=cut
        )

    def _reply(self, call: _Call, reply: Reply, text: str) -> Response:
        if call.stream:
            head, tail = self._chunk_events(call, reply, text)
            return self._stream(call, head + tail)
        return _json_response(
            self._completion_body(call, reply, text), 200, self._headers(call.request_id)
        )

    def _fail(self, call: _Call, fail: Fail) -> Response:
        default_type, code, message = _OPENAI_ERRORS.get(
            fail.status,
            ("server_error", None, "The server had an error processing your request.")
            if fail.status >= 500
            else ("invalid_request_error", None, "Invalid request."),
        )
        error_type = fail.error_type or default_type
        if fail.error_type in _OPENAI_TYPED_CODES:
            code, message = fail.error_type, _OPENAI_TYPED_CODES[fail.error_type]
        headers = (
            {} if fail.retry_after is None else {"retry-after": _retry_after(fail.retry_after)}
        )
        return self._error(
            fail.status,
            call.request_id,
            fail.message or message.format(model=call.model),
            error_type=error_type,
            code=code,
            headers=headers,
        )

    def _malformed(self, call: _Call) -> Response:
        truncated = '{"id":"chatcmpl-' + secrets.token_hex(6)
        if call.stream:
            head, tail = self._chunk_events(call, Reply(), call.default_text)
            return self._stream(call, [head[0], b"data: " + truncated.encode() + b"\n\n", *tail])
        return Response(
            truncated, media_type="application/json", headers=self._headers(call.request_id)
        )

    def _cut(self, call: _Call, after_chunks: int) -> Response:
        if call.stream:
            head, _ = self._chunk_events(call, Reply(), call.default_text)
            return self._stream(call, head[: 1 + after_chunks], cut=True)
        body = _dumps(self._completion_body(call, Reply(), call.default_text)).encode()
        return _Pieces(
            [body[: len(body) // 2]],
            media_type="application/json",
            headers=self._headers(call.request_id),
            content_length=len(body),
            cut=True,
        )

    def _models(self, request_id: str) -> Response:
        data = [
            {"id": name, "object": "model", "created": 1_715_367_049, "owned_by": "system"}
            for name in _OPENAI_MODELS
        ]
        return _json_response({"object": "list", "data": data}, 200, self._headers(request_id))


# -- Anthropic --------------------------------------------------------------------------

_ANTHROPIC_MODELS = (
    ("claude-opus-4-1-20250805", "Claude Opus 4.1"),
    ("claude-sonnet-4-5-20250929", "Claude Sonnet 4.5"),
    ("claude-haiku-4-5-20251001", "Claude Haiku 4.5"),
)
_ANTHROPIC_STOP = {
    "stop": "end_turn",
    "length": "max_tokens",
    "tool_calls": "tool_use",
    "content_filter": "refusal",
}
_ANTHROPIC_ERRORS: dict[int, tuple[str, str]] = {
    400: ("invalid_request_error", "Invalid request."),
    401: ("authentication_error", "invalid x-api-key"),
    402: ("billing_error", "Your credit balance is too low to access the Anthropic API."),
    403: (
        "permission_error",
        "Your API key does not have permission to use the specified resource.",
    ),
    404: ("not_found_error", "The requested resource could not be found."),
    413: ("request_too_large", "Request exceeds the maximum allowed number of bytes."),
    429: ("rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit."),
    500: ("api_error", "Internal server error"),
    504: ("timeout_error", "Request timeout"),
    529: ("overloaded_error", "Overloaded"),
}


class FakeAnthropic(_FakeLLM):
    """Anthropic's Messages API (``POST /v1/messages``, ``GET /v1/models``)."""

    _label = "fake Anthropic server"
    _completion_path = "/v1/messages"
    _models_path = "/v1/models"
    _key_prefix = "sk-ant-fake-"

    @property
    def base_url(self) -> str:
        """The bare origin, like the SDK's default: it appends /v1/messages itself."""
        return self.origin

    def _headers(self, request_id: str) -> dict[str, str]:
        return {"request-id": request_id, "anthropic-organization-id": "00000000-fake-org"}

    def _error(
        self,
        status: int,
        request_id: str,
        error_type: str,
        message: str,
        headers: dict[str, str] | None = None,
    ) -> Response:
        body = {
            "type": "error",
            "error": {"type": error_type, "message": message},
            "request_id": request_id,
        }
        return _json_response(body, status, {**self._headers(request_id), **(headers or {})})

    def _auth_error(self, request: Request, request_id: str) -> Response | None:
        # The API takes a key in x-api-key or as a bearer token; anthropic 2.x sends
        # api_key=... as "Authorization: Bearer", older SDKs and curl examples x-api-key.
        key = request.headers.get("x-api-key")
        scheme, _, bearer = request.headers.get("authorization", "").partition(" ")
        if key is None and scheme.lower() == "bearer" and bearer.strip():
            if secrets.compare_digest(bearer.strip().encode(), self.api_key.encode()):
                return None
            return self._error(401, request_id, "authentication_error", "Invalid bearer token")
        if key is None:
            return self._error(
                401, request_id, "authentication_error", "x-api-key header is required"
            )
        if not secrets.compare_digest(key.encode(), self.api_key.encode()):
            return self._error(401, request_id, "authentication_error", "invalid x-api-key")
        return None

    def _parse_call(self, request: Request, body: Any, request_id: str) -> _Call | Response:
        def invalid(message: str) -> Response:
            return self._error(400, request_id, "invalid_request_error", message)

        if "anthropic-version" not in request.headers:
            return invalid("anthropic-version: header is required")
        if body is _INVALID_JSON or not isinstance(body, dict):
            return invalid("There was an error parsing the body of your request")
        # Anthropic reports missing fields the way pydantic words them.
        for name in ("model", "max_tokens", "messages"):
            if name not in body:
                return invalid(f"{name}: Field required")
        model, max_tokens, messages = body["model"], body["max_tokens"], body["messages"]
        if not isinstance(model, str) or not model:
            return invalid("model: Input should be a valid string")
        if not isinstance(max_tokens, int) or isinstance(max_tokens, bool) or max_tokens < 1:
            return invalid("max_tokens: Input should be greater than or equal to 1")
        if not isinstance(messages, list):
            return invalid("messages: Input should be a valid list")
        if not messages:
            return invalid("messages: at least one message is required")
        characters = sum(len(_text_of(m.get("content"))) for m in messages if isinstance(m, dict))
        characters += len(_text_of(body.get("system")))
        return _Call(
            model=model,
            stream=body.get("stream") is True,
            include_usage=True,
            input_tokens=_estimate_tokens(characters),
            default_text=_echo(messages),
            request_id=request_id,
        )

    @staticmethod
    def _stop_reason(reply: Reply) -> str:
        return _ANTHROPIC_STOP.get(reply.finish_reason, reply.finish_reason)

    def _message(self, call: _Call, input_tokens: int) -> dict[str, Any]:
        return {
            "id": "msg_01" + secrets.token_hex(11),
            "type": "message",
            "role": "assistant",
            "model": call.model,
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": {
                "input_tokens": input_tokens,
                "cache_creation_input_tokens": 0,
                "cache_read_input_tokens": 0,
                "output_tokens": 1,
                "service_tier": "standard",
            },
        }

    def _message_body(self, call: _Call, reply: Reply, text: str) -> dict[str, Any]:
        input_tokens, output_tokens = self._usage(call, reply, text)
        message = self._message(call, input_tokens)
        message["content"] = [{"type": "text", "text": text}]
        message["stop_reason"] = self._stop_reason(reply)
        message["usage"]["output_tokens"] = output_tokens
        return message

    @staticmethod
    def _event(name: str, data: dict[str, Any]) -> bytes:
        return f"event: {name}\ndata: {_dumps(data)}\n\n".encode()

    def _events(
        self, call: _Call, reply: Reply, text: str
    ) -> tuple[list[bytes], list[bytes], list[bytes]]:
        """A stream's events as (preamble, content deltas, the rest up to message_stop)."""
        input_tokens, output_tokens = self._usage(call, reply, text)
        event = self._event
        preamble = [
            event(
                "message_start",
                {"type": "message_start", "message": self._message(call, input_tokens)},
            ),
            event(
                "content_block_start",
                {
                    "type": "content_block_start",
                    "index": 0,
                    "content_block": {"type": "text", "text": ""},
                },
            ),
            event("ping", {"type": "ping"}),
        ]
        deltas = [
            event(
                "content_block_delta",
                {
                    "type": "content_block_delta",
                    "index": 0,
                    "delta": {"type": "text_delta", "text": piece},
                },
            )
            for piece in _split(text, reply.chunks)
        ]
        ending = [
            event("content_block_stop", {"type": "content_block_stop", "index": 0}),
            event(
                "message_delta",
                {
                    "type": "message_delta",
                    "delta": {"stop_reason": self._stop_reason(reply), "stop_sequence": None},
                    "usage": {"output_tokens": output_tokens},
                },
            ),
            event("message_stop", {"type": "message_stop"}),
        ]
        return preamble, deltas, ending

    def _stream(self, call: _Call, pieces: list[bytes], *, cut: bool = False) -> Response:
        headers = {**self._headers(call.request_id), "cache-control": "no-cache"}
        return _Pieces(
            pieces, media_type="text/event-stream; charset=utf-8", headers=headers, cut=cut
        )

    def _reply(self, call: _Call, reply: Reply, text: str) -> Response:
        if call.stream:
            preamble, deltas, ending = self._events(call, reply, text)
            return self._stream(call, preamble + deltas + ending)
        return _json_response(
            self._message_body(call, reply, text), 200, self._headers(call.request_id)
        )

    def _fail(self, call: _Call, fail: Fail) -> Response:
        default_type, message = _ANTHROPIC_ERRORS.get(
            fail.status,
            ("api_error", "Internal server error")
            if fail.status >= 500
            else ("invalid_request_error", "Invalid request."),
        )
        headers = (
            {} if fail.retry_after is None else {"retry-after": _retry_after(fail.retry_after)}
        )
        return self._error(
            fail.status,
            call.request_id,
            fail.error_type or default_type,
            fail.message or message,
            headers,
        )

    def _malformed(self, call: _Call) -> Response:
        truncated = '{"type":"content_block_delta","index":0,"delta":{"type":"text_del'
        if call.stream:
            preamble, _, ending = self._events(call, Reply(), call.default_text)
            bad = b"event: content_block_delta\ndata: " + truncated.encode() + b"\n\n"
            return self._stream(call, [*preamble, bad, *ending])
        body = '{"id":"msg_01' + secrets.token_hex(6)
        return Response(body, media_type="application/json", headers=self._headers(call.request_id))

    def _cut(self, call: _Call, after_chunks: int) -> Response:
        if call.stream:
            preamble, deltas, _ = self._events(call, Reply(), call.default_text)
            return self._stream(call, preamble + deltas[:after_chunks], cut=True)
        body = _dumps(self._message_body(call, Reply(), call.default_text)).encode()
        return _Pieces(
            [body[: len(body) // 2]],
            media_type="application/json",
            headers=self._headers(call.request_id),
            content_length=len(body),
            cut=True,
        )

    def _models(self, request_id: str) -> Response:
        data = [
            {
                "type": "model",
                "id": model_id,
                "display_name": name,
                "created_at": "2025-01-01T00:00:00Z",
            }
            for model_id, name in _ANTHROPIC_MODELS
        ]
        body = {
            "data": data,
            "has_more": False,
            "first_id": data[0]["id"],
            "last_id": data[-1]["id"],
        }
        return _json_response(body, 200, self._headers(request_id))
