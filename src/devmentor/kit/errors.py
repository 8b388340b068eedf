"""One error hierarchy for the whole application, rendered as RFC 9457 problem details.

Services raise :class:`DevMentorError` subclasses; they never import HTTP types. The
handlers installed by :func:`install_error_handlers` turn them, request validation errors,
unknown routes and unexpected crashes into ``application/problem+json`` bodies::

    {"type": "/problems/not-found", "title": "Not found", "status": 404,
     "detail": "...", "code": "not_found", "instance": "/api/...", "request_id": "..."}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse

from devmentor.kit.context import request_id_var

PROBLEM_JSON = "application/problem+json"

log = structlog.get_logger(__name__)


class DevMentorError(Exception):
    """Base of every error we raise on purpose. Subclasses set ``status`` and ``code``."""

    status: ClassVar[int] = 500
    code: ClassVar[str] = "internal_error"
    title: ClassVar[str] = "Internal error"
    #: Commit the unit of work's changes even though this error ends it: for errors
    #: whose point is a change, like revoking a session when a stolen token is replayed.
    keep_changes: ClassVar[bool] = False

    def __init__(
        self,
        detail: str | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.headers = dict(headers or {})
        self.extra = dict(extra or {})


class BadRequest(DevMentorError):
    status = 400
    code = "bad_request"
    title = "Bad request"


class Unauthorized(DevMentorError):
    status = 401
    code = "unauthorized"
    title = "Authentication required"


class Forbidden(DevMentorError):
    status = 403
    code = "forbidden"
    title = "Forbidden"


class NotFound(DevMentorError):
    status = 404
    code = "not_found"
    title = "Not found"


class Conflict(DevMentorError):
    status = 409
    code = "conflict"
    title = "Conflict"


class PayloadTooLarge(DevMentorError):
    status = 413
    code = "payload_too_large"
    title = "Payload too large"


class Unprocessable(DevMentorError):
    status = 422
    code = "validation_failed"
    title = "Validation failed"


class RateLimited(DevMentorError):
    status = 429
    code = "rate_limited"
    title = "Too many requests"

    def __init__(self, detail: str | None = None, *, retry_after: int) -> None:
        super().__init__(
            detail or "Rate limit exceeded; try again later.",
            headers={"Retry-After": str(max(1, retry_after))},
            extra={"retry_after": max(1, retry_after)},
        )


class ServiceUnavailable(DevMentorError):
    status = 503
    code = "service_unavailable"
    title = "Service unavailable"


_TITLES = {
    400: "Bad request",
    401: "Authentication required",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    413: "Payload too large",
    415: "Unsupported media type",
    422: "Validation failed",
    429: "Too many requests",
}


def problem_body(
    request: Request,
    *,
    status: int,
    code: str,
    title: str,
    detail: str,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """An RFC 9457 problem object (also sent inside event streams, which can't change
    their status once started)."""
    body: dict[str, Any] = {
        "type": f"/problems/{code.replace('_', '-')}",
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        "instance": request.url.path,
    }
    request_id = request_id_var.get()
    if request_id:
        body["request_id"] = request_id
    if extra:
        body.update(extra)
    return body


def problem_response(
    request: Request,
    *,
    status: int,
    code: str,
    title: str,
    detail: str,
    headers: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> JSONResponse:
    body = problem_body(request, status=status, code=code, title=title, detail=detail, extra=extra)
    return JSONResponse(
        body, status_code=status, headers=dict(headers or {}), media_type=PROBLEM_JSON
    )


def _validation_errors(errors: Sequence[Any]) -> list[dict[str, Any]]:
    """Keep what a client can act on; drop echoed input (it may be huge or secret)."""
    out = []
    for error in errors:
        out.append(
            {
                "loc": [str(part) for part in error.get("loc", ())],
                "msg": str(error.get("msg", "invalid")),
                "type": str(error.get("type", "value_error")),
            }
        )
    return out


def problem_from_error(request: Request, exc: DevMentorError) -> JSONResponse:
    """The problem+json response for ``exc``, for a handler that returns it, not raises."""
    return problem_response(
        request,
        status=exc.status,
        code=exc.code,
        title=exc.title,
        detail=exc.detail,
        headers=exc.headers,
        extra=exc.extra,
    )


async def _devmentor_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DevMentorError)
    if exc.status >= 500:
        log.error("request_failed", code=exc.code, detail=exc.detail)
    return problem_from_error(request, exc)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = _validation_errors(exc.errors())
    return problem_response(
        request,
        status=422,
        code="validation_failed",
        title="Validation failed",
        detail=f"The request is invalid ({len(errors)} problem{'s' if len(errors) != 1 else ''}).",
        extra={"errors": errors},
    )


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    title = _TITLES.get(exc.status_code, "Error")
    code = title.lower().replace(" ", "_")
    detail = exc.detail if isinstance(exc.detail, str) else title
    return problem_response(
        request,
        status=exc.status_code,
        code=code,
        title=title,
        detail=detail,
        headers=exc.headers,
    )


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    # The traceback goes to the log with the request id; the client gets only the id.
    log.exception("unhandled_exception", exc_type=type(exc).__name__)
    return problem_response(
        request,
        status=500,
        code="internal_error",
        title="Internal error",
        detail="Something went wrong on our side. Quote the request id when reporting it.",
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DevMentorError, _devmentor_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
