"""Python rules and patterns, as tree-sitter query checks over tree-sitter-python trees.

Every check is a query the engine compiles together with the others into one
:class:`tree_sitter.Query`, so the C query engine does the walking. The queries narrow
matches down as far as the grammar and text predicates (``#eq?``, ``#any-of?``,
``#match?``) allow; the callbacks then look closer at the few matches left (arguments,
the enclosing function, names assigned earlier in it) and never walk a whole file.

Security rules aim at what bandit (which also runs on Python files) misses or reports too
broadly: they fire at the dangerous call only when its input is actually dynamic, and
stay quiet for literals, constants and parameters passed separately.

:func:`import_names` lists the top-level packages a file imports, for framework detection.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

import tree_sitter as ts

from devmentor.analyzer import syntax
from devmentor.analyzer.rules.base import PatternDef, Rule, register_patterns, register_rules
from devmentor.analyzer.syntax import Match, QueryCheck

__all__ = ["CHECKS", "PATTERNS", "RULES", "import_names"]

# --- Rules ---------------------------------------------------------------------------------

RULES: tuple[Rule, ...] = (
    Rule(
        "py.bare-except",
        "Bare except",
        "smell",
        "medium",
        "A bare `except:` catches everything, including KeyboardInterrupt and SystemExit, "
        "so it hides bugs and can make a program impossible to stop; catch the exceptions "
        "you expect instead.",
        tags=("py.bare-except", "pattern:try-except", "pattern:error-handling"),
    ),
    Rule(
        "py.swallowed-exception",
        "Swallowed exception",
        "smell",
        "medium",
        "An exception handler that only does `pass` makes failures silent: nobody learns "
        "that something went wrong or why.",
        tags=("py.swallowed-exception", "pattern:try-except", "pattern:error-handling"),
    ),
    Rule(
        "py.mutable-default-arg",
        "Mutable default argument",
        "smell",
        "medium",
        "A default value is created once, when the function is defined, so a list, dict or "
        "set default is shared by every call and keeps changes from earlier calls.",
        tags=("py.mutable-default-arg", "pattern:default-arguments"),
    ),
    Rule(
        "py.wildcard-import",
        "Wildcard import",
        "smell",
        "low",
        "`from module import *` pulls unknown names into the module, hides where a name "
        "comes from and can silently shadow other names.",
        tags=("py.wildcard-import", "pattern:imports"),
    ),
    Rule(
        "py.global-statement",
        "global statement",
        "smell",
        "low",
        "Rebinding module-level state from inside a function with `global` couples "
        "functions through hidden shared state that is hard to test and reason about.",
        tags=("py.global-statement",),
    ),
    Rule(
        "py.none-comparison",
        "Comparison to None with == or !=",
        "smell",
        "low",
        "`== None` calls the object's `__eq__`, which may be overridden; `is None` asks "
        "the question you mean and cannot be fooled.",
        tags=("py.none-comparison",),
    ),
    Rule(
        "py.range-len",
        "range(len(...)) loop",
        "smell",
        "info",
        "Looping over `range(len(seq))` to index `seq` is noisier and more error-prone "
        "than iterating directly or with `enumerate`.",
        tags=("py.range-len",),
    ),
    Rule(
        "py.print-debugging",
        "print() left in library code",
        "smell",
        "low",
        "`print()` inside a function of a module that is not a command-line program looks "
        "like leftover debugging output; logging can be configured, filtered and silenced.",
        tags=("py.print-debugging", "pattern:logging"),
        in_tests=False,
    ),
    Rule(
        "py.open-without-with",
        "File opened without a with block",
        "smell",
        "low",
        "A file opened outside a `with` block is not closed when an exception happens (or "
        "at all, when the result is used directly), which leaks file handles.",
        tags=("py.open-without-with", "pattern:with-statement", "pattern:context-managers"),
    ),
    Rule(
        "py.assert-validation",
        "assert used to validate arguments",
        "smell",
        "medium",
        "`assert` statements are removed when Python runs with -O, so an assert that checks "
        "a caller's argument silently stops validating anything; raise an exception instead.",
        tags=("py.assert-validation", "pattern:exceptions"),
        in_tests=False,
    ),
    Rule(
        "py.blocking-call-in-async",
        "Blocking call in async function",
        "smell",
        "medium",
        "A blocking call (sleep, synchronous HTTP, a subprocess) inside `async def` stops "
        "the whole event loop, so every other task waits until it returns.",
        tags=("py.blocking-call-in-async", "pattern:asyncio"),
    ),
    Rule(
        "py.sql-injection",
        "SQL built from dynamic strings",
        "security",
        "high",
        "SQL text built with an f-string, % formatting, .format() or + lets data change the "
        "query itself (SQL injection); pass values as query parameters instead.",
        cwe=89,
        tags=("py.sql-injection", "sql.string-concat", "pattern:parameterized-queries"),
    ),
    Rule(
        "py.shell-injection",
        "Shell command built from dynamic input",
        "security",
        "high",
        "A command string that a shell interprets, built from variables, lets crafted input "
        "run extra commands (command injection).",
        cwe=78,
        tags=("py.shell-injection", "pattern:subprocess", "pattern:shell-commands"),
    ),
    Rule(
        "py.eval-exec",
        "eval/exec on dynamic input",
        "security",
        "high",
        "`eval` and `exec` run arbitrary code; given anything derived from input, they let "
        "that input run code in your process.",
        cwe=95,
        tags=("py.eval-exec",),
    ),
    Rule(
        "py.unsafe-deserialization",
        "Unsafe deserialization",
        "security",
        "high",
        "pickle-style formats (pickle, dill, marshal, shelve, jsonpickle) can run code while "
        "loading, so loading untrusted data lets its author run code in your process.",
        cwe=502,
        tags=("py.unsafe-deserialization", "pattern:pickle", "pattern:serialization"),
    ),
    Rule(
        "py.yaml-unsafe-load",
        "Unsafe YAML loading",
        "security",
        "high",
        "Loading YAML without the safe loader can construct arbitrary Python objects, so "
        "an untrusted document can run code; use `yaml.safe_load`.",
        cwe=502,
        tags=("py.unsafe-deserialization", "pattern:yaml-loading"),
    ),
    Rule(
        "py.jwt-no-verify",
        "JWT decoded without verifying the signature",
        "security",
        "medium",
        "Decoding a JWT without checking its signature (or accepting the 'none' algorithm) "
        "lets anyone forge a token with any claims they like.",
        cwe=347,
        tags=("pattern:authentication",),
    ),
    Rule(
        "py.autoescape-off",
        "HTML templates without autoescaping",
        "security",
        "medium",
        "Jinja2 or Mako templates without autoescaping insert data into HTML unescaped, so "
        "any user-controlled value can inject script (cross-site scripting).",
        cwe=79,
        tags=("pattern:html-templates",),
    ),
    Rule(
        "py.ssti",
        "Template built from request data",
        "security",
        "high",
        "Rendering a template whose source text comes from the request lets the user write "
        "template code, which the engine runs on the server (server-side template "
        "injection).",
        cwe=1336,
        tags=("pattern:html-templates",),
    ),
    Rule(
        "py.hardcoded-secret",
        "Hard-coded secret",
        "security",
        "medium",
        "A password, key or token written in the source is visible to everyone who can read "
        "the code or its history, and cannot be rotated without a release.",
        cwe=798,
        tags=("py.hardcoded-secret", "pattern:environment-variables", "pattern:configuration"),
        in_tests=False,
    ),
    Rule(
        "py.requests-no-timeout",
        "HTTP request without a timeout",
        "security",
        "medium",
        "`requests` waits forever by default, so one slow or silent server can hang the "
        "caller (and exhaust its workers).",
        cwe=400,
        tags=("py.requests-no-timeout", "pattern:timeouts", "pattern:http-requests"),
    ),
    Rule(
        "py.path-traversal",
        "File path built from request data",
        "security",
        "medium",
        "A file path taken from the request can contain `../` or an absolute path and reach "
        "files outside the intended folder (path traversal).",
        cwe=22,
        tags=("py.path-traversal", "pattern:file-paths"),
    ),
)

# Generic tags the curriculum ties to other languages' skills (pattern:concurrency,
# pattern:type-annotations) are left out: the Python ids say it precisely.
PATTERNS: tuple[PatternDef, ...] = (
    PatternDef("pattern:async-await", "async/await", ("pattern:async-await",)),
    PatternDef("pattern:asyncio", "asyncio", ()),
    PatternDef("pattern:type-hints", "Type hints", ()),
    PatternDef(
        "pattern:decorators", "Decorators", ("pattern:decorators", "pattern:higher-order-functions")
    ),
    PatternDef("pattern:context-managers", "Context managers", ("pattern:context-managers",)),
    PatternDef("pattern:with-statement", "with statements", ("pattern:with-statement",)),
    PatternDef("pattern:generators", "Generators", ("pattern:generators", "pattern:iterators")),
    PatternDef("pattern:comprehensions", "Comprehensions", ("pattern:comprehensions",)),
    PatternDef(
        "pattern:custom-exceptions",
        "Custom exceptions",
        ("pattern:custom-exceptions", "pattern:exceptions"),
    ),
    PatternDef("pattern:abstract-base-classes", "Abstract base classes", ()),
    PatternDef("pattern:protocols", "Protocols (structural typing)", ()),
    PatternDef("pattern:orm-queries", "ORM queries", ()),
    PatternDef("pattern:raw-sql", "Raw SQL", ()),
    PatternDef("pattern:parameterized-queries", "Parameterized queries", ()),
    PatternDef("pattern:pytest", "pytest", ("pattern:pytest", "pattern:unit-tests")),
    PatternDef("pattern:fixtures", "pytest fixtures", ("pattern:fixtures", "pattern:pytest")),
    PatternDef(
        "pattern:parametrize", "Parametrized tests", ("pattern:parametrize", "pattern:pytest")
    ),
    PatternDef(
        "pattern:unittest-mock",
        "unittest.mock",
        ("pattern:unittest-mock", "pattern:mocking", "pattern:test-doubles"),
    ),
    PatternDef(
        "pattern:monkeypatch", "pytest monkeypatch", ("pattern:monkeypatch", "pattern:test-doubles")
    ),
    PatternDef("pattern:logging", "Logging", ("pattern:logging",)),
    PatternDef(
        "pattern:structured-logging",
        "Structured logging",
        ("pattern:structured-logging", "pattern:logging"),
    ),
    PatternDef("pattern:threads", "Threads", ()),
    PatternDef("pattern:thread-pool", "Thread pools", ()),
    PatternDef("pattern:multiprocessing", "Multiprocessing", ()),
    PatternDef(
        "pattern:subprocess", "Subprocesses", ("pattern:subprocess", "pattern:shell-commands")
    ),
    PatternDef(
        "pattern:http-requests",
        "Outbound HTTP requests",
        ("pattern:http-requests", "pattern:outbound-http"),
    ),
    PatternDef(
        "pattern:lru-cache",
        "functools caching",
        ("pattern:lru-cache", "pattern:memoization", "pattern:caching"),
    ),
    PatternDef("pattern:retries", "Retries", ("pattern:retries", "pattern:retry")),
    PatternDef(
        "pattern:environment-variables",
        "Environment variables",
        ("pattern:environment-variables", "pattern:configuration"),
    ),
    PatternDef("pattern:password-hashing", "Password hashing", ()),
    PatternDef("pattern:rest-api", "REST API routes", ()),
    PatternDef("pattern:dependency-injection", "Dependency injection", ()),
    PatternDef("pattern:factory", "Factory functions", ()),
    PatternDef("pattern:observer", "Observer", ("pattern:observer", "pattern:events")),
    PatternDef("pattern:registry", "Registry", ()),
    PatternDef("pattern:metrics", "Metrics (Prometheus)", ()),
    PatternDef(
        "pattern:opentelemetry",
        "OpenTelemetry",
        ("pattern:opentelemetry", "pattern:distributed-tracing"),
    ),
    PatternDef("pattern:pickle", "pickle", ("pattern:pickle", "pattern:serialization")),
    PatternDef("pattern:yaml-loading", "YAML loading", ()),
    PatternDef(
        "pattern:exceptions", "Raising exceptions", ("pattern:exceptions", "pattern:error-handling")
    ),
    PatternDef(
        "pattern:try-except", "try/except", ("pattern:try-except", "pattern:error-handling")
    ),
)

register_rules(RULES)
register_patterns(PATTERNS)


# --- Source helpers ------------------------------------------------------------------------


def _words(*names: str) -> str:
    """Query predicate arguments: ``"a" "b"``."""
    return " ".join(f'"{name}"' for name in names)


def _text(source: bytes, node: ts.Node | None) -> str:
    if node is None:
        return ""
    return source[node.start_byte : node.end_byte].decode("utf-8", "replace")


def _unwrap(node: ts.Node) -> ts.Node:
    while node.type == "parenthesized_expression" and node.named_child_count == 1:
        inner = node.named_children[0]
        if inner.type == "comment":
            break
        node = inner
    return node


def _line_of(source: bytes, node: ts.Node) -> bytes:
    start = source.rfind(b"\n", 0, node.start_byte) + 1
    end = source.find(b"\n", node.start_byte)
    return source[start : end if end >= 0 else len(source)]


def _has_noqa(source: bytes, node: ts.Node) -> bool:
    """A ``# noqa`` on the line: the author already looked and decided (flake8 habits)."""
    return b"noqa" in _line_of(source, node)


