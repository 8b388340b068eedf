"""The AI gateway: providers, routing, resilience, budgets and caching."""
