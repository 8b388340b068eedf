"""The platform floor shared by every domain: database, cache, events, rate limits,
errors, logging, metrics and health. Framework-light; domains use it, it uses no domain."""
