"""The gateway's vocabulary: tasks, messages, requests and what comes back.

Everything here is a small frozen value, cheap to build and safe to share between the
concurrent callers of one singleflight call.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

Role = Literal["system", "user", "assistant"]


class Task(enum.StrEnum):
    """What a call is for. Each task has its own route (models and fallbacks) and limits."""

    LESSON = "lesson"
    QUESTION = "question"
    GRADING = "grading"
    HINT = "hint"
    MENTOR_ANSWER = "mentor_answer"


@dataclass(frozen=True, slots=True)
class Message:
    role: Role
    content: str


_EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class ChatRequest:
    """One model call, independent of the provider that will answer it.

    ``context`` carries the structured inputs the prompt was rendered from (the question,
    the code, the language). Remote providers only ever see ``messages``; the offline
    mentor answers from ``context`` instead of parsing prompts back.
    """

    task: Task
    messages: tuple[Message, ...]
    max_output_tokens: int = 800
    temperature: float = 0.2
    #: A JSON Schema the answer must satisfy (set by ``AIGateway.complete_structured``).
    json_schema: Mapping[str, Any] | None = None
    schema_name: str | None = None
    context: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)
    #: Which versioned prompt template produced ``messages`` (recorded in the ledger).
    prompt_version: str | None = None
    #: Who may share a cached answer: a user id, or "shared" for user-independent content.
    cache_scope: str | None = None

    @property
    def system(self) -> str:
        return "\n\n".join(m.content for m in self.messages if m.role == "system")

    @property
    def conversation(self) -> tuple[Message, ...]:
        return tuple(m for m in self.messages if m.role != "system")


@dataclass(frozen=True, slots=True)
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0

    @property
    def total(self) -> int:
        return self.input_tokens + self.output_tokens


@dataclass(frozen=True, slots=True)
class ProviderResponse:
    """What one provider returned for one call."""

    text: str
    usage: Usage
    model: str
    finish_reason: str | None = None


@dataclass(frozen=True, slots=True)
class StreamDelta:
    """A piece of a streamed answer."""

    text: str


@dataclass(frozen=True, slots=True)
class StreamEnd:
    """The last event of a provider stream: token counts and why it stopped."""

    usage: Usage | None
    finish_reason: str | None = None


StreamEvent = StreamDelta | StreamEnd


@dataclass(frozen=True, slots=True)
class Hop:
    """One attempt at one target of a route, as reported back to the caller."""

    provider: str
    model: str
    outcome: str  # "ok", "cached", "skipped_open_breaker", or an error kind
    attempts: int = 0


@dataclass(frozen=True, slots=True)
class Completion:
    """The gateway's answer, with where it came from and what it cost."""

    text: str
    provider: str
    model: str
    task: Task
    cached: bool
    usage: Usage
    cost_usd: float
    latency_ms: float
    #: Time spent in the gateway itself (not waiting on a provider), in milliseconds.
    overhead_ms: float
    hops: tuple[Hop, ...] = ()
    finish_reason: str | None = None

    @property
    def fell_back(self) -> bool:
        return len(self.hops) > 1
