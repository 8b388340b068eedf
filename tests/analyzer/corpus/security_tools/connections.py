# fmt: off
# ruff: noqa
# mypy: ignore-errors
"""Database connection settings: credentials inside URLs."""

import os

PRIMARY_URL = "postgresql://billing:Winter2024x@db.internal.example/billing"  # expect: secret.url-password
REPLICA_URL = "postgresql://billing@replica.internal.example/billing"  # ok: secret.url-password
CACHE_URL = os.environ.get("CACHE_URL", "redis://localhost:6379/0")  # ok: secret.url-password
TEMPLATE = "postgresql://{user}:{password}@{host}/{name}"  # ok: secret.url-password
