"""The sign-in API over HTTP, on SQLite and PostgreSQL: happy paths and bad input."""

from __future__ import annotations

import asyncio
import datetime as dt
import secrets
import uuid
from typing import Any

import pytest
from sqlalchemy import update

from devmentor.auth.models import AuthSession, RefreshToken, User
from devmentor.kit.db import utcnow
from tests.auth.conftest import (
    PASSWORD,
    AuthApp,
    StartApp,
    bearer,
    login,
    me,
    problem,
    refresh,
    register,
    signed_up,
)

USER_FIELDS = {
    "id",
    "username",
    "display_name",
    "email",
    "avatar_url",
    "is_admin",
    "github_login",
    "has_password",
    "created_at",
    "last_login_at",
}
PAIR_FIELDS = {
    "access_token",
    "refresh_token",
    "token_type",
    "expires_in",
    "refresh_expires_in",
    "session_id",
}

# -- Registration ------------------------------------------------------------------------


async def test_register_answers_the_account_without_any_secret(auth_app: AuthApp) -> None:
    response = await auth_app.client.post(
        "/api/auth/register",
        json={
            "username": "Alice",
            "password": PASSWORD,
            "display_name": "Alice Liddell",
            "email": "alice@example.com",
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == USER_FIELDS
    assert body["username"] == "alice"  # stored lower-case
    assert body["display_name"] == "Alice Liddell"
    assert body["email"] == "alice@example.com"
    assert body["has_password"] is True
    assert body["is_admin"] is False
    assert body["github_login"] is None
    assert body["last_login_at"] is None
    uuid.UUID(body["id"])
    for secret in ("argon2", "$v=19", PASSWORD, "password_hash"):
        assert secret not in response.text
    user = await auth_app.user("alice")
    assert user is not None
    assert user.password_hash is not None
    assert user.password_hash.startswith("$argon2id$")


async def test_usernames_are_unique_whatever_their_case(auth_app: AuthApp) -> None:
    await register(auth_app.client, "Bob")
    for name in ("bob", "BOB", "bOb"):
        response = await auth_app.client.post(
            "/api/auth/register", json={"username": name, "password": PASSWORD}
        )
        problem(response, 409, "username_taken")
    assert await auth_app.user_count() == 1


@pytest.mark.parametrize(
    "password",
    [
        "Sh0rt!x",  # 7 characters: under the minimum of 8
        "my-CAROL-secret-99",  # contains the username, whatever the case
        "abababababab",  # fewer than 4 different characters
    ],
)
async def test_weak_passwords_are_refused(auth_app: AuthApp, password: str) -> None:
    response = await auth_app.client.post(
        "/api/auth/register", json={"username": "carol", "password": password}
    )
    problem(response, 422, "weak_password")
    assert await auth_app.user_count() == 0


@pytest.mark.parametrize(
    "username", ["", "-dave", "dave-", "da ve", "da$ve", "d" * 40, "dävé", "../dave"]
)
async def test_invalid_usernames_are_refused(auth_app: AuthApp, username: str) -> None:
    response = await auth_app.client.post(
        "/api/auth/register", json={"username": username, "password": PASSWORD}
    )
    problem(response, 422, "validation_failed")
    assert await auth_app.user_count() == 0


@pytest.mark.parametrize("extra", [{"is_admin": True}, {"github_id": 1}, {"password_hash": "x"}])
async def test_unknown_fields_are_refused_not_assigned(
    auth_app: AuthApp, extra: dict[str, Any]
) -> None:
    response = await auth_app.client.post(
        "/api/auth/register", json={"username": "erin", "password": PASSWORD, **extra}
    )
    body = problem(response, 422, "validation_failed")
    assert body["errors"][0]["type"] == "extra_forbidden"
    assert await auth_app.user_count() == 0


async def test_registration_can_be_closed(start_app: StartApp) -> None:
    async with start_app(auth={"registration_enabled": False}) as closed:
        response = await closed.client.post(
            "/api/auth/register", json={"username": "frank", "password": PASSWORD}
        )
        problem(response, 403, "registration_closed")
        assert await closed.user_count() == 0


async def test_oversized_passwords_are_refused_before_hashing(auth_app: AuthApp) -> None:
    client = auth_app.client
    longest = ("Pass-" * 52)[:256]
    await register(client, "gina", longest)
    assert (await login(client, "gina", longest))["token_type"] == "Bearer"
    too_long = longest + "x"
    response = await client.post(
        "/api/auth/register", json={"username": "hank", "password": too_long}
    )
    problem(response, 422, "validation_failed")
    response = await client.post("/api/auth/login", json={"username": "gina", "password": too_long})
    problem(response, 422, "validation_failed")
    huge = "y" * 100_000
    response = await client.post("/api/auth/login", json={"username": "gina", "password": huge})
    problem(response, 422, "validation_failed")


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b'{"username": ', "application/json"),
        (b"[1, 2", "application/json"),
        (b"\xff\xfe not json", "application/json"),
        (b"username=ivy&password=x", "application/x-www-form-urlencoded"),
        (b"", "application/json"),
    ],
    ids=["truncated", "unclosed-array", "not-utf8", "form-encoded", "empty"],
)
async def test_malformed_bodies_are_client_errors(
    auth_app: AuthApp, content: bytes, content_type: str
) -> None:
    for path in ("/api/auth/register", "/api/auth/login"):
        response = await auth_app.client.post(
            path, content=content, headers={"content-type": content_type}
        )
        assert response.status_code in (400, 422), response.text
        code = "bad_request" if response.status_code == 400 else "validation_failed"
        problem(response, response.status_code, code)


