"""The "Ask the mentor" page over ASGI: sign-in, the no-JS form, the guardrail, CSRF,
validation, and model output that must stay text. No AI provider is configured unless a
test says so, so the offline mentor answers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx2
import pytest

from devmentor.ai.pages import wait_text
from devmentor.ai.service import SOLUTION_LOCKED_NOTICE
from devmentor.web.markdown import render_markdown
from tests.conftest import make_settings, running_app
from tests.fakes.llm import FakeOpenAI, Reply
from tests.web.dom import Element
from tests.web.test_auth_pages import AUTH, Site, hidden, location, page_of, signed_in_client

QUESTION = "Why does my list keep growing between calls?"
MUTABLE_DEFAULT = "def add(x, items=[]):\n    items.append(x)\n    return items\n"
#: What the offline mentor's solution for MUTABLE_DEFAULT shows (and a hint never does).
FIXED_SNIPPET = "if items is None:"

#: The Markdown subset, as ai.pages renders it; the browser tests check that mentor.js
#: renders each the same way.
MARKDOWN_CASES: list[tuple[str, str]] = [
    ("plain text", "<p>plain text</p>"),
    ("one\ntwo\n\nthree", "<p>one<br>two</p><p>three</p>"),
    ("### A heading ###\ntext", "<h3>A heading</h3><p>text</p>"),
    ("# One\n## Two\n#### Four", "<h3>One</h3><h3>Two</h3><h4>Four</h4>"),
    ("#hashtag", "<p>#hashtag</p>"),
    (
        "**bold** and _italic_ and *italic*",
        "<p><strong>bold</strong> and <em>italic</em> and <em>italic</em></p>",
    ),
    (
        "***both*** and **a *b* c**",
        "<p><em><strong>both</strong></em> and <strong>a <em>b</em> c</strong></p>",
    ),
    ("a snake_case_name, 2 * 3 * 4", "<p>a snake_case_name, 2 * 3 * 4</p>"),
    (
        "**Bare `except:`** (line 3)\n`x = 1`",
        "<p><strong>Bare <code>except:</code></strong> (line 3)<br><code>x = 1</code></p>",
    ),
    ("`` a ` b `` and `**not bold**`", "<p><code>a ` b</code> and <code>**not bold**</code></p>"),
    ("an `unclosed span", "<p>an `unclosed span</p>"),
    ("\\*not em\\* and \\_not\\_", "<p>*not em* and _not_</p>"),
    ("*(left for you)*", "<p><em>(left for you)</em></p>"),
    (
        "```python\ndef f():\n    return '<b>'\n```\nafter",
        "<pre><code>def f():\n    return &#39;&lt;b&gt;&#39;</code></pre><p>after</p>",
    ),
    ("~~~\n```\nstill code\n~~~", "<pre><code>```\nstill code</code></pre>"),
    ("```\nnever closed", "<pre><code>never closed</code></pre>"),
    (
        "- one\n- two\n\n- three\n\nafter",
        "<ul><li>one</li><li>two</li><li>three</li></ul><p>after</p>",
    ),
    ("3) three\n4) four", '<ol start="3"><li>three</li><li>four</li></ol>'),
    (
        "1. Step:\n   ```sh\n   make test\n   ```\n2. Then\n   - nested *item*\n   - more",
        "<ol><li>Step:<pre><code>make test</code></pre></li>"
        "<li>Then<ul><li>nested <em>item</em></li><li>more</li></ul></li></ol>",
    ),
    ("- item\nlazy line", "<ul><li>item<br>lazy line</li></ul>"),
    (
        "- - - - - deep",
        "<ul><li><ul><li><ul><li><ul><li>- deep</li></ul></li></ul></li></ul></li></ul>",
    ),
    ("text\n- list after text", "<p>text</p><ul><li>list after text</li></ul>"),
    (
        '<script>alert(1)</script> <img src=x onerror="alert(1)"> &amp;',
        "<p>&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=&#34;alert(1)&#34;&gt;"
        " &amp;amp;</p>",
    ),
    ("[a link](javascript:alert(1))", "<p>[a link](javascript:alert(1))</p>"),
    # Where Python's and JavaScript's regular expressions differ by default.
    ("### a\u2028b\n- c\u2029d", "<h3>a\u2028b</h3><ul><li>c\u2029d</li></ul>"),
    ("\u0661. not a list, _\U0001d400_x_", "<p>\u0661. not a list, <em>\U0001d400_x</em></p>"),
]


@asynccontextmanager
async def _site(tmp_path: Path, **settings: Any) -> AsyncIterator[Site]:
    async with running_app(make_settings(tmp_path, auth=AUTH, **settings)) as (app, client):
        yield Site(app, client)


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[Site]:
    async with _site(tmp_path) as value:
        yield value


@pytest.fixture(scope="module")
def fake_openai() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake


async def _csrf(client: httpx2.AsyncClient) -> str:
    return hidden(page_of(await client.get("/signin")), "csrf_token", "/signin")


async def _form(client: httpx2.AsyncClient) -> dict[str, str]:
    """The fields the page's form posts, as a browser would first load it."""
    response = await client.get("/mentor")
    assert response.status_code == 200, response.text
    return {"csrf_token": hidden(page_of(response), "csrf_token", "/mentor")}


