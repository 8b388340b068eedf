"""The browser's sign-in pages (sign in, register, sign out, account) and the page auth
that every server-rendered page resolves.

A page never relies on its JavaScript to keep a sign-in alive: when the access cookie has
run out (15 idle minutes, or a browser restart with "remember me") the page request itself
exchanges the refresh cookie, so a reload always shows the visitor as they really are.
The tokens stay in httpOnly cookies; pages only ever see the CSRF token and an expiry.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import re
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar
from urllib.parse import urlencode, urlsplit

import structlog
from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.exc import SQLAlchemyError
from starlette.responses import Response

from devmentor.auth import cookies
from devmentor.auth.deps import AuthRuntimeDep, AuthServiceDep, ClientInfoDep
from devmentor.auth.exceptions import (
    AccountDisabled,
    AuthenticationFailed,
    CsrfFailed,
    InvalidCredentials,
    RegistrationClosed,
    UsernameTaken,
    WeakPassword,
)
from devmentor.auth.models import AuthSession, User
from devmentor.auth.navigation import describe_device, safe_next, signin_url
from devmentor.auth.runtime import AuthRuntime
from devmentor.auth.schemas import PASSWORD_MAX_LENGTH, USERNAME_PATTERN
from devmentor.auth.service import AuthService, ClientInfo, IssuedTokens, Principal
from devmentor.kit.db import utcnow
from devmentor.kit.errors import NotFound, RateLimited, ServiceUnavailable, Unprocessable
from devmentor.web.templating import NavItem, add_nav_item, templates

log = structlog.get_logger(__name__)

router = APIRouter(include_in_schema=False)

#: Pages that must never be the place a sign-in returns to (a redirect loop, or signing
#: out right after signing in).
AUTH_PATHS = frozenset({"/signin", "/register", "/signout"})
#: An access token this close to its end is renewed by the page request itself, so the
#: page's script never starts with a token about to lapse.
RENEW_WITHIN = dt.timedelta(seconds=90)
INCORRECT = "Incorrect username or password."
SIGNED_OUT_PATH = "/signin?signed_out=1"
USERNAME_MAX = 100
DISPLAY_NAME_MAX = 100
AVATAR_HUES = 6

_USERNAME = re.compile(USERNAME_PATTERN)
_TRUE = frozenset({"1", "on", "true", "yes"})

#: What the /signin?error= codes (GitHub's callback, mostly) mean to a person.
SIGNIN_ERRORS = {
    "github_state": (
        "The GitHub sign-in took too long or was started in another window. Please try again."
    ),
    "github_denied": "GitHub sign-in was cancelled.",
    "github_failed": "GitHub could not complete the sign-in. Please try again in a moment.",
    "registration_closed": (
        "That GitHub account has no DevMentor account here, and this server does not accept "
        "new accounts. Ask an administrator to create one for you."
    ),
    "account_disabled": "This account is disabled. Ask an administrator.",
    "account_link_conflict": (
        "That GitHub account is already linked to another DevMentor account."
    ),
    "session_ended": "Your sign-in has ended. Please sign in again.",
}
#: The same for /account?error= (a GitHub link attempt that failed).
ACCOUNT_ERRORS = {
    **SIGNIN_ERRORS,
    "github_denied": "Linking GitHub was cancelled.",
    "account_link_conflict": (
        "GitHub was not linked: that GitHub account belongs to another DevMentor account, "
        "or this account is linked to a different GitHub account."
    ),
    "session_ended": "Sign in again to link GitHub.",
    "csrf_failed": "That form had expired, so nothing was changed. Please try again.",
}
GENERIC_ERROR = "Something went wrong. Please try again."
METHODS = {"password": "password", "github": "GitHub"}


# -- Who is looking at the page ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PageUser:
    """What the layout shows of the signed-in user."""

    username: str
    display_name: str
    avatar_url: str | None
    is_admin: bool

    @classmethod
    def of(cls, user: User) -> PageUser:
        return cls(
            username=user.username,
            display_name=user.display_name or user.username,
            avatar_url=user.avatar_url,
            is_admin=user.is_admin,
        )

    @property
    def initials(self) -> str:
        # The avatar is drawn from initials: the CSP allows no image from GitHub's host.
        words = [word for word in re.split(r"[\s._-]+", self.display_name) if word]
        letters = "".join(word[0] for word in words[:2]) or self.username[:1]
        return letters.upper()

    @property
    def hue(self) -> int:
        """A colour slot (0-5) stable per user, so the same person looks the same."""
        return hashlib.sha256(self.username.encode()).digest()[0] % AVATAR_HUES


R = TypeVar("R", bound=Response)


@dataclass(eq=False)
class PageAuth:
    """The visitor of one page request, and the cookie changes its response must carry.

    Handlers render with :func:`render` or :func:`redirect`, which call :meth:`apply`;
    a handler building its own response must call ``auth.apply(response)`` itself.
    """

    runtime: AuthRuntime
    csrf_token: str
    principal: Principal | None = None
    user: PageUser | None = None
    #: The header's "Sign in" link: back to this page afterwards.
    signin_href: str = "/signin"
    new_csrf: bool = False
    issued: IssuedTokens | None = None
    clear_session: bool = False

    @property
    def signed_in(self) -> bool:
        return self.principal is not None and self.user is not None

    @property
    def access_expires_at(self) -> dt.datetime | None:
        return self.principal.access_expires_at if self.principal else None

    @property
    def access_expires_unix(self) -> int | None:
        expires = self.access_expires_at
        return int(expires.timestamp()) if expires else None

    @property
    def server_time_unix(self) -> int:
        return int(utcnow().timestamp())

    @property
    def github_enabled(self) -> bool:
        return self.runtime.settings.github_enabled

    @property
    def registration_enabled(self) -> bool:
        return self.runtime.settings.registration_enabled

    @property
    def remember_days(self) -> int:
        return max(1, self.runtime.settings.remember_idle_ttl_seconds // 86400)

    @property
    def password_min_length(self) -> int:
        return self.runtime.settings.password_min_length

    def started(self, tokens: IssuedTokens, user: User) -> None:
        """This response signs the browser in with ``tokens``."""
        self.issued = tokens
        self.clear_session = False
        self.principal = _principal(user, tokens)
        self.user = PageUser.of(user)

    def ended(self) -> None:
        """This response signs the browser out."""
        self.issued = None
        self.clear_session = True
        self.principal = None
        self.user = None

    def apply(self, response: R) -> R:
        if self.issued is not None:
            cookies.set_session_cookies(response, self.issued, self.runtime, now=utcnow())
        elif self.clear_session:
            cookies.clear_session_cookies(response, self.runtime)
        if self.new_csrf:
            cookies.set_csrf_cookie(response, self.csrf_token, self.runtime)
        # Personal pages (and any response setting cookies) stay out of every cache, and
        # out of the back-forward cache once signed out; public ones revalidate.
        personal = self.signed_in or self.issued is not None or self.clear_session
        response.headers["Cache-Control"] = "no-store" if personal else "private, no-cache"
        return response


def _principal(user: User, tokens: IssuedTokens) -> Principal:
    return Principal(
        user_id=user.id,
        session_id=tokens.session_id,
        username=user.username,
        is_admin=user.is_admin,
        access_expires_at=tokens.access_expires_at,
    )


def _here(request: Request) -> str:
    query = request.url.query
    return request.url.path + ("?" + query if query else "")


def _signin_href(request: Request) -> str:
    if request.url.path in AUTH_PATHS:
        return signin_url(next_target(request.query_params.get("next")))
    return signin_url(_here(request))


def next_target(value: str | None) -> str:
    """Where to go after signing in: a local path, never back into the sign-in pages."""
    target = safe_next(value)
    return "/" if urlsplit(target).path in AUTH_PATHS else target


async def get_page_auth(
    request: Request, service: AuthServiceDep, runtime: AuthRuntimeDep, client: ClientInfoDep
) -> PageAuth:
    token, new = cookies.csrf_token(request, runtime)
    if not token.isascii():
        # Not one we issued (ours are URL-safe base64): replace it rather than echo it
        # into every page's forms and <meta>.
        token, new = secrets.token_urlsafe(32), True
    auth = PageAuth(
        runtime=runtime, csrf_token=token, new_csrf=new, signin_href=_signin_href(request)
    )
    # The layout's navigation reads it from here (see web.templating).
    request.state.page_auth = auth
    try:
        await _resolve(auth, request, service, client)
    except (SQLAlchemyError, OSError, ServiceUnavailable) as exc:
        # The status page must still render while the database is down: show the visitor
        # signed out for this request, but keep their cookies for when it is back.
        log.warning("page_auth_unavailable", error=type(exc).__name__)
        await service.session.rollback()
        auth.principal = auth.user = auth.issued = None
        auth.clear_session = False
    return auth


async def _resolve(
    auth: PageAuth, request: Request, service: AuthService, client: ClientInfo
) -> None:
    runtime = auth.runtime
    access = cookies.read_cookie(request, cookies.ACCESS, runtime)
    raw_refresh = cookies.read_cookie(request, cookies.REFRESH, runtime)
    principal: Principal | None = None
    if access is not None:
        try:
            principal = await service.authenticate_access(access)
        except AuthenticationFailed:
            principal = None
    renew = principal is None or principal.access_expires_at - utcnow() < RENEW_WITHIN
    if raw_refresh is not None and renew:
        # A refresh token that fails now would fail the script's refresh in a minute too:
        # the sign-in is over either way, so the page says so at once.
        tokens = await _refreshed(service, raw_refresh, client)
        user = await _active_user(service, tokens.user_id) if tokens else None
        if tokens is None or user is None:
            auth.clear_session = True
            return
        auth.started(tokens, user)
        return
    if principal is None:
        # A dead access cookie and no refresh cookie to renew it with.
        auth.clear_session = access is not None
        return
    user = await _active_user(service, principal.user_id)
    if user is None:
        auth.clear_session = True
        return
    auth.principal = principal
    auth.user = PageUser.of(user)


async def _refreshed(
    service: AuthService, raw_refresh: str, client: ClientInfo
) -> IssuedTokens | None:
    try:
        return await service.refresh(raw_refresh, client=client)
    except AuthenticationFailed as exc:
        # Not re-raised: the page renders signed out. A reused token has revoked its
        # session already (flushed), and this request's commit keeps that.
        log.info("page_refresh_failed", code=exc.code)
        return None


async def _active_user(service: AuthService, user_id: uuid.UUID) -> User | None:
    try:
        user = await service.get_user(user_id)
    except NotFound:
        return None
    return user if user.is_active else None


PageAuthDep = Annotated[PageAuth, Depends(get_page_auth)]


def _signed_in(request: Request) -> bool:
    auth = getattr(request.state, "page_auth", None)
    return isinstance(auth, PageAuth) and auth.signed_in


add_nav_item(NavItem("account", "Account", "/account", visible=_signed_in))


def render(
    request: Request,
    auth: PageAuth,
    name: str,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """A page from ``name`` with the visitor's pending cookie changes applied."""
    response = templates.TemplateResponse(
        request, name, dict(context or {}), status_code=status_code, headers=headers
    )
    return auth.apply(response)


