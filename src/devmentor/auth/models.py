"""Accounts, sign-in sessions and their refresh tokens.

A *session* is one sign-in on one device: the unit a user sees and revokes. Its refresh
tokens form a chain (a "family"): each use marks the token used and issues the next.
Presenting a used token again, after the grace window, means someone else holds a copy,
so the whole session is revoked.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from devmentor.kit.db import Base, UTCDateTime, utcnow


class User(Base):
    __tablename__ = "users"

    id: Mapped[uuid.UUID] = mapped_column(Uuid(), primary_key=True, default=uuid.uuid4)
    #: Lower-case; unique. GitHub's limit (39) so a GitHub login always fits.
    username: Mapped[str] = mapped_column(String(39), nullable=False, unique=True)
    display_name: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    email: Mapped[str | None] = mapped_column(String(320), nullable=True)
    avatar_url: Mapped[str | None] = mapped_column(String(500), nullable=True)
    #: argon2id; None for accounts that only sign in with GitHub.
    password_hash: Mapped[str | None] = mapped_column(String(255), nullable=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    #: Accounts are linked by GitHub's numeric id: logins can be renamed, ids cannot.
    github_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True, unique=True)
    github_login: Mapped[str | None] = mapped_column(String(39), nullable=True)
    #: The GitHub access token, encrypted (kit.crypto.SecretBox); never stored in clear.
    github_token_encrypted: Mapped[str | None] = mapped_column(Text, nullable=True)
    github_scopes: Mapped[str | None] = mapped_column(String(500), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime(), nullable=False, default=utcnow, onupdate=utcnow
    )
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class AuthSession(Base):
    __tablename__ = "auth_sessions"

    id: Mapped[uuid.UUID] = mapped_column(Uuid(), primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid(), ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: "password" or "github": how this sign-in happened.
    method: Mapped[str] = mapped_column(String(16), nullable=False)
    remember: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    user_agent: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    ip: Mapped[str] = mapped_column(String(45), nullable=False, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    last_used_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    #: Absolute end of this sign-in, however active it is.
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    #: "logout", "logout_all", "revoked", "refresh_reuse", "expired".
    revoked_reason: Mapped[str | None] = mapped_column(String(32), nullable=True)


class RefreshToken(Base):
    __tablename__ = "refresh_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[uuid.UUID] = mapped_column(
        Uuid(), ForeignKey("auth_sessions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: HMAC-SHA256 of the token (kit.crypto.keyed_hash); the token itself is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False)
    #: When it was exchanged for the next token; a second use after the grace window
    #: revokes the session.
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