async def _ask(
    client: httpx2.AsyncClient,
    question: str = QUESTION,
    code: str = MUTABLE_DEFAULT,
    *,
    mode: str = "hint",
    language: str = "",
) -> httpx2.Response:
    form = await _form(client)
    form |= {"question": question, "code": code, "language": language, "mode": mode}
    return await client.post("/mentor", data=form)


def _answer(document: Element) -> Element:
    return document.find("section", data_answer=True)


def _field_error(document: Element, name: str) -> str:
    field = document.find("div", data_field=name)
    assert "field--invalid" in field.classes
    control = field.find(id=name)
    assert control.get("aria-invalid") == "true"
    assert f"{name}-error" in (control.get("aria-describedby") or "").split()
    return field.find(id=f"{name}-error").text


# -- Who may see it ----------------------------------------------------------------------


async def test_signed_out_visitors_are_sent_to_sign_in(site: Site) -> None:
    response = await site.client.get("/mentor")
    assert response.status_code == 303
    assert location(response) == ("/signin", {"next": ["/mentor"]})

    form = {"question": QUESTION, "csrf_token": await _csrf(site.client)}
    response = await site.client.post("/mentor", data=form)
    assert response.status_code == 303
    assert location(response) == ("/signin", {"next": ["/mentor"]})

    nav = [
        a.get("href") for a in page_of(await site.client.get("/")).by_id("site-nav").find_all("a")
    ]
    assert "/mentor" not in nav


async def test_the_page_renders_for_a_signed_in_user(site: Site) -> None:
    client = await signed_in_client(site)
    response = await client.get("/mentor")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    document = page_of(response)

    assert document.find("h1").text == "Ask the mentor"
    nav = document.by_id("site-nav")
    links = [(a.text, a.get("href")) for a in nav.find_all("a")]
    assert links[:3] == [("Home", "/"), ("Learn", "/learn"), ("Mentor", "/mentor")]
    assert [a.text for a in document.find_all("a", aria_current="page")] == ["Mentor"]

    form = document.find("form", action="/mentor")
    assert form.get("method") == "post"
    assert hidden(form, "csrf_token") == client.cookies.get("dm_csrf")
    question = form.find("textarea", name="question")
    assert question.has("required")
    assert question.get("maxlength") == "4000"
    code = form.find("textarea", name="code")
    assert not code.has("required")
    assert code.get("maxlength") == "20000"
    assert code.get("spellcheck") == "false"
    for control in (question, code, form.find("select", name="language")):
        assert form.find("label", for_=control.get("id") or "")
    options = [(o.get("value"), o.text) for o in form.find_all("option")]
    assert options == [
        ("", "Auto-detect"),
        ("python", "Python"),
        ("javascript", "JavaScript"),
        ("typescript", "TypeScript"),
        ("sql", "SQL"),
        ("go", "Go"),
        ("java", "Java"),
        ("rust", "Rust"),
        ("other", "Other"),
    ]
    buttons = [
        (b.text, b.get("name"), b.get("value"), b.get("type")) for b in form.find_all("button")
    ]
    assert buttons == [
        ("Get a hint", "mode", "hint", "submit"),
        ("Show the solution", "mode", "solution", "submit"),
    ]

    answer = _answer(document)
    assert answer.find(data_answer_body=True).text == ""
    assert answer.find(data_answer_meta=True).has("hidden")
    assert answer.find(data_answer_error=True).get("role") == "alert"
    live = document.find(data_mentor_status=True)
    assert live.get("aria-live") == "polite"
    scripts = [s.get("src") or "" for s in document.find_all("script")]
    assert any(src.startswith("/static/js/mentor.js") for src in scripts)


# -- The form without JavaScript ------------------------------------------------------------


