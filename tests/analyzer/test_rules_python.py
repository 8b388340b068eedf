"""The Python query checks (``devmentor.analyzer.rules.python``) on small snippets.

Every rule has at least one snippet it must report and one look-alike it must leave alone;
the look-alikes are where a rule earns its precision (constants, parameters passed
separately, sanitised paths, command-line programs, ...). The annotated corpus
(``tests/analyzer/corpus/python``) runs the same rules through the whole engine.
"""

from __future__ import annotations

import textwrap

import pytest

from devmentor.analyzer import syntax
from devmentor.analyzer.rules import python as rules
from devmentor.analyzer.rules.base import PATTERNS, RULES


@pytest.fixture(scope="module")
def compiled() -> syntax.CompiledChecks:
    return syntax.compile_checks("Python", rules.CHECKS)


def _run(compiled: syntax.CompiledChecks, code: str) -> list[syntax.Hit]:
    source = textwrap.dedent(code).encode()
    tree = syntax.parse("Python", source)
    assert tree is not None
    return list(syntax.run_checks(compiled, tree, source))


def _lines(compiled: syntax.CompiledChecks, code: str, check_id: str) -> list[int]:
    return sorted(hit.line for hit in _run(compiled, code) if hit.id == check_id)


# --- Registration -----------------------------------------------------------------------


def test_every_check_reports_a_registered_rule_or_pattern() -> None:
    for check in rules.CHECKS:
        assert check.languages == ("Python",)
        if check.id.startswith("pattern:"):
            assert check.id in PATTERNS, check.id
        else:
            assert check.id in RULES, check.id


def test_every_rule_and_pattern_has_a_check() -> None:
    checked = {check.id for check in rules.CHECKS}
    assert {rule.id for rule in rules.RULES} <= checked
    assert {pattern.id for pattern in rules.PATTERNS} <= checked


def test_rule_metadata() -> None:
    for rule in rules.RULES:
        assert rule.id.startswith("py."), rule.id
        assert rule.title
        assert rule.description.endswith(".")
        assert rule.tags, rule.id
        assert all(tag.startswith(("py.", "pattern:", "sql.")) for tag in rule.tags)
        if rule.category == "security":
            assert rule.cwe is not None, rule.id
        else:
            assert rule.cwe is None, rule.id
    by_id = {rule.id: rule for rule in rules.RULES}
    assert not by_id["py.print-debugging"].in_tests
    assert not by_id["py.assert-validation"].in_tests
    assert not by_id["py.hardcoded-secret"].in_tests
    assert by_id["py.sql-injection"].severity == "high"
    assert by_id["py.yaml-unsafe-load"].tags == (
        "py.unsafe-deserialization",
        "pattern:yaml-loading",
    )


def test_the_checks_compile_into_one_query(compiled: syntax.CompiledChecks) -> None:
    assert compiled.query.pattern_count == len(compiled.owners)
    assert {check.id for check in compiled.owners} == {check.id for check in rules.CHECKS}


# --- Rules: (rule, code it must report at the line marked HERE, look-alike it must not) ---

