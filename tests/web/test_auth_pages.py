"""The sign-in pages over ASGI: forms, CSRF, cookies, redirects, page refresh, sessions."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest
from fastapi import FastAPI

from devmentor.auth.service import AuthService
from tests.conftest import make_settings, running_app
from tests.web.dom import Element, csp_violations, parse

# Cheap hashes: these tests are about pages, not argon2's cost.
AUTH: dict[str, Any] = {
    "argon2_memory_kib": 1024,
    "argon2_time_cost": 1,
    "argon2_parallelism": 1,
    "cookie_secure": False,
}
PASSWORD = "correct horse battery"
INCORRECT = "Incorrect username or password."
GITHUB = {"github_client_id": "Ov23liTestClient0001", "github_client_secret": "s" * 40}


@dataclass
class Site:
    app: FastAPI
    client: httpx2.AsyncClient

    @asynccontextmanager
    async def browser(self) -> AsyncIterator[httpx2.AsyncClient]:
        """Another browser on the same server, with its own cookie jar."""
        async with httpx2.AsyncClient(
            transport=httpx2.ASGITransport(app=self.app), base_url="http://testserver"
        ) as client:
            yield client


@asynccontextmanager
async def _site(tmp_path: Path, **auth: Any) -> AsyncIterator[Site]:
    async with running_app(make_settings(tmp_path, auth={**AUTH, **auth})) as (app, client):
        yield Site(app, client)


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[Site]:
    async with _site(tmp_path) as value:
        yield value


# -- Helpers ------------------------------------------------------------------


def set_cookies(response: httpx2.Response) -> dict[str, dict[str, str]]:
    """The response's Set-Cookie headers: name -> {"value": ..., attribute: value}."""
    cookies: dict[str, dict[str, str]] = {}
    for header in response.headers.get_list("set-cookie"):
        first, *attributes = (part.strip() for part in header.split(";"))
        name, _, value = first.partition("=")
        parsed = {"value": value.strip('"')}
        for attribute in attributes:
            key, _, attribute_value = attribute.partition("=")
            parsed[key.lower()] = attribute_value
        cookies[name] = parsed
    return cookies


def page_of(response: httpx2.Response) -> Element:
    assert response.headers["content-type"].startswith("text/html"), response.text
    document = parse(response.text)
    assert csp_violations(document) == []
    return document


def hidden(document: Element, name: str, form_action: str | None = None) -> str:
    scope = document.find("form", action=form_action) if form_action else document
    value = scope.find("input", name=name).get("value")
    assert value is not None
    return value


def location(response: httpx2.Response) -> tuple[str, dict[str, list[str]]]:
    parts = urlsplit(response.headers["location"])
    return parts.path, parse_qs(parts.query)


async def csrf_of(client: httpx2.AsyncClient) -> str:
    response = await client.get("/signin")
    assert response.status_code == 200
    return hidden(page_of(response), "csrf_token", "/signin")


async def create_user(
    client: httpx2.AsyncClient, username: str = "ada", display_name: str = "Ada Lovelace"
) -> None:
    response = await client.post(
        "/api/auth/register",
        json={"username": username, "password": PASSWORD, "display_name": display_name},
    )
    assert response.status_code == 201, response.text


async def sign_in(
    client: httpx2.AsyncClient,
    username: str = "ada",
    password: str = PASSWORD,
    *,
    remember: bool = False,
    next_path: str = "",
) -> httpx2.Response:
    form = {
        "username": username,
        "password": password,
        "next": next_path,
        "csrf_token": await csrf_of(client),
    }
    if remember:
        form["remember"] = "1"
    return await client.post("/signin", data=form)


async def signed_in_client(site: Site, **options: Any) -> httpx2.AsyncClient:
    await create_user(site.client)
    response = await sign_in(site.client, **options)
    assert response.status_code == 303, response.text
    return site.client


# -- The sign-in page -------------------------------------------------------------


async def test_signin_page_has_a_csrf_protected_form(site: Site) -> None:
    response = await site.client.get("/signin?next=/status")
    assert response.status_code == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    document = page_of(response)

    assert document.find("h1").text == "Sign in"
    form = document.find("form", action="/signin")
    assert form.get("method") == "post"
    token = hidden(form, "csrf_token")
    assert token == site.client.cookies.get("dm_csrf")
    assert hidden(form, "next") == "/status"
    for name, label in [("username", "Username"), ("password", "Password")]:
        field = form.find("input", name=name)
        assert form.find("label", for_=field.get("id") or "").text == label
    assert form.find("input", name="password").get("type") == "password"
    remember = form.find("input", name="remember")
    assert remember.get("type") == "checkbox"
    assert form.find("label", for_="remember").text == "Remember me"
    assert document.find(role="alert")  # the live region the error goes into
    assert document.find_all("a", href="/register?next=%2Fstatus")
    # GitHub is not configured here.
    assert not [a for a in document.find_all("a") if "github" in (a.get("href") or "")]
    # Forms and the CSRF token are personal: never from a shared cache.
    assert "private" in response.headers["cache-control"]


