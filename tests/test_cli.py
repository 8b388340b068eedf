"""The `devmentor` command, run as a user runs it: a real process with a real environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from devmentor import __version__
from devmentor.kit.migrate import head_revision


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
