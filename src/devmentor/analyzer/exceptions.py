"""Why an analysis could not start. Every message is one line, fit to show a user as is."""

from __future__ import annotations


class AnalyzerError(Exception):
    """Base class: the input cannot be analysed. ``str(error)`` is a one-line reason."""


class SourceNotFound(AnalyzerError):
    """The local path does not exist."""


class NotARepository(AnalyzerError):
    """The path is a file, or the URL does not lead to a git repository."""


class EmptyRepository(AnalyzerError):
    """There is nothing to analyse (no commits, or no source files)."""


class SourcePermissionError(AnalyzerError):
    """The path (or its contents) cannot be read."""


class CloneFailed(AnalyzerError):
    """The git URL could not be cloned (unreachable, refused, timed out, too large)."""


class LimitExceeded(CloneFailed):
    """Cloning stopped at a size or time limit."""