RULE_CASES: list[tuple[str, str, str]] = [
    (
        "py.bare-except",
        """
        try:
            work()
        except:  # HERE
            log()
        """,
        """
        try:
            work()
        except:
            cleanup()
            raise
        """,
    ),
    (
        "py.swallowed-exception",
        """
        try:
            work()
        except Exception:  # HERE
            pass
        """,
        """
        try:
            import ujson as json
        except ImportError:
            pass
        try:
            work()
        except ValueError:
            log()
        try:
            work()
        except:
            pass
        """,
    ),
    (
        "py.mutable-default-arg",
        """
        def add(item, seen=set()):  # HERE
            seen.add(item)
        """,
        """
        def add(item, seen=None, names=(), limit=10):
            seen = set() if seen is None else seen
        """,
    ),
    (
        "py.wildcard-import",
        """
        from os.path import *  # HERE
        """,
        """
        from .models import *

        __all__ = models.__all__
        """,
    ),
    (
        "py.global-statement",
        """
        counter = 0
        def bump():
            global counter  # HERE
            counter += 1
        """,
        """
        global counter
        counter = 0
        """,
    ),
    (
        "py.none-comparison",
        """
        def check(value):
            return value != None  # HERE
        """,
        """
        def check(value, session, User):
            ok = value is None
            return session.query(User).filter(User.email == None), ok
        """,
    ),
    (
        "py.range-len",
        """
        def total(prices):
            for i in range(len(prices)):  # HERE
                print(prices[i])
        """,
        """
        def total(prices):
            for i in range(len(prices)):
                retry(i)
            for i, price in enumerate(prices):
                print(price)
        """,
    ),
    (
        "py.print-debugging",
        """
        def charge(order):
            print("charging", order)  # HERE
            return order.total
        """,
        """
        import sys
        def charge(order):
            print("charging", order, file=sys.stderr)
            return order.total
        def main():
            print("done")
        print("module level")
        """,
    ),
    (
        "py.open-without-with",
        """
        def load(path):
            text = open(path).read()  # HERE
            return text
        """,
        """
        import webbrowser
        def load(path):
            with open(path) as handle:
                text = handle.read()
            webbrowser.open(path)
            stream = open(path)
            return text, stream
        def keep(self, path):
            self.handle = open(path)
        """,
    ),
    (
        "py.assert-validation",
        """
        def withdraw(account, amount):
            \"\"\"Take money out.\"\"\"
            assert amount > 0  # HERE
            account.balance -= amount
        """,
        """
        def withdraw(account, amount):
            assert isinstance(amount, int)
            assert account is not None
            account.balance -= amount
            assert account.balance >= 0
        def _withdraw(account, amount):
            assert amount > 0
        """,
    ),
    (
        "py.blocking-call-in-async",
        """
        import time
        async def poll():
            time.sleep(1)  # HERE
        """,
        """
        import asyncio, time
        async def poll():
            await asyncio.sleep(1)
            def later():
                time.sleep(1)
            return later
        def sync_poll():
            time.sleep(1)
        """,
    ),
    (
        "py.sql-injection",
        """
        def find(cursor, name):
            cursor.execute("SELECT * FROM users WHERE name = '%s'" % name)  # HERE
        """,
        """
        TABLE = "users"
        def find(cursor, name):
            cursor.execute("SELECT * FROM users WHERE name = %s", (name,))
            cursor.execute(f"SELECT * FROM {TABLE} WHERE name = ?", [name])
            cursor.execute(f"SELECT * FROM {TABLE}")
            order = "name"
            cursor.execute("SELECT * FROM users ORDER BY %s" % order)
            cursor.execute("SELECT * FROM users WHERE name = :n", params={"n": name})
        """,
    ),
    (
        "py.shell-injection",
        """
        import subprocess
        def archive(folder):
            subprocess.run("tar czf out.tgz " + folder, shell=True)  # HERE
        """,
        """
        import os, subprocess
        CLEAN = "rm -rf build"
        def archive(folder):
            subprocess.run(["tar", "czf", "out.tgz", folder])
            subprocess.run("tar czf out.tgz build", shell=True)
            os.system(CLEAN)
        """,
    ),
    (
        "py.eval-exec",
        """
        def calculate(expression):
            return eval(expression)  # HERE
        """,
        """
        import ast
        def calculate(expression, model):
            model.eval()
            exec("import math")
            return ast.literal_eval(expression)
        """,
    ),
    (
        "py.unsafe-deserialization",
        """
        import pickle
        def load(blob):
            return pickle.loads(blob)  # HERE
        """,
        """
        import json, pickle
        def load(blob, obj):
            copy = pickle.loads(pickle.dumps(obj))
            return json.loads(blob), copy, pickle.dumps(obj)
        """,
    ),
    (
        "py.yaml-unsafe-load",
        """
        import yaml
        def read(stream):
            return yaml.load(stream)  # HERE
        """,
        """
        import yaml
        def read(stream):
            yaml.load(stream, Loader=yaml.CSafeLoader)
            yaml.load(stream, yaml.SafeLoader)
            return yaml.safe_load(stream)
        """,
    ),
    (
        "py.jwt-no-verify",
        """
        import jwt
        def claims(token):
            return jwt.decode(token, verify=False)  # HERE
        """,
        """
        import jwt
        def claims(token, key):
            return jwt.decode(token, key, algorithms=["RS256"], options={"verify_exp": False})
        """,
    ),
    (
        "py.autoescape-off",
        """
        import jinja2
        env = jinja2.Environment(autoescape=False)  # HERE
        """,
        """
        import jinja2
        from string import Template
        env = jinja2.Environment(autoescape=jinja2.select_autoescape(["html"]))
        greeting = Template("Hello $name")
        """,
    ),
    (
        "py.ssti",
        """
        from flask import request, render_template_string
        def hello():
            name = request.args.get("name")
            page = f"<p>Hello {name}</p>"
            return render_template_string(page)  # HERE
        """,
        """
        from flask import request, render_template_string
        def hello():
            name = request.args.get("name")
            return render_template_string("<p>Hello {{ name }}</p>", name=name)
        """,
    ),
    (
        "py.hardcoded-secret",
        """
        DB_PASSWORD = "Tr0ub4dor&3"  # HERE
        """,
        """
        import os
        DB_PASSWORD = os.environ["DB_PASSWORD"]
        PASSWORD = "changeme"
        PASSWORD_FIELD = "password"
        RESET_TOKEN = "reset_token"
        EOS_TOKEN = "<|endoftext|>"
        CSRF_TOKEN = "X-CSRF-Token"
        SECRET_KEY = "${SECRET_KEY}"
        api_key = f"{os.environ['KEY']}"
        """,
    ),
    (
        "py.requests-no-timeout",
        """
        import requests
        def fetch(url):
            return requests.get(url)  # HERE
        """,
        """
        import requests
        def fetch(url, **options):
            requests.get(url, **options)
            return requests.get(url, timeout=(3, 10))
        """,
    ),
    (
        "py.path-traversal",
        """
        from flask import request, send_file
        def download():
            name = request.args["name"]
            return send_file("/srv/files/" + name)  # HERE
        """,
        """
        from flask import request, send_file, send_from_directory
        from werkzeug.utils import secure_filename
        def download():
            name = secure_filename(request.args["name"])
            send_from_directory("/srv/files", request.args["name"])
            return send_file("/srv/files/" + name)
        """,
    ),
]


