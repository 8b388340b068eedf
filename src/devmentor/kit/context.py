"""Context variables that travel with a request or a job through every await."""

from __future__ import annotations

from contextvars import ContextVar

#: The id of the HTTP request (or job) being handled; stamped on every log line.
request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
