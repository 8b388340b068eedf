"""Semantic similarity: meaningful scores, from the weights the wordllama wheel ships, offline."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from typing import Any

import pytest

from devmentor.curriculum import similarity as similarity_module
from devmentor.curriculum.similarity import Similarity, get_similarity

# (answer, paraphrase of it, unrelated sentence)
TRIPLES = [
    (
        "The default value is created once, when the function is defined.",
        "Python evaluates default arguments a single time at definition.",
        "Use a CSS grid to lay out the page header.",
    ),
    (
        "Parameterized queries keep user input out of the SQL text.",
        "Placeholders stop user data from being parsed as SQL.",
        "Git rebase rewrites commit history on top of another branch.",
    ),
    (
        "The test is flaky because it depends on the current time.",
        "The test fails randomly since it relies on the clock.",
        "An index makes lookups by email faster.",
    ),
    (
        "Store passwords with a slow, salted hash like argon2.",
        "Hash passwords using argon2 with a salt; it is deliberately slow.",
        "The event loop runs callbacks when the call stack is empty.",
    ),
]


@pytest.mark.parametrize(("answer", "paraphrase", "unrelated"), TRIPLES)
def test_paraphrases_score_higher_than_unrelated_sentences(
    answer: str, paraphrase: str, unrelated: str
) -> None:
    similar = get_similarity()
    close, far = similar(answer, paraphrase), similar(answer, unrelated)
    assert close > far + 0.2, (close, far)
    assert similar(paraphrase, answer) == pytest.approx(close, abs=1e-6)


def test_identical_texts_score_one_and_scores_stay_in_range() -> None:
    similar = get_similarity()
    text = "A mutable default argument is shared between calls."
    assert similar(text, text) == pytest.approx(1.0, abs=1e-5)
    for answer, paraphrase, unrelated in TRIPLES:
        for other in (paraphrase, unrelated):
            assert 0.0 <= similar(answer, other) <= 1.0


def test_blank_text_scores_zero() -> None:
    similar = get_similarity()
    assert similar("", "anything at all") == 0.0
    assert similar("   ", "\n") == 0.0


def test_embed_gives_unit_rows_and_zero_rows_for_blanks() -> None:
    vectors = get_similarity().embed(["one sentence", "", "another one"])
    assert vectors.shape == (3, similarity_module.MODEL_DIM)
    norms = (vectors**2).sum(axis=1) ** 0.5
    assert norms.tolist() == pytest.approx([1.0, 0.0, 1.0], abs=1e-5)


def test_get_similarity_is_one_shared_instance() -> None:
    assert get_similarity() is get_similarity()


def test_loads_with_the_network_blocked(monkeypatch: pytest.MonkeyPatch) -> None:
    attempts: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> None:
        attempts.append(args)
        raise OSError("network access is blocked in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    import requests

    monkeypatch.setattr(requests, "get", refuse)  # what wordllama downloads with

    fresh = Similarity()  # its own model: loaded now, under the block
    assert fresh("shared default list", "shared default list") == pytest.approx(1.0, abs=1e-5)
    assert attempts == []


def test_a_fresh_interpreter_loads_offline_and_leaves_logging_alone() -> None:
    # Nothing imported before the block, so importing wordllama happens under it too.
    script = """
import logging, socket
def refuse(*args, **kwargs):
    raise SystemExit("tried to connect: %r" % (args,))
socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
from devmentor.curriculum.similarity import get_similarity
score = get_similarity()("a list shared by calls", "one list reused by every call")
assert 0.0 < score <= 1.0, score
# wordllama calls logging.basicConfig() on import; the loader undoes it.
assert logging.getLogger().handlers == [], logging.getLogger().handlers
print("ok", round(score, 3))
"""
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        env={"HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok ")


def test_the_model_loads_once_under_concurrent_first_use(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = similarity_module._load_model
    loads: list[float] = []

    def slow_load() -> Any:
        loads.append(time.monotonic())
        time.sleep(0.05)  # widen the window in which a second loader could slip in
        return real()

    monkeypatch.setattr(similarity_module, "_load_model", slow_load)
    shared = Similarity()
    results: list[float] = []
    start = threading.Barrier(8)

    def compare() -> None:
        start.wait()
        results.append(shared("one list for every call", "a list shared between calls"))

    threads = [threading.Thread(target=compare) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(loads) == 1
    assert len(results) == 8
    assert len(set(results)) == 1
