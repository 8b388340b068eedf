from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import inspect, select

from devmentor.flags.models import FeatureFlag
from devmentor.kit import migrate
from devmentor.kit.db import Database, after_commit


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database.from_url(database_url)
    yield database
    await database.dispose()


async def test_migrations_run_from_empty_and_match_the_models(db: Database) -> None:
    assert await migrate.current_revision(db.engine) is None
    await migrate.upgrade(db.engine)
    assert await migrate.current_revision(db.engine) == migrate.head_revision()
    assert await migrate.schema_drift(db.engine) == []
    # Applying again is a no-op, as `serve` does on every start in embedded mode.
    await migrate.upgrade(db.engine)
    assert await migrate.current_revision(db.engine) == migrate.head_revision()


async def test_migrations_are_reversible(db: Database) -> None:
    await migrate.upgrade(db.engine)
    await migrate.downgrade(db.engine, "base")
    async with db.engine.connect() as connection:
        tables = await connection.run_sync(lambda c: inspect(c).get_table_names())
    assert "feature_flags" not in tables
    await migrate.upgrade(db.engine)
    assert await migrate.schema_drift(db.engine) == []


async def test_session_commits_on_success_and_rolls_back_on_error(db: Database) -> None:
    await migrate.upgrade(db.engine)
    async with db.session() as session:
        session.add(FeatureFlag(key="kept", enabled=True, description=""))
    with pytest.raises(RuntimeError, match="boom"):
        async with db.session() as session:
            session.add(FeatureFlag(key="lost", enabled=True, description=""))
            await session.flush()
            raise RuntimeError("boom")
    async with db.session() as session:
        keys = (await session.scalars(select(FeatureFlag.key))).all()
    assert keys == ["kept"]


async def test_after_commit_callbacks_run_only_after_a_commit(db: Database) -> None:
    await migrate.upgrade(db.engine)
    calls: list[str] = []

    async def committed() -> None:
        # The data must already be visible to another session when the callback runs.
        async with db.session() as other:
            flag = await other.get(FeatureFlag, "visible")
        calls.append("committed" if flag is not None else "not-yet-visible")

    async def rolled_back() -> None:
        calls.append("rolled-back")

    async with db.session() as session:
        session.add(FeatureFlag(key="visible", enabled=True, description=""))
        after_commit(session, committed)
    with pytest.raises(ValueError, match="no"):
        async with db.session() as session:
            after_commit(session, rolled_back)
            raise ValueError("no")
    assert calls == ["committed"]


async def test_datetimes_come_back_timezone_aware_utc(db: Database) -> None:
    await migrate.upgrade(db.engine)
    moment = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    async with db.session() as session:
        session.add(FeatureFlag(key="t", enabled=False, description="", updated_at=moment))
    async with db.session() as session:
        flag = await session.get(FeatureFlag, "t")
    assert flag is not None
    assert flag.updated_at == moment
    assert flag.updated_at.utcoffset() == dt.timedelta(0)


async def test_naive_datetimes_are_refused(db: Database) -> None:
    await migrate.upgrade(db.engine)
    with pytest.raises(Exception, match="naive datetimes"):
        async with db.session() as session:
            session.add(
                FeatureFlag(
                    key="n", enabled=False, description="", updated_at=dt.datetime(2026, 1, 1)
                )
            )
