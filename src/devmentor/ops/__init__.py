"""Operational endpoints: liveness, readiness, metrics, version."""
