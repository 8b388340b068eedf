"""Learning in a real browser against the real server (the offline mentor): the skill map,
a session answered right and wrong with the meter moving each way, resuming after a
reload, the progress page, every question type's form, and a phone-sized screen.

The test knows the right answers the way the server does: from the curriculum's answer
keys (``default_catalog()``), by the question id the page shows.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.async_api import Locator, Page, expect

from devmentor.curriculum.catalog import default_catalog
from devmentor.curriculum.model import (
    Exercise,
    FillIn,
    MultipleChoice,
    Ordering,
    Question,
    ShortAnswer,
    SpotTheBug,
)
from tests.e2e.conftest import DESKTOP, NewPage
from tests.e2e.test_auth_browser import _register, _sign_in, _username

pytestmark = pytest.mark.browser

CATALOG = default_catalog()
ROOT = "python.functions-and-scope"
LOCKED = "python.mutable-default-arguments"
ALL_TYPES = {"multiple_choice", "ordering", "spot_the_bug", "fill_in", "exercise", "short_answer"}
PHONE = {"width": 390, "height": 844}
SESSION_URL = re.compile(r"/learn/sessions/[0-9a-f-]{36}$")


async def _signed_in(new_page: NewPage, **options: Any) -> Page:
    page = await new_page(**options)
    username = _username()
    await _register(page, username)
    await _sign_in(page, username)
    return page


async def _fits(page: Page, width: int) -> None:
    scroll_width = await page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} is {scroll_width}px wide at {width}px"


def _question(section_skill: str, question_id: str) -> Question:
    skill = CATALOG.skill(section_skill)
    assert skill is not None, section_skill
    return next(q for q in skill.questions if q.id == question_id)


async def _current(page: Page) -> tuple[Locator, Question]:
    section = page.locator("[data-question]")
    await expect(section).to_have_count(1)
    skill = await section.get_attribute("data-question-skill")
    question_id = await section.get_attribute("data-question-id")
    assert skill is not None
    assert question_id is not None
    return section, _question(skill, question_id)


async def _meter(page: Page) -> int:
    value = await page.locator("[data-meter-bar]").get_attribute("aria-valuenow")
    assert value is not None
    return int(value)


async def _order(section: Locator, wanted: list[str]) -> None:
    """Put an ordering question's items in ``wanted`` order with the Move up buttons,
    from the keyboard (focus, then Enter), as someone without a mouse would."""
    items = section.locator("[data-order-item]")
    moved = False
    for target, text in enumerate(wanted):
        values = [
            await items.nth(i).get_attribute("data-value") for i in range(await items.count())
        ]
        position = values.index(text)
        while position > target:
            button = items.nth(position).locator("[data-move=up]")
            await button.focus()
            await button.press("Enter")
            position -= 1
            moved = True
            await expect(items.nth(position)).to_have_attribute("data-value", text)
            # The focus stays with the moved item (on Move down once it reached the top).
            focused = "[data-move=up]" if position > 0 else "[data-move=down]"
            await expect(items.nth(position).locator(focused)).to_be_focused()
    if moved:  # and the last move was announced
        await expect(section.locator("[data-order-status]")).to_contain_text("moved to position")


async def _fill(section: Locator, question: Question, *, right: bool) -> None:
    """Answer ``question`` in its form, right or wrong."""
    if isinstance(question, MultipleChoice):
        wrong = next(i for i in range(len(question.choices)) if i not in question.answer)
        for index in question.answer if right else [wrong]:
            await section.locator(f"input[name=choice][value='{index}']").check()
    elif isinstance(question, Ordering):
        await _order(section, list(question.items) if right else list(reversed(question.items)))
    elif isinstance(question, SpotTheBug):
        lines = question.code.split("\n")
        wrong = next(n for n in range(1, len(lines) + 1) if n not in question.answer_lines)
        line = question.answer_lines[0] if right else wrong
        await section.get_by_label(f"Line {line}:").check()
    elif isinstance(question, FillIn):
        for number, accepted in enumerate(question.answers, start=1):
            blank = section.get_by_label(f"Blank {number} of {len(question.answers)}")
            await blank.fill(accepted[0] if right else "zzz_wrong")
    elif isinstance(question, Exercise):
        editor = section.get_by_label("Your code")
        await expect(editor).to_have_value(question.starter)
        # Tab indents instead of leaving the editor.
        await editor.focus()
        await editor.press("Control+End")
        await editor.press("Tab")
        await expect(editor).to_have_value(question.starter + "    ")
        await expect(editor).to_be_focused()
        await editor.fill(question.solution if right else question.starter)
    else:
        assert isinstance(question, ShortAnswer)
        text = question.reference if right else "I really do not know this one at all."
        await section.get_by_label("Your answer").fill(text)


async def _answer(page: Page, *, right: bool) -> tuple[Question, Locator]:
    """Answer the current question and wait for its feedback; returns the question and the
    feedback box."""
    section, question = await _current(page)
    await _fill(section, question, right=right)
    await section.get_by_role("button", name="Submit answer").click()
    feedback = section.locator("[data-feedback]")
    await expect(feedback).to_be_visible()
    await expect(feedback.locator(".feedback__word")).to_have_text(
        "Correct" if right else "Not quite"
    )
    await expect(feedback).to_be_focused()
    return question, feedback


async def test_learning_a_skill_right_then_wrong_then_resuming(
    new_page: NewPage, browser_problems: list[str]
) -> None:
    page = await _signed_in(new_page)
    await page.goto("/")
    nav = page.get_by_role("navigation", name="Main")
    await nav.get_by_role("link", name="Learn").click()
    await expect(page).to_have_url(re.compile("/learn$"))
    await expect(nav.get_by_role("link", name="Learn")).to_have_attribute("aria-current", "page")

    root = page.locator(f"[data-skill='{ROOT}']")
    await expect(root.locator(".lstate")).to_have_text("Available")
    locked = page.locator(f"[data-skill='{LOCKED}']")
    await expect(locked.locator(".lstate")).to_have_text("Locked")
    await expect(locked).to_contain_text("Master first: Functions and scope")
    await _fits(page, DESKTOP["width"])

    async with page.expect_response("**/api/learning/sessions") as started:
        await root.get_by_role("button", name="Start: Functions and scope").click()
    assert (await started.value).status == 201
    await expect(page).to_have_url(SESSION_URL)
    session_url = page.url
    await expect(page.get_by_role("heading", level=1)).to_have_text("Functions and scope")
    await expect(page.locator(".lesson--intro")).to_have_attribute("open", "")
    await expect(page.locator("[data-ladder] [aria-current=step]")).to_contain_text("Remember")

    before = await _meter(page)
    await _answer(page, right=True)
    up = await _meter(page)
    assert up > before
    await expect(page.locator("[data-meter-value]")).to_have_text(f"{up}%")
    await expect(page.locator("[data-meter-delta]")).to_have_text(f"+{up - before}")
    await expect(page.locator("[data-count-answered]")).to_have_text("1")
    await expect(page.locator("[data-learn-status]")).to_contain_text("Correct.")

    await page.get_by_role("button", name="Next question").click()
    await expect(page.locator("#lq-title")).to_have_text("Question 2")
    await expect(page.locator("#lq-title")).to_be_focused()
    await expect(page.locator("[data-history] .history__item")).to_have_count(1)

    await _answer(page, right=False)
    down = await _meter(page)
    assert down < up
    await expect(page.locator("[data-meter-delta]")).to_have_text(
        f"\u2212{up - down}"
    )  # a minus sign
    await expect(page.locator("[data-count-correct]")).to_have_text("1")
    await page.get_by_role("button", name=re.compile("Next question|See the summary")).click()

    pending_section, pending = await _current(page)
    await expect(pending_section.locator("#lq-title")).to_have_text("Question 3")

    # A reload lands on the same waiting question, with the two answers listed.
    await page.reload()
    await expect(page).to_have_url(session_url)
    section, again = await _current(page)
    assert again.id == pending.id
    await expect(section.locator("#lq-title")).to_have_text("Question 3")
    history = page.locator("[data-history] .history__item")
    await expect(history).to_have_count(2)
    await expect(history.nth(0).locator(".verdict")).to_have_text("Correct")
    await expect(history.nth(1).locator(".verdict")).to_have_text("Not quite")
    assert await _meter(page) == down
    await expect(page.locator(".lesson--intro")).not_to_have_attribute("open", "")

    # The skill map and the progress page know the skill is under way.
    await page.goto("/learn")
    await expect(root.locator(".lstate")).to_have_text("In progress")
    await root.get_by_role("link", name="Resume: Functions and scope").click()
    await expect(page).to_have_url(session_url)

    await page.goto("/progress")
    row = page.locator(f"[data-skill-row='{ROOT}']")
    await expect(row.locator(".lstate")).to_have_text("In progress")
    await expect(row.locator("td[data-label=Answered]")).to_have_text("2")
    await expect(row.locator("td[data-label=Accuracy]")).to_have_text("50%")
    chart = page.get_by_role("img", name="Mastery over your last 2 answers")
    await expect(chart).to_be_visible()
    await expect(chart.locator(f"[data-chart-skill='{ROOT}'] circle")).to_have_count(2)
    await _fits(page, DESKTOP["width"])
    assert browser_problems == []


async def test_every_question_type_can_be_answered(
    new_page: NewPage, browser_problems: list[str]
) -> None:
    """Right answers climb Bloom's levels quickly, so a few root skills show every type."""
    page = await _signed_in(new_page)
    seen: dict[str, bool] = {}
    hinted = False
    roots = [skill_id for skill_id in CATALOG.order() if not CATALOG.skills[skill_id].prerequisites]
    for skill_id in roots:
        if set(seen) == ALL_TYPES:
            break
        await page.goto("/learn")
        card = page.locator(f"[data-skill='{skill_id}']")
        await card.get_by_role("button", name=re.compile("^Start")).click()
        await expect(page).to_have_url(SESSION_URL)
        while set(seen) != ALL_TYPES:
            section, question = await _current(page)
            hint = section.locator("[data-hint-button]")
            if not hinted and await hint.count():
                await hint.click()
                await expect(section.locator("[data-hint-list] li")).to_have_count(1)
                await expect(section.locator("[data-hint-list] li")).to_have_text(question.hints[0])
                hinted = True
            _, feedback = await _answer(page, right=True)
            seen[question.type] = True
            next_button = feedback.get_by_role("button")
            if await next_button.inner_text() != "Next question":
                await next_button.click()  # the session ended: its summary
                summary = page.locator("[data-summary]")
                await expect(summary).to_be_visible()
                await expect(summary).to_be_focused()
                await summary.get_by_role("button", name="Finish session").click()
                await expect(summary.get_by_role("link", name="See your progress")).to_be_focused()
                await expect(summary.locator("[data-summary-result]")).to_contain_text("Mastery")
                break
            await next_button.click()
    assert set(seen) == ALL_TYPES
    assert hinted
    assert browser_problems == []


