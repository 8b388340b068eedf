# Analyzer accuracy corpus: insecure on purpose, and every annotation must stay on its
# line, so this file is not formatted, linted or type-checked.
# fmt: off
# ruff: noqa
# mypy: ignore-errors
"""Builds the SQL for the monthly report."""

import sqlite3


def totals_for(connection: sqlite3.Connection, region: str) -> list[tuple[str, int]]:
    query = "SELECT name, total FROM sales WHERE region = '%s'" % region  # expect: bandit.B608
    return connection.execute(query).fetchall()  # expect: py.sql-injection


def totals_for_month(connection: sqlite3.Connection, month: str) -> list[tuple[str, int]]:
    query = "SELECT name, total FROM sales WHERE month = '" + month + "'"  # expect: bandit.B608
    return connection.execute(query).fetchall()  # expect: py.sql-injection


def totals_safely(connection: sqlite3.Connection, region: str) -> list[tuple[str, int]]:
    query = "SELECT name, total FROM sales WHERE region = ?"  # ok: bandit.B608
    return connection.execute(query, (region,)).fetchall()


def headline(region: str) -> str:
    return "Select the %s region to see its totals" % region  # ok: bandit.B608
