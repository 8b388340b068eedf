"""The server-rendered pages over ASGI: layout, navigation, assets and the CSP rules."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx2
import pytest

from devmentor import __version__
from devmentor.web.templating import TEMPLATES_DIR
from tests.conftest import make_settings, running_app
from tests.web.dom import Element, csp_violations, parse

# Every HTML page and the nav key it marks as current (None: not in the main nav).
PAGES = {"/": "home", "/status": "status", "/api-docs": None}
NAV = [("Home", "/"), ("System status", "/status"), ("API docs", "/api-docs")]

CONTENT_TYPES = {
    ".css": ("text/css",),
    ".js": ("text/javascript", "application/javascript"),
    ".svg": ("image/svg+xml",),
}


@pytest.fixture
async def web(tmp_path: Path) -> AsyncIterator[httpx2.AsyncClient]:
    async with running_app(make_settings(tmp_path)) as (_, client):
        yield client


async def _page(client: httpx2.AsyncClient, path: str) -> Element:
    response = await client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    return parse(response.text)


def _main_nav(document: Element) -> Element:
    nav = document.by_id("site-nav")
    assert nav.tag == "nav"
    assert nav.get("aria-label") == "Main"
    return nav


# -- Layout -----------------------------------------------------------------


@pytest.mark.parametrize(("path", "current"), [("/", "Home"), ("/status", "System status")])
async def test_layout_has_landmarks_nav_and_current_page(
    web: httpx2.AsyncClient, path: str, current: str
) -> None:
    document = await _page(web, path)

    assert document.find("html").get("lang") == "en"
    assert document.find("meta", name="viewport")
    skip = document.find("a", class_="skip-link")
    assert skip.get("href") == "#main"
    main = document.by_id("main")
    assert main.tag == "main"
    assert document.find_all("header", class_="site-header")
    assert document.find_all("footer", class_="site-footer")
    assert len(document.find_all("h1")) == 1

    links = _main_nav(document).find_all("a")
    assert [(link.text, link.get("href")) for link in links] == NAV
    marked = [link.text for link in document.find_all("a", aria_current="page")]
    assert marked == [current]


@pytest.mark.parametrize("path", ["/", "/status"])
async def test_connection_indicator_and_nav_toggle_are_in_the_header(
    web: httpx2.AsyncClient, path: str
) -> None:
    document = await _page(web, path)

    status = document.by_id("connection-status")
    assert status.get("role") == "status"
    assert status.get("aria-live") == "polite"
    assert status.get("data-state") == "connecting"
    assert status.find(class_="connection__dot").get("aria-hidden") == "true"
    assert status.find(class_="connection__label").text == "Connecting…"

    toggle = document.find("button", class_="nav-toggle")
    assert toggle.get("aria-expanded") == "false"
    assert toggle.get("aria-controls") == "site-nav"
    assert toggle.text == "Menu"  # its accessible name, visually hidden next to the icon


async def test_footer_shows_the_version_and_links(web: httpx2.AsyncClient) -> None:
    document = await _page(web, "/")
    footer = document.find("footer")

    assert f"v{__version__}" in footer.text
    hrefs = {link.get("href") for link in footer.find_all("a")}
    assert {"/status", "/api-docs", "/openapi.json", "/healthz", "/metrics"} <= hrefs


async def test_api_docs_links_disappear_when_the_docs_are_off(tmp_path: Path) -> None:
    async with running_app(make_settings(tmp_path, public_api_docs=False)) as (_, client):
        document = await _page(client, "/")
        nav = [link.get("href") for link in _main_nav(document).find_all("a")]
        assert nav == ["/", "/status"]
        all_links = {link.get("href") for link in document.find_all("a")}
        assert "/api-docs" not in all_links
        assert "/openapi.json" not in all_links
        assert (await client.get("/api-docs")).status_code == 404


# -- Pages -------------------------------------------------------------------


async def test_home_page_explains_devmentor_and_getting_started(web: httpx2.AsyncClient) -> None:
    document = await _page(web, "/")

    assert "DevMentor" in document.find("title").text
    assert document.find("h1").text == "Learn from the code you already write."
    cards = document.find_all("li", class_="card")
    titles = [card.find("h3").text for card in cards]
    assert titles == [
        "Repository analysis",
        "A personal learning path",
        "Adaptive learning sessions",
        "Ask the mentor",
        "Real-time progress",
        "Your own account",
    ]
    # Nothing that is still being built is presented as working; what works says so.
    statuses = {card.find("h3").text: card.find(class_="pill").text for card in cards}
    assert statuses.pop("Your own account") == "Available"
    assert statuses.pop("Ask the mentor") == "Available"
    assert statuses.pop("Adaptive learning sessions") == "Available"
    assert set(statuses.values()) == {"Coming soon"}
    mentor = next(card for card in cards if card.find("h3").text == "Ask the mentor")
    assert mentor.find("a").get("href") == "/mentor"

    start = document.by_id("getting-started")
    assert "make run" in [code.text for code in start.find_all("code")]
    start_links = {link.get("href") for link in start.find_all("a")}
    assert {"/api-docs", "/status"} <= start_links


async def test_status_page_has_the_readiness_widgets(web: httpx2.AsyncClient) -> None:
    document = await _page(web, "/status")

    assert document.find("h1").text == "System status"
    panel = document.find("section", data_readiness=True)
    assert panel.get("data-refresh-seconds") == "10"
    assert __version__ in panel.text
    live = panel.find(role="status")
    assert live.get("aria-live") == "polite"
    assert panel.find("button", data_refresh=True).text == "Refresh now"
    checks = document.find("ul", data_checks=True)
    assert checks.get("aria-busy") == "true"
    row = document.find("template", data_check_template=True)
    fields = {element.get("data-field") for element in row.iter() if element.has("data-field")}
    assert fields == {"name", "error", "state", "latency"}
    scripts = [script.get("src") for script in document.find_all("script")]
    assert f"/static/js/status.js?v={__version__}" in scripts


async def test_unknown_page_is_404(web: httpx2.AsyncClient) -> None:
    assert (await web.get("/no-such-page")).status_code == 404


# -- Static assets ------------------------------------------------------------


@pytest.mark.parametrize("path", list(PAGES))
async def test_page_assets_are_served_with_a_version_and_the_right_type(
    web: httpx2.AsyncClient, path: str
) -> None:
    document = await _page(web, path)
    urls = [
        element.get("src") or element.get("href") or ""
        for element in document.iter()
        if element.tag in ("script", "link", "img")
    ]
    own = [url for url in urls if url.startswith("/static/")]
    assert own, f"{path} references no static files"
    for url in own:
        assert url.endswith(f"?v={__version__}"), f"{url} is not cache-busted"
        response = await web.get(url)
        assert response.status_code == 200, url
        suffix = Path(url.split("?", 1)[0]).suffix
        content_type = response.headers["content-type"].split(";")[0]
        assert content_type in CONTENT_TYPES[suffix], (url, content_type)


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/static/css/app.css", "text/css"),
        ("/static/css/api-docs.css", "text/css"),
        ("/static/js/app.js", "javascript"),
        ("/static/js/status.js", "javascript"),
        ("/static/js/swagger-init.js", "javascript"),
        ("/static/img/logo.svg", "image/svg+xml"),
    ],
)
async def test_static_files_are_served(
    web: httpx2.AsyncClient, path: str, content_type: str
) -> None:
    response = await web.get(path)
    assert response.status_code == 200
    assert content_type in response.headers["content-type"]
    assert response.content


async def test_favicon_is_linked(web: httpx2.AsyncClient) -> None:
    document = await _page(web, "/")
    icon = document.find("link", rel="icon")
    assert icon.get("type") == "image/svg+xml"
    assert icon.get("href") == f"/static/img/logo.svg?v={__version__}"
    svg = parse((await web.get("/static/img/logo.svg")).text).find("svg")
    assert svg.get("viewbox") == "0 0 32 32"  # the parser lower-cases attribute names


# -- Content-Security-Policy rules ---------------------------------------------


@pytest.mark.parametrize("path", list(PAGES))
async def test_pages_need_nothing_the_csp_forbids(web: httpx2.AsyncClient, path: str) -> None:
    document = await _page(web, path)
    assert csp_violations(document) == []


@pytest.mark.parametrize(
    ("snippet", "problem"),
    [
        ("<script>alert(1)</script>", "inline script"),
        ('<script src="/static/js/app.js">alert(1)</script>', "script with a src and a body"),
        ("<style>p { color: red }</style>", "<style> element"),
        ('<p style="color: red">x</p>', "style attribute"),
        ('<button onclick="go()">x</button>', "event handler attribute onclick"),
        ('<a href="javascript:go()">x</a>', "javascript: URL"),
        ('<script src="https://cdn.example/x.js"></script>', "resource from another origin"),
        ('<link rel="stylesheet" href="//cdn.example/x.css">', "resource from another origin"),
    ],
)
def test_the_csp_check_catches_what_it_should(snippet: str, problem: str) -> None:
    clean = '<html><head><script src="/static/js/app.js"></script></head><body>{}</body></html>'
    assert csp_violations(parse(clean.format(""))) == []
    found = csp_violations(parse(clean.format(snippet)))
    assert len(found) == 1
    assert found[0].startswith(problem), found


# Source-level net for templates no page test renders yet (partials, future pages).
_FORBIDDEN_IN_TEMPLATES = {
    "inline <script> body": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "<style> element": re.compile(r"<style[\s>]", re.IGNORECASE),
    "style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "event handler attribute": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE),
}


_JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.DOTALL)


def _blank_keeping_lines(match: re.Match[str]) -> str:
    return "\n" * match.group(0).count("\n")


def _template_files() -> list[Path]:
    return sorted(TEMPLATES_DIR.rglob("*.html"))


def test_templates_are_found() -> None:
    names = {path.relative_to(TEMPLATES_DIR).as_posix() for path in _template_files()}
    assert {"base.html", "home.html", "status.html", "swagger.html"} <= names


@pytest.mark.parametrize(
    "template", _template_files(), ids=lambda p: p.relative_to(TEMPLATES_DIR).as_posix()
)
def test_template_sources_have_no_inline_script_or_style(template: Path) -> None:
    # Jinja comments are never rendered, so they may mention what they forbid.
    source = _JINJA_COMMENT.sub(_blank_keeping_lines, template.read_text(encoding="utf-8"))
    found = [
        f"{what} on line {source.count(chr(10), 0, match.start()) + 1}: {match.group(0)!r}"
        for what, pattern in _FORBIDDEN_IN_TEMPLATES.items()
        for match in pattern.finditer(source)
    ]
    assert found == []
