from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel

from devmentor import __version__
from devmentor.deps import PlatformDep
from devmentor.kit.errors import problem_response
from devmentor.kit.health import run_checks

router = APIRouter(tags=["operations"])


class Liveness(BaseModel):
    status: str
    version: str


class CheckOut(BaseModel):
    ok: bool
    latency_ms: float
    error: str | None = None


class Readiness(BaseModel):
    status: str
    checks: dict[str, CheckOut]


@router.get("/healthz", summary="Liveness: the process is up")
async def healthz() -> Liveness:
    # Deliberately touches no dependency: a database outage must not get pods restarted.
    return Liveness(status="ok", version=__version__)


@router.get(
    "/readyz",
    summary="Readiness: the database (and Redis, when configured) answer",
    responses={503: {"description": "A dependency is down; the body names it"}},
)
async def readyz(request: Request, platform: PlatformDep) -> Any:
    results = await run_checks(
        platform.readiness_checks(), limit_seconds=platform.settings.health.check_timeout_seconds
    )
    checks = {
        r.name: CheckOut(ok=r.ok, latency_ms=r.latency_ms, error=r.error).model_dump()
        for r in results
    }
    failing = [r.name for r in results if not r.ok]
    if failing:
        return problem_response(
            request,
            status=503,
            code="not_ready",
            title="Not ready",
            detail=f"Not ready: {', '.join(failing)} unavailable.",
            extra={"status": "unready", "failing": failing, "checks": checks},
        )
    return JSONResponse({"status": "ready", "checks": checks})


@router.get("/metrics", summary="Prometheus metrics", response_class=Response)
async def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