@dataclass(frozen=True, slots=True)
class _Args:
    positional: tuple[ts.Node, ...]
    keywords: dict[str, ts.Node]
    splat: bool


def _call_args(call: ts.Node, source: bytes) -> _Args:
    positional: list[ts.Node] = []
    keywords: dict[str, ts.Node] = {}
    splat = False
    arguments = call.child_by_field_name("arguments")
    if arguments is not None and arguments.type == "argument_list":
        for child in arguments.named_children:
            if child.type == "keyword_argument":
                name = child.child_by_field_name("name")
                value = child.child_by_field_name("value")
                if name is not None and value is not None:
                    keywords[_text(source, name)] = value
            elif child.type in ("list_splat", "dictionary_splat"):
                splat = True
            elif child.type != "comment":
                positional.append(child)
    elif arguments is not None:  # f(x for x in y)
        positional.append(arguments)
    return _Args(tuple(positional), keywords, splat)


def _call_of(node: ts.Node) -> ts.Node | None:
    """The call whose argument list holds ``node`` (``node`` itself when it is a call)."""
    if node.type == "call":
        return node
    current: ts.Node | None = node
    while current is not None and current.type != "call":
        current = current.parent
    return current


def _is_string_literal(node: ts.Node) -> bool:
    """A string without interpolation (also implicitly concatenated ones)."""
    node = _unwrap(node)
    if node.type == "string":
        return not any(child.type == "interpolation" for child in node.children)
    if node.type == "concatenated_string":
        return all(_is_string_literal(child) for child in node.named_children)
    return False


_CONSTANT_NAME = re.compile(r"[A-Z][A-Z0-9_]*\Z")
_LITERAL_TYPES = frozenset({"integer", "float", "true", "false", "none"})


def _is_constant(node: ts.Node, source: bytes, local: AbstractSet[str] = frozenset()) -> bool:
    """A literal, a name spelled like a constant (``TABLE``, ``config.TABLE``), or a name in
    ``local`` (names holding a constant at this point of the function)."""
    node = _unwrap(node)
    if node.type in _LITERAL_TYPES or _is_string_literal(node):
        return True
    if node.type == "identifier":
        name = _text(source, node)
        return name in local or _CONSTANT_NAME.match(name) is not None
    if node.type == "attribute":
        return (
            _CONSTANT_NAME.match(_text(source, node.child_by_field_name("attribute"))) is not None
        )
    if node.type in ("list", "tuple"):
        return all(_is_constant(child, source, local) for child in node.named_children)
    return False


def _function(node: ts.Node) -> ts.Node | None:
    """The nearest enclosing ``def`` (lambdas are part of it)."""
    return syntax.enclosing(node, ("function_definition",))


def _is_async(function: ts.Node) -> bool:
    return function.children[0].type == "async" if function.children else False


def _identifiers(node: ts.Node, source: bytes) -> Iterator[str]:
    """Names read in ``node`` (not attribute names after a dot)."""
    if node.type == "identifier":
        yield _text(source, node)
        return
    for child in syntax.descendants(node):
        if child.type != "identifier":
            continue
        parent = child.parent
        if parent is not None and parent.type in ("attribute", "keyword_argument"):
            field = "attribute" if parent.type == "attribute" else "name"
            if parent.child_by_field_name(field) == child:
                continue  # `x.name`, `f(name=...)`: a label, not a read of `name`
        yield _text(source, child)


def _on_hit(
    check: Callable[[Match, ts.Node], str | bool | None],
) -> Callable[[Match], str | bool | None]:
    """A check callback that gets the match's ``@hit`` node (every query here has one)."""

    @functools.wraps(check)
    def run(match: Match) -> str | bool | None:
        hit = match.hit
        return None if hit is None else check(match, hit)

    return run


# --- File facts (scanned once per file, only when a callback asks) -------------------------


def _from_import(modules: bytes, names: bytes) -> re.Pattern[bytes]:
    """``from <modules> import ... <names> ...``, also in a parenthesised multi-line list."""
    return re.compile(
        rb"^[ \t]*from[ \t]+(?:"
        + modules
        + rb")[ \t]+import[ \t]+(?:\([^)]*?|[^\n]*?)\b(?:"
        + names
        + rb")\b",
        re.MULTILINE,
    )


#: name -> (a literal the file must contain, the regex that decides). The literal is a fast
#: pre-check (a C substring search) so most files never run the regex.
_FACT_PATTERNS: dict[str, tuple[bytes, re.Pattern[bytes]]] = {
    # A command-line program: printing is its output.
    "cli": (
        b"",
        re.compile(
            rb"__name__\s*==\s*['\"]__main__['\"]|\bsys\.argv\b|^def main\("
            rb"|^\s*(?:import|from)\s+(?:argparse|click|typer|fire|docopt|optparse)\b",
            re.MULTILINE,
        ),
    ),
    "defines_all": (b"__all__", re.compile(rb"^__all__\s*[:+]?=", re.MULTILINE)),
    "jinja_template": (b"jinja2", _from_import(rb"jinja2", rb"Template")),
    "jinja_environment": (b"jinja2", _from_import(rb"jinja2", rb"Environment")),
    "mako_template": (b"mako", _from_import(rb"mako\.template", rb"Template")),
    # The templates are for web pages (so missing autoescaping matters).
    "web": (
        b"",
        re.compile(
            rb"\.html?\b|<(?:html|div|p|a|body|span|h\d)\b|\b(?:flask|django|fastapi|starlette"
            rb"|aiohttp|werkzeug|bottle|pyramid|tornado|sanic|quart|litestar)\b",
            re.IGNORECASE,
        ),
    ),
    "sqlalchemy": (b"sqlalchemy", re.compile(rb"^\s*(?:from|import)\s+sqlalchemy\b", re.M)),
    "functools_cache": (b"functools", _from_import(rb"functools", rb"cache|lru_cache")),
    "retry_library": (
        b"",
        re.compile(rb"^\s*(?:from|import)\s+(?:tenacity|backoff|retrying|stamina)\b", re.M),
    ),
    # The module defines or imports its own `open`.
    "own_open": (
        b"open",
        re.compile(
            rb"^\s*def\s+open\s*\(|^[ \t]*from[ \t]+\S+[ \t]+import[ \t][^\n]*\bopen\b", re.M
        ),
    ),
}


class _FileMemo:
    """What callbacks learned about the file being checked: file facts, and per function its
    assignments.

    The callbacks of one file run one after another, so one file's worth is kept and dropped
    as soon as a callback sees another file's bytes (an identity check): nothing keeps an
    old tree alive, however large.
    """

    def __init__(self) -> None:
        self.source: bytes | None = None
        self.facts: dict[str, bool] = {}
        self.assignments: dict[tuple[int, int], tuple[_Assignment, ...]] = {}

    def of(self, source: bytes) -> _FileMemo:
        if source is not self.source:
            self.source = source
            self.facts = {}
            self.assignments = {}
        return self


