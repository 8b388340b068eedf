"""Run a learner's Python code, and an exercise's tests, in a sandboxed subprocess.

The boundary is the operating system, not Python. Each run gets:

* a fresh interpreter (``python -I -S -B``: no user site, no environment variables, no
  current directory on ``sys.path``, no bytecode files) in its own session, with stdin
  closed and a minimal environment;
* resource limits: CPU seconds, address space, file size, open files, processes, no core
  dumps; a wall-clock limit of ``2 * time + 1`` seconds and an output cap enforced here;
* a fresh temporary directory as its working directory, removed afterwards.

When this process runs as root (a container), the sandbox also gets, each layer applied
only where the kernel allows it and reported in :attr:`SandboxResult.isolation`:

* ``uid``: its own unprivileged uid and gid (from :data:`SANDBOX_UID_BASE`, one per
  concurrent run, claimed with a lock file so several server processes don't share one),
  no supplementary groups and ``no_new_privs``. A uid per run is what makes
  ``RLIMIT_NPROC`` a per-run limit (it counts every process of the uid) and lets a
  safety net kill "every process of this uid" without touching anything else;
* ``net``: a new, empty network namespace: not even loopback is up, so no connection
  anywhere can be made;
* ``pid``: a new PID namespace whose init is the learner's process. When it ends, the
  kernel kills everything it started, even processes that left the process group with
  ``setsid()``: a fork bomb cannot leave anything behind;
* ``fs``: a private mount namespace where every mount is read-only except the working
  directory, which is a small tmpfs (``disk_bytes``) that vanishes with the run. Without
  it ``/tmp`` and other world-writable directories would stay writable for any uid.

Without root none of these apply: the rlimits, the session and the temp dir still do,
and ``no_new_privs`` where ``ctypes`` can set it.

Inside the sandbox a small runner executes the learner's code and then the tests in one
namespace and reports the outcome (passed, failed assertion with its source line, other
exception, memory) on a private pipe; everything the process prints goes to the capped
stdout/stderr. That runner shares the process with the learner's code, so a determined
learner can forge their own outcome: grading integrity against deliberate tampering is
not a goal, containment is.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import functools
import math
import os
import pwd
import shutil
import signal
import stat
import sys
import tempfile
import threading
import time
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Status = Literal["passed", "failed", "error", "timeout", "memory", "output_limit", "killed"]

#: The first uid (and gid) given to sandboxed code when running as root. 60578-61183 is
#: unassigned in systemd's allocation scheme (below DynamicUser's 61184) and is mapped in
#: rootless containers, which usually map 0-65535.
SANDBOX_UID_BASE = 60600
#: How many uids (so: concurrent runs across all processes on the host) are available.
SANDBOX_UID_SLOTS = 256
#: Runs at the same time per event loop; more would only queue for CPU.
CONCURRENCY = os.cpu_count() or 2

# Where the per-uid lock files live: root-only, so nobody can squat a slot's lock.
_SLOT_DIR = Path("/run/devmentor-sandbox")
_DIR_PREFIX = "devmentor-sandbox-"
# Seconds given to the sandbox to shut down cleanly (SIGTERM) before SIGKILL.
_STOP_GRACE = 1.0
# Seconds to finish reading output once the process has exited.
_DRAIN_GRACE = 0.5


@dataclass(frozen=True)
class SandboxLimits:
    """What a run may use. CPU time is rounded up to whole seconds (``RLIMIT_CPU``)."""

    time_seconds: float = 2.0
    memory_mb: int = 256
    output_bytes: int = 64_000
    processes: int = 16
    file_size_bytes: int = 1_000_000
    open_files: int = 64
    #: Size of the working directory's tmpfs (only with mount isolation).
    disk_bytes: int = 16_000_000

    def __post_init__(self) -> None:
        for name in (
            "time_seconds",
            "memory_mb",
            "output_bytes",
            "processes",
            "file_size_bytes",
            "open_files",
            "disk_bytes",
        ):
            if getattr(self, name) <= 0:
                raise ValueError(f"SandboxLimits.{name} must be positive")

    @property
    def cpu_seconds(self) -> int:
        return max(1, math.ceil(self.time_seconds))

    @property
    def wall_seconds(self) -> float:
        """Wall-clock limit: generous, since sleeping or blocked code uses no CPU."""
        return 2 * self.time_seconds + 1


DEFAULT_LIMITS = SandboxLimits()


@dataclass(frozen=True)
class SandboxResult:
    """The outcome of one run; :attr:`message` is written for the learner."""

    status: Status
    #: The interpreter's exit code (negative: killed by that signal); None when the sandbox
    #: stopped it (timeout, output limit).
    exit_code: int | None
    stdout: str
    stderr: str
    duration_ms: float
    message: str
    #: True when the code ran in an empty network namespace.
    network_isolated: bool = False
    #: The OS isolation layers that applied: some of "uid", "net", "pid", "fs".
    isolation: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        return self.status == "passed"


async def run_python(
    code: str, *, tests: str | None = None, limits: SandboxLimits = DEFAULT_LIMITS
) -> SandboxResult:
    """Run ``code``, then ``tests`` (plain ``assert`` statements) in the same namespace.

    Status: ``passed`` (exit without error; with tests, all of them ran), ``failed`` (an
    ``AssertionError``), ``error`` (any other exception, a syntax error, an early exit),
    ``timeout``, ``memory``, ``output_limit`` or ``killed`` (by a signal, e.g. a crash).
    """
    async with _semaphore():
        slot = await _claim_slot() if _can_isolate() else None
        try:
            return await _run(code, tests, limits, slot)
        finally:
            if slot is not None:
                slot.release()


def _can_isolate() -> bool:
    """Whether runs get their own uid and namespaces: that takes root."""
    return os.geteuid() == 0


# -- concurrency and uid slots ---------------------------------------------------------

# asyncio primitives bind to the first loop that waits on them, so one semaphore per loop
# (a server has one; tests have one per test).
_semaphores: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
    weakref.WeakKeyDictionary()
)


def _semaphore() -> asyncio.Semaphore:
    loop = asyncio.get_running_loop()
    semaphore = _semaphores.get(loop)
    if semaphore is None:
        semaphore = _semaphores[loop] = asyncio.Semaphore(CONCURRENCY)
    return semaphore


@dataclass
class _Slot:
    uid: int
    lock_fd: int | None

    def release(self) -> None:
        with _slots_lock:
            _slots_in_use.discard(self.uid)
        if self.lock_fd is not None:
            os.close(self.lock_fd)  # releases the flock
            self.lock_fd = None


_slots_lock = threading.Lock()
_slots_in_use: set[int] = set()
# Slots whose uid was checked for leftovers (a crashed earlier server) in this process.
_slots_swept: set[int] = set()


@functools.cache
def _slot_dir() -> Path | None:
    """The lock directory, or None when it can't be trusted (then locks are per process)."""
    try:
        _SLOT_DIR.mkdir(mode=0o700, exist_ok=True)
        info = _SLOT_DIR.lstat()
    except OSError:
        return None
    trusted = (
        stat.S_ISDIR(info.st_mode) and info.st_uid == os.geteuid() and not info.st_mode & 0o077
    )
    return _SLOT_DIR if trusted else None


