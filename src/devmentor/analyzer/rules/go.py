"""Go rules, patterns and import paths, as tree-sitter query checks.

A compact set aimed at the mistakes that matter most in Go: errors thrown away, SQL and
shell commands built from data, and TLS verification switched off.
"""

from __future__ import annotations

import functools
import re

import tree_sitter as ts

from devmentor.analyzer import syntax
from devmentor.analyzer.rules.base import (
    PatternDef,
    Rule,
    register_patterns,
    register_rules,
)
from devmentor.analyzer.syntax import Match, QueryCheck, concat_parts, unparen

GO = ("Go",)

RULES: tuple[Rule, ...] = (
    Rule(
        "go.ignored-error",
        "Error discarded with _",
        "smell",
        "medium",
        "Assigning a call's error result to `_` throws the error away: when the call fails, "
        "the program continues with a zero value and nobody learns why.",
        tags=("pattern:error-handling",),
    ),
    Rule(
        "go.empty-error-check",
        "Empty `if err != nil` block",
        "smell",
        "medium",
        "An `if err != nil {}` with an empty body checks the error and then ignores it, which "
        "reads as handled but is not.",
        tags=("pattern:error-handling",),
    ),
    Rule(
        "go.sql-injection",
        "SQL built with Sprintf or +",
        "security",
        "high",
        "SQL text built with `fmt.Sprintf` or `+` from values lets those values change the "
        "query itself (SQL injection); placeholders (`?` / `$1`) with the values passed as "
        "query arguments keep data out of the SQL.",
        cwe=89,
        tags=("pattern:raw-sql", "pattern:parameterized-queries", "sql.string-concat"),
    ),
    Rule(
        "go.command-injection",
        "Shell command built from data",
        "security",
        "high",
        '`exec.Command("sh", "-c", script)` runs the script through a shell: if the script is '
        "built from data, shell metacharacters in it run other commands (command "
        "injection). Running the program directly with separate arguments avoids the shell.",
        cwe=78,
        tags=("pattern:shell-commands", "pattern:subprocess"),
    ),
    Rule(
        "go.tls-insecure",
        "TLS certificate verification disabled",
        "security",
        "medium",
        "`InsecureSkipVerify: true` accepts any certificate, so anyone on the network path "
        "can impersonate the server and read or change the traffic.",
        cwe=295,
    ),
)

PATTERNS: tuple[PatternDef, ...] = (
    PatternDef("pattern:concurrency", "Concurrency"),
    PatternDef("pattern:error-handling", "Error handling"),
    PatternDef("pattern:unit-tests", "Unit tests"),
    PatternDef("pattern:benchmarking", "Benchmarks"),
    PatternDef(
        "pattern:custom-exceptions",
        "Custom exceptions",
        ("pattern:custom-exceptions", "pattern:exceptions"),
    ),
)

register_rules(RULES)
register_patterns(PATTERNS)


# --- Helpers -------------------------------------------------------------------------------

_STRING_TYPES = frozenset({"interpreted_string_literal", "raw_string_literal"})


def _named(node: ts.Node) -> list[ts.Node]:
    return [child for child in node.named_children if child.type != "comment"]


def _string_value(match: Match, node: ts.Node) -> str | None:
    """The text of a string literal (escapes left as written), or None for anything else."""
    node = unparen(node)
    if node.type not in _STRING_TYPES:
        return None
    return match.text(node)[1:-1]


def _callee(match: Match, call: ts.Node) -> tuple[str, str]:
    """(receiver text, function name) of a call: ``("db", "Query")``, ``("", "f")``."""
    function = call.child_by_field_name("function")
    if function is None:
        return "", ""
    if function.type == "selector_expression":
        return (
            match.text(function.child_by_field_name("operand")),
            match.text(function.child_by_field_name("field")),
        )
    return "", match.text(function)


def _check_node(match: Match, name: str) -> ts.Node:
    node = match.node(name)
    if node is None:  # pragma: no cover - every query below captures what its check reads
        raise LookupError(name)
    return node


# --- go.ignored-error ------------------------------------------------------------------------

