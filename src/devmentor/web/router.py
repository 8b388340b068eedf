"""The server-rendered pages. Data that changes (health, readiness) is fetched by page JS.

Every page depends on ``PageAuthDep``: the header shows who is signed in, and a visit
renews an expired access cookie from the refresh cookie (see auth.pages).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from devmentor.auth.pages import PageAuthDep, render
from devmentor.kit.errors import NotFound
from devmentor.web.templating import api_docs_public

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, auth: PageAuthDep) -> HTMLResponse:
    return render(request, auth, "home.html", {"page": "home"})


@router.get("/status", response_class=HTMLResponse)
async def status(request: Request, auth: PageAuthDep) -> HTMLResponse:
    return render(request, auth, "status.html", {"page": "status"})


@router.get("/api-docs", response_class=HTMLResponse)
async def api_docs(request: Request, auth: PageAuthDep) -> HTMLResponse:
    # Registered before app.py's own /api-docs route, so this one answers: "Try it out"
    # then runs with a live access cookie and a CSRF cookie already set.
    if not api_docs_public(request):
        raise NotFound("No such page.")
    return render(request, auth, "swagger.html", {"openapi_url": "/openapi.json"})