@functools.cache
def _is_account(uid: int) -> bool:
    """A uid with a passwd entry belongs to someone: never run (or kill) as it."""
    try:
        pwd.getpwuid(uid)
    except KeyError:
        return False
    return True


def _lock_uid(uid: int) -> int | Literal[False] | None:
    """An flock'd fd for ``uid``, None without a lock directory, False when it's taken."""
    directory = _slot_dir()
    if directory is None:
        return None
    fd = os.open(
        directory / f"{uid}.lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600
    )
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return False
    return fd


def _try_claim() -> _Slot | None:
    with _slots_lock:
        for uid in range(SANDBOX_UID_BASE, SANDBOX_UID_BASE + SANDBOX_UID_SLOTS):
            if uid in _slots_in_use or _is_account(uid):
                continue
            fd = _lock_uid(uid)
            if fd is False:
                continue
            _slots_in_use.add(uid)
            return _Slot(uid, fd)
    return None


async def _claim_slot() -> _Slot:
    # Every uid busy (many server processes): poll, since other processes free them.
    while (slot := _try_claim()) is None:  # noqa: ASYNC110
        await asyncio.sleep(0.05)
    if slot.uid not in _slots_swept:
        # A server that crashed (or was killed) mid-run may have left processes with this
        # uid running, and its work dir behind. Holding the uid's lock, both are stale.
        await _kill_uid(slot.uid)
        await asyncio.to_thread(_remove_stale_dirs, slot.uid)
        _slots_swept.add(slot.uid)
    return slot