def csrf_ok(request: Request, auth: PageAuth, submitted: str) -> bool:
    """Whether a form's ``csrf_token`` passes ``cookies.verify_csrf``."""
    try:
        cookies.verify_csrf(request, auth.runtime, submitted)
    except CsrfFailed:
        return False
    return True


def redirect(auth: PageAuth, url: str) -> RedirectResponse:
    """303 See Other: after a form post the browser follows with a GET."""
    return auth.apply(RedirectResponse(url, status_code=303))


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in _TRUE


def _with_query(path: str, **params: str) -> str:
    query = urlencode({name: value for name, value in params.items() if value})
    return path + ("?" + query if query else "")


async def _end_current(auth: PageAuth, service: AuthService) -> None:
    # Signing in over an existing sign-in would orphan it in the session list.
    if auth.principal is not None:
        await service.logout(auth.principal.session_id)


# -- Sign in -----------------------------------------------------------------------------


def _signin_context(
    target: str,
    *,
    username: str = "",
    error: str | None = None,
    notice: str | None = None,
    remember: bool = False,
) -> dict[str, Any]:
    next_param = "" if target == "/" else target
    return {
        "page": "signin",
        "next": next_param,
        "username": username,
        "remember": remember,
        "error": error,
        "notice": notice,
        "github_href": _with_query("/api/auth/github/login", next=next_param),
        "register_href": _with_query("/register", next=next_param),
    }