async def test_github_button_and_register_link_follow_the_settings(tmp_path: Path) -> None:
    async with _site(tmp_path, registration_enabled=False, **GITHUB) as site:
        document = page_of(await site.client.get("/signin?next=/account"))
        github = document.find("a", data_remember_link=True)
        assert github.text == "Sign in with GitHub"
        assert github.get("href") == "/api/auth/github/login?next=%2Faccount"
        assert not document.find_all("a", href="/register")
        assert not [a for a in document.find_all("a") if "/register" in (a.get("href") or "")]

        closed = await site.client.get("/register")
        assert "does not accept new accounts" in page_of(closed).find(role="alert").text


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("github_denied", "GitHub sign-in was cancelled."),
        ("registration_closed", "does not accept new accounts"),
        ("account_link_conflict", "already linked"),
        ("<script>", "Something went wrong"),
    ],
)
async def test_error_codes_are_explained(site: Site, code: str, message: str) -> None:
    response = await site.client.get("/signin", params={"error": code})
    document = page_of(response)
    assert message in document.find(role="alert").text
    assert "<script>" not in response.text


async def test_signed_out_notice(site: Site) -> None:
    document = page_of(await site.client.get("/signin?signed_out=1"))
    assert document.find(role="status", class_="alert").text == "You have signed out."


# -- Signing in -------------------------------------------------------------------


@pytest.mark.parametrize(
    "token", [None, "wrong-token-wrong-token-wrong", "ünïcode-tökén-ünïcode-tökén"]
)
async def test_signin_without_the_right_csrf_token_is_refused(
    site: Site, token: str | None
) -> None:
    await create_user(site.client)
    await csrf_of(site.client)  # the browser has a CSRF cookie; the form lacks its twin
    form = {"username": "ada", "password": PASSWORD}
    if token is not None:
        form["csrf_token"] = token
    response = await site.client.post("/signin", data=form)

    assert response.status_code == 403
    assert "expired" in page_of(response).find(role="alert").text
    assert not {"dm_access", "dm_refresh"} & set(set_cookies(response))


async def test_a_csrf_cookie_that_is_not_ours_is_replaced(site: Site) -> None:
    # Latin-1 bytes, as a browser could send them; the server reads them as text.
    cookie = b"dm_csrf=" + "é".encode("latin-1") * 32
    response = await site.client.get("/signin", headers=[(b"cookie", cookie)])
    token = set_cookies(response)["dm_csrf"]["value"]
    assert token.isascii()
    assert len(token) >= 32
    assert hidden(page_of(response), "csrf_token", "/signin") == token


async def test_signin_from_another_site_is_refused(site: Site) -> None:
    await create_user(site.client)
    token = await csrf_of(site.client)
    response = await site.client.post(
        "/signin",
        data={"username": "ada", "password": PASSWORD, "csrf_token": token},
        headers={"Sec-Fetch-Site": "cross-site"},
    )
    assert response.status_code == 403
    assert "dm_access" not in set_cookies(response)


async def test_wrong_password_shows_the_generic_message(site: Site) -> None:
    await create_user(site.client)
    for username in ("ada", "nobody"):
        response = await sign_in(site.client, username, "not the password")

        assert response.status_code == 401
        document = page_of(response)
        assert document.find(role="alert").text == INCORRECT
        assert document.find("input", name="username").get("value") == username
        assert document.find("input", name="password").get("value") is None
        assert "not the password" not in response.text
        assert "dm_access" not in set_cookies(response)


async def test_too_many_failures_are_rate_limited(tmp_path: Path) -> None:
    async with _site(tmp_path, login_limit_per_account="2/minute") as site:
        await create_user(site.client)
        statuses = [(await sign_in(site.client, "ada", "nope")).status_code for _ in range(3)]
        assert statuses == [401, 401, 429]
        limited = await sign_in(site.client)
        assert limited.status_code == 429
        assert "Too many" in page_of(limited).find(role="alert").text
        assert int(limited.headers["retry-after"]) >= 1


