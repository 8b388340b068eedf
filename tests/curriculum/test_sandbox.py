"""The exercise sandbox: outcomes, limits, containment and clean-up.

Containment checks that need root (own uid, namespaces) skip with the reason otherwise;
an autouse fixture checks after every test that no sandbox process and no temp dir is left.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import shutil
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from devmentor.curriculum import sandbox
from devmentor.curriculum.sandbox import (
    SANDBOX_UID_BASE,
    SANDBOX_UID_SLOTS,
    SandboxLimits,
    SandboxResult,
    run_python,
)

LIMITS = SandboxLimits(time_seconds=1, memory_mb=128)
ROOT = os.geteuid() == 0
#: The world-writable directory sandboxed code tries to escape to.
HOST_TMP = Path("/tmp")  # noqa: S108
needs_root = pytest.mark.skipif(not ROOT, reason="own uid and namespaces need root")


async def run(code: str, tests: str | None = None) -> SandboxResult:
    return await run_python(code, tests=tests, limits=LIMITS)


def sandbox_processes() -> list[str]:
    """Processes (zombies included) of a sandbox uid that no run is using, "pid state uid".

    A uid is in use while some process holds its lock file (other test sessions may be
    running sandboxes right now); a process of a uid nobody holds is a leftover.
    """
    uids = {str(uid) for uid in range(SANDBOX_UID_BASE, SANDBOX_UID_BASE + SANDBOX_UID_SLOTS)}
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        owners = set(fields.get("Uid", "").split()) & uids
        if owners and not any(uid_in_use(int(uid)) for uid in owners):
            found.append(f"{entry.name} {fields['State'].strip()} {fields['Uid'].strip()}")
    return found


def uid_in_use(uid: int) -> bool:
    try:
        fd = os.open(sandbox._SLOT_DIR / f"{uid}.lock", os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


@pytest.fixture(autouse=True)
def temp_base(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private temp dir for the sandbox's work dirs, to see that each one is removed."""
    base = Path(tempfile.mkdtemp(prefix="sandbox-tests-"))
    base.chmod(0o755)  # the sandbox uid must be able to reach its work dir
    monkeypatch.setattr(tempfile, "tempdir", str(base))
    yield base
    left = sorted(path.name for path in base.iterdir())
    shutil.rmtree(base)
    assert left == [], "a sandbox work dir was left behind"
    assert sandbox_processes() == [], "a sandboxed process outlived its run"


# -- outcomes ----------------------------------------------------------------------------


async def test_passing_code_passes_with_its_output() -> None:
    result = await run("def double(x):\n    return 2 * x\nprint('hello')", "assert double(2) == 4")

    assert result.status == "passed", result
    assert result.passed
    assert result.exit_code == 0
    assert result.stdout == "hello\n"
    assert result.message == "All tests passed."


async def test_code_without_tests_passes_when_it_runs() -> None:
    result = await run("print(sum(range(10)))")

    assert result.status == "passed"
    assert result.stdout == "45\n"
    assert result.message == "Your code ran without errors."


async def test_a_failing_assert_is_reported_with_its_line() -> None:
    code = "def append_to(item, target=[]):\n    target.append(item)\n    return target\n"
    tests = "assert append_to(1) == [1]\nassert append_to(2) == [2]\n"

    result = await run(code, tests)

    assert result.status == "failed"
    assert result.message.startswith("An assertion failed: `assert append_to(2) == [2]`")
    assert "tests.py, line 2" in result.message
    assert "AssertionError" in result.stderr
    assert "<string>" not in result.stderr, "the runner's own frames are hidden"


async def test_an_assert_message_is_included() -> None:
    result = await run("x = 1", "assert x == 2, 'x should be 2'")

    assert result.status == "failed"
    assert "x should be 2" in result.message


async def test_an_assert_in_the_learners_code_names_both_lines() -> None:
    result = await run("def f(x):\n    assert x > 0\n    return x", "assert f(-1) == -1")

    assert result.status == "failed"
    assert "`assert x > 0` (solution.py, line 2)" in result.message
    assert "while running `assert f(-1) == -1` (tests.py, line 1)" in result.message


async def test_an_exception_is_an_error_with_type_message_and_line() -> None:
    result = await run("def f():\n    return 1 / 0", "assert f() == 1")

    assert result.status == "error"
    assert "ZeroDivisionError: division by zero" in result.message
    assert "`return 1 / 0` (solution.py, line 2)" in result.message
    assert "(tests.py, line 1)" in result.message


