"""Paths and git URLs: what gets analysed, and the one-line errors for bad input."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from devmentor.analyzer import source
from devmentor.analyzer.exceptions import (
    CloneFailed,
    EmptyRepository,
    LimitExceeded,
    NotARepository,
    SourceNotFound,
)
from devmentor.analyzer.walker import Limits
from tests.analyzer.repos import git, make_repo, write_tree


def test_local_folder_reads_commit_and_branch_without_running_git(tmp_path: Path) -> None:
    commit = make_repo(tmp_path / "repo", {"app.py": "x = 1\n"})
    # A hostile repository can name a program for git to run; we never run git here.
    marker = tmp_path / "pwned"
    git(tmp_path / "repo", "config", "core.fsmonitor", f"touch {marker}; false")
    checkout = source.open_local(str(tmp_path / "repo"))
    assert checkout.info.commit == commit
    assert checkout.info.branch == "main"
    assert checkout.info.kind == "local"
    assert not marker.exists()


def test_packed_refs_and_detached_head(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    commit = make_repo(repo, {"a.py": ""})
    git(repo, "pack-refs", "--all")
    assert source.read_git_head(repo) == (commit, "main")
    git(repo, "checkout", "-q", "--detach")
    assert source.read_git_head(repo) == (commit, None)


def test_a_plain_folder_has_no_commit(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.py": ""})
    assert source.open_local(str(tmp_path)).info.commit is None


def test_a_repository_without_commits(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    assert source.read_git_head(tmp_path) == (None, "main")


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda p: p / "missing", SourceNotFound, "no such file or directory"),
        (lambda p: write_tree(p, {"f.py": ""}) / "f.py", NotARepository, "is a file"),
    ],
)
def test_bad_local_paths(tmp_path: Path, make, error, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error) as caught:
        source.open_local(str(make(tmp_path)))
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_clone_a_git_url(tmp_path: Path) -> None:
    upstream = tmp_path / "upstream"
    make_repo(upstream, {"app.py": "x = 1\n"})
    commit = make_repo(upstream, {"app.py": "x = 2\n"}, "second")
    url = f"file://{upstream}"
    with source.clone(url) as checkout:
        assert (checkout.root / "app.py").read_text() == "x = 2\n"
        assert checkout.info.commit == commit
        assert checkout.info.kind == "git"
        assert checkout.info.name == "upstream"
        # Shallow: only the tip was fetched.
        assert git(checkout.root, "rev-list", "--count", "HEAD") == "1"
        root = checkout.root
    assert not root.exists()  # the temporary clone is removed
    assert source.remote_head(url) == commit


def test_clone_a_branch(tmp_path: Path) -> None:
    upstream = tmp_path / "upstream"
    make_repo(upstream, {"app.py": "x = 1\n"})
    git(upstream, "checkout", "-q", "-b", "feature")
    commit = make_repo(upstream, {"feature.py": "y = 1\n"}, "feature")
    git(upstream, "checkout", "-q", "main")
    with source.clone(f"file://{upstream}", branch="feature") as checkout:
        assert checkout.info.branch == "feature"
        assert checkout.info.commit == commit
        assert (checkout.root / "feature.py").exists()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_unreachable_url_is_one_line(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/team/app.git"
    with pytest.raises(CloneFailed) as caught, source.clone(url):
        pass
    assert "unreachable" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_folder_that_is_not_a_repository(tmp_path: Path) -> None:
    write_tree(tmp_path / "plain", {"a.py": ""})
    with pytest.raises(NotARepository), source.clone(f"file://{tmp_path / 'plain'}"):
        pass


def test_an_empty_remote_repository(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q", "--bare", "empty.git")
    with pytest.raises(EmptyRepository), source.clone(f"file://{tmp_path / 'empty.git'}"):
        pass


def test_clone_stops_at_the_size_limit(tmp_path: Path) -> None:
    upstream = tmp_path / "upstream"
    # Incompressible content, so the pack really is large.
    make_repo(upstream, {"blob.bin": os.urandom(3_000_000)})
    limits = Limits(max_clone_bytes=1_000_000)
    with pytest.raises(LimitExceeded) as caught, source.clone(f"file://{upstream}", limits):
        pass
    assert "larger than 1 MB" in str(caught.value)


def test_credentials_never_appear_in_info_or_errors(tmp_path: Path) -> None:
    assert source.redact("https://bob:s3cret@example.com/a.git") == "https://example.com/a.git"
    assert source.redact("https://ghp_token@example.com:8443/a") == "https://example.com:8443/a"
    url = f"http://bob:s3cret@127.0.0.1:{_closed_port()}/a.git"
    with pytest.raises(CloneFailed) as caught, source.clone(url):
        pass
    assert "s3cret" not in str(caught.value)


@pytest.mark.parametrize("url", ["--upload-pack=touch /tmp/x", "https://x/\n--evil"])
def test_option_like_urls_are_refused(url: str) -> None:
    with pytest.raises(NotARepository), source.clone(url):
        pass


def test_url_detection() -> None:
    assert source.is_git_url("https://github.com/a/b")
    assert source.is_git_url("git@github.com:a/b.git")
    assert source.is_git_url("file:///srv/repo")
    assert not source.is_git_url("./repo")
    assert not source.is_git_url("C:/repo")