# -- process control -------------------------------------------------------------------


def _uid_processes(uid: int) -> list[int]:
    """Live (non-zombie) processes whose real, effective, saved or fs uid is ``uid``."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            status = Path(entry.path, "status").read_text()
        except OSError:
            continue  # gone meanwhile
        uids: list[str] = []
        zombie = False
        for line in status.splitlines():
            if line.startswith("State:"):
                zombie = line.split()[1] in ("Z", "X")
            elif line.startswith("Uid:"):
                uids = line.split()[1:]
                break
        if not zombie and str(uid) in uids:
            found.append(int(entry.name))
    return found


async def _kill_uid(uid: int) -> None:
    """SIGKILL every process of ``uid`` until none is left (they may be forking)."""
    for _ in range(200):
        victims = _uid_processes(uid)
        if not victims:
            return
        for pid in victims:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        await asyncio.sleep(0.005)


def _remove_stale_dirs(uid: int) -> None:
    for path in Path(tempfile.gettempdir()).glob(_DIR_PREFIX + "*"):
        with contextlib.suppress(OSError):
            info = path.lstat()
            if stat.S_ISDIR(info.st_mode) and info.st_uid == uid:
                shutil.rmtree(path, ignore_errors=True)


def _killpg(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


class _Capture:
    """Reads stdout and stderr as they come, keeping at most ``cap`` bytes in total."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.total = 0
        self.out = bytearray()
        self.err = bytearray()
        self.overflow = asyncio.Event()

    async def pump(self, stream: asyncio.StreamReader | None, buffer: bytearray) -> None:
        if stream is None:
            return
        while chunk := await stream.read(65536):
            room = self.cap - self.total
            if room > 0:
                buffer += chunk[:room]
            self.total += len(chunk)
            if self.total > self.cap:
                # Keep reading (and dropping) until EOF: a pipe left unread never closes.
                self.overflow.set()


def _read_records(fd: int) -> dict[str, list[str]]:
    """The runner's reports: ``tag\\x1ffield...\\x1e``; the last of each tag wins."""
    os.set_blocking(fd, False)
    data = bytearray()
    with contextlib.suppress(BlockingIOError):
        while chunk := os.read(fd, 65536):
            data += chunk
            if len(data) > 1_000_000:  # only the runner should write here
                break
    records: dict[str, list[str]] = {}
    for raw in data.decode("utf-8", "replace").split("\x1e"):
        fields = raw.split("\x1f")
        if fields[0]:
            records.setdefault(fields[0], fields[1:])
            if fields[0] in ("result", "exit"):
                records[fields[0]] = fields[1:]
    return records


def _prepare(directory: str, code: str, tests: str | None, slot: _Slot | None) -> str:
    """Write the files; return the directory's real path (mount points must match it)."""
    work = os.path.realpath(directory)
    Path(work, "solution.py").write_text(code, encoding="utf-8")
    if tests is not None:
        Path(work, "tests.py").write_text(tests, encoding="utf-8")
    for name in os.listdir(work):
        os.chmod(os.path.join(work, name), 0o644)
    if slot is not None:
        # Without mount isolation the sandbox writes here directly, as its own uid.
        os.chown(work, slot.uid, slot.uid)
    return work


async def _run(
    code: str, tests: str | None, limits: SandboxLimits, slot: _Slot | None
) -> SandboxResult:
    tmp = tempfile.TemporaryDirectory(prefix=_DIR_PREFIX)
    try:
        work = _prepare(tmp.name, code, tests, slot)
        read_fd, write_fd = os.pipe()
        try:
            return await _execute(work, tests is not None, limits, slot, read_fd, write_fd)
        finally:
            os.close(read_fd)
    finally:
        # Off the loop: code may have filled its directory with many small files.
        await asyncio.to_thread(tmp.cleanup)


