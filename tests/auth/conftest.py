"""The sign-in tests' fixtures: the real app, on SQLite and on PostgreSQL, with cheap argon2.

``start_app(**overrides)`` starts an app on the test's database (call it twice for two
apps, e.g. before and after a secret rotation); ``auth_app`` is one with the defaults.
The helpers speak the public HTTP API only.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from devmentor.auth.models import AuthSession, User
from devmentor.auth.runtime import AuthRuntime
from devmentor.kit.errors import PROBLEM_JSON
from devmentor.kit.platform import Platform
from tests.conftest import make_settings, running_app

#: argon2 at its cheapest: the tests are about the rules, not the hash's cost.
FAST_ARGON2: dict[str, Any] = {
    "argon2_memory_kib": 1024,
    "argon2_time_cost": 1,
    "argon2_parallelism": 1,
}
PASSWORD = "correct-horse-battery-staple"
OTHER_SECRET = "a-completely-different-secret-key-0123456789abcdef"


@dataclass
class AuthApp:
    """A running app and a client speaking HTTP to it over ASGI (cookie jar included)."""

    app: FastAPI
    client: httpx2.AsyncClient

    @property
    def runtime(self) -> AuthRuntime:
        runtime: AuthRuntime = self.app.state.auth_runtime
        return runtime

    @property
    def platform(self) -> Platform:
        platform: Platform = self.app.state.platform
        return platform

    def new_client(
        self, *, https: bool = False, ip: str = "127.0.0.1", raise_app_exceptions: bool = True
    ) -> httpx2.AsyncClient:
        """Another client (its own cookie jar, optionally another address) on the same app.

        ``raise_app_exceptions=False`` shows a crash as the 500 a browser would get.
        """
        transport = httpx2.ASGITransport(
            app=self.app, client=(ip, 4321), raise_app_exceptions=raise_app_exceptions
        )
        return httpx2.AsyncClient(
            transport=transport,
            base_url=("https" if https else "http") + "://testserver",
        )

    async def auth_session(self, session_id: str | uuid.UUID) -> AuthSession:
        """The session's row as committed (read in a unit of work of its own)."""
        async with self.platform.db.session() as session:
            row = await session.get(AuthSession, uuid.UUID(str(session_id)))
        assert row is not None
        return row

    async def user_count(self) -> int:
        async with self.platform.db.session() as session:
            return int(await session.scalar(select(func.count()).select_from(User)) or 0)

    async def user(self, username: str) -> User | None:
        async with self.platform.db.session() as session:
            found: User | None = await session.scalar(select(User).where(User.username == username))
            return found


StartApp = Callable[..., AbstractAsyncContextManager[AuthApp]]


@pytest.fixture
def start_app(data_dir: Path, database_url: str) -> StartApp:
    """Start the app on this test's database; ``auth`` entries override the cheap defaults."""

    @asynccontextmanager
    async def start(
        *, auth: dict[str, Any] | None = None, **overrides: Any
    ) -> AsyncIterator[AuthApp]:
        settings = make_settings(
            data_dir,
            database_url=database_url,
            auth={**FAST_ARGON2, **(auth or {})},
            **overrides,
        )
        async with running_app(settings) as (app, client):
            yield AuthApp(app, client)

    return start


@pytest.fixture
async def auth_app(start_app: StartApp) -> AsyncIterator[AuthApp]:
    async with start_app() as started:
        yield started


@pytest.fixture
def shared_services(redis_or_none: str | None, unique_prefix: str) -> dict[str, Any]:
    """Settings for in-process tiers or real Redis, isolated on the shared Redis by prefix."""
    return {
        "redis_url": redis_or_none,
        "embedded": True,  # migrate on start even with Redis configured
        "cache": {"key_prefix": unique_prefix},
        "events": {"stream_key": unique_prefix + "events"},
        "rate_limit": {"key_prefix": unique_prefix + "rl"},
    }


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def problem(response: httpx2.Response, status: int, code: str) -> dict[str, Any]:
    """Assert ``response`` is an RFC 9457 problem with this status and code; return its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["code"] == code, body
    return body


async def register(
    client: httpx2.AsyncClient, name: str, password: str = PASSWORD, **extra: Any
) -> dict[str, Any]:
    response = await client.post(
        "/api/auth/register", json={"username": name, "password": password, **extra}
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def login(
    client: httpx2.AsyncClient,
    name: str,
    password: str = PASSWORD,
    *,
    remember: bool = False,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    response = await client.post(
        "/api/auth/login",
        json={"username": name, "password": password, "remember": remember},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def signed_up(client: httpx2.AsyncClient, name: str) -> dict[str, Any]:
    """Register ``name`` and sign in once: the token pair."""
    await register(client, name)
    return await login(client, name)


async def refresh(client: httpx2.AsyncClient, refresh_token: str) -> httpx2.Response:
    return await client.post("/api/auth/refresh", json={"refresh_token": refresh_token})


async def me(client: httpx2.AsyncClient, access_token: str) -> httpx2.Response:
    return await client.get("/api/me", headers=bearer(access_token))


# -- Cookies -------------------------------------------------------------------------

#: Where http.cookiejar files cookies for the dotless host "testserver".
COOKIE_DOMAIN = "testserver.local"


def put_cookie(client: httpx2.AsyncClient, name: str, value: str, path: str = "/") -> None:
    """Put a cookie in the jar as the browser would have stored it (replaceable by the app)."""
    client.cookies.set(name, value, domain=COOKIE_DOMAIN, path=path)


@dataclass(frozen=True)
class SetCookie:
    value: str
    #: Attribute names lower-cased; flags (HttpOnly, Secure) map to "".
    attributes: dict[str, str]


def set_cookies(response: httpx2.Response) -> dict[str, SetCookie]:
    """The cookies a response sets, by name."""
    found: dict[str, SetCookie] = {}
    for header in response.headers.get_list("set-cookie"):
        first, *rest = (part.strip() for part in header.split(";"))
        name, _, value = first.partition("=")
        attributes = {}
        for part in rest:
            key, _, attribute = part.partition("=")
            attributes[key.lower()] = attribute
        found[name] = SetCookie(value.strip('"'), attributes)
    return found