_MEMO = _FileMemo()


def _fact(source: bytes, name: str) -> bool:
    facts = _MEMO.of(source).facts
    found = facts.get(name)
    if found is None:
        literal, pattern = _FACT_PATTERNS[name]
        found = facts[name] = literal in source and pattern.search(source) is not None
    return found


# --- Names assigned in a function (for data flow within one function) --------------------

_ASSIGNMENTS_QUERY = """
(assignment left: (identifier) @name right: (_) @value)
(augmented_assignment left: (identifier) @name right: (_) @value)
"""


@functools.cache
def _assignments_query() -> ts.Query:
    return ts.Query(syntax.language("Python"), _ASSIGNMENTS_QUERY)


@dataclass(frozen=True, slots=True)
class _Assignment:
    name: str
    value: ts.Node
    augmented: bool

    @property
    def at(self) -> int:
        return self.value.start_byte


def _function_assignments(source: bytes, function: ts.Node) -> tuple[_Assignment, ...]:
    """``name = value`` and ``name += value`` in ``function``, in source order.

    A query cursor restricted to the function does the walk (in C); memoised because
    several checks ask about the same function.
    """
    memo = _MEMO.of(source).assignments
    key = (function.start_byte, function.end_byte)
    found = memo.get(key)
    if found is None:
        assignments: list[_Assignment] = []
        cursor = ts.QueryCursor(_assignments_query())
        for _index, captures in cursor.matches(function):
            name, value = captures["name"][0], captures["value"][0]
            augmented = value.parent is not None and value.parent.type == "augmented_assignment"
            assignments.append(_Assignment(_text(source, name), value, augmented))
        assignments.sort(key=lambda assignment: assignment.at)
        found = memo[key] = tuple(assignments)
    return found


def _local_constants(source: bytes, function: ts.Node | None, before: int) -> frozenset[str]:
    """Names whose latest assignment in ``function`` before byte ``before`` is a literal or
    a constant (parameters excluded): ``table = "users"`` then ``f"... {table}"``."""
    if function is None:
        return frozenset()
    constant: dict[str, bool] = {}
    for assignment in _function_assignments(source, function):
        if assignment.at >= before:
            break
        constant[assignment.name] = not assignment.augmented and _is_constant(
            assignment.value, source
        )
    parameters = _parameter_names(function, source)
    return frozenset(name for name, ok in constant.items() if ok and name not in parameters)


# --- Request data (Flask, Django, Starlette/FastAPI, aiohttp) -----------------------------

_REQUEST_DATA = re.compile(
    r"\brequest\.(?:args|form|values|json|get_json|data|get_data|cookies|headers|files"
    r"|query_params|path_params|GET|POST|FILES|COOKIES|match_info|query|body)\b"
)
_PATH_SANITIZERS = re.compile(r"\b(?:secure_filename|basename|safe_join)\s*\(")


def _tainted_names(
    source: bytes, function: ts.Node, before: int, sanitizers: re.Pattern[str] | None
) -> set[str]:
    """Names that hold request data (directly or through other names) before ``before``."""
    tainted: set[str] = set()
    for assignment in _function_assignments(source, function):
        if assignment.at >= before:
            break
        value = _text(source, assignment.value)
        if sanitizers is not None and sanitizers.search(value):
            if not assignment.augmented:
                tainted.discard(assignment.name)
            continue
        if _REQUEST_DATA.search(value) or (
            tainted and not tainted.isdisjoint(_identifiers(assignment.value, source))
        ):
            tainted.add(assignment.name)
        elif not assignment.augmented:
            tainted.discard(assignment.name)
    return tainted


def _from_request(node: ts.Node, source: bytes, sanitizers: re.Pattern[str] | None = None) -> bool:
    text = _text(source, node)
    if sanitizers is not None and sanitizers.search(text):
        return False
    if _REQUEST_DATA.search(text):
        return True
    function = _function(node)
    if function is None:
        return False
    tainted = _tainted_names(source, function, node.start_byte, sanitizers)
    return bool(tainted) and not tainted.isdisjoint(_identifiers(node, source))


# --- Smell checks ----------------------------------------------------------------------------


def _handler_body(clause: ts.Node) -> ts.Node | None:
    return next((c for c in clause.named_children if c.type == "block"), None)


def _does_nothing(block: ts.Node) -> bool:
    """Only ``pass`` / ``...`` (and comments)."""
    for statement in block.named_children:
        if statement.type in ("pass_statement", "comment"):
            continue
        if (
            statement.type == "expression_statement"
            and statement.named_child_count == 1
            and statement.named_children[0].type == "ellipsis"
        ):
            continue
        return False
    return True


@_on_hit
def _bare_except(match: Match, hit: ts.Node) -> str | bool | None:
    clause = hit.parent
    if clause is None or _has_noqa(match.source, hit):
        return None
    block = _handler_body(clause)
    if block is None:
        return True
    if any(c.type == "raise_statement" for c in block.named_children):
        return None  # cleanup, then re-raise: nothing is hidden
    if _does_nothing(block):
        # One finding for one problem: py.swallowed-exception leaves bare handlers to us.
        return (
            "This bare `except: pass` silently swallows every error, even KeyboardInterrupt, "
            "so failures vanish and the program is hard to stop."
        )
    return True


_BROAD = frozenset({"Exception", "BaseException", "builtins.Exception"})
_OPTIONAL_IMPORT = frozenset({"ImportError", "ModuleNotFoundError"})


def _caught(clause: ts.Node, source: bytes) -> list[str]:
    value = clause.child_by_field_name("value")
    if value is None:
        return []
    if value.type == "as_pattern":
        value = value.named_children[0]
    value = _unwrap(value)
    if value.type == "tuple":
        return [_text(source, item) for item in value.named_children]
    return [_text(source, value)]


@_on_hit
def _swallowed(match: Match, hit: ts.Node) -> str | bool | None:
    clause = hit.parent
    if clause is None:
        return None
    block = _handler_body(clause)
    if block is None or not _does_nothing(block):
        return None
    caught = _caught(clause, match.source)
    if not caught:
        return None  # a bare `except: pass` is py.bare-except's finding
    if all(name in _OPTIONAL_IMPORT for name in caught):
        return None  # optional dependency: the fallback is the point
    if any(name in _BROAD for name in caught):
        return (
            "This handler catches every error and does nothing, so real failures disappear "
            "without a trace."
        )
    return True


@_on_hit
def _wildcard(match: Match, hit: ts.Node) -> bool | None:
    if _fact(match.source, "defines_all") or _has_noqa(match.source, hit):
        return None  # a package re-exporting its submodules' declared public names
    return True


@_on_hit
def _global(match: Match, hit: ts.Node) -> bool | None:
    return True if _function(hit) is not None else None


_SQL_ARGUMENT_CONTEXT = frozenset({"argument_list", "keyword_argument", "lambda", "tuple", "list"})


@_on_hit
def _none_comparison(match: Match, hit: ts.Node) -> bool | None:
    node = hit
    if _has_noqa(match.source, node):
        return None
    parent = node.parent
    while parent is not None and parent.type in ("parenthesized_expression", "not_operator"):
        parent = parent.parent
    # `where(Model.col == None)`, `filter(...)`, `a & b`: SQL expression builders overload
    # == to produce IS NULL, so there it is the right spelling.
    if parent is not None and parent.type in _SQL_ARGUMENT_CONTEXT:
        return None
    if parent is not None and parent.type == "binary_operator":
        operator = parent.child_by_field_name("operator")
        if operator is not None and operator.type in ("&", "|"):
            return None
    return True


def _range_len(match: Match) -> bool | None:
    loop = match.node("loop")
    index, sequence = match.node("i"), match.node("seq")
    if loop is None or index is None or sequence is None:
        return None
    body = loop.child_by_field_name("body")
    if body is None:  # a comprehension: the element expression is the "body"
        body = loop.parent
    if body is None:
        return None
    # Only a loop that indexes the same sequence with the counter could iterate it instead.
    wanted = (match.text(sequence), match.text(index))
    for node in syntax.descendants(body):
        if node.type == "subscript":
            value = match.text(node.child_by_field_name("value"))
            if (value, match.text(node.child_by_field_name("subscript"))) == wanted:
                return True
    return None


_OUTPUT_FUNCTION = re.compile(
    r"^_*(main|cli|run|usage|help|show|display|report|dump|render|print|pprint|demo|repl|"
    r"interactive|echo|output|write|format|visit|debug)"
)


@_on_hit
def _print_debugging(match: Match, hit: ts.Node) -> bool | None:
    call = hit
    function = _function(call)
    if function is None:
        return None
    if _fact(match.source, "cli"):
        return None  # a command-line program: printing is its output
    if "file" in _call_args(call, match.source).keywords:
        return None  # deliberate output to a stream
    name = match.text(function.child_by_field_name("name"))
    if _OUTPUT_FUNCTION.match(name):
        return None
    return True


#: Where a file object's name hands the file to someone else (who then closes it).
_HANDED_OVER = frozenset(
    {
        "return_statement",
        "yield",
        "list",
        "tuple",
        "dictionary",
        "pair",
        "set",
        "with_item",
        "as_pattern",
        "lambda",
        "expression_list",
    }
)


def _file_left_open(function: ts.Node, name: str, after: int, source: bytes) -> str | None:
    """Why the file object bound to ``name`` after byte ``after`` leaks, when it is this
    function's to close: it is never closed (and stays local), or it is closed by hand
    outside a ``finally``, so an exception before close() leaks it."""
    body = function.child_by_field_name("body")
    if body is None:
        return None
    passed = closed = False
    for node in syntax.descendants(body):
        if node.type == "finally_clause" and f"{name}.close()" in _text(source, node):
            return None  # try/finally: safe, if old-fashioned
        if node.type != "identifier" or node.start_byte <= after or _text(source, node) != name:
            continue
        parent = node.parent
        if parent is None:
            continue
        if parent.type in _HANDED_OVER:
            return None
        if parent.type == "assignment" and parent.child_by_field_name("right") == node:
            return None  # stored elsewhere (self.fp = f): someone else owns it now
        if parent.type in ("argument_list", "keyword_argument"):
            passed = True  # maybe handed over, maybe only used (json.dump(data, f))
        elif (
            parent.type == "attribute"
            and _text(source, parent.child_by_field_name("attribute")) == "close"
        ):
            closed = True
    if closed:
        return (
            "This file is closed by hand outside a `with` block, so an error before close() "
            "leaks it."
        )
    if not passed:
        return "The file opened here is never closed, so its handle leaks."
    return None


