# Analyzer accuracy corpus: every annotation must stay on its line, so this file is not
# formatted, linted or type-checked.
# fmt: off
# ruff: noqa
# mypy: ignore-errors
"""Tests for the order service: test-only habits are fine here."""

from unittest import mock  # expect: pattern:unittest-mock

import pytest  # expect: pattern:pytest

from order_service import Order, make_order, tax_rate


@pytest.fixture  # expect: pattern:fixtures, pattern:decorators
def order():
    return make_order("o-1")


@pytest.mark.parametrize("country", ["de", "fr"])  # expect: pattern:parametrize
def test_tax_rate(country, monkeypatch):  # expect: pattern:monkeypatch
    monkeypatch.setenv("RATES_DIR", "rates-test")
    with mock.patch("order_service.yaml.safe_load", return_value={"rate": 0.2}):  # expect: pattern:unittest-mock
        print("checking", country)  # ok: py.print-debugging
        assert tax_rate(country) == 0.2  # ok: py.assert-validation


def test_order_has_no_items(order):
    assert order.items == []  # ok: py.assert-validation
    with pytest.raises(KeyError):  # expect: pattern:pytest
        Order.from_row({})
