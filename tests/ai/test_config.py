"""AI settings: routes, providers and prices are checked at start-up, not at first use."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from devmentor.ai.ledger import UsageEntry, UsageRecorder
from devmentor.ai.metrics import LEDGER_DROPPED
from devmentor.ai.runtime import build_price_table, build_routes
from devmentor.ai.types import Task
from devmentor.kit.db import Database
from devmentor.settings import AISettings, Settings
from tests.conftest import make_settings

KEYS: dict[str, Any] = {"openai_api_key": "sk-test", "anthropic_api_key": "sk-ant-test"}


def routes(**ai: Any) -> dict[Task, list[str]]:
    return {task: [t.key for t in route] for task, route in build_routes(AISettings(**ai)).items()}


def test_with_no_provider_every_task_goes_to_the_offline_mentor() -> None:
    everything = routes()
    assert set(everything) == set(Task)
    assert all(route == ["offline:offline-mentor-1"] for route in everything.values())


def test_configured_providers_come_first_in_a_fixed_order() -> None:
    configured = routes(**KEYS, local_base_url="http://127.0.0.1:11434/v1")
    assert configured[Task.LESSON] == [
        "openai:gpt-4o-mini",
        "anthropic:claude-haiku-4-5",
        "local:llama3.2",
        "offline:offline-mentor-1",
    ]


def test_a_configured_route_is_kept_and_closed_by_the_offline_mentor() -> None:
    configured = routes(**KEYS, routes={"grading": ["anthropic:claude-sonnet-4-5"]})
    assert configured[Task.GRADING] == ["anthropic:claude-sonnet-4-5", "offline:offline-mentor-1"]
    assert configured[Task.HINT][0] == "openai:gpt-4o-mini"


def test_without_the_offline_fallback_a_provider_is_required() -> None:
    with pytest.raises(ValueError, match="no AI provider"):
        build_routes(AISettings(offline_fallback=False))


def test_five_remote_targets_leave_no_room_for_the_offline_mentor() -> None:
    five = [f"openai:model-{i}" for i in range(5)]
    with pytest.raises(ValueError, match="the most is 5"):
        build_routes(AISettings(**KEYS, routes={"hint": five}))
    assert (
        len(
            build_routes(AISettings(**KEYS, routes={"hint": five}, offline_fallback=False))[
                Task.HINT
            ]
        )
        == 5
    )


@pytest.mark.parametrize(
    ("route", "message"),
    [
        ({"lessons": ["openai:gpt-4o"]}, "unknown task"),
        ({"hint": ["gemini:pro"]}, "provider:model"),
        ({"hint": ["openai"]}, "provider:model"),
        ({"hint": []}, "1 to 5"),
        ({"hint": ["openai:a"] * 6}, "1 to 5"),
    ],
)
def test_bad_routes_are_refused(route: dict[str, list[str]], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        AISettings(**KEYS, routes=route)


def test_a_route_to_an_unconfigured_provider_is_refused(data_dir: Path) -> None:
    with pytest.raises(ValidationError, match="not configured"):
        make_settings(data_dir, ai={"routes": {"hint": ["anthropic:claude-haiku-4-5"]}})


@pytest.mark.parametrize(
    "ai",
    [
        {"prices": {"m": {"input": -1, "output": 1}}},
        {"prices": {"m": {"input": 1}}},
        {"user_rate_limit": "lots"},
        {"local_base_url": "ftp://example.com"},
        {"breaker_failure_rate": 1.5},
        {"max_attempts": 0},
        {"on_budget_exceeded": "ignore"},
    ],
)
def test_bad_values_are_refused(ai: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        AISettings(**ai)


def test_environment_variables_reach_the_ai_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEVMENTOR_AI__OPENAI_API_KEY", "sk-from-env")
    monkeypatch.setenv("DEVMENTOR_AI__ROUTES", '{"hint": ["openai:gpt-4.1-mini"]}')
    monkeypatch.setenv("DEVMENTOR_AI__BUDGET_DAILY_USD", "unlimited")
    settings = Settings(_env_file=None)
    assert settings.ai.openai_api_key is not None
    assert settings.ai.openai_api_key.get_secret_value() == "sk-from-env"
    assert "sk-from-env" not in repr(settings)
    assert settings.ai.routes == {"hint": ["openai:gpt-4.1-mini"]}
    assert settings.ai.budget_daily_usd is None


def test_price_overrides_and_the_default_for_unknown_models() -> None:
    table = build_price_table(AISettings(prices={"my-model": {"input": 1.0, "output": 2.0}}))
    assert table.known("my-model")
    assert table.known("gpt-4o-mini")
    assert not table.known("mystery")
    assert table.price("mystery").output == 75.0


async def test_the_ledger_keeps_rows_while_the_database_is_unreachable(tmp_path: Path) -> None:
    # A directory that does not exist: every connection attempt fails.
    db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'missing' / 'x.sqlite3'}")
    recorder = UsageRecorder(db, max_buffer=3)
    dropped = LEDGER_DROPPED._value.get()
    entry = UsageEntry(
        created_at=dt.datetime.now(dt.UTC),
        user_id=uuid.uuid4(),
        task="hint",
        provider="openai",
        model="gpt-4o-mini",
        outcome="ok",
    )
    for _ in range(2):
        recorder.record(entry)
    assert await recorder.flush() == 0
    assert recorder.pending == 2  # kept for the next attempt
    for _ in range(3):
        recorder.record(entry)
    assert recorder.pending == 3  # bounded: the oldest went
    assert LEDGER_DROPPED._value.get() == dropped + 2
    await db.dispose()
