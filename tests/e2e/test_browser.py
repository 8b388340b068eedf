"""The web UI in a real browser against the real server: layout, live widgets, CSP, mobile."""

from __future__ import annotations

import json
import re

import pytest
from playwright.async_api import Page, Route, expect

from devmentor import __version__
from tests.e2e.conftest import NewPage

pytestmark = pytest.mark.browser

MOBILE = {"width": 390, "height": 844}


def _only_failed_loads(problems: list[str]) -> list[str]:
    """Problems other than the browser's log line for a request a test made fail."""
    return [problem for problem in problems if "Failed to load resource" not in problem]


async def test_home_page_renders_and_goes_online(page: Page, browser_problems: list[str]) -> None:
    await page.goto("/")

    await expect(page).to_have_title(re.compile("DevMentor"))
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Learn from the code you already write."
    )
    nav = page.get_by_role("navigation", name="Main")
    await expect(nav.get_by_role("link")).to_have_text(["Home", "System status", "API docs"])
    await expect(nav.get_by_role("link", name="Home")).to_have_attribute("aria-current", "page")
    await expect(nav.get_by_role("link", name="System status")).not_to_have_attribute(
        "aria-current", "page"
    )
    await expect(page.locator("[data-nav-toggle]")).to_be_hidden()  # desktop: no menu button

    status = page.locator("#connection-status")
    await expect(status).to_have_attribute("role", "status")
    await expect(status).to_have_attribute("data-state", "online")
    await expect(status).to_have_text("Server connection: Online")
    await expect(page.get_by_role("contentinfo")).to_contain_text(f"v{__version__}")

    assert browser_problems == []


async def test_status_page_shows_the_database_check(
    page: Page, browser_problems: list[str]
) -> None:
    await page.goto("/status")

    nav = page.get_by_role("navigation", name="Main")
    await expect(nav.get_by_role("link", name="System status")).to_have_attribute(
        "aria-current", "page"
    )
    database = page.locator('[data-check="database"]')
    await expect(database).to_have_attribute("data-ok", "true")
    await expect(database.locator('[data-field="name"]')).to_have_text("Database")
    await expect(database.locator('[data-field="state"]')).to_have_text("OK")
    await expect(database.locator('[data-field="latency"]')).to_have_text(re.compile(r"\bm?s$"))
    await expect(page.locator("[data-summary-headline]")).to_have_text("All systems operational")
    await expect(page.locator("[data-checks]")).to_have_attribute("aria-busy", "false")

    checked = page.locator("[data-last-checked]")
    first = await checked.get_attribute("datetime")
    assert first
    async with page.expect_response(lambda response: response.url.endswith("/readyz")) as answer:
        await page.get_by_role("button", name="Refresh now").click()
    assert (await answer.value).status == 200
    await expect(checked).not_to_have_attribute("datetime", first)

    assert browser_problems == []


async def test_status_page_renders_a_503_report_as_text(
    page: Page, browser_problems: list[str]
) -> None:
    hostile = 'Error 111 <img src=x onerror="document.title=1">'
    report = {
        "type": "/problems/not-ready",
        "title": "Not ready",
        "status": "unready",
        "detail": "Not ready: database, redis unavailable.",
        "code": "not_ready",
        "failing": ["database", "redis"],
        "checks": {
            "database": {"ok": False, "latency_ms": 2000.4, "error": "no answer within 2s"},
            "redis": {"ok": False, "latency_ms": 0.4, "error": hostile},
        },
    }

    async def not_ready(route: Route) -> None:
        await route.fulfill(
            status=503, content_type="application/problem+json", body=json.dumps(report)
        )

    await page.route("**/readyz", not_ready)
    await page.goto("/status")

    await expect(page.locator("[data-summary-headline]")).to_have_text("Not ready")
    await expect(page.locator("[data-summary-detail]")).to_have_text(
        "Unavailable: Database, Redis."
    )
    database = page.locator('[data-check="database"]')
    await expect(database).to_have_attribute("data-ok", "false")
    await expect(database.locator('[data-field="state"]')).to_have_text("Failing")
    await expect(database.locator('[data-field="latency"]')).to_have_text("2.0 s")
    redis = page.locator('[data-check="redis"]')
    await expect(redis.locator('[data-field="error"]')).to_have_text(hostile)
    await expect(page.locator("[data-checks] img")).to_have_count(0)
    await expect(page).not_to_have_title("1")

    assert _only_failed_loads(browser_problems) == []


