from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from devmentor.settings import DEVELOPMENT_SECRET, Settings
from tests.conftest import TEST_SECRET


def test_embedded_defaults_need_no_configuration(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path)
    assert settings.env == "development"
    assert (
        settings.effective_database_url == f"sqlite+aiosqlite:///{tmp_path / 'devmentor.sqlite3'}"
    )
    assert settings.redis_dsn is None
    assert settings.is_embedded
    assert settings.secret_key.get_secret_value() == DEVELOPMENT_SECRET


def test_environment_variables_and_nested_groups(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DEVMENTOR_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DEVMENTOR_DATABASE_URL", "postgresql://u:p@db:5432/devmentor")
    monkeypatch.setenv("DEVMENTOR_REDIS_URL", "redis://cache:6379/0")
    monkeypatch.setenv("DEVMENTOR_CACHE__TTL_SECONDS", "120")
    monkeypatch.setenv("DEVMENTOR_RATE_LIMIT__DEFAULT", "10/second")
    settings = Settings(_env_file=None)
    assert settings.data_dir == tmp_path
    assert settings.effective_database_url == "postgresql+asyncpg://u:p@db:5432/devmentor"
    assert settings.redis_dsn == "redis://cache:6379/0"
    assert not settings.is_embedded
    assert settings.cache.ttl_seconds == 120
    assert settings.rate_limit.default == "10/second"
    # Secrets never show in a repr (and so never in a log line of the settings).
    assert "redis://cache" not in repr(settings)


def test_default_secret_is_refused_outside_development(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="DEVMENTOR_SECRET_KEY must be set"):
        Settings(_env_file=None, env="production", data_dir=tmp_path)
    ok = Settings(_env_file=None, env="production", secret_key=TEST_SECRET)
    assert ok.env == "production"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("database_url", "mysql://x/y", "database_url must be"),
        ("secret_key", "short", "at least 32 characters"),
        ("rate_limit", {"default": "often"}, "invalid rate limit"),
        ("port", 70000, "less than or equal"),
    ],
)
def test_bad_values_are_refused_with_a_reason(field: str, value: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Settings.model_validate({field: value})


def test_auth_settings_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DEVMENTOR_AUTH__GITHUB_CLIENT_ID", "Iv1.abc")
    monkeypatch.setenv("DEVMENTOR_AUTH__GITHUB_CLIENT_SECRET", "github-secret-value")
    monkeypatch.setenv("DEVMENTOR_AUTH__GITHUB_BASE_URL", "https://github.example.com/")
    monkeypatch.setenv("DEVMENTOR_AUTH__GITHUB_API_URL", "https://github.example.com/api/v3")
    monkeypatch.setenv("DEVMENTOR_AUTH__REGISTRATION_ENABLED", "false")
    monkeypatch.setenv("DEVMENTOR_PREVIOUS_SECRET_KEYS", f'["{TEST_SECRET}-old"]')
    settings = Settings(_env_file=None, data_dir=tmp_path)
    assert settings.auth.github_enabled
    # Enterprise layout, trailing slash dropped so URLs join cleanly.
    assert settings.auth.github_base_url == "https://github.example.com"
    assert not settings.auth.registration_enabled
    assert [key.get_secret_value() for key in settings.previous_secret_keys] == [
        f"{TEST_SECRET}-old"
    ]
    assert "github-secret-value" not in repr(settings)
    assert "-old" not in repr(settings)
    # Plain http on a laptop: cookies cannot be Secure there.
    assert not settings.secure_cookies


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"auth": {"github_client_id": "Iv1.abc"}}, "needs both"),
        ({"auth": {"github_base_url": "github.com"}}, r"http\(s\) URL"),
        ({"auth": {"login_limit_per_ip": "lots"}}, "invalid rate limit"),
        ({"auth": {"access_token_ttl_seconds": 86400}}, "less than or equal"),
        ({"previous_secret_keys": ["short"]}, "at least 32 characters"),
    ],
)
def test_bad_auth_settings_are_refused(
    tmp_path: Path, overrides: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        Settings(_env_file=None, data_dir=tmp_path, secret_key=TEST_SECRET, **overrides)


def test_cookies_are_secure_outside_development(tmp_path: Path) -> None:
    production = Settings(
        _env_file=None, data_dir=tmp_path, env="production", secret_key=TEST_SECRET
    )
    assert production.secure_cookies
    opted_out = Settings(
        _env_file=None,
        data_dir=tmp_path,
        env="production",
        secret_key=TEST_SECRET,
        auth={"cookie_secure": False},
    )
    assert not opted_out.secure_cookies