@_on_hit
def _open_without_with(match: Match, hit: ts.Node) -> str | bool | None:
    call = hit
    module = match.node("_m")
    if module is not None:
        if match.text(module) not in ("io", "codecs"):
            return None  # webbrowser.open, zipfile.open, ...: not the file builtin
    elif _fact(match.source, "own_open"):
        return None  # `open` here is the module's own function
    parent = call.parent
    while parent is not None and parent.type == "parenthesized_expression":
        parent = parent.parent
    if parent is None:
        return None
    if parent.type == "attribute":
        return "The file opened here is used directly and never closed, so its handle leaks."
    if parent.type in ("for_statement", "for_in_clause"):
        if parent.child_by_field_name("right") is not None:
            return "The file opened for this loop is never closed, so its handle leaks."
        return None
    if parent.type == "expression_statement":
        return "The file opened here is never closed, so its handle leaks."
    if parent.type == "assignment" and parent.child_by_field_name("right") is not None:
        target = parent.child_by_field_name("left")
        function = _function(call)
        if target is None or target.type != "identifier" or function is None:
            return None  # stored on an object or at module level: long-lived on purpose
        return _file_left_open(function, match.text(target), call.end_byte, match.source)
    return None


_NARROWING_CALLS = frozenset({"isinstance", "issubclass", "callable", "hasattr"})


def _is_narrowing(node: ts.Node, source: bytes) -> bool:
    """Conditions that are there for the type checker (``isinstance``, ``is not None``)."""
    node = _unwrap(node)
    if node.type == "not_operator":
        argument = node.child_by_field_name("argument")
        return argument is not None and _is_narrowing(argument, source)
    if node.type == "boolean_operator":
        return all(_is_narrowing(child, source) for child in node.named_children)
    if node.type == "call":
        return _text(source, node.child_by_field_name("function")) in _NARROWING_CALLS
    if node.type == "comparison_operator":
        operators = [child.type for child in node.children if not child.is_named]
        return bool(operators) and all(op in ("is", "is not") for op in operators)
    return False


_SKIPPED_PARAMETERS = frozenset({"self", "cls"})


def _parameter_names(function: ts.Node, source: bytes) -> set[str]:
    parameters = function.child_by_field_name("parameters")
    names: set[str] = set()
    if parameters is None:
        return names
    for parameter in parameters.named_children:
        if parameter.type == "identifier":
            names.add(_text(source, parameter))
        elif parameter.type in (
            "typed_parameter",
            "list_splat_pattern",
            "dictionary_splat_pattern",
        ):
            first = next((c for c in parameter.named_children if c.type == "identifier"), None)
            if first is not None:
                names.add(_text(source, first))
        elif parameter.type in ("default_parameter", "typed_default_parameter"):
            names.add(_text(source, parameter.child_by_field_name("name")))
    return names - _SKIPPED_PARAMETERS


def _is_precondition(statement: ts.Node, function: ts.Node) -> bool:
    """An assert in the function's own body, after nothing but the docstring and other
    asserts: the shape of argument checking (later asserts state internal invariants)."""
    body = function.child_by_field_name("body")
    if body is None or statement.parent != body:
        return False
    for child in body.named_children:
        if child == statement:
            return True
        if child.type in ("assert_statement", "comment"):
            continue
        if child.type == "expression_statement" and child.named_children[0].type == "string":
            continue  # the docstring
        return False
    return False


def _bare_names(node: ts.Node, source: bytes) -> Iterator[str]:
    """Names used as values themselves, not as the object of an attribute (``x``, not
    ``x.attr``): asserts about an argument's attributes are usually object invariants."""
    for name_node in [node] if node.type == "identifier" else syntax.descendants(node):
        if name_node.type != "identifier":
            continue
        parent = name_node.parent
        if parent is not None and parent.type == "attribute":
            continue
        if (
            parent is not None
            and parent.type == "keyword_argument"
            and parent.child_by_field_name("name") == name_node
        ):
            continue
        yield _text(source, name_node)


@_on_hit
def _assert_validation(match: Match, hit: ts.Node) -> str | None:
    statement = hit
    function = _function(statement)
    if function is None or not _is_precondition(statement, function):
        return None
    name = match.text(function.child_by_field_name("name"))
    if name.startswith("test") or (name.startswith("_") and not name.startswith("__")):
        return None  # a private helper's asserts state internal invariants
    conditions = statement.named_children
    if not conditions or conditions[0].type == "comment":
        return None
    condition = conditions[0]
    if _is_narrowing(condition, match.source):
        return None
    parameters = _parameter_names(function, match.source)
    used = [n for n in _bare_names(condition, match.source) if n in parameters]
    if not used:
        return None
    return (
        f"This assert checks the argument `{used[0]}`, but asserts vanish under `python -O`, "
        "so the check silently stops protecting the function."
    )


_BLOCKING: dict[str, frozenset[str]] = {
    "time": frozenset({"sleep"}),
    "requests": frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request"}),
    "subprocess": frozenset({"run", "call", "check_call", "check_output"}),
    "os": frozenset({"system"}),
    "urllib.request": frozenset({"urlopen"}),
}


@_on_hit
def _blocking_call(match: Match, hit: ts.Node) -> str | None:
    module, name = match.text(match.node("_m")), match.text(match.node("_a"))
    if name not in _BLOCKING.get(module, frozenset()):
        return None
    call = hit
    scope = syntax.enclosing(call, ("function_definition", "lambda", "class_definition"))
    if scope is None or scope.type != "function_definition" or not _is_async(scope):
        return None  # not directly in `async def` (a nested sync def may run in a thread)
    return (
        f"{module}.{name}() blocks inside `async def`, freezing the event loop and every "
        "other task until it returns."
    )


# --- Security checks -------------------------------------------------------------------------

_SQL = re.compile(
    r"\b(?:select\s[\s\S]*?\bfrom|insert\s+into|update\s[\s\S]*?\bset|delete\s+from"
    r"|drop\s+(?:table|index|view|database|schema)|create\s+(?:table|index|view|unique|database)"
    r"|alter\s+table|truncate\s+table|where\s|order\s+by|group\s+by|pragma\s)",
    re.IGNORECASE,
)
_PARAMS_KEYWORDS = frozenset({"params", "parameters", "args", "vars"})
_READ_SQL = frozenset({"read_sql", "read_sql_query"})


def _plus_operands(node: ts.Node) -> Iterator[ts.Node]:
    stack = [node]
    while stack:
        current = _unwrap(stack.pop())
        if current.type == "binary_operator":
            operator = current.child_by_field_name("operator")
            if operator is not None and operator.type == "+":
                right = current.child_by_field_name("right")
                left = current.child_by_field_name("left")
                if right is not None:
                    stack.append(right)
                if left is not None:
                    stack.append(left)
                continue
        yield current


def _dynamic_sql(
    node: ts.Node, source: bytes, sql_names: AbstractSet[str], local: AbstractSet[str]
) -> bool:
    """Whether ``node`` builds SQL text from non-constant values (``local``: names holding
    constants in this function)."""
    node = _unwrap(node)
    if node.type in ("string", "concatenated_string"):
        interpolations = [
            child.child_by_field_name("expression")
            for string in ([node] if node.type == "string" else node.named_children)
            for child in string.children
            if child.type == "interpolation"
        ]
        return (
            bool(interpolations)
            and _SQL.search(_text(source, node)) is not None
            and not all(e is not None and _is_constant(e, source, local) for e in interpolations)
        )
    if node.type == "binary_operator":
        operator = node.child_by_field_name("operator")
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if operator is None or left is None or right is None:
            return False
        if operator.type == "%":
            return (
                _is_string_literal(left)
                and _SQL.search(_text(source, left)) is not None
                and not _is_constant(right, source, local)
            )
        if operator.type == "+":
            operands = list(_plus_operands(node))
            sql = any(
                (_is_string_literal(o) and _SQL.search(_text(source, o)) is not None)
                or (o.type == "identifier" and _text(source, o) in sql_names)
                for o in operands
            )
            dynamic = any(not _is_constant(o, source, local) for o in operands)
            return sql and dynamic
        return False
    if node.type == "call":
        function = node.child_by_field_name("function")
        if function is None or function.type != "attribute":
            return False
        if _text(source, function.child_by_field_name("attribute")) != "format":
            return False
        target = function.child_by_field_name("object")
        if target is None or not _is_string_literal(target):
            return False
        if _SQL.search(_text(source, target)) is None:
            return False
        arguments = _call_args(node, source)
        values = [*arguments.positional, *arguments.keywords.values()]
        return arguments.splat or not all(_is_constant(v, source, local) for v in values)
    return False


def _sql_names(
    source: bytes, function: ts.Node, before: int
) -> tuple[frozenset[str], frozenset[str]]:
    """(names holding SQL text, names holding dynamically built SQL) before ``before``.

    One pass over the function's assignments, keeping track of which names hold constants
    so far (as :func:`_local_constants` does), so a long function costs linear time.
    """
    sql: set[str] = set()
    dynamic: set[str] = set()
    local: set[str] = set()
    parameters = _parameter_names(function, source)
    for assignment in _function_assignments(source, function):
        if assignment.at >= before:
            break
        name, value = assignment.name, _unwrap(assignment.value)
        if _dynamic_sql(value, source, sql, local) or (
            assignment.augmented and name in sql and not _is_constant(value, source, local)
        ):
            sql.add(name)
            dynamic.add(name)
        elif _is_string_literal(value) and _SQL.search(_text(source, value)):
            if not assignment.augmented:
                dynamic.discard(name)
            sql.add(name)
        elif not assignment.augmented:
            sql.discard(name)
            dynamic.discard(name)
        if not assignment.augmented and name not in parameters and _is_constant(value, source):
            local.add(name)
        else:
            local.discard(name)
    return frozenset(sql), frozenset(dynamic)


