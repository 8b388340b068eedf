"""The sign-in API under /api: JSON for API clients, cookies for the browser."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from typing import Annotated

import structlog
from fastapi import APIRouter, Body, Query, Request, Response
from fastapi.responses import RedirectResponse

from devmentor.auth import cookies
from devmentor.auth.deps import (
    AuthRuntimeDep,
    AuthServiceDep,
    ClientInfoDep,
    CurrentUser,
    bearer_scheme,
)
from devmentor.auth.exceptions import (
    AccountDisabled,
    AccountLinkConflict,
    AuthenticationFailed,
    GitHubNotConfigured,
    NotSignedIn,
    RegistrationClosed,
)
from devmentor.auth.github import GitHubError, GitHubOAuth
from devmentor.auth.models import User
from devmentor.auth.navigation import describe_device, safe_next, signin_url
from devmentor.auth.runtime import AuthRuntime
from devmentor.auth.schemas import (
    CookieSessionOut,
    LoginIn,
    LogoutIn,
    RefreshIn,
    RegisterIn,
    RevokedOut,
    SessionOut,
    TokenPairOut,
    UserOut,
)
from devmentor.auth.service import IssuedTokens
from devmentor.auth.tokens import TokenError
from devmentor.kit.crypto import constant_time_equals
from devmentor.kit.db import utcnow
from devmentor.kit.errors import problem_from_error

log = structlog.get_logger(__name__)

router = APIRouter(tags=["auth"])

#: How long a GitHub round trip (authorize page, consent, callback) may take.
OAUTH_STATE_TTL = dt.timedelta(minutes=10)


def user_out(user: User) -> UserOut:
    return UserOut(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        email=user.email,
        avatar_url=user.avatar_url,
        is_admin=user.is_admin,
        github_login=user.github_login,
        has_password=user.password_hash is not None,
        created_at=user.created_at,
        last_login_at=user.last_login_at,
    )


def pair_out(tokens: IssuedTokens) -> TokenPairOut:
    now = utcnow()
    return TokenPairOut(
        access_token=tokens.access_token,
        refresh_token=tokens.refresh_token,
        expires_in=max(0, int((tokens.access_expires_at - now).total_seconds())),
        refresh_expires_in=max(0, int((tokens.refresh_expires_at - now).total_seconds())),
        session_id=tokens.session_id,
    )


@router.post(
    "/auth/register",
    status_code=201,
    summary="Create a local account",
    responses={403: {"description": "Registration is closed"}, 409: {"description": "Taken"}},
)
async def register(body: RegisterIn, service: AuthServiceDep, client: ClientInfoDep) -> UserOut:
    await service.limiter.check(
        service.runtime.login_limit_per_ip, client.ip, scope="register", fail_open=False
    )
    user = await service.register(
        body.username, body.password, display_name=body.display_name, email=body.email
    )
    return user_out(user)


@router.post("/auth/login", summary="Sign in with a username and password")
async def login(body: LoginIn, service: AuthServiceDep, client: ClientInfoDep) -> TokenPairOut:
    user = await service.authenticate(body.username, body.password, client=client)
    tokens = await service.start_session(
        user, method="password", remember=body.remember, client=client
    )
    return pair_out(tokens)


@router.post(
    "/auth/refresh",
    response_model=TokenPairOut | CookieSessionOut,
    summary="Exchange a refresh token for a new token pair (rotation)",
    description=(
        "Send `refresh_token` in the body (API clients), or nothing with the refresh "
        "cookie and the `X-CSRF-Token` header (the browser: the new tokens are set as "
        "cookies, not returned). Each refresh token works once; presenting a used one "
        "again ends the whole sign-in session."
    ),
)
async def refresh(
    request: Request,
    response: Response,
    service: AuthServiceDep,
    runtime: AuthRuntimeDep,
    client: ClientInfoDep,
    body: Annotated[RefreshIn | None, Body()] = None,
) -> Response | TokenPairOut | CookieSessionOut:
    if body is not None and body.refresh_token is not None:
        return pair_out(await service.refresh(body.refresh_token, client=client))
    raw = cookies.read_cookie(request, cookies.REFRESH, runtime)
    if raw is None:
        raise NotSignedIn("Send a refresh_token (or, in the browser, the refresh cookie).")
    cookies.verify_csrf(request, runtime, request.headers.get(cookies.CSRF_HEADER))
    try:
        tokens = await service.refresh(raw, client=client)
    except AuthenticationFailed as exc:
        # Returned, not raised: a revocation made by the failure must still be committed,
        # and the dead cookies cleared.
        failed = problem_from_error(request, exc)
        cookies.clear_session_cookies(failed, runtime)
        return failed
    cookies.set_session_cookies(response, tokens, runtime, now=utcnow())
    return CookieSessionOut(
        expires_in=max(0, int((tokens.access_expires_at - utcnow()).total_seconds())),
        session_id=tokens.session_id,
    )


@router.post("/auth/logout", status_code=204, summary="End this sign-in session")
async def logout(
    request: Request,
    service: AuthServiceDep,
    runtime: AuthRuntimeDep,
    body: Annotated[LogoutIn | None, Body()] = None,
) -> Response:
    credentials = await bearer_scheme(request)
    if credentials is not None:
        principal = await service.authenticate_access(credentials.credentials)
        await service.logout(principal.session_id)
    elif body is not None and body.refresh_token is not None:
        await service.logout_refresh_token(body.refresh_token)
    else:
        # The browser: its access cookie may have expired; the refresh cookie still
        # names the session.
        access = cookies.read_cookie(request, cookies.ACCESS, runtime)
        raw_refresh = cookies.read_cookie(request, cookies.REFRESH, runtime)
        if access is None and raw_refresh is None:
            raise NotSignedIn("Not signed in.")
        cookies.verify_csrf(request, runtime, request.headers.get(cookies.CSRF_HEADER))
        await _logout_browser(service, access, raw_refresh)
    response = Response(status_code=204)
    cookies.clear_session_cookies(response, runtime)
    return response


async def _logout_browser(
    service: AuthServiceDep, access: str | None, raw_refresh: str | None
) -> None:
    if access is not None:
        try:
            principal = await service.authenticate_access(access)
        except AuthenticationFailed:
            pass
        else:
            await service.logout(principal.session_id)
            return
    if raw_refresh is not None:
        await service.logout_refresh_token(raw_refresh)


@router.post("/auth/logout-all", summary="End every sign-in session of this account")
async def logout_all(
    request: Request,
    response: Response,
    principal: CurrentUser,
    service: AuthServiceDep,
    runtime: AuthRuntimeDep,
) -> RevokedOut:
    revoked = await service.logout_all(principal.user_id)
    if getattr(request.state, "auth_via_cookie", False):
        cookies.clear_session_cookies(response, runtime)
    return RevokedOut(revoked=revoked)


@router.get("/auth/sessions", summary="List this account's active sign-in sessions")
async def list_sessions(principal: CurrentUser, service: AuthServiceDep) -> list[SessionOut]:
    sessions = await service.list_sessions(principal.user_id, current=principal.session_id)
    return [
        SessionOut(
            id=item.id,
            method=item.method,
            device=describe_device(item.user_agent),
            ip=item.ip,
            remember=item.remember,
            created_at=item.created_at,
            last_used_at=item.last_used_at,
            expires_at=item.expires_at,
            current=item.id == principal.session_id,
        )
        for item in sessions
    ]


@router.delete(
    "/auth/sessions/{session_id}",
    status_code=204,
    summary="End one of this account's sessions",
    responses={404: {"description": "No such session (or not yours)"}},
)
async def revoke_session(
    session_id: uuid.UUID,
    request: Request,
    principal: CurrentUser,
    service: AuthServiceDep,
    runtime: AuthRuntimeDep,
) -> Response:
    await service.revoke_session(principal.user_id, session_id)
    response = Response(status_code=204)
    if session_id == principal.session_id and getattr(request.state, "auth_via_cookie", False):
        cookies.clear_session_cookies(response, runtime)
    return response


@router.get("/me", summary="The signed-in user")
async def me(principal: CurrentUser, service: AuthServiceDep) -> UserOut:
    return user_out(await service.get_user(principal.user_id))


# -- GitHub ---------------------------------------------------------------------------


def _github(runtime: AuthRuntime) -> GitHubOAuth:
    if not runtime.settings.github_enabled:
        raise GitHubNotConfigured("GitHub sign-in is not configured on this server.")
    return GitHubOAuth(runtime.settings)


@router.get(
    "/auth/github/login",
    summary="Start signing in with GitHub (a browser navigation)",
    response_class=RedirectResponse,
    status_code=302,
)
async def github_login(
    request: Request,
    service: AuthServiceDep,
    runtime: AuthRuntimeDep,
    next_path: Annotated[str | None, Query(alias="next", max_length=2000)] = None,
    remember: bool = False,
) -> RedirectResponse:
    github = _github(runtime)
    state = secrets.token_urlsafe(24)
    verifier = secrets.token_urlsafe(48)
    # Signed in already: this round trip links GitHub to the account.
    link_to: str | None = None
    access = cookies.read_cookie(request, cookies.ACCESS, runtime)
    if access is not None:
        try:
            link_to = str((await service.authenticate_access(access)).user_id)
        except AuthenticationFailed:
            link_to = None
    now = utcnow()
    signed = runtime.oauth_state.encode(
        {
            "state": state,
            "verifier": verifier,
            "next": safe_next(next_path),
            "remember": remember,
            "link": link_to,
        },
        ttl=OAUTH_STATE_TTL,
        now=now,
    )
    redirect_uri = str(request.url_for("github_callback"))
    response = RedirectResponse(
        github.authorization_url(redirect_uri=redirect_uri, state=state, code_verifier=verifier),
        status_code=302,
    )
    cookies.set_oauth_cookie(
        response, signed, runtime, max_age=int(OAUTH_STATE_TTL.total_seconds())
    )
    return response


@router.get(
    "/auth/github/callback",
    name="github_callback",
    summary="GitHub sends the browser back here",
    response_class=RedirectResponse,
    status_code=303,
)
async def github_callback(
    request: Request,
    service: AuthServiceDep,
    runtime: AuthRuntimeDep,
    client: ClientInfoDep,
    code: Annotated[str | None, Query(max_length=200)] = None,
    state: Annotated[str | None, Query(max_length=200)] = None,
    error: Annotated[str | None, Query(max_length=200)] = None,
) -> RedirectResponse:
    github = _github(runtime)
    saved = _read_oauth_state(request, runtime)
    next_path = safe_next(str(saved.get("next"))) if saved else "/"

    def fail(reason: str, *, log_reason: str) -> RedirectResponse:
        log.warning("github_sign_in_failed", reason=log_reason)
        target = "/account" if saved and saved.get("link") else signin_url(next_path)
        separator = "&" if "?" in target else "?"
        response = RedirectResponse(f"{target}{separator}error={reason}", status_code=303)
        cookies.clear_oauth_cookie(response, runtime)
        return response

    if saved is None:
        return fail("github_state", log_reason="missing or invalid state cookie")
    if error:
        return fail("github_denied", log_reason=f"github said {error[:40]}")
    if not code or not state or not constant_time_equals(str(saved.get("state", "")), state):
        return fail("github_state", log_reason="state mismatch")
    redirect_uri = str(request.url_for("github_callback"))
    try:
        grant = await github.exchange(
            code=code, redirect_uri=redirect_uri, code_verifier=str(saved["verifier"])
        )
        profile = await github.profile(grant.access_token)
    except GitHubError as exc:
        return fail("github_failed", log_reason=exc.reason)
    link = saved.get("link")
    try:
        user = await service.github_sign_in(
            profile, grant, link_to=uuid.UUID(str(link)) if link else None
        )
        tokens = await service.start_session(
            user, method="github", remember=bool(saved.get("remember")), client=client
        )
    except (RegistrationClosed, AccountDisabled, AccountLinkConflict, AuthenticationFailed) as exc:
        await service.session.rollback()
        return fail(exc.code, log_reason=exc.code)
    response = RedirectResponse(next_path, status_code=303)
    cookies.clear_oauth_cookie(response, runtime)
    cookies.set_session_cookies(response, tokens, runtime, now=utcnow())
    return response


def _read_oauth_state(request: Request, runtime: AuthRuntime) -> dict[str, object] | None:
    raw = cookies.read_cookie(request, cookies.OAUTH, runtime)
    if raw is None:
        return None
    try:
        return runtime.oauth_state.decode(raw, required=("state", "verifier"))
    except TokenError:
        return None
