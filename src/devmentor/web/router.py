"""The server-rendered pages. Data that changes (health, readiness) is fetched by page JS."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from devmentor.web.templating import templates

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
async def home(request: Request) -> HTMLResponse:
    return templates.TemplateResponse(request, "home.html", {"page": "home"})


@router.get("/status", response_class=HTMLResponse)
async def status(request: Request) -> HTMLResponse:
    return templates.TemplateResponse(request, "status.html", {"page": "status"})
