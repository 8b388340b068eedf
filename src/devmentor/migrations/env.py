"""Alembic environment. Runs on a connection handed over by devmentor.kit.migrate."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from devmentor.models import target_metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        # SQLite cannot ALTER most things in place; batch mode rebuilds tables safely.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `devmentor migrate`, not the alembic CLI")
_run(connection)
