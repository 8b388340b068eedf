"""Queries over users, sessions and refresh tokens. Services own the rules."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import CursorResult, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from devmentor.auth.models import AuthSession, RefreshToken, User


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, user_id: uuid.UUID) -> User | None:
        return await self.session.get(User, user_id)

    async def by_username(self, username: str) -> User | None:
        return await self.session.scalar(select(User).where(User.username == username.lower()))

    async def by_github_id(self, github_id: int) -> User | None:
        return await self.session.scalar(select(User).where(User.github_id == github_id))

    async def usernames_like(self, prefix: str) -> set[str]:
        rows = await self.session.scalars(
            select(User.username).where(User.username.startswith(prefix, autoescape=True))
        )
        return set(rows)

    async def add(self, user: User) -> User:
        self.session.add(user)
        await self.session.flush()
        return user

    async def list(self) -> Sequence[User]:
        return (await self.session.scalars(select(User).order_by(User.created_at))).all()

    async def count(self) -> int:
        return int(await self.session.scalar(select(func.count()).select_from(User)) or 0)


class SessionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, session_id: uuid.UUID) -> AuthSession | None:
        return await self.session.get(AuthSession, session_id)

    async def get_with_user(self, session_id: uuid.UUID) -> tuple[AuthSession, User] | None:
        row = (
            await self.session.execute(
                select(AuthSession, User)
                .join(User, User.id == AuthSession.user_id)
                .where(AuthSession.id == session_id)
            )
        ).first()
        return None if row is None else (row[0], row[1])

    async def add(self, auth_session: AuthSession) -> AuthSession:
        self.session.add(auth_session)
        await self.session.flush()
        return auth_session

    async def active_for_user(
        self, user_id: uuid.UUID, now: dt.datetime, *, current: uuid.UUID | None = None
    ) -> Sequence[AuthSession]:
        """Live sessions: not revoked, within their absolute end, and not idled out
        (``current``, the caller's own, is listed while its access token works)."""
        return (
            await self.session.scalars(
                select(AuthSession)
                .where(
                    AuthSession.user_id == user_id,
                    AuthSession.revoked_at.is_(None),
                    AuthSession.expires_at > now,
                    # Idled out: no unused refresh token left that could revive it.
                    or_(
                        AuthSession.id == current,
                        AuthSession.id.in_(
                            select(RefreshToken.session_id).where(
                                RefreshToken.used_at.is_(None), RefreshToken.expires_at > now
                            )
                        ),
                    ),
                )
                .order_by(AuthSession.last_used_at.desc())
            )
        ).all()

    async def revoke(
        self, session_ids: Sequence[uuid.UUID], *, reason: str, now: dt.datetime
    ) -> list[uuid.UUID]:
        """Revoke the still-active sessions among ``session_ids``; returns those revoked."""
        if not session_ids:
            return []
        result = await self.session.execute(
            update(AuthSession)
            .where(AuthSession.id.in_(session_ids), AuthSession.revoked_at.is_(None))
            .values(revoked_at=now, revoked_reason=reason)
            .returning(AuthSession.id)
            .execution_options(synchronize_session="fetch")
        )
        return list(result.scalars())

    async def active_ids_for_user(self, user_id: uuid.UUID) -> list[uuid.UUID]:
        rows = await self.session.scalars(
            select(AuthSession.id).where(
                AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None)
            )
        )
        return list(rows)


class RefreshTokenRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, token: RefreshToken) -> RefreshToken:
        self.session.add(token)
        await self.session.flush()
        return token

    async def find(self, token_hashes: Sequence[str]) -> tuple[RefreshToken, AuthSession] | None:
        """The token stored under any of ``token_hashes`` (one per known key)."""
        row = (
            await self.session.execute(
                select(RefreshToken, AuthSession)
                .join(AuthSession, AuthSession.id == RefreshToken.session_id)
                .where(RefreshToken.token_hash.in_(token_hashes))
            )
        ).first()
        return None if row is None else (row[0], row[1])

    async def claim(self, token_id: int, now: dt.datetime) -> bool:
        """Mark the token used if nobody has; True when this caller won.

        One conditional UPDATE: on PostgreSQL a concurrent claim waits for the row lock and
        then sees ``used_at`` set; on SQLite writers are serialized. Either way one wins.
        """
        result = await self.session.execute(
            update(RefreshToken)
            .where(RefreshToken.id == token_id, RefreshToken.used_at.is_(None))
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        )
        return cast("CursorResult[Any]", result).rowcount == 1

    async def used_at(self, token_id: int) -> dt.datetime | None:
        value: dt.datetime | None = await self.session.scalar(
            select(RefreshToken.used_at).where(RefreshToken.id == token_id)
        )
        return value
