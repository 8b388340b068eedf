"""What sign-in costs: password hashing, token signing and verifying, and a refresh.

In-process, no server: it measures our code and the libraries under it, not HTTP.

    python bench/auth_costs.py                 # the default argon2 parameters
    python bench/auth_costs.py --rounds 2000   # more token rounds for steadier figures
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx2

from devmentor.app import create_app
from devmentor.auth.passwords import Passwords
from devmentor.auth.tokens import AccessTokens
from devmentor.kit.db import utcnow
from devmentor.settings import AuthSettings, Settings

SECRET = "bench-secret-that-is-long-enough-0123456789abcdef"  # noqa: S105 - a throwaway bench key


def _summary(name: str, samples_ms: list[float]) -> None:
    ordered = sorted(samples_ms)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    print(
        f"{name:<48} n={len(ordered):<6} p50={statistics.median(ordered):8.3f} ms"
        f"  p95={p95:8.3f} ms"
    )


async def _time(call: Callable[[], Awaitable[object]], rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


async def passwords(rounds: int) -> None:
    defaults = AuthSettings()
    hasher = Passwords(
        time_cost=defaults.argon2_time_cost,
        memory_kib=defaults.argon2_memory_kib,
        parallelism=defaults.argon2_parallelism,
    )
    stored = await hasher.hash("correct horse battery staple")
    _summary(
        "argon2id hash (default parameters)",
        await _time(lambda: hasher.hash("correct horse battery staple"), rounds),
    )
    _summary(
        "argon2id verify (default parameters)",
        await _time(lambda: hasher.verify(stored, "correct horse battery staple"), rounds),
    )
    # Eight sign-ins at once on two cores: the semaphore and the thread pool at work.
    start = time.perf_counter()
    await asyncio.gather(*(hasher.verify(stored, "wrong") for _ in range(8)))
    print(f"{'8 concurrent verifies, wall time':<48} {(time.perf_counter() - start) * 1000:.1f} ms")


def tokens(rounds: int) -> None:
    access = AccessTokens([SECRET], ttl_seconds=900)
    user, session = uuid.uuid4(), uuid.uuid4()
    issued = []
    for _ in range(rounds):
        start = time.perf_counter()
        token, _ = access.issue(user, session, now=utcnow())
        issued.append((time.perf_counter() - start) * 1000)
    verified = []
    for _ in range(rounds):
        start = time.perf_counter()
        access.verify(token)
        verified.append((time.perf_counter() - start) * 1000)
    _summary("access token issue (JWT HS256)", issued)
    _summary("access token verify", verified)


async def http(rounds: int) -> None:
    with tempfile.TemporaryDirectory() as data_dir:
        settings = Settings(
            _env_file=None,
            env="test",
            data_dir=Path(data_dir),
            secret_key=SECRET,
            log_level="error",
            rate_limit={"enabled": False},
        )
        app = create_app(settings)
        async with (
            app.router.lifespan_context(app),
            httpx2.AsyncClient(
                transport=httpx2.ASGITransport(app=app), base_url="http://bench"
            ) as client,
        ):
            body = {"username": "bench", "password": "correct horse battery staple"}
            (await client.post("/api/auth/register", json=body)).raise_for_status()
            pair = (await client.post("/api/auth/login", json=body)).json()
            headers = {"Authorization": f"Bearer {pair['access_token']}"}

            async def me() -> None:
                (await client.get("/api/me", headers=headers)).raise_for_status()

            async def healthz() -> None:
                (await client.get("/healthz")).raise_for_status()

            refresh_token = pair["refresh_token"]

            async def refresh() -> None:
                nonlocal refresh_token
                answer = await client.post(
                    "/api/auth/refresh", json={"refresh_token": refresh_token}
                )
                answer.raise_for_status()
                refresh_token = answer.json()["refresh_token"]

            _summary("GET /healthz over ASGI (no auth, baseline)", await _time(healthz, rounds))
            _summary("GET /api/me over ASGI (bearer, cached session)", await _time(me, rounds))
            _summary("POST /api/auth/refresh over ASGI (SQLite)", await _time(refresh, rounds // 4))


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=1000, help="token and HTTP rounds")
    parser.add_argument("--hash-rounds", type=int, default=20, help="argon2 rounds")
    args = parser.parse_args()
    await passwords(args.hash_rounds)
    tokens(args.rounds)
    await http(args.rounds)


if __name__ == "__main__":
    asyncio.run(main())
