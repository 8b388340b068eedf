"""Signing in with a real browser against the real server: GitHub's round trip, "remember
me" across a browser restart, the silent refresh, and ending sessions from /account."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import uuid
from typing import Any

import pytest
from playwright.async_api import BrowserContext, Page, Route, expect

from devmentor.auth.tokens import AccessTokens
from devmentor.settings import DEVELOPMENT_SECRET
from tests.e2e.conftest import OCTOCAT, LiveServer, NewPage

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
SIGNIN_FOR_ACCOUNT = re.compile(r"/signin\?next=/account$")
SIGNED_OUT = re.compile(r"/signin\?signed_out=1$")


def _username() -> str:
    # One server serves the whole session: every test signs up its own people.
    return "user-" + uuid.uuid4().hex[:10]


async def _register(page: Page, username: str, display_name: str = "Ada Lovelace") -> None:
    response = await page.request.post(
        "/api/auth/register",
        data={"username": username, "password": PASSWORD, "display_name": display_name},
    )
    assert response.status == 201, await response.text()


async def _sign_in(page: Page, username: str, *, remember: bool = False) -> None:
    await page.goto("/signin")
    await page.get_by_label("Username").fill(username)
    await page.get_by_label("Password", exact=True).fill(PASSWORD)
    if remember:
        await page.get_by_label("Remember me").check()
    await page.get_by_role("button", name="Sign in", exact=True).click()
    await expect(page).not_to_have_url(re.compile("/signin"))


async def _restart(context: BrowserContext, new_page: NewPage, *drop: str) -> Page:
    """The same profile after the browser was closed: session cookies are gone."""
    state = await context.storage_state()
    state["cookies"] = [
        cookie
        for cookie in state["cookies"]
        if cookie.get("expires", -1) != -1 and cookie.get("name") not in drop
    ]
    return await new_page(storage_state=state)


def _unexpected(problems: list[str], *expected_401s: str) -> list[str]:
    """Problems, less Chrome's log line for each 401 the test provoked on purpose."""
    left = list(problems)
    for path in expected_401s:
        match = next(
            (p for p in left if "status of 401" in p and path in p),
            None,
        )
        assert match is not None, f"no 401 logged for {path}: {problems}"
        left.remove(match)
    return left


async def test_github_sign_in_round_trip(
    page: Page, live_server: LiveServer, browser_problems: list[str]
) -> None:
    await page.goto("/account")
    await expect(page).to_have_url(SIGNIN_FOR_ACCOUNT)

    await page.get_by_role("link", name="Sign in with GitHub").click()
    await expect(page.get_by_role("heading", name="Authorize application")).to_be_visible()
    await expect(page.get_by_text(f"Signed in as {OCTOCAT.login}")).to_be_visible()
    await page.get_by_role("button", name="Authorize").click()

    await expect(page).to_have_url(live_server.url("/account"))
    await expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    await expect(page.locator('[data-field="username"]')).to_have_text(OCTOCAT.login)
    await expect(page.locator('[data-field="github"]')).to_contain_text(f"@{OCTOCAT.login}")
    sessions = page.locator("[data-session]")
    await expect(sessions).to_have_count(1)
    await expect(sessions.first).to_contain_text("This device")
    await expect(sessions.first).to_contain_text("with GitHub")

    await page.reload()
    await expect(page).to_have_url(live_server.url("/account"))
    header = page.locator(".site-account")
    await expect(header.get_by_role("link", name=re.compile(OCTOCAT.name or ""))).to_be_visible()
    nav = page.get_by_role("navigation", name="Main")
    await expect(nav.get_by_role("link", name="Account")).to_have_attribute("aria-current", "page")

    await header.get_by_role("button", name="Sign out").click()
    await expect(page).to_have_url(SIGNED_OUT)
    await expect(page.get_by_text("You have signed out.")).to_be_visible()
    await expect(header.get_by_role("link", name="Sign in")).to_be_visible()
    await expect(nav.get_by_role("link", name="Account")).to_have_count(0)
    await page.goto("/account")
    await expect(page).to_have_url(SIGNIN_FOR_ACCOUNT)

    assert browser_problems == []