FormText = Annotated[str, Form()]
NextQuery = Annotated[str | None, Query(alias="next")]


@router.get("/signin", response_class=HTMLResponse)
async def signin_page(
    request: Request,
    auth: PageAuthDep,
    next_path: NextQuery = None,
    error: str | None = None,
    signed_out: str | None = None,
) -> Response:
    target = next_target(next_path)
    if auth.signed_in:
        return redirect(auth, target)
    message = None
    if error:
        message = SIGNIN_ERRORS.get(error[:64], GENERIC_ERROR)
    notice = "You have signed out." if _flag(signed_out) and not message else None
    return render(
        request, auth, "auth/signin.html", _signin_context(target, error=message, notice=notice)
    )


@router.post("/signin", response_class=HTMLResponse)
async def signin_submit(
    request: Request,
    auth: PageAuthDep,
    service: AuthServiceDep,
    client: ClientInfoDep,
    username: FormText = "",
    password: FormText = "",
    remember: FormText = "",
    next_path: Annotated[str, Form(alias="next")] = "",
    csrf_token: FormText = "",
) -> Response:
    target = next_target(next_path)
    remembered = _flag(remember)
    shown_name = username.strip()[:USERNAME_MAX]

    def again(message: str, status: int, headers: Mapping[str, str] | None = None) -> Response:
        context = _signin_context(target, username=shown_name, error=message, remember=remembered)
        return render(
            request, auth, "auth/signin.html", context, status_code=status, headers=headers
        )

    if not csrf_ok(request, auth, csrf_token):
        return again("This form had expired. Please sign in again.", 403)
    if not username.strip() or not password:
        return again("Enter your username and password.", 422)
    if len(username) > USERNAME_MAX or len(password) > PASSWORD_MAX_LENGTH:
        return again(INCORRECT, 401)
    try:
        user = await service.authenticate(username, password, client=client)
    except InvalidCredentials:
        return again(INCORRECT, 401)
    except AccountDisabled:
        return again(SIGNIN_ERRORS["account_disabled"], 403)
    except RateLimited as exc:
        return again(
            "Too many sign-in attempts. Please wait a while and try again.", 429, exc.headers
        )
    except ServiceUnavailable:
        return again("Signing in is unavailable right now. Please try again shortly.", 503)
    await _end_current(auth, service)
    tokens = await service.start_session(
        user, method="password", remember=remembered, client=client
    )
    auth.started(tokens, user)
    return redirect(auth, target)