async def _execute(
    work: str,
    has_tests: bool,
    limits: SandboxLimits,
    slot: _Slot | None,
    read_fd: int,
    write_fd: int,
) -> SandboxResult:
    uid = slot.uid if slot is not None else -1
    args = [
        work,
        uid,
        uid,
        limits.cpu_seconds,
        limits.memory_mb * 1024 * 1024,
        limits.file_size_bytes,
        limits.open_files,
        limits.processes,
        limits.disk_bytes,
        write_fd,
        int(has_tests),
    ]
    started = time.perf_counter()
    try:
        proc = await _spawn(args, work, write_fd)
    finally:
        # Closed exactly once (a second close could hit a reused fd number): the sandbox
        # now holds the only write end, so the pipe reaches EOF when it's gone.
        os.close(write_fd)

    capture = _Capture(limits.output_bytes)
    pumps = [
        asyncio.create_task(capture.pump(proc.stdout, capture.out)),
        asyncio.create_task(capture.pump(proc.stderr, capture.err)),
    ]
    waiter = asyncio.create_task(proc.wait())
    overflow = asyncio.create_task(capture.overflow.wait())
    try:
        await asyncio.wait(
            {waiter, overflow}, timeout=limits.wall_seconds, return_when=asyncio.FIRST_COMPLETED
        )
        stopped: Status | None = None
        if capture.overflow.is_set():
            stopped = "output_limit"
        elif not waiter.done():
            stopped = "timeout"
        if stopped is not None:
            await _stop(proc, waiter, graceful=slot is not None)
        duration_ms = (time.perf_counter() - started) * 1000
        records = _read_records(read_fd)
        if "exit" not in records:
            # No word from a PID namespace's launcher that everything is gone: kill
            # whatever may remain, by process group and (with our own uid) by uid.
            _killpg(proc.pid)
            if slot is not None:
                await _kill_uid(slot.uid)
        _, unfinished = await asyncio.wait(pumps, timeout=_DRAIN_GRACE)
        if unfinished:
            # A process that escaped every kill (unprivileged mode) still holds the pipes:
            # stop reading them. asyncio has no public way to close a process's pipes.
            transport = getattr(proc, "_transport", None)
            if isinstance(transport, asyncio.SubprocessTransport):
                transport.close()
    finally:
        for task in (*pumps, waiter, overflow):
            task.cancel()
        if proc.returncode is None:  # cancelled (or a bug of ours): no time to be graceful
            _killpg(proc.pid)
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            if slot is not None:
                _slots_swept.discard(slot.uid)  # the uid's next run sweeps it first
    return _result(stopped, proc.returncode, records, capture, duration_ms, has_tests, limits)


async def _stop(
    proc: asyncio.subprocess.Process, waiter: asyncio.Task[int], graceful: bool
) -> None:
    """End a run that went over a limit, and wait for its process."""
    if graceful:
        # As root the first process is a launcher outside the PID namespace: on SIGTERM it
        # kills the namespace's init (so the kernel kills the rest), reaps it and exits.
        with contextlib.suppress(ProcessLookupError):
            os.kill(proc.pid, signal.SIGTERM)
        await asyncio.wait({waiter}, timeout=_STOP_GRACE)
    if not waiter.done():
        _killpg(proc.pid)
        await asyncio.wait({waiter}, timeout=5)


# What the runner may report; anything else (a forged record) counts as an error.
_RUNNER_STATUSES: dict[str, Status] = {
    "passed": "passed",
    "failed": "failed",
    "error": "error",
    "memory": "memory",
}


async def _spawn(args: list[object], work: str, write_fd: int) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-I",
        "-S",
        "-B",
        "-c",
        _BOOTSTRAP,
        *map(str, args),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=work,
        env={"PATH": "/usr/bin:/bin", "HOME": work, "LANG": "C.UTF-8"},
        start_new_session=True,
        pass_fds=(write_fd,),
    )