@pytest.mark.parametrize(
    ("rule_id", "positive", "negative"), RULE_CASES, ids=[c[0] for c in RULE_CASES]
)
def test_rule_reports_the_case_and_not_the_look_alike(
    compiled: syntax.CompiledChecks, rule_id: str, positive: str, negative: str
) -> None:
    marked = [
        number
        for number, line in enumerate(textwrap.dedent(positive).split("\n"), start=1)
        if line.endswith("# HERE")
    ]
    assert _lines(compiled, positive, rule_id) == marked
    assert _lines(compiled, negative, rule_id) == []


def test_every_rule_has_a_case() -> None:
    assert {case[0] for case in RULE_CASES} == {rule.id for rule in rules.RULES}


# --- Rules: more precise behaviour ------------------------------------------------------


def test_a_bare_except_pass_is_one_finding(compiled: syntax.CompiledChecks) -> None:
    code = """
    try:
        work()
    except:
        pass
    """
    hits = [(hit.id, hit.line) for hit in _run(compiled, code) if hit.id.startswith("py.")]
    assert hits == [("py.bare-except", 4)]


def test_swallowed_broad_exception_gets_its_own_message(compiled: syntax.CompiledChecks) -> None:
    code = """
    try:
        work()
    except (ValueError, Exception):
        pass
    try:
        work()
    except KeyError:
        ...
    """
    hits = [hit for hit in _run(compiled, code) if hit.id == "py.swallowed-exception"]
    assert [hit.line for hit in hits] == [4, 8]
    assert "every error" in hits[0].message
    assert "every error" not in hits[1].message


def test_sql_injection_follows_names_built_earlier_in_the_function(
    compiled: syntax.CompiledChecks,
) -> None:
    code = """
    def search(cursor, term, order):
        sql = "SELECT id FROM products WHERE 1 = 1"
        sql += " AND name LIKE '%" + term + "%'"
        cursor.execute(sql)
        fixed = "SELECT id FROM products"
        cursor.execute(fixed)
        query = "SELECT id FROM products WHERE name = ?"
        cursor.execute(query, (term,))
        text_query = "DELETE FROM carts WHERE owner = {}".format(term)
        cursor.executescript(text_query)

    def other(cursor, sql):
        cursor.execute(sql)
    """
    assert _lines(compiled, code, "py.sql-injection") == [5, 11]


