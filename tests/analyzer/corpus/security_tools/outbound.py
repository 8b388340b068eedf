# Analyzer accuracy corpus: insecure on purpose, and every annotation must stay on its
# line, so this file is not formatted, linted or type-checked.
# fmt: off
# ruff: noqa
# mypy: ignore-errors
"""Talks to the billing API and the backup host."""

import socket
import ssl

import paramiko
import requests

BILLING_URL = "https://billing.example.com/api/invoices"


def invoices() -> object:
    return requests.get(BILLING_URL).json()  # expect: bandit.B113, py.requests-no-timeout


def invoices_with_timeout() -> object:
    return requests.get(BILLING_URL, timeout=10).json()  # ok: bandit.B113


def invoices_from_staging() -> object:
    return requests.get(BILLING_URL, verify=False, timeout=10).json()  # expect: bandit.B501


def invoices_checked() -> object:
    return requests.get(BILLING_URL, verify=True, timeout=10).json()  # ok: bandit.B501


def legacy_socket(sock: socket.socket) -> ssl.SSLSocket:
    return ssl.wrap_socket(sock, ssl_version=ssl.PROTOCOL_SSLv3)  # expect: bandit.B502


def modern_socket(sock: socket.socket) -> ssl.SSLSocket:
    return ssl.create_default_context().wrap_socket(sock)  # ok: bandit.B502, bandit.B504


def backup_client() -> paramiko.SSHClient:
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())  # expect: bandit.B507
    return client


def strict_backup_client() -> paramiko.SSHClient:
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.RejectPolicy())  # ok: bandit.B507
    return client