# Standard calls whose last result is a bool, a count or a cancel function, not an error:
# `v, _ := m.Load(k)` and `dir, _ := filepath.Split(p)` ignore nothing that failed.
_NOT_ERROR_LAST = frozenset(
    {
        "Load",
        "LoadOrStore",
        "LoadAndDelete",
        "Swap",
        "LookupEnv",
        "Lookup",
        "Cut",
        "CutPrefix",
        "CutSuffix",
        "DecodeRune",
        "DecodeRuneInString",
        "DecodeLastRune",
        "DecodeLastRuneInString",
        "Modf",
        "Frexp",
        "Sincos",
        "SetString",
        "FieldByName",
        "MethodByName",
        "Split",
        "Caller",
        "Deadline",
        "BinarySearch",
        "BinarySearchFunc",
        "Find",
        "Float32",
        "Float64",
        "Int64",
        "Uint64",
        "WithCancel",
        "WithCancelCause",
        "WithTimeout",
        "WithDeadline",
        "WithContext",
        "Value",
        "TryRecv",
        "Recv",
    }
)
# Builtins that return one non-error value.
_BUILTINS = frozenset({"append", "len", "cap", "make", "new", "min", "max", "copy", "recover"})
_DECLARATIONS_QUERY = """
[(function_declaration name: (identifier) @name result: (_)? @result)
 (method_declaration name: (field_identifier) @name result: (_)? @result)]
"""


@functools.cache
def _declarations_query() -> ts.Query:
    return ts.Query(syntax.language("Go"), _DECLARATIONS_QUERY)


def _root(node: ts.Node) -> ts.Node:
    while node.parent is not None:
        node = node.parent
    return node


@functools.lru_cache(maxsize=4)
def _declared_results(source: bytes, root: ts.Node) -> dict[str, str]:
    """Function or method name -> its result types as written, for the functions this
    file declares (one top-level query, shared by every match in the file)."""
    cursor = ts.QueryCursor(_declarations_query())
    cursor.set_max_start_depth(1)
    results: dict[str, str] = {}
    for _index, captures in cursor.matches(root):
        name = captures["name"][0]
        result = captures.get("result")
        text = source[result[0].start_byte : result[0].end_byte] if result else b""
        results.setdefault(
            source[name.start_byte : name.end_byte].decode("utf-8", "replace"),
            text.decode("utf-8", "replace"),
        )
    return results


def _ignored_error(match: Match) -> str | bool | None:
    call = unparen(_check_node(match, "call"))
    if call.type != "call_expression":
        return None
    receiver, name = _callee(match, call)
    if not receiver and name in _BUILTINS:
        return None
    single = match.node("single") is not None
    # `_ = f()` compiles only when f has one result, so the two-result list does not apply.
    if not single and (name in _NOT_ERROR_LAST or (name == "Get" and receiver != "http")):
        return None
    results = _declared_results(match.source, _root(call)).get(name)
    if results is not None and "error" not in results:
        return None  # declared in this file, and its last result is not an error
    if single:
        return (
            f"The result of `{match.text(call.child_by_field_name('function'))}` is thrown "
            "away with `_`; if it is an error, a failure here goes unnoticed."
        )
    return True


# --- go.sql-injection --------------------------------------------------------------------------

_SQL = re.compile(
    r"\b(?:select\s[\s\S]*?\bfrom\b|insert\s+into\b|update\s+[\w.`\"\[\]]+\s+set\b"
    r"|delete\s+from\b|merge\s+into\b|where\s+[\w.`\"]+\s*(?:=|<|>|!=|<>|\blike\b|\bin\b)"
    r"|order\s+by\b|group\s+by\b|values\s*\()",
    re.IGNORECASE,
)
_QUOTED_VALUE = re.compile(r"(?:=|<|>|\blike)\s*'$", re.IGNORECASE)
# Verbs that splice text; `%d` alone formats numbers, which cannot carry SQL.
_TEXT_VERB = re.compile(r"%[-+# 0-9.*\[\]]*[svqxX]")
_SQL_METHODS = frozenset(
    {
        "Query",
        "QueryRow",
        "QueryContext",
        "QueryRowContext",
        "Exec",
        "ExecContext",
        "Prepare",
        "PrepareContext",
        "Queryx",
        "QueryRowx",
        "QueryxContext",
        "QueryRowxContext",
        "MustExec",
        "MustExecContext",
        "NamedExec",
        "NamedQuery",
        "Get",
        "GetContext",
        "Select",
        "SelectContext",
        "Raw",
        # GORM conditions take SQL fragments too.
        "Where",
        "Or",
        "Not",
        "Having",
        "Joins",
    }
)


