# Analyzer accuracy corpus: smelly on purpose, and every annotation must stay on its
# line, so this file is not formatted, linted or type-checked.
# fmt: off
# ruff: noqa
# mypy: ignore-errors
"""Stock keeping for the warehouse service (py.* smells and their look-alikes)."""

import json
import logging
from os.path import *  # expect: py.wildcard-import
from collections import *  # noqa: F403  # ok: py.wildcard-import

logger = logging.getLogger(__name__)
_cache = {}
_loaded = False


def load_stock(path):
    global _loaded  # expect: py.global-statement
    _loaded = True
    with open(path) as handle:  # ok: py.open-without-with
        return json.load(handle)


def read_config(path):
    return json.loads(open(path).read())  # expect: py.open-without-with


def count_lines(path):
    total = 0
    for _line in open(path):  # expect: py.open-without-with
        total += 1
    return total


def append_log(path, message):
    log_file = open(path, "a")  # expect: py.open-without-with
    log_file.write(message)
    log_file.close()


def open_report(path):
    report = open(path, "rb")  # ok: py.open-without-with
    return report


def open_stream(path):
    return open(path, "rb")  # ok: py.open-without-with


def copy_safely(path, target):
    source = open(path)  # ok: py.open-without-with
    try:
        target.write(source.read())
    finally:
        source.close()


def add_item(name, tags=[]):  # expect: py.mutable-default-arg
    tags.append(name)
    return tags


def add_labels(name, labels: dict = {}):  # expect: py.mutable-default-arg
    labels[name] = True
    return labels


def add_group(name, members=None, seen=()):  # ok: py.mutable-default-arg
    members = [] if members is None else members
    members.append(name)
    return members


def remember(key, value):
    _cache[key] = value  # ok: py.global-statement


def restock(quantity, warehouse):
    assert quantity > 0, "quantity must be positive"  # expect: py.assert-validation, bandit.B101
    warehouse.add(quantity)


# A private helper's assert states an invariant its callers guarantee.
def _restock_unchecked(quantity, warehouse):
    # ok: py.assert-validation
    assert quantity > 0  # expect: bandit.B101
    warehouse.add(quantity)


def reserve(order, warehouse):
    # ok: py.assert-validation
    assert isinstance(order, dict)  # expect: bandit.B101
    remaining = warehouse.reserve(order)
    # ok: py.assert-validation
    assert remaining >= 0  # expect: bandit.B101
    return remaining


def find_missing(items, stock):
    if stock == None:  # expect: py.none-comparison
        return items
    return [item for item in items if item not in stock]


def count_missing(items, stock, missing=None):
    if missing is None:  # ok: py.none-comparison
        missing = []
    for index in range(len(items)):  # expect: py.range-len
        missing.append(items[index] not in stock)
    return missing


def retry_all(items):
    for attempt in range(len(items)):  # ok: py.range-len
        logger.debug("retry %d", attempt)


def active_rows(query, Item):
    return query.filter(Item.deleted_at == None)  # ok: py.none-comparison


def parse_quantity(raw):
    try:
        return int(raw)
    except:  # expect: py.bare-except, bandit.B110
        pass
    try:
        return float(raw)
    except:  # ok: py.bare-except
        logger.exception("bad quantity %r", raw)
        raise
    return 0


def parse_price(raw):
    try:
        return float(raw)
    except ValueError:  # ok: py.swallowed-exception, py.bare-except
        logger.warning("bad price %r", raw)
    try:
        return float(raw.replace(",", "."))
    except ValueError:  # expect: py.swallowed-exception
        ...
    return None


try:
    import ujson as fast_json
except ImportError:  # ok: py.swallowed-exception
    pass


def summarize(items):
    print("summary", items)  # expect: py.print-debugging
    logger.info("summarized %d items", len(items))
    return len(items)


def write_summary(items, stream):
    print("items:", len(items), file=stream)  # ok: py.print-debugging


def show_summary(items):
    print("items:", len(items))  # ok: py.print-debugging


print("inventory module loaded")  # ok: py.print-debugging
