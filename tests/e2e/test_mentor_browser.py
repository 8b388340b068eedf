"""Asking the mentor in a real browser against the real server (the offline mentor answers):
the streamed hint and solution, hostile model text, errors, small screens, and the form
without JavaScript."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from playwright.async_api import Page, Route, expect

from tests.e2e.conftest import DESKTOP, NewPage
from tests.e2e.test_auth_browser import _register, _sign_in, _username
from tests.web.dom import Element, parse
from tests.web.test_mentor_page import FIXED_SNIPPET, MARKDOWN_CASES, MUTABLE_DEFAULT, QUESTION

pytestmark = pytest.mark.browser

STREAM = "**/api/mentor/ask/stream"
SMALL = {"width": 360, "height": 740}
ALLOWED_TAGS = ["BR", "CODE", "EM", "H3", "H4", "LI", "OL", "P", "PRE", "STRONG", "UL"]

# Every element inside the answer, and its attributes: what model text could have made.
_ANSWER_ELEMENTS = """() => Array.from(document.querySelectorAll("[data-answer-body] *"), (el) => ({
    tag: el.tagName, attributes: el.getAttributeNames(),
}))"""


def _sse(*events: tuple[str, dict[str, Any]]) -> str:
    return "".join(f"event: {name}\ndata: {json.dumps(data)}\n\n" for name, data in events)


def _only_failed_loads(problems: list[str], *statuses: int) -> list[str]:
    """Problems, less Chrome's log line for each error response a test provoked."""
    left = list(problems)
    for status in statuses:
        match = next((p for p in left if f"status of {status}" in p), None)
        assert match is not None, f"no {status} logged: {problems}"
        left.remove(match)
    return left


async def _signed_in(new_page: NewPage, **options: Any) -> Page:
    page = await new_page(**options)
    username = _username()
    await _register(page, username)
    await _sign_in(page, username)
    await page.goto("/mentor")
    return page


async def _fill(page: Page, question: str = QUESTION, code: str = MUTABLE_DEFAULT) -> None:
    await page.get_by_label("Question", exact=True).fill(question)
    await page.get_by_label("Code (optional)").fill(code)
    await page.get_by_label("Language").select_option("python")


def _refusal(
    status: int, headers: dict[str, str], problem: dict[str, Any]
) -> Callable[[Route], Awaitable[None]]:
    """A route handler answering as the API does before a stream starts: problem+json."""

    async def refuse(route: Route) -> None:
        body = {"type": "about:blank", "title": "Refused", "status": status, **problem}
        await route.fulfill(
            status=status,
            headers={"content-type": "application/problem+json", **headers},
            body=json.dumps(body),
        )

    return refuse


async def _assert_only_safe_elements(page: Page) -> None:
    for element in await page.evaluate(_ANSWER_ELEMENTS):
        assert element["tag"] in ALLOWED_TAGS, element
        allowed = ["start"] if element["tag"] == "OL" else []
        assert element["attributes"] in ([], allowed), element


