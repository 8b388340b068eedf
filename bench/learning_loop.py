"""How long a turn of the learning loop takes through the HTTP API, offline mentor.

The real app (its lifespan, the real database, cache tiers and event bus) over ASGI in
this process; each of ``--learners`` users works through whole sessions on the six root
skills, answering every question right or wrong at random (70 % right), then reads the
session (a cache hit), their progress and their due reviews. Timed per endpoint:

- start: a session with its intro lesson and first question (content through the gateway);
- answer: grading, mastery, Elo, FSRS, activity and achievements written in one
  transaction, then the next question generated and written;
- get: the session view (served from the cache tiers);
- progress: every skill's state, streaks and the recommendation.

    python bench/learning_loop.py [--learners 5] [--database-url postgresql://...]
        [--redis-url redis://...]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx2

from devmentor.app import create_app
from devmentor.curriculum.catalog import default_catalog
from devmentor.curriculum.model import (
    Exercise,
    FillIn,
    MultipleChoice,
    Ordering,
    Question,
    ShortAnswer,
    SpotTheBug,
)
from devmentor.settings import Settings

ROOTS = [
    "design.naming-and-readability",
    "git.basics",
    "javascript.equality-and-types",
    "python.functions-and-scope",
    "sql.select-and-joins",
    "web.http-basics",
]


def answer_for(question: Question, right: bool) -> Any:
    if isinstance(question, MultipleChoice):
        wrong = next(i for i in range(len(question.choices)) if i not in question.answer)
        return list(question.answer) if right else [wrong]
    if isinstance(question, Ordering):
        return list(question.items) if right else list(reversed(question.items))
    if isinstance(question, SpotTheBug):
        lines = range(1, question.code.count("\n") + 2)
        return (
            question.answer_lines[0]
            if right
            else next(n for n in lines if n not in question.answer_lines)
        )
    if isinstance(question, FillIn):
        return [a[0] for a in question.answers] if right else ["nope"] * len(question.answers)
    if isinstance(question, Exercise):
        return question.solution if right else question.starter
    assert isinstance(question, ShortAnswer)
    return question.reference if right else "I am not sure about this one."


async def learner(client: httpx2.AsyncClient, name: str, timings: dict[str, list[float]]) -> int:
    password = "a long enough passphrase"  # noqa: S105 - a throwaway benchmark account
    await client.post("/api/auth/register", json={"username": name, "password": password})
    tokens = (
        await client.post("/api/auth/login", json={"username": name, "password": password})
    ).json()
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    catalog = default_catalog()
    rng = random.Random(name)  # noqa: S311 - a benchmark's coin
    answered = 0

    async def timed(kind: str, method: str, url: str, **kwargs: Any) -> dict[str, Any]:
        started = time.perf_counter()
        response = await client.request(method, url, headers=headers, **kwargs)
        timings[kind].append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
        body: dict[str, Any] = response.json()
        return body

    for skill_id in ROOTS:
        session = await timed(
            "start", "POST", "/api/learning/sessions", json={"skill_id": skill_id}
        )
        step = session["current_step"]
        while step is not None:
            skill = catalog.skill(step["skill"]["id"])
            assert skill is not None
            question = next(q for q in skill.questions if q.id == step["question"]["id"])
            result = await timed(
                "answer",
                "POST",
                f"/api/learning/sessions/{session['id']}/responses",
                json={
                    "question_id": question.id,
                    "answer": answer_for(question, rng.random() < 0.7),
                },
            )
            answered += 1
            await timed("get", "GET", f"/api/learning/sessions/{session['id']}")
            step = result["next_step"]
        await timed("complete", "POST", f"/api/learning/sessions/{session['id']}/complete")
        await timed("progress", "GET", "/api/learning/progress")
    await timed("reviews", "GET", "/api/learning/reviews/due")
    return answered


async def main(learners: int, database_url: str | None, redis_url: str | None) -> None:
    with tempfile.TemporaryDirectory() as data_dir:
        settings = Settings(
            _env_file=None,
            env="test",
            data_dir=Path(data_dir),
            secret_key="bench-secret-key-that-is-long-enough-to-pass",  # noqa: S106 - throwaway
            log_level="warning",
            database_url=database_url,
            redis_url=redis_url,
            embedded=True,  # migrate on start, whatever the backends
            rate_limit={"enabled": False},
            auth={"argon2_time_cost": 1, "argon2_memory_kib": 8192},
            ai={"user_rate_limit": "100000/minute"},
        )
        app = create_app(settings)
        timings: dict[str, list[float]] = defaultdict(list)
        async with (
            app.router.lifespan_context(app),
            httpx2.AsyncClient(
                transport=httpx2.ASGITransport(app=app), base_url="http://bench"
            ) as client,
        ):
            started = time.perf_counter()
            answered = await asyncio.gather(
                *(learner(client, f"learner{i}", timings) for i in range(learners))
            )
            elapsed = time.perf_counter() - started
        backend = "PostgreSQL" if database_url else "SQLite"
        cache = "Redis" if redis_url else "in-process"
        print(f"{backend}, {cache} cache; {learners} concurrent learners")
        print(
            f"{sum(answered)} answers in {elapsed:.1f} s ({sum(answered) / elapsed:.0f} answers/s)"
        )
        for kind in ("start", "answer", "get", "complete", "progress", "reviews"):
            samples = sorted(timings[kind])
            p95 = samples[max(0, int(len(samples) * 0.95) - 1)]
            print(
                f"{kind:<9} n={len(samples):<5} p50={statistics.median(samples):7.2f} ms"
                f"  p95={p95:7.2f} ms  max={samples[-1]:7.2f} ms"
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=5)
    parser.add_argument("--database-url")
    parser.add_argument("--redis-url")
    args = parser.parse_args()
    asyncio.run(main(args.learners, args.database_url, args.redis_url))