def test_sql_injection_knows_what_a_name_holds_at_each_call(
    compiled: syntax.CompiledChecks,
) -> None:
    code = """
    def counts(cursor, row):
        table = "orders"
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        table = row[0]
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
    """
    assert _lines(compiled, code, "py.sql-injection") == [6]


def test_sql_injection_in_sqlalchemy_text_and_pandas(compiled: syntax.CompiledChecks) -> None:
    code = """
    import pandas as pd
    from sqlalchemy import text
    def report(conn, day):
        conn.execute(text(f"SELECT * FROM sales WHERE day = '{day}'"))
        conn.execute(text("SELECT * FROM sales WHERE day = :day"), {"day": day})
        pd.read_sql("SELECT * FROM sales WHERE day = '" + day + "'", conn)
        pd.read_sql("SELECT * FROM sales WHERE day = %(day)s", conn, params={"day": day})
    def label(text, day):
        return text(f"Report for {day}")
    """
    assert _lines(compiled, code, "py.sql-injection") == [5, 7]


def test_shell_injection_variants(compiled: syntax.CompiledChecks) -> None:
    code = """
    import asyncio, os, subprocess
    from subprocess import check_output
    async def run(name, flags):
        os.popen(f"ls {name}")
        check_output("grep " + name, shell=True)
        subprocess.getoutput("du -sh " + name)
        await asyncio.create_subprocess_shell("ls " + name)
        subprocess.run(f"ls {name}", shell=False)
        await asyncio.create_subprocess_exec("ls", name)
    """
    assert _lines(compiled, code, "py.shell-injection") == [5, 6, 7, 8]


def test_unsafe_loaders(compiled: syntax.CompiledChecks) -> None:
    code = """
    import dill, jsonpickle, shelve, yaml
    def read(blob, path, stream):
        dill.loads(blob)
        jsonpickle.decode(blob)
        shelve.open(path)
        yaml.load(stream, Loader=yaml.FullLoader)
        yaml.full_load(stream)
        yaml.load(stream, Loader=MyLoader)
        jsonpickle.encode(blob)
    """
    assert _lines(compiled, code, "py.unsafe-deserialization") == [4, 5, 6]
    assert _lines(compiled, code, "py.yaml-unsafe-load") == [7, 8]


def test_jwt_variants(compiled: syntax.CompiledChecks) -> None:
    code = """
    import jwt
    def claims(token, key):
        jwt.decode(token, key, options=dict(verify_signature=False))
        jwt.decode(token, key, algorithms=["none"])
        jwt.decode(token, key, algorithms=["HS256"], options={"verify_signature": True})
    """
    assert _lines(compiled, code, "py.jwt-no-verify") == [4, 5]


def test_autoescape_missing_only_matters_for_html(compiled: syntax.CompiledChecks) -> None:
    web = """
    from jinja2 import Environment, FileSystemLoader
    env = Environment(loader=FileSystemLoader("templates/pages"))
    page = env.get_template("index.html")
    """
    codegen = """
    from jinja2 import Environment, FileSystemLoader
    env = Environment(loader=FileSystemLoader("codegen"))
    module = env.get_template("model.py.j2")
    """
    assert _lines(compiled, web, "py.autoescape-off") == [3]
    assert _lines(compiled, codegen, "py.autoescape-off") == []


def test_mako_templates_escape_only_with_the_h_filter(compiled: syntax.CompiledChecks) -> None:
    code = """
    from mako.template import Template
    page = Template("<p>${name}</p>")
    safe = Template("<p>${name}</p>", default_filters=["h"])
    """
    assert _lines(compiled, code, "py.autoescape-off") == [3]


def test_hardcoded_secret_places(compiled: syntax.CompiledChecks) -> None:
    code = """
    settings = {"client_secret": "9f8e7d6c5b4a3210"}
    connect(host="db", password="p4ssw0rd!x")
    def login(user, passwd="letmein123"):
        ...
    class Config:
        api_key: str = "AIzaSyA1b2C3d4E5f6G7h8"
    GITHUB_TOKEN = "ghp_4f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e"
    SESSION_TOKEN_NAME = "session-token-v2"
    """
    assert _lines(compiled, code, "py.hardcoded-secret") == [2, 3, 4, 7, 8]