def _looks_like_sql(pieces: list[str]) -> bool:
    text = " ".join(pieces)[:4000]
    return bool(_SQL.search(text)) or any(_QUOTED_VALUE.search(p) for p in pieces)


_CONSTANTS_QUERY = "(const_declaration (const_spec name: (identifier) @name))"


@functools.cache
def _constants_query() -> ts.Query:
    return ts.Query(syntax.language("Go"), _CONSTANTS_QUERY)


@functools.lru_cache(maxsize=4)
def _file_constants(source: bytes, root: ts.Node) -> frozenset[str]:
    """Names of the package-level constants this file declares."""
    cursor = ts.QueryCursor(_constants_query())
    cursor.set_max_start_depth(1)
    return frozenset(
        source[node.start_byte : node.end_byte].decode("utf-8", "replace")
        for _index, captures in cursor.matches(root)
        for node in captures["name"]
    )


_UPPER_CONSTANT = re.compile(r"^(?:\w+\.)?[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$")


def _is_constant(match: Match, node: ts.Node) -> bool:
    """A value fixed in the code: a literal, a constant of this file, or an ALL_CAPS name."""
    node = unparen(node)
    if node.type in _STRING_TYPES or node.type in ("int_literal", "float_literal", "true", "false"):
        return True
    if node.type not in ("identifier", "selector_expression"):
        return False
    text = match.text(node)
    if len(text) > 1 and _UPPER_CONSTANT.match(text):
        return True
    if node.type != "identifier":
        return False
    return text in _file_constants(match.source, _root(node))


def _builds_sql(match: Match, node: ts.Node) -> bool:
    """``fmt.Sprintf("... %s", v)`` or ``"..." + v`` producing SQL text."""
    node = unparen(node)
    if node.type == "call_expression":
        receiver, name = _callee(match, node)
        if receiver != "fmt" or name != "Sprintf":
            return False
        arguments = node.child_by_field_name("arguments")
        args = _named(arguments) if arguments is not None else []
        if len(args) < 2:
            return False
        template = _string_value(match, args[0])
        return (
            template is not None
            and bool(_TEXT_VERB.search(template))
            and _looks_like_sql([_TEXT_VERB.sub("x", template)])
            and not all(_is_constant(match, arg) for arg in args[1:])
        )
    if node.type == "binary_expression":
        pieces, spliced = concat_parts(
            node, functools.partial(_string_value, match), functools.partial(_is_constant, match)
        )
        return spliced and _looks_like_sql(pieces)
    return False


def _sql_call(match: Match) -> bool | None:
    arguments = _check_node(match, "arguments")
    return True if any(_builds_sql(match, arg) for arg in _named(arguments)) else None


_SQL_USE_QUERY = """
(call_expression
  function: (selector_expression field: (field_identifier) @method)
  arguments: (argument_list (identifier) @arg))
"""


@functools.cache
def _sql_use_query() -> ts.Query:
    return ts.Query(syntax.language("Go"), _SQL_USE_QUERY)


def _sql_variable(match: Match) -> str | None:
    """A variable holding SQL built from data that a query method then runs."""
    if not _builds_sql(match, _check_node(match, "value")):
        return None
    name = match.text(match.node("name"))
    scope = syntax.enclosing(
        _check_node(match, "hit"), ("function_declaration", "method_declaration", "func_literal")
    )
    if scope is None:
        return None
    for _index, captures in ts.QueryCursor(_sql_use_query()).matches(scope):
        method = match.text(captures["method"][0])
        if method in _SQL_METHODS and any(match.text(a) == name for a in captures["arg"]):
            return (
                f"`{name}` is SQL text built from values and is then run by `{method}`; values "
                "spliced into SQL can change the query itself (SQL injection)."
            )
    return None


