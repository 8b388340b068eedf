"""Shared fixtures.

Service-backed tests read ``DEVMENTOR_TEST_DATABASE_URL`` (PostgreSQL) and
``DEVMENTOR_TEST_REDIS_URL``. Unset, those variants are skipped locally; with
``DEVMENTOR_TEST_REQUIRE_SERVICES=1`` (as .ci/run sets) a missing service fails the run.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx2
import pytest
from fastapi import FastAPI

from devmentor.app import create_app
from devmentor.kit.db import scratch_database
from devmentor.settings import Settings

TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"


def _service_url(name: str) -> str:
    url = os.environ.get(name)
    if url:
        return url
    if os.environ.get("DEVMENTOR_TEST_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{name} is required in this run (DEVMENTOR_TEST_REQUIRE_SERVICES=1)")
    pytest.skip(f"{name} not set")


@pytest.fixture
def redis_url() -> str:
    """A real Redis. Each test gets its own logical key prefix via ``unique_prefix``."""
    return _service_url("DEVMENTOR_TEST_REDIS_URL")


@pytest.fixture
def unique_prefix() -> str:
    return f"devmentor-test:{uuid.uuid4().hex[:12]}:"


@pytest.fixture(params=["memory", "redis"])
def redis_or_none(request: pytest.FixtureRequest) -> str | None:
    """Run a test once in-process and once against real Redis."""
    if request.param == "memory":
        return None
    return _service_url("DEVMENTOR_TEST_REDIS_URL")


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    """A URL to a fresh, empty PostgreSQL database that is dropped after the test."""
    base = _service_url("DEVMENTOR_TEST_DATABASE_URL")
    if base.startswith("postgresql://"):
        base = "postgresql+asyncpg://" + base.split("://", 1)[1]
    async with scratch_database(base, prefix="devmentor_t") as url:
        yield url


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Run a test once on SQLite and once on a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'test.sqlite3'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


def make_settings(data_dir: Path, **overrides: Any) -> Settings:
    """Settings for a test: isolated data dir, no .env file, readable logs."""
    values: dict[str, Any] = {
        "env": "test",
        "data_dir": data_dir,
        "secret_key": TEST_SECRET,
        "log_json": False,
        "log_level": "warning",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


@asynccontextmanager
async def running_app(settings: Settings) -> AsyncIterator[tuple[FastAPI, httpx2.AsyncClient]]:
    """The real app with its lifespan, and a client speaking HTTP to it over ASGI."""
    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx2.AsyncClient(
            transport=httpx2.ASGITransport(app=app), base_url="http://testserver"
        ) as client,
    ):
        yield app, client


@pytest.fixture
async def client(data_dir: Path) -> AsyncIterator[httpx2.AsyncClient]:
    """A client for the app on the embedded defaults (SQLite, in-process everything)."""
    async with running_app(make_settings(data_dir)) as (_, http):
        yield http
