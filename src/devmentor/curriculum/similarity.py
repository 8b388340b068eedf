"""Semantic similarity of short texts, offline: WordLlama with the weights its wheel ships.

``wordllama`` (PyPI) ships one model inside the package: the 256-dimension
``l2_supercat`` token embeddings (``wordllama/weights/l2_supercat_256.safetensors``, 16 MB)
and its tokenizer (``wordllama/tokenizers/l2_supercat_tokenizer_config.json``). A text's
vector is the average of its tokens' vectors, so embedding a sentence is a table lookup
and a mean: well under a millisecond, no GPU, no torch.

Nothing is ever downloaded. ``WordLlama.load()`` looks for the tokenizer in
``wordllama/tokenizer/`` (singular), which the wheel doesn't have, and would then fetch it
from Hugging Face into ``~/.cache/wordllama``. So we pass the package's own directory as the
cache directory, where ``weights/`` and ``tokenizers/`` both resolve, and
``disable_download=True``, which turns any missing file into ``FileNotFoundError``
instead of a request.

Importing ``wordllama`` also calls ``logging.basicConfig(level=INFO)``; the loader puts the
root logger back as it was, so the app's own logging setup is not disturbed.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray
    from wordllama import WordLlamaInference

#: The only configuration whose files the wheel ships.
MODEL_CONFIG = "l2_supercat"
MODEL_DIM = 256


def _load_model() -> WordLlamaInference:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    # Sentences here are short; a thread pool buys nothing, and a used pool makes the
    # tokenizers library warn on every later fork (subprocesses, the exercise sandbox).
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        import wordllama  # deferred: 0.5 s, needed only once a text is compared

        package_dir = Path(wordllama.__file__).parent
        return wordllama.WordLlama.load(
            MODEL_CONFIG, cache_dir=package_dir, dim=MODEL_DIM, disable_download=True
        )
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


class Similarity:
    """Cosine similarity between two short texts, in [0, 1].

    The model is loaded on first use (about 0.15 s and 16 MB after a 0.5 s import), once,
    even when several threads ask at the same time. Calls are safe from any thread.
    """

    def __init__(self) -> None:
        self._model: WordLlamaInference | None = None
        self._lock = threading.Lock()

    @property
    def model(self) -> WordLlamaInference:
        model = self._model
        if model is None:
            with self._lock:
                if self._model is None:
                    self._model = _load_model()
                model = self._model
        return model

    def embed(self, texts: list[str]) -> NDArray[np.float32]:
        """Unit-length vectors for ``texts``, one row each; a blank text gets a zero row."""
        vectors = np.zeros((len(texts), MODEL_DIM), dtype=np.float32)
        filled = [index for index, text in enumerate(texts) if text.strip()]
        if filled:
            raw = np.asarray(self.model.embed([texts[index] for index in filled]), np.float32)
            norms = np.linalg.norm(raw, axis=1, keepdims=True)
            raw = np.divide(raw, norms, out=np.zeros_like(raw), where=norms > 0)
            vectors[filled] = raw
        return vectors

    def __call__(self, a: str, b: str) -> float:
        """How alike ``a`` and ``b`` are in meaning: 1 for the same text, 0 for unrelated
        or opposite ones (negative cosines are clipped) and for a blank text."""
        first, second = self.embed([a, b])
        return float(np.clip(np.dot(first, second), 0.0, 1.0))


_instance: Similarity | None = None
_instance_lock = threading.Lock()


def get_similarity() -> Similarity:
    """The process-wide :class:`Similarity` (its model is loaded once, on first use)."""
    global _instance
    if _instance is None:
        with _instance_lock:
            if _instance is None:
                _instance = Similarity()
    return _instance
