"""Browser tests: the real ``devmentor serve`` process, driven through Debian's Chromium.

Fixtures (one server and one browser per session, a fresh browser context per page):

- ``live_server``: a :class:`LiveServer` on a free port, embedded mode, in a temporary
  data dir, with no ``DEVMENTOR_*`` variable inherited from the environment. GitHub
  sign-in points at ``fake_github``; password hashing is cheap.
- ``fake_github``: a :class:`~tests.fakes.github.FakeGitHub` started before the server,
  where ``octocat`` is signed in and is asked to authorize (``auto_approve`` off).
- ``browser``: Chromium at ``/usr/bin/chromium`` through Playwright's async API. Missing,
  the tests skip, or fail when ``DEVMENTOR_TEST_REQUIRE_SERVICES=1``. The project never
  downloads a browser: never run ``playwright install``.
- ``new_page(**context_options)``: opens a page on the live server (``page.goto("/")``
  works) and records its console errors, uncaught exceptions and CSP violations in
  ``browser_problems``.
- ``page``: ``new_page()`` at a desktop viewport.

Tests here are ``async def`` and all run in the session's event loop, which the browser
belongs to; ``pytest_collection_modifyitems`` below marks them so. (Playwright's sync API
would leave its own loop marked as running between calls and break every asyncio test
that runs after it in the same process.)
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import httpx2
import pytest
import pytest_asyncio

from tests.fakes.github import FakeGitHub, GitHubUser

if TYPE_CHECKING:  # imported when a browser test runs, so a missing package can skip
    from playwright.async_api import Browser, BrowserContext, ConsoleMessage, Page

E2E_DIR = Path(__file__).parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SERVER_START_TIMEOUT = 30.0
DESKTOP = {"width": 1280, "height": 800}
OCTOCAT = GitHubUser(login="octocat", id=583231, name="The Octocat")

# Reports CSP violations from inside the page, in case the browser does not log one.
_CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile}:${event.lineNumber}`);
});
"""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    session_loop = pytest.mark.asyncio(loop_scope="session")
    for item in items:
        if E2E_DIR in Path(str(item.path)).parents and pytest_asyncio.is_async_test(item):
            item.add_marker(session_loop, append=False)


def _unavailable(reason: str) -> NoReturn:
    if os.environ.get("DEVMENTOR_TEST_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{reason} (required in this run: DEVMENTOR_TEST_REQUIRE_SERVICES=1)")
    pytest.skip(reason)


# -- The server ----------------------------------------------------------------


@dataclass(frozen=True)
class LiveServer:
    base_url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def url(self, path: str) -> str:
        return self.base_url + path

    def output(self) -> str:
        """What the server wrote to stderr so far (its logs, or a traceback)."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _server_env(data_dir: Path, github: FakeGitHub) -> dict[str, str]:
    # Nothing DEVMENTOR_* from the caller: no Redis, no PostgreSQL, no stray settings.
    env = {key: value for key, value in os.environ.items() if not key.startswith("DEVMENTOR_")}
    env.update(
        DEVMENTOR_DATA_DIR=str(data_dir),
        DEVMENTOR_ENV="development",
        DEVMENTOR_LOG_JSON="false",
        DEVMENTOR_LOG_LEVEL="warning",
        DEVMENTOR_AUTH__GITHUB_CLIENT_ID=github.client_id,
        DEVMENTOR_AUTH__GITHUB_CLIENT_SECRET=github.client_secret,
        DEVMENTOR_AUTH__GITHUB_BASE_URL=github.base_url,
        DEVMENTOR_AUTH__GITHUB_API_URL=github.api_url,
        # Sign-ins in these tests are about pages, not argon2's cost.
        DEVMENTOR_AUTH__ARGON2_MEMORY_KIB="1024",
        DEVMENTOR_AUTH__ARGON2_TIME_COST="1",
        DEVMENTOR_AUTH__ARGON2_PARALLELISM="1",
        PYTHONUNBUFFERED="1",
    )
    return env


def _wait_until_healthy(server: LiveServer) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    last_error = "no answer yet"
    with httpx2.Client(timeout=2.0) as client:
        while time.monotonic() < deadline:
            code = server.process.poll()
            if code is not None:
                pytest.fail(
                    f"devmentor serve exited with code {code} before answering /healthz.\n"
                    f"--- server stderr ---\n{server.output()}"
                )
            try:
                response = client.get(server.url("/healthz"))
            except httpx2.TransportError as exc:
                last_error = repr(exc)
            else:
                if response.status_code == 200:
                    return
                last_error = f"HTTP {response.status_code}: {response.text[:200]}"
            time.sleep(0.1)
    pytest.fail(
        f"devmentor serve did not answer /healthz within {SERVER_START_TIMEOUT:g}s "
        f"({last_error}).\n--- server stderr ---\n{server.output()}"
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
    process.wait()


@pytest.fixture(scope="session")
def fake_github() -> Iterator[FakeGitHub]:
    """GitHub for the live server; tests that change its behaviour put it back."""
    with FakeGitHub() as github:
        github.add_user(OCTOCAT)
        github.signed_in_as = OCTOCAT.login
        github.auto_approve = False
        yield github


@pytest.fixture(scope="session")
def live_server(
    tmp_path_factory: pytest.TempPathFactory, fake_github: FakeGitHub
) -> Iterator[LiveServer]:
    """``devmentor serve`` as a user runs it, on a free port of 127.0.0.1."""
    root = tmp_path_factory.mktemp("live-server")
    data_dir = root / "data"
    data_dir.mkdir()
    log_path = root / "server.stderr"
    port = _free_port()
    command = [sys.executable, "-m", "devmentor", "serve", "--host", "127.0.0.1"]
    command += ["--port", str(port)]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=root,  # no .env of the developer's checkout is read
            env=_server_env(data_dir, fake_github),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = LiveServer(f"http://127.0.0.1:{port}", process, log_path)
    try:
        _wait_until_healthy(server)
        yield server
    finally:
        _stop(process)


# -- The browser -----------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    """Debian's Chromium; the project never downloads a browser of its own."""
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} not found (apt-get install chromium)")
    return CHROMIUM


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser(chromium_path: Path) -> AsyncIterator[Browser]:
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[dev]')")
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=str(chromium_path), args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            await chromium.close()


@pytest.fixture
def browser_problems() -> list[str]:
    """Console errors, uncaught page errors and CSP violations of this test's pages."""
    return []


NewPage = Callable[..., Awaitable["Page"]]


@pytest_asyncio.fixture(loop_scope="session")
async def new_page(
    browser: Browser, live_server: LiveServer, browser_problems: list[str]
) -> AsyncIterator[NewPage]:
    """Open pages on the live server in fresh contexts (options as ``new_context``)."""
    contexts: list[BrowserContext] = []

    async def open_page(**options: Any) -> Page:
        options.setdefault("viewport", DESKTOP)
        context = await browser.new_context(base_url=live_server.base_url, **options)
        contexts.append(context)
        await context.add_init_script(script=_CSP_LISTENER)
        page = await context.new_page()

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                browser_problems.append(f"console.error: {message.text} ({message.location})")

        def on_page_error(error: Exception) -> None:
            browser_problems.append(f"uncaught: {error}")

        page.on("console", on_console)
        page.on("pageerror", on_page_error)
        return page

    try:
        yield open_page
    finally:
        for context in contexts:
            await context.close()


@pytest_asyncio.fixture(loop_scope="session")
async def page(new_page: NewPage) -> Page:
    return await new_page()
