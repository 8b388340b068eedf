"""The "Ask the mentor" page (``GET/POST /mentor``).

With JavaScript, static/js/mentor.js streams the answer from ``/api/mentor/ask/stream`` and
renders it in the browser. Without it, the same form posts here and the answer comes back
in the page, rendered by ``devmentor.web.markdown``: the same Markdown subset as the
script's renderer, so an answer looks the same either way. Model output is text to
escape, never HTML to trust: a model can be talked into writing ``<script>``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup
from pydantic import ValidationError
from starlette.responses import Response

from devmentor.ai.deps import MentorServiceDep
from devmentor.ai.schemas import MAX_CODE_CHARS, MAX_QUESTION_CHARS, AskRequest
from devmentor.auth.navigation import signin_url
from devmentor.auth.pages import FormText, PageAuth, PageAuthDep, csrf_ok, redirect, render
from devmentor.kit.errors import DevMentorError
from devmentor.web.markdown import render_markdown
from devmentor.web.templating import NavItem, add_nav_item

router = APIRouter(include_in_schema=False)

MENTOR_PATH = "/mentor"
TEMPLATE = "mentor/ask.html"

#: The language picker: (form value, label). "" lets the mentor detect the language.
LANGUAGES: tuple[tuple[str, str], ...] = (
    ("", "Auto-detect"),
    ("python", "Python"),
    ("javascript", "JavaScript"),
    ("typescript", "TypeScript"),
    ("sql", "SQL"),
    ("go", "Go"),
    ("java", "Java"),
    ("rust", "Rust"),
    ("other", "Other"),
)
_LANGUAGE_VALUES = frozenset(value for value, _ in LANGUAGES)
#: Picker values that name no language the mentor knows: asked as "not stated", so the
#: offline mentor does not answer "I have no other-specific checks".
_UNSTATED_LANGUAGES = frozenset({"", "other"})
_FIELDS = ("question", "code", "language")


def _signed_in(request: Request) -> bool:
    auth = getattr(request.state, "page_auth", None)
    return isinstance(auth, PageAuth) and auth.signed_in


# Next to Home: asking the mentor is what a signed-in visitor comes for. A short label:
# the header must fit five links and the account controls on one line from 64rem up.
add_nav_item(NavItem("mentor", "Mentor", MENTOR_PATH, visible=_signed_in), before="status")


# -- The page ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AnswerView:
    html: Markup
    mode: str
    notice: str | None
    provider: str
    model: str
    cached: bool


def _values(question: str = "", code: str = "", language: str = "") -> dict[str, str]:
    return {"question": question, "code": code, "language": language}


def _context(
    values: Mapping[str, str],
    *,
    errors: Mapping[str, str] | None = None,
    error: str | None = None,
    answer: AnswerView | None = None,
) -> dict[str, Any]:
    return {
        "page": "mentor",
        "values": dict(values),
        "errors": dict(errors or {}),
        "error": error,
        "answer": answer,
        "languages": LANGUAGES,
        "max_question": MAX_QUESTION_CHARS,
        "max_code": MAX_CODE_CHARS,
    }


def _lines(value: str) -> str:
    # Browsers send a textarea's line breaks as CRLF; the limits count a break once, as the
    # script (which sends the textarea's value) does.
    return value.replace("\r\n", "\n").replace("\r", "\n")


def wait_text(seconds: int) -> str:
    """A Retry-After for people: "45 seconds", "3 minutes", "2 hours" (rounded up)."""
    seconds = max(1, seconds)
    for size, unit in ((86_400, "day"), (3_600, "hour"), (60, "minute")):
        # Under two of a unit, the next smaller one says it more exactly.
        if seconds >= 2 * size:
            count = -(-seconds // size)
            return f"{count} {unit}s"
    return f"{seconds} second" + ("" if seconds == 1 else "s")


def problem_text(exc: DevMentorError) -> str:
    """What a failed ask says on the page: the problem's detail, and when to try again."""
    detail = exc.detail
    retry_after = exc.headers.get("Retry-After", "")
    if exc.status == 429 and retry_after.isdigit():
        detail = f"{detail} Try again in {wait_text(int(retry_after))}."
    return detail


def _validate(question: str, code: str, language: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not question:
        errors["question"] = "Enter your question."
    elif len(question) > MAX_QUESTION_CHARS:
        errors["question"] = (
            f"Use at most {MAX_QUESTION_CHARS:,} characters (this has {len(question):,})."
        )
    if len(code) > MAX_CODE_CHARS:
        errors["code"] = f"Use at most {MAX_CODE_CHARS:,} characters (this has {len(code):,})."
    elif "\x00" in code:
        errors["code"] = "The code contains NUL characters; paste it as text."
    if language not in _LANGUAGE_VALUES:
        errors["language"] = "Choose a language from the list."
    return errors


@router.get(MENTOR_PATH, response_class=HTMLResponse)
async def mentor_page(request: Request, auth: PageAuthDep) -> Response:
    if not auth.signed_in:
        return redirect(auth, signin_url(MENTOR_PATH))
    return render(request, auth, TEMPLATE, _context(_values()))


@router.post(MENTOR_PATH, response_class=HTMLResponse)
async def mentor_submit(
    request: Request,
    auth: PageAuthDep,
    service: MentorServiceDep,
    question: FormText = "",
    code: FormText = "",
    language: FormText = "",
    mode: FormText = "hint",
    csrf_token: FormText = "",
) -> Response:
    """The form without JavaScript: the answer, whole, rendered into the page."""
    if not auth.signed_in or auth.principal is None:
        return redirect(auth, signin_url(MENTOR_PATH))
    question, code = _lines(question).strip(), _lines(code)
    values = _values(question, code, language if language in _LANGUAGE_VALUES else "")

    def again(
        status: int,
        *,
        errors: Mapping[str, str] | None = None,
        error: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        context = _context(values, errors=errors, error=error)
        return render(request, auth, TEMPLATE, context, status_code=status, headers=headers)

    if not csrf_ok(request, auth, csrf_token):
        return again(403, error="This form had expired, so it was not sent. Please ask again.")
    if mode not in ("hint", "solution"):
        return again(422, error="Ask with “Get a hint” or “Show the solution”.")
    errors = _validate(question, code, language)
    if errors:
        return again(422, errors=errors)
    try:
        ask = AskRequest.model_validate(
            {
                "question": question,
                "code": code,
                "language": None if language in _UNSTATED_LANGUAGES else language,
                "mode": mode,
            }
        )
    except ValidationError as exc:
        # _validate covers the schema's rules; this is only a guard should the two drift.
        for problem in exc.errors():
            where = str(problem["loc"][0]) if problem["loc"] else ""
            errors.setdefault(where if where in _FIELDS else "question", problem["msg"])
        return again(422, errors=errors)
    try:
        reply = await service.ask(auth.principal.user_id, ask)
    except DevMentorError as exc:
        wait = exc.headers.get("Retry-After")
        headers = {"Retry-After": wait} if wait else None
        return again(exc.status, error=problem_text(exc), headers=headers)
    answer = AnswerView(
        html=render_markdown(reply.answer),
        mode=reply.mode,
        notice=reply.notice,
        provider=reply.completion.provider,
        model=reply.completion.model,
        cached=reply.completion.cached,
    )
    return render(request, auth, TEMPLATE, _context(values, answer=answer))