@_on_hit
def _sql_injection(match: Match, hit: ts.Node) -> bool | None:
    query = hit
    call = _call_of(query.parent) if query.parent is not None else None
    method = match.text(match.node("_sink"))
    if call is None:
        return None
    function_node = call.child_by_field_name("function")
    if function_node is not None and function_node.type == "identifier" and method != "text":
        return None
    arguments = _call_args(call, match.source)
    if method in _READ_SQL:
        if "params" in arguments.keywords:
            return None
    elif len(arguments.positional) > 1 or not _PARAMS_KEYWORDS.isdisjoint(arguments.keywords):
        return None  # values travel separately: that is the safe form
    query = _unwrap(query)
    if query.type == "identifier":
        function = _function(call)
        if function is None:
            return None
        _sql, dynamic = _sql_names(match.source, function, call.start_byte)
        return True if match.text(query) in dynamic else None
    function = _function(call)
    sql_names = _sql_names(match.source, function, call.start_byte)[0] if function else frozenset()
    local = _local_constants(match.source, function, call.start_byte)
    return True if _dynamic_sql(query, match.source, sql_names, local) else None


def _command(arguments: _Args) -> ts.Node | None:
    if arguments.positional:
        return arguments.positional[0]
    return (
        arguments.keywords.get("args")
        or arguments.keywords.get("cmd")
        or arguments.keywords.get("command")
    )


_SHELL_TRUE_FUNCTIONS = frozenset({"run", "call", "check_call", "check_output", "Popen"})
_SHELL_FUNCTIONS: dict[str, frozenset[str]] = {
    "os": frozenset({"system", "popen"}),
    "subprocess": frozenset({"getoutput", "getstatusoutput"}),
    "asyncio": frozenset({"create_subprocess_shell"}),
    "commands": frozenset({"getoutput", "getstatusoutput"}),
}


@_on_hit
def _shell_injection(match: Match, hit: ts.Node) -> str | None:
    call = hit
    module_node = match.node("_m")
    module, name = match.text(module_node), match.text(match.node("_a"))
    arguments = _call_args(call, match.source)
    if name in _SHELL_TRUE_FUNCTIONS and module in ("", "subprocess"):
        shell = arguments.keywords.get("shell")
        if shell is None or _unwrap(shell).type != "true":
            return None
        message = (
            "With shell=True this command string, built from variables, is run by a shell, "
            "so crafted input can run extra commands."
        )
    elif name in _SHELL_FUNCTIONS.get(module, frozenset()):
        message = (
            f"{module}.{name}() hands this string to a shell, and it is built from variables, "
            "so crafted input can run extra commands."
        )
    else:
        return None
    command = _command(arguments)
    local = _local_constants(match.source, _function(call), call.start_byte)
    if command is None or _is_constant(command, match.source, local):
        return None
    return message


@_on_hit
def _eval_exec(match: Match, hit: ts.Node) -> str | None:
    call = hit
    arguments = _call_args(call, match.source)
    local = _local_constants(match.source, _function(call), call.start_byte)
    if not arguments.positional or _is_constant(arguments.positional[0], match.source, local):
        return None
    name = match.text(call.child_by_field_name("function"))
    return (
        f"{name}() runs code that is computed at run time; if any part of it comes from "
        "input, that input can run arbitrary code."
    )


_DESERIALIZERS: dict[str, frozenset[str]] = {
    "pickle": frozenset({"load", "loads", "Unpickler"}),
    "cPickle": frozenset({"load", "loads", "Unpickler"}),
    "_pickle": frozenset({"load", "loads", "Unpickler"}),
    "dill": frozenset({"load", "loads", "Unpickler"}),
    "cloudpickle": frozenset({"load", "loads"}),
    "marshal": frozenset({"load", "loads"}),
    "shelve": frozenset({"open"}),
    "jsonpickle": frozenset({"decode"}),
}


@_on_hit
def _deserialization(match: Match, hit: ts.Node) -> str | None:
    module, name = match.text(match.node("_m")), match.text(match.node("_a"))
    if name not in _DESERIALIZERS.get(module, frozenset()):
        return None
    arguments = _call_args(hit, match.source)
    if arguments.positional:
        first = _unwrap(arguments.positional[0])
        if first.type == "call":
            inner = match.text(first.child_by_field_name("function"))
            if inner.endswith((".dumps", ".dump")):
                return None  # a round trip of data this code just produced
    return (
        f"{module}.{name}() can run code while loading; it is only safe on data this "
        "program wrote itself and nobody else could change."
    )


#: Other loaders (SafeLoader, BaseLoader, project subclasses of SafeLoader) are left alone.
_UNSAFE_LOADERS = frozenset(
    {"Loader", "UnsafeLoader", "FullLoader", "CLoader", "CUnsafeLoader", "CFullLoader"}
)


@_on_hit
def _yaml_load(match: Match, hit: ts.Node) -> str | None:
    name = match.text(match.node("_a"))
    if name.startswith(("unsafe_", "full_")):
        return (
            f"yaml.{name}() can build arbitrary Python objects from the document, so an "
            "untrusted file can run code."
        )
    arguments = _call_args(hit, match.source)
    loader = arguments.keywords.get("Loader")
    if loader is None and len(arguments.positional) > 1:
        loader = arguments.positional[1]
    if loader is None:
        if arguments.splat:
            return None
        return "yaml.load() without a safe Loader can build arbitrary objects from the input."
    loader_name = match.text(loader).rsplit(".", 1)[-1]
    if loader_name in _UNSAFE_LOADERS:
        return (
            f"yaml.{name}() with {loader_name} can build arbitrary Python objects, so an "
            "untrusted document can run code."
        )
    return None


def _is_false(node: ts.Node | None) -> bool:
    return node is not None and _unwrap(node).type == "false"


def _signature_check_off(options: ts.Node, source: bytes) -> bool:
    """``{"verify_signature": False}`` or ``dict(verify_signature=False)``."""
    options = _unwrap(options)
    if options.type == "dictionary":
        for pair in options.named_children:
            key = pair.child_by_field_name("key")
            if (
                pair.type == "pair"
                and key is not None
                and _text(source, key).strip("'\"") == "verify_signature"
                and _is_false(pair.child_by_field_name("value"))
            ):
                return True
        return False
    if options.type == "call" and _text(source, options.child_by_field_name("function")) == "dict":
        return _is_false(_call_args(options, source).keywords.get("verify_signature"))
    return False


@_on_hit
def _jwt_no_verify(match: Match, hit: ts.Node) -> str | None:
    arguments = _call_args(hit, match.source)
    if _is_false(arguments.keywords.get("verify")):
        return "jwt.decode() with verify=False accepts tokens with forged signatures."
    options = arguments.keywords.get("options")
    if options is not None and _signature_check_off(options, match.source):
        return "jwt.decode() with verify_signature off accepts tokens with forged signatures."
    algorithms = arguments.keywords.get("algorithms")
    if algorithms is not None:
        for item in syntax.descendants(algorithms):
            if item.type == "string" and match.text(item).strip("'\"").lower() == "none":
                return "Accepting the 'none' algorithm lets anyone send an unsigned token."
    return None


_JINJA_CALLS = frozenset(
    {("jinja2", "Environment"), ("jinja2", "Template"), ("aiohttp_jinja2", "setup")}
)


def _mako_escapes(arguments: _Args, source: bytes) -> bool:
    """Mako escapes HTML only with the ``h`` filter in ``default_filters``."""
    filters = arguments.keywords.get("default_filters")
    if filters is None:
        return arguments.splat  # unknown: the filters may be in **kwargs
    return any(
        node.type == "string" and _text(source, node).strip("'\"") == "h"
        for node in syntax.descendants(filters)
    )


@_on_hit
def _autoescape(match: Match, hit: ts.Node) -> str | None:
    call = hit
    module, name = match.text(match.node("_m")), match.text(match.node("_f"))
    arguments = _call_args(call, match.source)
    if not module:
        if name == "setup":
            return None
        jinja = _fact(match.source, "jinja_template" if name == "Template" else "jinja_environment")
        if not jinja:
            if name != "Template" or not _fact(match.source, "mako_template"):
                return None  # string.Template, or some other Environment
            if _mako_escapes(arguments, match.source) or not _fact(match.source, "web"):
                return None
            return (
                "This Mako Template has no 'h' in default_filters, so values inserted into "
                "HTML are not escaped."
            )
    elif (module, name) not in _JINJA_CALLS:
        return None
    autoescape = arguments.keywords.get("autoescape")
    if _is_false(autoescape):
        return "autoescape=False lets values inserted into these templates inject HTML and script."
    if autoescape is None and name != "setup" and not arguments.splat:
        if not _fact(match.source, "web"):
            return None  # templates for text, code or config: nothing to escape
        return (
            f"This jinja2 {name} has no autoescape setting, so values inserted into HTML are "
            "not escaped."
        )
    return None


@_on_hit
def _ssti(match: Match, hit: ts.Node) -> str | None:
    call = hit
    name = match.text(match.node("_f"))
    function = call.child_by_field_name("function")
    if function is None:
        return None
    if name == "Template":
        if function.type == "identifier" and not (
            _fact(match.source, "jinja_template") or _fact(match.source, "mako_template")
        ):
            return None
        if function.type == "attribute" and match.text(
            function.child_by_field_name("object")
        ) not in (
            "jinja2",
            "mako.template",
        ):
            return None
    template = match.node("_arg")
    if template is None or template.type == "keyword_argument":
        return None
    if not _from_request(template, match.source):
        return None
    return (
        f"{name}() compiles a template from request data, so the user can write template "
        "code that runs on the server."
    )


