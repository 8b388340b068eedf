"""From what the user typed (a path or a git URL) to a folder to analyse.

Local paths are read in place. Nothing runs ``git`` inside them: a repository's own
``.git/config`` can name programs (``core.fsmonitor``, hooks) that git would run, so the
commit and branch are read from ``.git`` files directly.

URLs are cloned shallow (``--depth 1``, one branch, no tags, no submodules) into a
temporary folder by ``git`` with hooks, templates, system and global configuration,
credential prompts, LFS downloads and the ``ext::`` transport all turned off, under a time
limit and a size limit watched while the clone runs.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from devmentor.analyzer.exceptions import (
    AnalyzerError,
    CloneFailed,
    EmptyRepository,
    LimitExceeded,
    NotARepository,
    SourceNotFound,
    SourcePermissionError,
)
from devmentor.analyzer.model import SourceInfo
from devmentor.analyzer.walker import DEFAULT_LIMITS, Limits

_SCP_LIKE = re.compile(r"^[\w.-]+@[\w.-]+:(?!//)[\w./~-]+$")
_URL_SCHEMES = ("https://", "http://", "ssh://", "git://", "file://")
_SHA = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")
_REF = re.compile(r"^refs/[\w./-]+$")


def is_git_url(target: str) -> bool:
    return target.startswith(_URL_SCHEMES) or bool(_SCP_LIKE.match(target))


def redact(url: str) -> str:
    """``url`` without a password or token (``https://user:token@host`` -> ``https://host``)."""
    if "://" not in url:
        return url
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def _repo_name(text: str) -> str:
    name = text.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]
    return name.removesuffix(".git") or "repository"


@dataclass(frozen=True, slots=True)
class Checkout:
    """A folder to analyse and what it is."""

    root: Path
    info: SourceInfo


# --- Local paths ---------------------------------------------------------------------------


def _read_small(path: Path) -> str | None:
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > 65536:
            return None
        return path.read_text("utf-8", errors="replace").strip()
    except OSError:
        return None


def read_git_head(root: Path) -> tuple[str | None, str | None]:
    """(commit, branch) of the repository at ``root`` from its ``.git`` files, without
    running git; (None, None) when it is not a repository or the files are unusual."""
    git_dir = root / ".git"
    if git_dir.is_symlink():
        return None, None
    if git_dir.is_file():  # a worktree or submodule: "gitdir: <path>"
        pointer = _read_small(git_dir) or ""
        if not pointer.startswith("gitdir:"):
            return None, None
        git_dir = (root / pointer.removeprefix("gitdir:").strip()).resolve()
    if not git_dir.is_dir():
        return None, None
    head = _read_small(git_dir / "HEAD")
    if head is None:
        return None, None
    if _SHA.match(head):
        return head, None  # detached
    if not head.startswith("ref:"):
        return None, None
    ref = head.removeprefix("ref:").strip()
    if not _REF.match(ref) or ".." in ref:
        return None, None
    branch = ref.removeprefix("refs/heads/")
    commit = _read_small(git_dir / ref)
    if commit is None:
        common = _read_small(git_dir / "commondir")
        base = (git_dir / common).resolve() if common else git_dir
        commit = _read_small(base / ref)
        if commit is None:
            packed = _read_small_any(base / "packed-refs")
            for line in (packed or "").splitlines():
                sha, _, name = line.partition(" ")
                if name.strip() == ref:
                    commit = sha
                    break
    if commit is None or not _SHA.match(commit):
        return None, branch  # a branch with no commits yet
    return commit, branch


def _read_small_any(path: Path) -> str | None:
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > 50_000_000:
            return None
        return path.read_text("utf-8", errors="replace")
    except OSError:
        return None


def open_local(target: str) -> Checkout:
    """The local folder ``target``; raises a one-line :class:`AnalyzerError` otherwise."""
    path = Path(target).expanduser()
    try:
        exists = path.exists()
    except OSError as exc:  # e.g. a name too long
        raise SourceNotFound(f"cannot use {target!r}: {exc.strerror}") from exc
    if not exists:
        raise SourceNotFound(f"{target}: no such file or directory")
    if not path.is_dir():
        raise NotARepository(f"{target} is a file, not a repository or folder")
    if not os.access(path, os.R_OK | os.X_OK):
        raise SourcePermissionError(f"{target}: permission denied")
    root = path.resolve()
    commit, branch = read_git_head(root)
    info = SourceInfo(
        input=target, kind="local", name=root.name or "repository", commit=commit, branch=branch
    )
    return Checkout(root=root, info=info)


# --- Git URLs ------------------------------------------------------------------------------


def _git() -> str:
    path = shutil.which("git")
    if path is None:
        raise CloneFailed("git is not installed, so URLs cannot be cloned (analyse a path)")
    return path


def _git_env(home: Path) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "LANG": "C",
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_ASKPASS": "/bin/false",
        "SSH_ASKPASS": "/bin/false",
        "GIT_SSH_COMMAND": "ssh -o BatchMode=yes -o StrictHostKeyChecking=accept-new",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_LFS_SKIP_SMUDGE": "1",
        "GIT_ALLOW_PROTOCOL": "http:https:ssh:git:file",
    }
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "no_proxy", "NO_PROXY"):
        if name in os.environ:
            env[name] = os.environ[name]
    return env


_SAFE_CONFIG = (
    "-c", "core.hooksPath=/dev/null",
    "-c", "core.fsmonitor=false",
    "-c", "protocol.ext.allow=never",
    "-c", "submodule.recurse=false",
    "-c", "init.templateDir=",
    "-c", "filter.lfs.smudge=",
    "-c", "filter.lfs.process=",
    "-c", "filter.lfs.required=false",
    "-c", "advice.detachedHead=false",
)  # fmt: skip


