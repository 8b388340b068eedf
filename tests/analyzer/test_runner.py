"""Whole repositories: the report, the cache by content and by commit, the worker pool."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path

import pytest

from devmentor.analyzer import AnalyzerOptions, EmptyRepository, Limits, analyze
from devmentor.analyzer.engine import FileTask
from devmentor.analyzer.model import AnalysisReport
from devmentor.analyzer.pool import WorkerPool
from devmentor.curriculum.catalog import default_catalog
from tests.analyzer.repos import SMALL_PROJECT, git, make_repo, write_tree


@pytest.fixture
def options(tmp_path: Path) -> AnalyzerOptions:
    return AnalyzerOptions(
        workers=2,
        cache_path=tmp_path / "cache" / "analyzer.sqlite3",
        skill_index=default_catalog().tag_index(),
        skill_languages=default_catalog().skill_languages(),
    )


def test_a_small_project_report(tmp_path: Path, options: AnalyzerOptions) -> None:
    commit = make_repo(tmp_path / "shop", SMALL_PROJECT)
    report = analyze(str(tmp_path / "shop"), options)
    assert report.source.commit == commit
    assert report.summary.primary_language == "Python"
    assert {s.name for s in report.languages} >= {"Python", "JavaScript", "TOML"}
    assert {f.name for f in report.frameworks} >= {"FastAPI", "SQLAlchemy"}
    fastapi = next(f for f in report.frameworks if f.name == "FastAPI")
    assert fastapi.imported_by == 1
    assert fastapi.manifests == ["pyproject.toml"]
    assert report.complexity.hot_spots[0].function == "price"
    assert report.complexity.hot_spots[0].path == "shop/pricing.py"
    security = {(f.rule, f.path, f.line) for f in report.security}
    assert ("py.sql-injection", "shop/orders.py", 10) in security
    assert ("py.shell-injection", "shop/orders.py", 14) in security
    assert ("js.inner-html", "web/app.js", 2) in security
    smells = {(f.rule, f.line) for f in report.smells if f.path == "shop/orders.py"}
    assert {("py.mutable-default-arg", 17), ("py.bare-except", 20)} <= smells
    sql = next(f for f in report.security if f.rule == "py.sql-injection")
    assert "security.sql-injection" in sql.skill_ids
    assert report.tests.has_tests
    assert report.tests.test_files == 1
    assert 0 < report.tests.ratio < 1
    suggested = [s.skill_id for s in report.suggested_skills]
    assert "security.sql-injection" in suggested[:5]
    assert report.run.files_analyzed == report.summary.files
    assert not report.run.report_cached
    assert report.schema_version == "1.0"


def test_an_unchanged_commit_comes_from_the_cache(tmp_path: Path, options: AnalyzerOptions) -> None:
    make_repo(tmp_path / "shop", SMALL_PROJECT)
    first = analyze(str(tmp_path / "shop"), options)
    again = analyze(str(tmp_path / "shop"), options)
    assert again.run.report_cached
    assert again.run.files_analyzed == 0
    assert again.model_dump(exclude={"run", "generated_at"}) == first.model_dump(
        exclude={"run", "generated_at"}
    )


def test_a_small_change_reanalyses_only_that_file(tmp_path: Path, options: AnalyzerOptions) -> None:
    repo = tmp_path / "shop"
    make_repo(repo, SMALL_PROJECT)
    analyze(str(repo), options)
    (repo / "shop" / "pricing.py").write_text("def price(x):\n    return x\n")
    changed = analyze(str(repo), options)
    assert changed.run.files_analyzed == 1
    assert changed.run.files_from_cache == changed.summary.files - 1
    assert all(h.path != "shop/pricing.py" for h in changed.complexity.hot_spots)
    fresh = analyze(str(repo), AnalyzerOptions(workers=1, skill_index=options.skill_index))
    assert changed.model_dump(exclude={"run", "generated_at"}) == fresh.model_dump(
        exclude={"run", "generated_at"}
    )


def test_identical_files_are_analysed_once(tmp_path: Path, options: AnalyzerOptions) -> None:
    body = SMALL_PROJECT["shop/orders.py"]
    write_tree(tmp_path / "r", {f"copy{i}/orders.py": body for i in range(6)})
    report = analyze(str(tmp_path / "r"), options)
    assert report.run.files_analyzed == 6  # six paths served ...
    assert len({f.path for f in report.security if f.rule == "py.sql-injection"}) == 6
    assert report.duplicates
    assert len(report.duplicates[0].locations) == 6


def test_a_url_is_cloned_then_served_from_cache_until_it_moves(
    tmp_path: Path, options: AnalyzerOptions
) -> None:
    upstream = tmp_path / "upstream"
    make_repo(upstream, SMALL_PROJECT)
    url = f"file://{upstream}"
    first = analyze(url, options)
    assert first.source.kind == "git"
    assert not first.run.report_cached
    second = analyze(url, options)
    assert second.run.report_cached
    assert second.source.commit == first.source.commit
    moved = make_repo(upstream, {"shop/extra.py": "VALUE = 1\n"}, "more")
    third = analyze(url, options)
    assert not third.run.report_cached
    assert third.source.commit == moved
    assert third.run.files_analyzed == 1


def test_an_empty_tree_is_an_error(tmp_path: Path, options: AnalyzerOptions) -> None:
    write_tree(tmp_path, {"data.json": b"\0\0binary", "README": "no extension"})
    with pytest.raises(EmptyRepository):
        analyze(str(tmp_path), options)


def test_a_file_over_its_time_limit_is_reported_not_fatal(tmp_path: Path) -> None:
    big = "".join(
        f"def f{i}(x):\n    if x:\n        return {i}\n    return x\n" for i in range(4000)
    )
    write_tree(tmp_path, {"huge.py": big, "ok.py": "x = 1\n", "ok2.py": "y = 2\n"})
    report = analyze(str(tmp_path), AnalyzerOptions(workers=2, limits=Limits(file_timeout=0.05)))
    partial = {s.path: s.reason for s in report.skipped.partial}
    assert "timed out" in partial["huge.py"]
    assert {s.name for s in report.languages} == {"Python"}
    assert report.summary.files == 2  # the two small files still made it


def test_a_worker_that_dies_costs_only_its_file() -> None:
    source = "".join(
        f"def f{i}(x):\n    if x:\n        return {i}\n    return x\n" for i in range(800)
    )
    tasks = [FileTask(f"f{i}.py", "Python", False, source.encode()) for i in range(6)]
    results: dict[str, str | None] = {}
    killed: list[str] = []
    with WorkerPool(2, file_timeout=30) as pool:

        def kill_a_busy_worker() -> None:
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                busy = [w for w in pool._workers if w.task is not None]
                if busy and busy[0].task is not None:
                    killed.append(busy[0].task.path)
                    pid = busy[0].process.pid
                    assert pid is not None
                    os.kill(pid, signal.SIGKILL)
                    return
                time.sleep(0.01)

        killer = threading.Thread(target=kill_a_busy_worker)
        killer.start()
        pool.run(tasks, lambda task, payload, error: results.__setitem__(task.path, error))
        killer.join()
    assert set(results) == {t.path for t in tasks}
    assert len(killed) == 1
    assert "crashed" in (results[killed[0]] or "")
    assert [path for path, error in results.items() if error] == killed


def test_the_json_round_trips(tmp_path: Path, options: AnalyzerOptions) -> None:
    make_repo(tmp_path / "shop", SMALL_PROJECT)
    report = analyze(str(tmp_path / "shop"), options)
    data = json.loads(report.model_dump_json())
    assert AnalysisReport.model_validate(data) == report


def test_git_is_not_run_inside_a_local_repository(tmp_path: Path, options: AnalyzerOptions) -> None:
    repo = tmp_path / "shop"
    make_repo(repo, SMALL_PROJECT)
    marker = tmp_path / "ran"
    git(repo, "config", "core.fsmonitor", f"touch {marker}; false")
    analyze(str(repo), options)
    assert not marker.exists()


def test_skills_tied_to_a_language_follow_the_code(
    tmp_path: Path, options: AnalyzerOptions
) -> None:
    js_tests = (
        "import { add } from '../src/add.js';\n"
        "describe('add', () => {\n  it('adds', () => {\n"
        "    expect(add(1, 2)).toBe(3);\n  });\n});\n"
    )
    py_tests = "import pytest\n\n\ndef test_add() -> None:\n    assert 1 + 2 == 3\n"
    write_tree(tmp_path / "js", {"src/add.js": "export const add = (a, b) => a + b;\n"})
    write_tree(tmp_path / "js", {"test/add.test.js": js_tests})
    write_tree(tmp_path / "py", {"src/add.py": "def add(a, b):\n    return a + b\n"})
    write_tree(tmp_path / "py", {"tests/test_add.py": py_tests})
    js = analyze(str(tmp_path / "js"), options)
    py = analyze(str(tmp_path / "py"), options)
    js_unit = next(p for p in js.patterns if p.id == "pattern:unit-tests")
    py_unit = next(p for p in py.patterns if p.id == "pattern:pytest")
    assert "testing.pytest-basics" not in js_unit.skill_ids
    assert "testing.pytest-basics" in py_unit.skill_ids


def test_a_worker_stuck_past_the_hard_limit_is_replaced(monkeypatch: pytest.MonkeyPatch) -> None:
    # A stopped process stands in for one stuck in C code, where the soft alarm cannot land.
    from devmentor.analyzer import pool as pool_module

    monkeypatch.setattr(pool_module, "HARD_LIMIT_GRACE", 0.5)
    source = "".join(f"def f{i}(x):\n    return x + {i}\n" for i in range(1500))
    tasks = [FileTask(f"f{i}.py", "Python", False, source.encode()) for i in range(4)]
    results: dict[str, str | None] = {}
    stopped: list[str] = []
    with WorkerPool(2, file_timeout=1.0) as pool:

        def stop_a_busy_worker() -> None:
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                busy = [w for w in pool._workers if w.task is not None]
                if busy and busy[0].task is not None and busy[0].process.pid is not None:
                    stopped.append(busy[0].task.path)
                    os.kill(busy[0].process.pid, signal.SIGSTOP)
                    return
                time.sleep(0.005)

        stopper = threading.Thread(target=stop_a_busy_worker)
        stopper.start()
        started = time.monotonic()
        pool.run(tasks, lambda task, payload, error: results.__setitem__(task.path, error))
        stopper.join()
    assert len(stopped) == 1
    assert "stopped" in (results[stopped[0]] or "")
    assert [path for path, error in results.items() if error] == stopped
    assert time.monotonic() - started < 15