_CREDENTIAL_NAME = (
    r"(?i)(password|passwd|passphrase|pwd|secret|secret_?key|api_?key|apikey|access_?key"
    r"|private_?key|token)$"
)
#: Names that hold nothing but secrets. Other `*token` names often hold token *types* or
#: sentinels (``EOS_TOKEN = "</s>"``), so their values must also look random.
_STRONG_SECRET_NAME = re.compile(
    r"(?i)(password|passwd|passphrase|pwd|secret|secret_?key|api_?key|apikey|access_?key"
    r"|private_?key|(?:auth|access|refresh|api|bearer|bot|personal_access)_?token)$"
)
_PLACEHOLDER = re.compile(
    r"(?i)^(?:change[-_ ]?me.*|changeit|placeholder.*|example.*|dummy.*|fake.*|test.*|sample.*"
    r"|your[-_ ].*|x{3,}.*|\*+|\.+|-+|<.*>|\$\{.*\}|\{\{.*\}\}|%\(.*\)s|none|null"
    r"|redacted|secret|password|todo.*|fixme.*|not[-_ ]?set|unset|default|insecure.*)$"
)
#: snake_case / UPPER_CASE words: names of things (a field, an environment variable).
_IDENTIFIER_LIKE = re.compile(
    r"^_*(?:[a-z][a-z0-9]*(?:[_.:][a-z][a-z0-9]*)+|[A-Z][A-Z0-9]*(?:_[A-Z][A-Z0-9]*)+)$"
)
#: Format strings, regular expressions, templates: code, not a secret.
_NOT_A_VALUE = re.compile(r"\{[\w.]*\}|%[sdr(]|\(\?|\\[wdsbWDSB]|\[\^|\$\{")


def _looks_random(content: str) -> bool:
    return (
        len(content) >= 16
        and any(ch.isalpha() for ch in content)
        and any(ch.isdigit() for ch in content)
    )


@_on_hit
def _hardcoded_secret(match: Match, hit: ts.Node) -> bool | None:
    value = hit
    if value.type != "string" or not _is_string_literal(value):
        return None
    content = "".join(match.text(c) for c in value.children if c.type == "string_content")
    if len(content) < 8 or any(ch.isspace() for ch in content):
        return None
    if _PLACEHOLDER.match(content) or _IDENTIFIER_LIKE.match(content):
        return None
    if _NOT_A_VALUE.search(content):
        return None
    if "://" in content or content.startswith(("/", "./", "~")):
        return None  # a URL or a path, not the secret itself
    name = match.text(match.node("_n")).strip("'\"")
    if content.lower() == name.lower():
        return None
    if not _STRONG_SECRET_NAME.search(name) and not _looks_random(content):
        return None
    return True


@_on_hit
def _requests_timeout(match: Match, hit: ts.Node) -> str | None:
    arguments = _call_args(hit, match.source)
    timeout = arguments.keywords.get("timeout")
    if timeout is None:
        if arguments.splat:
            return None  # a timeout may be in **kwargs
        return (
            f"requests.{match.text(match.node('_a'))}() has no timeout, so it can wait forever "
            "on a slow or silent server."
        )
    if _unwrap(timeout).type == "none":
        return "timeout=None waits forever on a slow or silent server."
    return None


@_on_hit
def _path_traversal(match: Match, hit: ts.Node) -> str | None:
    call = hit
    name = match.text(match.node("_f"))
    module = match.text(match.node("_m"))
    if module and module not in ("io", "codecs", "os", "flask"):
        return None
    arguments = _call_args(call, match.source)
    if name == "send_from_directory":
        # The file name argument is joined safely; only a request-chosen folder escapes.
        path = (
            arguments.positional[0] if arguments.positional else arguments.keywords.get("directory")
        )
    elif arguments.positional:
        path = arguments.positional[0]
    else:
        path = arguments.keywords.get("file") or arguments.keywords.get("path")
    if path is None or not _from_request(path, match.source, _PATH_SANITIZERS):
        return None
    return (
        f"{name}() gets a path built from request data, so `../` or an absolute path can "
        "reach files outside the intended folder."
    )


# --- Pattern checks -------------------------------------------------------------------------


@_on_hit
def _decorator_definition(match: Match, hit: ts.Node) -> bool | None:
    """``def deco(fn)`` whose body defines an inner function that calls ``fn`` and ends by
    returning that inner function."""
    function = hit.parent
    body = function.child_by_field_name("body") if function is not None else None
    if body is None:
        return None
    statements = [child for child in body.named_children if child.type != "comment"]
    if not statements or statements[-1].type != "return_statement":
        return None
    returned = statements[-1].named_children
    if len(returned) != 1 or returned[0].type != "identifier":
        return None
    inner_name = match.text(returned[0])
    for statement in statements:
        inner = statement
        if inner.type == "decorated_definition":
            inner = inner.child_by_field_name("definition") or inner
        if inner.type != "function_definition":
            continue
        if match.text(inner.child_by_field_name("name")) != inner_name:
            continue
        wrapped = re.escape(match.text(match.node("_p")))
        calls_it = re.search(rf"\b{wrapped}\s*\(", match.text(inner.child_by_field_name("body")))
        return True if calls_it else None
    return None


_DJANGO_QUERYSET = frozenset(
    {
        "filter",
        "get",
        "all",
        "exclude",
        "create",
        "get_or_create",
        "update_or_create",
        "annotate",
        "aggregate",
        "values",
        "values_list",
        "order_by",
        "select_related",
        "prefetch_related",
        "count",
        "first",
        "last",
        "bulk_create",
        "exists",
        "only",
        "defer",
        "raw",
    }
)
_SQLALCHEMY_CONSTRUCTS = frozenset({"select", "insert", "update", "delete"})
_SESSION = re.compile(r"(?:^|_)[Ss]ession$|^db$")


def _orm_query(match: Match) -> bool | None:
    name = match.text(match.node("_a"))
    owner = match.node("_o")
    if owner is None:  # select(User): SQLAlchemy's query constructs
        return (
            True if name in _SQLALCHEMY_CONSTRUCTS and _fact(match.source, "sqlalchemy") else None
        )
    owner_name = match.text(owner)
    if owner_name == "objects":  # Model.objects.filter(...), not objects.filter(...)
        parent = owner.parent
        manager = parent is not None and parent.child_by_field_name("attribute") == owner
        return True if name in _DJANGO_QUERYSET and manager else None
    if name == "query" and _SESSION.search(owner_name):  # session.query(User)
        return True
    return None


@_on_hit
def _raw_sql(match: Match, hit: ts.Node) -> bool | None:
    call = hit.parent.parent if hit.parent is not None else None
    if call is None:
        return None
    function = call.child_by_field_name("function")
    if function is not None and function.type == "identifier" and match.text(function) != "text":
        return None
    return True if _SQL.search(match.text(hit)) else None


_PLACEHOLDERS = re.compile(r"%s|\?|:\w+|%\(\w+\)s|\$\d")


def _parameterized(match: Match) -> bool | None:
    query, params = match.node("_q"), match.node("_p")
    if query is None or params is None:
        return None
    if (
        params.type == "keyword_argument"
        and match.text(params.child_by_field_name("name")) not in _PARAMS_KEYWORDS
    ):
        return None
    query = _unwrap(query)
    if _is_string_literal(query):
        text = match.text(query)
        return True if _SQL.search(text) and _PLACEHOLDERS.search(text) else None
    return True if query.type == "identifier" else None


_HTTP_CLIENTS: dict[str, frozenset[str]] = {
    "requests": frozenset(
        {"get", "post", "put", "patch", "delete", "head", "options", "request", "Session"}
    ),
    "httpx": frozenset(
        {
            "get",
            "post",
            "put",
            "patch",
            "delete",
            "head",
            "options",
            "request",
            "stream",
            "Client",
            "AsyncClient",
        }
    ),
    "aiohttp": frozenset({"ClientSession", "request"}),
    "urllib3": frozenset({"PoolManager", "request"}),
}


def _http_request(match: Match) -> bool | None:
    module_node = match.node("_m")
    if module_node is None:  # `from urllib.request import urlopen`
        return True
    module, name = match.text(module_node), match.text(match.node("_a"))
    return True if name in _HTTP_CLIENTS.get(module, frozenset()) else None


_LOGGERS = frozenset({"logger", "log", "_logger", "_log", "LOGGER", "LOG", "logging"})


def _lru_cache(match: Match) -> bool | None:
    module = match.node("_m")
    if module is not None:
        return True if match.text(module) == "functools" else None
    if match.text(match.node("_d")) == "cached_property":
        return True
    return True if _fact(match.source, "functools_cache") else None


def _retries(match: Match) -> bool | None:
    return True if _fact(match.source, "retry_library") else None


def _is_instance_call(node: ts.Node, source: bytes) -> bool:
    node = _unwrap(node)
    if node.type != "call":
        return False
    function = node.child_by_field_name("function")
    if function is None:
        return False
    name = _text(source, function).rsplit(".", 1)[-1]
    return name == "cls" or (name[:1].isupper() and not name.isupper())


@_on_hit
def _factory(match: Match, hit: ts.Node) -> bool | None:
    function = hit.parent
    body = function.child_by_field_name("body") if function is not None else None
    if body is None:
        return None
    for node in syntax.descendants(body):
        if (
            node.type == "return_statement"
            and node.named_child_count
            and _is_instance_call(node.named_children[0], match.source)
        ):
            return True
    return None


@_on_hit
def _method(match: Match, hit: ts.Node) -> bool | None:
    function = hit.parent
    if function is None:
        return None
    owner = syntax.enclosing(function, ("class_definition", "function_definition"))
    return True if owner is not None and owner.type == "class_definition" else None


_REGISTRY_FILL = re.compile(r"\w\[[^\]\n]+\]\s*=\s*\w")


@_on_hit
def _registry(match: Match, hit: ts.Node) -> bool | None:
    function = hit.parent
    if function is None:
        return None
    body = match.text(function.child_by_field_name("body"))
    return True if _REGISTRY_FILL.search(body) and "return" in body else None


# --- Queries ------------------------------------------------------------------------------
#
# Matching cost grows with (nodes of a pattern's root type) x (patterns with that root), and
# calls are the most common root, so each rule has at most one call pattern (alternatives
# and #any-of? inside it), and library-use patterns are rooted at imports where an import
# is the evidence.


def _module_call(modules: str, names: str) -> str:
    """``module.name(...)``, module and name captured as _m and _a."""
    return (
        "(call function: (attribute object: (identifier) @_m attribute: (identifier) @_a)"
        f" (#any-of? @_m {modules}) (#any-of? @_a {names})) @hit"
    )


