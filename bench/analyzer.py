"""How fast `devmentor analyze` is on a large real repository, against the usual tools.

The repository is SQLAlchemy's source (its sdist from the package index, fetched once with
pip into ``~/.cache/devmentor-bench`` and committed to a fresh git repository there), or
any folder given with ``--repo``. Measured, each on a cold start of the command's code:

1. a full analysis with an empty cache (every file analysed, in ``--workers`` processes);
2. the same tree again (an unchanged commit: the report comes from the cache);
3. one file changed (only that file is analysed; the report is rebuilt);
4. the same repository as a ``file://`` git URL whose HEAD has not moved (no clone);
5. the baseline: ``lizard``, ``bandit -r`` and ``radon cc`` run one after another on the
   same tree, as a team would without DevMentor.

    python bench/analyzer.py [--repo PATH] [--workers 2] [--skip-baseline]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

SQLALCHEMY = "sqlalchemy==2.1.9"
BENCH_HOME = Path.home() / ".cache" / "devmentor-bench"
BIN = Path(sys.executable).parent
GIT = shutil.which("git") or "git"
GIT_ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.invalid",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.invalid",
}


def fetch_sqlalchemy() -> Path:
    """SQLAlchemy's source tree as a git repository (fetched and committed once)."""
    repo = BENCH_HOME / SQLALCHEMY.replace("==", "-")
    if (repo / ".git").is_dir():
        return repo
    BENCH_HOME.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as download:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
             "--no-binary", ":all:", "--dest", download, SQLALCHEMY],
            check=True,
        )  # fmt: skip
        archive = next(Path(download).glob("*.tar.gz"))
        with tarfile.open(archive) as tar:
            top = tar.getnames()[0].split("/")[0]
            tar.extractall(BENCH_HOME, filter="data")
        (BENCH_HOME / top).rename(repo)
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "sqlalchemy source"]):
        subprocess.run([GIT, *args], cwd=repo, env=GIT_ENV, check=True)
    return repo


def python_lines(repo: Path) -> tuple[int, int]:
    files = lines = 0
    for path in repo.rglob("*.py"):
        if ".git" in path.parts:
            continue
        files += 1
        with path.open("rb") as handle:
            lines += sum(1 for _ in handle)
    return files, lines


def timed(argv: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def analyze(target: str, cache: Path, workers: int, *extra: str) -> float:
    env = {**os.environ, "DEVMENTOR_ANALYZER__CACHE_DIR": str(cache)}
    argv = [str(BIN / "devmentor"), "analyze", target, "--format", "json", "--quiet"]
    argv += ["--workers", str(workers), *extra]
    started = time.perf_counter()
    result = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"devmentor analyze failed: {result.stderr.strip()}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, help="a folder (default: SQLAlchemy's source)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--skip-baseline", action="store_true")
    args = parser.parse_args()
    repo = (args.repo or fetch_sqlalchemy()).resolve()
    files, lines = python_lines(repo)
    print(f"repository: {repo} ({files} Python files, {lines:,} Python lines)")
    print(f"cores: {os.cpu_count()}, workers: {args.workers}\n")

    with tempfile.TemporaryDirectory() as scratch:
        cache = Path(scratch) / "cache"
        copy = Path(scratch) / "repo"
        shutil.copytree(repo, copy, symlinks=True)
        rows = [("full analysis, empty cache", analyze(str(copy), cache, args.workers))]
        rows.append(("unchanged tree (report from cache)", analyze(str(copy), cache, args.workers)))
        target = next(p for p in sorted(copy.rglob("*.py")) if p.stat().st_size > 20_000)
        target.write_text(target.read_text() + "\n\ndef added(x):\n    return x\n")
        rows.append((f"one file changed ({target.name})", analyze(str(copy), cache, args.workers)))
        url = f"file://{repo}"
        analyze(url, cache, args.workers)  # first sight of the URL: cloned and analysed
        rows.append(("git URL, HEAD unchanged (no clone)", analyze(url, cache, args.workers)))

    if not args.skip_baseline:
        lizard = timed([str(BIN / "lizard"), str(repo)])
        bandit = timed([str(BIN / "bandit"), "-q", "-r", str(repo), "-f", "json", "-o", os.devnull])
        radon = timed([str(BIN / "radon"), "cc", "-s", str(repo)])
        rows += [
            ("baseline: lizard", lizard),
            ("baseline: bandit -r", bandit),
            ("baseline: radon cc", radon),
            ("baseline: the three one after another", lizard + bandit + radon),
        ]

    width = max(len(name) for name, _ in rows)
    for name, seconds in rows:
        print(f"{name:<{width}}  {seconds:8.2f} s")


if __name__ == "__main__":
    main()
