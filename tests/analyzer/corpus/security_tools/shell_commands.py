# Analyzer accuracy corpus: insecure on purpose, and every annotation must stay on its
# line, so this file is not formatted, linted or type-checked.
# fmt: off
# ruff: noqa
# mypy: ignore-errors
"""Runs the archive and report tools that the nightly job needs."""

import os
import subprocess  # expect: bandit.B404
from pathlib import Path

ARCHIVE_TOOL = "/usr/bin/tar"


def archive(folder: Path, name: str) -> None:
    subprocess.run(f"tar czf {name}.tgz {folder}", shell=True, check=True)  # expect: bandit.B602, py.shell-injection


def archive_safely(folder: Path, name: str) -> None:
    subprocess.run([ARCHIVE_TOOL, "czf", f"{name}.tgz", str(folder)], check=True)  # expect: bandit.B603


def list_reports(folder: str) -> str:
    return subprocess.check_output(["ls", "-l", folder], text=True)  # expect: bandit.B603, bandit.B607


def count_lines(path: str) -> int:
    return os.system("wc -l " + path)  # expect: bandit.B605, py.shell-injection


def restart_worker() -> None:
    os.execv("/usr/sbin/worker", ["worker", "--restart"])  # expect: bandit.B606


def clean_cache() -> None:
    subprocess.call("chmod 600 /var/cache/reports/*", shell=True)  # expect: bandit.B602, bandit.B607, bandit.B609


def compress_all(folder: str) -> None:
    subprocess.run(["/bin/tar", "czf", "all.tgz", f"{folder}/*"], check=False)  # expect: bandit.B603


def reviewed(folder: str) -> None:
    subprocess.run(f"du -sh {folder}", shell=True, check=False)  # nosec B602  # expect: py.shell-injection


class Runner:
    def popen(self, command: str, shell: bool = False) -> str:
        return command


def dry_run(runner: Runner) -> str:
    return runner.popen("echo dry run", shell=True)  # expect: bandit.B604


def quiet_run(runner: Runner) -> str:
    return runner.popen("echo dry run", shell=False)  # ok: bandit.B604, bandit.B602


def describe(folder: Path) -> str:
    return f"{folder} holds {len(list(folder.iterdir()))} reports"  # ok: bandit.B602, bandit.B605