def _imports_of(modules: str) -> str:
    """``import m``, ``import m.x as y``, ``from m.x import z`` for top-level module m."""
    return (
        "(import_statement name: [(dotted_name . (identifier) @_n)"
        " (aliased_import name: (dotted_name . (identifier) @_n))]"
        f" (#any-of? @_n {modules})) @hit\n"
        "(import_from_statement module_name: (dotted_name . (identifier) @_n)"
        f" (#any-of? @_n {modules})) @hit\n"
    )


def _imported_names(names: str) -> str:
    """``from wherever import name`` for one of names."""
    return (
        "(import_from_statement name: [(dotted_name . (identifier) @_i .)"
        " (aliased_import name: (dotted_name . (identifier) @_i .))]"
        f" (#any-of? @_i {names})) @hit\n"
    )


_REQUESTS_METHODS = _words("get", "post", "put", "patch", "delete", "head", "options", "request")
_PATCH = r"^(mock\\.|unittest\\.mock\\.)?patch(\\.object|\\.dict|\\.multiple)?$"

CHECKS: tuple[QueryCheck, ...] = (
    # --- smells
    QueryCheck(
        "py.bare-except",
        '(except_clause !value "except" @hit)',
        "This bare `except:` also catches KeyboardInterrupt and SystemExit, hiding bugs and "
        "making the program hard to stop.",
        _bare_except,
    ),
    QueryCheck(
        "py.swallowed-exception",
        '(except_clause "except" @hit'
        " (block [(pass_statement) (expression_statement (ellipsis))]))",
        "This handler silences the error without logging or handling it, so failures go unnoticed.",
        _swallowed,
    ),
    QueryCheck(
        "py.mutable-default-arg",
        """
        (default_parameter value: [(list) (dictionary) (set)] @hit)
        (typed_default_parameter value: [(list) (dictionary) (set)] @hit)
        ([(default_parameter value: (call function: (identifier) @_f) @hit)
          (typed_default_parameter value: (call function: (identifier) @_f) @hit)]
         (#any-of? @_f "list" "dict" "set" "bytearray" "defaultdict" "OrderedDict" "deque"))
        """,
        "This default value is created once and shared by every call, so changes to it leak "
        "from one call into the next.",
    ),
    QueryCheck(
        "py.wildcard-import",
        "(import_from_statement (wildcard_import) @hit)",
        "`import *` brings in unknown names, hiding where each one comes from and risking "
        "silent shadowing.",
        _wildcard,
    ),
    QueryCheck(
        "py.global-statement",
        "(global_statement) @hit",
        "`global` lets this function rebind module state, a hidden dependency that makes the "
        "code harder to test and follow.",
        _global,
    ),
    QueryCheck(
        "py.none-comparison",
        """
        (comparison_operator ["==" "!="] (none)) @hit
        (comparison_operator (none) ["==" "!="]) @hit
        """,
        "Comparing with `== None` goes through `__eq__`, which objects can override; `is None` "
        "says what you mean.",
        _none_comparison,
    ),
    QueryCheck(
        "py.range-len",
        """
        ([(for_statement left: (identifier) @i right: (call function: (identifier) @_r
            arguments: (argument_list . (call function: (identifier) @_l
              arguments: (argument_list . (_) @seq .)) .)) @hit) @loop
          (for_in_clause left: (identifier) @i right: (call function: (identifier) @_r
            arguments: (argument_list . (call function: (identifier) @_l
              arguments: (argument_list . (_) @seq .)) .)) @hit) @loop]
         (#eq? @_r "range") (#eq? @_l "len"))
        """,
        "This loop counts indexes with range(len(...)) only to look items up; iterating "
        "directly (or with enumerate) is clearer and cannot go out of range.",
        _range_len,
    ),
    QueryCheck(
        "py.print-debugging",
        '(call function: (identifier) @_f (#eq? @_f "print")) @hit',
        "This print() in library code looks like leftover debugging output; logging can be "
        "filtered and turned off.",
        _print_debugging,
    ),
    QueryCheck(
        "py.open-without-with",
        """
        (call function: [(identifier) @_f
                         (attribute object: (identifier) @_m attribute: (identifier) @_f)]
         (#eq? @_f "open")) @hit
        """,
        "This file is opened outside a `with` block, so it is not closed if an error happens "
        "before close().",
        _open_without_with,
    ),
    QueryCheck(
        "py.assert-validation",
        "(assert_statement) @hit",
        "This assert validates an argument, but asserts are removed under `python -O`.",
        _assert_validation,
    ),
    QueryCheck(
        "py.blocking-call-in-async",
        """
        (call function: (attribute object: [(identifier) (attribute)] @_m
                                   attribute: (identifier) @_a)
         (#any-of? @_m "time" "requests" "subprocess" "os" "urllib.request")
         (#any-of? @_a "sleep" "get" "post" "put" "patch" "delete" "head" "options" "request"
                       "run" "call" "check_call" "check_output" "system" "urlopen")) @hit
        """,
        check=_blocking_call,
    ),
    # --- security
    QueryCheck(
        "py.sql-injection",
        """
        (call function: [(identifier) @_sink (attribute attribute: (identifier) @_sink)]
         arguments: (argument_list . (_) @hit)
         (#any-of? @_sink "execute" "executemany" "executescript" "exec_driver_sql" "raw"
                          "read_sql" "read_sql_query" "mogrify" "text"))
        """,
        "This SQL is assembled from values inside the query text, so crafted input can "
        "change the query (SQL injection); pass the values as parameters.",
        _sql_injection,
    ),
    QueryCheck(
        "py.shell-injection",
        """
        (call function: [(attribute object: (identifier) @_m attribute: (identifier) @_a)
                         (identifier) @_a]
         (#any-of? @_a "run" "call" "check_call" "check_output" "Popen" "system" "popen"
                       "getoutput" "getstatusoutput" "create_subprocess_shell")) @hit
        """,
        check=_shell_injection,
    ),
    QueryCheck(
        "py.eval-exec",
        '(call function: (identifier) @_f (#any-of? @_f "eval" "exec")) @hit',
        check=_eval_exec,
    ),
    QueryCheck(
        "py.unsafe-deserialization",
        _module_call(
            _words(*_DESERIALIZERS), _words("load", "loads", "Unpickler", "open", "decode")
        ),
        check=_deserialization,
    ),
    QueryCheck(
        "py.yaml-unsafe-load",
        _module_call(
            '"yaml"',
            _words(
                "load", "load_all", "unsafe_load", "unsafe_load_all", "full_load", "full_load_all"
            ),
        ),
        check=_yaml_load,
    ),
    QueryCheck("py.jwt-no-verify", _module_call('"jwt"', '"decode"'), check=_jwt_no_verify),
    QueryCheck(
        "py.autoescape-off",
        """
        (call function: [(identifier) @_f
                         (attribute object: (identifier) @_m attribute: (identifier) @_f)]
         (#any-of? @_f "Environment" "Template" "setup")) @hit
        """,
        check=_autoescape,
    ),
    QueryCheck(
        "py.ssti",
        """
        (call function: [(identifier) @_f (attribute attribute: (identifier) @_f)]
         arguments: (argument_list . (_) @_arg)
         (#any-of? @_f "render_template_string" "Template" "from_string")) @hit
        """,
        check=_ssti,
    ),
    QueryCheck(
        "py.hardcoded-secret",
        f"""
        (assignment left: [(identifier) @_n (attribute attribute: (identifier) @_n)]
         right: (string) @hit (#match? @_n "{_CREDENTIAL_NAME}"))
        (keyword_argument name: (identifier) @_n value: (string) @hit
         (#match? @_n "{_CREDENTIAL_NAME}"))
        (pair key: (string (string_content) @_n) value: (string) @hit
         (#match? @_n "{_CREDENTIAL_NAME}"))
        ([(default_parameter name: (identifier) @_n value: (string) @hit)
          (typed_default_parameter name: (identifier) @_n value: (string) @hit)]
         (#match? @_n "{_CREDENTIAL_NAME}"))
        """,
        "A secret is written into the source here; anyone who can read the code (or its "
        "history) can use it.",
        _hardcoded_secret,
    ),
    QueryCheck(
        "py.requests-no-timeout",
        _module_call('"requests"', _REQUESTS_METHODS),
        check=_requests_timeout,
    ),
    QueryCheck(
        "py.path-traversal",
        """
        (call function: [(identifier) @_f
                         (attribute object: (identifier) @_m attribute: (identifier) @_f)]
         (#any-of? @_f "open" "send_file" "send_from_directory" "FileResponse")) @hit
        """,
        check=_path_traversal,
    ),
    # --- patterns
    QueryCheck(
        "pattern:async-await",
        """
        (function_definition "async" name: (identifier) @hit)
        (await) @hit
        """,
    ),
    QueryCheck("pattern:asyncio", _imports_of('"asyncio"')),
    QueryCheck(
        "pattern:type-hints",
        """
        (function_definition return_type: (type) @hit)
        (function_definition !return_type
         parameters: (parameters [(typed_parameter) (typed_default_parameter)] @hit))
        """,
    ),
    QueryCheck("pattern:decorators", "(decorator) @hit"),
    QueryCheck(
        "pattern:decorators",
        """
        (function_definition name: (identifier) @hit parameters: (parameters . (identifier) @_p .)
         (#not-any-of? @_p "self" "cls"))
        """,
        check=_decorator_definition,
    ),
    QueryCheck(
        "pattern:context-managers",
        r"""
        (function_definition name: (identifier) @hit (#any-of? @hit "__enter__" "__aenter__"))
        (decorated_definition
         (decorator [(identifier) (attribute)] @_d)
         definition: (function_definition name: (identifier) @hit)
         (#match? @_d "^(contextlib\\.)?(async)?contextmanager$"))
        """,
    ),
    QueryCheck("pattern:with-statement", "(with_statement (with_clause) @hit)"),
    QueryCheck("pattern:generators", "(yield) @hit"),
    QueryCheck(
        "pattern:comprehensions",
        """
        [(list_comprehension) (dictionary_comprehension) (set_comprehension)
         (generator_expression)] @hit
        """,
    ),
    QueryCheck(
        "pattern:custom-exceptions",
        """
        (class_definition name: (identifier) @hit
         superclasses: (argument_list
           [(identifier) @_b (attribute attribute: (identifier) @_b)])
         (#match? @_b "(Error|Exception)$"))
        """,
    ),
    QueryCheck(
        "pattern:abstract-base-classes",
        """
        (class_definition name: (identifier) @hit
         superclasses: (argument_list
           [(identifier) @_b (attribute attribute: (identifier) @_b)
            (keyword_argument value: [(identifier) @_b (attribute attribute: (identifier) @_b)])])
         (#any-of? @_b "ABC" "ABCMeta"))
        (decorator [(identifier) @_d (attribute attribute: (identifier) @_d)] @hit
         (#eq? @_d "abstractmethod"))
        """,
    ),
    QueryCheck(
        "pattern:protocols",
        """
        (class_definition name: (identifier) @hit
         superclasses: (argument_list
           [(identifier) @_b (attribute attribute: (identifier) @_b)
            (subscript value: [(identifier) @_b (attribute attribute: (identifier) @_b)])])
         (#eq? @_b "Protocol"))
        """,
    ),
    QueryCheck(
        "pattern:orm-queries",
        f"""
        (call function: [(attribute object: (attribute attribute: (identifier) @_o)
                                    attribute: (identifier) @_a)
                         (attribute object: (identifier) @_o attribute: (identifier) @_a)
                         (identifier) @_a]
         (#any-of? @_a "query" {_words(*sorted(_DJANGO_QUERYSET | _SQLALCHEMY_CONSTRUCTS))})) @hit
        """,
        check=_orm_query,
    ),
    QueryCheck(
        "pattern:raw-sql",
        """
        (call function: [(identifier) @_a (attribute attribute: (identifier) @_a)]
         arguments: (argument_list . [(string) (concatenated_string)] @hit)
         (#any-of? @_a "execute" "executemany" "executescript" "exec_driver_sql" "raw" "text"
                       "read_sql" "read_sql_query"))
        """,
        check=_raw_sql,
    ),
    QueryCheck(
        "pattern:parameterized-queries",
        """
        (call function: (attribute attribute: (identifier) @_a)
         arguments: (argument_list . (_) @_q . (_) @_p)
         (#any-of? @_a "execute" "executemany" "exec_driver_sql" "raw")) @hit
        """,
        check=_parameterized,
    ),
    QueryCheck(
        "pattern:pytest",
        _imports_of('"pytest"')
        + """
        (with_item value: [(call function: (attribute object: (identifier) @_m))
                           (as_pattern (call function: (attribute object: (identifier) @_m)))]
         (#eq? @_m "pytest")) @hit
        """,
    ),
    QueryCheck(
        "pattern:fixtures",
        r'(decorator (_) @_d (#match? @_d "^(pytest\\.)?fixture\\b")) @hit',
    ),
    QueryCheck(
        "pattern:parametrize",
        r'(decorator (_) @_d (#match? @_d "^(pytest\\.)?mark\\.parametrize\\b")) @hit',
    ),
    QueryCheck(
        "pattern:unittest-mock",
        f"""
        (import_from_statement module_name: (dotted_name) @_n
         (#any-of? @_n "unittest.mock" "mock")) @hit
        (import_statement name: [(dotted_name) @_n (aliased_import name: (dotted_name) @_n)]
         (#any-of? @_n "unittest.mock" "mock")) @hit
        {_imported_names(_words("mock", "Mock", "MagicMock", "AsyncMock", "create_autospec"))}
        (decorator (call function: (_) @_d) (#match? @_d "{_PATCH}")) @hit
        (with_item value: [(call function: (_) @_d) (as_pattern (call function: (_) @_d))]
         (#match? @_d "{_PATCH}")) @hit
        """,
    ),
    QueryCheck(
        "pattern:monkeypatch",
        '(parameters (identifier) @hit (#eq? @hit "monkeypatch"))',
    ),
    QueryCheck(
        "pattern:logging",
        f"""
        (call function: (attribute
           object: [(identifier) @_o (attribute attribute: (identifier) @_o)]
           attribute: (identifier) @_a)
         (#any-of? @_o {_words(*sorted(_LOGGERS))})
         (#any-of? @_a "getLogger" "basicConfig" "debug" "info" "warning" "warn" "error"
                       "exception" "critical")) @hit
        """,
    ),
    QueryCheck("pattern:structured-logging", _imports_of('"structlog"')),
    QueryCheck("pattern:threads", _imports_of('"threading"')),
    QueryCheck("pattern:thread-pool", _imported_names('"ThreadPoolExecutor" "ThreadPool"')),
    QueryCheck(
        "pattern:multiprocessing",
        _imports_of('"multiprocessing"') + _imported_names('"ProcessPoolExecutor"'),
    ),
    QueryCheck("pattern:subprocess", _imports_of('"subprocess"')),
    QueryCheck(
        "pattern:http-requests",
        _module_call(
            _words(*sorted(_HTTP_CLIENTS)),
            _words(*sorted(set().union(*_HTTP_CLIENTS.values()))),
        )
        + _imported_names('"urlopen"'),
        check=_http_request,
    ),
    QueryCheck(
        "pattern:lru-cache",
        """
        (decorator [(identifier) @_d
                    (attribute object: (identifier) @_m attribute: (identifier) @_d)
                    (call function: [(identifier) @_d
                                     (attribute object: (identifier) @_m
                                                attribute: (identifier) @_d)])] @hit
         (#any-of? @_d "lru_cache" "cache" "cached_property"))
        """,
        check=_lru_cache,
    ),
    QueryCheck(
        "pattern:retries",
        """
        (decorator [(identifier) @_d
                    (attribute attribute: (identifier) @_d)
                    (call function: [(identifier) @_d (attribute attribute: (identifier) @_d)])]
         @hit (#any-of? @_d "retry" "on_exception" "on_predicate"))
        (for_statement
         right: (call function: [(identifier) @_d (attribute attribute: (identifier) @_d)]) @hit
         (#any-of? @_d "Retrying" "AsyncRetrying"))
        """,
        check=_retries,
    ),
    QueryCheck(
        "pattern:environment-variables",
        """
        (attribute object: (identifier) @_o attribute: (identifier) @_a
         (#eq? @_o "os") (#any-of? @_a "environ" "getenv" "environb")) @hit
        """,
    ),
    QueryCheck(
        "pattern:password-hashing",
        _imports_of('"passlib" "argon2" "bcrypt" "pwdlib"')
        + _imported_names(
            _words(
                "generate_password_hash",
                "check_password_hash",
                "make_password",
                "scrypt",
                "pbkdf2_hmac",
            )
        )
        + _module_call('"hashlib"', '"scrypt" "pbkdf2_hmac"'),
    ),
    QueryCheck(
        "pattern:rest-api",
        """
        (decorator (call function: (attribute attribute: (identifier) @_a)
           arguments: (argument_list . (string) @_p))
         (#any-of? @_a "get" "post" "put" "patch" "delete" "head" "options" "route"
                       "api_route" "websocket")
         (#match? @_p "^[rRuU]?[\\"']/")) @hit
        """,
    ),
    QueryCheck(
        "pattern:dependency-injection",
        """
        ([(default_parameter value: (call function: (identifier) @_f) @hit)
          (typed_default_parameter value: (call function: (identifier) @_f) @hit)]
         (#eq? @_f "Depends"))
        (subscript value: (identifier) @_s subscript: (call function: (identifier) @_f) @hit
         (#eq? @_s "Annotated") (#eq? @_f "Depends"))
        """,
    ),
    QueryCheck(
        "pattern:factory",
        """
        (function_definition name: (identifier) @hit
         (#match? @hit "^(create|make|build|new)_|^from_"))
        """,
        check=_factory,
    ),
    QueryCheck(
        "pattern:observer",
        """
        (function_definition name: (identifier) @hit
         (#any-of? @hit "subscribe" "unsubscribe" "add_listener" "remove_listener"
                        "add_observer" "remove_observer" "register_observer"
                        "notify_observers" "add_subscriber" "remove_subscriber"))
        """,
        check=_method,
    ),
    QueryCheck(
        "pattern:registry",
        '(function_definition name: (identifier) @hit (#match? @hit "^_?register"))',
        check=_registry,
    ),
    QueryCheck("pattern:metrics", _imports_of('"prometheus_client"')),
    QueryCheck(
        "pattern:opentelemetry",
        _imports_of('"opentelemetry"')
        + """
        (with_item value: [(call function: (attribute attribute: (identifier) @_a))
                           (as_pattern (call function: (attribute attribute: (identifier) @_a)))]
         (#any-of? @_a "start_as_current_span" "start_span")) @hit
        """,
    ),
    QueryCheck("pattern:pickle", _imports_of('"pickle" "cPickle" "_pickle" "dill" "cloudpickle"')),
    QueryCheck(
        "pattern:yaml-loading",
        _module_call(
            '"yaml"',
            _words("safe_load", "safe_load_all", "load", "load_all", "full_load", "unsafe_load"),
        ),
    ),
    QueryCheck("pattern:exceptions", "(raise_statement) @hit"),
    QueryCheck("pattern:try-except", '(try_statement "try" @hit body: (block) . (except_clause))'),
)


# --- Imports ------------------------------------------------------------------------------

_IMPORTS_QUERY = """
(import_statement name: (dotted_name . (identifier) @name))
(import_statement name: (aliased_import name: (dotted_name . (identifier) @name)))
(import_from_statement module_name: (dotted_name . (identifier) @name))
"""


@functools.cache
def _imports_query() -> ts.Query:
    return ts.Query(syntax.language("Python"), _IMPORTS_QUERY)


def import_names(tree: ts.Tree, source: bytes) -> list[str]:
    """Sorted distinct top-level names of the absolute imports in ``tree``.

    ``import a.b`` and ``from a.b import c`` both give ``a``; relative imports (``from .x
    import y``) name the project itself and are skipped.
    """
    captures = ts.QueryCursor(_imports_query()).captures(tree.root_node)
    return sorted({_text(source, node) for node in captures.get("name", ())})