async def test_status_page_says_when_the_server_is_unreachable(
    page: Page, browser_problems: list[str]
) -> None:
    await page.goto("/status")
    await expect(page.locator('[data-check="database"]')).to_have_attribute("data-ok", "true")

    await page.route("**/readyz", lambda route: route.abort())
    await page.get_by_role("button", name="Refresh now").click()

    await expect(page.locator("[data-summary-headline]")).to_have_text("Server unreachable")
    await expect(page.locator("[data-check]")).to_have_count(0)
    assert _only_failed_loads(browser_problems) == []


async def test_connection_indicator_follows_the_server_and_the_network(
    page: Page, browser_problems: list[str]
) -> None:
    status = page.locator("#connection-status")
    label = status.locator(".connection__label")

    await page.route("**/healthz", lambda route: route.abort())
    await page.goto("/")
    await expect(status).to_have_attribute("data-state", "offline")
    await expect(label).to_have_text("Offline")

    await page.unroute("**/healthz")
    await page.evaluate("window.DevMentor.connection.check()")
    await expect(status).to_have_attribute("data-state", "online")

    await page.context.set_offline(True)
    await expect(status).to_have_attribute("data-state", "offline")
    await page.context.set_offline(False)
    await expect(status).to_have_attribute("data-state", "online")

    # The hand-over API for the WebSocket layer.
    await page.evaluate(
        "window.DevMentor.connection.stopPolling();"
        "window.DevMentor.connection.set('connecting', 'Reconnecting…')"
    )
    await expect(status).to_have_attribute("data-state", "connecting")
    await expect(label).to_have_text("Reconnecting…")
    state = await page.evaluate("window.DevMentor.connection.get()")
    assert state == {"state": "connecting", "label": "Reconnecting…"}

    assert _only_failed_loads(browser_problems) == []


async def test_api_docs_render_the_operations(page: Page, browser_problems: list[str]) -> None:
    await page.goto("/api-docs")

    await expect(page.locator(".info .title")).to_contain_text("DevMentor API")
    healthz = page.locator('.opblock-summary-path[data-path="/healthz"]')
    await expect(healthz).to_be_visible()
    await healthz.click()
    await expect(page.get_by_text("Liveness: the process is up").first).to_be_visible()
    await expect(page.get_by_role("link", name="DevMentor")).to_have_attribute("href", "/")

    assert browser_problems == []


async def test_mobile_menu_opens_and_closes(new_page: NewPage, browser_problems: list[str]) -> None:
    page = await new_page(viewport=MOBILE)
    await page.goto("/")

    toggle = page.get_by_role("button", name="Menu")
    status_link = page.locator('#site-nav a[href="/status"]')
    await expect(toggle).to_be_visible()
    await expect(toggle).to_have_attribute("aria-expanded", "false")
    await expect(status_link).to_be_hidden()

    await toggle.click()
    await expect(toggle).to_have_attribute("aria-expanded", "true")
    await expect(status_link).to_be_visible()

    await toggle.click()
    await expect(toggle).to_have_attribute("aria-expanded", "false")
    await expect(status_link).to_be_hidden()

    await toggle.click()
    await page.keyboard.press("Escape")
    await expect(toggle).to_have_attribute("aria-expanded", "false")
    await expect(toggle).to_be_focused()

    await toggle.click()
    await status_link.click()
    await expect(page).to_have_url(re.compile(r"/status$"))
    await expect(page.get_by_role("button", name="Menu")).to_have_attribute(
        "aria-expanded", "false"
    )

    assert browser_problems == []


@pytest.mark.parametrize("path", ["/", "/status"])
@pytest.mark.parametrize("width", [360, 1280])
async def test_pages_fit_the_viewport_width(
    new_page: NewPage, browser_problems: list[str], path: str, width: int
) -> None:
    page = await new_page(viewport={"width": width, "height": 800})
    await page.goto(path)
    await expect(page.locator("#connection-status")).to_have_attribute("data-state", "online")

    scroll_width = await page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width
    assert browser_problems == []


async def test_skip_link_moves_focus_to_the_main_content(page: Page) -> None:
    await page.goto("/status")

    await page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    await expect(skip).to_be_focused()
    await expect(skip).to_be_in_viewport()
    await page.keyboard.press("Enter")
    await expect(page.locator("#main")).to_be_focused()


async def test_dark_colour_scheme_changes_the_palette(new_page: NewPage) -> None:
    backgrounds = []
    for scheme in ("light", "dark"):
        page = await new_page(color_scheme=scheme)
        await page.goto("/")
        backgrounds.append(await page.evaluate("getComputedStyle(document.body).backgroundColor"))
    assert backgrounds[0] != backgrounds[1]
