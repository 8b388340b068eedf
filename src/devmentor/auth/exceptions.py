"""Sign-in errors. Messages never say whether an account exists."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from devmentor.kit.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    Unauthorized,
    Unprocessable,
)


class AuthenticationFailed(Unauthorized):
    """Base of the 401s: says how to authenticate (RFC 6750)."""

    def __init__(
        self,
        detail: str | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        challenge = 'Bearer realm="devmentor"'
        if self.code != "unauthorized":
            challenge += f', error="{self.bearer_error}"'
        super().__init__(
            detail, headers={"WWW-Authenticate": challenge, **(headers or {})}, extra=extra
        )

    bearer_error = "invalid_token"


class NotSignedIn(AuthenticationFailed):
    code = "unauthorized"
    title = "Authentication required"


class InvalidCredentials(AuthenticationFailed):
    code = "invalid_credentials"
    title = "Invalid credentials"
    bearer_error = "invalid_request"


class InvalidToken(AuthenticationFailed):
    code = "invalid_token"
    title = "Invalid token"


class TokenExpired(AuthenticationFailed):
    code = "token_expired"
    title = "Token expired"


class SessionEnded(AuthenticationFailed):
    code = "session_ended"
    title = "Signed out"


class RefreshTokenReused(AuthenticationFailed):
    """A rotated refresh token came back: someone else has a copy. The revocation of
    the whole session must stick even though the request fails."""

    code = "refresh_token_reused"
    title = "Refresh token reused"
    keep_changes = True


class RegistrationClosed(Forbidden):
    code = "registration_closed"
    title = "Registration closed"


class AccountDisabled(Forbidden):
    code = "account_disabled"
    title = "Account disabled"


class CsrfFailed(Forbidden):
    code = "csrf_failed"
    title = "CSRF check failed"


class UsernameTaken(Conflict):
    code = "username_taken"
    title = "Username taken"


class AccountLinkConflict(Conflict):
    code = "account_link_conflict"
    title = "Account already linked"


class GitHubNotConfigured(NotFound):
    code = "github_not_configured"
    title = "GitHub sign-in is not configured"


class GitHubSignInFailed(BadRequest):
    code = "github_sign_in_failed"
    title = "GitHub sign-in failed"


class WeakPassword(Unprocessable):
    code = "weak_password"
    title = "Password too weak"
