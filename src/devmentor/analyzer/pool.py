"""Worker processes that analyse files in parallel, one file at a time each.

Why not :class:`concurrent.futures.ProcessPoolExecutor`: it cannot stop one task. Here the
parent hands each worker one file and knows which file every worker holds and since when:

* a worker enforces a soft per-file time limit itself (``SIGALRM``), which stops
  Python-level work (lizard, bandit, our checks) and returns what is known;
* if a worker is still busy past the hard limit (stuck in C code, e.g. a regular
  expression) the parent kills it, records the file as timed out, and starts another;
* a worker that dies (a crash in native code, the memory limit) costs only its file.

Workers start from a fork server that has already imported the analyzer, so a new worker
costs a ``fork``, not a fresh interpreter. Each worker runs with the cyclic garbage
collector paused during a file (bandit's trees are full of reference cycles; collecting
them once per file instead of thousands of times is roughly a third faster) and an address
space limit, so a hostile file cannot take the machine's memory.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from types import FrameType

from devmentor.analyzer.engine import FileTask, analyze_file

#: Address space per worker. Generous for any real source file; a hard stop for a
#: decompression-bomb-like input.
WORKER_MEMORY_BYTES = 4 * 1024**3
#: Past the soft limit, how long the parent waits before killing a worker.
HARD_LIMIT_GRACE = 10.0

#: ``on_result(task, result_json_or_None, error_or_None)``
ResultCallback = Callable[[FileTask, bytes | None, str | None], None]


class FileTimeout(BaseException):
    """The per-file time limit (raised by the alarm). A BaseException, like
    KeyboardInterrupt, so that the engine's per-stage ``except Exception`` cannot
    swallow it and carry on past the limit."""


def _alarm(_signum: int, _frame: FrameType | None) -> None:
    raise FileTimeout


def analyze_with_timeout(task: FileTask, timeout: float) -> tuple[bytes | None, str | None]:
    """Analyse ``task`` in this process with a soft time limit (main thread only)."""
    use_alarm = timeout > 0 and hasattr(signal, "setitimer")
    if use_alarm:
        previous = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, timeout)
    gc.disable()
    try:
        return analyze_file(task).model_dump_json().encode(), None
    except FileTimeout:
        return None, f"timed out after {timeout:g} s"
    except RecursionError:
        return None, "nesting too deep"
    except MemoryError:
        return None, "out of memory"
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        # Everything this file allocated is in the youngest generation: collecting just
        # that frees its reference cycles without walking the rest of the heap.
        gc.collect(0)
        gc.enable()


def _worker_main(connection: Connection, timeout: float) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (WORKER_MEMORY_BYTES, WORKER_MEMORY_BYTES))
    except (ImportError, ValueError, OSError):  # pragma: no cover - not on every platform
        pass
    while True:
        try:
            task = connection.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        connection.send(analyze_with_timeout(task, timeout))


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    connection: Connection
    task: FileTask | None = None
    started: float = 0.0


_Context = multiprocessing.context.ForkServerContext | multiprocessing.context.SpawnContext


def _context() -> _Context:
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["devmentor.analyzer.pool"])
        return context
    return multiprocessing.get_context("spawn")  # pragma: no cover - Windows


class WorkerPool:
    """Run file tasks over ``workers`` processes; use as a context manager."""

    def __init__(self, workers: int, file_timeout: float) -> None:
        self.size = max(1, workers)
        self.file_timeout = file_timeout
        self._context = _context()
        self._workers: list[_Worker] = []

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _start(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=_worker_main, args=(child, self.file_timeout), daemon=True
        )
        process.start()
        child.close()
        worker = _Worker(process=process, connection=parent)
        self._workers.append(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        self._workers.remove(worker)
        worker.connection.close()
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(timeout=5)

    def run(self, tasks: Iterable[FileTask], on_result: ResultCallback) -> None:
        """Analyse every task; ``on_result`` is called in this process as each finishes."""
        pending = deque(tasks)
        hard_limit = self.file_timeout + HARD_LIMIT_GRACE
        while len(self._workers) < min(self.size, len(pending)):
            self._start()
        idle = [w for w in self._workers if w.task is None]
        for worker in idle:
            self._give(worker, pending)
        while any(w.task is not None for w in self._workers):
            busy = {w.connection: w for w in self._workers if w.task is not None}
            now = time.monotonic()
            next_deadline = min(w.started + hard_limit for w in busy.values())
            ready = wait(list(busy), timeout=max(0.0, next_deadline - now))
            for connection in ready:
                worker = busy[connection]  # type: ignore[index]
                task = worker.task
                assert task is not None
                try:
                    payload, error = worker.connection.recv()
                except (EOFError, OSError):
                    payload, error = None, "the analysis process crashed"
                    self._retire(worker)
                    on_result(task, payload, error)
                    if pending:
                        self._give(self._start(), pending)
                    continue
                worker.task = None
                on_result(task, payload, error)
                self._give(worker, pending)
            now = time.monotonic()
            for worker in [w for w in self._workers if w.task is not None]:
                if now - worker.started > hard_limit:
                    task = worker.task
                    assert task is not None
                    self._retire(worker)
                    on_result(task, None, f"timed out after {self.file_timeout:g} s (stopped)")
                    if pending:
                        self._give(self._start(), pending)

    def _give(self, worker: _Worker, pending: deque[FileTask]) -> None:
        if not pending:
            return
        worker.task = pending.popleft()
        worker.started = time.monotonic()
        worker.connection.send(worker.task)

    def close(self) -> None:
        for worker in list(self._workers):
            with contextlib.suppress(OSError, ValueError):
                worker.connection.send(None)
        deadline = time.monotonic() + 2
        for worker in list(self._workers):
            worker.process.join(timeout=max(0.0, deadline - time.monotonic()))
            self._retire(worker)


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1
