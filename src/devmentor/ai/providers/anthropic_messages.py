"""Anthropic Claude through the official SDK's Messages API (SDK retries off)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

import anthropic
import httpx2

from devmentor.ai.exceptions import ProviderError
from devmentor.ai.providers.base import parse_json_answer, sdk_error, system_prompt
from devmentor.ai.types import (
    ChatRequest,
    ProviderResponse,
    StreamDelta,
    StreamEnd,
    StreamEvent,
    Usage,
)


class AnthropicProvider:
    cacheable = True
    in_process = False

    def __init__(
        self, name: str, *, api_key: str, base_url: str | None = None, metered: bool = True
    ) -> None:
        self.name = name
        self.metered = metered
        self._client = anthropic.AsyncAnthropic(api_key=api_key, base_url=base_url, max_retries=0)

    async def aclose(self) -> None:
        await self._client.close()

    def _params(self, model: str, request: ChatRequest) -> dict[str, Any]:
        system = system_prompt(request)
        params: dict[str, Any] = {
            "model": model,
            "max_tokens": request.max_output_tokens,
            # No temperature: current Claude models fix their own sampling, and the SDK no
            # longer takes the parameter.
            "messages": [{"role": m.role, "content": m.content} for m in request.conversation],
        }
        if system:
            params["system"] = system
        return params

    def _error(self, model: str, exc: Exception) -> ProviderError:
        return sdk_error(anthropic, self.name, model, exc)

    async def complete(
        self, model: str, request: ChatRequest, *, time_limit: float
    ) -> ProviderResponse:
        try:
            message = await self._client.messages.create(
                **self._params(model, request), timeout=time_limit
            )
        except (anthropic.AnthropicError, httpx2.HTTPError, ValueError) as exc:
            raise self._error(model, exc) from exc
        text = "".join(block.text for block in message.content if block.type == "text")
        if request.json_schema is not None:
            parse_json_answer(text, self.name, model)
        usage = Usage(message.usage.input_tokens, message.usage.output_tokens)
        return ProviderResponse(text, usage, message.model or model, message.stop_reason)

    async def stream(
        self, model: str, request: ChatRequest, *, time_limit: float
    ) -> AsyncGenerator[StreamEvent, None]:
        input_tokens = output_tokens = 0
        finish: str | None = None
        stopped = False
        try:
            stream = await self._client.messages.create(
                **self._params(model, request), stream=True, timeout=time_limit
            )
            async with stream:
                async for event in stream:
                    if event.type == "message_start":
                        input_tokens = event.message.usage.input_tokens
                    elif event.type == "content_block_delta" and event.delta.type == "text_delta":
                        if event.delta.text:
                            yield StreamDelta(event.delta.text)
                    elif event.type == "message_delta":
                        finish = event.delta.stop_reason or finish
                        output_tokens = event.usage.output_tokens
                    elif event.type == "message_stop":
                        stopped = True
        except (anthropic.AnthropicError, httpx2.HTTPError, ValueError) as exc:
            raise self._error(model, exc) from exc
        if not stopped:
            raise ProviderError(
                "connection",
                "the stream ended before message_stop",
                provider=self.name,
                model=model,
            )
        yield StreamEnd(Usage(input_tokens, output_tokens), finish)
