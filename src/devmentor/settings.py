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


class AuthSettings(BaseModel):
    """Sign-in: local accounts, GitHub OAuth, token lifetimes and abuse limits."""

    #: Whether new accounts can be created (local registration and first GitHub sign-in).
    registration_enabled: bool = True
    access_token_ttl_seconds: int = Field(default=900, ge=60, le=3600)
    #: How long an idle sign-in lasts without "remember me" (each refresh extends it).
    session_idle_ttl_seconds: int = Field(default=12 * 3600, ge=300, le=30 * 86400)
    #: The same, with "remember me" (the browser keeps its cookies across restarts).
    remember_idle_ttl_seconds: int = Field(default=30 * 86400, ge=3600, le=365 * 86400)
    #: No sign-in outlives this, however active, without signing in again.
    session_max_age_seconds: int = Field(default=90 * 86400, ge=3600, le=365 * 86400)
    #: Two tabs refreshing at once may both present the same refresh token this long.
    refresh_reuse_grace_seconds: float = Field(default=10.0, ge=0, le=120)
    login_limit_per_ip: str = "30/minute"
    #: Failed sign-ins per account name (counted whether or not the account exists).
    login_limit_per_account: str = "10/15 minutes"
    password_min_length: int = Field(default=8, ge=8, le=128)
    # argon2id cost: the defaults are argon2-cffi's RFC 9106 "low memory" profile.
    argon2_time_cost: int = Field(default=3, ge=1, le=20)
    argon2_memory_kib: int = Field(default=65_536, ge=1024, le=4 * 1024 * 1024)
    argon2_parallelism: int = Field(default=4, ge=1, le=16)
    #: Secure cookies. Default: on unless env is development (plain http on a laptop).
    cookie_secure: bool | None = None

    github_client_id: str | None = None
    github_client_secret: SecretStr | None = None
    #: The web host (authorize, token). GitHub Enterprise: https://github.example.com
    github_base_url: str = "https://github.com"
    #: The REST API root. GitHub Enterprise: https://github.example.com/api/v3
    github_api_url: str = "https://api.github.com"
    github_scopes: str = "read:user user:email"
    github_timeout_seconds: float = Field(default=10.0, gt=0, le=60)

    @field_validator("login_limit_per_ip", "login_limit_per_account")
    @classmethod
    def _limit_parses(cls, value: str) -> str:
        from devmentor.kit.ratelimit import parse_limit

        parse_limit(value)
        return value

    @field_validator("github_base_url", "github_api_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError("must be an http(s) URL")
        return value.rstrip("/")

    @property
    def github_enabled(self) -> bool:
        return bool(self.github_client_id and self.github_client_secret)


AI_PROVIDERS = ("openai", "anthropic", "local", "offline")
AI_TASKS = ("lesson", "question", "grading", "hint", "mentor_answer")
MAX_ROUTE_HOPS = 5


class AISettings(BaseModel):
    """The AI gateway: providers, routes, resilience, budgets and caching.

    With no provider configured every task is answered by the offline mentor.
    """

    openai_api_key: SecretStr | None = None
    #: For Azure-style proxies or a gateway in front of OpenAI; default is OpenAI's own.
    openai_base_url: str | None = None
    openai_organization: str | None = None
    openai_model: str = "gpt-4o-mini"
    anthropic_api_key: SecretStr | None = None
    anthropic_base_url: str | None = None
    anthropic_model: str = "claude-haiku-4-5"
    #: An OpenAI-compatible server (Ollama: http://127.0.0.1:11434/v1, vLLM, LM Studio).
    local_base_url: str | None = None
    local_api_key: SecretStr | None = None
    local_model: str = "llama3.2"
    #: Count the local server's tokens against budgets (at its price in ``prices``).
    local_metered: bool = False

    #: Per task, "provider:model" targets tried in order, e.g.
    #: ``{"mentor_answer": ["anthropic:claude-sonnet-4-5", "openai:gpt-4o-mini"]}``.
    #: Unset tasks use every configured provider's default model, in the order above.
    routes: dict[str, list[str]] = Field(default_factory=dict)
    #: End every route with the offline mentor, so a learner always gets an answer.
    offline_fallback: bool = True

    #: One attempt's time limit, and the whole call's (all retries and fallbacks).
    attempt_timeout_seconds: float = Field(default=30.0, gt=0, le=600)
    deadline_seconds: float = Field(default=60.0, gt=0, le=1800)
    max_attempts: int = Field(default=3, ge=1, le=10)
    backoff_base_seconds: float = Field(default=0.25, ge=0, le=30)
    backoff_max_seconds: float = Field(default=8.0, ge=0, le=120)
    #: A provider asking to wait longer than this is skipped for the next target instead.
    max_retry_after_seconds: float = Field(default=10.0, ge=0, le=600)

    breaker_window_seconds: float = Field(default=60.0, gt=0, le=3600)
    breaker_min_calls: int = Field(default=5, ge=1, le=1000)
    breaker_failure_rate: float = Field(default=0.5, gt=0, lt=1)
    breaker_open_seconds: float = Field(default=30.0, gt=0, le=3600)

    #: Per-user budgets on metered providers; unset means unlimited.
    budget_daily_tokens: int | None = Field(default=200_000, ge=0)
    budget_monthly_tokens: int | None = Field(default=3_000_000, ge=0)
    budget_daily_usd: float | None = Field(default=1.0, ge=0)
    budget_monthly_usd: float | None = Field(default=20.0, ge=0)
    #: What a request over budget gets: a 429, or the offline mentor's answer.
    on_budget_exceeded: Literal["reject", "offline"] = "reject"
    #: Per-user AI requests (any provider, cached or not). Syntax of the `limits` package.
    user_rate_limit: str = "30/minute"

    cache_enabled: bool = True
    cache_ttl_seconds: int = Field(default=86_400, ge=1, le=30 * 86_400)
    #: USD per million tokens, overriding or extending the built-in table.
    prices: dict[str, dict[str, float]] = Field(default_factory=dict)
    #: Charged for a metered model missing from the table (deliberately high).
    default_price: dict[str, float] = Field(default_factory=lambda: {"input": 15.0, "output": 75.0})
    #: Usage-ledger rows are written in batches this often (and at shutdown).
    ledger_flush_seconds: float = Field(default=0.5, gt=0, le=60)

    @field_validator(
        "budget_daily_tokens",
        "budget_monthly_tokens",
        "budget_daily_usd",
        "budget_monthly_usd",
        mode="before",
    )
    @classmethod
    def _unlimited(cls, value: object) -> object:
        # Environment variables can't say None; these words can.
        if isinstance(value, str) and value.strip().lower() in ("", "null", "none", "unlimited"):
            return None
        return value

    @field_validator("openai_base_url", "anthropic_base_url", "local_base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("https://", "http://")):
            raise ValueError("must be an http(s) URL")
        return value.rstrip("/") if value else value

    @field_validator("user_rate_limit")
    @classmethod
    def _limit_parses(cls, value: str) -> str:
        from devmentor.kit.ratelimit import parse_limit

        parse_limit(value)
        return value

    @field_validator("prices", mode="after")
    @classmethod
    def _prices(cls, value: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
        from devmentor.ai.pricing import ModelPrice

        for model, price in value.items():
            ModelPrice.model_validate(price)
            if not model:
                raise ValueError("a price needs a model name")
        return value

    @field_validator("routes", mode="after")
    @classmethod
    def _routes(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for task, targets in value.items():
            if task not in AI_TASKS:
                raise ValueError(f"unknown task {task!r}; tasks are {', '.join(AI_TASKS)}")
            if not 1 <= len(targets) <= MAX_ROUTE_HOPS:
                raise ValueError(f"route {task!r} needs 1 to {MAX_ROUTE_HOPS} targets")
            for target in targets:
                provider, sep, model = target.partition(":")
                if provider not in AI_PROVIDERS or (provider != "offline" and not (sep and model)):
                    raise ValueError(
                        f"route target {target!r} must be provider:model with provider one of "
                        f"{', '.join(AI_PROVIDERS)}"
                    )
        return value

    @property
    def configured_providers(self) -> tuple[str, ...]:
        configured = []
        if self.openai_api_key:
            configured.append("openai")
        if self.anthropic_api_key:
            configured.append("anthropic")
        if self.local_base_url:
            configured.append("local")
        return tuple(configured)


class LearningSettings(BaseModel):
    """Learning sessions: their length, question sourcing and review scheduling."""

    #: Questions in a learning session before it ends by length (it ends earlier when the
    #: skill is mastered at every Bloom level).
    session_questions: int = Field(default=12, ge=1, le=100)
    #: Due reviews taken into one review session.
    review_questions: int = Field(default=10, ge=1, le=100)
    #: Extra attempts at a generated question the Bloom check refused, before the bank.
    regenerate_attempts: int = Field(default=1, ge=0, le=3)
    #: FSRS: the recall probability reviews are scheduled for, and the longest interval.
    desired_retention: float = Field(default=0.9, ge=0.7, le=0.99)
    max_review_interval_days: int = Field(default=365, ge=1, le=36500)
    #: Spread due dates by a few percent so reviews answered together don't fall due together.
    review_fuzz: bool = True
    #: How long a session's public view stays in the cache tiers.
    session_cache_seconds: float = Field(default=600, gt=0, le=86_400)
    #: Time counted for one answer at most: a learner who walks away isn't studying.
    max_seconds_per_answer: int = Field(default=600, ge=10, le=3600)


def default_cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir("devmentor", appauthor=False))


class AnalyzerSettings(BaseModel):
    """Repository analysis (`devmentor analyze`): limits for hostile repositories."""

    #: Per-file results and whole reports are cached here (SQLite); delete it at will.
    cache_dir: Path = Field(default_factory=default_cache_dir)
    cache: bool = True
    #: Worker processes; unset means one per CPU.
    workers: int | None = Field(default=None, ge=1, le=64)
    max_file_kb: int = Field(default=1000, ge=1, le=100_000)
    max_files: int = Field(default=50_000, ge=1, le=1_000_000)
    max_total_mb: int = Field(default=500, ge=1, le=100_000)
    file_timeout_seconds: float = Field(default=30.0, gt=0, le=3600)
    clone_timeout_seconds: float = Field(default=300.0, gt=0, le=7200)
    max_clone_mb: int = Field(default=1000, ge=1, le=100_000)


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
    #: Former secret keys, still accepted to verify tokens and decrypt stored secrets
    #: signed or encrypted before a rotation. New ones always use ``secret_key``.
    previous_secret_keys: list[SecretStr] = Field(default_factory=list, max_length=5)
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
    auth: AuthSettings = AuthSettings()
    ai: AISettings = AISettings()
    learning: LearningSettings = LearningSettings()
    analyzer: AnalyzerSettings = AnalyzerSettings()

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
        if any(len(key.get_secret_value()) < 32 for key in self.previous_secret_keys):
            raise ValueError(
                "each of DEVMENTOR_PREVIOUS_SECRET_KEYS must be at least 32 characters"
            )
        if bool(self.auth.github_client_id) != bool(self.auth.github_client_secret):
            raise ValueError(
                "GitHub sign-in needs both DEVMENTOR_AUTH__GITHUB_CLIENT_ID and "
                "DEVMENTOR_AUTH__GITHUB_CLIENT_SECRET"
            )
        for task, targets in self.ai.routes.items():
            for target in targets:
                provider = target.partition(":")[0]
                if provider != "offline" and provider not in self.ai.configured_providers:
                    raise ValueError(
                        f"DEVMENTOR_AI__ROUTES[{task}] uses {provider!r}, which is not "
                        "configured (set its API key or base URL)"
                    )
        return self

    @property
    def secure_cookies(self) -> bool:
        if self.auth.cookie_secure is not None:
            return self.auth.cookie_secure
        return self.env != "development"

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
