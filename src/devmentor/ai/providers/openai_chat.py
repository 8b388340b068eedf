"""OpenAI, and any server that speaks its Chat Completions API (Ollama, vLLM, LM Studio).

One ``AsyncOpenAI`` client per provider, created once, with the SDK's own retries off: the
gateway's retry loop is the only one, so retries and fallbacks never multiply.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

import httpx2
import openai

from devmentor.ai.exceptions import ProviderError
from devmentor.ai.pricing import estimate_tokens
from devmentor.ai.providers.base import parse_json_answer, sdk_error, system_prompt
from devmentor.ai.types import (
    ChatRequest,
    ProviderResponse,
    StreamDelta,
    StreamEnd,
    StreamEvent,
    Usage,
)


class OpenAIChatProvider:
    """``kind="openai"`` talks to OpenAI itself; ``kind="compatible"`` to a local server,
    which may not know ``max_completion_tokens``, JSON Schema output, or usage in streams."""

    cacheable = True
    in_process = False

    def __init__(
        self,
        name: str,
        *,
        api_key: str,
        base_url: str | None = None,
        organization: str | None = None,
        metered: bool = True,
        compatible: bool = False,
    ) -> None:
        self.name = name
        self.metered = metered
        self._compatible = compatible
        self._client = openai.AsyncOpenAI(
            api_key=api_key,
            base_url=base_url,
            organization=organization,
            max_retries=0,
        )

    async def aclose(self) -> None:
        await self._client.close()

    def _params(self, model: str, request: ChatRequest) -> dict[str, Any]:
        system = system_prompt(request)
        messages: list[dict[str, str]] = []
        if system:
            messages.append({"role": "system", "content": system})
        messages += [{"role": m.role, "content": m.content} for m in request.conversation]
        params: dict[str, Any] = {
            "model": model,
            "messages": messages,
            "temperature": request.temperature,
        }
        if self._compatible:
            params["max_tokens"] = request.max_output_tokens
        else:
            params["max_completion_tokens"] = request.max_output_tokens
        if request.json_schema is not None:
            if self._compatible:
                params["response_format"] = {"type": "json_object"}
            else:
                params["response_format"] = {
                    "type": "json_schema",
                    "json_schema": {
                        "name": request.schema_name or "answer",
                        "schema": dict(request.json_schema),
                        # strict mode needs every property required and no extras; our
                        # schemas are validated by Pydantic on the way back instead.
                        "strict": False,
                    },
                }
        return params

    def _error(self, model: str, exc: Exception) -> ProviderError:
        return sdk_error(openai, self.name, model, exc)

    async def complete(
        self, model: str, request: ChatRequest, *, time_limit: float
    ) -> ProviderResponse:
        try:
            result = await self._client.chat.completions.create(
                **self._params(model, request), timeout=time_limit
            )
        except (openai.OpenAIError, httpx2.HTTPError, ValueError) as exc:
            raise self._error(model, exc) from exc
        if not result.choices:
            raise ProviderError(
                "malformed", "the answer has no choices", provider=self.name, model=model
            )
        choice = result.choices[0]
        text = choice.message.content or ""
        if request.json_schema is not None:
            parse_json_answer(text, self.name, model)
        if result.usage is not None:
            usage = Usage(result.usage.prompt_tokens, result.usage.completion_tokens)
        else:
            usage = _estimated(request, text)
        return ProviderResponse(text, usage, result.model or model, choice.finish_reason)

    async def stream(
        self, model: str, request: ChatRequest, *, time_limit: float
    ) -> AsyncGenerator[StreamEvent, None]:
        params = self._params(model, request)
        if not self._compatible:
            params["stream_options"] = {"include_usage": True}
        usage: Usage | None = None
        finish: str | None = None
        pieces: list[str] = []
        try:
            stream = await self._client.chat.completions.create(
                **params, stream=True, timeout=time_limit
            )
            async with stream:
                async for chunk in stream:
                    if chunk.usage is not None:
                        usage = Usage(chunk.usage.prompt_tokens, chunk.usage.completion_tokens)
                    for choice in chunk.choices:
                        if choice.finish_reason:
                            finish = choice.finish_reason
                        delta = choice.delta.content if choice.delta else None
                        if delta:
                            pieces.append(delta)
                            yield StreamDelta(delta)
        except (openai.OpenAIError, httpx2.HTTPError, ValueError) as exc:
            raise self._error(model, exc) from exc
        if finish is None:
            # The SDK ends quietly when the server closes without [DONE]; an answer with no
            # finish reason was cut off, not finished.
            raise ProviderError(
                "connection",
                "the stream ended without a finish reason",
                provider=self.name,
                model=model,
            )
        yield StreamEnd(usage or _estimated(request, "".join(pieces)), finish)


def _estimated(request: ChatRequest, text: str) -> Usage:
    return Usage(
        sum(estimate_tokens(m.content) for m in request.messages),
        estimate_tokens(text) if text else 0,
    )