# -- Password sign-in --------------------------------------------------------------------


async def test_login_issues_a_token_pair_that_authenticates(auth_app: AuthApp) -> None:
    client = auth_app.client
    account = await register(client, "jack")
    pair = await login(client, "jack")
    assert set(pair) == PAIR_FIELDS
    assert pair["token_type"] == "Bearer"
    assert 890 <= pair["expires_in"] <= 900
    assert 12 * 3600 - 10 <= pair["refresh_expires_in"] <= 12 * 3600
    assert pair["access_token"].count(".") == 2
    assert pair["refresh_token"] != pair["access_token"]
    response = await me(client, pair["access_token"])
    assert response.status_code == 200
    assert response.json()["id"] == account["id"]
    assert response.json()["last_login_at"] is not None
    problem(await client.get("/api/me"), 401, "unauthorized")


async def test_wrong_password_and_unknown_user_look_the_same(auth_app: AuthApp) -> None:
    client = auth_app.client
    await register(client, "kate")
    wrong = await client.post("/api/auth/login", json={"username": "kate", "password": "nope-1234"})
    unknown = await client.post(
        "/api/auth/login", json={"username": "nobody", "password": "nope-1234"}
    )
    bodies = [problem(response, 401, "invalid_credentials") for response in (wrong, unknown)]
    assert bodies[0]["detail"] == bodies[1]["detail"]
    assert bodies[0]["title"] == bodies[1]["title"]
    assert set(bodies[0]) == set(bodies[1])
    for response in (wrong, unknown):
        assert response.headers["www-authenticate"].startswith('Bearer realm="devmentor"')
    assert wrong.headers["www-authenticate"] == unknown.headers["www-authenticate"]


async def test_login_ignores_the_case_of_the_username(auth_app: AuthApp) -> None:
    await register(auth_app.client, "Liam")
    for name in ("liam", "LIAM", "LiAm"):
        pair = await login(auth_app.client, name)
        assert (await me(auth_app.client, pair["access_token"])).json()["username"] == "liam"


# -- Refresh-token rotation ----------------------------------------------------------------


async def test_refresh_rotates_and_tolerates_a_second_tab(auth_app: AuthApp) -> None:
    client = auth_app.client
    first = await signed_up(client, "mia")
    response = await refresh(client, first["refresh_token"])
    assert response.status_code == 200
    second = response.json()
    assert set(second) == PAIR_FIELDS
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    assert second["session_id"] == first["session_id"]
    # Within the grace window (default 10 s) the used token still works: two tabs.
    again = await refresh(client, first["refresh_token"])
    assert again.status_code == 200
    assert again.json()["session_id"] == first["session_id"]
    for pair in (second, again.json()):
        assert (await me(client, pair["access_token"])).status_code == 200
    assert (await auth_app.auth_session(first["session_id"])).revoked_at is None


async def test_a_reused_refresh_token_ends_the_whole_session(
    start_app: StartApp, shared_services: dict[str, Any]
) -> None:
    async with start_app(auth={"refresh_reuse_grace_seconds": 0}, **shared_services) as node:
        client = node.client
        first = await signed_up(client, "noah")
        # Cached as live by these reads: the revocation must evict that at once.
        assert (await me(client, first["access_token"])).status_code == 200
        response = await refresh(client, first["refresh_token"])
        assert response.status_code == 200
        latest = response.json()
        assert (await me(client, latest["access_token"])).status_code == 200

        reused = await refresh(client, first["refresh_token"])
        problem(reused, 401, "refresh_token_reused")
        assert "error=" in reused.headers["www-authenticate"]
        problem(await refresh(client, latest["refresh_token"]), 401, "session_ended")
        for access in (latest["access_token"], first["access_token"]):
            problem(await me(client, access), 401, "session_ended")
        # Committed although the request failed.
        row = await node.auth_session(first["session_id"])
        assert row.revoked_reason == "refresh_reuse"
        assert row.revoked_at is not None