async def test_a_streamed_hint_then_the_solution(
    new_page: NewPage, browser_problems: list[str]
) -> None:
    page = await _signed_in(new_page)
    nav = page.get_by_role("navigation", name="Main")
    await expect(nav.get_by_role("link", name="Mentor")).to_have_attribute("aria-current", "page")
    answer = page.locator("[data-answer]")
    body = answer.locator("[data-answer-body]")
    meta = answer.locator("[data-answer-meta]")
    await expect(answer.locator("[data-answer-empty]")).to_be_visible()
    await _fill(page)

    async with page.expect_response(lambda r: r.url.endswith("/api/mentor/ask/stream")) as asked:
        await page.get_by_role("button", name="Get a hint").click()
    response = await asked.value
    assert response.headers["content-type"].startswith("text/event-stream")
    request = json.loads(response.request.post_data or "{}")
    assert request == {
        "question": QUESTION,
        "code": MUTABLE_DEFAULT,
        "language": "python",
        "mode": "hint",
    }

    await expect(meta).to_have_text("Answered by offline · offline-mentor-1")
    await expect(page.locator("[data-mentor-status]")).to_have_text("The hint is ready.")
    await expect(answer.locator("[data-answer-mode]")).to_have_text("Hint")
    await expect(body.locator("strong").first).to_have_text("Mutable default arguments.")
    await expect(body.locator("h3")).to_have_text(["In your code", "Next step"])
    await expect(body.locator("pre")).to_have_count(0)
    await expect(body).not_to_contain_text(FIXED_SNIPPET)
    await expect(answer.locator("[data-answer-notice]")).to_be_hidden()
    await expect(answer.locator("[data-answer-empty]")).to_be_hidden()
    await expect(page.get_by_role("button", name="Show the solution")).to_be_enabled()
    await _assert_only_safe_elements(page)

    await page.get_by_role("button", name="Show the solution").click()
    await expect(answer.locator("[data-answer-mode]")).to_have_text("Solution")
    await expect(body.locator("pre code")).to_contain_text(FIXED_SNIPPET)
    await expect(meta).to_have_text("Answered by offline · offline-mentor-1")
    await expect(page.locator("[data-mentor-status]")).to_have_text("The solution is ready.")
    await _assert_only_safe_elements(page)

    assert page.url.endswith("/mentor")  # streamed in place, not posted
    assert await page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
    assert browser_problems == []


async def test_the_solution_first_is_a_hint_with_a_notice(
    new_page: NewPage, browser_problems: list[str]
) -> None:
    page = await _signed_in(new_page)
    await _fill(page, "What is wrong with this function?")
    await page.get_by_role("button", name="Show the solution").click()

    answer = page.locator("[data-answer]")
    await expect(answer.locator("[data-answer-meta]")).to_contain_text("Answered by offline")
    await expect(answer.locator("[data-answer-mode]")).to_have_text("Hint")
    notice = answer.locator("[data-answer-notice]")
    await expect(notice).to_be_visible()
    await expect(notice).to_have_text(re.compile("^Hints come before solutions"))
    await expect(answer.locator("[data-answer-body]")).not_to_contain_text(FIXED_SNIPPET)
    assert browser_problems == []


async def test_buttons_wait_for_the_answer_and_hostile_text_stays_text(
    new_page: NewPage, browser_problems: list[str]
) -> None:
    page = await _signed_in(new_page)
    release = asyncio.Event()
    hostile = '<img src=x onerror="window.pwned=1"> <script>window.pwned=1</script>'

    async def held_stream(route: Route) -> None:
        await release.wait()
        await route.fulfill(
            status=200,
            headers={"content-type": "text/event-stream"},
            body=_sse(
                ("meta", {"mode": "hint", "notice": "<b>Hints</b> come first."}),
                ("delta", {"text": hostile + "\n\n**bold** and `code`\n\n"}),
                ("delta", {"text": "```\n<iframe src=/></iframe>\n```\n"}),
                ("done", {"provider": "<i>p</i>", "model": "m", "cached": True}),
            ),
        )

    await page.route(STREAM, held_stream)
    await _fill(page)
    await page.get_by_role("button", name="Get a hint").click()

    buttons = page.locator("[data-mentor-form] button")
    await expect(buttons.nth(0)).to_be_disabled()
    await expect(buttons.nth(1)).to_be_disabled()
    await expect(page.locator("[data-mentor-form]")).to_have_attribute("aria-busy", "true")
    await expect(page.locator("[data-answer-progress]")).to_be_visible()
    release.set()

    answer = page.locator("[data-answer]")
    await expect(answer.locator("[data-answer-meta]")).to_have_text(
        "Answered by <i>p</i> · m (cached)"
    )
    await expect(buttons.nth(0)).to_be_enabled()
    await expect(buttons.nth(1)).to_be_enabled()
    await expect(page.locator("[data-answer-progress]")).to_be_hidden()
    await expect(answer.locator("[data-answer-notice]")).to_have_text("<b>Hints</b> come first.")
    body = answer.locator("[data-answer-body]")
    await expect(body.locator("p").first).to_have_text(
        '<img src=x onerror="window.pwned=1"> <script>window.pwned=1</script>'
    )
    await expect(body.locator("strong")).to_have_text("bold")
    await expect(body.locator("pre code")).to_have_text("<iframe src=/></iframe>")
    await _assert_only_safe_elements(page)
    assert await page.evaluate("window.pwned") is None
    assert await page.locator("[data-answer] img, [data-answer] b, [data-answer] i").count() == 0

    # The renderer itself, called as the page calls it.
    made = await page.evaluate(
        """() => {
            const box = document.createElement("div");
            box.append(window.DevMentorMarkdown.render("<img src=x onerror=alert(1)> **b**"));
            return {tags: Array.from(box.querySelectorAll("*"), (el) => el.tagName),
                    text: box.textContent};
        }"""
    )
    assert made == {"tags": ["P", "STRONG"], "text": "<img src=x onerror=alert(1)> b"}
    assert browser_problems == []


