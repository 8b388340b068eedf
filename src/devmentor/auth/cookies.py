"""The browser's side of sign-in: httpOnly cookies and the CSRF check that goes with them.

- ``dm_access``: the access JWT. ``dm_refresh``: the refresh token. Both httpOnly and
  SameSite=Lax (sent on top-level navigations, such as the return from GitHub). Without
  "remember me" they are session cookies, gone when the browser closes.
- ``dm_csrf``: a random token. State-changing requests authenticated by cookie must echo
  it in ``X-CSRF-Token`` (fetch) or a ``csrf_token`` form field (double submit), and must
  not come from another site (``Sec-Fetch-Site``). Bearer-token requests need neither:
  a browser never attaches a bearer token on its own.
- ``dm_oauth``: signed OAuth state and PKCE verifier for one GitHub round trip.

Over HTTPS the names carry the ``__Host-`` prefix (``__Secure-`` for ``dm_oauth``, which
has a narrower path): the browser then refuses them from a sibling subdomain or over
plain HTTP, which stops cookie tossing.
"""

from __future__ import annotations

import datetime as dt
import secrets

from starlette.requests import Request
from starlette.responses import Response

from devmentor.auth.exceptions import CsrfFailed
from devmentor.auth.runtime import AuthRuntime
from devmentor.auth.service import IssuedTokens
from devmentor.kit.crypto import constant_time_equals

ACCESS = "dm_access"
REFRESH = "dm_refresh"
CSRF = "dm_csrf"
OAUTH = "dm_oauth"
OAUTH_PATH = "/api/auth/github"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
_CSRF_MAX_AGE = 365 * 86400


def cookie_name(base: str, runtime: AuthRuntime) -> str:
    if not runtime.secure_cookies:
        return base
    return ("__Secure-" if base == OAUTH else "__Host-") + base


def read_cookie(request: Request, base: str, runtime: AuthRuntime) -> str | None:
    value = request.cookies.get(cookie_name(base, runtime))
    return value or None


def _seconds_until(moment: dt.datetime, now: dt.datetime) -> int:
    return max(0, int((moment - now).total_seconds()))


def set_session_cookies(
    response: Response, tokens: IssuedTokens, runtime: AuthRuntime, *, now: dt.datetime
) -> None:
    # Remembered: the cookies outlive the browser (the access cookie expires with the JWT
    # and the refresh cookie brings it back). Not remembered: session cookies.
    access_age = _seconds_until(tokens.access_expires_at, now) if tokens.remember else None
    refresh_age = _seconds_until(tokens.refresh_expires_at, now) if tokens.remember else None
    for base, value, max_age in (
        (ACCESS, tokens.access_token, access_age),
        (REFRESH, tokens.refresh_token, refresh_age),
    ):
        response.set_cookie(
            cookie_name(base, runtime),
            value,
            max_age=max_age,
            path="/",
            secure=runtime.secure_cookies,
            httponly=True,
            samesite="lax",
        )


def clear_session_cookies(response: Response, runtime: AuthRuntime) -> None:
    for base in (ACCESS, REFRESH):
        response.delete_cookie(
            cookie_name(base, runtime),
            path="/",
            secure=runtime.secure_cookies,
            httponly=True,
            samesite="lax",
        )


def csrf_token(request: Request, runtime: AuthRuntime) -> tuple[str, bool]:
    """The browser's CSRF token, and whether it is new (then set it with set_csrf_cookie)."""
    existing = read_cookie(request, CSRF, runtime)
    if existing and 20 <= len(existing) <= 100:
        return existing, False
    return secrets.token_urlsafe(32), True


def set_csrf_cookie(response: Response, token: str, runtime: AuthRuntime) -> None:
    response.set_cookie(
        cookie_name(CSRF, runtime),
        token,
        max_age=_CSRF_MAX_AGE,
        path="/",
        secure=runtime.secure_cookies,
        httponly=True,  # pages carry it in a <meta> tag; scripts never need the cookie
        samesite="lax",
    )


def verify_csrf(request: Request, runtime: AuthRuntime, submitted: str | None) -> None:
    """Raise CsrfFailed unless ``submitted`` matches the cookie and the request is same-site."""
    if request.headers.get("sec-fetch-site") == "cross-site":
        raise CsrfFailed("Cross-site requests cannot change anything here.")
    expected = read_cookie(request, CSRF, runtime)
    if not expected or not submitted or not constant_time_equals(expected, submitted):
        raise CsrfFailed("The CSRF token is missing or wrong; reload the page and try again.")


def set_oauth_cookie(response: Response, value: str, runtime: AuthRuntime, max_age: int) -> None:
    response.set_cookie(
        cookie_name(OAUTH, runtime),
        value,
        max_age=max_age,
        path=OAUTH_PATH,
        secure=runtime.secure_cookies,
        httponly=True,
        samesite="lax",
    )


def clear_oauth_cookie(response: Response, runtime: AuthRuntime) -> None:
    response.delete_cookie(
        cookie_name(OAUTH, runtime),
        path=OAUTH_PATH,
        secure=runtime.secure_cookies,
        httponly=True,
        samesite="lax",
    )
