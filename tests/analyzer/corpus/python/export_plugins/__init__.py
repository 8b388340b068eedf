# Analyzer accuracy corpus: every annotation must stay on its line, so this file is not
# formatted, linted or type-checked.
# fmt: off
# ruff: noqa
# mypy: ignore-errors
"""A package that re-exports its submodules' declared public names."""

from .csv_export import *  # ok: py.wildcard-import
from .pdf_export import *  # ok: py.wildcard-import

__all__ = csv_export.__all__ + pdf_export.__all__
