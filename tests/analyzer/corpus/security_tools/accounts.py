# Analyzer accuracy corpus: insecure on purpose, and every annotation must stay on its
# line, so this file is not formatted, linted or type-checked.
# fmt: off
# ruff: noqa
# mypy: ignore-errors
"""Connects to the accounts database and the mail relay."""

import os
from dataclasses import dataclass

ADMIN_PASSWORD = "Tr0ub4dor&3-example"  # expect: bandit.B105, secret.keyword, py.hardcoded-secret
PASSWORD_MIN_LENGTH = 12  # ok: bandit.B105, secret.keyword
DB_PASSWORD = os.environ["DB_PASSWORD"]  # ok: bandit.B105, secret.keyword


@dataclass
class Relay:
    host: str
    user: str
    password: str


def connect_relay() -> Relay:
    return Relay(host="smtp.example.com", user="reports", password="hunter2-example")  # expect: bandit.B106, secret.keyword, py.hardcoded-secret


def connect_relay_from_env() -> Relay:
    return Relay(host="smtp.example.com", user="reports", password=os.environ["SMTP_PASSWORD"])  # ok: bandit.B106


def login(user: str, password: str = "letmein-example") -> bool:  # expect: bandit.B107, py.hardcoded-secret
    return bool(user and password)


def login_required(user: str, password: str | None = None) -> bool:  # ok: bandit.B107
    return bool(user and password)