def _size(count: int) -> str:
    if count >= 1_000_000:
        return f"{count / 1_000_000:g} MB"
    if count >= 1000:
        return f"{count / 1000:g} KB"
    return f"{count} bytes"


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _result(
    stopped: Status | None,
    returncode: int | None,
    records: dict[str, list[str]],
    capture: _Capture,
    duration_ms: float,
    has_tests: bool,
    limits: SandboxLimits,
) -> SandboxResult:
    stdout = capture.out.decode("utf-8", "replace")
    stderr = capture.err.decode("utf-8", "replace")
    isolation = tuple(name for name in records.get("iso", [""])[0].split(",") if name)
    cpu_timeout = (
        f"Your code ran longer than {limits.time_seconds:g} s and was stopped (an infinite loop?)"
    )
    memory = f"Your code used more than {limits.memory_mb} MB of memory"

    exit_code = returncode
    cpu: float | None = None
    if "exit" in records:  # the PID namespace's init's status, from the launcher
        exit_code, cpu = int(records["exit"][0]), float(records["exit"][1])

    status: Status
    if stopped == "output_limit":
        status, exit_code = stopped, None
        message = f"Your code printed more than {_size(limits.output_bytes)}"
    elif stopped == "timeout":
        status, exit_code = stopped, None
        message = (
            f"Your code ran longer than {limits.wall_seconds:g} s and was stopped "
            "(is it waiting or sleeping?)"
        )
    elif "result" in records and len(records["result"]) == 2:
        outcome, message = records["result"]
        status = _RUNNER_STATUSES.get(outcome, "error")
        if status == "memory":
            message = memory
    else:
        signum = -exit_code if exit_code is not None and exit_code < 0 else 0
        cpu_spent = (
            cpu >= limits.cpu_seconds - 0.05
            if cpu is not None
            else duration_ms >= limits.time_seconds * 1000
        )
        if signum == signal.SIGXCPU or (signum == signal.SIGKILL and cpu_spent):
            status, message = "timeout", cpu_timeout
        elif "MemoryError" in stderr:
            status, message = "memory", memory
        elif signum:
            status = "killed"
            message = f"Your code was stopped by {_signal_name(signum)}"
            if signum == signal.SIGKILL:
                message += " (it may have used too much memory)"
            elif signum in (signal.SIGSEGV, signal.SIGBUS, signal.SIGABRT):
                message += " (the interpreter crashed)"
        elif exit_code == 0 and not has_tests:
            status, message = "passed", "Your code ran without errors."
        elif has_tests:
            status = "error"
            message = f"Your code exited (status {exit_code}) before the tests finished."
        else:
            status, message = "error", f"Your code exited with status {exit_code}."
    return SandboxResult(
        status=status,
        exit_code=exit_code,
        stdout=stdout,
        stderr=stderr,
        duration_ms=round(duration_ms, 1),
        message=message,
        network_isolated="net" in isolation,
        isolation=isolation,
    )


# -- inside the sandbox ----------------------------------------------------------------