async def test_remember_me_survives_a_browser_restart(
    new_page: NewPage, live_server: LiveServer, browser_problems: list[str]
) -> None:
    page = await new_page()
    username = _username()
    await page.goto("/register")
    await page.get_by_label("Username").fill(username)
    await page.get_by_label("Display name").fill("Ada Lovelace")
    await page.get_by_label("Password", exact=True).fill(PASSWORD)
    await page.get_by_label("Confirm password").fill(PASSWORD)
    await page.get_by_role("button", name="Create account").click()
    await expect(page).to_have_url(live_server.url("/"))
    header = page.locator(".site-account")
    await expect(header.get_by_role("link", name=re.compile("Ada Lovelace"))).to_be_visible()
    await header.get_by_role("button", name="Sign out").click()
    await expect(page).to_have_url(SIGNED_OUT)

    # Remembered: the cookies outlive the browser.
    await _sign_in(page, username, remember=True)
    restarted = await _restart(page.context, new_page)
    await restarted.goto("/account")
    await expect(restarted).to_have_url(live_server.url("/account"))
    await expect(restarted.locator('[data-field="username"]')).to_have_text(username)
    # ... and after the access cookie has run out too, the refresh cookie renews it.
    later = await _restart(page.context, new_page, "dm_access")
    await later.goto("/account")
    await expect(later).to_have_url(live_server.url("/account"))
    await expect(later.locator(".site-account__user")).to_be_visible()

    # Not remembered: closing the browser signs out.
    await page.locator(".site-account").get_by_role("button", name="Sign out").click()
    await expect(page).to_have_url(SIGNED_OUT)
    await _sign_in(page, username)
    forgotten = await _restart(page.context, new_page)
    await forgotten.goto("/account")
    await expect(forgotten).to_have_url(SIGNIN_FOR_ACCOUNT)
    await expect(forgotten.locator(".site-account__signin")).to_be_visible()

    assert browser_problems == []


async def test_api_calls_refresh_an_expired_sign_in(
    new_page: NewPage, live_server: LiveServer, browser_problems: list[str]
) -> None:
    page = await new_page()
    username = _username()
    await _register(page, username)
    await _sign_in(page, username)
    await page.goto("/status")
    call_me = """async () => {
        const response = await window.DevMentor.api("/api/me");
        return {status: response.status, body: await response.json()};
    }"""

    # The browser dropped the access cookie (it expired): the API says "unauthorized".
    await page.context.clear_cookies(name="dm_access")
    result: dict[str, Any] = await page.evaluate(call_me)
    assert result["status"] == 200, result
    assert result["body"]["username"] == username
    names = {cookie.get("name") for cookie in await page.context.cookies()}
    assert "dm_access" in names

    # The access cookie is there but its token has expired: the API says "token_expired".
    sessions = await (await page.request.get("/api/auth/sessions")).json()
    current = next(item for item in sessions if item["current"])
    expired, _ = AccessTokens([DEVELOPMENT_SECRET], ttl_seconds=900).issue(
        uuid.UUID(result["body"]["id"]),
        uuid.UUID(current["id"]),
        now=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1),
    )
    await page.context.add_cookies(
        [{"name": "dm_access", "value": expired, "url": live_server.base_url}]
    )
    result = await page.evaluate(call_me)
    assert result["status"] == 200, result

    await page.context.clear_cookies(name="dm_access")
    await page.reload()
    await expect(page.locator(".site-account__user")).to_be_visible()
    assert _unexpected(browser_problems, "/api/me", "/api/me") == []


