"""Ask the mentor: prompts, the hints-before-solutions guardrail, and usage reports."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from devmentor.ai import schemas
from devmentor.ai.caching import normalise
from devmentor.ai.gateway import AIGateway
from devmentor.ai.prompting import PromptLibrary
from devmentor.ai.repository import UsageLedger
from devmentor.ai.types import ChatRequest, Completion, StreamDelta, Task
from devmentor.kit.cache import CacheTiers

Mode = Literal["hint", "solution"]

MENTOR_PROMPT = ("mentor_answer", "v1")
MENTOR_MAX_OUTPUT_TOKENS = 900
#: How long a hint "unlocks" the solution to the same question.
HINT_MEMORY_SECONDS = 7 * 86_400
#: Code blocks longer than this in a hint are cut: a hint must not be the solution.
HINT_MAX_CODE_LINES = 3

SOLUTION_LOCKED_NOTICE = (
    "Hints come before solutions: here is a hint first. Ask for the solution again "
    "if you are still stuck after trying it."
)
# A fenced block, closed by the same fence or (an answer cut short) by the end of the text.
_FENCE = re.compile(
    r"^(?P<fence>`{3,}|~{3,})[^\n]*\n(?P<body>.*?)(?:^(?P=fence)[ \t]*$|\Z)", re.M | re.S
)
_OPENING = re.compile(r"(`{3,}|~{3,})")


def limit_code_blocks(text: str, max_lines: int = HINT_MAX_CODE_LINES) -> tuple[str, bool]:
    """Cut fenced code blocks to ``max_lines``; returns the text and whether anything was cut.

    Models asked for hints still write full solutions now and then; the guardrail is
    enforced here, not only requested in the prompt.
    """
    cut = False

    def shorten(match: re.Match[str]) -> str:
        nonlocal cut
        lines = match.group("body").rstrip("\n").split("\n")
        if len(lines) <= max_lines:
            return match.group(0)
        cut = True
        head = match.group(0).split("\n", 1)[0]
        kept = "\n".join(lines[:max_lines])
        return (
            f"{head}\n{kept}\n{match.group('fence')}\n"
            "*(The rest is left for you to write; ask for the solution if you are stuck.)*"
        )

    return _FENCE.sub(shorten, text), cut


@dataclass(frozen=True, slots=True)
class MentorReply:
    completion: Completion
    answer: str
    mode: Mode
    notice: str | None


class MentorService:
    def __init__(self, gateway: AIGateway, cache: CacheTiers, prompts: PromptLibrary) -> None:
        self._gateway = gateway
        self._cache = cache
        self._prompts = prompts

    @staticmethod
    def _question_key(user_id: uuid.UUID, ask: schemas.AskRequest) -> str:
        digest = hashlib.sha256(
            "\x1f".join([normalise(ask.question), normalise(ask.code or "")]).encode()
        ).hexdigest()
        return f"mentor:hinted:{user_id}:{digest}"

    async def _mode(self, user_id: uuid.UUID, ask: schemas.AskRequest) -> tuple[Mode, str | None]:
        if ask.mode == "solution" and not await self._cache.get(self._question_key(user_id, ask)):
            return "hint", SOLUTION_LOCKED_NOTICE
        return ask.mode, None

    def _request(self, user_id: uuid.UUID, ask: schemas.AskRequest, mode: Mode) -> ChatRequest:
        name, version = MENTOR_PROMPT
        return self._prompts.render(
            name,
            version,
            Task.MENTOR_ANSWER,
            max_output_tokens=MENTOR_MAX_OUTPUT_TOKENS,
            cache_scope=str(user_id),
            question=ask.question,
            code=ask.code,
            language=ask.language,
            mode=mode,
        )

    async def _remember_hint(self, user_id: uuid.UUID, ask: schemas.AskRequest, mode: Mode) -> None:
        if mode == "hint":
            await self._cache.set(self._question_key(user_id, ask), True, ttl=HINT_MEMORY_SECONDS)

    async def ask(self, user_id: uuid.UUID, ask: schemas.AskRequest) -> MentorReply:
        mode, notice = await self._mode(user_id, ask)
        completion = await self._gateway.complete(
            self._request(user_id, ask, mode), user_id=user_id
        )
        answer = completion.text
        if mode == "hint":
            answer, _ = limit_code_blocks(answer)
        await self._remember_hint(user_id, ask, mode)
        return MentorReply(completion, answer, mode, notice)

    async def ask_stream(
        self, user_id: uuid.UUID, ask: schemas.AskRequest
    ) -> tuple[Mode, str | None, AsyncIterator[StreamDelta | Completion]]:
        """The answer as it is written. In hint mode, deltas are held back inside a code
        block until it is known to be short enough (a hint never leaks a solution)."""
        mode, notice = await self._mode(user_id, ask)
        events = self._gateway.stream(self._request(user_id, ask, mode), user_id=user_id)

        async def guarded() -> AsyncIterator[StreamDelta | Completion]:
            if mode == "solution":
                async for event in events:
                    yield event
                return
            guard = _HintStreamGuard()
            async for event in events:
                if isinstance(event, StreamDelta):
                    text = guard.feed(event.text)
                    if text:
                        yield StreamDelta(text)
                else:
                    rest = guard.finish()
                    if rest:
                        yield StreamDelta(rest)
                    await self._remember_hint(user_id, ask, mode)
                    yield event

        return mode, notice, guarded()


class _HintStreamGuard:
    """Passes prose through as it arrives; holds a fenced code block until it closes, then
    releases it cut to ``HINT_MAX_CODE_LINES`` lines, exactly as ``limit_code_blocks``."""

    def __init__(self) -> None:
        self._buffer = ""
        self._mid_line = False  # part of the current line was already passed through
        self._fence: str | None = None
        self._block: list[str] = []

    def feed(self, text: str) -> str:
        self._buffer += text
        out: list[str] = []
        while (newline := self._buffer.find("\n")) != -1:
            line, self._buffer = self._buffer[: newline + 1], self._buffer[newline + 1 :]
            out.append(self._line(line))
        # A partial line can go out now unless it may yet turn out to open a fence.
        if self._fence is None and self._buffer and (self._mid_line or self._buffer[0] not in "`~"):
            out.append(self._buffer)
            self._buffer = ""
            self._mid_line = True
        return "".join(out)

    def _line(self, line: str) -> str:
        if self._fence is None:
            opening = None if self._mid_line else _OPENING.match(line)
            self._mid_line = False
            if opening is None:
                return line
            self._fence, self._block = opening.group(1), [line]
            return ""
        self._block.append(line)
        if line.rstrip() != self._fence:
            return ""
        block, self._fence, self._block = "".join(self._block), None, []
        return limit_code_blocks(block)[0]

    def finish(self) -> str:
        rest = "".join(self._block) + self._buffer
        self._buffer, self._fence, self._block = "", None, []
        return limit_code_blocks(rest)[0]


class UsageReports:
    def __init__(self, session: AsyncSession) -> None:
        self._ledger = UsageLedger(session)

    async def report(
        self, user_id: uuid.UUID | None, start: dt.datetime, end: dt.datetime, limit: int
    ) -> schemas.UsageOut:
        groups = [
            schemas.UsageGroupOut(
                provider=g["provider"],
                model=g["model"],
                task=g["task"],
                calls=int(g["calls"]),
                cache_hits=int(g["cache_hits"] or 0),
                errors=int(g["errors"] or 0),
                input_tokens=int(g["input_tokens"] or 0),
                output_tokens=int(g["output_tokens"] or 0),
                cost_usd=int(g["cost_micros"] or 0) / 1e6,
                avg_latency_ms=round(float(g["avg_latency_ms"] or 0), 3),
            )
            for g in await self._ledger.summary(user_id, start, end)
        ]
        rows = await self._ledger.recent(user_id, start, end, limit)
        return schemas.UsageOut(
            user_id=user_id,
            start=start,
            end=end,
            totals=schemas.UsageTotalsOut(
                calls=sum(g.calls for g in groups),
                cache_hits=sum(g.cache_hits for g in groups),
                errors=sum(g.errors for g in groups),
                input_tokens=sum(g.input_tokens for g in groups),
                output_tokens=sum(g.output_tokens for g in groups),
                cost_usd=round(sum(g.cost_usd for g in groups), 6),
            ),
            groups=groups,
            recent=[
                schemas.UsageRowOut(
                    created_at=r.created_at,
                    user_id=r.user_id,
                    task=r.task,
                    provider=r.provider,
                    model=r.model,
                    outcome=r.outcome,
                    input_tokens=r.input_tokens,
                    output_tokens=r.output_tokens,
                    cost_usd=r.cost_micros / 1e6,
                    latency_ms=r.latency_ms,
                    cached=r.cached,
                    attempts=r.attempts,
                )
                for r in rows
            ],
        )
