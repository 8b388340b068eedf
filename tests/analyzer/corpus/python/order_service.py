# Analyzer accuracy corpus: every annotation must stay on its line, so this file is not
# formatted, linted or type-checked.
# fmt: off
# ruff: noqa
# mypy: ignore-errors
"""Order service: practices the analyzer reports as pattern evidence."""

import asyncio  # expect: pattern:asyncio
import functools
import logging
import os
import subprocess  # expect: pattern:subprocess, bandit.B404
import threading  # expect: pattern:threads
from abc import ABC, abstractmethod
from concurrent.futures import ThreadPoolExecutor  # expect: pattern:thread-pool
from contextlib import contextmanager
from functools import lru_cache
from typing import Protocol

import httpx
import structlog  # expect: pattern:structured-logging
import yaml
from fastapi import APIRouter, Depends
from prometheus_client import Counter  # expect: pattern:metrics
from sqlalchemy import select
from sqlalchemy.orm import Session
from tenacity import retry, stop_after_attempt

logger = logging.getLogger(__name__)  # expect: pattern:logging
router = APIRouter()
ORDERS_PLACED = Counter("orders_placed_total", "Orders placed")
HANDLERS = {}
DATABASE_URL = os.environ.get("DATABASE_URL", "sqlite://")  # expect: pattern:environment-variables


class OrderNotFoundError(Exception):  # expect: pattern:custom-exceptions
    pass


class PaymentGateway(ABC):  # expect: pattern:abstract-base-classes
    @abstractmethod  # expect: pattern:abstract-base-classes
    def charge(self, order_id: str, cents: int) -> bool: ...  # expect: pattern:type-hints


class Notifier(Protocol):  # expect: pattern:protocols
    def send(self, text: str) -> None: ...


def timed(func):  # expect: pattern:decorators
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        started = asyncio.get_event_loop().time()
        try:
            return func(*args, **kwargs)
        finally:
            logger.info("%s took %.3fs", func.__name__, asyncio.get_event_loop().time() - started)

    return wrapper


def on_event(name):
    def register_handler(handler):
        HANDLERS[name] = handler
        return handler

    return register_handler


def register(name, handler):  # expect: pattern:registry
    HANDLERS[name] = handler
    return handler


class EventBus:
    def __init__(self):
        self._listeners = []

    def subscribe(self, listener):  # expect: pattern:observer
        self._listeners.append(listener)

    def publish(self, event):
        for listener in self._listeners:
            listener(event)


class Order:
    def __init__(self, order_id, items):
        self.order_id = order_id
        self.items = items

    @classmethod
    def from_row(cls, row):  # expect: pattern:factory
        return cls(row["id"], row["items"])


def make_order(order_id):  # expect: pattern:factory
    return Order(order_id, [])


@contextmanager  # expect: pattern:decorators
def locked(lock):  # expect: pattern:context-managers
    lock.acquire()
    try:
        yield lock  # expect: pattern:generators
    finally:
        lock.release()


@lru_cache(maxsize=256)  # expect: pattern:lru-cache, pattern:decorators
def tax_rate(country):
    with open(f"rates/{country}.yaml") as handle:  # expect: pattern:with-statement
        return yaml.safe_load(handle)["rate"]  # expect: pattern:yaml-loading


@retry(stop=stop_after_attempt(3))  # expect: pattern:retries
def fetch_invoice(order_id):
    response = httpx.get(f"https://billing.example.com/invoices/{order_id}", timeout=5)  # expect: pattern:http-requests
    response.raise_for_status()
    return response.json()


def get_session():
    return Session()


@router.get("/orders/{order_id}")  # expect: pattern:rest-api
async def read_order(order_id: str, session: Session = Depends(get_session)):  # expect: pattern:async-await, pattern:dependency-injection
    order = session.scalars(select(Order).where(Order.order_id == order_id)).first()  # expect: pattern:orm-queries
    if order is None:
        raise OrderNotFoundError(order_id)  # expect: pattern:exceptions
    await asyncio.sleep(0)
    return {"items": [item.name for item in order.items]}  # expect: pattern:comprehensions


def legacy_total(session, order_id):
    sql = "SELECT SUM(cents) FROM lines WHERE order_id = :id"
    rows = session.execute(sql, {"id": order_id})  # expect: pattern:parameterized-queries
    count = session.execute("SELECT COUNT(*) FROM lines")  # expect: pattern:raw-sql
    try:  # expect: pattern:try-except
        return rows.scalar() / count.scalar()
    except LookupError:
        logger.warning("order %s has no lines", order_id)
        return 0


def export_async(paths):
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(os.path.getsize, paths))


def rebuild_index():
    worker = threading.Thread(target=print, daemon=True)
    worker.start()
    return subprocess.run(["/usr/bin/true"], check=False)  # expect: bandit.B603