async def test_unknown_refresh_tokens_are_refused(auth_app: AuthApp) -> None:
    client = auth_app.client
    pair = await signed_up(client, "olga")
    for token in (secrets.token_urlsafe(32), pair["access_token"][:200], pair["session_id"]):
        problem(await refresh(client, token), 401, "invalid_token")
    problem(await client.post("/api/auth/refresh"), 401, "unauthorized")
    assert (await auth_app.auth_session(pair["session_id"])).revoked_at is None


# -- Signing out and the session list ----------------------------------------------------


async def test_logout_ends_the_session_for_both_tokens(
    start_app: StartApp, shared_services: dict[str, Any]
) -> None:
    async with start_app(**shared_services) as node:
        client = node.client
        pair = await signed_up(client, "paul")
        assert (await me(client, pair["access_token"])).status_code == 200  # cached live
        response = await client.post("/api/auth/logout", headers=bearer(pair["access_token"]))
        assert response.status_code == 204
        problem(await me(client, pair["access_token"]), 401, "session_ended")
        problem(await refresh(client, pair["refresh_token"]), 401, "session_ended")
        assert (await node.auth_session(pair["session_id"])).revoked_reason == "logout"


async def test_logout_with_only_the_refresh_token(auth_app: AuthApp) -> None:
    client = auth_app.client
    pair = await signed_up(client, "quinn")
    response = await client.post("/api/auth/logout", json={"refresh_token": pair["refresh_token"]})
    assert response.status_code == 204
    problem(await me(client, pair["access_token"]), 401, "session_ended")


async def test_logout_all_ends_every_session_of_the_account(auth_app: AuthApp) -> None:
    client = auth_app.client
    first = await signed_up(client, "rosa")
    second = await login(client, "rosa")
    bystander = await signed_up(client, "sam")
    response = await client.post("/api/auth/logout-all", headers=bearer(first["access_token"]))
    assert response.status_code == 200
    assert response.json() == {"revoked": 2}
    for pair in (first, second):
        problem(await me(client, pair["access_token"]), 401, "session_ended")
        problem(await refresh(client, pair["refresh_token"]), 401, "session_ended")
        assert (await auth_app.auth_session(pair["session_id"])).revoked_reason == "logout_all"
    assert (await me(client, bystander["access_token"])).status_code == 200


async def test_sessions_list_marks_the_current_one_and_revokes_another(
    auth_app: AuthApp,
) -> None:
    client = auth_app.client
    await register(client, "tara")
    firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
    laptop = await login(client, "tara", headers={"User-Agent": firefox})
    phone = await login(client, "tara", remember=True, headers={"User-Agent": "curl/8.5.0"})
    response = await client.get("/api/auth/sessions", headers=bearer(laptop["access_token"]))
    assert response.status_code == 200
    listed = {item["id"]: item for item in response.json()}
    assert set(listed) == {laptop["session_id"], phone["session_id"]}
    assert listed[laptop["session_id"]]["current"] is True
    assert listed[phone["session_id"]]["current"] is False
    assert listed[laptop["session_id"]]["device"] == "Firefox on Linux"
    assert listed[phone["session_id"]]["device"] == "curl"
    assert listed[phone["session_id"]]["remember"] is True
    assert {item["method"] for item in listed.values()} == {"password"}

    path = f"/api/auth/sessions/{phone['session_id']}"
    response = await client.delete(path, headers=bearer(laptop["access_token"]))
    assert response.status_code == 204
    response = await client.get("/api/auth/sessions", headers=bearer(laptop["access_token"]))
    assert [item["id"] for item in response.json()] == [laptop["session_id"]]
    problem(await me(client, phone["access_token"]), 401, "session_ended")
    problem(await client.delete(path, headers=bearer(laptop["access_token"])), 404, "not_found")


# -- Abuse limits -----------------------------------------------------------------------
# Hour-long windows: the sliding-window counter weighs the previous window, so a window
# edge falling between the third and fourth attempt would let the fourth through.