@pytest.mark.parametrize("remember", [False, True])
async def test_signin_sets_http_only_cookies_and_goes_next(site: Site, remember: bool) -> None:
    await create_user(site.client)
    response = await sign_in(site.client, remember=remember, next_path="/status?x=1")

    assert response.status_code == 303
    assert response.headers["location"] == "/status?x=1"
    cookies = set_cookies(response)
    for name in ("dm_access", "dm_refresh"):
        cookie = cookies[name]
        assert cookie["value"]
        assert "httponly" in cookie
        assert cookie["samesite"].lower() == "lax"
        assert cookie["path"] == "/"
        # Remembered: they survive a browser restart. Otherwise: session cookies.
        assert ("max-age" in cookie) is remember
    assert int(cookies["dm_refresh"].get("max-age", "0")) > (86400 if remember else -1)
    assert response.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example",
        "//evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
        "/signin",
        "/signout?next=/",
    ],
)
async def test_next_never_leaves_the_site(site: Site, target: str) -> None:
    await create_user(site.client)
    response = await sign_in(site.client, next_path=target)
    assert response.status_code == 303
    assert response.headers["location"] == "/"


async def test_signin_page_sends_a_signed_in_visitor_on(site: Site) -> None:
    client = await signed_in_client(site)
    response = await client.get("/signin?next=/status")
    assert response.status_code == 303
    assert response.headers["location"] == "/status"
    assert (await client.get("/signin?next=https://evil.example")).headers["location"] == "/"


# -- Protected pages and the server-side refresh ------------------------------------


async def test_account_needs_a_sign_in(site: Site) -> None:
    response = await site.client.get("/account")
    assert response.status_code == 303
    path, query = location(response)
    assert path == "/signin"
    assert query == {"next": ["/account"]}

    with_query = await site.client.get("/account?revoked=1")
    assert location(with_query) == ("/signin", {"next": ["/account?revoked=1"]})


async def test_a_page_renews_an_expired_access_cookie(site: Site) -> None:
    client = await signed_in_client(site, remember=True)
    old_refresh = client.cookies.get("dm_refresh")
    # The access cookie is gone: 15 idle minutes, or a browser restart.
    client.cookies.delete("dm_access")

    response = await client.get("/account")

    assert response.status_code == 200
    document = page_of(response)
    assert document.find("dd", data_field="username").text == "ada"
    cookies = set_cookies(response)
    assert cookies["dm_access"]["value"]
    assert cookies["dm_refresh"]["value"] not in ("", old_refresh)
    assert "max-age" in cookies["dm_refresh"]  # still remembered
    assert response.headers["cache-control"] == "no-store"
    # The rotation was committed: the API takes the new access cookie, and the old
    # refresh token is spent.
    assert (await client.get("/api/me")).status_code == 200
    assert client.cookies.get("dm_refresh") != old_refresh


async def test_a_dead_refresh_cookie_renders_signed_out_and_is_cleared(site: Site) -> None:
    site.client.cookies.set("dm_refresh", "not-a-real-refresh-token")
    site.client.cookies.set("dm_access", "not.a.jwt")

    response = await site.client.get("/")

    assert response.status_code == 200
    document = page_of(response)
    assert document.find("a", class_="site-account__signin").text == "Sign in"
    assert not document.find_all("meta", name="dm-access-expires")
    cookies = set_cookies(response)
    for name in ("dm_access", "dm_refresh"):
        assert cookies[name]["value"] == ""
        assert cookies[name]["max-age"] == "0"


