"""Prometheus metrics of the AI gateway. Labels are bounded: providers, models from the
route configuration, tasks and outcome kinds."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

AI_REQUESTS = Counter(
    "devmentor_ai_requests_total",
    "Gateway calls by task and final outcome",
    ["task", "outcome"],
)
AI_UPSTREAM_LATENCY = Histogram(
    "devmentor_ai_upstream_duration_seconds",
    "Time spent waiting on a provider, per hop",
    ["provider", "model", "outcome"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 40.0, 80.0),
)
AI_OVERHEAD = Histogram(
    "devmentor_ai_gateway_overhead_seconds",
    "Time spent in the gateway itself per call (not waiting on providers)",
    ["task"],
    buckets=(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05),
)
AI_TOKENS = Counter("devmentor_ai_tokens_total", "Tokens used", ["provider", "model", "direction"])
AI_COST = Counter("devmentor_ai_cost_usd_total", "Spend in US dollars", ["provider", "model"])
AI_CACHE = Counter(
    "devmentor_ai_cache_requests_total",
    "Response-cache look-ups (hit, miss, shared = joined an identical call in flight)",
    ["task", "result"],
)
AI_RETRIES = Counter(
    "devmentor_ai_retries_total", "Retried attempts", ["provider", "model", "reason"]
)
AI_FALLBACKS = Counter(
    "devmentor_ai_fallbacks_total",
    "Moves to the next target of a route",
    ["task", "from_provider", "reason"],
)
AI_BREAKER_STATE = Gauge(
    "devmentor_ai_breaker_state",
    "Circuit breaker state per target: 0 closed, 1 half-open, 2 open",
    ["provider", "model"],
)
AI_BUDGET_REJECTIONS = Counter(
    "devmentor_ai_budget_rejections_total", "Calls refused by a user budget", ["period", "measure"]
)
LEDGER_DROPPED = Counter(
    "devmentor_ai_ledger_dropped_total", "Usage rows dropped because the database was unreachable"
)