async def test_a_stream_that_breaks_keeps_the_partial_answer(
    new_page: NewPage, browser_problems: list[str]
) -> None:
    page = await _signed_in(new_page)
    broke_off = "The AI provider's answer broke off after part of it was sent."

    async def broken_stream(route: Route) -> None:
        await route.fulfill(
            status=200,
            headers={"content-type": "text/event-stream"},
            body=_sse(
                ("meta", {"mode": "hint", "notice": None}),
                ("delta", {"text": "A partial **answer**"}),
                ("error", {"title": "Broke off", "status": 502, "detail": broke_off}),
            ),
        )

    await page.route(STREAM, broken_stream)
    await _fill(page)
    await page.get_by_role("button", name="Get a hint").click()

    answer = page.locator("[data-answer]")
    await expect(answer.locator("[data-answer-error]")).to_have_text(broke_off)
    await expect(answer.locator("[data-answer-body]")).to_have_text("A partial answer")
    await expect(answer.locator("[data-answer-meta]")).to_be_hidden()
    # The error comes after the partial answer.
    order = await page.evaluate(
        """() => document.querySelector("[data-answer-body]")
            .compareDocumentPosition(document.querySelector("[data-answer-error] .alert"))"""
    )
    assert order & 4  # DOCUMENT_POSITION_FOLLOWING
    await expect(page.get_by_role("button", name="Get a hint")).to_be_enabled()
    assert browser_problems == []


async def test_problems_are_explained(new_page: NewPage, browser_problems: list[str]) -> None:
    page = await _signed_in(new_page)
    answer = page.locator("[data-answer]")
    error = answer.locator("[data-answer-error]")
    problems: list[tuple[int, dict[str, str], dict[str, Any], str]] = [
        (
            429,
            {"Retry-After": "90"},
            {"detail": "Too many AI requests; try again shortly."},
            "Too many AI requests; try again shortly. Try again in 90 seconds.",
        ),
        (
            503,
            {},
            {"detail": "No AI provider could answer right now."},
            "No AI provider could answer right now.",
        ),
        (
            422,
            {},
            {
                "detail": "The request is invalid (1 problem).",
                "errors": [
                    {
                        "loc": ["body", "question"],
                        "msg": "String should have at most 4000 characters",
                        "type": "string_too_long",
                    }
                ],
            },
            "Check the marked fields and ask again.",
        ),
    ]
    await _fill(page)
    for status, headers, problem, shown in problems:
        await page.route(STREAM, _refusal(status, headers, problem))
        await page.get_by_role("button", name="Get a hint").click()
        await expect(error).to_have_text(shown)
        await expect(page.get_by_role("button", name="Get a hint")).to_be_enabled()
        await page.unroute(STREAM)

    question = page.get_by_label("Question", exact=True)
    await expect(question).to_have_attribute("aria-invalid", "true")
    await expect(page.locator("#question-error")).to_have_text("Use at most 4,000 characters.")
    await expect(question).to_have_attribute("aria-describedby", "question-hint question-error")

    # A blank question is caught before anything is sent.
    await question.fill("   ")
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    await page.get_by_role("button", name="Get a hint").click()
    await expect(page.locator("#question-error")).to_have_text("Enter your question.")
    await expect(question).to_be_focused()
    assert not [url for url in requests if "/api/mentor/" in url]

    assert _only_failed_loads(browser_problems, 429, 503, 422) == []


