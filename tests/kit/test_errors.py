from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx2
import pytest
from fastapi import FastAPI
from pydantic import BaseModel, Field

from devmentor.app import create_app
from devmentor.kit.errors import Conflict
from tests.conftest import make_settings

PROBLEM = "application/problem+json"


class Payload(BaseModel):
    name: str = Field(min_length=1, max_length=20)
    count: int = Field(ge=0)


def _app_with_test_routes(data_dir: Path) -> FastAPI:
    app = create_app(make_settings(data_dir))

    @app.post("/test/echo")
    async def echo(payload: Payload) -> Payload:
        return payload

    @app.get("/test/conflict")
    async def conflict() -> None:
        raise Conflict("That name is taken.")

    @app.get("/test/crash")
    async def crash() -> None:
        raise RuntimeError("secret internal detail")

    return app


def _client(app: FastAPI) -> httpx2.AsyncClient:
    return httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app, raise_app_exceptions=False),
        base_url="http://testserver",
    )


@pytest.fixture
async def client(data_dir: Path) -> AsyncIterator[httpx2.AsyncClient]:
    """The app plus the routes above; crashes reach the client as responses, as in serving."""
    app = _app_with_test_routes(data_dir)
    async with app.router.lifespan_context(app), _client(app) as http:
        yield http


async def test_every_error_is_problem_json(client: httpx2.AsyncClient) -> None:
    missing = await client.get("/api/nothing-here")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == PROBLEM
    assert missing.json()["code"] == "not_found"
    assert missing.json()["instance"] == "/api/nothing-here"
    assert missing.json()["request_id"] == missing.headers["x-request-id"]

    wrong_method = await client.delete("/healthz")
    assert wrong_method.status_code == 405
    assert wrong_method.headers["content-type"] == PROBLEM

    conflict = await client.get("/test/conflict")
    assert conflict.status_code == 409
    assert conflict.json() | {"request_id": None} == {
        "type": "/problems/conflict",
        "title": "Conflict",
        "status": 409,
        "detail": "That name is taken.",
        "code": "conflict",
        "instance": "/test/conflict",
        "request_id": None,
    }


async def test_validation_errors_list_each_problem_without_echoing_input(
    client: httpx2.AsyncClient,
) -> None:
    response = await client.post("/test/echo", json={"name": "x" * 50, "count": -1})
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["code"] == "validation_failed"
    locations = sorted(tuple(e["loc"]) for e in body["errors"])
    assert locations == [("body", "count"), ("body", "name")]
    assert "x" * 50 not in response.text

    not_json = await client.post(
        "/test/echo", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert not_json.status_code == 422
    assert not_json.headers["content-type"] == PROBLEM


async def test_oversized_bodies_are_refused_before_parsing(client: httpx2.AsyncClient) -> None:
    big = b'{"name": "' + b"a" * (3 * 1024 * 1024) + b'", "count": 1}'
    declared = await client.post(
        "/test/echo", content=big, headers={"content-type": "application/json"}
    )
    assert declared.status_code == 413
    assert declared.headers["content-type"] == PROBLEM

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(40):
            yield b"a" * 100_000

    streamed = await client.post(
        "/test/echo", content=chunks(), headers={"content-type": "application/json"}
    )
    assert streamed.status_code == 413
    assert streamed.json()["code"] == "payload_too_large"


async def test_crashes_are_500_problem_json_without_internals(client: httpx2.AsyncClient) -> None:
    response = await client.get("/test/crash")
    assert response.status_code == 500
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["code"] == "internal_error"
    assert "secret internal detail" not in response.text
    assert "Traceback" not in response.text


async def test_html_pages_carry_security_headers(client: httpx2.AsyncClient) -> None:
    response = await client.get("/")
    assert response.headers["content-security-policy"].startswith("default-src 'self'")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
