"""The HTML analysis report in Chromium: under a strict CSP, charts drawn, no sideways scroll.

The report is written to a temporary folder and served by a tiny ``http.server`` on
127.0.0.1 that sends the strictest policy the page is meant to live under (nothing but
inline styles and data: images), and opened from disk too, where only the page's own
``<meta>`` policy applies. The ``new_page`` fixture records console errors, uncaught
exceptions and CSP violations.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.async_api import Dialog, Page, expect

from devmentor.analyzer.reports import render_html
from tests.analyzer.sample_report import (
    RICH,
    SCRIPT,
    SKILL_TITLES,
    hostile_report,
    sample_report,
)
from tests.e2e.conftest import NewPage

pytestmark = pytest.mark.browser

STRICT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
CHARTS = ("chart-languages", "chart-complexity", "chart-security", "chart-hot-spots")
MOBILE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


class ReportServer:
    """Serves the files of one folder with the strict CSP header, and nothing else."""

    def __init__(self, root: Path) -> None:
        files = {f"/{path.name}": path.read_bytes() for path in root.iterdir()}

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = files.get(self.path)
                if body is None:
                    self.send_response(404)
                    self.send_header("Content-Security-Policy", STRICT_CSP)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Security-Policy", STRICT_CSP)
                self.send_header("X-Content-Type-Options", "nosniff")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass  # the test output is not the place for an access log

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, name: str) -> str:
        return f"{self.base_url}/{name}"


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("reports")
    (root / "report.html").write_text(
        render_html(sample_report(), skill_titles=SKILL_TITLES), encoding="utf-8"
    )
    (root / "hostile.html").write_text(render_html(hostile_report()), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def report_server(report_dir: Path) -> Iterator[ReportServer]:
    server = ReportServer(report_dir)
    server.thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()
        server.thread.join(timeout=5)


async def _overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than its viewport (0 when it fits)."""
    overflow: int = await page.evaluate(
        "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - window.innerWidth"
    )
    return overflow


async def _assert_charts_drawn(page: Page) -> None:
    for ident in CHARTS:
        chart = page.locator(f"#{ident}")
        await expect(chart).to_be_visible()
        await expect(chart).to_have_attribute("role", "img")
        box = await chart.bounding_box()
        assert box is not None
        assert box["width"] > 200, (ident, box)
        assert box["height"] > 20, (ident, box)
        viewport = page.viewport_size
        assert viewport is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= viewport["width"] + 0.5, (ident, box)
        # Drawn: the bars are there and have a size.
        bars = chart.locator("rect")
        assert await bars.count() > 0
        first = await bars.first.bounding_box()
        assert first is not None
        assert first["width"] > 0
        assert first["height"] > 0


@pytest.mark.parametrize("viewport", [MOBILE, DESKTOP], ids=["390px", "1280px"])
async def test_report_renders_under_a_strict_csp(
    new_page: NewPage,
    browser_problems: list[str],
    report_server: ReportServer,
    viewport: dict[str, int],
) -> None:
    page = await new_page(viewport=viewport)

    response = await page.goto(report_server.url("report.html"))

    assert response is not None
    assert response.status == 200
    assert response.headers["content-security-policy"] == STRICT_CSP
    await expect(page).to_have_title("DevMentor analysis: acme/shop")
    await expect(page.get_by_role("heading", level=1)).to_have_text("DevMentor analysis: acme/shop")
    await expect(page.get_by_role("img", name="Security findings by severity")).to_be_visible()
    await _assert_charts_drawn(page)
    await expect(page.locator("#security-critical")).to_contain_text("1 finding")
    await expect(
        page.get_by_role("navigation", name="Report sections").get_by_role("link")
    ).to_have_count(10)
    assert await _overflow(page) == 0
    # Wide tables scroll inside their own region instead of widening the page.
    for region in await page.locator(".table-wrap").all():
        box = await region.bounding_box()
        assert box is not None
        assert box["x"] + box["width"] <= viewport["width"] + 0.5
    assert browser_problems == []


@pytest.mark.parametrize("viewport", [MOBILE, DESKTOP], ids=["390px", "1280px"])
async def test_hostile_report_stays_text(
    new_page: NewPage,
    browser_problems: list[str],
    report_server: ReportServer,
    viewport: dict[str, int],
) -> None:
    page = await new_page(viewport=viewport)
    dialogs: list[str] = []

    async def record(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        await dialog.dismiss()

    page.on("dialog", record)

    await page.goto(report_server.url("hostile.html"))

    await expect(page.get_by_role("heading", level=1)).to_contain_text(f"{SCRIPT} {RICH}")
    assert await page.locator("script").count() == 0
    assert await page.locator("b").count() == 0  # a message's "<b>bold</b>" is text
    await expect(page.locator("ol.findings").first).to_contain_text("<b>bold</b>")
    await _assert_charts_drawn(page)
    # A 3,000-character path or message wraps instead of pushing the page sideways.
    assert await _overflow(page) == 0
    assert dialogs == []
    assert browser_problems == []


async def test_report_opened_from_disk(
    new_page: NewPage, browser_problems: list[str], report_dir: Path
) -> None:
    page = await new_page(viewport=MOBILE)

    await page.goto((report_dir / "report.html").as_uri())

    await _assert_charts_drawn(page)
    assert await _overflow(page) == 0
    assert browser_problems == []


async def test_report_prints_without_navigation(
    new_page: NewPage, browser_problems: list[str], report_server: ReportServer
) -> None:
    page = await new_page(viewport=DESKTOP)
    await page.goto(report_server.url("report.html"))

    await page.emulate_media(media="print")

    await expect(page.get_by_role("navigation", name="Report sections")).to_be_hidden()
    await _assert_charts_drawn(page)
    assert await _overflow(page) == 0
    assert browser_problems == []
