"""The interface every provider implements, and helpers they share."""

from __future__ import annotations

import email.utils
import json
import re
import time
from collections.abc import AsyncGenerator, Mapping
from types import ModuleType
from typing import Any, Protocol

import httpx2

from devmentor.ai.exceptions import ErrorKind, ProviderError
from devmentor.ai.types import ChatRequest, ProviderResponse, StreamEvent


class Provider(Protocol):
    """One backend. Implementations make exactly one attempt per call: retries, fallback and
    breakers belong to the gateway, so SDK-internal retries are switched off."""

    #: Name used in routes, metrics and the ledger: "openai", "anthropic", "local", "offline".
    name: str
    #: Whether calls cost money and count against user budgets.
    metered: bool
    #: Whether answers may be cached (the offline mentor is cheaper to re-run than to store).
    cacheable: bool
    #: Runs in this process without the network (exempt from the call's deadline).
    in_process: bool

    async def complete(
        self, model: str, request: ChatRequest, *, time_limit: float
    ) -> ProviderResponse:
        """One answer, or :class:`ProviderError`."""
        ...

    def stream(
        self, model: str, request: ChatRequest, *, time_limit: float
    ) -> AsyncGenerator[StreamEvent, None]:
        """Deltas, then exactly one ``StreamEnd``; :class:`ProviderError` on failure."""
        ...

    async def aclose(self) -> None: ...


def parse_retry_after(headers: Mapping[str, str] | None) -> float | None:
    """Seconds to wait, from ``retry-after-ms`` or ``Retry-After`` (seconds or HTTP date)."""
    if not headers:
        return None
    raw_ms = headers.get("retry-after-ms")
    if raw_ms:
        try:
            return max(0.0, float(raw_ms) / 1000)
        except ValueError:
            pass
    raw = headers.get("retry-after")
    if not raw:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def kind_for_status(status: int) -> ErrorKind:
    if status == 429 or status == 529:
        return "rate_limited" if status == 429 else "server_error"
    if status == 408:
        return "timeout"
    if status >= 500:
        return "server_error"
    if status in (401, 403):
        return "auth"
    return "bad_request"


def sdk_error(sdk: ModuleType, provider: str, model: str, exc: Exception) -> ProviderError:
    """Classify an exception of the ``openai`` or ``anthropic`` SDK (the two share their
    exception names) or of httpx2 under them."""
    if isinstance(exc, sdk.APIStatusError):
        return status_error(provider, model, exc.status_code, exc.response.headers, exc.message)
    if isinstance(exc, sdk.APITimeoutError | httpx2.TimeoutException):
        return ProviderError("timeout", "no answer in time", provider=provider, model=model)
    if isinstance(exc, sdk.APIConnectionError | httpx2.TransportError):
        return ProviderError(
            "connection", f"connection failed: {exc}", provider=provider, model=model
        )
    # What is left is an answer we could not read (bad JSON, an unexpected shape).
    return ProviderError(
        "malformed",
        f"unreadable answer: {type(exc).__name__}: {exc}",
        provider=provider,
        model=model,
    )


def status_error(
    provider: str, model: str, status: int, headers: Mapping[str, str] | None, message: str
) -> ProviderError:
    return ProviderError(
        kind_for_status(status),
        message[:300],
        provider=provider,
        model=model,
        status=status,
        retry_after=parse_retry_after(headers),
    )


_FENCED_JSON = re.compile(r"^\s*```(?:json)?\s*\n(.*)\n\s*```\s*$", re.DOTALL)


def parse_json_answer(text: str, provider: str, model: str) -> Any:
    """The JSON object in a model's answer (tolerating a Markdown fence around it)."""
    match = _FENCED_JSON.match(text)
    candidate = match.group(1) if match else text
    try:
        return json.loads(candidate)
    except ValueError as exc:
        raise ProviderError(
            "malformed", f"the answer is not JSON: {exc}", provider=provider, model=model
        ) from exc


def system_prompt(request: ChatRequest) -> str:
    """The request's system text, plus an instruction to answer with JSON that matches its
    schema when it has one (providers that enforce a schema natively get it too: models
    follow it better when it is also in the prompt)."""
    system = request.system
    if request.json_schema is None:
        return system
    schema = json.dumps(request.json_schema, separators=(",", ":"), sort_keys=True)
    instruction = (
        "Answer with one JSON object and nothing else (no prose, no Markdown fence). "
        f"It must validate against this JSON Schema: {schema}"
    )
    return f"{system}\n\n{instruction}" if system else instruction
