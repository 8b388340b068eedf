"""Database access: SQLAlchemy 2 async over aiosqlite (embedded) or asyncpg (PostgreSQL).

The boundary owns the transaction: a request (or a job) gets one session from
:class:`Database`, services ``flush()``, and the boundary commits or rolls back.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, MetaData, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.types import TypeDecorator

from devmentor.kit.errors import DevMentorError

# Stable constraint names make migrations reversible and diffs reviewable on both databases.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware UTC datetime on both databases (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use datetime.now(UTC)")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


_AFTER_COMMIT = "devmentor_after_commit"


def after_commit(session: AsyncSession, callback: Callable[[], Awaitable[object]]) -> None:
    """Run ``callback`` after ``session`` commits (never if it rolls back).

    For side effects others must not see before the data is durable: cache
    invalidation, events, job enqueueing.
    """
    session.info.setdefault(_AFTER_COMMIT, []).append(callback)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _sqlite_pragmas(dbapi_connection: Any, _: ConnectionPoolEntry) -> None:
    # WAL lets the web UI read while a job writes; foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_engine(url: str, *, echo: bool = False, pool_size: int = 10) -> AsyncEngine:
    """An engine for ``url``; creates the SQLite file's folder when needed."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, echo=echo)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(
        url,
        echo=echo,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        pool_recycle=1800,
    )


class Database:
    """Owns the engine and hands out sessions. One per process, created in the lifespan."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.sessionmaker = async_sessionmaker(engine, expire_on_commit=False, autoflush=False)

    @classmethod
    def from_url(cls, url: str, *, echo: bool = False, pool_size: int = 10) -> Database:
        return cls(create_engine(url, echo=echo, pool_size=pool_size))

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A unit of work: commits when the block succeeds, rolls back when it raises.

        Callbacks registered with :func:`after_commit` run once the commit has succeeded.
        A :class:`~devmentor.kit.errors.DevMentorError` with ``keep_changes`` commits
        before it propagates.
        """
        async with self.sessionmaker() as session:
            try:
                yield session
            except BaseException as exc:
                if isinstance(exc, DevMentorError) and exc.keep_changes:
                    await self._commit(session)
                else:
                    await session.rollback()
                raise
            await self._commit(session)

    @staticmethod
    async def _commit(session: AsyncSession) -> None:
        try:
            await session.commit()
        except BaseException:
            await session.rollback()
            raise
        for callback in session.info.pop(_AFTER_COMMIT, []):
            await callback()

    async def ping(self) -> None:
        async with self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()


@asynccontextmanager
async def scratch_database(
    server_url: str, *, prefix: str = "devmentor_scratch"
) -> AsyncIterator[str]:
    """Create a throwaway PostgreSQL database on ``server_url``'s server; drop it after.

    Yields the new database's URL (never the one ``server_url`` names). For tests and
    benchmarks that must not touch a shared database.
    """
    base = make_url(server_url)
    name = f"{prefix}_{uuid.uuid4().hex[:16]}"
    admin = create_async_engine(base, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield base.set(database=name).render_as_string(hide_password=False)
        finally:
            async with admin.connect() as connection:
                await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()
