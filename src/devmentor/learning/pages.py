"""The learning pages: the skill map, a session, the progress dashboard.

Every page is rendered whole on the server from the same service the JSON API uses
(``LearningServiceDep``), so a reload always shows where the learner is.
static/js/learning.js then takes over: it starts sessions, submits answers, opens hints
and renders the next question from the API's answers, in place.

HTML that reaches a template comes from two places only: the API's ``*_html`` fields
(rendered and escaped by the server: lessons, prompts, feedback, highlighted code) and
:func:`inline_code` below. Everything else is text that Jinja escapes.

The mastery chart on /progress is an inline SVG built here (:func:`mastery_chart`): no
chart library, nothing to run in the browser, and it works under the strict CSP.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup, escape
from pydantic import ValidationError
from starlette.responses import Response

from devmentor.auth.navigation import signin_url
from devmentor.auth.pages import FormText, PageAuth, PageAuthDep, csrf_ok, redirect, render
from devmentor.curriculum.model import AREAS, BLANK, Bloom
from devmentor.kit.errors import DevMentorError
from devmentor.learning.deps import LearningServiceDep
from devmentor.learning.schemas import (
    MasteryPoint,
    ProgressOut,
    SessionOut,
    SkillProgress,
    StartSession,
    StepOut,
)
from devmentor.web.highlight import stylesheet
from devmentor.web.templating import NavItem, add_nav_item

router = APIRouter(include_in_schema=False)

LEARN_PATH = "/learn"
PROGRESS_PATH = "/progress"
START_PATH = "/learn/start"
HIGHLIGHT_CSS_PATH = "/static-gen/highlight.css"

#: Where the mastery model calls a skill mastered (mastery.MASTERED; the chart's line).
MASTERED = 0.95

BLOOM_LABELS: dict[Bloom, str] = {
    Bloom.REMEMBER: "Remember",
    Bloom.UNDERSTAND: "Understand",
    Bloom.APPLY: "Apply",
    Bloom.ANALYZE: "Analyze",
    Bloom.EVALUATE: "Evaluate",
    Bloom.CREATE: "Create",
}
AREA_LABELS: dict[str, str] = {
    "python": "Python",
    "javascript": "JavaScript and TypeScript",
    "sql": "SQL and databases",
    "security": "Security",
    "git": "Git",
    "errors": "Errors and exceptions",
    "design": "Design",
    "performance": "Performance",
    "web": "Web and HTTP",
    "observability": "Observability",
    "testing": "Testing",
}
STATE_LABELS: dict[str, str] = {
    "locked": "Locked",
    "available": "Available",
    "in_progress": "In progress",
    "mastered": "Mastered",
}
TYPE_LABELS: dict[str, str] = {
    "multiple_choice": "Multiple choice",
    "ordering": "Put in order",
    "spot_the_bug": "Spot the bug",
    "fill_in": "Fill in the blanks",
    "exercise": "Coding exercise",
    "short_answer": "Short answer",
}
#: Why a session has nothing more to ask, in words (static/js/learning.js has the same).
END_REASONS: dict[str, str] = {
    "mastered": "You have mastered this skill at every level. Well done!",
    "length": "That was a full session. A short break helps it stick.",
    "exhausted": "You have answered every question there is for now.",
    "no_reviews": "No reviews are due right now.",
    "completed": "This session is finished.",
}


def _signed_in(request: Request) -> bool:
    auth = getattr(request.state, "page_auth", None)
    return isinstance(auth, PageAuth) and auth.signed_in


# Learning is what DevMentor is for: first after Home, before asking the mentor.
add_nav_item(NavItem("learn", "Learn", LEARN_PATH, visible=_signed_in), before="mentor")


# -- Formatting helpers (also used by the templates) -------------------------------------


def percent(value: float | None) -> str:
    """0.625 -> "63%" ("n/a" for no value)."""
    if value is None:
        return "n/a"
    return f"{round(max(0.0, min(1.0, value)) * 100)}%"


def percent_number(value: float | None) -> int:
    return round(max(0.0, min(1.0, value or 0.0)) * 100)


def bloom_label(level: Bloom | str | None) -> str:
    if level is None:
        return ""
    return BLOOM_LABELS.get(Bloom(level), str(level))


def duration(seconds: int) -> str:
    """Time spent for people: "under 1 min", "12 min", "1 h 5 min"."""
    minutes = max(0, seconds) // 60
    if minutes == 0:
        return "under 1 min" if seconds > 0 else "0 min"
    hours, minutes = divmod(minutes, 60)
    if hours == 0:
        return f"{minutes} min"
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def due_text(when: dt.datetime | None, now: dt.datetime) -> str:
    """When a review falls due, relative to ``now``: "due now", "due in 3 days"."""
    if when is None:
        return ""
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    seconds = (when - now).total_seconds()
    if seconds <= 0:
        return "due now"
    hours = seconds / 3600
    if hours < 1:
        return "due within the hour"
    if hours < 24:
        count = round(hours)
        return f"due in {count} hour" + ("" if count == 1 else "s")
    days = round(hours / 24)
    return "due tomorrow" if days <= 1 else f"due in {days} days"


_CODE_SPAN = re.compile(r"`([^`\n]+)`")


def inline_code(text: str) -> Markup:
    """A choice or an item as HTML: all text escaped, `backticked` spans as <code>.
    (learning.js's inlineCode() does the same in the browser.)"""
    out: list[str] = []
    position = 0
    for match in _CODE_SPAN.finditer(text):
        out.append(str(escape(text[position : match.start()])))
        out.append(f"<code>{escape(match.group(1))}</code>")
        position = match.end()
    out.append(str(escape(text[position:])))
    return Markup("".join(out))  # noqa: S704 - built from escaped parts


def code_lines(question: Any) -> list[Markup]:
    """A question's code, one HTML string per line: the server's highlighted
    ``code_lines_html``, or the raw ``code`` escaped when there is none."""
    lines = getattr(question, "code_lines_html", None)
    if lines is not None:
        return [Markup(line) for line in lines]  # noqa: S704 - escaped by the server
    code = getattr(question, "code", None) or ""
    return [escape(line) for line in str(code).split("\n")]


def code_items(items: Sequence[str]) -> bool:
    """Whether an ordering's items are lines of code (indented ones keep their indent)."""
    return any(item[:1].isspace() for item in items)


def fill_in_lines(lines_html: Sequence[str]) -> list[Markup]:
    """Highlighted lines of a fill-in question with an input in place of each blank.

    The lines are the server's own escaped HTML (``code_lines_html``); a blank marker
    never spans tags (Pygments emits it as one token), so splitting the string on it is
    safe. Inputs are numbered across lines, from 1.
    """
    total = sum(str(line).count(BLANK) for line in lines_html)
    out: list[Markup] = []
    number = 0
    for line in lines_html:
        parts = str(line).split(BLANK)
        html = parts[0]
        for part in parts[1:]:
            number += 1
            html += _blank_input(number, total) + part
        out.append(Markup(html))  # noqa: S704 - server-escaped HTML and our own inputs
    return out


def _blank_input(number: int, total: int) -> str:
    return (
        f'<input class="lq-blank" type="text" name="blank" id="lq-blank-{number}" '
        f'aria-label="Blank {number} of {total}" autocomplete="off" autocapitalize="off" '
        f'spellcheck="false">'
    )


# -- The skill map -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AreaGroup:
    key: str
    label: str
    skills: list[SkillProgress]


def group_by_area(skills: Iterable[SkillProgress]) -> list[AreaGroup]:
    """Skills by area: areas in the curriculum's order, skills in the order given (the
    prerequisite order, so a skill never comes before what it needs)."""
    groups: dict[str, list[SkillProgress]] = {}
    for skill in skills:
        groups.setdefault(skill.skill.area, []).append(skill)
    rank = {area: index for index, area in enumerate(AREAS)}
    keys = sorted(groups, key=lambda area: (rank.get(area, len(rank)), area))
    return [AreaGroup(key, AREA_LABELS.get(key, key.title()), groups[key]) for key in keys]


def _helpers(now: dt.datetime) -> dict[str, Any]:
    return {
        "percent": percent,
        "percent_number": percent_number,
        "bloom_label": bloom_label,
        "bloom_levels": list(BLOOM_LABELS.items()),
        "state_labels": STATE_LABELS,
        "type_labels": TYPE_LABELS,
        "end_reasons": END_REASONS,
        "duration": duration,
        "due": lambda when: due_text(when, now),
        "inline_code": inline_code,
        "fill_in_lines": fill_in_lines,
        "code_lines": code_lines,
        "code_items": code_items,
        "highlight_css": highlight_css_url(),
        "now": now,
    }


def _not_signed_in(auth: PageAuth, request: Request) -> Response | None:
    if auth.signed_in and auth.principal is not None:
        return None
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return redirect(auth, signin_url(here))


@router.get(LEARN_PATH, response_class=HTMLResponse)
async def skill_map(request: Request, auth: PageAuthDep, service: LearningServiceDep) -> Response:
    if (gone := _not_signed_in(auth, request)) is not None:
        return gone
    assert auth.principal is not None
    progress = await service.progress(auth.principal.user_id)
    titles = {item.skill.id: item.skill.title for item in progress.skills}
    context = {
        "page": "learn",
        "progress": progress,
        "areas": group_by_area(progress.skills),
        "titles": titles,
        "error": START_ERRORS.get((request.query_params.get("error") or "")[:40]),
        **_helpers(dt.datetime.now(dt.UTC)),
    }
    return render(request, auth, "learning/skills.html", context)


#: Why a no-JS start failed (?error= on /learn), by the problem's code.
START_ERRORS: dict[str, str] = {
    "skill_locked": "That skill is still locked: master its prerequisites first.",
    "unknown_skill": "That skill does not exist.",
    "nothing_to_review": "No reviews are due right now.",
    "csrf_failed": "That form had expired. Please try again.",
    "invalid": "That request was not valid.",
    "unavailable": "Learning is unavailable right now. Please try again shortly.",
    "rate_limited": "Too many sessions started at once. Please wait a moment.",
}


@router.post(START_PATH, response_class=HTMLResponse)
async def start_submit(
    request: Request,
    auth: PageAuthDep,
    service: LearningServiceDep,
    kind: Annotated[str, Form()] = "learn",
    skill_id: Annotated[str, Form()] = "",
    csrf_token: FormText = "",
) -> Response:
    """The Start / Resume / Review buttons without JavaScript (learning.js uses the API)."""
    if not auth.signed_in or auth.principal is None:
        return redirect(auth, signin_url(LEARN_PATH))
    if not csrf_ok(request, auth, csrf_token):
        return redirect(auth, f"{LEARN_PATH}?error=csrf_failed")
    try:
        body = StartSession(kind=kind, skill_id=skill_id or None)
    except ValidationError:
        return redirect(auth, f"{LEARN_PATH}?error=invalid")
    try:
        session, _created = await service.start(auth.principal.user_id, body)
    except DevMentorError as exc:
        code = exc.code if exc.code in START_ERRORS else "invalid"
        if exc.status == 429:
            code = "rate_limited"
        elif exc.status >= 500:
            code = "unavailable"
        return redirect(auth, f"{LEARN_PATH}?error={code}")
    return redirect(auth, f"{LEARN_PATH}/sessions/{session.id}")


# -- A session ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SessionView:
    session: SessionOut
    #: The first lesson of the session (the introduction), if any.
    intro: StepOut | None
    #: Answered steps, oldest first.
    answered: list[StepOut]
    current: StepOut | None
    #: The skill whose mastery the meter shows.
    meter_skill: str

    @classmethod
    def of(cls, session: SessionOut) -> SessionView:
        intro = next(
            (step for step in session.steps if step.lesson and step.lesson.reason == "intro"),
            None,
        )
        current_id = session.current_step.id if session.current_step else None
        answered = [
            step for step in session.steps if step.response is not None and step.id != current_id
        ]
        step = session.current_step or (session.steps[-1] if session.steps else None)
        skill = session.skill or (step.skill if step else None)
        return cls(
            session=session,
            intro=intro,
            answered=answered,
            current=session.current_step,
            meter_skill=skill.title if skill else "this skill",
        )


@router.get(LEARN_PATH + "/sessions/{session_id}", response_class=HTMLResponse)
async def session_page(
    session_id: str, request: Request, auth: PageAuthDep, service: LearningServiceDep
) -> Response:
    if (gone := _not_signed_in(auth, request)) is not None:
        return gone
    assert auth.principal is not None
    try:
        parsed = uuid.UUID(session_id)
    except ValueError:
        return _not_found(request, auth)
    try:
        session = await service.get(auth.principal.user_id, parsed)
    except DevMentorError as exc:
        if exc.status == 404:
            return _not_found(request, auth)
        raise
    context = {
        "page": "learn",
        "view": SessionView.of(session),
        **_helpers(dt.datetime.now(dt.UTC)),
    }
    return render(request, auth, "learning/session.html", context)


@router.post(LEARN_PATH + "/sessions/{session_id}/complete", response_class=HTMLResponse)
async def complete_submit(
    session_id: str,
    request: Request,
    auth: PageAuthDep,
    service: LearningServiceDep,
    csrf_token: FormText = "",
) -> Response:
    """The Finish button without JavaScript: complete, then show the finished session."""
    here = f"{LEARN_PATH}/sessions/{session_id}"
    if not auth.signed_in or auth.principal is None:
        return redirect(auth, signin_url(here))
    try:
        parsed = uuid.UUID(session_id)
    except ValueError:
        return _not_found(request, auth)
    if not csrf_ok(request, auth, csrf_token):
        # The page the learner comes back to has a fresh token; completing is idempotent.
        return redirect(auth, here)
    try:
        await service.complete(auth.principal.user_id, parsed)
    except DevMentorError as exc:
        if exc.status == 404:
            return _not_found(request, auth)
        raise
    return redirect(auth, here)


def _not_found(request: Request, auth: PageAuth) -> Response:
    context = {"page": "learn", "highlight_css": highlight_css_url()}
    return render(request, auth, "learning/not_found.html", context, status_code=404)


# -- Progress ----------------------------------------------------------------------------

CHART_WIDTH = 640
CHART_HEIGHT = 260
_LEFT, _RIGHT, _TOP, _BOTTOM = 52, 20, 16, 44
#: Distinct line styles (colour, dash and marker) cycle after this many skills.
CHART_STYLES = 6


@dataclass(frozen=True, slots=True)
class ChartDot:
    x: float
    y: float
    correct: bool
    label: str


@dataclass(frozen=True, slots=True)
class ChartLine:
    skill_id: str
    title: str
    style: int
    points: str
    dots: list[ChartDot]
    first: float
    last: float


@dataclass(frozen=True, slots=True)
class ChartTick:
    position: float
    label: str


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    lines: list[ChartLine]
    y_ticks: list[ChartTick]
    x_ticks: list[ChartTick]
    threshold_y: float
    answers: int
    description: str


def _y(mastery: float) -> float:
    plot = CHART_HEIGHT - _TOP - _BOTTOM
    return round(_TOP + plot * (1 - max(0.0, min(1.0, mastery))), 1)


def mastery_chart(history: Sequence[MasteryPoint], titles: dict[str, str]) -> Chart | None:
    """Mastery after each answer as an SVG's geometry: one line per skill over the answer
    number (so lines of skills practised in turn interleave), 0-100 % up the side and the
    "mastered" threshold as a dashed line. None without history."""
    if not history:
        return None
    count = len(history)
    plot_width = CHART_WIDTH - _LEFT - _RIGHT

    def x(index: int) -> float:
        if count == 1:
            return round(_LEFT + plot_width / 2, 1)
        return round(_LEFT + plot_width * index / (count - 1), 1)

    by_skill: dict[str, list[tuple[int, MasteryPoint]]] = {}
    for index, point in enumerate(history):
        by_skill.setdefault(point.skill_id, []).append((index, point))
    lines = []
    for style, (skill_id, points) in enumerate(by_skill.items()):
        title = titles.get(skill_id, skill_id)
        dots = [
            ChartDot(
                x(index),
                _y(point.mastery),
                point.correct,
                f"Answer {index + 1}, {title}: {'correct' if point.correct else 'not correct'}"
                f", mastery {percent(point.mastery)}",
            )
            for index, point in points
        ]
        lines.append(
            ChartLine(
                skill_id=skill_id,
                title=title,
                style=style % CHART_STYLES,
                points=" ".join(f"{dot.x},{dot.y}" for dot in dots),
                dots=dots,
                first=points[0][1].mastery,
                last=points[-1][1].mastery,
            )
        )
    y_ticks = [ChartTick(_y(value), percent(value)) for value in (0.0, 0.25, 0.5, 0.75, 1.0)]
    x_ticks = [ChartTick(x(0), "1")]
    if count > 1:
        middle = (count - 1) // 2
        if 0 < middle < count - 1 and count > 4:
            x_ticks.append(ChartTick(x(middle), str(middle + 1)))
        x_ticks.append(ChartTick(x(count - 1), str(count)))
    summary = "; ".join(
        f"{line.title}: from {percent(line.first)} to {percent(line.last)}" for line in lines
    )
    description = (
        f"Mastery after each of your last {count} answer{'s' if count != 1 else ''}. {summary}."
        f" A skill is mastered at {percent(MASTERED)}."
    )
    return Chart(
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
        left=_LEFT,
        right=CHART_WIDTH - _RIGHT,
        top=_TOP,
        bottom=CHART_HEIGHT - _BOTTOM,
        lines=lines,
        y_ticks=y_ticks,
        x_ticks=x_ticks,
        threshold_y=_y(MASTERED),
        answers=count,
        description=description,
    )


def practised(progress: ProgressOut) -> list[SkillProgress]:
    """The skills worth a row: ever answered, in a session, or mastered."""
    return [
        skill
        for skill in progress.skills
        if skill.attempts or skill.active_session or skill.state in ("in_progress", "mastered")
    ]


@router.get(PROGRESS_PATH, response_class=HTMLResponse)
async def progress_page(
    request: Request, auth: PageAuthDep, service: LearningServiceDep
) -> Response:
    if (gone := _not_signed_in(auth, request)) is not None:
        return gone
    assert auth.principal is not None
    user_id = auth.principal.user_id
    progress = await service.progress(user_id)
    achievements = await service.achievements(user_id)
    titles = {item.skill.id: item.skill.title for item in progress.skills}
    context = {
        "page": "learn",
        "progress": progress,
        "overall": progress.overall,
        "chart": mastery_chart(progress.history, titles),
        "rows": practised(progress),
        "achievements": achievements,
        **_helpers(dt.datetime.now(dt.UTC)),
    }
    return render(request, auth, "learning/progress.html", context)


# -- Highlighted code's stylesheet ---------------------------------------------------------


@functools.cache
def _stylesheet_version() -> str:
    return hashlib.sha256(stylesheet().encode()).hexdigest()[:12]


def highlight_css_url() -> str:
    """The stylesheet's URL, versioned by its content (so it can be cached for a year)."""
    return f"{HIGHLIGHT_CSS_PATH}?v={_stylesheet_version()}"


@router.get(HIGHLIGHT_CSS_PATH)
async def highlight_css() -> Response:
    return Response(
        stylesheet(),
        media_type="text/css",
        headers={"Cache-Control": "public, max-age=31536000, immutable"},
    )
