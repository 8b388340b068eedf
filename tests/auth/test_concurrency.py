"""Races, on SQLite and PostgreSQL: tabs refreshing at once, one name registered twice at
once, and a revocation on one node seen by another (Redis)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from tests.auth.conftest import (
    PASSWORD,
    StartApp,
    bearer,
    me,
    problem,
    refresh,
    signed_up,
)


async def test_two_tabs_refreshing_together_both_succeed(start_app: StartApp) -> None:
    async with start_app(auth={"refresh_reuse_grace_seconds": 10}) as node:
        pair = await signed_up(node.client, "tab")
        first, second = await asyncio.gather(
            refresh(node.client, pair["refresh_token"]),
            refresh(node.client, pair["refresh_token"]),
        )
        assert (first.status_code, second.status_code) == (200, 200), (first.text, second.text)
        assert first.json()["refresh_token"] != second.json()["refresh_token"]
        for response in (first, second):
            assert response.json()["session_id"] == pair["session_id"]
            assert (await me(node.client, response.json()["access_token"])).status_code == 200
        assert (await node.auth_session(pair["session_id"])).revoked_at is None


async def test_without_grace_one_of_two_racing_refreshes_wins(start_app: StartApp) -> None:
    async with start_app(auth={"refresh_reuse_grace_seconds": 0}) as node:
        pair = await signed_up(node.client, "race")
        responses = await asyncio.gather(
            refresh(node.client, pair["refresh_token"]),
            refresh(node.client, pair["refresh_token"]),
        )
        statuses = sorted(response.status_code for response in responses)
        assert statuses == [200, 401], [response.text for response in responses]
        winner = next(response for response in responses if response.status_code == 200)
        loser = next(response for response in responses if response.status_code == 401)
        problem(loser, 401, "refresh_token_reused")
        # The loser presented a spent token: the whole session ends, the winner's pair too.
        row = await node.auth_session(pair["session_id"])
        assert row.revoked_reason == "refresh_reuse"
        problem(await me(node.client, winner.json()["access_token"]), 401, "session_ended")
        problem(await refresh(node.client, winner.json()["refresh_token"]), 401, "session_ended")


async def test_one_name_registered_five_times_at_once_is_taken_once(start_app: StartApp) -> None:
    async with start_app() as node:
        responses = await asyncio.gather(
            *(
                node.client.post(
                    "/api/auth/register", json={"username": name, "password": PASSWORD}
                )
                for name in ("twin", "Twin", "TWIN", "tWin", "twiN")
            )
        )
        statuses = sorted(response.status_code for response in responses)
        assert statuses == [201, 409, 409, 409, 409], [response.text for response in responses]
        for response in responses:
            if response.status_code == 409:
                problem(response, 409, "username_taken")
        assert await node.user_count() == 1


async def test_a_revocation_on_one_node_reaches_the_others(
    start_app: StartApp, redis_url: str, unique_prefix: str
) -> None:
    shared: dict[str, Any] = {
        "redis_url": redis_url,
        "embedded": True,
        "cache": {"key_prefix": unique_prefix},
        "events": {"stream_key": unique_prefix + "events"},
        "rate_limit": {"key_prefix": unique_prefix + "rl"},
    }
    async with start_app(**shared) as node_a, start_app(**shared) as node_b:
        pair = await signed_up(node_a.client, "nodes")
        # Node A caches the session as live (in process and in Redis).
        assert (await me(node_a.client, pair["access_token"])).status_code == 200
        assert (await me(node_b.client, pair["access_token"])).status_code == 200
        logout = await node_b.client.post("/api/auth/logout", headers=bearer(pair["access_token"]))
        assert logout.status_code == 204
        # Redis itself was updated before the answer; node A's local copy goes by pub/sub.
        deadline = time.monotonic() + 2.0
        while True:
            response = await me(node_a.client, pair["access_token"])
            if response.status_code == 401 or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.01)
        problem(response, 401, "session_ended")
