"""The shared Jinja2 environment for every server-rendered page.

Pages extend ``base.html`` and pass ``page`` (the key of their navigation entry) so the
layout can mark the current link with ``aria-current="page"``. Domains that add pages
add their entry with :func:`add_nav_item` when their router module is imported.

Every template also gets ``auth``: the visitor as resolved by ``auth.pages.PageAuthDep``
(None on a page that does not depend on it, which then renders as signed out).
Filters: ``when`` (a datetime as "24 Nov 2026, 10:15 UTC") and ``iso`` (for ``datetime=``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates
from starlette.requests import Request

from devmentor import __version__

TEMPLATES_DIR = Path(__file__).parent / "templates"


def api_docs_public(request: Request) -> bool:
    """Whether this app serves /api-docs and /openapi.json (``public_api_docs``)."""
    settings = getattr(request.app.state, "settings", None)
    return bool(getattr(settings, "public_api_docs", True))


@dataclass(frozen=True, slots=True)
class NavItem:
    """One link in the site navigation.

    ``key`` is what a page passes as ``page`` to be marked current; ``visible`` can hide
    the link per request (a disabled feature, a signed-out user).
    """

    key: str
    label: str
    href: str
    visible: Callable[[Request], bool] | None = None

    def is_visible(self, request: Request) -> bool:
        return self.visible is None or self.visible(request)


nav_items: list[NavItem] = [
    NavItem("home", "Home", "/"),
    NavItem("status", "System status", "/status"),
    NavItem("api-docs", "API docs", "/api-docs", visible=api_docs_public),
]


def add_nav_item(item: NavItem, *, before: str | None = None) -> None:
    """Add a navigation link (at the end, or before the item whose key is ``before``)."""
    if any(existing.key == item.key for existing in nav_items):
        raise ValueError(f"navigation item {item.key!r} already exists")
    keys = [existing.key for existing in nav_items]
    index = keys.index(before) if before in keys else len(nav_items)
    nav_items.insert(index, item)


def request_context(request: Request) -> dict[str, Any]:
    # The page auth dependency leaves the visitor on request.state, so the layout can
    # show who is signed in without every handler passing it along.
    return {"auth": getattr(request.state, "page_auth", None)}


def format_when(value: dt.datetime | None) -> str:
    """A moment for people; page scripts re-render it in the reader's own time zone."""
    if value is None:
        return ""
    return value.astimezone(dt.UTC).strftime("%-d %b %Y, %H:%M UTC")


def format_iso(value: dt.datetime | None) -> str:
    return "" if value is None else value.astimezone(dt.UTC).isoformat(timespec="seconds")


templates = Jinja2Templates(directory=TEMPLATES_DIR, context_processors=[request_context])
templates.env.filters["when"] = format_when
templates.env.filters["iso"] = format_iso
templates.env.globals["version"] = __version__
templates.env.globals["nav_items"] = nav_items
templates.env.globals["api_docs_public"] = api_docs_public