async def test_pages_still_render_when_the_database_is_down(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = await signed_in_client(site)

    async def unreachable(self: AuthService, token: str) -> None:
        raise OSError("connection refused")

    monkeypatch.setattr(AuthService, "authenticate_access", unreachable)
    response = await client.get("/status")

    # The status page is where people look during an outage: it renders, signed out,
    # and the cookies stay for when the database is back.
    assert response.status_code == 200
    assert page_of(response).find("a", class_="site-account__signin")
    assert not {"dm_access", "dm_refresh"} & set(set_cookies(response))


async def test_the_header_shows_who_is_signed_in(site: Site) -> None:
    signed_out = page_of(await site.client.get("/status?x=1"))
    signin = signed_out.find("a", class_="site-account__signin")
    assert signin.get("href") == "/signin?next=/status%3Fx%3D1"
    nav = [a.text for a in signed_out.by_id("site-nav").find_all("a")]
    assert "Account" not in nav
    assert signed_out.find("meta", name="csrf-token").get("content")
    assert not signed_out.find_all("meta", name="dm-access-expires")

    client = await signed_in_client(site)
    document = page_of(await client.get("/"))
    account = document.find("div", class_="site-account")
    user = account.find("a", href="/account")
    assert "Ada Lovelace" in user.text
    assert user.find(class_="avatar").text == "AL"
    signout = account.find("form", action="/signout")
    assert signout.get("method") == "post"
    assert hidden(signout, "csrf_token") == client.cookies.get("dm_csrf")
    assert signout.find("button").text == "Sign out"
    links = [(a.text, a.get("href")) for a in document.by_id("site-nav").find_all("a")]
    assert ("Account", "/account") in links
    expires = document.find("meta", name="dm-access-expires").get("content")
    server_time = document.find("meta", name="dm-server-time").get("content")
    assert expires is not None
    assert server_time is not None
    assert 800 < int(expires) - int(server_time) <= 900
    assert document.find("meta", name="csrf-token").get("content") == client.cookies.get("dm_csrf")


# -- Registration ------------------------------------------------------------------


async def test_register_validates_then_signs_in(site: Site) -> None:
    page = page_of(await site.client.get("/register?next=/status"))
    token = hidden(page, "csrf_token", "/register")
    assert hidden(page, "next", "/register") == "/status"
    for name in ("username", "display_name", "password", "confirm_password"):
        field = page.find("input", name=name)
        assert page.find("label", for_=field.get("id") or "")

    form = {
        "username": "grace",
        "display_name": "Grace Hopper",
        "password": PASSWORD,
        "confirm_password": PASSWORD + "!",
        "next": "/status",
        "csrf_token": token,
    }
    mismatch = await site.client.post("/register", data=form)
    assert mismatch.status_code == 422
    document = page_of(mismatch)
    confirm = document.find("input", name="confirm_password")
    assert confirm.get("aria-invalid") == "true"
    assert document.by_id("confirm_password-error").text == "The passwords do not match."
    assert "confirm_password-error" in (confirm.get("aria-describedby") or "")
    assert document.find("input", name="username").get("value") == "grace"
    assert PASSWORD not in mismatch.text

    weak = await site.client.post(
        "/register", data={**form, "password": "grace123", "confirm_password": "grace123"}
    )
    assert weak.status_code == 422
    assert "username" in page_of(weak).by_id("password-error").text

    bad_name = await site.client.post("/register", data={**form, "username": "-bad name"})
    assert bad_name.status_code == 422
    assert page_of(bad_name).by_id("username-error").text

    created = await site.client.post("/register", data={**form, "confirm_password": PASSWORD})
    assert created.status_code == 303
    assert created.headers["location"] == "/status"
    assert {"dm_access", "dm_refresh"} <= set(set_cookies(created))
    account = page_of(await site.client.get("/account"))
    assert account.find("h2", id="profile-title").text == "Grace Hopper"

    async with site.browser() as other:
        taken = await other.post(
            "/register",
            data={**form, "confirm_password": PASSWORD, "csrf_token": await csrf_of(other)},
        )
        assert taken.status_code == 409
        assert "taken" in page_of(taken).by_id("username-error").text


async def test_register_needs_csrf_and_can_be_closed(tmp_path: Path) -> None:
    form = {"username": "grace", "password": PASSWORD, "confirm_password": PASSWORD}
    async with _site(tmp_path) as site:
        await csrf_of(site.client)
        response = await site.client.post("/register", data=form)
        assert response.status_code == 403
        assert "dm_access" not in set_cookies(response)
    async with _site(tmp_path / "closed", registration_enabled=False) as site:
        token = await csrf_of(site.client)
        response = await site.client.post("/register", data={**form, "csrf_token": token})
        assert response.status_code == 403
        assert "does not accept new accounts" in page_of(response).find(role="alert").text
        assert not page_of(response).find_all("form", action="/register")


# -- Signing out -------------------------------------------------------------------


async def test_signout_ends_the_session(site: Site) -> None:
    client = await signed_in_client(site)
    refresh_token = client.cookies.get("dm_refresh")
    token = hidden(page_of(await client.get("/")), "csrf_token", "/signout")

    response = await client.post("/signout", data={"csrf_token": token})

    assert response.status_code == 303
    assert response.headers["location"] == "/signin?signed_out=1"
    cookies = set_cookies(response)
    assert cookies["dm_access"]["max-age"] == "0"
    assert cookies["dm_refresh"]["max-age"] == "0"
    # Revoked on the server, not only forgotten by the browser.
    refused = await client.post("/api/auth/refresh", json={"refresh_token": refresh_token})
    assert refused.status_code == 401
    assert (await client.get("/account")).status_code == 303


async def test_signout_works_with_an_expired_access_cookie(site: Site) -> None:
    client = await signed_in_client(site)
    refresh_token = client.cookies.get("dm_refresh")
    token = hidden(page_of(await client.get("/")), "csrf_token", "/signout")
    client.cookies.delete("dm_access")

    response = await client.post("/signout", data={"csrf_token": token})

    assert response.status_code == 303
    assert response.headers["location"] == "/signin?signed_out=1"
    assert client.cookies.get("dm_refresh") is None
    refused = await client.post("/api/auth/refresh", json={"refresh_token": refresh_token})
    assert refused.status_code == 401


async def test_signout_without_csrf_changes_nothing(site: Site) -> None:
    client = await signed_in_client(site)
    response = await client.post("/signout", data={"csrf_token": "forged-forged-forged-forged"})
    assert response.status_code == 403
    document = page_of(response)
    assert document.find("form", action="/signout", class_="form")
    assert (await client.get("/account")).status_code == 200


# -- The account page ---------------------------------------------------------------


async def test_account_lists_sessions_and_revokes_one(site: Site) -> None:
    client = await signed_in_client(site)
    async with site.browser() as other:
        await sign_in(other)
        response = await client.get("/account")
        assert response.status_code == 200
        assert response.headers["cache-control"] == "no-store"
        document = page_of(response)

        rows = document.find_all("li", data_session=True)
        assert len(rows) == 2
        current = [row for row in rows if "This device" in row.text]
        assert len(current) == 1
        assert rows[0] is current[0]  # the current session comes first
        assert "Python client" in rows[0].text  # describe_device of httpx2's user agent
        other_row = rows[1]
        form = other_row.find("form", data_revoke_session=True)
        assert form.get("method") == "post"
        session_id = other_row.get("data-session")
        assert form.get("action") == f"/account/sessions/{session_id}/revoke"
        assert not form.has("data-current")
        assert document.find("form", data_revoke_all=True).find("button").text == (
            "Sign out everywhere"
        )
        assert document.find("p", data_sessions_status=True).get("aria-live") == "polite"
        scripts = [script.get("src") or "" for script in document.find_all("script")]
        assert any(src.startswith("/static/js/account.js") for src in scripts)

        revoked = await client.post(
            f"/account/sessions/{session_id}/revoke",
            data={"csrf_token": hidden(form, "csrf_token")},
        )
        assert revoked.status_code == 303
        assert revoked.headers["location"] == "/account?revoked=1"
        assert (await other.get("/account")).status_code == 303
        assert len(page_of(await client.get("/account")).find_all("li", data_session=True)) == 1


async def test_account_shows_github_state_and_link_errors(tmp_path: Path) -> None:
    async with _site(tmp_path, **GITHUB) as site:
        client = await signed_in_client(site)
        document = page_of(await client.get("/account?error=account_link_conflict"))
        assert "GitHub was not linked" in document.find(role="alert").text
        assert "Not linked" in document.find("dd", data_field="github").text
        link = document.find("a", href="/api/auth/github/login?next=%2Faccount")
        assert link.text == "Link GitHub"


async def test_sign_out_everywhere_without_javascript(site: Site) -> None:
    client = await signed_in_client(site)
    async with site.browser() as other:
        await sign_in(other)
        document = page_of(await client.get("/account"))
        token = hidden(document, "csrf_token", "/account/sessions/revoke-all")
        response = await client.post("/account/sessions/revoke-all", data={"csrf_token": token})
        assert response.status_code == 303
        assert response.headers["location"] == "/signin?signed_out=1"
        assert (await client.get("/account")).status_code == 303
        assert (await other.get("/account")).status_code == 303


@pytest.mark.parametrize("path", ["/signin", "/register"])
async def test_signed_out_pages_pass_the_csp_rules(site: Site, path: str) -> None:
    response = await site.client.get(path)
    assert response.status_code == 200
    page_of(response)


@pytest.mark.parametrize("path", ["/", "/status", "/account", "/signout", "/api-docs"])
async def test_signed_in_pages_pass_the_csp_rules(site: Site, path: str) -> None:
    client = await signed_in_client(site)
    response = await client.get(path)
    assert response.status_code == 200
    page_of(response)
