"""Request and response bodies of the AI endpoints."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from pydantic import BaseModel, Field, field_validator

MAX_QUESTION_CHARS = 4_000
MAX_CODE_CHARS = 20_000


class AskRequest(BaseModel):
    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS)
    code: str | None = Field(default=None, max_length=MAX_CODE_CHARS)
    language: str | None = Field(default=None, pattern=r"^[A-Za-z0-9+#._-]{1,32}$")
    #: "hint" first; "solution" is granted once a hint for the same question was given.
    mode: Literal["hint", "solution"] = "hint"

    @field_validator("question", mode="before")
    @classmethod
    def _trim(cls, value: object) -> object:
        # Trimmed before the length check: trailing blank lines don't count.
        return value.strip() if isinstance(value, str) else value

    @field_validator("question", "code")
    @classmethod
    def _text(cls, value: str | None) -> str | None:
        if value is not None and "\x00" in value:
            raise ValueError("contains NUL characters; paste it as text")
        return value

    @field_validator("code")
    @classmethod
    def _blank_code(cls, value: str | None) -> str | None:
        return value if value and value.strip() else None

    @field_validator("language")
    @classmethod
    def _lower(cls, value: str | None) -> str | None:
        return value.lower() if value else value


class AskResponse(BaseModel):
    answer: str
    provider: str
    model: str
    cached: bool
    #: The mode answered in: a "solution" request before any hint is answered as "hint".
    mode: Literal["hint", "solution"]
    #: Set when the mode was changed, saying why.
    notice: str | None = None
    fell_back: bool = False


class BreakerOut(BaseModel):
    state: str
    calls_in_window: int
    failures_in_window: int
    retry_in_seconds: float
    probe_in_flight: bool
    opened_total: int


class TargetOut(BaseModel):
    provider: str
    model: str
    metered: bool
    known_price: bool
    breaker: BreakerOut


class ProvidersOut(BaseModel):
    providers: list[str]
    targets: list[TargetOut]
    routes: dict[str, list[str]]
    budget_store: str
    ledger_pending: int


class UsageGroupOut(BaseModel):
    provider: str
    model: str
    task: str
    calls: int
    cache_hits: int
    errors: int
    input_tokens: int
    output_tokens: int
    cost_usd: float
    avg_latency_ms: float


class UsageRowOut(BaseModel):
    created_at: dt.datetime
    user_id: uuid.UUID | None
    task: str
    provider: str
    model: str
    outcome: str
    input_tokens: int
    output_tokens: int
    cost_usd: float
    latency_ms: float
    cached: bool
    attempts: int


class UsageTotalsOut(BaseModel):
    calls: int
    cache_hits: int
    errors: int
    input_tokens: int
    output_tokens: int
    cost_usd: float


class UsageOut(BaseModel):
    user_id: uuid.UUID | None
    start: dt.datetime
    end: dt.datetime
    totals: UsageTotalsOut
    groups: list[UsageGroupOut]
    recent: list[UsageRowOut]
