"""``/api/mentor/*`` (ask the mentor) and ``/api/admin/ai/*`` (providers and usage)."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import StreamingResponse

from devmentor.ai import schemas
from devmentor.ai.deps import GatewayDep, MentorServiceDep, UsageReportsDep
from devmentor.ai.types import Completion, StreamDelta
from devmentor.auth.deps import AdminUser, AuthServiceDep, CurrentUser
from devmentor.kit.errors import BadRequest, DevMentorError, NotFound, problem_body

router = APIRouter(tags=["mentor"])
admin_router = APIRouter(prefix="/admin/ai", tags=["admin"])

OVERHEAD_HEADER = "X-DevMentor-AI-Overhead-Ms"
MAX_USAGE_SPAN = dt.timedelta(days=366)


def _overhead(completion: Completion) -> str:
    return f"{completion.overhead_ms:.3f}"


@router.post(
    "/mentor/ask",
    summary="Ask the mentor about code (hints before solutions)",
    response_model=schemas.AskResponse,
    responses={429: {"description": "Rate limit or AI budget exceeded"}},
)
async def ask(
    body: schemas.AskRequest, user: CurrentUser, service: MentorServiceDep, response: Response
) -> schemas.AskResponse:
    reply = await service.ask(user.user_id, body)
    response.headers[OVERHEAD_HEADER] = _overhead(reply.completion)
    return schemas.AskResponse(
        answer=reply.answer,
        provider=reply.completion.provider,
        model=reply.completion.model,
        cached=reply.completion.cached,
        mode=reply.mode,
        notice=reply.notice,
        fell_back=reply.completion.fell_back,
    )


def _sse(event: str, data: object) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode()


@router.post(
    "/mentor/ask/stream",
    summary="Ask the mentor, with the answer streamed as server-sent events",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {"text/event-stream": {}},
            "description": "Events: `meta`, then `delta` {text} pieces, then `done` "
            "{provider, model, cached, overhead_ms} or `error` (a problem object).",
        },
        429: {"description": "Rate limit or AI budget exceeded"},
    },
)
async def ask_stream(
    body: schemas.AskRequest, user: CurrentUser, service: MentorServiceDep, request: Request
) -> StreamingResponse:
    mode, notice, events = await service.ask_stream(user.user_id, body)
    # Pull the first event before answering, so that a rate limit, a budget or every
    # provider failing is a proper error response, not a broken 200 stream.
    first = await anext(events)

    async def body_iter() -> AsyncIterator[bytes]:
        yield _sse("meta", {"mode": mode, "notice": notice})
        event: StreamDelta | Completion | None = first
        try:
            while event is not None:
                if isinstance(event, StreamDelta):
                    yield _sse("delta", {"text": event.text})
                else:
                    yield _sse(
                        "done",
                        {
                            "provider": event.provider,
                            "model": event.model,
                            "cached": event.cached,
                            "fell_back": event.fell_back,
                            "overhead_ms": round(event.overhead_ms, 3),
                        },
                    )
                event = await anext(events, None)
        except DevMentorError as exc:  # StreamInterrupted, or a failure before the first byte
            problem = problem_body(
                request,
                status=exc.status,
                code=exc.code,
                title=exc.title,
                detail=exc.detail,
                extra=exc.extra,
            )
            yield _sse("error", problem)

    return StreamingResponse(
        body_iter(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


@admin_router.get("/providers", summary="Providers, routes and circuit-breaker states")
async def providers(_: AdminUser, gateway: GatewayDep) -> schemas.ProvidersOut:
    targets = []
    for target in gateway.targets():
        snap = gateway.breaker(target).snapshot()
        provider = gateway.providers[target.provider]
        targets.append(
            schemas.TargetOut(
                provider=target.provider,
                model=target.model,
                metered=provider.metered,
                known_price=gateway.prices.known(target.model) or not provider.metered,
                breaker=schemas.BreakerOut(
                    state=snap.state.value,
                    calls_in_window=snap.calls_in_window,
                    failures_in_window=snap.failures_in_window,
                    retry_in_seconds=snap.retry_in,
                    probe_in_flight=snap.probe_in_flight,
                    opened_total=snap.opened_total,
                ),
            )
        )
    return schemas.ProvidersOut(
        providers=sorted(gateway.providers),
        targets=targets,
        routes={task.value: [t.key for t in route] for task, route in gateway.routes.items()},
        budget_store=gateway.budgets.backend_name,
        ledger_pending=gateway.recorder.pending,
    )


@admin_router.get("/usage", summary="AI usage from the ledger, per provider, model and task")
async def usage(
    _: AdminUser,
    gateway: GatewayDep,
    reports: UsageReportsDep,
    auth: AuthServiceDep,
    user: Annotated[str | None, Query(max_length=64, description="User id or username")] = None,
    start: Annotated[dt.datetime | None, Query(alias="from")] = None,
    end: Annotated[dt.datetime | None, Query(alias="to")] = None,
    limit: Annotated[int, Query(ge=0, le=500)] = 50,
) -> schemas.UsageOut:
    now = dt.datetime.now(dt.UTC)
    end = _aware(end) if end else now
    start = _aware(start) if start else end - dt.timedelta(days=30)
    if start >= end:
        raise BadRequest("`from` must be before `to`.")
    if end - start > MAX_USAGE_SPAN:
        raise BadRequest("Ask for at most 366 days at a time.")
    user_id: uuid.UUID | None = None
    if user:
        try:
            user_id = uuid.UUID(user)
        except ValueError:
            found = await auth.find_user(user)
            if found is None:
                raise NotFound(f"No user {user!r}.") from None
            user_id = found.id
    # This process's buffered rows belong in the report.
    await gateway.recorder.flush()
    return await reports.report(user_id, start, end, limit)


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
