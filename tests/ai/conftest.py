"""Fixtures of the AI tests: fake OpenAI and Anthropic servers, and the real app pointed at
them, so every test goes through the official SDKs, real HTTP and the real gateway.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2
import pytest
from fastapi import FastAPI
from sqlalchemy import select, update

from devmentor.ai.gateway import AIGateway
from devmentor.ai.models import AIUsage
from devmentor.ai.types import ChatRequest, Message, Task
from devmentor.auth.models import User
from devmentor.kit.platform import Platform
from tests.auth.conftest import FAST_ARGON2, bearer, login, register
from tests.auth.conftest import shared_services as shared_services  # the fixture, re-exported
from tests.conftest import make_settings, running_app
from tests.fakes.llm import FakeAnthropic, FakeOpenAI

OPENAI_MODEL = "gpt-4o-mini"
ANTHROPIC_MODEL = "claude-haiku-4-5"


def chat(
    text: str = "What is a closure?", *, task: Task = Task.MENTOR_ANSWER, **kw: Any
) -> ChatRequest:
    """A small request, as a domain service would build it."""
    return ChatRequest(
        task=task,
        messages=(Message("system", "You are a mentor."), Message("user", text)),
        max_output_tokens=200,
        context={"question": text, "mode": "hint"},
        **kw,
    )


@pytest.fixture(scope="session")
def openai_server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


@pytest.fixture(scope="session")
def anthropic_server() -> Iterator[FakeAnthropic]:
    with FakeAnthropic() as server:
        yield server


@pytest.fixture
def fake_openai(openai_server: FakeOpenAI) -> Iterator[FakeOpenAI]:
    openai_server.reset()
    yield openai_server
    openai_server.reset()


@pytest.fixture
def fake_anthropic(anthropic_server: FakeAnthropic) -> Iterator[FakeAnthropic]:
    anthropic_server.reset()
    yield anthropic_server
    anthropic_server.reset()


#: Fast resilience settings: the tests are about behaviour, not waiting.
FAST_AI: dict[str, Any] = {
    "attempt_timeout_seconds": 2.0,
    "deadline_seconds": 10.0,
    "backoff_base_seconds": 0.01,
    "backoff_max_seconds": 0.05,
    "breaker_open_seconds": 0.5,
    "ledger_flush_seconds": 60,  # tests flush explicitly
}


@dataclass
class AIApp:
    app: FastAPI
    client: httpx2.AsyncClient

    @property
    def gateway(self) -> AIGateway:
        gateway: AIGateway = self.app.state.ai_gateway
        return gateway

    @property
    def platform(self) -> Platform:
        platform: Platform = self.app.state.platform
        return platform

    async def user(self, name: str, *, admin: bool = False) -> tuple[uuid.UUID, dict[str, str]]:
        """Register ``name`` (an administrator if asked) and sign in: (user id, headers)."""
        body = await register(self.client, name)
        if admin:
            async with self.platform.db.session() as session:
                await session.execute(
                    update(User).where(User.username == name).values(is_admin=True)
                )
        tokens = await login(self.client, name)
        return uuid.UUID(body["id"]), bearer(tokens["access_token"])

    async def ledger(self) -> list[AIUsage]:
        await self.gateway.recorder.flush()
        async with self.platform.db.session() as session:
            rows = await session.scalars(select(AIUsage).order_by(AIUsage.id))
            return list(rows)


StartAI = Callable[..., AbstractAsyncContextManager[AIApp]]


@pytest.fixture
def start_ai(data_dir: Path, fake_openai: FakeOpenAI, fake_anthropic: FakeAnthropic) -> StartAI:
    """Start the app; ``ai`` entries override the fast defaults. ``openai``/``anthropic``
    say whether to configure those providers against the fakes."""

    @asynccontextmanager
    async def start(
        *,
        openai: bool = True,
        anthropic: bool = True,
        ai: dict[str, Any] | None = None,
        **overrides: Any,
    ) -> AsyncIterator[AIApp]:
        values: dict[str, Any] = dict(FAST_AI)
        if openai:
            values |= {
                "openai_api_key": fake_openai.api_key,
                "openai_base_url": fake_openai.base_url,
            }
        if anthropic:
            values |= {
                "anthropic_api_key": fake_anthropic.api_key,
                "anthropic_base_url": fake_anthropic.base_url,
            }
        values |= ai or {}
        settings = make_settings(data_dir, auth=FAST_ARGON2, ai=values, **overrides)
        async with running_app(settings) as (app, client):
            yield AIApp(app, client)

    return start


@pytest.fixture
async def ai_app(start_ai: StartAI) -> AsyncIterator[AIApp]:
    async with start_ai() as started:
        yield started