@pytest.mark.parametrize("account", ["uma", "no-such-account"])
async def test_failed_logins_are_limited_per_account(start_app: StartApp, account: str) -> None:
    async with start_app(auth={"login_limit_per_account": "3/hour"}) as node:
        client = node.client
        await register(client, "uma")
        await register(client, "victor")
        for spelling in (account, account.upper(), f" {account} "):  # all count as one name
            response = await client.post(
                "/api/auth/login", json={"username": spelling, "password": "wrong-guess-1"}
            )
            problem(response, 401, "invalid_credentials")
        response = await client.post(
            "/api/auth/login", json={"username": account, "password": PASSWORD}
        )
        body = problem(response, 429, "rate_limited")
        assert int(response.headers["retry-after"]) >= 1
        assert body["retry_after"] >= 1
        # Another account is not affected.
        assert (await login(client, "victor"))["token_type"] == "Bearer"


async def test_login_attempts_are_limited_per_ip(start_app: StartApp) -> None:
    async with start_app(auth={"login_limit_per_ip": "3/hour"}) as node:
        client = node.client
        await register(client, "wendy")
        await login(client, "wendy")
        for name in ("wendy", "someone-else"):
            response = await client.post(
                "/api/auth/login", json={"username": name, "password": "wrong-guess-1"}
            )
            problem(response, 401, "invalid_credentials")
        response = await client.post(
            "/api/auth/login", json={"username": "wendy", "password": PASSWORD}
        )
        problem(response, 429, "rate_limited")
        assert int(response.headers["retry-after"]) >= 1
        async with node.new_client(ip="203.0.113.9") as elsewhere:
            assert (await login(elsewhere, "wendy"))["token_type"] == "Bearer"


async def test_concurrent_guesses_cannot_outrun_the_account_limit(start_app: StartApp) -> None:
    async with start_app(auth={"login_limit_per_account": "3/hour"}) as node:
        await register(node.client, "quentin")
        responses = await asyncio.gather(
            *(
                node.client.post(
                    "/api/auth/login", json={"username": "quentin", "password": f"guess-{n}-xyz"}
                )
                for n in range(10)
            )
        )
        statuses = [response.status_code for response in responses]
        assert set(statuses) <= {401, 429}
        assert statuses.count(401) <= 3, f"{statuses.count(401)} passwords were checked"


# -- Stored state --------------------------------------------------------------------------


async def test_changed_argon2_parameters_rehash_at_the_next_login(start_app: StartApp) -> None:
    async with start_app() as before:
        await register(before.client, "rehash")
        user = await before.user("rehash")
        assert user is not None
        assert user.password_hash is not None
        old_hash = user.password_hash
        assert "t=1," in old_hash
    async with start_app(auth={"argon2_time_cost": 2}) as after:
        await login(after.client, "rehash")
        user = await after.user("rehash")
        assert user is not None
        assert user.password_hash is not None
        assert user.password_hash != old_hash
        assert "t=2," in user.password_hash
        assert (await login(after.client, "rehash"))["token_type"] == "Bearer"


async def test_accounts_without_a_password_cannot_sign_in_with_one(auth_app: AuthApp) -> None:
    async with auth_app.platform.db.session() as session:
        session.add(User(username="gh-only", display_name="GitHub only", github_id=99))
    # The service checks unknown accounts against a hash of this very string.
    for password in ("devmentor-no-such-account", PASSWORD):
        response = await auth_app.client.post(
            "/api/auth/login", json={"username": "gh-only", "password": password}
        )
        problem(response, 401, "invalid_credentials")


async def test_expired_sessions_and_refresh_tokens_are_refused(auth_app: AuthApp) -> None:
    client = auth_app.client
    idle = await signed_up(client, "sleepy")
    old = await login(client, "sleepy")
    past = utcnow() - dt.timedelta(seconds=1)
    async with auth_app.platform.db.session() as session:
        await session.execute(
            update(RefreshToken)
            .where(RefreshToken.session_id == uuid.UUID(idle["session_id"]))
            .values(expires_at=past)
        )
        await session.execute(
            update(AuthSession)
            .where(AuthSession.id == uuid.UUID(old["session_id"]))
            .values(expires_at=past)
        )
    # An idle refresh token has expired; its session (and access token) lives on.
    problem(await refresh(client, idle["refresh_token"]), 401, "session_ended")
    assert (await me(client, idle["access_token"])).status_code == 200
    # A session past its absolute end takes everything with it, and leaves the list.
    problem(await refresh(client, old["refresh_token"]), 401, "session_ended")
    problem(await me(client, old["access_token"]), 401, "session_ended")
    listed = await client.get("/api/auth/sessions", headers=bearer(idle["access_token"]))
    assert [item["id"] for item in listed.json()] == [idle["session_id"]]
    # Another session sees the idled-out one no more: nothing can revive it.
    fresh = await login(client, "sleepy")
    listed = await client.get("/api/auth/sessions", headers=bearer(fresh["access_token"]))
    assert [item["id"] for item in listed.json()] == [fresh["session_id"]]
