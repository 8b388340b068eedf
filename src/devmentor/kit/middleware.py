"""Pure ASGI middleware: request ids, access logs, metrics, security headers, body limits.

Pure ASGI (not ``BaseHTTPMiddleware``) so streaming responses and WebSockets pass through
untouched and context variables set here are visible to the endpoint.
"""

from __future__ import annotations

import json
import re
import time
import uuid

import structlog
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from devmentor.kit.context import request_id_var
from devmentor.kit.errors import PROBLEM_JSON
from devmentor.kit.metrics import HTTP_IN_FLIGHT, HTTP_LATENCY, HTTP_REQUESTS

log = structlog.get_logger("devmentor.http")

REQUEST_ID_HEADER = "x-request-id"
# Accept a caller's id only if it is short and plain: it ends up in logs and headers.
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._\-]{1,64}$")
# Probes and scrapes would drown the access log; they are still counted in metrics.
_QUIET_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})

_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return str(value.decode("latin-1"))
    return None


class RequestContextMiddleware:
    """Gives each request an id (``X-Request-ID``), logs it, times it and counts it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        incoming = _header(scope, REQUEST_ID_HEADER.encode())
        request_id = (
            incoming if incoming and _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        )
        token = request_id_var.set(request_id)
        structlog.contextvars.bind_contextvars(request_id=request_id)
        if scope["type"] == "websocket":
            try:
                await self.app(scope, receive, send)
            finally:
                structlog.contextvars.unbind_contextvars("request_id")
                request_id_var.reset(token)
            return

        start = time.perf_counter()
        status = 500
        is_html = False

        async def send_wrapper(message: Message) -> None:
            nonlocal status, is_html
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = MutableHeaders(scope=message)
                headers[REQUEST_ID_HEADER] = request_id
                headers.setdefault("x-content-type-options", "nosniff")
                headers.setdefault("referrer-policy", "same-origin")
                headers.setdefault("x-frame-options", "DENY")
                if headers.get("content-type", "").startswith("text/html"):
                    is_html = True
                    headers.setdefault("content-security-policy", _CSP)
            await send(message)

        HTTP_IN_FLIGHT.inc()
        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            HTTP_IN_FLIGHT.dec()
            elapsed = time.perf_counter() - start
            route = scope.get("route")
            route_label = getattr(route, "path", None) or "<unmatched>"
            method = scope.get("method", "GET")
            HTTP_REQUESTS.labels(method=method, route=route_label, status=str(status)).inc()
            HTTP_LATENCY.labels(method=method, route=route_label).observe(elapsed)
            path = scope.get("path", "")
            emit = log.debug if path in _QUIET_PATHS or path.startswith("/static/") else log.info
            emit(
                "http_request",
                method=method,
                path=path,
                route=route_label,
                status=status,
                duration_ms=round(elapsed * 1000, 2),
                html=is_html,
            )
            structlog.contextvars.unbind_contextvars("request_id")
            request_id_var.reset(token)


class BodySizeLimitMiddleware:
    """Refuse request bodies over ``max_bytes`` with 413, before the endpoint reads them."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._reject(scope, send)
            return

        received = 0
        response_started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _BodyTooLarge(self.max_bytes)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _BodyTooLarge:
            if not response_started:
                await self._reject(scope, send)

    async def _reject(self, scope: Scope, send: Send) -> None:
        body = {
            "type": "/problems/payload-too-large",
            "title": "Payload too large",
            "status": 413,
            "detail": f"The request body exceeds {self.max_bytes} bytes.",
            "code": "payload_too_large",
            "instance": scope.get("path", ""),
        }
        request_id = request_id_var.get()
        if request_id:
            body["request_id"] = request_id
        payload = json.dumps(body).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", PROBLEM_JSON.encode()),
                    (b"content-length", str(len(payload)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": payload})


class _BodyTooLarge(StarletteHTTPException):
    # An HTTPException so that FastAPI's body parsing re-raises it as it is, and the
    # problem+json handler renders a 413 instead of a generic 400.
    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, f"The request body exceeds {max_bytes} bytes.")