def test_print_in_command_line_programs_is_output(compiled: syntax.CompiledChecks) -> None:
    code = """
    import sys
    def report(rows):
        print(len(rows))
    if __name__ == "__main__":
        report(sys.stdin.readlines())
    """
    assert _lines(compiled, code, "py.print-debugging") == []


def test_blocking_calls_list(compiled: syntax.CompiledChecks) -> None:
    code = """
    import os, requests, subprocess, urllib.request
    async def handler(url):
        requests.post(url, timeout=3)
        subprocess.run(["ls"])
        os.system("ls")
        urllib.request.urlopen(url)
        lambda: requests.get(url, timeout=3)
    """
    assert _lines(compiled, code, "py.blocking-call-in-async") == [4, 5, 6, 7]


def test_path_traversal_through_a_folder_chosen_by_the_request(
    compiled: syntax.CompiledChecks,
) -> None:
    code = """
    import os
    from flask import request, send_from_directory
    def files():
        folder = request.args["folder"]
        with open(os.path.join("/srv", folder, "index.txt")) as handle:
            handle.read()
        return send_from_directory(folder, "index.txt")
    """
    assert _lines(compiled, code, "py.path-traversal") == [6, 8]


# --- Patterns ---------------------------------------------------------------------------

PATTERN_CASES: list[tuple[str, str, str]] = [
    ("pattern:async-await", "async def f():\n    await g()\n", "def f():\n    g()\n"),
    ("pattern:asyncio", "import asyncio\n", "import asyncpg\n"),
    ("pattern:type-hints", "def f(x: int) -> int:\n    return x\n", "def f(x):\n    return x\n"),
    (
        "pattern:decorators",
        "def logged(fn):\n    def inner(*a):\n        return fn(*a)\n    return inner\n",
        "def outer(fn):\n    def inner(*a):\n        return 1\n    return inner\n",
    ),
    (
        "pattern:context-managers",
        "class Lock:\n    def __enter__(self):\n        return self\n",
        "class Lock:\n    def enter(self):\n        return self\n",
    ),
    ("pattern:with-statement", "with lock:\n    pass\n", "lock.acquire()\n"),
    ("pattern:generators", "def f():\n    yield 1\n", "def f():\n    return [1]\n"),
    ("pattern:comprehensions", "squares = {x: x * x for x in range(3)}\n", "squares = {}\n"),
    (
        "pattern:custom-exceptions",
        "class QuotaError(RuntimeError):\n    pass\n",
        "class Quota(Base):\n    pass\n",
    ),
    (
        "pattern:abstract-base-classes",
        "class Store(abc.ABC):\n    pass\n",
        "class Store:\n    pass\n",
    ),
    (
        "pattern:protocols",
        "class Reader(Protocol[T]):\n    pass\n",
        "class Reader(Base):\n    pass\n",
    ),
    (
        "pattern:orm-queries",
        "users = User.objects.filter(active=True)\n",
        "users = objects.filter(active=True)\nname = settings.get('x')\n",
    ),
    (
        "pattern:raw-sql",
        "cursor.execute('SELECT id FROM users')\n",
        "cursor.execute(statement)\n",
    ),
    (
        "pattern:parameterized-queries",
        "cursor.execute('SELECT id FROM users WHERE id = %s', (user_id,))\n",
        "cursor.execute('SELECT id FROM users')\n",
    ),
    ("pattern:pytest", "import pytest\n", "import unittest\n"),
    (
        "pattern:fixtures",
        "@pytest.fixture(scope='module')\ndef db():\n    pass\n",
        "def db():\n    pass\n",
    ),
    (
        "pattern:parametrize",
        "@pytest.mark.parametrize('x', [1])\ndef test(x):\n    pass\n",
        "@pytest.mark.slow\ndef test():\n    pass\n",
    ),
    (
        "pattern:unittest-mock",
        "from unittest.mock import patch\n",
        "from unittest import TestCase\n",
    ),
    (
        "pattern:monkeypatch",
        "def test(monkeypatch):\n    pass\n",
        "def test(tmp_path):\n    pass\n",
    ),
    ("pattern:logging", "logger.info('started')\n", "reporter.info('started')\n"),
    ("pattern:structured-logging", "import structlog\n", "import logging\n"),
    ("pattern:threads", "from threading import Thread\n", "from queue import Queue\n"),
    (
        "pattern:thread-pool",
        "from concurrent.futures import ThreadPoolExecutor\n",
        "from concurrent.futures import Future\n",
    ),
    ("pattern:multiprocessing", "import multiprocessing\n", "import queue\n"),
    ("pattern:subprocess", "import subprocess\n", "import shlex\n"),
    ("pattern:http-requests", "reply = httpx.get(url)\n", "reply = cache.get(url)\n"),
    (
        "pattern:lru-cache",
        "@functools.lru_cache(maxsize=None)\ndef f():\n    pass\n",
        "@cachetools.cached(cache={})\ndef f():\n    pass\n",
    ),
    (
        "pattern:retries",
        "import tenacity\n@tenacity.retry\ndef f():\n    pass\n",
        "@retry\ndef f():\n    pass\n",
    ),
    ("pattern:environment-variables", "home = os.environ['HOME']\n", "home = env['HOME']\n"),
    ("pattern:password-hashing", "from argon2 import PasswordHasher\n", "import hashlib\n"),
    (
        "pattern:rest-api",
        "@app.post('/orders')\ndef create():\n    pass\n",
        "@cache.get('orders')\ndef create():\n    pass\n",
    ),
    (
        "pattern:dependency-injection",
        "def read(db: Session = Depends(get_db)):\n    pass\n",
        "def read(db: Session = None):\n    pass\n",
    ),
    (
        "pattern:factory",
        "def create_app(config):\n    return Flask(config)\n",
        "def create_table(config):\n    return None\n",
    ),
    (
        "pattern:observer",
        "class Bus:\n    def subscribe(self, fn):\n        pass\n",
        "def subscribe(fn):\n    pass\n",
    ),
    (
        "pattern:registry",
        "def register(name, fn):\n    REGISTRY[name] = fn\n    return fn\n",
        "def register(name, fn):\n    print(name)\n",
    ),
    (
        "pattern:metrics",
        "from prometheus_client import Counter\n",
        "from collections import Counter\n",
    ),
    ("pattern:opentelemetry", "from opentelemetry import trace\n", "import tracemalloc\n"),
    ("pattern:pickle", "import pickle\n", "import json\n"),
    ("pattern:yaml-loading", "data = yaml.safe_load(text)\n", "text = yaml.safe_dump(data)\n"),
    ("pattern:exceptions", "raise ValueError('x')\n", "error = ValueError('x')\n"),
    (
        "pattern:try-except",
        "try:\n    f()\nexcept OSError:\n    g()\n",
        "try:\n    f()\nfinally:\n    g()\n",
    ),
]