# Run as ``python -I -S -B -c _BOOTSTRAP <args>`` in the temp dir. As root it first
# isolates (namespaces, mounts), forks the PID namespace's init and stays outside as a
# launcher; the init sets limits, drops to the sandbox uid and becomes the runner.
# Reports go to the pipe fd as records: fields split by \x1f, records ended by \x1e.
# It imports only what's cheap (no json, re or enum): start-up time is most of a run.
_BOOTSTRAP = r"""
import os, sys, resource

WORK = sys.argv[1]
UID, GID, CPU, MEM, FSIZE, NOFILE, NPROC, DISK, RFD = map(int, sys.argv[2:11])
FILES = ("solution.py", "tests.py") if sys.argv[11] == "1" else ("solution.py",)
_write, _exit, _getpid = os.write, os._exit, os.getpid


def record(*fields):
    text = "\x1f".join(str(f).replace("\x1e", " ").replace("\x1f", " ") for f in fields)
    try:
        _write(RFD, (text + "\x1e").encode("utf-8", "replace"))
    except OSError:
        pass


SOURCES = {}
for name in FILES:
    with open(name, encoding="utf-8") as f:
        SOURCES[name] = f.read()

iso = []
try:
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mount.argtypes = (ctypes.c_char_p,) * 3 + (ctypes.c_ulong, ctypes.c_char_p)
except Exception:
    libc = None

MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT = 1, 2, 4, 8, 32
MS_NOATIME, MS_NODIRATIME, MS_BIND, MS_REC, MS_PRIVATE, MS_RELATIME = (
    1024, 2048, 4096, 16384, 1 << 18, 1 << 21)

if UID >= 0 and libc is not None:
    for name, flag in (("net", 0x40000000), ("fs", 0x00020000), ("pid", 0x20000000)):
        if libc.unshare(flag) == 0:
            iso.append(name)
    # Mounts must not propagate back to the host: make ours private before any.
    if "fs" in iso and libc.mount(None, b"/", None, MS_REC | MS_PRIVATE, None) != 0:
        iso.remove("fs")

if "pid" in iso:
    import signal
    child = 0

    def stop(signum, frame):
        if child:
            os.kill(child, 9)  # the init: the kernel then kills the whole namespace

    signal.signal(signal.SIGTERM, stop)
    child = os.fork()
    if child:
        _, status, usage = os.wait4(child, 0)
        child = 0  # reaped: its pid may be reused
        record("exit", os.waitstatus_to_exitcode(status), usage.ru_utime + usage.ru_stime)
        os._exit(0)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def unescape(path):
    out, i = bytearray(), 0
    while i < len(path):
        if path[i] == 92 and i + 3 < len(path):
            out.append(int(path[i + 1:i + 4], 8))
            i += 4
        else:
            out.append(path[i])
            i += 1
    return bytes(out)


def expose(paths):
    # The standard library must stay readable for the sandbox uid. An interpreter under a
    # closed directory (pyenv in /root) isn't: cover that directory with a tmpfs that
    # holds only bind mounts of these paths (opened before they are hidden).
    handles = [(path, os.open(path, os.O_PATH | os.O_DIRECTORY)) for path in paths]
    try:
        return expose_handles(handles)
    finally:
        for _, handle in handles:
            os.close(handle)


def expose_handles(handles):
    covered = set()
    os.umask(0o022)
    for path, handle in handles:
        parts = path.split("/")
        for i in range(2, len(parts) + 1):
            ancestor = "/".join(parts[:i])
            if os.stat(ancestor).st_mode & 0o005 != 0o005:
                break
        else:
            continue  # reachable already
        if ancestor == path and ancestor not in covered:
            return False  # the directory itself is closed: binding it changes nothing
        if ancestor not in covered:
            options = b"mode=0755,size=1m"
            if libc.mount(b"tmpfs", ancestor.encode(), b"tmpfs", MS_NOSUID | MS_NODEV,
                          options) != 0:
                return False
            covered.add(ancestor)
        os.makedirs(path, exist_ok=True)
        source = b"/proc/self/fd/%d" % handle
        if libc.mount(source, path.encode(), None, MS_BIND | MS_REC, None) != 0:
            return False
    return True


def isolate_files():
    work = os.fsencode(WORK)
    options = b"size=%d,mode=0700,uid=%d,gid=%d" % (DISK, UID, GID)
    if libc.mount(b"tmpfs", work, b"tmpfs", MS_NOSUID | MS_NODEV, options) != 0:
        return False
    os.chdir(WORK)  # the old cwd is the directory underneath
    for name, text in SOURCES.items():
        with open(name, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(name, 0o644)
    if "pid" in iso:  # a /proc that shows only the sandbox's processes
        libc.mount(b"proc", b"/proc", b"proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, None)
    if not expose([p for p in sys.path if os.path.isdir(p)]):
        return False
    with open("/proc/self/mountinfo", "rb") as f:
        mounts = [line.split() for line in f.read().splitlines()]
    complete = True
    for fields in mounts:
        point, options = unescape(fields[4]), fields[5].split(b",")
        if point == work:
            continue
        flags = MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID
        for option, bit in ((b"nodev", MS_NODEV), (b"noexec", MS_NOEXEC),
                            (b"noatime", MS_NOATIME), (b"nodiratime", MS_NODIRATIME),
                            (b"relatime", MS_RELATIME)):
            if option in options:
                flags |= bit
        if libc.mount(None, point, None, flags, None) != 0:
            # EINVAL: a mount hidden under another one, no longer reachable by path.
            if point == b"/" or ctypes.get_errno() != 22:
                complete = False
    return complete


if "fs" in iso:
    try:
        isolated = isolate_files()
    except OSError:
        isolated = False
    if not isolated:
        iso.remove("fs")


def limit(which, soft, hard):
    try:
        resource.setrlimit(which, (soft, hard))
    except (ValueError, OSError):  # unprivileged: can't raise a lower hard limit
        current = resource.getrlimit(which)[1]
        if current != resource.RLIM_INFINITY:
            soft, hard = min(soft, current), min(hard, current)
        try:
            resource.setrlimit(which, (soft, hard))
        except (ValueError, OSError):
            pass


ME = _getpid()
# The init of a PID namespace ignores SIGXCPU: let the hard limit (SIGKILL) do it.
limit(resource.RLIMIT_CPU, CPU, CPU if ME == 1 else CPU + 1)
limit(resource.RLIMIT_AS, MEM, MEM)
limit(resource.RLIMIT_FSIZE, FSIZE, FSIZE)
limit(resource.RLIMIT_NOFILE, NOFILE, NOFILE)
limit(resource.RLIMIT_CORE, 0, 0)
limit(resource.RLIMIT_NPROC, NPROC, NPROC)
if UID >= 0:
    os.setgroups([])
    os.setgid(GID)
    os.setuid(UID)
    iso.append("uid")
if libc is not None:
    libc.prctl(38, 1, 0, 0, 0)  # PR_SET_NO_NEW_PRIVS: no setuid binaries, no file caps
    if ME == 1:
        libc.prctl(1, 9, 0, 0, 0)  # PR_SET_PDEATHSIG (after setuid, which clears it)
os.umask(0o077)
os.chdir(WORK)
record("iso", ",".join(iso))


def finish(status, message, code):
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            stream.flush()
        except BaseException:
            pass
    if _getpid() == ME:  # not from a process the learner's code forked
        record("result", status, message)
    _exit(code)


def quote(frame):
    lines = SOURCES[frame.filename].splitlines()
    text = lines[frame.lineno - 1].strip() if 0 < frame.lineno <= len(lines) else ""
    text = text if len(text) <= 200 else text[:197] + "..."
    return "`%s` (%s, line %d)" % (text, frame.filename, frame.lineno)


def describe(exc):
    import traceback

    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename not in SOURCES:
        tb = tb.tb_next  # the runner's own frames
    text = "".join(traceback.format_exception(type(exc), exc, tb))
    sys.stderr.write(text.replace(os.path.dirname(os.__file__) + "/", ""))
    last = traceback.format_exception_only(type(exc), exc)[-1].strip()
    if isinstance(exc, SyntaxError) and exc.filename in SOURCES:
        lines = SOURCES[exc.filename].splitlines()
        where = "%s, line %s" % (exc.filename, exc.lineno)
        if exc.lineno and 0 < exc.lineno <= len(lines):
            where = "`%s` (%s)" % (lines[exc.lineno - 1].strip()[:200], where)
        who = "Your code" if exc.filename == "solution.py" else "The tests"
        return "error", "%s has a syntax error: %s at %s" % (who, exc.msg, where)
    frames = [f for f in traceback.extract_tb(tb) if f.filename in SOURCES]
    inner = frames[-1] if frames else None
    test = [f for f in frames if f.filename == "tests.py"]
    context = ""
    if test and inner is not test[-1]:
        context = ", while running " + quote(test[-1])
    detail = str(exc)
    if isinstance(exc, AssertionError):
        if inner is None:
            message = "An assertion failed"
        elif inner.filename == "tests.py":
            message = "An assertion failed: " + quote(inner)
        else:
            message = "An assertion in your code failed: " + quote(inner) + context
        return "failed", message + (": " + detail[:500] if detail else "")
    message = "Your code raised " + last[:500]
    if inner is not None:
        message += " at " + quote(inner) + context
    processes = (
        isinstance(exc, OSError) and exc.errno == 11
        or isinstance(exc, RuntimeError) and "can't start new thread" in detail
    )
    if processes:
        message = "Your code tried to start too many processes (the limit is %d). %s" % (
            NPROC, message)
    return "error", message


main = type(sys)("__main__")
main.__file__ = "solution.py"
main.__builtins__ = __builtins__
sys.modules["__main__"] = main
out_of_memory = False
try:
    for name in FILES:
        exec(compile(SOURCES[name], name, "exec", dont_inherit=True), main.__dict__)
except MemoryError:
    out_of_memory = True  # handled outside the except block, which pins the frames
except SystemExit as exc:
    if len(FILES) > 1:
        finish("error", "Your code called exit() before the tests finished.", 1)
    if exc.code in (None, 0):
        finish("passed", "Your code ran without errors.", 0)
    finish("error", "Your code exited with status %s." % (exc.code,), 1)
except BaseException as exc:
    try:
        status, message = describe(exc)
    except MemoryError:
        out_of_memory = True
    else:
        finish(status, message, 1)
if out_of_memory:
    main.__dict__.clear()  # free what the code held, to be able to report
    try:
        os.write(2, b"MemoryError\n")
    except OSError:
        pass
    finish("memory", "", 1)
finish("passed", "All tests passed." if len(FILES) > 1 else "Your code ran without errors.", 0)
"""
