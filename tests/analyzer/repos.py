"""Small repositories that tests build on disk (files, and git history when asked)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "HOME": os.devnull,
    "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
}


def git(cwd: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-c", "init.defaultBranch=main", *args],
        cwd=cwd,
        env=GIT_ENV,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def write_tree(root: Path, files: Mapping[str, str | bytes]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def make_repo(root: Path, files: Mapping[str, str | bytes], message: str = "initial") -> str:
    """A git repository at ``root`` with ``files`` committed; returns the commit id."""
    write_tree(root, files)
    if not (root / ".git").exists():
        git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)
    return git(root, "rev-parse", "HEAD")


SMALL_PROJECT: dict[str, str] = {
    "pyproject.toml": (
        '[project]\nname = "shop"\ndependencies = ["fastapi>=0.110", "sqlalchemy"]\n'
    ),
    "shop/__init__.py": "",
    "shop/orders.py": (
        "import sqlite3\n"
        "import subprocess\n"
        "\n"
        "from fastapi import FastAPI\n"
        "\n"
        "app = FastAPI()\n"
        "\n"
        "\n"
        "def find(db: sqlite3.Connection, name: str) -> list[tuple[str]]:\n"
        "    return db.execute(f\"SELECT id FROM orders WHERE name = '{name}'\").fetchall()\n"
        "\n"
        "\n"
        "def archive(path: str) -> None:\n"
        '    subprocess.run(f"tar czf {path}.tgz {path}", shell=True)\n'
        "\n"
        "\n"
        "def load(items=[]):\n"
        "    try:\n"
        "        return items\n"
        "    except:\n"
        "        pass\n"
    ),
    "shop/pricing.py": (
        "def price(kind: str, amount: float, vip: bool, coupon: str | None) -> float:\n"
        + "".join(
            f"    if kind == 'k{i}' and amount > {i}:\n        amount -= {i}\n" for i in range(16)
        )
        + "    return amount\n"
    ),
    "tests/test_orders.py": (
        "from shop.orders import load\n\n\ndef test_load() -> None:\n    assert load([1]) == [1]\n"
    ),
    "web/app.js": (
        "export function show(el, html) {\n  el.innerHTML = html;\n"
        "  if (html == 1) { return; }\n}\n"
    ),
}