@pytest.mark.parametrize(
    ("pattern_id", "positive", "negative"), PATTERN_CASES, ids=[c[0] for c in PATTERN_CASES]
)
def test_pattern_evidence(
    compiled: syntax.CompiledChecks, pattern_id: str, positive: str, negative: str
) -> None:
    assert _lines(compiled, positive, pattern_id)
    assert _lines(compiled, negative, pattern_id) == []


def test_every_pattern_has_a_case() -> None:
    assert {case[0] for case in PATTERN_CASES} == {pattern.id for pattern in rules.PATTERNS}


# --- Imports ----------------------------------------------------------------------------


def test_import_names_are_top_level_absolute_imports() -> None:
    source = textwrap.dedent(
        """
        from __future__ import annotations
        import os.path
        import numpy as np, requests
        from sqlalchemy.orm import Session
        from . import sibling
        from .models import User
        from ..core import *

        def lazy():
            import yaml
            from jinja2 import Template
        """
    ).encode()
    tree = syntax.parse("Python", source)
    assert tree is not None
    assert rules.import_names(tree, source) == [
        "jinja2",
        "numpy",
        "os",
        "requests",
        "sqlalchemy",
        "yaml",
    ]


def test_import_names_of_a_file_without_imports() -> None:
    source = b"x = 1\n"
    tree = syntax.parse("Python", source)
    assert tree is not None
    assert rules.import_names(tree, source) == []