async def test_a_syntax_error_is_an_error() -> None:
    result = await run("def f(:\n    pass", "assert True")

    assert result.status == "error"
    assert "syntax error" in result.message
    assert "solution.py" in result.message


async def test_exiting_before_the_tests_is_not_a_pass() -> None:
    early = await run("import os\nos._exit(0)", "assert False")
    sys_exit = await run("import sys\nsys.exit(0)", "assert False")

    assert early.status == "error"
    assert "before the tests finished" in early.message
    assert sys_exit.status == "error"
    assert "before the tests finished" in sys_exit.message


async def test_stdin_is_closed() -> None:
    result = await run("input()")

    assert result.status == "error"
    assert "EOFError" in result.message


async def test_the_standard_library_is_importable() -> None:
    result = await run("import json, collections, dataclasses\nprint(json.dumps([1]))")

    assert result.status == "passed", result
    assert result.stdout == "[1]\n"


# -- limits ------------------------------------------------------------------------------


async def test_an_infinite_loop_times_out_on_cpu_time() -> None:
    started = time.perf_counter()
    result = await run("while True:\n    pass")
    elapsed = time.perf_counter() - started

    assert result.status == "timeout"
    assert result.message == "Your code ran longer than 1 s and was stopped (an infinite loop?)"
    assert elapsed < LIMITS.time_seconds + 1


async def test_sleeping_code_times_out_on_the_wall_clock() -> None:
    started = time.perf_counter()
    result = await run("import time\ntime.sleep(60)")
    elapsed = time.perf_counter() - started

    assert result.status == "timeout"
    assert result.exit_code is None
    assert elapsed < LIMITS.wall_seconds + 1.5


@pytest.mark.parametrize(
    "code",
    [
        "x = bytearray(2_000_000_000)",
        "x = []\nwhile True:\n    x.append('x' * 10_000_000)",
        "def hog():\n    x = []\n    while True:\n        x.append(bytearray(10_000_000))\nhog()",
    ],
    ids=["one-allocation", "growing-list", "in-a-function"],
)
async def test_a_memory_hog_is_stopped(code: str) -> None:
    result = await run(code)

    assert result.status == "memory", result
    assert result.message == "Your code used more than 128 MB of memory"


async def test_a_print_bomb_is_cut_off_at_the_output_limit() -> None:
    result = await run("while True:\n    print('x' * 1000)")

    assert result.status == "output_limit"
    assert result.message == "Your code printed more than 64 KB"
    assert 0 < len(result.stdout.encode()) <= LIMITS.output_bytes
    assert set(result.stdout) <= {"x", "\n"}


async def test_writing_a_big_file_fails() -> None:
    result = await run("with open('big', 'wb') as f:\n    f.write(b'x' * 2_000_000)")

    assert result.status == "error"
    assert "File too large" in result.message


@needs_root
async def test_a_fork_bomb_is_contained_and_leaves_nothing() -> None:
    result = await run("import os\nwhile True:\n    os.fork()")

    assert result.status in ("error", "killed"), result
    assert "too many processes" in result.message
    assert sandbox_processes() == []


@needs_root
async def test_processes_that_leave_the_group_are_killed() -> None:
    code = (
        "import os, time\n"
        "for _ in range(3):\n"
        "    if os.fork() == 0:\n"
        "        os.setsid()\n"  # out of the process group: killpg alone would miss it
        "        time.sleep(60)\n"
        "print('parent done')\n"
    )
    result = await run(code)

    assert result.status == "passed", result
    assert sandbox_processes() == []


async def test_too_many_threads_hit_the_process_limit() -> None:
    if not ROOT:
        pytest.skip("RLIMIT_NPROC counts all of the user's processes when not root")
    code = (
        "import threading, time\n"
        "threads = [threading.Thread(target=time.sleep, args=(5,)) for _ in range(50)]\n"
        "for thread in threads:\n"
        "    thread.start()\n"
    )
    result = await run(code)

    assert result.status == "error"
    assert "too many processes (the limit is 16)" in result.message


# -- containment -------------------------------------------------------------------------


