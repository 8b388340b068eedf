"""Versioned prompt templates, and fencing of untrusted text.

Templates live in ``prompts/<name>/<version>/{system,user}.j2``; a change of wording is a
new version directory, so the usage ledger can tell which prompt produced which answer.

Learner questions, code and repository text are data, never instructions. They enter a
prompt only through the ``fence`` filter, which wraps them in a Markdown fence longer than
any run of backticks inside them, so the text cannot close the fence and speak as us. The
system prompts say that fenced text is data to analyse and must not be obeyed.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from devmentor.ai.types import ChatRequest, Message, Task

PROMPTS_DIR = Path(__file__).parent / "prompts"
_BACKTICK_RUN = re.compile(r"`+")
_LABEL = re.compile(r"[^a-z0-9_+#.-]")
# Control characters other than tab and newline can hide text from a reviewer of the prompt.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def fence(text: str, label: str = "text") -> str:
    """``text`` inside a Markdown fence that nothing in it can close."""
    longest = max((len(run) for run in _BACKTICK_RUN.findall(text)), default=0)
    ticks = "`" * max(3, longest + 1)
    clean_label = _LABEL.sub("", label.lower())[:20] or "text"
    body = _CONTROL.sub("", unicodedata.normalize("NFC", text))
    return f"{ticks}{clean_label}\n{body}\n{ticks}"


class PromptLibrary:
    """Renders ``<name>/<version>`` into system and user messages."""

    def __init__(self, root: Path = PROMPTS_DIR) -> None:
        # Sandboxed: templates are ours, but a template touching an attribute of a value it
        # was given should never reach beyond that value.
        self._env = ImmutableSandboxedEnvironment(
            loader=jinja2.FileSystemLoader(root),
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            keep_trailing_newline=False,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self._env.filters["fence"] = fence

    def versions(self, name: str) -> list[str]:
        base = PROMPTS_DIR / name
        return sorted(p.name for p in base.iterdir() if p.is_dir()) if base.is_dir() else []

    @functools.cache  # noqa: B019 - one library per process; templates never change at run time
    def _template(self, path: str) -> jinja2.Template:
        return self._env.get_template(path)

    def render(
        self,
        name: str,
        version: str,
        task: Task,
        *,
        max_output_tokens: int,
        temperature: float = 0.2,
        cache_scope: str | None = None,
        **values: Any,
    ) -> ChatRequest:
        system = self._template(f"{name}/{version}/system.j2").render(**values).strip()
        user = self._template(f"{name}/{version}/user.j2").render(**values).strip()
        return ChatRequest(
            task=task,
            messages=(Message("system", system), Message("user", user)),
            max_output_tokens=max_output_tokens,
            temperature=temperature,
            context=values,
            prompt_version=f"{name}/{version}",
            cache_scope=cache_scope,
        )
