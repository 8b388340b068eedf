"""The repository analyzer: a framework-free library (no web framework, no database).

``analyze(path_or_url, options)`` returns an :class:`AnalysisReport`: languages and lines,
frameworks, per-function complexity and hot spots, code smells, security findings (with
CWE ids), duplicated blocks, test presence, and patterns tagged with curriculum skills.
Repository content is treated as hostile throughout: nothing in it is executed.
See ``docs/analyzer.md``.

The engine (tree-sitter grammars, lizard, bandit, detect-secrets) is imported on first use
of :func:`analyze`, so importing the package, its model or its errors stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from devmentor.analyzer.exceptions import (
    AnalyzerError,
    CloneFailed,
    EmptyRepository,
    LimitExceeded,
    NotARepository,
    SourceNotFound,
    SourcePermissionError,
)
from devmentor.analyzer.model import SCHEMA_VERSION, AnalysisReport
from devmentor.analyzer.walker import Limits

if TYPE_CHECKING:
    from devmentor.analyzer.runner import AnalyzerOptions, Progress, analyze

__all__ = [
    "SCHEMA_VERSION",
    "AnalysisReport",
    "AnalyzerError",
    "AnalyzerOptions",
    "CloneFailed",
    "EmptyRepository",
    "LimitExceeded",
    "Limits",
    "NotARepository",
    "Progress",
    "SourceNotFound",
    "SourcePermissionError",
    "analyze",
]

_LAZY = {"AnalyzerOptions", "Progress", "analyze"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from devmentor.analyzer import runner

        return getattr(runner, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
