"""The offline mentor as a provider: always there, free, and the end of every route.

It answers from the structured ``context`` of a request (question, code, language, mode),
never from the rendered prompt, and never sends anything anywhere. Tasks it cannot do yet
answer ``unsupported``, which the gateway treats like any other failed hop.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from typing import Literal

from devmentor.ai.exceptions import ProviderError
from devmentor.ai.offline import OfflineMentor
from devmentor.ai.pricing import estimate_tokens
from devmentor.ai.types import (
    ChatRequest,
    ProviderResponse,
    StreamDelta,
    StreamEnd,
    StreamEvent,
    Task,
    Usage,
)

OFFLINE_MODEL = "offline-mentor-1"
# Inspecting more code than this takes long enough (a few ms) to move off the event loop.
_THREAD_THRESHOLD_CHARS = 4_000


class OfflineProvider:
    name = "offline"
    metered = False
    cacheable = False
    in_process = True
    tasks = frozenset({Task.MENTOR_ANSWER, Task.HINT})

    def __init__(self, mentor: OfflineMentor | None = None) -> None:
        self._mentor = mentor or OfflineMentor()

    async def aclose(self) -> None:
        pass

    async def complete(
        self, model: str, request: ChatRequest, *, time_limit: float
    ) -> ProviderResponse:
        if request.task not in self.tasks or request.json_schema is not None:
            raise ProviderError(
                "unsupported",
                f"the offline mentor cannot do {request.task.value!r} yet",
                provider=self.name,
                model=model,
            )
        context = request.context
        question = str(context.get("question") or "")
        code = context.get("code")
        language = context.get("language")
        mode: Literal["hint", "solution"] = (
            "solution" if context.get("mode") == "solution" else "hint"
        )

        def answer() -> str:
            return self._mentor.answer(
                question,
                code=str(code) if code else None,
                language=str(language) if language else None,
                mode=mode,
            ).text

        if code and len(str(code)) > _THREAD_THRESHOLD_CHARS:
            text = await asyncio.wait_for(asyncio.to_thread(answer), time_limit)
        else:
            text = answer()
        usage = Usage(estimate_tokens(question + str(code or "")), estimate_tokens(text))
        return ProviderResponse(text, usage, OFFLINE_MODEL, "stop")

    async def stream(
        self, model: str, request: ChatRequest, *, time_limit: float
    ) -> AsyncGenerator[StreamEvent, None]:
        response = await self.complete(model, request, time_limit=time_limit)
        # Paragraph by paragraph, so a streaming client renders it the way it renders others.
        paragraphs = response.text.split("\n\n")
        for index, paragraph in enumerate(paragraphs):
            yield StreamDelta(paragraph if index == len(paragraphs) - 1 else paragraph + "\n\n")
        yield StreamEnd(response.usage, response.finish_reason)
