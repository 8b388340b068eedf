"""`devmentor analyze` as a user runs it: a real process, real files, real exit codes."""

from __future__ import annotations

import ctypes
import json
import os
import socket
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.analyzer.repos import SMALL_PROJECT, make_repo, write_tree


def _drop_file_permission_overrides() -> None:
    """In the child: give up root's power to read any file (CAP_DAC_OVERRIDE and
    CAP_DAC_READ_SEARCH leave the bounding set, so the command runs without them)."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def analyze_cli(
    *args: str, home: Path, without_read_override: bool = False
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DEVMENTOR_")}
    env = clean | {
        "DEVMENTOR_DATA_DIR": str(home / "data"),
        "DEVMENTOR_ANALYZER__CACHE_DIR": str(home / "cache"),
        "COLUMNS": "100",
    }

    return subprocess.run(
        [sys.executable, "-m", "devmentor", "analyze", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        preexec_fn=_drop_file_permission_overrides if without_read_override else None,
    )


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    make_repo(tmp_path / "shop", SMALL_PROJECT)
    return tmp_path / "shop"


def test_text_report(shop: Path, tmp_path: Path) -> None:
    result = analyze_cli(str(shop), home=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for expected in ("Python", "price", "py.sql-injection", "SQL injection", "FastAPI"):
        assert expected in out
    assert "Traceback" not in result.stderr


def test_json_report_follows_the_schema(shop: Path, tmp_path: Path) -> None:
    result = analyze_cli(str(shop), "--format", "json", "--quiet", home=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["schema_version"] == "1.0"
    schema = json.loads(
        (Path(__file__).parents[2] / "docs" / "analyzer-report.schema.json").read_text()
    )
    assert set(data) == set(schema["properties"])
    assert set(schema["required"]) <= set(data)


def test_markdown_and_html_to_files(shop: Path, tmp_path: Path) -> None:
    markdown = tmp_path / "out" / "report.md"
    markdown.parent.mkdir()
    result = analyze_cli(str(shop), "-f", "markdown", "-o", str(markdown), home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert markdown.read_text().startswith("#")
    assert "report written to" in result.stderr
    page = tmp_path / "out" / "report.html"
    result = analyze_cli(str(shop), "-f", "html", "-o", str(page), home=tmp_path)
    assert result.returncode == 0, result.stderr
    html = page.read_text()
    HTMLParser().feed(html)
    assert "<svg" in html
    assert "http://" not in html
    assert "https://" not in html
    assert sorted(p.name for p in page.parent.iterdir()) == ["report.html", "report.md"]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize(
    ("make_target", "message"),
    [
        (lambda p: str(p / "nope"), "no such file or directory"),
        (lambda p: str(write_tree(p / "f", {"x.py": ""}) / "x.py"), "is a file"),
        (lambda p: str(write_tree(p / "empty", {"README": "hi"})), "no source files"),
        (lambda p: f"http://127.0.0.1:{_closed_port()}/a/b.git", "unreachable"),
        (lambda p: f"file://{write_tree(p / 'plain', {'a.py': ''})}", "not a git repository"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, make_target, message: str) -> None:  # type: ignore[no-untyped-def]
    result = analyze_cli(make_target(tmp_path), home=tmp_path)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert message in lines[0]
    assert result.stdout == ""


def test_permission_denied_is_one_line(tmp_path: Path) -> None:
    # A folder only its owner ("nobody") may open; the command runs without the
    # capabilities that let root (as CI runs) read anything regardless.
    locked = write_tree(tmp_path / "locked", {"a.py": "x = 1\n"})
    locked.chmod(0o700)
    as_root = os.geteuid() == 0
    if as_root:
        os.chown(locked, 65534, 65534)
    else:
        locked.chmod(0)  # not even its owner may list it
    try:
        result = analyze_cli(str(locked), home=tmp_path, without_read_override=as_root)
    finally:
        locked.chmod(0o700)
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip() == f"error: {locked}: permission denied"


def test_unwritable_output_is_an_error_and_leaves_nothing(shop: Path, tmp_path: Path) -> None:
    target = tmp_path / "missing-dir" / "report.json"
    result = analyze_cli(str(shop), "-f", "json", "-o", str(target), home=tmp_path)
    assert result.returncode == 2
    assert "cannot write" in result.stderr
    assert not target.parent.exists()


def test_second_run_uses_the_cache(shop: Path, tmp_path: Path) -> None:
    first = json.loads(analyze_cli(str(shop), "-f", "json", home=tmp_path).stdout)
    second = json.loads(analyze_cli(str(shop), "-f", "json", home=tmp_path).stdout)
    assert not first["run"]["report_cached"]
    assert second["run"]["report_cached"]
    uncached = json.loads(analyze_cli(str(shop), "-f", "json", "--no-cache", home=tmp_path).stdout)
    assert not uncached["run"]["report_cached"]
