# Analyzer accuracy corpus: insecure on purpose, and every annotation must stay on its
# line, so this file is not formatted, linted or type-checked.
# fmt: off
# ruff: noqa
# mypy: ignore-errors
"""Renders the account pages."""

from django.utils.safestring import mark_safe
from jinja2 import Environment, FileSystemLoader, select_autoescape
from mako.template import Template
from markupsafe import Markup, escape

plain_env = Environment(loader=FileSystemLoader("templates"))  # expect: bandit.B701, py.autoescape-off
safe_env = Environment(loader=FileSystemLoader("templates"), autoescape=select_autoescape())  # ok: bandit.B701


def banner(name: str) -> str:
    return Template("<h1>Hello ${name}</h1>").render(name=name)  # expect: bandit.B702, py.autoescape-off


def greeting(name: str) -> str:
    return mark_safe(f"<b>{name}</b>")  # expect: bandit.B308, bandit.B703


def footer(name: str) -> Markup:
    return Markup(f"<i>{name}</i>")  # expect: bandit.B704


def safe_footer(name: str) -> Markup:
    return Markup("<i>{}</i>").format(escape(name))  # ok: bandit.B704


def title(name: str) -> str:
    return f"<title>{escape(name)}</title>"  # ok: bandit.B703, bandit.B702