async def test_a_form_post_gets_a_hint_from_the_offline_mentor(site: Site) -> None:
    client = await signed_in_client(site)
    response = await _ask(client, language="python")
    assert response.status_code == 200, response.text
    document = page_of(response)

    answer = _answer(document)
    body = answer.find(data_answer_body=True)
    assert body.find("strong").text == "Mutable default arguments."
    assert "Mutable default argument in add" in body.text
    assert [h.text for h in body.find_all("h3")] == ["In your code", "Next step"]
    assert not body.find_all("pre")  # a hint, not the solution
    assert FIXED_SNIPPET not in body.text
    assert answer.find(data_answer_mode=True).text == "Hint"
    assert answer.find(data_answer_notice=True).has("hidden")
    meta = answer.find(data_answer_meta=True)
    assert not meta.has("hidden")
    assert meta.text == "Answered by offline · offline-mentor-1"
    # The question stays in the form, ready for "Show the solution".
    form = document.find("form", action="/mentor")
    assert form.find("textarea", name="question").text == QUESTION
    assert form.find("textarea", name="code").text == " ".join(MUTABLE_DEFAULT.split())
    assert form.find("option", value="python").has("selected")
    assert "\ndef add(x, items=[]):\n    items.append(x)" in response.text


async def test_the_solution_comes_after_a_hint(site: Site) -> None:
    client = await signed_in_client(site)

    # Asked for first, the solution is a hint, with the reason.
    first = _answer(page_of(await _ask(client, mode="solution")))
    assert first.find(data_answer_mode=True).text == "Hint"
    notice = first.find(data_answer_notice=True)
    assert not notice.has("hidden")
    assert notice.text == SOLUTION_LOCKED_NOTICE
    assert FIXED_SNIPPET not in first.text

    # That hint unlocked it.
    second = _answer(page_of(await _ask(client, mode="solution")))
    assert second.find(data_answer_mode=True).text == "Solution"
    assert second.find(data_answer_notice=True).has("hidden")
    code = second.find(data_answer_body=True).find("pre").find("code")
    assert FIXED_SNIPPET in code.text

    # A new question starts with a hint again.
    other = _answer(page_of(await _ask(client, "What is wrong here?", mode="solution")))
    assert other.find(data_answer_mode=True).text == "Hint"
    assert other.find(data_answer_notice=True).text == SOLUTION_LOCKED_NOTICE


async def test_hint_then_solution_with_windows_line_breaks(site: Site) -> None:
    # Browsers post CRLF; the solution must unlock however the code's lines end.
    client = await signed_in_client(site)
    assert (await _ask(client, code=MUTABLE_DEFAULT.replace("\n", "\r\n"))).status_code == 200
    solution = _answer(page_of(await _ask(client, mode="solution")))
    assert solution.find(data_answer_mode=True).text == "Solution"


async def test_a_post_without_the_csrf_token_is_refused(site: Site) -> None:
    client = await signed_in_client(site)
    await _form(client)
    for token in (None, "not-the-token"):
        form = {"question": QUESTION, "code": MUTABLE_DEFAULT, "mode": "hint"}
        if token is not None:
            form["csrf_token"] = token
        response = await client.post("/mentor", data=form)
        assert response.status_code == 403
        document = page_of(response)
        answer = _answer(document)
        assert "This form had expired" in answer.find(data_answer_error=True).text
        assert answer.find(data_answer_body=True).text == ""
        # Nothing typed is lost, and the page carries a token that works.
        assert document.find("textarea", name="question").text == QUESTION
        assert hidden(document, "csrf_token", "/mentor") == client.cookies.get("dm_csrf")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"question": "   "}, "question", "Enter your question."),
        ({"question": " \r\n\t\r\n "}, "question", "Enter your question."),
        ({"question": "x" * 4001}, "question", "Use at most 4,000 characters (this has 4,001)."),
        ({"code": "x" * 20_001}, "code", "Use at most 20,000 characters (this has 20,001)."),
        ({"code": "print(1)\x00"}, "code", "The code contains NUL characters; paste it as text."),
        ({"language": "cobol"}, "language", "Choose a language from the list."),
    ],
)
async def test_validation_errors_keep_the_input(
    site: Site, changes: dict[str, str], field: str, message: str
) -> None:
    client = await signed_in_client(site)
    form = await _form(client)
    form |= {"question": QUESTION, "code": MUTABLE_DEFAULT, "language": "python", "mode": "hint"}
    form |= changes
    response = await client.post("/mentor", data=form)
    assert response.status_code == 422
    document = page_of(response)

    assert _field_error(document, field) == message
    assert document.find("textarea", name="question").text == (" ".join(form["question"].split()))
    if field != "code":
        assert document.find("textarea", name="code").text == " ".join(MUTABLE_DEFAULT.split())
    if field != "language":
        assert document.find("option", value="python").has("selected")
    assert _answer(document).find(data_answer_body=True).text == ""


