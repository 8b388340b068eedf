"""The learning pages over ASGI: the skill map, a session, progress, their no-JS forms and
the highlighted code's stylesheet. The offline mentor serves lessons and questions."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx2
import pytest

from devmentor.curriculum.catalog import default_catalog
from devmentor.curriculum.model import (
    BLANK,
    Bloom,
    Exercise,
    FillIn,
    MultipleChoice,
    Ordering,
    Question,
    ShortAnswer,
    SpotTheBug,
)
from devmentor.kit.errors import NotFound
from devmentor.learning import pages, schemas, views
from devmentor.learning.deps import get_learning_service
from devmentor.web.highlight import stylesheet
from tests.conftest import make_settings, running_app
from tests.learning.conftest import bank_question, right_answer, wrong_answer
from tests.web.dom import Element, parse
from tests.web.test_auth_pages import (
    AUTH,
    Site,
    create_user,
    hidden,
    location,
    page_of,
    sign_in,
    signed_in_client,
)

CATALOG = default_catalog()
ROOT = "python.functions-and-scope"
#: A skill that needs ROOT first.
LOCKED = "python.mutable-default-arguments"
ROOT_TITLE = CATALOG.skills[ROOT].title
QUESTION_TYPES = (
    "multiple_choice",
    "ordering",
    "spot_the_bug",
    "fill_in",
    "exercise",
    "short_answer",
)


@asynccontextmanager
async def _site(tmp_path: Path, **settings: Any) -> AsyncIterator[Site]:
    async with running_app(make_settings(tmp_path, auth=AUTH, **settings)) as (app, client):
        yield Site(app, client)


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[Site]:
    async with _site(tmp_path) as value:
        yield value


def _csrf(client: httpx2.AsyncClient) -> dict[str, str]:
    """The header a page script sends with the API call (double-submit cookie)."""
    token = client.cookies.get("dm_csrf")
    assert token
    return {"X-CSRF-Token": token}


async def _start(client: httpx2.AsyncClient, skill_id: str = ROOT) -> dict[str, Any]:
    response = await client.post(
        "/api/learning/sessions",
        json={"kind": "learn", "skill_id": skill_id},
        headers=_csrf(client),
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def _answer(
    client: httpx2.AsyncClient, session_id: str, step: dict[str, Any], *, right: bool
) -> dict[str, Any]:
    question = bank_question(step["skill"]["id"], step["question"]["id"])
    response = await client.post(
        f"/api/learning/sessions/{session_id}/responses",
        json={
            "question_id": question.id,
            "answer": right_answer(question) if right else wrong_answer(question),
        },
        headers=_csrf(client),
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    assert result["correct"] is right
    return result


async def _page(client: httpx2.AsyncClient, path: str, status: int = 200) -> Element:
    response = await client.get(path)
    assert response.status_code == status, response.text
    return page_of(response)  # also: nothing the CSP would block


def _meter_value(element: Element) -> int:
    bar = element.find(role="meter")
    value = bar.get("aria-valuenow")
    assert value is not None
    assert bar.get("aria-valuemin") == "0"
    assert bar.get("aria-valuemax") == "100"
    return int(value)


# -- Who may see them ----------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/learn", "/progress", f"/learn/sessions/{uuid.uuid4()}"])
async def test_signed_out_visitors_are_sent_to_sign_in(site: Site, path: str) -> None:
    response = await site.client.get(path)
    assert response.status_code == 303
    assert location(response) == ("/signin", {"next": [path]})


async def test_signed_out_forms_go_to_sign_in_and_the_nav_has_no_learn(site: Site) -> None:
    response = await site.client.post("/learn/start", data={"skill_id": ROOT})
    assert response.status_code == 303
    assert location(response) == ("/signin", {"next": ["/learn"]})
    nav = [a.get("href") for a in (await _page(site.client, "/")).by_id("site-nav").find_all("a")]
    assert "/learn" not in nav


# -- The skill map -------------------------------------------------------------------------


async def test_the_skill_map_of_a_new_learner(site: Site) -> None:
    client = await signed_in_client(site)
    response = await client.get("/learn")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    document = page_of(response)

    assert document.find("h1").text == "Your skill map"
    nav = [(a.text, a.get("href")) for a in document.by_id("site-nav").find_all("a")]
    assert nav[:3] == [("Home", "/"), ("Learn", "/learn"), ("Mentor", "/mentor")]
    assert [a.text for a in document.find_all("a", aria_current="page")] == ["Learn"]

    cards = {
        card.get("data-skill") or "": card for card in document.find_all("li", class_="skill-card")
    }
    assert set(cards) == set(CATALOG.skills)
    for skill_id, card in cards.items():
        skill = CATALOG.skill(skill_id)
        assert skill is not None
        assert card.find("h3").text == skill.title
        state = card.find("span", class_="lstate")
        assert _meter_value(card) == 0
        if skill.prerequisites:
            assert card.get("data-state") == "locked"
            assert state.text == "Locked"  # the words, not only a colour
            assert card.find_all("svg", class_="icon")  # and an icon
            missing = card.find("p", class_="skill-card__missing").text
            for prerequisite in skill.prerequisites:
                needed = CATALOG.skill(prerequisite)
                assert needed is not None
                assert needed.title in missing
            assert not card.find_all("form")
        else:
            assert card.get("data-state") == "available"
            assert state.text == "Available"
            form = card.find("form", action="/learn/start")
            assert form.get("method") == "post"
            assert form.has("data-learn-start")
            assert hidden(form, "skill_id") == skill_id
            assert hidden(form, "kind") == "learn"
            assert hidden(form, "csrf_token") == client.cookies.get("dm_csrf")
            # Every Start button names its skill for screen readers.
            button = form.find("button")
            assert button.text == "Start"
            assert button.get("aria-label") == f"Start: {skill.title}"

    # Areas in the curriculum's order; inside one, prerequisites before what needs them.
    areas = [
        section.find("h2").text.split(" ")[0]
        for section in document.find_all("section", class_="learn-area")
    ]
    assert areas[0] == "Python"
    python = [
        card.get("data-skill")
        for card in document.find("section", aria_labelledby="area-python").find_all(
            "li", class_="skill-card"
        )
    ]
    assert python.index(ROOT) < python.index(LOCKED)

    banner = document.find("section", data_next=True)
    assert "What next" in banner.find("h2").text
    assert banner.find("form", action="/learn/start")
    assert any(
        (script.get("src") or "").startswith("/static/js/learning.js")
        for script in document.find_all("script")
    )


async def test_starting_without_javascript(site: Site) -> None:
    client = await signed_in_client(site)
    token = hidden(await _page(client, "/learn"), "csrf_token", "/learn/start")

    response = await client.post("/learn/start", data={"skill_id": ROOT, "csrf_token": token})
    assert response.status_code == 303
    path, _ = location(response)
    assert re.fullmatch(r"/learn/sessions/[0-9a-f-]{36}", path)
    # Starting the same skill again resumes its session.
    again = await client.post("/learn/start", data={"skill_id": ROOT, "csrf_token": token})
    assert location(again)[0] == path
    # Now the card says so, and links straight to it.
    card = (await _page(client, "/learn")).find("li", data_skill=ROOT)
    assert card.get("data-state") == "in_progress"
    assert card.find("span", class_="lstate").text == "In progress"
    resume = card.find("a", href=path)
    assert resume.text == "Resume"
    assert resume.get("aria-label") == f"Resume: {ROOT_TITLE}"

    locked = await client.post("/learn/start", data={"skill_id": LOCKED, "csrf_token": token})
    assert location(locked) == ("/learn", {"error": ["skill_locked"]})
    alert = (await _page(client, "/learn?error=skill_locked")).find("p", role="alert")
    assert "locked" in alert.text

    forged = await client.post("/learn/start", data={"skill_id": ROOT, "csrf_token": "nope"})
    assert location(forged) == ("/learn", {"error": ["csrf_failed"]})
    unknown = await client.post("/learn/start", data={"skill_id": "no.such", "csrf_token": token})
    assert location(unknown) == ("/learn", {"error": ["unknown_skill"]})
    review = await client.post("/learn/start", data={"kind": "review", "csrf_token": token})
    assert location(review) == ("/learn", {"error": ["nothing_to_review"]})


# -- A session -----------------------------------------------------------------------------


def _question_of(question_type: str) -> tuple[str, Question]:
    """A bank question of this type (the first in prerequisite order)."""
    for skill_id in CATALOG.order():
        skill = CATALOG.skill(skill_id)
        assert skill is not None
        for question in skill.questions:
            if question.type == question_type:
                return skill_id, question
    raise AssertionError(question_type)


def _session_with(skill_id: str, question: Question) -> schemas.SessionOut:
    """A session whose current step is ``question``, shaped as the service shapes it."""
    skill = CATALOG.skill(skill_id)
    assert skill is not None
    ref = schemas.SkillRef(id=skill.id, title=skill.title, area=skill.area)
    now = dt.datetime.now(dt.UTC)
    step = schemas.StepOut(
        id=uuid.uuid4(),
        position=1,
        skill=ref,
        bloom=question.bloom,
        source="bank",
        lesson=schemas.LessonOut(
            markdown="Intro", html="<p>The intro lesson.</p>", provider="offline", reason="intro"
        ),
        question=views.question_out(question, seed="page-test"),
        response=None,
    )
    return schemas.SessionOut(
        id=uuid.uuid4(),
        kind="learn",
        status="active",
        skill=ref,
        level=question.bloom,
        mastery=0.42,
        answered=0,
        correct=0,
        current_step=step,
        steps=[step],
        end_reason=None,
        started_at=now,
        completed_at=None,
        seconds_spent=0,
    )


class _OneSession:
    """Stands in for the learning service: serves one session, to its owner only."""

    def __init__(self, session: schemas.SessionOut) -> None:
        self.session = session

    async def get(self, user_id: uuid.UUID, session_id: uuid.UUID) -> schemas.SessionOut:
        if session_id != self.session.id:
            raise NotFound("Session not found.")
        return self.session


def _secrets(question: Question) -> list[str]:
    """What of a question must never reach the learner before grading."""
    found = [question.explanation]
    if isinstance(question, Exercise):
        found += [question.solution, question.tests]
    if isinstance(question, ShortAnswer):
        found += [question.reference] + [item.concept for item in question.rubric]
    if isinstance(question, FillIn):
        found += [f'value="{accepted}"' for answers in question.answers for accepted in answers]
    return found


@pytest.mark.parametrize("question_type", QUESTION_TYPES)
async def test_the_session_page_renders_every_question_type_without_its_key(
    site: Site, question_type: str
) -> None:
    client = await signed_in_client(site)
    skill_id, question = _question_of(question_type)
    session = _session_with(skill_id, question)
    site.app.dependency_overrides[get_learning_service] = lambda: _OneSession(session)
    try:
        response = await client.get(f"/learn/sessions/{session.id}")
    finally:
        site.app.dependency_overrides.clear()
    assert response.status_code == 200, response.text
    html = response.text
    document = page_of(response)

    for secret in _secrets(question):
        assert secret not in html, secret
    # No key in any shape: not as data, not as attributes a script could read.
    for leak in ('"answer":', "answer_lines", '"rubric"', '"solution"', '"tests"', "data-correct"):
        assert leak not in html, leak

    section = document.find("section", data_question=True)
    assert section.get("data-question-id") == question.id
    assert section.get("data-question-type") == question_type
    assert section.get("data-question-skill") == skill_id
    assert section.find("h2").text == "Question 1"
    assert section.find(id="lq-prompt").text
    form = section.find("form", data_question_form=True)
    assert form.find("button", type="submit").text == "Submit answer"
    if question.hints:
        assert form.find("button", data_hint_button=True).text.startswith("Show a hint")
    else:
        assert not form.find_all("button", data_hint_button=True)

    if isinstance(question, MultipleChoice):
        kind = "checkbox" if len(question.answer) > 1 else "radio"
        inputs = form.find_all("input", name="choice")
        assert [i.get("type") for i in inputs] == [kind] * len(question.choices)
        assert [i.get("value") for i in inputs] == [str(n) for n in range(len(question.choices))]
        for control in inputs:
            assert control.parent is not None
            assert control.parent.tag == "label"
        assert form.find("legend").text in ("Choose one answer", "Select all that apply")
    elif isinstance(question, Ordering):
        items = form.find_all("li", data_order_item=True)
        values = [item.get("data-value") or "" for item in items]
        assert sorted(values) == sorted(question.items)
        assert values != list(question.items)  # shuffled: the order gives nothing away
        for item in items:
            names = [button.text for button in item.find_all("button")]
            assert names == ["Move up", "Move down"]
        assert items[0].find("button", data_move="up").get("aria-disabled") == "true"
        assert items[-1].find("button", data_move="down").get("aria-disabled") == "true"
    elif isinstance(question, SpotTheBug):
        radios = form.find_all("input", name="line")
        lines = question.code.split("\n")
        assert [r.get("value") for r in radios] == [str(n) for n in range(1, len(lines) + 1)]
        first = form.find("label", class_="code-line__label")
        assert first.text.startswith("1Line 1:")  # the number is aria-hidden
        assert "highlight" in form.find("ol", class_="code-lines").classes
    elif isinstance(question, FillIn):
        blanks = form.find_all("input", name="blank")
        assert len(blanks) == len(question.answers) == question.code.count(BLANK)
        assert [b.get("aria-label") for b in blanks] == [
            f"Blank {n} of {len(blanks)}" for n in range(1, len(blanks) + 1)
        ]
        assert BLANK not in form.find("pre").text
    elif isinstance(question, Exercise):
        editor = form.find("textarea", name="code")
        assert editor.get("id") == "lq-code"
        assert form.find("label", for_="lq-code").text == "Your code"
        assert "\n".join(editor.nodes[0].split("\n")[1:]) == question.starter  # type: ignore[union-attr]
    else:
        assert form.find("textarea", name="answer").get("id") == "lq-answer"
        assert form.find("label", for_="lq-answer").text == "Your answer"

    # The intro lesson, the Bloom ladder with its current step, the meter.
    assert document.find("details", class_="lesson--intro").has("open")
    current = document.find("li", aria_current="step")
    assert current.get("data-level") == question.bloom.value
    assert "(current level)" in current.text
    assert _meter_value(document.find("div", data_meter=True)) == 42
    assert document.find("link", href=pages.highlight_css_url())


async def test_a_review_session_names_each_questions_skill(site: Site) -> None:
    client = await signed_in_client(site)
    skill_id, question = _question_of("multiple_choice")
    session = _session_with(skill_id, question).model_copy(update={"kind": "review", "skill": None})
    site.app.dependency_overrides[get_learning_service] = lambda: _OneSession(session)
    try:
        document = await _page(client, f"/learn/sessions/{session.id}")
    finally:
        site.app.dependency_overrides.clear()
    title = CATALOG.skills[skill_id].title
    assert document.find("p", class_="eyebrow").text == "Review session"
    assert document.find("h1").text == "Your due reviews"
    tags = [pill.text for pill in document.find("p", class_="lq__tags").find_all("span")]
    assert title in tags
    meter = document.find("div", data_meter=True)
    assert meter.find(class_="lmeter__label").text == f"Mastery of {title}"
    assert document.find("div", data_session=True).get("data-session-kind") == "review"


async def test_a_reload_resumes_at_the_waiting_question(site: Site) -> None:
    client = await signed_in_client(site)
    session = await _start(client)
    first = session["current_step"]
    result = await _answer(client, session["id"], first, right=True)
    waiting = result["next_step"]
    assert waiting is not None

    document = await _page(client, f"/learn/sessions/{session['id']}")
    section = document.find("section", data_question=True)
    assert section.get("data-question-id") == waiting["question"]["id"]
    assert section.find("h2").text == "Question 2"
    history = document.find("section", data_history=True)
    assert not history.has("hidden")
    answered = history.find_all("li", class_="history__item")
    assert len(answered) == 1
    assert "Correct" in answered[0].find("summary").text
    assert not answered[0].find("details").has("open")  # collapsed
    assert _meter_value(document.find("div", data_meter=True)) == round(result["mastery"] * 100)
    assert document.find("li", aria_current="step").get("data-level") == result["level"]
    assert document.find(data_count_answered=True).text == "1"
    assert document.find(data_count_correct=True).text == "1"
    # The lesson was read: it stays, folded.
    assert not document.find("details", class_="lesson--intro").has("open")
    assert document.find("section", data_summary=True).has("hidden")


async def test_an_ended_session_shows_its_summary_and_finishes_without_javascript(
    site: Site,
) -> None:
    client = await signed_in_client(site)
    session = await _start(client)
    step = session["current_step"]
    for _ in range(30):
        result = await _answer(client, session["id"], step, right=True)
        step = result["next_step"]
        if step is None:
            break
    assert step is None
    path = f"/learn/sessions/{session['id']}"
    document = await _page(client, path)
    assert not document.find_all("section", data_question=True)
    summary = document.find("section", data_summary=True)
    assert not summary.has("hidden")
    assert summary.find(data_end_reason=True).text == pages.END_REASONS[result["end_reason"]]
    form = summary.find("form", data_finish_form=True)
    assert form.get("action") == path + "/complete"
    assert not form.has("hidden")
    for link in summary.find_all("a", data_after_finish=True):
        assert link.has("hidden")

    response = await client.post(
        path + "/complete", data={"csrf_token": hidden(form, "csrf_token")}
    )
    assert response.status_code == 303
    assert location(response)[0] == path
    summary = (await _page(client, path)).find("section", data_summary=True)
    assert summary.find("h2").text == "Session complete"
    assert summary.find("form", data_finish_form=True).has("hidden")
    links = summary.find_all("a", data_after_finish=True)
    assert [link.get("href") for link in links] == ["/progress", "/learn"]
    assert not any(link.has("hidden") for link in links)


async def test_someone_elses_session_is_not_found(site: Site) -> None:
    client = await signed_in_client(site)
    session = await _start(client)
    path = f"/learn/sessions/{session['id']}"
    assert (await client.get(path)).status_code == 200

    async with site.browser() as other:
        await create_user(other, "grace", "Grace Hopper")
        assert (await sign_in(other, "grace")).status_code == 303
        for where in (path, f"/learn/sessions/{uuid.uuid4()}", "/learn/sessions/not-a-uuid"):
            document = await _page(other, where, status=404)
            assert document.find("h1").text == "Session not found"
            assert session["current_step"]["question"]["id"] not in str(document.text)
        token = other.cookies.get("dm_csrf") or ""
        response = await other.post(path + "/complete", data={"csrf_token": token})
        assert response.status_code == 404
    # Still the owner's, untouched.
    assert (await client.get(f"/api/learning/sessions/{session['id']}")).json()[
        "status"
    ] == "active"


# -- Progress ------------------------------------------------------------------------------


async def test_progress_before_any_answer(site: Site) -> None:
    client = await signed_in_client(site)
    document = await _page(client, "/progress")
    assert document.find("h1").text == "Your progress"
    assert not document.find_all("svg", data_chart=True)
    assert (
        "mastery chart appears here" in document.find("section", aria_labelledby="chart-title").text
    )
    assert not document.find_all("table")
    achievements = document.find("ul", class_="achievements")
    locked = achievements.find_all("li", class_="achievement--locked")
    assert locked
    assert not achievements.find_all("li", class_="achievement--unlocked")
    assert all(item.find(class_="achievement__state").text == "Locked" for item in locked)
    assert all(item.find(class_="achievement__description").text for item in locked)


async def test_progress_draws_the_mastery_chart_after_a_few_answers(site: Site) -> None:
    client = await signed_in_client(site)
    session = await _start(client)
    step = session["current_step"]
    masteries = []
    for right in (True, False, True):
        result = await _answer(client, session["id"], step, right=right)
        masteries.append(result["mastery"])
        step = result["next_step"]

    document = await _page(client, "/progress")
    chart = document.find("svg", data_chart=True)
    assert chart.get("role") == "img"
    assert chart.find("title").text == "Mastery over your last 3 answers"
    assert "Functions and scope" in chart.find("desc").text
    series = chart.find("g", data_chart_skill=ROOT)
    points = (series.find("polyline").get("points") or "").split()
    assert len(points) == 3
    ys = [float(point.split(",")[1]) for point in points]
    # Up, down, up: a higher mastery is drawn higher (a smaller y).
    assert ys[1] > ys[0]
    assert ys[2] < ys[1]
    dots = series.find_all("circle")
    assert ["chart__dot--wrong" in dot.classes for dot in dots] == [False, True, False]
    assert chart.find("g", class_="chart__threshold").find("title").text == "Mastered: 95%"
    legend = [item.text for item in document.find("ul", class_="chart__legend").find_all("li")]
    assert legend[0] == "Mastered (95%)"
    assert legend[1].startswith("Functions and scope")
    labels = [text.text for text in chart.find("g", class_="chart__grid").find_all("text")]
    assert labels == ["0%", "25%", "50%", "75%", "100%"]

    row = document.find("tr", data_skill_row=ROOT)
    assert row.find("th").text == "Functions and scope"
    assert row.find("span", class_="lstate").text == "In progress"
    assert row.find("td", data_label="Answered").text == "3"
    assert row.find("td", data_label="Accuracy").text == "67%"
    assert _meter_value(row) == round(masteries[-1] * 100)

    stats = {
        item.find(class_="stat__label").text: item.find(class_="stat__value").text
        for item in document.find_all("li", class_="stat")
    }
    assert stats["Answered"] == "3"
    assert stats["Streak"] == "1 day"
    unlocked = document.find_all("li", class_="achievement--unlocked")
    assert unlocked
    assert all("Unlocked" in item.find(class_="achievement__state").text for item in unlocked)


# -- Highlighted code's stylesheet and small helpers -------------------------------------------


async def test_the_highlight_stylesheet_is_served_for_a_long_time(site: Site) -> None:
    response = await site.client.get(pages.highlight_css_url())
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert response.text == stylesheet()
    assert ".highlight .hl-k" in response.text
    assert "prefers-color-scheme: dark" in response.text


def test_the_home_page_card_links_to_learn() -> None:
    from devmentor.web.templating import TEMPLATES_DIR

    home = parse((TEMPLATES_DIR / "home.html").read_text(encoding="utf-8"))
    card = next(
        card
        for card in home.find_all("li", class_="card")
        if card.find("h3").text == "Adaptive learning sessions"
    )
    assert card.find("a", href="/learn").text == "Available"


def test_inline_code_escapes_everything_else() -> None:
    assert str(pages.inline_code("use `<b>` not <i>x</i>")) == (
        "use <code>&lt;b&gt;</code> not &lt;i&gt;x&lt;/i&gt;"
    )
    assert str(pages.inline_code("a ` lone tick")) == "a ` lone tick"


def test_fill_in_lines_number_the_blanks_across_lines() -> None:
    lines = pages.fill_in_lines(["x = ____", "<span>y</span> = ____ + ____"])
    assert [line.count("<input") for line in lines] == [1, 2]
    assert 'aria-label="Blank 3 of 3"' in lines[1]
    assert BLANK not in "".join(lines)


@pytest.mark.parametrize(
    ("seconds", "words"),
    [(0, "0 min"), (30, "under 1 min"), (60, "1 min"), (3_600, "1 h"), (3_900, "1 h 5 min")],
)
def test_duration(seconds: int, words: str) -> None:
    assert pages.duration(seconds) == words


def test_due_text() -> None:
    now = dt.datetime(2026, 11, 24, 12, tzinfo=dt.UTC)
    assert pages.due_text(None, now) == ""
    assert pages.due_text(now - dt.timedelta(hours=1), now) == "due now"
    assert pages.due_text(now + dt.timedelta(minutes=20), now) == "due within the hour"
    assert pages.due_text(now + dt.timedelta(hours=5), now) == "due in 5 hours"
    assert pages.due_text(now + dt.timedelta(hours=30), now) == "due tomorrow"
    assert pages.due_text(now + dt.timedelta(days=6), now) == "due in 6 days"


def test_the_chart_needs_history_and_draws_one_line_per_skill() -> None:
    assert pages.mastery_chart([], {}) is None
    at = dt.datetime(2026, 11, 24, tzinfo=dt.UTC)
    history = [
        schemas.MasteryPoint(at=at, skill_id="a.one", mastery=0.2, correct=True),
        schemas.MasteryPoint(at=at, skill_id="b.two", mastery=0.5, correct=False),
        schemas.MasteryPoint(at=at, skill_id="a.one", mastery=0.96, correct=True),
    ]
    chart = pages.mastery_chart(history, {"a.one": "One"})
    assert chart is not None
    assert [line.title for line in chart.lines] == ["One", "b.two"]
    one = chart.lines[0]
    assert [dot.x for dot in one.dots] == [chart.left, chart.right]
    assert one.dots[1].y < chart.threshold_y  # above the "mastered" line
    assert [tick.label for tick in chart.x_ticks] == ["1", "3"]
    assert "One: from 20% to 96%" in chart.description
    single = pages.mastery_chart(history[:1], {})
    assert single is not None
    assert single.lines[0].dots[0].x == (single.left + single.right) / 2


def test_bloom_labels_cover_every_level() -> None:
    assert [pages.bloom_label(level) for level in Bloom] == [
        "Remember",
        "Understand",
        "Apply",
        "Analyze",
        "Evaluate",
        "Create",
    ]