@needs_root
async def test_code_runs_as_its_own_uid_in_its_own_pid_namespace() -> None:
    result = await run("import os\nprint(os.getuid(), os.getgid(), os.getgroups(), os.getpid())")

    assert "uid" in result.isolation
    uid, gid, groups, pid = result.stdout.split(maxsplit=3)
    assert SANDBOX_UID_BASE <= int(uid) < SANDBOX_UID_BASE + SANDBOX_UID_SLOTS
    assert gid == uid
    assert groups.strip() == "[]"
    if "pid" in result.isolation:
        assert pid.strip() == "1"


@needs_root
@pytest.mark.parametrize("target", [f"{HOST_TMP}/escape-{{}}", "../escape-{}", "../../escape-{}"])
async def test_writing_outside_the_work_dir_fails(target: str) -> None:
    name = target.format(uuid.uuid4().hex)
    code = f"with open({name!r}, 'w') as f:\n    f.write('escaped')"

    result = await run(code)

    base = Path(name).name
    parent = Path(tempfile.gettempdir())  # of the work dir
    candidates = [HOST_TMP / base, parent / base, parent.parent / base]
    leaked = [path for path in candidates if path.exists()]
    for path in leaked:
        path.unlink()
    if "fs" not in result.isolation:
        pytest.skip("no mount namespace here: world-writable directories stay writable")
    assert leaked == []
    assert result.status == "error"
    assert "Read-only file system" in result.message or "Permission denied" in result.message


@needs_root
async def test_reading_etc_shadow_fails() -> None:
    result = await run("print(open('/etc/shadow').read())")

    assert result.status == "error"
    assert "PermissionError" in result.message
    assert result.stdout == ""


async def test_the_work_dir_is_writable_and_removed_afterwards() -> None:
    code = (
        "import os\n"
        "open('notes.txt', 'w').write('scratch')\n"
        "os.mkdir('sub')\n"
        "print(os.getcwd() == os.environ['HOME'], sorted(os.listdir('.')))\n"
    )
    result = await run(code)

    assert result.status == "passed", result
    assert result.stdout.startswith("True ")
    assert "notes.txt" in result.stdout
    # ... and the autouse fixture checks the directory is gone.


async def test_the_network_is_unreachable_when_isolated() -> None:
    connected = asyncio.Event()

    async def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connected.set()
        writer.close()

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        code = f"import socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=1)"
        result = await run(code)
    finally:
        server.close()
        await server.wait_closed()

    if not result.network_isolated:
        pytest.skip("no network namespace here (needs root and an unshare-capable kernel)")
    assert result.status == "error"
    assert "OSError" in result.message
    assert not connected.is_set()


async def test_without_isolation_limits_still_apply(monkeypatch: pytest.MonkeyPatch) -> None:
    """The path for non-root servers: rlimits, session and temp dir only."""
    monkeypatch.setattr(sandbox, "_can_isolate", lambda: False)

    passing = await run("print('ok')", "assert True")
    looping = await run("while True:\n    pass")
    printing = await run("while True:\n    print('x' * 1000)")

    assert passing.status == "passed"
    assert passing.isolation == ()
    assert not passing.network_isolated
    assert looping.status == "timeout"
    assert printing.status == "output_limit"


# -- concurrency and speed ---------------------------------------------------------------


async def test_concurrent_runs_are_all_correct() -> None:
    async def one(number: int) -> SandboxResult:
        code = f"value = {number}\nprint(value * value)"
        tests = f"assert value == {number}" if number % 2 == 0 else f"assert value == {-number}"
        return await run(code, tests)

    results = await asyncio.gather(*(one(number) for number in range(1, 9)))

    for number, result in enumerate(results, 1):
        assert result.stdout == f"{number * number}\n"
        assert result.status == ("passed" if number % 2 == 0 else "failed"), result


async def test_a_trivial_run_is_fast() -> None:
    durations = []
    for _ in range(5):
        started = time.perf_counter()
        result = await run("pass", "assert True")
        durations.append((time.perf_counter() - started) * 1000)
        assert result.passed
    # About 20 ms on a 2-CPU VM; the bound leaves room for slow CI machines.
    assert statistics.median(durations) < 250, durations


def test_limits_must_be_positive() -> None:
    with pytest.raises(ValueError, match="time_seconds"):
        SandboxLimits(time_seconds=0)
    assert SandboxLimits(time_seconds=1.5).cpu_seconds == 2
    assert SandboxLimits(time_seconds=2).wall_seconds == 5
