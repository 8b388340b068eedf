"""The browser's side of sign-in, on SQLite and PostgreSQL: httpOnly cookies and CSRF."""

from __future__ import annotations

import secrets

from tests.auth.conftest import (
    AuthApp,
    StartApp,
    bearer,
    login,
    me,
    problem,
    put_cookie,
    refresh,
    set_cookies,
    signed_up,
)


async def test_cookie_refresh_needs_the_csrf_token(start_app: StartApp) -> None:
    # Plain names (not Secure); grace 0 also proves the refused attempts did not spend it.
    settings = {"cookie_secure": False, "refresh_reuse_grace_seconds": 0}
    async with start_app(auth=settings) as node:
        pair = await signed_up(node.client, "xena")
        csrf = secrets.token_urlsafe(32)
        async with node.new_client() as browser:
            put_cookie(browser, "dm_refresh", pair["refresh_token"])
            put_cookie(browser, "dm_csrf", csrf)
            for headers in (
                {},
                {"X-CSRF-Token": "x" + csrf[1:]},
                {"X-CSRF-Token": csrf, "Sec-Fetch-Site": "cross-site"},
            ):
                response = await browser.post("/api/auth/refresh", headers=headers)
                problem(response, 403, "csrf_failed")
            response = await browser.post(
                "/api/auth/refresh", headers={"X-CSRF-Token": csrf, "Sec-Fetch-Site": "same-origin"}
            )
            assert response.status_code == 200, response.text
            assert response.json()["token_type"] == "cookie"
            assert response.json()["session_id"] == pair["session_id"]
            assert "refresh_token" not in response.json()
            cookies = set_cookies(response)
            assert set(cookies) == {"dm_access", "dm_refresh"}
            assert cookies["dm_refresh"].value != pair["refresh_token"]
            for cookie in cookies.values():
                assert "httponly" in cookie.attributes
                assert cookie.attributes["samesite"] == "lax"
                assert cookie.attributes["path"] == "/"
                assert "max-age" not in cookie.attributes  # not remembered: session cookies
                assert "secure" not in cookie.attributes
            assert (await browser.get("/api/me")).json()["username"] == "xena"


async def test_secure_cookie_names_and_remembered_sessions(auth_app: AuthApp) -> None:
    pair = await signed_up(auth_app.client, "yara")
    remembered = await login(auth_app.client, "yara", remember=True)
    csrf = secrets.token_urlsafe(32)
    async with auth_app.new_client(https=True) as browser:
        # Over HTTPS (env=test) only the __Host- names count: a plain one may be tossed in.
        put_cookie(browser, "dm_refresh", pair["refresh_token"])
        put_cookie(browser, "dm_csrf", csrf)
        response = await browser.post("/api/auth/refresh", headers={"X-CSRF-Token": csrf})
        problem(response, 401, "unauthorized")

        put_cookie(browser, "__Host-dm_refresh", remembered["refresh_token"])
        put_cookie(browser, "__Host-dm_csrf", csrf)
        response = await browser.post("/api/auth/refresh", headers={"X-CSRF-Token": csrf})
        assert response.status_code == 200, response.text
        cookies = set_cookies(response)
        assert set(cookies) == {"__Host-dm_access", "__Host-dm_refresh"}
        for cookie in cookies.values():
            assert {"httponly", "secure"} <= set(cookie.attributes)
            assert "domain" not in cookie.attributes  # required by the __Host- prefix
            assert cookie.attributes["samesite"] == "lax"
        assert 890 <= int(cookies["__Host-dm_access"].attributes["max-age"]) <= 900
        refresh_age = int(cookies["__Host-dm_refresh"].attributes["max-age"])
        assert 30 * 86400 - 10 <= refresh_age <= 30 * 86400

        # Authenticated by cookie, an unsafe request must carry the CSRF token.
        problem(await browser.post("/api/auth/logout-all"), 403, "csrf_failed")
        problem(
            await browser.post(
                "/api/auth/logout-all",
                headers={"X-CSRF-Token": csrf, "Sec-Fetch-Site": "cross-site"},
            ),
            403,
            "csrf_failed",
        )
        assert (await browser.get("/api/me")).status_code == 200  # safe method: no token
        assert (await auth_app.auth_session(remembered["session_id"])).revoked_at is None
    # A bearer token needs no CSRF token: browsers never attach one on their own.
    response = await auth_app.client.post(
        "/api/auth/logout-all", headers=bearer(pair["access_token"])
    )
    assert response.status_code == 200
    assert response.json() == {"revoked": 2}


