"""Apply Alembic migrations from code, on SQLite or PostgreSQL, sync CLI or async server."""

from __future__ import annotations

from importlib import resources
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(resources.files("devmentor") / "migrations"))
    # Date-prefixed files keep history readable in a directory listing.
    config.set_main_option("file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s")
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def _upgrade(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def _downgrade(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.downgrade(config, revision)


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _drift(connection: Connection) -> list[Any]:
    from devmentor.models import target_metadata

    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, target_metadata))


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Migrate the database behind ``engine`` up to ``revision`` (idempotent)."""
    async with engine.begin() as connection:
        await connection.run_sync(_upgrade, revision)


async def downgrade(engine: AsyncEngine, revision: str = "base") -> None:
    async with engine.begin() as connection:
        await connection.run_sync(_downgrade, revision)


async def current_revision(engine: AsyncEngine) -> str | None:
    async with engine.connect() as connection:
        return await connection.run_sync(_current)


async def schema_drift(engine: AsyncEngine) -> list[Any]:
    """Differences between the models and the migrated schema; empty when in sync."""
    async with engine.connect() as connection:
        return await connection.run_sync(_drift)