# -- Register ------------------------------------------------------------------------


def _register_context(
    target: str,
    *,
    values: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
    error: str | None = None,
) -> dict[str, Any]:
    next_param = "" if target == "/" else target
    return {
        "page": "register",
        "next": next_param,
        "values": dict(values or {}),
        "errors": dict(errors or {}),
        "error": error,
        "signin_href": signin_url(next_param),
    }


@router.get("/register", response_class=HTMLResponse)
async def register_page(
    request: Request,
    auth: PageAuthDep,
    next_path: NextQuery = None,
) -> Response:
    target = next_target(next_path)
    if auth.signed_in:
        return redirect(auth, target)
    return render(request, auth, "auth/register.html", _register_context(target))


@router.post("/register", response_class=HTMLResponse)
async def register_submit(
    request: Request,
    auth: PageAuthDep,
    service: AuthServiceDep,
    client: ClientInfoDep,
    username: FormText = "",
    display_name: FormText = "",
    password: FormText = "",
    confirm_password: FormText = "",
    next_path: Annotated[str, Form(alias="next")] = "",
    csrf_token: FormText = "",
) -> Response:
    target = next_target(next_path)
    values = {"username": username.strip()[:39], "display_name": display_name.strip()[:100]}

    def again(
        status: int,
        *,
        errors: Mapping[str, str] | None = None,
        error: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        context = _register_context(target, values=values, errors=errors, error=error)
        return render(
            request, auth, "auth/register.html", context, status_code=status, headers=headers
        )

    if not auth.registration_enabled:
        return again(403)
    if not csrf_ok(request, auth, csrf_token):
        return again(403, error="This form had expired. Please try again.")
    try:
        await service.limiter.check(
            auth.runtime.login_limit_per_ip, client.ip, scope="register", fail_open=False
        )
    except RateLimited as exc:
        return again(429, error="Too many attempts. Please wait a while.", headers=exc.headers)
    except ServiceUnavailable:
        return again(503, error="Registration is unavailable right now. Please try shortly.")

    errors: dict[str, str] = {}
    name = username.strip()
    if not name:
        errors["username"] = "Choose a username."
    elif len(name) > 39 or not _USERNAME.fullmatch(name):
        errors["username"] = (
            "Use 1-39 letters, digits, '.', '_' or '-', starting and ending with a letter or digit."
        )
    if len(display_name.strip()) > DISPLAY_NAME_MAX:
        errors["display_name"] = f"Use at most {DISPLAY_NAME_MAX} characters."
    if not password:
        errors["password"] = "Choose a password."  # noqa: S105 - a message
    elif len(password) > PASSWORD_MAX_LENGTH:
        errors["password"] = f"Use at most {PASSWORD_MAX_LENGTH} characters."
    elif password != confirm_password:
        errors["confirm_password"] = "The passwords do not match."  # noqa: S105 - a message
    if errors:
        return again(422, errors=errors)

    status = 422
    try:
        user = await service.register(name, password, display_name=display_name.strip() or None)
    except RegistrationClosed:
        await service.session.rollback()
        return again(403)
    except UsernameTaken as exc:
        errors["username"], status = exc.detail, 409
    except WeakPassword as exc:
        errors["password"] = exc.detail
    except Unprocessable as exc:
        errors["username"] = exc.detail
    if errors:
        # A failed insert leaves the transaction unusable; nothing in it is worth keeping.
        await service.session.rollback()
        return again(status, errors=errors)
    await _end_current(auth, service)
    tokens = await service.start_session(user, method="password", remember=False, client=client)
    auth.started(tokens, user)
    return redirect(auth, target)


# -- Sign out ------------------------------------------------------------------------


@router.get("/signout", response_class=HTMLResponse)
async def signout_page(request: Request, auth: PageAuthDep) -> Response:
    """A confirmation form: where a sign-out link or a stale form lands."""
    if not auth.signed_in:
        return redirect(auth, "/signin")
    return render(request, auth, "auth/signout.html", {"page": "signout"})


@router.post("/signout", response_class=HTMLResponse)
async def signout_submit(
    request: Request, auth: PageAuthDep, service: AuthServiceDep, csrf_token: FormText = ""
) -> Response:
    if not auth.signed_in:
        # Nothing to end (a page auth that failed has cleared the cookies already).
        return redirect(auth, SIGNED_OUT_PATH if auth.clear_session else "/signin")
    if not csrf_ok(request, auth, csrf_token):
        context = {"page": "signout", "error": "That form had expired. Sign out from here."}
        return render(request, auth, "auth/signout.html", context, status_code=403)
    assert auth.principal is not None
    await service.logout(auth.principal.session_id)
    auth.ended()
    return redirect(auth, SIGNED_OUT_PATH)


# -- Account ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SessionRow:
    id: uuid.UUID
    device: str
    method: str
    ip: str
    remember: bool
    created_at: dt.datetime
    last_used_at: dt.datetime
    current: bool

    @classmethod
    def of(cls, item: AuthSession, current: uuid.UUID) -> SessionRow:
        return cls(
            id=item.id,
            device=describe_device(item.user_agent),
            method=METHODS.get(item.method, item.method),
            ip=item.ip or "unknown",
            remember=item.remember,
            created_at=item.created_at,
            last_used_at=item.last_used_at,
            current=item.id == current,
        )


@router.get("/account", response_class=HTMLResponse)
async def account_page(
    request: Request,
    auth: PageAuthDep,
    service: AuthServiceDep,
    error: str | None = None,
    revoked: str | None = None,
) -> Response:
    if not auth.signed_in or auth.principal is None:
        return redirect(auth, signin_url(_here(request)))
    principal = auth.principal
    user = await service.get_user(principal.user_id)
    sessions = await service.list_sessions(principal.user_id, current=principal.session_id)
    rows = [SessionRow.of(item, principal.session_id) for item in sessions]
    # The current session first: it is the one people look for.
    rows.sort(key=lambda row: not row.current)
    settings = auth.runtime.settings
    context = {
        "page": "account",
        "profile": user,
        "sessions": rows,
        "error": ACCOUNT_ERRORS.get(error[:64], GENERIC_ERROR) if error else None,
        "notice": "That session has been signed out." if _flag(revoked) else None,
        "github_profile_url": (
            f"{settings.github_base_url}/{user.github_login}" if user.github_login else None
        ),
        "github_link_href": _with_query("/api/auth/github/login", next="/account"),
    }
    return render(request, auth, "auth/account.html", context)


def _account_form(
    request: Request, auth: PageAuth, csrf_token: str
) -> tuple[Principal | None, Response | None]:
    """The signed-in principal of a no-JS account form, or the response that ends it."""
    if not auth.signed_in or auth.principal is None:
        return None, redirect(auth, signin_url("/account"))
    if not csrf_ok(request, auth, csrf_token):
        return None, redirect(auth, "/account?error=csrf_failed")
    return auth.principal, None


@router.post("/account/sessions/{session_id}/revoke", response_class=HTMLResponse)
async def revoke_session_submit(
    session_id: uuid.UUID,
    request: Request,
    auth: PageAuthDep,
    service: AuthServiceDep,
    csrf_token: FormText = "",
) -> Response:
    """The form behind each "Sign out" button of the session list (account.js uses the API)."""
    principal, done = _account_form(request, auth, csrf_token)
    if principal is None:
        assert done is not None
        return done
    # NotFound: gone already, the list the visitor saw was stale.
    with contextlib.suppress(NotFound):
        await service.revoke_session(principal.user_id, session_id)
    if session_id == principal.session_id:
        auth.ended()
        return redirect(auth, SIGNED_OUT_PATH)
    return redirect(auth, "/account?revoked=1")


@router.post("/account/sessions/revoke-all", response_class=HTMLResponse)
async def revoke_all_submit(
    request: Request, auth: PageAuthDep, service: AuthServiceDep, csrf_token: FormText = ""
) -> Response:
    principal, done = _account_form(request, auth, csrf_token)
    if principal is None:
        assert done is not None
        return done
    await service.logout_all(principal.user_id)
    auth.ended()
    return redirect(auth, SIGNED_OUT_PATH)
