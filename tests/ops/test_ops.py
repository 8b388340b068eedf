from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
import redis

from tests.conftest import make_settings, running_app

REDIS_SERVER = shutil.which("redis-server")


async def test_healthz(client: httpx2.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


async def test_readyz_checks_the_database(client: httpx2.AsyncClient) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert body["checks"]["database"]["ok"] is True
    assert "redis" not in body["checks"]  # embedded: no Redis to check


async def test_readyz_names_redis_when_it_is_unreachable(
    data_dir: Path, unused_tcp_port: int
) -> None:
    settings = make_settings(
        data_dir,
        redis_url=f"redis://127.0.0.1:{unused_tcp_port}/0",
        health={"check_timeout_seconds": 0.5},
    )
    async with running_app(settings) as (_, client):
        response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["failing"] == ["redis"]
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["redis"]["ok"] is False
    assert "redis" in body["detail"]


def _start_redis(port: int, workdir: Path) -> subprocess.Popen[bytes]:
    assert REDIS_SERVER is not None
    process = subprocess.Popen(
        [
            REDIS_SERVER,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=0.2)
    try:
        for _ in range(100):
            try:
                if client.ping():
                    return process
            except redis.ConnectionError:
                pass
            if process.poll() is not None:
                break
            time.sleep(0.05)
    finally:
        client.close()
    process.kill()
    raise AssertionError(f"redis-server did not start on port {port}")


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[tuple[int, list[subprocess.Popen[bytes]]]]:
    """A private redis-server this test may stop and start (never the shared one)."""
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    processes = [_start_redis(port, tmp_path)]
    yield port, processes
    for process in processes:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=10)


@pytest.mark.redis
async def test_readyz_follows_redis_down_and_back_without_a_restart(
    data_dir: Path, tmp_path: Path, own_redis: tuple[int, list[subprocess.Popen[bytes]]]
) -> None:
    port, processes = own_redis
    settings = make_settings(
        data_dir, redis_url=f"redis://127.0.0.1:{port}/0", health={"check_timeout_seconds": 0.5}
    )
    async with running_app(settings) as (_, client):
        assert (await client.get("/readyz")).status_code == 200

        processes[0].terminate()
        processes[0].wait(timeout=10)
        down = await client.get("/readyz")
        assert down.status_code == 503
        assert down.json()["failing"] == ["redis"]

        processes.append(_start_redis(port, tmp_path))
        async with asyncio.timeout(10):
            while (await client.get("/readyz")).status_code != 200:
                await asyncio.sleep(0.1)
        again = await client.get("/readyz")
        assert again.json()["checks"]["redis"]["ok"] is True


async def test_metrics_count_requests_by_route_template(client: httpx2.AsyncClient) -> None:
    await client.get("/healthz")
    await client.get("/no/such/page")
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert 'devmentor_http_requests_total{method="GET",route="/healthz",status="200"}' in text
    assert 'route="<unmatched>",status="404"' in text
    assert "devmentor_http_request_duration_seconds_bucket" in text
    assert 'devmentor_build_info{version="' in text


async def test_request_ids_are_echoed_or_generated(client: httpx2.AsyncClient) -> None:
    mine = await client.get("/healthz", headers={"X-Request-ID": "trace-123"})
    assert mine.headers["x-request-id"] == "trace-123"
    generated = await client.get("/healthz")
    assert len(generated.headers["x-request-id"]) == 32
    hostile = await client.get("/healthz", headers={"X-Request-ID": "bad id\r\nwith junk" * 10})
    assert hostile.headers["x-request-id"] != "bad id\r\nwith junk" * 10
    assert len(hostile.headers["x-request-id"]) == 32


async def test_openapi_and_swagger_ui_are_served(client: httpx2.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    assert spec["info"]["title"] == "DevMentor API"
    assert "/readyz" in spec["paths"]
    assert "/api/flags" in spec["paths"]
    docs = await client.get("/api-docs")
    assert docs.status_code == 200
    assert "/api-docs/assets/swagger-ui-bundle.js" in docs.text
    bundle = await client.get("/api-docs/assets/swagger-ui-bundle.js")
    assert bundle.status_code == 200
    assert "javascript" in bundle.headers["content-type"]
