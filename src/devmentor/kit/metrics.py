"""Prometheus metrics shared by the platform. Defined once per process, at import.

Labels stay low-cardinality: HTTP metrics use the route template (``/api/x/{id}``), never
the raw path, and unknown paths collapse into one ``<unmatched>`` label.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram, Info

from devmentor import __version__

BUILD_INFO = Info("devmentor_build", "Version of the running DevMentor")
BUILD_INFO.info({"version": __version__})

HTTP_REQUESTS = Counter(
    "devmentor_http_requests_total",
    "HTTP requests handled",
    ["method", "route", "status"],
)
HTTP_LATENCY = Histogram(
    "devmentor_http_request_duration_seconds",
    "HTTP request latency from first byte in to last byte out",
    ["method", "route"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
HTTP_IN_FLIGHT = Gauge("devmentor_http_requests_in_flight", "HTTP requests being handled")

CACHE_REQUESTS = Counter("devmentor_cache_requests_total", "Cache look-ups by result", ["result"])
RATE_LIMITED = Counter(
    "devmentor_rate_limited_total", "Requests refused by a rate limit", ["scope"]
)
DEPENDENCY_UP = Gauge(
    "devmentor_dependency_up", "1 when the last readiness check of a dependency passed", ["name"]
)
