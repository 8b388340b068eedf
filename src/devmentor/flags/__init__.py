"""Feature flags: named switches stored in the database, read through the cache."""
