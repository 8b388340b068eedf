"""JavaScript and TypeScript rules, patterns and import names, as tree-sitter query checks.

``js.*`` checks run on JavaScript, TypeScript and TSX (the three grammars share most node
names); ``ts.*`` checks and the type-level patterns need TypeScript's type nodes, and the
JSX checks need a grammar with JSX (JavaScript and TSX; plain TypeScript has none).

The queries do the walking; the callbacks only look at the few nodes around a match (or,
for the rare SQL-building match, run one more small query over the enclosing function).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

import tree_sitter as ts

from devmentor.analyzer import syntax
from devmentor.analyzer.rules.base import (
    PatternDef,
    Rule,
    register_patterns,
    register_rules,
)
from devmentor.analyzer.syntax import Match, QueryCheck, unparen

JS = ("JavaScript", "TypeScript", "TSX")
TS_ONLY = ("TypeScript", "TSX")
WITH_JSX = ("JavaScript", "TSX")

RULES: tuple[Rule, ...] = (
    Rule(
        "js.loose-equality",
        "Loose equality (== / !=)",
        "smell",
        "low",
        "`==` and `!=` convert their operands before comparing (`0 == ''` and `'1' == 1` are "
        "true), which hides type mistakes; `===` and `!==` compare without conversion. "
        "Comparing with `null` (which also matches `undefined`) is the one common deliberate "
        "use and is not reported.",
    ),
    Rule(
        "js.var",
        "`var` declaration",
        "smell",
        "low",
        "`var` is function-scoped and hoisted, so a variable declared in a block leaks out of "
        "it and can be used before its declaration; `let` and `const` are block-scoped.",
    ),
    Rule(
        "js.console-log",
        "console.log left in code",
        "smell",
        "info",
        "`console.log`, `console.debug` and `console.info` calls are usually debugging "
        "leftovers: they clutter the output and can leak data; applications log through a "
        "logger with levels.",
        in_tests=False,
    ),
    Rule(
        "js.empty-catch",
        "Empty catch block",
        "smell",
        "medium",
        "A `catch` block (or `.catch()` handler) that does nothing swallows the error: the "
        "program carries on in a broken state and nobody learns why. A comment in the block, "
        "`catch {}` without a variable, or a variable named `_...`/`ignored` marks a "
        "deliberate choice and is not reported.",
        tags=("js.empty-catch", "pattern:error-handling", "pattern:exceptions"),
    ),
    Rule(
        "js.unhandled-promise",
        "Promise chain without error handling",
        "smell",
        "medium",
        "A `.then()` chain used as a statement, without `.catch()` (or a rejection handler) "
        "and not awaited or returned: if the promise rejects, the error is unhandled (in Node "
        "it can crash the process) and the caller cannot know the work failed.",
        tags=("js.unhandled-promise", "pattern:promises", "pattern:error-handling"),
    ),
    Rule(
        "js.debugger",
        "debugger statement",
        "smell",
        "medium",
        "A `debugger` statement pauses execution whenever developer tools are open; it is a "
        "debugging leftover that must not ship.",
    ),
    Rule(
        "ts.any",
        "Explicit `any` type",
        "smell",
        "low",
        "`any` switches type checking off for the value and everything derived from it, so "
        "the compiler can no longer catch mistakes there; `unknown` or a precise type keeps "
        "the checks.",
        tags=("ts.any", "pattern:typescript", "pattern:type-annotations"),
    ),
    Rule(
        "js.nested-callbacks",
        "Deeply nested callbacks",
        "smell",
        "low",
        "Callbacks nested three or more levels deep ('callback hell') make the control flow "
        "and the error handling hard to follow; promises with async/await or named functions "
        "flatten it.",
        tags=("pattern:callbacks", "pattern:promises", "pattern:async-await"),
    ),
    Rule(
        "js.eval",
        "Dynamic code evaluation",
        "security",
        "high",
        "`eval`, `new Function` and `setTimeout`/`setInterval` with a string run text as "
        "code: if any part of that text comes from outside, an attacker can run their own "
        "code, and the code cannot be checked or optimised ahead of time.",
        cwe=95,
        tags=("js.eval",),
    ),
    Rule(
        "js.inner-html",
        "HTML built from data (innerHTML)",
        "security",
        "medium",
        "Assigning a non-constant string to `innerHTML`/`outerHTML` or passing one to "
        "`insertAdjacentHTML` parses it as HTML: data that contains markup runs as script "
        "(cross-site scripting). `textContent` or DOM methods insert text safely.",
        cwe=79,
        tags=("js.inner-html", "pattern:dom-manipulation"),
    ),
    Rule(
        "js.react-dangerous-html",
        "dangerouslySetInnerHTML with data",
        "security",
        "medium",
        "`dangerouslySetInnerHTML` bypasses React's escaping; with a non-constant `__html` "
        "value, markup in the data runs as script (cross-site scripting) unless it was "
        "sanitised.",
        cwe=79,
        tags=("js.inner-html",),
    ),
    Rule(
        "js.document-write",
        "document.write with data",
        "security",
        "medium",
        "`document.write` with a non-constant string parses data as HTML (cross-site "
        "scripting) and blocks page loading; DOM methods are the safe alternative.",
        cwe=79,
        tags=("js.document-write", "pattern:dom-manipulation"),
    ),
    Rule(
        "js.sql-injection",
        "SQL built from strings",
        "security",
        "high",
        "SQL text built with a template literal or `+` from values lets those values change "
        "the query itself (SQL injection); placeholders with separate parameters, or a tagged "
        "template such as sql`...`, keep data out of the SQL.",
        cwe=89,
        tags=(
            "js.sql-injection",
            "sql.string-concat",
            "pattern:raw-sql",
            "pattern:parameterized-queries",
        ),
    ),
    Rule(
        "js.child-process",
        "Shell command built from data",
        "security",
        "high",
        "`child_process.exec`/`execSync` run their string through a shell: a command built "
        "from variables lets shell metacharacters in the data run other commands (command "
        "injection). `execFile`/`spawn` with an argument array pass data as arguments.",
        cwe=78,
        tags=("pattern:shell-commands", "pattern:subprocess"),
    ),
    Rule(
        "js.open-redirect",
        "Redirect to a URL from the request",
        "security",
        "medium",
        "Redirecting to a URL taken straight from the request (query, body or route "
        "parameters) lets anyone craft a link on your domain that forwards users to a "
        "phishing site (open redirect); check the target against a list of allowed paths.",
        cwe=601,
    ),
)

PATTERNS: tuple[PatternDef, ...] = (
    PatternDef("pattern:async-await", "async/await", ("pattern:async-await",)),
    PatternDef("pattern:promises", "Promises"),
    PatternDef("pattern:typescript", "TypeScript types"),
    PatternDef("pattern:type-annotations", "Type annotations"),
    PatternDef("pattern:discriminated-unions", "Discriminated unions"),
    PatternDef("pattern:dom-manipulation", "DOM manipulation"),
    PatternDef("pattern:events", "Events"),
    PatternDef("pattern:higher-order-functions", "Higher-order functions"),
    PatternDef("pattern:closures", "Closures"),
    PatternDef(
        "pattern:http-requests",
        "Outbound HTTP requests",
        ("pattern:http-requests", "pattern:outbound-http"),
    ),
    PatternDef("pattern:unit-tests", "Unit tests"),
    PatternDef("pattern:mocking", "Mocking"),
    PatternDef("pattern:strict-equality", "Strict equality"),
    PatternDef("pattern:error-handling", "Error handling"),
    PatternDef(
        "pattern:custom-exceptions",
        "Custom exceptions",
        ("pattern:custom-exceptions", "pattern:exceptions"),
    ),
)

register_rules(RULES)
register_patterns(PATTERNS)


# --- Helpers -------------------------------------------------------------------------------

_FUNCTIONS = frozenset({"arrow_function", "function_expression", "generator_function"})
_STRINGS = frozenset({"string", "template_string"})


def _named(node: ts.Node) -> list[ts.Node]:
    return [child for child in node.named_children if child.type != "comment"]


def _is_static(node: ts.Node) -> bool:
    """A value fixed in the source: a literal, a template without ``${}``, or a mix of those."""
    node = unparen(node)
    kind = node.type
    if kind in ("string", "number", "null", "undefined", "true", "false"):
        return True
    if kind == "template_string":
        return not any(c.type == "template_substitution" for c in node.named_children)
    if kind == "binary_expression":
        return all(_is_static(part) for part in _named(node))
    if kind == "ternary_expression":
        consequence = node.child_by_field_name("consequence")
        alternative = node.child_by_field_name("alternative")
        return (
            consequence is not None
            and alternative is not None
            and _is_static(consequence)
            and _is_static(alternative)
        )
    return False


_SANITIZER = re.compile(r"sanitiz|escape|purify|encode", re.IGNORECASE)


def _is_sanitized(match: Match, node: ts.Node) -> bool:
    node = unparen(node)
    if node.type != "call_expression":
        return False
    function = node.child_by_field_name("function")
    return bool(_SANITIZER.search(match.text(function)))


def _callee_name(call: ts.Node, match: Match) -> str:
    function = call.child_by_field_name("function")
    if function is None:
        function = call.child_by_field_name("constructor")
    if function is None:
        return ""
    if function.type == "member_expression":
        function = function.child_by_field_name("property")
    return match.text(function) if function is not None else ""


def _concat_leaves(node: ts.Node) -> Iterator[ts.Node]:
    """Operands of a chain of ``+`` (iterative: generated code builds long chains)."""
    stack = [node]
    while stack:
        current = unparen(stack.pop())
        if current.type == "binary_expression":
            operator = current.child_by_field_name("operator")
            if operator is not None and operator.type == "+":
                right = current.child_by_field_name("right")
                left = current.child_by_field_name("left")
                stack.extend(n for n in (right, left) if n is not None)
                continue
        yield current


def _literal_text(match: Match, node: ts.Node) -> str:
    return "".join(match.text(c) for c in node.named_children if c.type == "string_fragment")


# SQL statement shapes; a fragment that ends by opening a quoted value (`name = '`) is the
# tell-tale of a value spliced into SQL even without a keyword in the same fragment.
_SQL = re.compile(
    r"\b(?:select\s[\s\S]*?\bfrom\b|insert\s+into\b|update\s+[\w.`\"\[\]]+\s+set\b"
    r"|delete\s+from\b|merge\s+into\b|where\s+[\w.`\"]+\s*(?:=|<|>|!=|<>|\blike\b|\bin\b)"
    r"|order\s+by\b|group\s+by\b|values\s*\()",
    re.IGNORECASE,
)
_QUOTED_VALUE = re.compile(r"(?:=|<|>|\blike)\s*'$", re.IGNORECASE)
# `${ids.map(() => '?').join(',')}` builds placeholders, not values.
_PLACEHOLDER = re.compile(r"['\"`]\?['\"`]|\$\$\{|['\"`]\$\d")


def _builds_placeholders(match: Match, substitution: ts.Node) -> bool:
    """Whether ``${...}`` inserts placeholders (``?, ?`` / ``$1, $2``) rather than values,
    directly or through a variable initialised in this file."""
    text = match.text(substitution)
    if _PLACEHOLDER.search(text):
        return True
    name = text[2:-1].strip()
    if not name.isidentifier():
        return False
    declaration = re.search(
        rf"(?:const|let|var)\s+{re.escape(name)}\s*=([^;\n]*)",
        match.source.decode("utf-8", "replace"),
    )
    return declaration is not None and bool(_PLACEHOLDER.search(declaration.group(1)))


def _sql_parts(match: Match, node: ts.Node) -> tuple[list[str], list[ts.Node]] | None:
    """The literal pieces of a template or ``+`` chain, and the non-literal parts."""
    node = unparen(node)
    if node.type == "template_string":
        pieces: list[str] = []
        values: list[ts.Node] = []
        for child in node.named_children:
            if child.type == "string_fragment":
                pieces.append(match.text(child))
            elif child.type == "template_substitution":
                values.append(child)
        return pieces, values
    if node.type != "binary_expression":
        return None
    pieces = []
    values = []
    for leaf in _concat_leaves(node):
        if leaf.type == "string":
            pieces.append(_literal_text(match, leaf))
        elif leaf.type == "template_string":
            found = _sql_parts(match, leaf)
            if found is not None:
                pieces.extend(found[0])
                values.extend(found[1])
        elif leaf.type != "number":
            values.append(leaf)
    return pieces, values


#: Only the start of very long text is searched: the SQL shape shows early.
_SQL_SEARCH_CHARS = 4000


def _looks_like_sql(pieces: list[str]) -> bool:
    text = " ".join(pieces)[:_SQL_SEARCH_CHARS]
    return bool(_SQL.search(text)) or any(_QUOTED_VALUE.search(p) for p in pieces)


def _is_sql_built_from_data(match: Match, node: ts.Node, *, needs_sql: bool = True) -> bool:
    found = _sql_parts(match, node)
    if found is None:
        return False
    pieces, values = found
    if not values or (needs_sql and not _looks_like_sql(pieces)):
        return False
    return any(not _is_safe_value(match, value) for value in values)


# `TABLE_NAME`, `Tables.USERS`, `this.TABLE`: constants by convention, fixed in the code.
_CONSTANT = re.compile(r"^(?:(?:this|[A-Z]\w*)\.)*[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$")


def _is_safe_value(match: Match, value: ts.Node) -> bool:
    """A spliced value that cannot carry data: a constant, or generated placeholders."""
    if value.type == "template_substitution":
        if _builds_placeholders(match, value):
            return True
        inner = _named(value)
        if len(inner) != 1:
            return False
        value = inner[0]
    text = match.text(value)
    return (
        len(text) > 1
        and value.type in ("identifier", "member_expression")
        and bool(_CONSTANT.search(text))
    )


def _check_node(match: Match, name: str) -> ts.Node:
    node = match.node(name)
    if node is None:  # pragma: no cover - every query below captures what its check reads
        raise LookupError(name)
    return node


# --- Smells --------------------------------------------------------------------------------


def _loose_equality(match: Match) -> bool | None:
    for name in ("left", "right"):
        side = unparen(_check_node(match, name))
        if side.type in ("null", "undefined"):
            return None
        if side.type == "unary_expression" and match.text(side).startswith("typeof"):
            # typeof always yields a string: nothing is converted.
            return None
    return True


_IGNORED_NAMES = re.compile(r"^(?:_\w*|ignored?|expected|unused)$", re.IGNORECASE)


def _empty_catch(match: Match) -> bool | None:
    parameter = match.node("parameter")
    if parameter is None or _IGNORED_NAMES.match(match.text(parameter)):
        return None  # `catch {}` / `catch (_ignored) {}` says the error is ignored on purpose
    body = _check_node(match, "body")
    # A comment in the block documents a deliberate decision.
    return True if body.named_child_count == 0 else None


def _empty_catch_handler(match: Match) -> bool | None:
    handler = unparen(_check_node(match, "handler"))
    body = handler.child_by_field_name("body")
    if body is None or body.type != "statement_block":
        return None
    return True if body.named_child_count == 0 else None


def _chain(call: ts.Node) -> Iterator[tuple[ts.Node, ts.Node | None]]:
    """(call, property) down a method chain ``a.b().c().d()``, outermost first."""
    node: ts.Node | None = call
    while node is not None and node.type == "call_expression":
        function = node.child_by_field_name("function")
        if function is None or function.type != "member_expression":
            yield node, None
            return
        yield node, function.child_by_field_name("property")
        receiver = function.child_by_field_name("object")
        node = unparen(receiver) if receiver is not None else None


def _chain_root(call: ts.Node) -> ts.Node:
    node = call
    while True:
        if node.type == "call_expression":
            inner = node.child_by_field_name("function")
        elif node.type == "member_expression":
            inner = node.child_by_field_name("object")
        else:
            return node
        if inner is None:
            return node
        node = unparen(inner)


_NON_PROMISE_CHAINS = frozenset({"cy", "cypress", "$", "jQuery"})


def _unhandled_promise(match: Match) -> bool | None:
    call = _check_node(match, "hit")
    then_call: ts.Node | None = None
    for link, prop in _chain(call):
        name = match.text(prop) if prop is not None else ""
        if name == "catch":
            return None
        if name == "then" and then_call is None:
            then_call = link
    if then_call is None:
        return None
    arguments = then_call.child_by_field_name("arguments")
    if arguments is None or arguments.type != "arguments" or len(_named(arguments)) != 1:
        return None  # a second argument is a rejection handler
    if match.text(_chain_root(call)) in _NON_PROMISE_CHAINS:
        return None  # Cypress and jQuery chains look like promises but are not
    return True


# Calls whose function arguments are not asynchronous callbacks: test-suite structure,
# synchronous array methods, React hooks and state updaters.
_NOT_CALLBACK_HOSTS = frozenset(
    {
        "describe",
        "context",
        "suite",
        "it",
        "test",
        "beforeEach",
        "afterEach",
        "beforeAll",
        "afterAll",
        "map",
        "filter",
        "reduce",
        "reduceRight",
        "forEach",
        "some",
        "every",
        "find",
        "findIndex",
        "findLast",
        "flatMap",
        "sort",
        "useEffect",
        "useLayoutEffect",
        "useCallback",
        "useMemo",
        "define",
    }
)
# `setCount(c => c + 1)` updates React state synchronously; timers are real callbacks.
_STATE_SETTER = re.compile(r"set(?!Timeout|Interval|Immediate)[A-Z]")


def _is_callback(function: ts.Node, match: Match) -> bool:
    arguments = function.parent
    if arguments is None or arguments.type != "arguments":
        return False
    call = arguments.parent
    if call is None or call.type not in ("call_expression", "new_expression"):
        return False
    name = _callee_name(call, match)
    return name not in _NOT_CALLBACK_HOSTS and not _STATE_SETTER.match(name)


def _nested_callbacks(match: Match) -> bool | None:
    function = _check_node(match, "hit")
    if not _is_callback(function, match):
        return None
    sibling = function.prev_named_sibling
    while sibling is not None:
        if sibling.type in _FUNCTIONS:
            return None  # `.then(onDone, onError)`: one report for the call is enough
        sibling = sibling.prev_named_sibling
    depth = 1
    for parent in syntax.ancestors(function):
        if parent.type in _FUNCTIONS and _is_callback(parent, match):
            depth += 1
            if depth > 3:
                return None  # reported where the third level starts
    return True if depth == 3 else None


# --- Security ------------------------------------------------------------------------------


def _dynamic_function(match: Match) -> bool | None:
    arguments = _check_node(match, "hit").child_by_field_name("arguments")
    args = _named(arguments) if arguments is not None else []
    if len(args) == 1 and match.text(args[0])[1:-1] == "return this":
        return None  # the global-object idiom of older bundles: fixed text, no data
    return True


def _string_code(match: Match) -> bool | None:
    code = unparen(_check_node(match, "code"))
    if code.type in _STRINGS:
        return True
    # A `+` chain is code only when it joins strings (a delay is a number expression).
    return True if any(leaf.type in _STRINGS for leaf in _concat_leaves(code)) else None


def _non_static_html(match: Match) -> bool | None:
    value = _check_node(match, "value")
    if _is_static(value) or _is_sanitized(match, value):
        return None
    return True


def _dangerous_html(match: Match) -> bool | None:
    value = unparen(_check_node(match, "value"))
    if value.type != "object":
        return True if not _is_sanitized(match, value) else None
    for pair in value.named_children:
        if pair.type != "pair":
            continue
        key = pair.child_by_field_name("key")
        inner = pair.child_by_field_name("value")
        if inner is not None and match.text(key).strip("'\"") == "__html":
            return None if _is_static(inner) or _is_sanitized(match, inner) else True
    return None


# Methods where the text is raw SQL by name; anywhere else, the text must look like SQL.
_RAW_SQL_METHODS = frozenset(
    {"whereRaw", "havingRaw", "orderByRaw", "joinRaw", "$queryRawUnsafe", "$executeRawUnsafe"}
)
_SQL_METHODS = frozenset({"query", "execute", "raw", "unsafe"}) | _RAW_SQL_METHODS


def _sql_call(match: Match) -> bool | None:
    method = match.text(match.node("method"))
    sql = _check_node(match, "sql")
    needs_sql = method not in _RAW_SQL_METHODS
    return True if _is_sql_built_from_data(match, sql, needs_sql=needs_sql) else None


@functools.cache
def _sql_use_query(name: str) -> ts.Query:
    return ts.Query(
        syntax.language(name),
        """
        (call_expression
          function: (member_expression property: (property_identifier) @method)
          arguments: (arguments . (identifier) @arg))
        """,
    )


def _sql_variable(language: str, match: Match) -> str | None:
    """A variable holding SQL built from data that a query method then runs."""
    sql = _check_node(match, "sql")
    if not _is_sql_built_from_data(match, sql):
        return None
    name = match.text(match.node("name"))
    hit = _check_node(match, "hit")
    scope = syntax.enclosing(
        hit,
        (
            "function_declaration",
            "function_expression",
            "arrow_function",
            "method_definition",
            "generator_function_declaration",
            "program",
        ),
    )
    if scope is None:
        return None
    cursor = ts.QueryCursor(_sql_use_query(language))
    for _index, captures in cursor.matches(scope):
        method = match.text(captures["method"][0])
        if match.text(captures["arg"][0]) == name and method in _SQL_METHODS:
            return (
                f"`{name}` is SQL text built from values and is then run by `{method}()`; "
                "values spliced into SQL can change the query itself (SQL injection)."
            )
    return None


# Which local names refer to child_process (or shelljs) in this file; computed once per
# source with regular expressions over the text, which stay cheap on large files.
_MODULE = r"""['"](?:node:)?(?:child_process|shelljs)['"]"""
_MODULE_BINDING = re.compile(
    rf"(?:(?:const|let|var)\s+(\w+)\s*=\s*require\(\s*{_MODULE}\s*\)"
    rf"|import\s+(?:\*\s+as\s+)?(\w+)\s+from\s+{_MODULE})"
)
_DESTRUCTURED = re.compile(
    rf"(?:(?:const|let|var)\s*\{{([^}}]*)\}}\s*=\s*require\(\s*{_MODULE}\s*\)"
    rf"|import\s*\{{([^}}]*)\}}\s*from\s*{_MODULE})"
)


@functools.lru_cache(maxsize=4)
def _process_bindings(source: bytes) -> tuple[frozenset[str], frozenset[str]]:
    """(module names, exec function names) bound to child_process in ``source``."""
    if b"child_process" not in source and b"shelljs" not in source:
        return frozenset(), frozenset()
    text = source.decode("utf-8", "replace")
    modules = {a or b for a, b in _MODULE_BINDING.findall(text)}
    functions: set[str] = set()
    for a, b in _DESTRUCTURED.findall(text):
        for item in (a or b).split(","):
            parts = re.split(r"\s*(?::|\bas\b)\s*", item.strip())
            if parts[0] in ("exec", "execSync"):
                functions.add(parts[-1])
    return frozenset(modules), frozenset(functions)


def _shell_command(match: Match) -> bool | None:
    modules, functions = _process_bindings(match.source)
    owner = match.node("module")
    if owner is None:
        if match.text(match.node("function")) not in functions:
            return None
    else:
        owner = unparen(owner)
        text = match.text(owner)
        if owner.type == "call_expression":
            if "child_process" not in text:
                return None
        elif text not in modules:
            return None
    return None if _is_static(_check_node(match, "command")) else True


_REQUEST_DATA = re.compile(r"^(?:req|request)\.(?:query|body|params)\b")


def _open_redirect(match: Match) -> bool | None:
    url = unparen(_check_node(match, "url"))
    if url.type not in ("member_expression", "subscript_expression"):
        return None
    return True if _REQUEST_DATA.match(match.text(url)) else None


# --- Patterns ------------------------------------------------------------------------------


def _discriminant_keys(match: Match, node: ts.Node) -> set[str]:
    """Property names with a literal type (``kind: "circle"``) in an object type."""
    keys = set()
    for prop in node.named_children:
        if prop.type != "property_signature":
            continue
        annotation = prop.child_by_field_name("type")
        literal = annotation.named_children[0] if annotation and annotation.named_children else None
        if literal is not None and literal.type == "literal_type":
            keys.add(match.text(prop.child_by_field_name("name")))
    return keys


@functools.cache
def _interfaces_query(name: str) -> ts.Query:
    return ts.Query(
        syntax.language(name),
        "(interface_declaration name: (type_identifier) @name body: (interface_body) @body)",
    )


def _discriminated_union(language: str, match: Match) -> bool | None:
    members: list[ts.Node] = []
    stack = [_check_node(match, "union")]
    while stack:
        node = stack.pop()
        if node.type in ("union_type", "parenthesized_type"):
            stack.extend(node.named_children)
        else:
            members.append(node)
    if len(members) < 2:
        return None
    named = {match.text(m) for m in members if m.type == "type_identifier"}
    bodies = [m for m in members if m.type == "object_type"]
    if named:
        root = _check_node(match, "hit")
        while root.parent is not None:
            root = root.parent
        cursor = ts.QueryCursor(_interfaces_query(language))
        for _index, captures in cursor.matches(root):
            if match.text(captures["name"][0]) in named:
                bodies.append(captures["body"][0])
    shared: set[str] | None = None
    for body in bodies:
        keys = _discriminant_keys(match, body)
        shared = keys if shared is None else shared & keys
    return True if len(bodies) >= 2 and shared else None


# --- The checks ----------------------------------------------------------------------------

_HOST_OBJECTS = '"window" "globalThis" "self" "global"'

CHECKS: tuple[QueryCheck, ...] = (
    QueryCheck(
        "js.loose-equality",
        """
        (binary_expression left: (_) @left operator: ["==" "!="] right: (_) @right) @hit
        """,
        "`==`/`!=` converts types before comparing, so values of different types can compare "
        "equal by surprise; strict `===`/`!==` avoids that.",
        _loose_equality,
        JS,
    ),
    QueryCheck(
        "js.var",
        "(variable_declaration) @hit",
        "`var` is function-scoped and hoisted, so this variable is visible outside the block "
        "it is declared in; `let` or `const` keep it block-scoped.",
        lambda m: None if (m.hit.parent and m.hit.parent.type) == "ambient_declaration" else True,
        JS,
    ),
    QueryCheck(
        "js.console-log",
        """
        (call_expression
          function: (member_expression
            object: (identifier) @object
            property: (property_identifier) @method)
          (#eq? @object "console")
          (#any-of? @method "log" "debug" "info")) @hit
        """,
        "This console call looks like a debugging leftover; it clutters the output and may "
        "print data that should stay private.",
        None,
        JS,
    ),
    QueryCheck(
        "js.empty-catch",
        "(catch_clause parameter: (_)? @parameter body: (statement_block) @body) @hit",
        "This empty catch block swallows the error, so failures here go unnoticed and the "
        "program continues in an unknown state.",
        _empty_catch,
        JS,
    ),
    QueryCheck(
        "js.empty-catch",
        """
        (call_expression
          function: (member_expression property: (property_identifier) @method)
          arguments: (arguments . [(arrow_function) (function_expression)] @handler .)
          (#eq? @method "catch")) @hit
        """,
        "This empty `.catch()` handler swallows the rejection, so failures here go unnoticed.",
        _empty_catch_handler,
        JS,
    ),
    QueryCheck(
        "js.unhandled-promise",
        """
        (expression_statement
          (call_expression
            function: (member_expression property: (property_identifier) @method)
            (#any-of? @method "then" "finally")) @hit)
        """,
        "This promise chain has no `.catch()` and is neither awaited nor returned, so a "
        "rejection here is unhandled and the failure is lost.",
        _unhandled_promise,
        JS,
    ),
    QueryCheck(
        "js.debugger",
        "(debugger_statement) @hit",
        "This `debugger` statement pauses the program whenever developer tools are open; it "
        "is a debugging leftover.",
        None,
        JS,
    ),
    QueryCheck(
        "ts.any",
        '((predefined_type) @hit (#eq? @hit "any"))',
        "`any` turns type checking off for this value, so mistakes with it are no longer "
        "caught by the compiler.",
        None,
        TS_ONLY,
    ),
    QueryCheck(
        "js.nested-callbacks",
        "(arguments [(arrow_function) (function_expression)] @hit)",
        "This callback is nested three levels deep, which makes the control flow and the "
        "error handling hard to follow.",
        _nested_callbacks,
        JS,
    ),
    QueryCheck(
        "js.eval",
        '(call_expression function: (identifier) @f (#eq? @f "eval")) @hit',
        "`eval` runs a string as code; if any part of it comes from outside, an attacker can "
        "run their own code.",
        None,
        JS,
    ),
    QueryCheck(
        "js.eval",
        f"""
        (call_expression
          function: (member_expression
            object: (identifier) @object
            property: (property_identifier) @f)
          (#any-of? @object {_HOST_OBJECTS})
          (#eq? @f "eval")) @hit
        """,
        "`eval` runs a string as code; if any part of it comes from outside, an attacker can "
        "run their own code.",
        None,
        JS,
    ),
    QueryCheck(
        "js.eval",
        """
        ([(new_expression constructor: (identifier) @f)
          (call_expression function: (identifier) @f)]
         @hit (#eq? @f "Function"))
        """,
        "The `Function` constructor compiles a string into code, which is as dangerous as "
        "`eval` when any part of that string comes from outside.",
        _dynamic_function,
        JS,
    ),
    QueryCheck(
        "js.eval",
        """
        (call_expression
          function: [
            (identifier) @f
            (member_expression property: (property_identifier) @f)]
          arguments: (arguments . [(string) (template_string) (binary_expression)] @code)
          (#any-of? @f "setTimeout" "setInterval")) @hit
        """,
        "Passing a string to setTimeout/setInterval makes it run that string as code, like "
        "`eval`; a function does the same job without that risk.",
        _string_code,
        JS,
    ),
    QueryCheck(
        "js.inner-html",
        """
        ([(assignment_expression
            left: (member_expression property: (property_identifier) @property)
            right: (_) @value)
          (augmented_assignment_expression
            left: (member_expression property: (property_identifier) @property)
            right: (_) @value)]
         @hit (#any-of? @property "innerHTML" "outerHTML"))
        """,
        "Assigning a non-constant string to innerHTML parses it as HTML, so markup in the "
        "data can run as script (cross-site scripting).",
        _non_static_html,
        JS,
    ),
    QueryCheck(
        "js.inner-html",
        """
        (call_expression
          function: (member_expression property: (property_identifier) @method)
          arguments: (arguments . (_) . (_) @value)
          (#eq? @method "insertAdjacentHTML")) @hit
        """,
        "insertAdjacentHTML with a non-constant string parses it as HTML, so markup in the "
        "data can run as script (cross-site scripting).",
        _non_static_html,
        JS,
    ),
    QueryCheck(
        "js.react-dangerous-html",
        """
        (jsx_attribute
          (property_identifier) @name
          (jsx_expression (_) @value)
          (#eq? @name "dangerouslySetInnerHTML")) @hit
        """,
        "dangerouslySetInnerHTML with a non-constant value inserts raw HTML, so markup in the "
        "data can run as script unless it was sanitised.",
        _dangerous_html,
        WITH_JSX,
    ),
    QueryCheck(
        "js.react-dangerous-html",
        """
        (pair
          key: (property_identifier) @name
          value: (_) @value
          (#eq? @name "dangerouslySetInnerHTML")) @hit
        """,
        "dangerouslySetInnerHTML with a non-constant value inserts raw HTML, so markup in the "
        "data can run as script unless it was sanitised.",
        _dangerous_html,
        JS,
    ),
    QueryCheck(
        "js.document-write",
        """
        (call_expression
          function: (member_expression
            object: (identifier) @object
            property: (property_identifier) @method)
          arguments: (arguments . (_) @value)
          (#eq? @object "document")
          (#any-of? @method "write" "writeln")) @hit
        """,
        "document.write with a non-constant string parses the data as HTML, so markup in it "
        "can run as script (cross-site scripting).",
        _non_static_html,
        JS,
    ),
    QueryCheck(
        "js.sql-injection",
        """
        (call_expression
          function: [
            (member_expression property: (property_identifier) @method)
            ; `await db.query<Row>(...)`: tree-sitter-typescript parses the await as the callee
            (await_expression (member_expression property: (property_identifier) @method))]
          arguments: (arguments . [(template_string) (binary_expression)] @sql)
          (#any-of? @method "query" "execute" "raw" "unsafe" "whereRaw" "havingRaw"
            "orderByRaw" "joinRaw" "$queryRawUnsafe" "$executeRawUnsafe")) @hit
        """,
        "This SQL is built by splicing values into the text, so those values can change the "
        "query itself (SQL injection).",
        _sql_call,
        JS,
    ),
    *(
        QueryCheck(
            "js.sql-injection",
            """
            [(variable_declarator
               name: (identifier) @name
               value: [(template_string) (binary_expression)] @sql)
             (assignment_expression
               left: (identifier) @name
               right: [(template_string) (binary_expression)] @sql)] @hit
            """,
            "",
            functools.partial(_sql_variable, language),
            (language,),
        )
        for language in JS
    ),
    QueryCheck(
        "js.child-process",
        """
        (call_expression
          function: [
            (identifier) @function
            (member_expression object: (_) @module property: (property_identifier) @function)]
          arguments: (arguments . (_) @command)
          (#any-of? @function "exec" "execSync")) @hit
        """,
        "This shell command is built from data, so shell metacharacters in that data can run "
        "other commands (command injection).",
        _shell_command,
        JS,
    ),
    QueryCheck(
        "js.open-redirect",
        """
        (call_expression
          function: (member_expression property: (property_identifier) @method)
          arguments: (arguments (_) @url .)
          (#eq? @method "redirect")) @hit
        """,
        "This redirect goes to a URL taken from the request, so anyone can make a link on "
        "this site that forwards users to a site of their choosing (open redirect).",
        _open_redirect,
        JS,
    ),
    # Patterns
    QueryCheck("pattern:async-await", "(await_expression) @hit", languages=JS),
    QueryCheck(
        "pattern:promises",
        """
        ((new_expression constructor: (identifier) @name) @hit (#eq? @name "Promise"))
        """,
        languages=JS,
    ),
    QueryCheck(
        "pattern:promises",
        """
        (call_expression
          function: (member_expression
            object: (identifier) @name
            property: (property_identifier) @method)
          (#eq? @name "Promise")
          (#any-of? @method "all" "allSettled" "race" "any" "resolve" "reject")) @hit
        """,
        languages=JS,
    ),
    QueryCheck(
        "pattern:promises",
        """
        (call_expression
          function: (member_expression property: (property_identifier) @method)
          (#eq? @method "then")) @hit
        """,
        languages=JS,
    ),
    QueryCheck(
        "pattern:typescript",
        "[(interface_declaration) (type_alias_declaration) (enum_declaration)] @hit",
        languages=TS_ONLY,
    ),
    QueryCheck(
        "pattern:type-annotations",
        """
        [(required_parameter type: (type_annotation) @hit)
         (optional_parameter type: (type_annotation) @hit)
         (_ return_type: (type_annotation) @hit)]
        """,
        languages=TS_ONLY,
    ),
    *(
        QueryCheck(
            "pattern:discriminated-unions",
            "(type_alias_declaration value: (union_type) @union) @hit",
            check=functools.partial(_discriminated_union, language),
            languages=(language,),
        )
        for language in TS_ONLY
    ),
    QueryCheck(
        "pattern:dom-manipulation",
        """
        (call_expression
          function: (member_expression
            object: (identifier) @object
            property: (property_identifier) @method)
          (#eq? @object "document")
          (#any-of? @method "getElementById" "querySelector" "querySelectorAll"
            "createElement" "getElementsByClassName" "getElementsByTagName")) @hit
        """,
        languages=JS,
    ),
    QueryCheck(
        "pattern:dom-manipulation",
        """
        (call_expression
          function: (member_expression property: (property_identifier) @method)
          (#any-of? @method "appendChild" "removeChild" "replaceChildren" "insertBefore"
            "replaceWith")) @hit
        """,
        languages=JS,
    ),
    QueryCheck(
        "pattern:events",
        """
        (call_expression
          function: (member_expression property: (property_identifier) @method)
          arguments: (arguments . (string))
          (#any-of? @method "addEventListener" "removeEventListener" "on" "once" "off"
            "emit")) @hit
        """,
        languages=JS,
    ),
    QueryCheck(
        "pattern:events",
        '((new_expression constructor: (identifier) @base) @hit (#eq? @base "EventEmitter"))',
        languages=JS,
    ),
    QueryCheck(
        "pattern:events",
        '((class_heritage (identifier) @base) @hit (#eq? @base "EventEmitter"))',
        languages=("JavaScript",),
    ),
    QueryCheck(
        "pattern:events",
        """
        ((class_heritage (extends_clause value: (identifier) @base)) @hit
         (#eq? @base "EventEmitter"))
        """,
        languages=TS_ONLY,
    ),
    QueryCheck(
        "pattern:higher-order-functions",
        """
        (call_expression
          function: (member_expression property: (property_identifier) @method)
          arguments: (arguments . [(arrow_function) (function_expression) (identifier)])
          (#any-of? @method "map" "filter" "reduce" "flatMap" "some" "every" "find")) @hit
        """,
        languages=JS,
    ),
    QueryCheck(
        "pattern:closures",
        """
        [(return_statement [(arrow_function) (function_expression)] @hit)
         (arrow_function body: (arrow_function) @hit)]
        """,
        languages=JS,
    ),
    QueryCheck(
        "pattern:http-requests",
        """
        ((call_expression function: (identifier) @f) @hit (#any-of? @f "fetch" "axios"))
        """,
        languages=JS,
    ),
    QueryCheck(
        "pattern:http-requests",
        """
        (call_expression
          function: (member_expression
            object: (identifier) @object
            property: (property_identifier) @method)
          (#eq? @object "axios")
          (#any-of? @method "get" "post" "put" "patch" "delete" "head" "request")) @hit
        """,
        languages=JS,
    ),
    QueryCheck(
        "pattern:unit-tests",
        """
        (call_expression
          function: (identifier) @f
          arguments: (arguments
            . [(string) (template_string)]
            . [(arrow_function) (function_expression)])
          (#any-of? @f "describe" "it" "test")) @hit
        """,
        languages=JS,
    ),
    QueryCheck(
        "pattern:mocking",
        """
        (call_expression
          function: (member_expression
            object: (identifier) @object
            property: (property_identifier) @method)
          (#any-of? @object "jest" "vi" "sinon")
          (#any-of? @method "mock" "fn" "spyOn" "stub" "spy" "fake" "doMock")) @hit
        """,
        languages=JS,
    ),
    QueryCheck(
        "pattern:strict-equality",
        '(binary_expression operator: ["===" "!=="]) @hit',
        languages=JS,
    ),
    QueryCheck(
        "pattern:error-handling",
        "[(try_statement handler: (catch_clause)) (throw_statement)] @hit",
        languages=JS,
    ),
    QueryCheck(
        "pattern:custom-exceptions",
        """
        ((class_declaration (class_heritage (identifier) @base)) @hit (#match? @base "Error$"))
        """,
        languages=("JavaScript",),
    ),
    QueryCheck(
        "pattern:custom-exceptions",
        """
        ((class_declaration (class_heritage (extends_clause value: (identifier) @base)))
         @hit (#match? @base "Error$"))
        """,
        languages=TS_ONLY,
    ),
)


# --- Imports -------------------------------------------------------------------------------

# ES module imports are top-level statements, so that query only looks at the top level;
# `require(...)` and `import(...)` can be anywhere, so they are found in the text first and
# the query then runs on just those places (no full-tree pass for imports).
_STATEMENT_IMPORTS = """
(import_statement source: (string (string_fragment) @source))
(export_statement source: (string (string_fragment) @source))
"""
_TS_STATEMENT_IMPORTS = """
(import_statement (import_require_clause source: (string (string_fragment) @source)))
"""
_CALL_IMPORTS = """
(call_expression
  function: [(identifier) @f (import)]
  arguments: (arguments . (string (string_fragment) @source) .)
  (#match? @f "^(require)?$"))
"""


@functools.cache
def _imports_queries(name: str) -> tuple[ts.Query, ts.Query]:
    statements = _STATEMENT_IMPORTS + (_TS_STATEMENT_IMPORTS if name in TS_ONLY else "")
    return (
        ts.Query(syntax.language(name), statements),
        ts.Query(syntax.language(name), _CALL_IMPORTS),
    )


def _package_name(specifier: str) -> str | None:
    if specifier.startswith((".", "/")) or not specifier:
        return None
    specifier = specifier.removeprefix("node:")
    parts = specifier.split("/")
    if specifier.startswith("@"):
        return "/".join(parts[:2]) if len(parts) >= 2 else None
    return parts[0]


#: Call sites closer than this are searched in one range (`require`s cluster at the top).
_SPAN_GAP = 2048


def _call_import_places(source: bytes) -> list[int]:
    """Where ``require(`` / ``import(`` may start (bytes.find is far faster than a regex
    here; the query checks each place properly)."""
    places = []
    for word in (b"require", b"import"):
        position = source.find(word)
        while position != -1:
            if source[position + len(word) : position + len(word) + 1] == b"(":
                places.append(position)
            position = source.find(word, position + len(word))
    places.sort()
    return places


def _spans(places: list[int]) -> Iterator[tuple[int, int]]:
    """Byte ranges around ``places``, merging places closer than the gap."""
    start = end = -1
    for place in places:
        if start >= 0 and place - end > _SPAN_GAP:
            yield start, end
            start = -1
        if start < 0:
            start = place
        end = place + 8
    if start >= 0:
        yield start, end


def import_names(tree: ts.Tree, source: bytes) -> list[str]:
    """Packages this file imports (``import ... from``, ``export ... from``, ``require``,
    ``import()``): ``@scope/name`` or the first path segment, without ``node:``; relative
    and absolute paths are the project's own files and are skipped."""
    language = next((n for n in JS if tree.language == syntax.language(n)), None)
    if language is None:
        return []
    statements, calls = _imports_queries(language)
    nodes: list[ts.Node] = []
    cursor = ts.QueryCursor(statements)
    cursor.set_max_start_depth(1)
    for _index, captures in cursor.matches(tree.root_node):
        nodes.extend(captures["source"])
    for start, end in _spans(_call_import_places(source)):
        cursor = ts.QueryCursor(calls)
        cursor.set_byte_range(start, end)
        for _index, captures in cursor.matches(tree.root_node):
            nodes.extend(captures["source"])
    packages: dict[str, None] = {}
    for node in sorted(nodes, key=lambda n: n.start_byte):
        specifier = source[node.start_byte : node.end_byte].decode("utf-8", "replace")
        package = _package_name(specifier)
        if package:
            packages[package] = None
    return list(packages)
