"""Human-readable renderings of an :class:`~devmentor.analyzer.model.AnalysisReport`.

``devmentor analyze --format text|markdown|html`` uses these; the JSON format is the
model's own ``model_dump_json``. Every renderer treats report content as hostile (it comes
from the analysed repository) and escapes it for its format.
"""

from __future__ import annotations

from devmentor.analyzer.reports.html import render_html
from devmentor.analyzer.reports.markdown import render_markdown
from devmentor.analyzer.reports.text import render_text

__all__ = ["render_html", "render_markdown", "render_text"]