async def test_a_form_with_an_unknown_mode_is_not_answered(site: Site) -> None:
    client = await signed_in_client(site)
    response = await _ask(client, mode="everything")
    assert response.status_code == 422
    answer = _answer(page_of(response))
    assert "Get a hint" in answer.find(data_answer_error=True).text
    assert answer.find(data_answer_body=True).text == ""


async def test_line_breaks_count_once_against_the_limits(site: Site) -> None:
    client = await signed_in_client(site)
    code = "x = 1\r\n" * 3_300  # 23,100 characters as posted, 19,800 as typed
    response = await _ask(client, code=code)
    assert response.status_code == 200, _answer(page_of(response)).text


FORM = "application/x-www-form-urlencoded"


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b'{"question": "hi", "mode": "hint", "csrf_token": "TOKEN"}', "application/json"),
        (b"csrf_token=TOKEN&question=%FF%FE%00&code=%C3%28&mode=hint", FORM),
        (b"csrf_token=TOKEN&question=%ED%A0%80&mode=hint", FORM),
        (b"csrf_token=TOKEN&question=a&question=b&mode=hint&mode=solution", FORM),
        (b"csrf_token=TOKEN&question=hi&language=" + b"x" * 5_000 + b"&mode=hint", FORM),
        (b"csrf_token=TOKEN&\xff\xfe\x00garbage", FORM),
        (b"--x\r\nbroken multipart", "multipart/form-data; boundary=x"),
        (b"", "text/plain"),
    ],
)
async def test_bad_input_never_fails_the_server(
    site: Site, content: bytes, content_type: str
) -> None:
    client = await signed_in_client(site)
    token = (await _form(client))["csrf_token"]
    response = await client.post(
        "/mentor",
        content=content.replace(b"TOKEN", token.encode()),
        headers={"content-type": content_type},
    )
    assert response.status_code < 500, response.text
    if response.headers["content-type"].startswith("text/html"):
        page_of(response)


async def test_the_ai_rate_limit_says_when_to_ask_again(tmp_path: Path) -> None:
    async with _site(tmp_path, ai={"user_rate_limit": "1/minute"}) as site:
        client = await signed_in_client(site)
        assert (await _ask(client)).status_code == 200
        response = await _ask(client)
        assert response.status_code == 429
        wait = int(response.headers["retry-after"])
        assert 0 < wait <= 60
        error = _answer(page_of(response)).find(data_answer_error=True).text
        assert error.startswith("Too many AI requests")
        assert error.endswith(f"Try again in {wait_text(wait)}.")


# -- Model output stays text ---------------------------------------------------------------


async def test_html_in_a_model_answer_is_escaped(tmp_path: Path, fake_openai: FakeOpenAI) -> None:
    fake_openai.reset()
    ai = {"openai_api_key": fake_openai.api_key, "openai_base_url": fake_openai.base_url}
    hostile = "<script>alert(1)</script> **bold** <img src=x onerror=alert(1)>"
    async with _site(tmp_path, ai=ai) as site:
        client = await signed_in_client(site)
        fake_openai.script(Reply(hostile))
        response = await _ask(client)
        assert response.status_code == 200
        document = page_of(response)  # page_of: no inline script made it into the page

        body = _answer(document).find(data_answer_body=True)
        assert [element.tag for element in body.iter()] == ["div", "p", "strong"]
        assert body.text == "<script>alert(1)</script> bold <img src=x onerror=alert(1)>"
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
        assert "<img src=x" not in response.text
        meta = _answer(document).find(data_answer_meta=True)
        assert meta.text == "Answered by openai · gpt-4o-mini"
        assert fake_openai.calls == 1


# -- The renderer and the words -------------------------------------------------------------


@pytest.mark.parametrize(("text", "html"), MARKDOWN_CASES)
def test_markdown_renders_the_safe_subset(text: str, html: str) -> None:
    assert str(render_markdown(text)) == html


def test_markdown_is_linear_on_hostile_input() -> None:
    # Runs of delimiters that never close are where a naive parser goes quadratic.
    for text in (
        "*a " * 20_000,
        "_" * 50_000,
        "`a" * 20_000,
        "- " * 5_000 + "x",
        "**a _b " * 10_000,
    ):
        assert str(render_markdown(text)).startswith(("<p>", "<ul>"))


def test_markdown_replaces_half_surrogates() -> None:
    assert str(render_markdown("a\ud800b")) == "<p>a\ufffdb</p>"


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (0, "1 second"),
        (1, "1 second"),
        (45, "45 seconds"),
        (119, "119 seconds"),
        (120, "2 minutes"),
        (121, "3 minutes"),
        (7_200, "2 hours"),
        (86_399, "24 hours"),
        (3 * 86_400, "3 days"),
    ],
)
def test_wait_text(seconds: int, words: str) -> None:
    assert wait_text(seconds) == words