def _folder_bytes(folder: Path) -> int:
    total = 0
    stack = [folder]
    while stack:
        current = stack.pop()
        try:
            with os.scandir(current) as scan:
                for entry in scan:
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(Path(entry.path))
                    else:
                        with suppress(OSError):
                            total += entry.stat(follow_symlinks=False).st_size
        except OSError:
            pass
    return total


def _clone_error(url: str, stderr: str) -> AnalyzerError:
    text = stderr.lower()
    shown = redact(url)
    if (
        "not found" in text
        or "does not appear to be a git repository" in text
        or ("not valid: is this a git repository" in text)
    ):
        return NotARepository(f"{shown}: not a git repository (or not found)")
    if "could not resolve host" in text or "could not read from remote" in text:
        return CloneFailed(f"{shown}: unreachable (could not resolve or connect)")
    if "failed to connect" in text or "connection refused" in text or "couldn't connect" in text:
        return CloneFailed(f"{shown}: unreachable (connection refused)")
    if "authentication" in text or "terminal prompts disabled" in text or "403" in text:
        return CloneFailed(f"{shown}: access denied (the repository may be private)")
    if "remote branch" in text and "not found" in text:
        return CloneFailed(f"{shown}: no such branch")
    last = next(
        (line.strip() for line in reversed(stderr.splitlines()) if line.strip()), "unknown error"
    )
    return CloneFailed(f"{shown}: clone failed: {redact(last)[:200]}")


def remote_head(url: str, limits: Limits = DEFAULT_LIMITS, branch: str | None = None) -> str | None:
    """The commit the remote's HEAD (or ``branch``) points at, or None if unknown.

    Cheap (no objects are fetched), so a cached report of that commit can be served
    without cloning.
    """
    with tempfile.TemporaryDirectory(prefix="devmentor-ls-") as home:
        try:
            result = subprocess.run(  # noqa: S603 - fixed argv, no shell
                [_git(), *_SAFE_CONFIG, "ls-remote", "--", url, branch or "HEAD"],
                env=_git_env(Path(home)),
                capture_output=True,
                text=True,
                timeout=min(30.0, limits.clone_timeout),
                check=False,
                stdin=subprocess.DEVNULL,
            )
        except (subprocess.TimeoutExpired, OSError):
            return None
    if result.returncode != 0:
        return None
    for line in result.stdout.splitlines():
        sha, _, _ref = line.partition("\t")
        if _SHA.match(sha):
            return sha
    return None


def _run_clone(argv: list[str], env: dict[str, str], watch: Path, limits: Limits) -> str:
    """Run ``git clone``; kill it on the time or size limit. Returns stderr."""
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            argv,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            start_new_session=True,  # so the whole group (git, remote helpers) can be killed
        )
        deadline = time.monotonic() + limits.clone_timeout
        reason: str | None = None
        while process.poll() is None:
            if time.monotonic() > deadline:
                reason = f"took longer than {limits.clone_timeout:.0f} s"
            elif _folder_bytes(watch) > limits.max_clone_bytes:
                reason = f"is larger than {limits.max_clone_bytes // 1_000_000} MB"
            if reason:
                _kill_group(process)
                raise LimitExceeded(f"cloning stopped: the repository {reason}")
            time.sleep(0.1)
        errors.seek(0)
        stderr = errors.read(65536).decode("utf-8", "replace")
        if process.returncode != 0:
            raise _ClonedBadly(stderr)
        # A clone faster than one poll is measured here.
        if _folder_bytes(watch) > limits.max_clone_bytes:
            raise LimitExceeded(
                f"cloning stopped: the repository is larger than "
                f"{limits.max_clone_bytes // 1_000_000} MB"
            )
        return stderr


class _ClonedBadly(Exception):
    pass


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        process.kill()
    process.wait()


def _git_output(args: list[str], cwd: Path, env: dict[str, str]) -> str | None:
    result = subprocess.run(  # noqa: S603 - fixed argv, no shell
        [_git(), *_SAFE_CONFIG, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    return result.stdout.strip() if result.returncode == 0 else None


@contextmanager
def clone(
    url: str, limits: Limits = DEFAULT_LIMITS, branch: str | None = None
) -> Iterator[Checkout]:
    """A shallow clone of ``url`` in a temporary folder, removed afterwards."""
    if url.startswith("-") or any(ch in url for ch in "\n\r\0"):
        raise NotARepository(f"{url!r} is not a git URL")
    _git()
    workdir = Path(tempfile.mkdtemp(prefix="devmentor-clone-"))
    try:
        home = workdir / "home"
        home.mkdir()
        dest = workdir / "repo"
        env = _git_env(home)
        argv = [_git(), *_SAFE_CONFIG, "clone", "--quiet", "--depth", "1", "--single-branch"]
        argv += ["--no-tags", "--no-recurse-submodules"]
        if branch:
            argv += ["--branch", branch]
        argv += ["--", url, str(dest)]
        try:
            _run_clone(argv, env, workdir, limits)
        except _ClonedBadly as exc:
            raise _clone_error(url, str(exc)) from None
        commit = _git_output(["rev-parse", "HEAD"], dest, env)
        if commit is None:
            raise EmptyRepository(f"{redact(url)}: the repository has no commits")
        head_branch = _git_output(["symbolic-ref", "--short", "-q", "HEAD"], dest, env)
        info = SourceInfo(
            input=redact(url),
            kind="git",
            name=_repo_name(redact(url)),
            commit=commit,
            branch=head_branch or branch,
        )
        yield Checkout(root=dest, info=info)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
