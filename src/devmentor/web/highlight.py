"""Syntax highlighting with Pygments, for code a learner reads in lessons and questions.

Pygments escapes the code it is given and wraps tokens in ``<span class="...">``; the
colours come from one stylesheet (:func:`stylesheet`, served at
``/static-gen/highlight.css``), so highlighted HTML carries no inline styles and passes
the page's strict Content-Security-Policy. Unknown languages fall back to plain escaped
text: a lesson never fails because of a fence's info string.
"""

from __future__ import annotations

import functools

from markupsafe import escape
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

#: Every highlighted token's class is prefixed so none collides with the app's CSS.
CSS_PREFIX = "hl-"
#: The wrapper class the stylesheet's rules are scoped to.
SCOPE = "highlight"
#: Fence names people write that Pygments spells differently.
_ALIASES = {"py": "python", "js": "javascript", "ts": "typescript", "sh": "bash", "shell": "bash"}
#: Longer code is shown plain: highlighting is linear, but a learner's paste is unbounded.
MAX_HIGHLIGHT_CHARS = 100_000


@functools.lru_cache(maxsize=64)
def _lexer(language: str) -> Lexer | None:
    name = _ALIASES.get(language.lower(), language.lower())
    if not name or name in {"text", "plain", "none"}:
        return None
    try:
        return get_lexer_by_name(name, stripnl=False, ensurenl=False)
    except ClassNotFound:
        return None


def _formatter() -> HtmlFormatter[str]:
    return HtmlFormatter(nowrap=True, classprefix=CSS_PREFIX)


def _highlighted(code: str, language: str) -> str | None:
    lexer = _lexer(language)
    if lexer is None or len(code) > MAX_HIGHLIGHT_CHARS:
        return None
    return str(highlight(code, lexer, _formatter()))


def highlight_block(code: str, language: str) -> str:
    """``code`` as ``<code class="highlight">…</code>`` HTML (escaped, highlighted when
    the language is known). Fits :func:`devmentor.web.markdown.render_markdown`'s
    ``code`` hook."""
    html = _highlighted(code, language)
    body = str(escape(code)) if html is None else html.rstrip("\n")
    lang = f' data-language="{escape(language)}"' if language else ""
    return f'<code class="{SCOPE}"{lang}>{body}</code>'


def highlight_lines(code: str, language: str) -> list[str]:
    """One HTML string per line of ``code`` (line 1 first), so a page can number lines and
    let the learner pick one. Tokens spanning lines (a docstring) are closed at each line
    end and reopened on the next, so every line is well-formed HTML on its own."""
    lines = code.split("\n")
    html = _highlighted(code, language)
    if html is None:
        return [str(escape(line)) for line in lines]
    out: list[str] = []
    open_spans: list[str] = []
    for raw in html.rstrip("\n").split("\n"):
        prefix = "".join(open_spans)
        # Track the spans still open at the end of this line (Pygments never nests them
        # deeper than one level, but a generic walk costs nothing).
        position = 0
        while True:
            start = raw.find("<span", position)
            end = raw.find("</span>", position)
            if start == -1 and end == -1:
                break
            if start != -1 and (end == -1 or start < end):
                close = raw.index(">", start)
                open_spans.append(raw[start : close + 1])
                position = close + 1
            else:
                if open_spans:
                    open_spans.pop()
                position = end + len("</span>")
        out.append(prefix + raw + "</span>" * len(open_spans))
    # Pygments may drop trailing empty lines; keep the learner's numbering intact.
    out.extend("" for _ in range(len(lines) - len(out)))
    return out[: len(lines)]


def _scoped(css: str) -> str:
    # Only the token rules: Pygments also emits rules for bare ``pre`` and line-number
    # tables, and backgrounds, which the app's own code-block styles own.
    return "\n".join(
        line
        for line in css.splitlines()
        if line.startswith(f".{SCOPE} .{CSS_PREFIX}") and "background" not in line
    )


@functools.cache
def stylesheet() -> str:
    """The CSS for highlighted code, light and dark (follows the page's colour scheme)."""
    light = HtmlFormatter(style="friendly", classprefix=CSS_PREFIX).get_style_defs(f".{SCOPE}")  # type: ignore[no-untyped-call]
    dark = HtmlFormatter(style="monokai", classprefix=CSS_PREFIX).get_style_defs(f".{SCOPE}")  # type: ignore[no-untyped-call]
    light, dark = _scoped(light), _scoped(dark)
    return f"{light}\n@media (prefers-color-scheme: dark) {{\n{dark}\n}}\n"