# --- go.command-injection ----------------------------------------------------------------------

_SHELLS = frozenset(
    {"sh", "bash", "zsh", "/bin/sh", "/bin/bash", "/usr/bin/bash", "cmd", "cmd.exe"}
)
_SCRIPT_FLAGS = frozenset({"-c", "/c", "/C"})


def _shell_script(match: Match) -> bool | None:
    args = _named(_check_node(match, "arguments"))
    if match.text(match.node("function")) == "CommandContext":
        args = args[1:]
    for index in range(len(args) - 2):
        shell = _string_value(match, args[index])
        flag = _string_value(match, args[index + 1])
        if shell in _SHELLS and flag in _SCRIPT_FLAGS:
            return True if _string_value(match, args[index + 2]) is None else None
    return None


# --- The checks ----------------------------------------------------------------------------------

CHECKS: tuple[QueryCheck, ...] = (
    QueryCheck(
        "go.ignored-error",
        """
        ((assignment_statement
           left: (expression_list . (identifier) @single .)
           right: (expression_list . (call_expression) @call .)) @hit
         (#eq? @single "_"))
        """,
        "",
        _ignored_error,
        GO,
    ),
    QueryCheck(
        "go.ignored-error",
        """
        ([(short_var_declaration
            left: (expression_list (_) . (identifier) @blank .)
            right: (expression_list . (call_expression) @call .))
          (assignment_statement
            left: (expression_list (_) . (identifier) @blank .)
            right: (expression_list . (call_expression) @call .))] @hit
         (#eq? @blank "_"))
        """,
        "The error this call returns is thrown away with `_`, so a failure here goes "
        "unnoticed and the code continues with a zero value.",
        _ignored_error,
        GO,
    ),
    QueryCheck(
        "go.empty-error-check",
        """
        ((if_statement
           condition: (binary_expression
             left: (identifier) @err
             operator: "!="
             right: (nil))
           consequence: (block) @body) @hit
         (#match? @err "^(err|.*Err)$"))
        """,
        "This `if err != nil` block is empty, so the error is checked and then ignored.",
        lambda m: True if _check_node(m, "body").named_child_count == 0 else None,
        GO,
    ),
    QueryCheck(
        "go.sql-injection",
        """
        (call_expression
          function: (selector_expression field: (field_identifier) @method)
          arguments: (argument_list) @arguments
          (#any-of? @method "Query" "QueryRow" "QueryContext" "QueryRowContext" "Exec"
            "ExecContext" "Prepare" "PrepareContext" "Queryx" "QueryRowx" "QueryxContext"
            "QueryRowxContext" "MustExec" "MustExecContext" "NamedExec" "NamedQuery" "Get"
            "GetContext" "Select" "SelectContext" "Raw" "Where" "Or" "Not" "Having" "Joins"))
          @hit
        """,
        "This SQL is built by splicing values into the text, so those values can change the "
        "query itself (SQL injection).",
        _sql_call,
        GO,
    ),
    QueryCheck(
        "go.sql-injection",
        """
        [(short_var_declaration
           left: (expression_list . (identifier) @name .)
           right: (expression_list . [(call_expression) (binary_expression)] @value .))
         (assignment_statement
           left: (expression_list . (identifier) @name .)
           right: (expression_list . [(call_expression) (binary_expression)] @value .))
         (var_spec
           name: (identifier) @name
           value: (expression_list . [(call_expression) (binary_expression)] @value .))] @hit
        """,
        "",
        _sql_variable,
        GO,
    ),
    QueryCheck(
        "go.command-injection",
        """
        (call_expression
          function: (selector_expression
            operand: (identifier) @package
            field: (field_identifier) @function)
          arguments: (argument_list) @arguments
          (#eq? @package "exec")
          (#any-of? @function "Command" "CommandContext")) @hit
        """,
        "This shell script is built from data, so shell metacharacters in that data can run "
        "other commands (command injection).",
        _shell_script,
        GO,
    ),
    QueryCheck(
        "go.tls-insecure",
        """
        ((keyed_element
           key: (literal_element (identifier) @field)
           value: (literal_element (true))) @hit
         (#eq? @field "InsecureSkipVerify"))
        """,
        "`InsecureSkipVerify: true` turns off certificate checks, so anyone on the network "
        "path can impersonate the server.",
        None,
        GO,
    ),
    QueryCheck(
        "go.tls-insecure",
        """
        ((assignment_statement
           left: (expression_list (selector_expression field: (field_identifier) @field))
           right: (expression_list (true))) @hit
         (#eq? @field "InsecureSkipVerify"))
        """,
        "`InsecureSkipVerify = true` turns off certificate checks, so anyone on the network "
        "path can impersonate the server.",
        None,
        GO,
    ),
    # Patterns
    QueryCheck(
        "pattern:concurrency",
        "[(go_statement) (send_statement) (select_statement) (channel_type)] @hit",
        languages=GO,
    ),
    QueryCheck(
        "pattern:concurrency",
        """
        ((qualified_type package: (package_identifier) @package name: (type_identifier) @type)
         @hit
         (#eq? @package "sync")
         (#any-of? @type "WaitGroup" "Mutex" "RWMutex" "Once"))
        """,
        languages=GO,
    ),
    QueryCheck(
        "pattern:error-handling",
        """
        ((if_statement
           condition: (binary_expression left: (identifier) @err operator: "!=" right: (nil)))
         @hit
         (#eq? @err "err"))
        """,
        languages=GO,
    ),
    QueryCheck(
        "pattern:error-handling",
        """
        ((call_expression
           function: (selector_expression operand: (identifier) @package field: (_) @function))
         @hit
         (#eq? @package "errors")
         (#any-of? @function "Is" "As"))
        """,
        languages=GO,
    ),
    QueryCheck(
        "pattern:unit-tests",
        """
        ((function_declaration
           name: (identifier) @name
           parameters: (parameter_list
             (parameter_declaration
               type: (pointer_type
                 (qualified_type package: (package_identifier) @package name: (_) @type)))))
         @hit
         (#match? @name "^Test")
         (#eq? @package "testing")
         (#eq? @type "T"))
        """,
        languages=GO,
    ),
    QueryCheck(
        "pattern:benchmarking",
        """
        ((function_declaration
           name: (identifier) @name
           parameters: (parameter_list
             (parameter_declaration
               type: (pointer_type
                 (qualified_type package: (package_identifier) @package name: (_) @type)))))
         @hit
         (#match? @name "^Benchmark")
         (#eq? @package "testing")
         (#eq? @type "B"))
        """,
        languages=GO,
    ),
    QueryCheck(
        "pattern:custom-exceptions",
        """
        ((method_declaration
           name: (field_identifier) @name
           result: (type_identifier) @result) @hit
         (#eq? @name "Error")
         (#eq? @result "string"))
        """,
        languages=GO,
    ),
)


# --- Imports -------------------------------------------------------------------------------------


@functools.cache
def _imports_query() -> ts.Query:
    return ts.Query(
        syntax.language("Go"),
        """
        (import_declaration
          [(import_spec path: (_) @path)
           (import_spec_list (import_spec path: (_) @path))])
        """,
    )


def import_names(tree: ts.Tree, source: bytes) -> list[str]:
    """Import paths, as written (``"github.com/gin-gonic/gin"``, ``"net/http"``)."""
    found: dict[str, None] = {}
    cursor = ts.QueryCursor(_imports_query())
    cursor.set_max_start_depth(1)  # imports are top-level declarations
    for _index, captures in cursor.matches(tree.root_node):
        for node in captures["path"]:
            path = source[node.start_byte + 1 : node.end_byte - 1].decode("utf-8", "replace")
            if path:
                found[path] = None
    return list(found)