async def test_the_sign_in_is_refreshed_before_it_expires(
    new_page: NewPage, browser_problems: list[str]
) -> None:
    page = await new_page()
    username = _username()
    await _register(page, username)
    await page.clock.install()
    await _sign_in(page, username)
    expires = await page.evaluate("window.DevMentor.auth.expiresAt()")
    assert isinstance(expires, int | float)

    async with page.expect_response(lambda r: r.url.endswith("/api/auth/refresh")) as answer:
        # 14 minutes on: the refresh is due one minute before the 15-minute token lapses.
        await page.clock.fast_forward(14 * 60 * 1000 + 5000)
    assert (await answer.value).status == 200
    for _ in range(100):
        if await page.evaluate("window.DevMentor.auth.expiresAt()") > expires:
            break
        await asyncio.sleep(0.02)
    else:
        pytest.fail("the refresh did not move the expiry on")
    me = await page.evaluate("window.DevMentor.api('/api/me').then((r) => r.status)")
    assert me == 200
    assert browser_problems == []


async def test_tabs_share_one_refresh(new_page: NewPage, browser_problems: list[str]) -> None:
    page = await new_page()
    username = _username()
    await _register(page, username)
    await _sign_in(page, username)
    other_tab = await page.context.new_page()
    await other_tab.goto("/status")
    refreshes: list[str] = []
    underway = asyncio.Event()

    async def slow_refresh(route: Route) -> None:
        # Held up, so the second tab asks while the first one's refresh is on its way.
        refreshes.append(route.request.url)
        underway.set()
        await asyncio.sleep(0.3)
        await route.continue_()

    await page.context.route("**/api/auth/refresh", slow_refresh)
    first = asyncio.ensure_future(page.evaluate("window.DevMentor.auth.refresh()"))
    await asyncio.wait_for(underway.wait(), timeout=10)
    second = await other_tab.evaluate("window.DevMentor.auth.refresh()")

    assert [await first, second] == ["ok", "ok"]
    # The second tab waited for the lock, saw the first one's fresh pair and stood down.
    assert len(refreshes) == 1
    expires = "window.DevMentor.auth.expiresAt()"
    assert await other_tab.evaluate(expires) == await page.evaluate(expires)
    assert await other_tab.evaluate("window.DevMentor.api('/api/me').then((r) => r.status)") == 200
    assert browser_problems == []


async def test_revoking_a_session_from_the_account_page(
    new_page: NewPage, live_server: LiveServer, browser_problems: list[str]
) -> None:
    first = await new_page()
    second = await new_page()
    username = _username()
    await _register(first, username)
    await _sign_in(first, username)
    await _sign_in(second, username)

    await first.goto("/account")
    rows = first.locator("[data-session]")
    await expect(rows).to_have_count(2)
    await expect(first.locator("[data-session-count]")).to_have_text("2 active sessions")
    other = rows.filter(has_not_text="This device")
    await other.get_by_role("button", name=re.compile("^Sign out")).click()
    await expect(rows).to_have_count(1)
    await expect(first.locator("[data-sessions-status]")).to_have_text(re.compile("^Signed out"))
    await expect(first.locator("[data-session-count]")).to_have_text("1 active session")
    await expect(rows.first).to_contain_text("This device")

    # The other browser is signed out at its next page load.
    await second.goto("/account")
    await expect(second).to_have_url(SIGNIN_FOR_ACCOUNT)
    await expect(second.locator(".site-account__signin")).to_be_visible()

    # "Sign out everywhere" ends this one too.
    await first.get_by_role("button", name="Sign out everywhere").click()
    await expect(first).to_have_url(SIGNED_OUT)
    await first.goto("/account")
    await expect(first).to_have_url(SIGNIN_FOR_ACCOUNT)

    assert browser_problems == []


async def test_sign_in_pages_fit_a_small_screen(
    new_page: NewPage, browser_problems: list[str]
) -> None:
    page = await new_page(viewport={"width": 360, "height": 740})
    username = _username()
    await _register(page, username)
    for path in ("/signin", "/register"):
        await page.goto(path)
        assert await page.evaluate("document.documentElement.scrollWidth") <= 360
    await page.get_by_role("button", name="Menu").click()
    await _sign_in(page, username)
    await page.goto("/account")
    assert await page.evaluate("document.documentElement.scrollWidth") <= 360
    # On a small screen the account controls sit in the menu.
    await expect(page.locator(".site-account__user")).to_be_hidden()
    await page.get_by_role("button", name="Menu").click()
    await expect(page.locator(".site-account__user")).to_be_visible()
    assert browser_problems == []
