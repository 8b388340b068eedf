"""The `devmentor` command, run as a user runs it: a real process with a real environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from devmentor import __version__
from devmentor.kit.migrate import head_revision
from tests.conftest import make_settings, running_app


def run_cli(*args: str, env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DEVMENTOR_")}
    return subprocess.run(
        [sys.executable, "-m", "devmentor", *args],
        env=clean | env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_version(tmp_path: Path) -> None:
    result = run_cli("--version", env={"DEVMENTOR_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0
    assert result.stdout.strip() == f"devmentor {__version__}"


def test_migrate_then_flags(tmp_path: Path, database_url: str) -> None:
    env = {
        "DEVMENTOR_DATA_DIR": str(tmp_path),
        "DEVMENTOR_DATABASE_URL": database_url,
        "DEVMENTOR_LOG_LEVEL": "warning",
    }
    migrated = run_cli("migrate", env=env)
    assert migrated.returncode == 0, migrated.stderr
    assert f"database at revision {head_revision()}" in migrated.stdout

    turned_on = run_cli("flags", "set", "analysis.html", "on", "--description", "HTML", env=env)
    assert turned_on.returncode == 0, turned_on.stderr
    assert "analysis.html is on" in turned_on.stdout
    listed = run_cli("flags", "list", env=env)
    assert "analysis.html" in listed.stdout
    assert "on" in listed.stdout

    bad = run_cli("flags", "set", "Bad Key", "on", env=env)
    assert bad.returncode == 2
    assert "lower-case letters" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_configuration_errors_are_one_clear_line(tmp_path: Path) -> None:
    result = run_cli(
        "migrate", env={"DEVMENTOR_DATA_DIR": str(tmp_path), "DEVMENTOR_ENV": "production"}
    )
    assert result.returncode == 2
    assert "DEVMENTOR_SECRET_KEY must be set" in result.stderr
    assert "Traceback" not in result.stderr


def test_unreachable_database_fails_cleanly(tmp_path: Path, unused_tcp_port: int) -> None:
    url = f"postgresql+asyncpg://nobody@127.0.0.1:{unused_tcp_port}/nothing"
    result = run_cli(
        "migrate", env={"DEVMENTOR_DATA_DIR": str(tmp_path), "DEVMENTOR_DATABASE_URL": url}
    )
    assert result.returncode == 1
    assert "migration failed" in result.stderr
    assert "Traceback" not in result.stderr


CHEAP_ARGON2 = {
    "DEVMENTOR_AUTH__ARGON2_MEMORY_KIB": "1024",
    "DEVMENTOR_AUTH__ARGON2_TIME_COST": "1",
    "DEVMENTOR_AUTH__ARGON2_PARALLELISM": "1",
}


async def test_users_create_reads_the_password_from_stdin(
    tmp_path: Path, database_url: str
) -> None:
    env = {
        "DEVMENTOR_DATA_DIR": str(tmp_path),
        "DEVMENTOR_DATABASE_URL": database_url,
        "DEVMENTOR_LOG_LEVEL": "warning",
        **CHEAP_ARGON2,
    }
    assert run_cli("migrate", env=env).returncode == 0
    password = "a long admin passphrase"
    created = run_cli("users", "create", "--username", "Root", "--admin", env=env, stdin=password)
    assert created.returncode == 0, created.stderr
    assert "created administrator root" in created.stdout
    assert password not in created.stdout + created.stderr

    again = run_cli("users", "create", "--username", "root", env=env, stdin="another passphrase")
    assert again.returncode == 2
    assert "taken" in again.stderr
    assert "Traceback" not in again.stderr

    weak = run_cli("users", "create", "--username", "someone", env=env, stdin="short")
    assert weak.returncode == 2
    assert "at least 8 characters" in weak.stderr

    empty = run_cli("users", "create", "--username", "someone", env=env, stdin="")
    assert empty.returncode == 2
    assert "no password on stdin" in empty.stderr

    listed = run_cli("users", "list", env=env)
    assert listed.returncode == 0, listed.stderr
    assert "root" in listed.stdout
    assert "someone" not in listed.stdout

    # The account works: the API signs it in as an administrator.
    settings = make_settings(tmp_path, database_url=database_url, auth=_cheap_auth())
    async with running_app(settings) as (_, client):
        login = await client.post(
            "/api/auth/login", json={"username": "root", "password": password}
        )
        assert login.status_code == 200, login.text
        token = login.json()["access_token"]
        me = await client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
        assert me.json()["is_admin"] is True

    changed = run_cli(
        "users", "set-password", "--username", "root", env=env, stdin="a brand new passphrase"
    )
    assert changed.returncode == 0, changed.stderr
    assert "1 session(s) signed out" in changed.stdout
    async with running_app(settings) as (_, client):
        old = await client.post("/api/auth/login", json={"username": "root", "password": password})
        assert old.status_code == 401
        me = await client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 401


def _cheap_auth() -> dict[str, int]:
    return {"argon2_memory_kib": 1024, "argon2_time_cost": 1, "argon2_parallelism": 1}