async def test_problems_are_shown_next_to_the_form(
    new_page: NewPage, browser_problems: list[str]
) -> None:
    page = await _signed_in(new_page)
    await page.goto("/learn")
    await (
        page.locator(f"[data-skill='{ROOT}']")
        .get_by_role("button", name=re.compile("^Start"))
        .click()
    )
    await expect(page).to_have_url(SESSION_URL)
    section, question = await _current(page)
    error = section.locator("[data-question-error]")

    # Nothing chosen: caught before anything is sent.
    if isinstance(question, MultipleChoice | SpotTheBug):
        await section.get_by_role("button", name="Submit answer").click()
        await expect(error).to_contain_text("first")

    await page.route(
        "**/responses",
        lambda route: route.fulfill(
            status=429,
            headers={"content-type": "application/problem+json", "Retry-After": "90"},
            body='{"title": "Too many requests", "status": 429, "code": "rate_limited",'
            ' "detail": "Slow down a little."}',
        ),
    )
    await _fill(section, question, right=True)
    await section.get_by_role("button", name="Submit answer").click()
    await expect(error).to_have_text("Slow down a little. Try again in 90 seconds.")
    await page.unroute("**/responses")

    # Answered meanwhile in another tab: a 409 says so and offers a reload.
    context = page.context
    other = await context.new_page()
    await other.goto(page.url)
    other_section, _ = await _current(other)
    await _fill(other_section, question, right=True)
    await other_section.get_by_role("button", name="Submit answer").click()
    await expect(other_section.locator("[data-feedback]")).to_be_visible()
    await section.get_by_role("button", name="Submit answer").click()
    await expect(error).to_contain_text("Reload the page")
    await error.get_by_role("button", name="Reload").click()
    await expect(page.locator("[data-history] .history__item")).to_have_count(1)

    left = [p for p in browser_problems if "status of 429" not in p and "status of 409" not in p]
    assert left == []


async def test_a_phone_sized_screen(new_page: NewPage, browser_problems: list[str]) -> None:
    page = await _signed_in(new_page, viewport=PHONE)
    await page.goto("/learn")
    await _fits(page, PHONE["width"])
    await (
        page.locator(f"[data-skill='{ROOT}']")
        .get_by_role("button", name=re.compile("^Start"))
        .click()
    )
    await expect(page).to_have_url(SESSION_URL)
    await _fits(page, PHONE["width"])
    for _ in range(4):  # the wider forms (code lines, exercises) come a few levels up
        _, feedback = await _answer(page, right=True)
        await _fits(page, PHONE["width"])
        button = feedback.get_by_role("button")
        if await button.inner_text() != "Next question":
            break
        await button.click()
        await _fits(page, PHONE["width"])
    await page.goto("/progress")
    await expect(page.locator("[data-chart]")).to_be_visible()
    await _fits(page, PHONE["width"])
    assert browser_problems == []