async def test_cookie_logout_all_with_the_csrf_token_clears_the_cookies(
    start_app: StartApp,
) -> None:
    async with start_app(auth={"cookie_secure": False}) as node:
        pair = await signed_up(node.client, "zoe")
        csrf = secrets.token_urlsafe(32)
        async with node.new_client() as browser:
            put_cookie(browser, "dm_access", pair["access_token"])
            put_cookie(browser, "dm_csrf", csrf)
            response = await browser.post("/api/auth/logout-all", headers={"X-CSRF-Token": csrf})
            assert response.status_code == 200
            assert response.json() == {"revoked": 1}
            cleared = set_cookies(response)
            assert {"dm_access", "dm_refresh"} <= set(cleared)
            assert all(cleared[name].attributes["max-age"] == "0" for name in cleared)
        problem(await me(node.client, pair["access_token"]), 401, "session_ended")


async def test_a_replayed_refresh_cookie_ends_the_session_and_clears_cookies(
    start_app: StartApp,
) -> None:
    settings = {"cookie_secure": False, "refresh_reuse_grace_seconds": 0}
    async with start_app(auth=settings) as node:
        pair = await signed_up(node.client, "thief-victim")
        assert (await refresh(node.client, pair["refresh_token"])).status_code == 200
        csrf = secrets.token_urlsafe(32)
        async with node.new_client() as thief:
            put_cookie(thief, "dm_refresh", pair["refresh_token"])  # the spent one
            put_cookie(thief, "dm_csrf", csrf)
            response = await thief.post("/api/auth/refresh", headers={"X-CSRF-Token": csrf})
            problem(response, 401, "refresh_token_reused")
            cleared = set_cookies(response)
            assert cleared["dm_access"].attributes["max-age"] == "0"
            assert cleared["dm_refresh"].attributes["max-age"] == "0"
        # Returned rather than raised, the revocation is committed all the same.
        row = await node.auth_session(pair["session_id"])
        assert row.revoked_reason == "refresh_reuse"


async def test_ending_a_session_by_cookie_needs_the_csrf_token(start_app: StartApp) -> None:
    async with start_app(auth={"cookie_secure": False}) as node:
        current = await signed_up(node.client, "cora")
        other = await login(node.client, "cora")
        csrf = secrets.token_urlsafe(32)
        async with node.new_client() as browser:
            put_cookie(browser, "dm_access", current["access_token"])
            put_cookie(browser, "dm_csrf", csrf)
            path = f"/api/auth/sessions/{other['session_id']}"
            problem(await browser.delete(path), 403, "csrf_failed")
            problem(await browser.post("/api/auth/logout"), 403, "csrf_failed")
            assert (await me(node.client, other["access_token"])).status_code == 200
            response = await browser.delete(path, headers={"X-CSRF-Token": csrf})
            assert response.status_code == 204
            assert "set-cookie" not in response.headers  # another session: cookies stay
            response = await browser.post("/api/auth/logout", headers={"X-CSRF-Token": csrf})
            assert response.status_code == 204
            assert set_cookies(response)["dm_access"].attributes["max-age"] == "0"
        for pair in (current, other):
            problem(await me(node.client, pair["access_token"]), 401, "session_ended")


async def test_a_non_ascii_csrf_token_is_refused_not_a_crash(start_app: StartApp) -> None:
    async with start_app(auth={"cookie_secure": False}) as node:
        pair = await signed_up(node.client, "dora")
        async with node.new_client(raise_app_exceptions=False) as browser:
            put_cookie(browser, "dm_refresh", pair["refresh_token"])
            put_cookie(browser, "dm_csrf", secrets.token_urlsafe(32))
            response = await browser.post(
                "/api/auth/refresh", headers={b"X-CSRF-Token": b"\xe9t\xe9"}
            )
            problem(response, 403, "csrf_failed")
