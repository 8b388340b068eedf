"""Configuration: one settings root, read from ``DEVMENTOR_*`` environment variables.

Every field has an embedded default, so a fresh install needs no configuration at all:
SQLite in the data directory and in-process cache, events and rate limits. Setting
``DEVMENTOR_DATABASE_URL`` / ``DEVMENTOR_REDIS_URL`` switches to PostgreSQL and Redis.
Nested groups use ``__`` (``DEVMENTOR_CACHE__TTL_SECONDS=120``).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Environment = Literal["development", "test", "production"]

#: The secret used when none is configured. Refused outside development.
DEVELOPMENT_SECRET = "devmentor-development-secret-change-me"  # noqa: S105 - a known, refused default


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("devmentor", appauthor=False))


class CacheSettings(BaseModel):
    """Cache tiers: an in-process LRU, plus Redis (with cross-node invalidation) when configured."""

    ttl_seconds: int = Field(default=300, ge=1, le=7 * 24 * 3600)
    local_max_entries: int = Field(default=10_000, ge=100, le=10_000_000)
    key_prefix: str = Field(default="devmentor:cache:", min_length=1, max_length=64)


class EventSettings(BaseModel):
    """Event bus: an in-process ring buffer, or a Redis stream shared by all processes."""

    buffer_size: int = Field(default=10_000, ge=100, le=1_000_000)
    stream_key: str = Field(default="devmentor:events", min_length=1, max_length=128)
    # How long a Redis XREAD blocks before the listener loops (and notices shutdown).
    block_ms: int = Field(default=1_000, ge=10, le=60_000)


class RateLimitSettings(BaseModel):
    enabled: bool = True
    # Applied to every /api request, per client IP. Syntax of the `limits` package.
    default: str = "300/minute"
    key_prefix: str = Field(default="devmentor:rl", min_length=1, max_length=64)

    @field_validator("default")
    @classmethod
    def _parses(cls, value: str) -> str:
        from devmentor.kit.ratelimit import parse_limit

        parse_limit(value)
        return value


class HealthSettings(BaseModel):
    # A readiness probe must answer fast even when a dependency hangs.
    check_timeout_seconds: float = Field(default=2.0, gt=0, le=30)


class Settings(BaseSettings):
    """The settings root. Construct with keyword arguments in tests; from the environment in use."""

    model_config = SettingsConfigDict(
        env_prefix="DEVMENTOR_",
        env_nested_delimiter="__",
        env_file=".env",
        extra="ignore",
    )

    env: Environment = "development"
    data_dir: Path = Field(default_factory=default_data_dir)
    database_url: str | None = Field(
        default=None, description="SQLAlchemy async URL; default is SQLite in the data dir"
    )
    database_echo: bool = False
    database_pool_size: int = Field(default=10, ge=1, le=200)
    redis_url: SecretStr | None = Field(
        default=None, description="Redis URL; unset means in-process cache, events and limits"
    )
    secret_key: SecretStr = SecretStr(DEVELOPMENT_SECRET)
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    log_json: bool = True
    # Embedded mode: `serve` migrates the database and runs job workers in-process.
    embedded: bool | None = Field(
        default=None, description="Default: true when no Redis is configured"
    )
    public_api_docs: bool = True

    cache: CacheSettings = CacheSettings()
    events: EventSettings = EventSettings()
    rate_limit: RateLimitSettings = RateLimitSettings()
    health: HealthSettings = HealthSettings()

    @field_validator("database_url")
    @classmethod
    def _known_driver(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if value.startswith(("postgresql://", "postgres://")):
            # Accept the URL people copy from their provider; we always talk asyncpg.
            return "postgresql+asyncpg://" + value.split("://", 1)[1]
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError(
                "database_url must be sqlite+aiosqlite:// or postgresql+asyncpg:// (or postgresql://)"
            )
        return value

    @model_validator(mode="after")
    def _refuse_default_secret(self) -> Settings:
        if self.env != "development" and self.secret_key.get_secret_value() == DEVELOPMENT_SECRET:
            raise ValueError(
                "DEVMENTOR_SECRET_KEY must be set to a random value outside development "
                '(python -c "import secrets; print(secrets.token_urlsafe(48))")'
            )
        if len(self.secret_key.get_secret_value()) < 32:
            raise ValueError("DEVMENTOR_SECRET_KEY must be at least 32 characters")
        return self

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.data_dir / 'devmentor.sqlite3'}"

    @property
    def redis_dsn(self) -> str | None:
        return self.redis_url.get_secret_value() if self.redis_url else None

    @property
    def is_embedded(self) -> bool:
        return self.embedded if self.embedded is not None else self.redis_url is None

    @property
    def is_sqlite(self) -> bool:
        return self.effective_database_url.startswith("sqlite")


@functools.cache
def get_settings() -> Settings:
    """The process-wide settings, read from the environment once."""
    return Settings()
