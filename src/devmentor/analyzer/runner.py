"""``analyze()``: one repository, from path or URL to report.

The steps: resolve the input (:mod:`source`), walk the tree once (:mod:`walker`), read
and hash every file (the git blob hash), answer what the cache knows, analyse the rest in
worker processes (:mod:`pool`), then aggregate (:mod:`aggregate`). When every file is
unchanged the whole report comes from the cache.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from devmentor import __version__
from devmentor.analyzer import aggregate, duplicates, source
from devmentor.analyzer.cache import AnalysisCache
from devmentor.analyzer.engine import FileTask, analyze_file, engine_revision
from devmentor.analyzer.exceptions import EmptyRepository, SourcePermissionError
from devmentor.analyzer.frameworks import FrameworkDetector
from devmentor.analyzer.model import (
    AnalysisReport,
    FileResult,
    RunStats,
    SkippedFile,
    SkipStats,
    SourceInfo,
)
from devmentor.analyzer.pool import WorkerPool, analyze_with_timeout, default_workers
from devmentor.analyzer.walker import (
    FileEntry,
    Limits,
    UnreadableFile,
    content_skip_reason,
    read_file,
    walk,
)

#: ``progress(stage, done, total)``; stages: clone, scan, analyze, report.
Progress = Callable[[str, int, int], None]
#: Below this many files to analyse, starting worker processes costs more than it saves.
_IN_PROCESS_FILES = 4
_CACHE_BATCH = 200


@dataclass(frozen=True)
class AnalyzerOptions:
    """How to analyse. The defaults suit a laptop and a large real repository."""

    limits: Limits = field(default_factory=Limits)
    #: Worker processes; None means one per available CPU.
    workers: int | None = None
    #: Where the cache lives; None turns caching off.
    cache_path: Path | None = None
    #: Curriculum tag -> skill ids, to tag findings and patterns with skills.
    skill_index: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: Skill id -> the languages (python, javascript, go, java) it is tied to; evidence in
    #: another language's code does not point at it. Skills not listed suit any language.
    skill_languages: Mapping[str, frozenset[str]] = field(default_factory=dict)
    #: For URLs: the branch to clone (default: the remote's HEAD).
    branch: str | None = None
    top_hot_spots: int = 20


def _noop(_stage: str, _done: int, _total: int) -> None:
    return None


def analyze(
    target: str, options: AnalyzerOptions | None = None, progress: Progress | None = None
) -> AnalysisReport:
    """Analyse the repository at ``target`` (a local path or a git URL).

    Raises an :class:`~devmentor.analyzer.exceptions.AnalyzerError` subclass, with a
    one-line message, when the input cannot be analysed.
    """
    options = options or AnalyzerOptions()
    report_progress = progress or _noop
    started = time.perf_counter()
    cache = AnalysisCache(options.cache_path) if options.cache_path else None
    try:
        if source.is_git_url(target):
            return _analyze_url(target, options, cache, report_progress, started)
        checkout = source.open_local(target)
        return _analyze_tree(checkout, options, cache, report_progress, started)[0]
    finally:
        if cache is not None:
            cache.close()


def _analyze_url(
    url: str,
    options: AnalyzerOptions,
    cache: AnalysisCache | None,
    progress: Progress,
    started: float,
) -> AnalysisReport:
    shown = source.redact(url)
    ref = options.branch or "HEAD"
    revision = _options_revision(options)
    if cache is not None:
        known = cache.get_remote(shown, ref, revision)
        if known is not None:
            head = source.remote_head(url, options.limits, options.branch)
            if head is not None and head == known[0]:
                cached = cache.get_report(known[1])
                if cached is not None:
                    report = AnalysisReport.model_validate_json(cached)
                    return _refresh(report, report.source, started, report_cached=True)
    progress("clone", 0, 1)
    with source.clone(url, options.limits, options.branch) as checkout:
        progress("clone", 1, 1)
        report, tree_key = _analyze_tree(checkout, options, cache, progress, started)
    if cache is not None and checkout.info.commit:
        cache.put_remote(shown, ref, revision, checkout.info.commit, tree_key)
    return report


def _options_revision(options: AnalyzerOptions) -> str:
    digest = hashlib.sha256(engine_revision().encode())
    digest.update(repr((options.limits, options.top_hot_spots)).encode())
    digest.update(repr(sorted(options.skill_index.items())).encode())
    digest.update(repr(sorted((k, sorted(v)) for k, v in options.skill_languages.items())).encode())
    return digest.hexdigest()[:32]


def _blob_hash(data: bytes) -> str:
    """Git's blob id for ``data`` (so a committed file's key is its blob hash)."""
    digest = hashlib.sha1(b"blob %d\0" % len(data), usedforsecurity=False)
    digest.update(data)
    return digest.hexdigest()


@dataclass
class _Item:
    entry: FileEntry
    key: str
    data: bytes
    result: FileResult | None = None


def _analyze_tree(
    checkout: source.Checkout,
    options: AnalyzerOptions,
    cache: AnalysisCache | None,
    progress: Progress,
    started: float,
) -> tuple[AnalysisReport, str]:
    """The report of ``checkout``, and the tree key it is cached under."""
    limits = options.limits
    progress("scan", 0, 0)
    try:
        walked = walk(checkout.root, limits)
    except PermissionError as exc:
        raise SourcePermissionError(f"{checkout.info.input}: permission denied") from exc
    skips = walked.skips
    detector = FrameworkDetector()
    revision = engine_revision()
    items: list[_Item] = []
    for index, entry in enumerate(walked.files):
        try:
            data = read_file(checkout.root, entry, limits)
        except UnreadableFile as exc:
            skips.add(entry.path, f"unreadable ({exc})")
            continue
        if entry.is_manifest:
            detector.add_manifest(entry.path, data.decode("utf-8", "replace"))
        if entry.language is None:
            continue
        reason = content_skip_reason(entry, data, limits)
        if reason is not None:
            skips.add(entry.path, reason)
            continue
        key = f"{_blob_hash(data)}:{entry.language.name}:{int(entry.is_test)}:{revision}"
        items.append(_Item(entry, key, data))
        if index % 500 == 0:
            progress("scan", index, len(walked.files))
    if not items:
        raise EmptyRepository(f"{checkout.info.input}: no source files to analyse")

    tree_key = _tree_key(options, items, skips.counts)
    if cache is not None:
        cached = cache.get_report(tree_key)
        if cached is not None:
            report = AnalysisReport.model_validate_json(cached)
            progress("analyze", len(items), len(items))
            return _refresh(report, checkout.info, started, report_cached=True), tree_key

    known = cache.get_files(item.key for item in items) if cache is not None else {}
    todo: list[_Item] = []
    for item in items:
        payload = known.get(item.key)
        if payload is not None:
            item.result = FileResult.model_validate_json(payload)
        else:
            todo.append(item)
    from_cache = len(items) - len(todo)
    done = from_cache
    progress("analyze", done, len(items))
    partial: list[SkippedFile] = []
    fresh: dict[str, bytes] = {}
    by_key: dict[str, list[_Item]] = {}
    for item in todo:
        by_key.setdefault(item.key, []).append(item)
    unique = [group[0] for group in by_key.values()]
    # Largest first: the long files start early and the short ones fill the gaps.
    unique.sort(key=lambda item: -len(item.data))

    def on_result(task: FileTask, payload: bytes | None, error: str | None) -> None:
        nonlocal done
        group = by_key[_task_keys[id(task)]]
        if payload is None:
            for item in group:
                partial.append(SkippedFile(path=item.entry.path, reason=error or "failed"))
        else:
            result = FileResult.model_validate_json(payload)
            for item in group:
                item.result = result
            fresh[group[0].key] = payload
            if cache is not None and len(fresh) >= _CACHE_BATCH:
                cache.put_files(fresh)
                fresh.clear()
        done += len(group)
        progress("analyze", done, len(items))

    _task_keys: dict[int, str] = {}
    tasks = []
    for item in unique:
        assert item.entry.language is not None
        task = FileTask(item.entry.path, item.entry.language.name, item.entry.is_test, item.data)
        _task_keys[id(task)] = item.key
        tasks.append(task)
    workers = min(options.workers or default_workers(), len(tasks)) if tasks else 0
    if tasks:
        if len(tasks) <= _IN_PROCESS_FILES or workers <= 1:
            in_main = threading.current_thread() is threading.main_thread()
            for task in tasks:
                if in_main:
                    payload, error = analyze_with_timeout(task, limits.file_timeout)
                else:  # no SIGALRM outside the main thread; the walk limits still apply
                    payload, error = analyze_file(task).model_dump_json().encode(), None
                on_result(task, payload, error)
        else:
            with WorkerPool(workers, limits.file_timeout) as pool:
                pool.run(tasks, on_result)
    if cache is not None and fresh:
        cache.put_files(fresh)

    progress("report", 0, 1)
    placed = [
        aggregate.Placed(item.entry.path, item.entry.is_test, item.result)
        for item in items
        if item.result is not None
    ]
    for done_file in placed:
        detector.add_imports(done_file.result.language, done_file.result.imports)
        if done_file.result.errors:
            reason = "; ".join(done_file.result.errors)
            partial.append(SkippedFile(path=done_file.path, reason=reason))
    report = _build(
        checkout.info,
        placed,
        detector,
        SkipStats(
            counts=dict(sorted(skips.counts.items())),
            examples=skips.examples,
            partial=sorted(partial, key=lambda s: s.path)[:200],
            truncated=skips.truncated,
        ),
        options,
        RunStats(
            duration_seconds=0.0,
            files_analyzed=len(todo),
            files_from_cache=from_cache,
            workers=workers,
        ),
    )
    if cache is not None:
        cache.put_report(tree_key, report.model_dump_json().encode())
    progress("report", 1, 1)
    return _refresh(report, checkout.info, started, report_cached=False), tree_key


def _tree_key(options: AnalyzerOptions, items: list[_Item], skips: Mapping[str, int]) -> str:
    digest = hashlib.sha256(_options_revision(options).encode())
    for item in items:
        digest.update(f"{item.entry.path}\0{item.key}\n".encode())
    digest.update(repr(sorted(skips.items())).encode())
    return digest.hexdigest()


def _build(
    info: SourceInfo,
    placed: list[aggregate.Placed],
    detector: FrameworkDetector,
    skipped: SkipStats,
    options: AnalyzerOptions,
    run: RunStats,
) -> AnalysisReport:
    frameworks = detector.frameworks()
    langs = aggregate.languages(placed)
    stats = aggregate.complexity(placed, options.top_hot_spots)
    skills = aggregate.SkillLinks(options.skill_index, options.skill_languages)
    smells, security = aggregate.findings(placed, skills)
    blocks = duplicates.find_duplicates(
        (item.path, item.result.fingerprints)
        for item in placed
        if not item.is_test and item.result.fingerprints
    )
    test_stats = aggregate.tests(placed, frameworks)
    used = aggregate.patterns(placed, skills)
    return AnalysisReport(
        analyzer_version=__version__,
        generated_at="",
        source=info,
        summary=aggregate.summary(placed, langs, stats, smells, security, blocks, test_stats),
        languages=langs,
        frameworks=frameworks,
        complexity=stats,
        smells=smells,
        security=security,
        duplicates=blocks,
        tests=test_stats,
        patterns=used,
        suggested_skills=aggregate.suggested_skills(smells, security, used),
        skipped=skipped,
        run=run,
    )


def _refresh(
    report: AnalysisReport, info: SourceInfo, started: float, *, report_cached: bool
) -> AnalysisReport:
    """The report as of now: this run's time, source and cache use."""
    run = report.run.model_copy(
        update={
            "duration_seconds": round(time.perf_counter() - started, 3),
            "report_cached": report_cached,
            **(
                {"files_analyzed": 0, "workers": 0, "files_from_cache": report.summary.files}
                if report_cached
                else {}
            ),
        }
    )
    return report.model_copy(
        update={
            "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "source": info,
            "run": run,
        }
    )