async def test_the_page_fits_a_small_screen(new_page: NewPage, browser_problems: list[str]) -> None:
    page = await _signed_in(new_page, viewport=SMALL)
    assert await page.evaluate("document.documentElement.scrollWidth") <= SMALL["width"]

    long_line = "    total = " + " + ".join(f"value_{n}" for n in range(40)) + "\n"
    await _fill(page, code=MUTABLE_DEFAULT + long_line)
    await page.get_by_role("button", name="Get a hint").click()
    meta = page.locator("[data-answer-meta]")
    await expect(meta).to_contain_text("Answered by offline")
    await page.get_by_role("button", name="Show the solution").click()
    await expect(page.locator("[data-answer-body] pre")).not_to_have_count(0)
    await expect(meta).to_contain_text("Answered by offline")
    assert await page.evaluate("document.documentElement.scrollWidth") <= SMALL["width"]
    assert browser_problems == []


async def test_the_form_works_without_javascript(new_page: NewPage) -> None:
    page = await _signed_in(new_page, java_script_enabled=False)
    await _fill(page)
    await page.get_by_role("button", name="Show the solution").click()

    await expect(page).to_have_url(re.compile("/mentor$"))
    answer = page.locator("[data-answer]")
    await expect(answer.locator("[data-answer-notice]")).to_have_text(
        re.compile("^Hints come before solutions")
    )
    await expect(answer.locator("[data-answer-meta]")).to_have_text(
        "Answered by offline · offline-mentor-1"
    )
    # The question is still in the form: ask again for the solution.
    await expect(page.get_by_label("Question", exact=True)).to_have_value(QUESTION)
    await page.get_by_role("button", name="Show the solution").click()
    await expect(answer.locator("[data-answer-mode]")).to_have_text("Solution")
    await expect(answer.locator("[data-answer-body] pre code")).to_contain_text(FIXED_SNIPPET)
    await _assert_only_safe_elements(page)


def _tree(element: Element) -> list[Any]:
    """Tags, attributes and text of ``element``'s content, adjacent text merged."""
    out: list[Any] = []
    for node in element.nodes:
        if isinstance(node, str):
            if out and isinstance(out[-1], str):
                out[-1] += node
            else:
                out.append(node)
        else:
            out.append((node.tag, sorted(node.attrs.items()), _tree(node)))
    return out


async def test_the_browser_renders_markdown_as_the_server_does(page: Page) -> None:
    await page.goto("/status")  # any page: mentor.js defines the renderer wherever it loads
    await page.add_script_tag(url="/static/js/mentor.js")
    texts = [text for text, _ in MARKDOWN_CASES]
    rendered: list[str] = await page.evaluate(
        """(texts) => texts.map((text) => {
            const box = document.createElement("div");
            box.append(window.DevMentorMarkdown.render(text));
            return box.innerHTML;
        })""",
        texts,
    )
    for (text, server), browser in zip(MARKDOWN_CASES, rendered, strict=True):
        assert _tree(parse(browser)) == _tree(parse(server)), text


@pytest.mark.parametrize("width", [1024, 1100, 1200, 1280, 1366, 1440])
async def test_the_header_fits_with_a_long_name(new_page: NewPage, width: int) -> None:
    # The header holds the brand, the connection indicator, every navigation link and
    # the account's name (cut at 12rem) at every desktop width.
    page = await new_page(viewport={"width": width, "height": 800})
    username = _username()
    await _register(page, username)
    await _sign_in(page, username)
    await page.goto("/mentor")
    # Both while the connection indicator still says "Connecting" and once it is online.
    assert await page.evaluate("document.documentElement.scrollWidth") <= width
    await expect(page.locator(".connection__label")).to_have_text("Online")
    assert await page.evaluate("document.documentElement.scrollWidth") <= width
