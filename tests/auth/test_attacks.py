"""The attack battery, on SQLite and PostgreSQL: forged tokens, stolen refresh tokens,
other people's sessions and a hostile GitHub round trip (against the local fake GitHub)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import uuid
from typing import Any

import jwt
import pytest

from devmentor.auth.navigation import safe_next
from devmentor.kit.crypto import derive_key
from devmentor.kit.db import utcnow
from tests.auth.conftest import (
    OTHER_SECRET,
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
from tests.conftest import TEST_SECRET

# -- Forging tokens --------------------------------------------------------------------


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64json(value: dict[str, Any]) -> str:
    return b64url(json.dumps(value, separators=(",", ":")).encode())


def unb64json(segment: str) -> dict[str, Any]:
    decoded: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    )
    return decoded


def split(token: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    header, payload, signature = token.split(".")
    return unb64json(header), unb64json(payload), signature


def forge(header: dict[str, Any], payload: dict[str, Any], key: bytes, digest: str) -> str:
    """A JWT with any header, MACed with ``key`` over ``digest`` (sha256, sha512, ...)."""
    signing_input = f"{b64json(header)}.{b64json(payload)}"
    mac = hmac.new(key, signing_input.encode(), getattr(hashlib, digest)).digest()
    return f"{signing_input}.{b64url(mac)}"


#: The real access-token key of an app run with the test secret.
REAL_KEY = derive_key(TEST_SECRET, "jwt/access")


async def test_a_token_forged_with_the_real_key_is_accepted(auth_app: AuthApp) -> None:
    """The control for the forgeries below: the crafting itself is right."""
    pair = await signed_up(auth_app.client, "ann")
    header, payload, _ = split(pair["access_token"])
    token = forge(header, payload, REAL_KEY, "sha256")
    assert (await me(auth_app.client, token)).status_code == 200


@pytest.mark.parametrize("alg", ["none", "None", "NONE", ""])
async def test_unsigned_tokens_are_refused(auth_app: AuthApp, alg: str) -> None:
    pair = await signed_up(auth_app.client, "ben")
    header, payload, _ = split(pair["access_token"])
    for signature in ("", "AAAA"):
        token = f"{b64json({'alg': alg, 'typ': 'JWT', 'kid': header['kid']})}.{b64json(payload)}."
        problem(await me(auth_app.client, token + signature), 401, "invalid_token")


@pytest.mark.parametrize(
    ("alg", "digest"),
    [
        ("RS256", "sha256"),
        ("ES256", "sha256"),
        ("PS256", "sha256"),
        ("HS512", "sha512"),
        ("HS384", "sha384"),
        ("hs256", "sha256"),
        ("HS256 ", "sha256"),
    ],
)
async def test_only_hs256_is_accepted_even_with_the_right_key(
    auth_app: AuthApp, alg: str, digest: str
) -> None:
    pair = await signed_up(auth_app.client, "cleo")
    header, payload, _ = split(pair["access_token"])
    token = forge({**header, "alg": alg}, payload, REAL_KEY, digest)
    problem(await me(auth_app.client, token), 401, "invalid_token")


async def test_a_token_signed_with_another_key_is_refused(auth_app: AuthApp) -> None:
    pair = await signed_up(auth_app.client, "dan")
    header, payload, _ = split(pair["access_token"])
    wrong_key = hashlib.sha256(b"not the server's key").hexdigest()  # 64 bytes: no key warning
    token = jwt.encode(payload, wrong_key, algorithm="HS256", headers={"kid": header["kid"]})
    problem(await me(auth_app.client, token), 401, "invalid_token")
    # The right key for another purpose (the OAuth state cookie) is a wrong key too.
    other_purpose = derive_key(TEST_SECRET, "jwt/oauth-state")
    problem(
        await me(auth_app.client, forge(header, payload, other_purpose, "sha256")),
        401,
        "invalid_token",
    )


async def test_tampered_claims_break_the_signature(auth_app: AuthApp) -> None:
    client = auth_app.client
    victim = await register(client, "eve-victim")
    pair = await signed_up(client, "frank")
    header, payload, signature = split(pair["access_token"])
    for changes in ({"sub": victim["id"]}, {"exp": payload["exp"] + 86400}, {"typ": "refresh"}):
        token = f"{b64json(header)}.{b64json({**payload, **changes})}.{signature}"
        problem(await me(client, token), 401, "invalid_token")


@pytest.mark.parametrize(
    "token",
    ["garbage", "a.b.c", "a.b", "....", "eyJhbGciOiJIUzI1NiJ9.e30.", "x" * 4000, "Bearer x"],
)
async def test_garbage_bearer_tokens_are_refused(auth_app: AuthApp, token: str) -> None:
    problem(await me(auth_app.client, token), 401, "invalid_token")


async def test_an_unknown_kid_is_refused(auth_app: AuthApp) -> None:
    pair = await signed_up(auth_app.client, "gus")
    header, payload, _ = split(pair["access_token"])
    for kid in ("0123456789abcdef", "", None, 7, "../../etc/passwd"):
        token = forge({**header, "kid": kid}, payload, REAL_KEY, "sha256")
        problem(await me(auth_app.client, token), 401, "invalid_token")
    token = forge({k: v for k, v in header.items() if k != "kid"}, payload, REAL_KEY, "sha256")
    problem(await me(auth_app.client, token), 401, "invalid_token")


@pytest.mark.parametrize(
    "changes",
    [
        {"sub": "not-a-uuid"},
        {"sub": 5},
        {"sid": ["a", "b"]},
        {"sid": None},
        {"typ": None},
        {"typ": "refresh"},
        {"aud": "devmentor:oauth-state"},
        {"aud": ["devmentor:oauth-state"]},
        {"iss": "someone-else"},
        {"exp": None},
        {"exp": "tomorrow"},
        {"iat": None},
        {"jti": None},
    ],
    ids=lambda changes: ",".join(f"{key}={value!r}" for key, value in changes.items()),
)
async def test_every_claim_is_checked_even_under_the_right_key(
    auth_app: AuthApp, changes: dict[str, Any]
) -> None:
    pair = await signed_up(auth_app.client, "iris")
    header, payload, _ = split(pair["access_token"])
    claims = {**payload, **changes}
    claims = {key: value for key, value in claims.items() if value is not None}
    token = forge(header, claims, REAL_KEY, "sha256")
    problem(await me(auth_app.client, token), 401, "invalid_token")


async def test_expired_tokens_are_refused(auth_app: AuthApp) -> None:
    pair = await signed_up(auth_app.client, "hal")
    _, payload, _ = split(pair["access_token"])
    past = utcnow() - dt.timedelta(hours=1)
    token, _ = auth_app.runtime.access_tokens.issue(
        uuid.UUID(payload["sub"]), uuid.UUID(payload["sid"]), now=past
    )
    problem(await me(auth_app.client, token), 401, "token_expired")


async def test_a_valid_token_naming_another_users_session_is_refused(auth_app: AuthApp) -> None:
    client = auth_app.client
    alice = await signed_up(client, "ivy")
    bob = await signed_up(client, "jon")
    alice_id = (await me(client, alice["access_token"])).json()["id"]
    issue = auth_app.runtime.access_tokens.issue
    token, _ = issue(uuid.UUID(alice_id), uuid.UUID(bob["session_id"]), now=utcnow())
    problem(await me(client, token), 401, "session_ended")
    token, _ = issue(uuid.UUID(alice_id), uuid.uuid4(), now=utcnow())  # no such session
    problem(await me(client, token), 401, "session_ended")
    assert (await me(client, bob["access_token"])).status_code == 200


async def test_tokens_of_one_kind_are_refused_as_another(auth_app: AuthApp) -> None:
    client = auth_app.client
    pair = await signed_up(client, "kim")
    problem(await me(client, pair["refresh_token"]), 401, "invalid_token")
    problem(await refresh(client, pair["access_token"][:200]), 401, "invalid_token")
    state = auth_app.runtime.oauth_state.encode(
        {"sub": "x", "sid": pair["session_id"], "typ": "access", "state": "s", "verifier": "v"},
        ttl=dt.timedelta(minutes=5),
        now=utcnow(),
    )
    problem(await me(client, state), 401, "invalid_token")


async def test_another_installations_tokens_are_refused(start_app: StartApp) -> None:
    async with start_app() as ours, start_app(secret_key=OTHER_SECRET) as theirs:
        await register(ours.client, "lea")
        pair = await login(theirs.client, "lea")  # same database, other secret
        problem(await me(ours.client, pair["access_token"]), 401, "invalid_token")
        problem(await refresh(ours.client, pair["refresh_token"]), 401, "invalid_token")


async def test_a_rotated_secret_keeps_existing_sign_ins(start_app: StartApp) -> None:
    async with start_app() as before:
        old = await signed_up(before.client, "max")
        old_kid = split(old["access_token"])[0]["kid"]
    rotated = {"secret_key": OTHER_SECRET, "previous_secret_keys": [TEST_SECRET]}
    async with start_app(**rotated) as after:
        assert (await me(after.client, old["access_token"])).json()["username"] == "max"
        response = await refresh(after.client, old["refresh_token"])
        assert response.status_code == 200
        new = response.json()
        assert split(new["access_token"])[0]["kid"] == after.runtime.access_tokens.active_kid
        assert after.runtime.access_tokens.active_kid != old_kid
    # Once the old secret is dropped, only what was re-issued under the new one works.
    async with start_app(secret_key=OTHER_SECRET) as dropped:
        problem(await me(dropped.client, old["access_token"]), 401, "invalid_token")
        assert (await me(dropped.client, new["access_token"])).status_code == 200
        assert (await refresh(dropped.client, new["refresh_token"])).status_code == 200


async def test_a_replayed_refresh_token_revokes_its_family(start_app: StartApp) -> None:
    async with start_app(auth={"refresh_reuse_grace_seconds": 0}) as node:
        stolen = await signed_up(node.client, "nia")
        rotated = (await refresh(node.client, stolen["refresh_token"])).json()
        problem(await refresh(node.client, stolen["refresh_token"]), 401, "refresh_token_reused")
        problem(await refresh(node.client, rotated["refresh_token"]), 401, "session_ended")
        problem(await me(node.client, rotated["access_token"]), 401, "session_ended")
        assert (await node.auth_session(stolen["session_id"])).revoked_reason == "refresh_reuse"


# -- Other people's sessions -------------------------------------------------------------


async def test_nobody_sees_or_ends_anyone_elses_sessions(auth_app: AuthApp) -> None:
    client = auth_app.client
    alice = await signed_up(client, "olive")
    bob = await signed_up(client, "pete")
    listed = await client.get("/api/auth/sessions", headers=bearer(bob["access_token"]))
    assert [item["id"] for item in listed.json()] == [bob["session_id"]]

    theirs = await client.delete(
        f"/api/auth/sessions/{alice['session_id']}", headers=bearer(bob["access_token"])
    )
    missing = await client.delete(
        f"/api/auth/sessions/{uuid.uuid4()}", headers=bearer(bob["access_token"])
    )
    # Not 403: the answer must not confirm that the id exists.
    assert (
        problem(theirs, 404, "not_found")["detail"] == problem(missing, 404, "not_found")["detail"]
    )
    assert (await me(client, alice["access_token"])).status_code == 200
    assert (await auth_app.auth_session(alice["session_id"])).revoked_at is None
    response = await client.delete(
        "/api/auth/sessions/not-a-uuid", headers=bearer(bob["access_token"])
    )
    problem(response, 422, "validation_failed")
    response = await client.delete(f"/api/auth/sessions/{alice['session_id']}")
    problem(response, 401, "unauthorized")


# -- Where a browser may be sent ---------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/account", "/account"),
        ("/lessons/42?tab=notes#top", "/lessons/42?tab=notes#top"),
        ("/a/b/../c", "/a/b/../c"),
        ("/", "/"),
        (None, "/"),
        ("", "/"),
        ("account", "/"),
        ("https://evil.example/", "/"),
        ("http:/evil.example", "/"),
        ("//evil.example", "/"),
        ("///evil.example", "/"),
        ("/\\evil.example", "/"),
        ("\\\\evil.example", "/"),
        ("/\t/evil.example", "/"),
        ("/\r\nSet-Cookie: x=1", "/"),
        ("/\x00", "/"),
        ("/\x7f", "/"),
        ("javascript:alert(1)", "/"),
        (" /account", "/"),
        ("/" + "a" * 2000, "/"),
    ],
)
def test_safe_next(value: str | None, expected: str) -> None:
    assert safe_next(value) == expected


def test_safe_next_uses_the_given_default() -> None:
    assert safe_next("//evil.example", default="/home") == "/home"
    assert safe_next("/ok", default="/home") == "/ok"
