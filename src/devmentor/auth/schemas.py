"""Request and response bodies of the sign-in API."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

#: GitHub's rule, so any GitHub login is a valid username: letters, digits, single
#: hyphens (we also allow '_' and '.'), 1-39 characters, not starting with a symbol.
USERNAME_PATTERN = r"^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,37}[A-Za-z0-9])?$"
PASSWORD_MAX_LENGTH = 256


class RegisterIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)

    username: str = Field(min_length=1, max_length=39, pattern=USERNAME_PATTERN)
    password: str = Field(min_length=1, max_length=PASSWORD_MAX_LENGTH)
    display_name: str | None = Field(default=None, max_length=100)
    email: str | None = Field(default=None, max_length=320, pattern=r"^[^@\s]+@[^@\s]+$")


class LoginIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Not pattern-checked: a malformed name simply fails like a wrong password would.
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=PASSWORD_MAX_LENGTH)
    remember: bool = False


class RefreshIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    #: Omitted by the browser, which sends its refresh cookie instead.
    refresh_token: str | None = Field(default=None, min_length=1, max_length=200)


class LogoutIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    refresh_token: str | None = Field(default=None, min_length=1, max_length=200)


class TokenPairOut(BaseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105 - a token type, not a secret
    #: Seconds until the access token expires.
    expires_in: int
    #: Seconds until the refresh token expires unless used.
    refresh_expires_in: int
    session_id: uuid.UUID


class CookieSessionOut(BaseModel):
    """The browser's refresh answer: the tokens went into httpOnly cookies, not the body."""

    token_type: Literal["cookie"] = "cookie"  # noqa: S105 - a token type, not a secret
    expires_in: int
    session_id: uuid.UUID


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    username: str
    display_name: str
    email: str | None
    avatar_url: str | None
    is_admin: bool
    github_login: str | None
    has_password: bool
    created_at: dt.datetime
    last_login_at: dt.datetime | None


class SessionOut(BaseModel):
    id: uuid.UUID
    method: str
    device: str
    ip: str
    remember: bool
    created_at: dt.datetime
    last_used_at: dt.datetime
    expires_at: dt.datetime
    #: True for the session the request itself was made with.
    current: bool


class RevokedOut(BaseModel):
    revoked: int
