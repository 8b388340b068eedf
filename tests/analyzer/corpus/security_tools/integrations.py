# Analyzer accuracy corpus: insecure on purpose, and every annotation must stay on its
# line, so this file is not formatted, linted or type-checked.
# fmt: off
# ruff: noqa
# mypy: ignore-errors
"""Settings for the partner integrations (every value here is a made-up example)."""

import os

BACKUP_ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE"  # expect: secret.aws-access-key
BACKUP_ACCESS_KEY_HINT = "AKIA-then-sixteen-more"  # ok: secret.aws-access-key
CI_GITHUB_CREDENTIAL = "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"  # expect: secret.github-token
CI_GITHUB_PREFIX = "ghp_"  # ok: secret.github-token

DEPLOY_KEY_HEADER = "-----BEGIN RSA PRIVATE KEY-----"  # expect: secret.private-key
SIGNING_KEY_HEADER = "-----BEGIN PUBLIC KEY-----"  # ok: secret.private-key

CHAT_WEBHOOK_CREDENTIAL = "xoxb-000000000000-fakefakefake"  # expect: secret.api-key
PAYMENTS_CREDENTIAL = "sk_live_000000000000000000000000"  # expect: secret.api-key
PAYMENTS_TEST_CREDENTIAL = "sk_test_000000000000000000000000"  # ok: secret.api-key
REPORTING_HOST = "203.0.113.10"  # ok: secret.api-key
LOCAL_HOST = "127.0.0.1"  # ok: secret.api-key

SIGNING_SALT = "q8Zr3XvB1mK9sT0wYp4LdC7nF2hJ6gE5"  # expect: secret.high-entropy
EMPTY_SALT = "00000000000000000000000000000000"  # ok: secret.high-entropy
REQUEST_NAMESPACE = "123e4567-e89b-12d3-a456-426614174000"  # ok: secret.high-entropy

api_key = "example-billing-value"  # expect: secret.keyword
api_key_from_env = os.environ.get("BILLING_API_KEY", "")  # ok: secret.keyword
