"""Java rules, patterns and imported packages, as tree-sitter query checks.

Exception handling smells, print debugging, and the classic injection and deserialization
weaknesses of JDBC, ``Runtime.exec`` and ``ObjectInputStream``.
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

JAVA = ("Java",)

RULES: tuple[Rule, ...] = (
    Rule(
        "java.empty-catch",
        "Empty catch block",
        "smell",
        "medium",
        "A `catch` block that does nothing swallows the exception: the program carries on in "
        "a broken state and nobody learns why. A comment saying why it is safe to ignore, or "
        "naming the variable `ignored`, marks a deliberate choice and is not reported.",
        tags=("pattern:error-handling", "pattern:exceptions"),
    ),
    Rule(
        "java.catch-generic",
        "Catching Exception or Throwable",
        "smell",
        "low",
        "`catch (Exception e)` or `catch (Throwable t)` also catches programming errors "
        "(NullPointerException, ...) and, for Throwable, JVM errors, handling them all the "
        "same way; catching the specific exceptions the code can recover from keeps the rest "
        "visible. A block that rethrows (wrapping the exception) is not reported.",
        tags=("pattern:exceptions", "pattern:error-handling"),
    ),
    Rule(
        "java.print-debugging",
        "Print debugging",
        "smell",
        "info",
        "`System.out.println`, `System.err.println` and `printStackTrace()` write straight to "
        "the console, outside the logging configuration: the output has no level or "
        "timestamp and is easily lost. Printing in a `main` method is not reported.",
        tags=("pattern:logging",),
        in_tests=False,
    ),
    Rule(
        "java.sql-injection",
        "SQL built by string concatenation",
        "security",
        "high",
        "SQL text built with `+` or `String.format` from values lets those values change the "
        "query itself (SQL injection); a `PreparedStatement` with `?` placeholders keeps data "
        "out of the SQL.",
        cwe=89,
        tags=("pattern:raw-sql", "pattern:parameterized-queries", "sql.string-concat"),
    ),
    Rule(
        "java.command-injection",
        "Command built from data",
        "security",
        "high",
        "`Runtime.exec` with a command string built from data splits it on spaces, and a "
        "`sh -c` script built from data runs shell metacharacters: either way the data can "
        "change which program runs or run another one (command injection).",
        cwe=78,
        tags=("pattern:shell-commands", "pattern:subprocess"),
    ),
    Rule(
        "java.unsafe-deserialization",
        "Java deserialization of a stream",
        "security",
        "medium",
        "`ObjectInputStream.readObject` (and `XMLDecoder`) can build any serializable class "
        "the stream names, and some classes run code while being built: deserializing "
        "untrusted data can run an attacker's code. An `ObjectInputFilter` or a subclass "
        "that limits the classes makes it safe.",
        cwe=502,
        tags=("pattern:serialization",),
    ),
)

PATTERNS: tuple[PatternDef, ...] = (
    PatternDef("pattern:unit-tests", "Unit tests"),
    # Same definition as the Python module's (shared id; see the note on registration).
    PatternDef("pattern:dependency-injection", "Dependency injection", ()),
    PatternDef(
        "pattern:custom-exceptions",
        "Custom exceptions",
        ("pattern:custom-exceptions", "pattern:exceptions"),
    ),
    PatternDef(
        "pattern:exceptions", "Raising exceptions", ("pattern:exceptions", "pattern:error-handling")
    ),
    PatternDef("pattern:mocking", "Mocking"),
)

register_rules(RULES)
register_patterns(PATTERNS)


# --- Helpers -------------------------------------------------------------------------------

_COMMENTS = frozenset({"line_comment", "block_comment"})


def _named(node: ts.Node) -> list[ts.Node]:
    return [child for child in node.named_children if child.type not in _COMMENTS]


def _string_value(match: Match, node: ts.Node) -> str | None:
    node = unparen(node)
    if node.type != "string_literal":
        return None
    return "".join(
        match.text(c)
        for c in node.named_children
        if c.type in ("string_fragment", "multiline_string_fragment", "escape_sequence")
    )


def _check_node(match: Match, name: str) -> ts.Node:
    node = match.node(name)
    if node is None:  # pragma: no cover - every query below captures what its check reads
        raise LookupError(name)
    return node


def _enclosing_method_name(match: Match, node: ts.Node) -> str:
    method = syntax.enclosing(node, ("method_declaration", "lambda_expression", "class_body"))
    if method is None or method.type != "method_declaration":
        return ""
    return match.text(method.child_by_field_name("name"))


# --- Exceptions ------------------------------------------------------------------------------

_IGNORED_NAMES = re.compile(r"^(?:_|ignored?|expected|unused)\w*$", re.IGNORECASE)


def _empty_catch(match: Match) -> bool | None:
    if match.text(match.node("name")) and _IGNORED_NAMES.match(match.text(match.node("name"))):
        return None
    # A comment in the block documents a deliberate decision.
    return True if _check_node(match, "body").named_child_count == 0 else None


def _generic_catch(match: Match) -> bool | None:
    body = _check_node(match, "body")
    statements = _named(body)
    if any(statement.type == "throw_statement" for statement in statements):
        return None  # translated or rethrown, not swallowed
    return True


def _print_debugging(match: Match) -> bool | None:
    # Printing is what a command-line program's main method is for.
    return None if _enclosing_method_name(match, _check_node(match, "hit")) == "main" else True


# --- SQL -----------------------------------------------------------------------------------------

_SQL = re.compile(
    r"\b(?:select\s[\s\S]*?\bfrom\b|insert\s+into\b|update\s+[\w.`\"\[\]]+\s+set\b"
    r"|delete\s+from\b|merge\s+into\b|where\s+[\w.`\"]+\s*(?:=|<|>|!=|<>|\blike\b|\bin\b)"
    r"|order\s+by\b|group\s+by\b|values\s*\()",
    re.IGNORECASE,
)
_QUOTED_VALUE = re.compile(r"(?:=|<|>|\blike)\s*'$", re.IGNORECASE)
_TEXT_FORMAT = re.compile(r"%[-#+ 0,(]*\d*(?:\.\d+)?[sS]")
_SQL_METHODS = frozenset(
    {
        "execute",
        "executeQuery",
        "executeUpdate",
        "executeLargeUpdate",
        "addBatch",
        "prepareStatement",
        "prepareCall",
        "createQuery",
        "createNativeQuery",
        "query",
        "queryForObject",
        "queryForList",
        "queryForMap",
        "queryForRowSet",
        "update",
        "batchUpdate",
    }
)
_LITERALS = frozenset(
    {
        "decimal_integer_literal",
        "hex_integer_literal",
        "decimal_floating_point_literal",
        "character_literal",
        "true",
        "false",
        "null_literal",
    }
)


def _looks_like_sql(pieces: list[str]) -> bool:
    text = " ".join(pieces)[:4000]
    return bool(_SQL.search(text)) or any(_QUOTED_VALUE.search(p) for p in pieces)


# `TABLE` or `Schema.USERS`: static final constants by convention, fixed in the code.
_CONSTANT = re.compile(r"^(?:[A-Za-z_]\w*\.)*[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$")


def _is_constant(match: Match, node: ts.Node) -> bool:
    node = unparen(node)
    if node.type in _LITERALS:
        return True
    if node.type not in ("identifier", "field_access"):
        return False
    text = match.text(node)
    return len(text) > 1 and bool(_CONSTANT.match(text))


def _builds_sql(match: Match, node: ts.Node) -> bool:
    """``"..." + v``, ``String.format("... %s", v)`` or ``"...".formatted(v)`` making SQL."""
    node = unparen(node)
    if node.type == "binary_expression":
        pieces, spliced = concat_parts(
            node, functools.partial(_string_value, match), functools.partial(_is_constant, match)
        )
        return spliced and _looks_like_sql(pieces)
    if node.type != "method_invocation":
        return False
    name = match.text(node.child_by_field_name("name"))
    receiver = node.child_by_field_name("object")
    arguments = node.child_by_field_name("arguments")
    args = _named(arguments) if arguments is not None else []
    template: str | None = None
    if name == "format" and match.text(receiver) == "String" and len(args) >= 2:
        template = _string_value(match, args[0])
    elif name == "formatted" and receiver is not None and args:
        template = _string_value(match, receiver)
    values = args[1:] if name == "format" else args
    return (
        template is not None
        and bool(_TEXT_FORMAT.search(template))
        and _looks_like_sql([_TEXT_FORMAT.sub("x", template)])
        and not all(_is_constant(match, value) for value in values)
    )


def _sql_call(match: Match) -> bool | None:
    return True if _builds_sql(match, _check_node(match, "sql")) else None


_SQL_USE_QUERY = """
(method_invocation
  name: (identifier) @method
  arguments: (argument_list . (identifier) @arg))
"""


@functools.cache
def _sql_use_query() -> ts.Query:
    return ts.Query(syntax.language("Java"), _SQL_USE_QUERY)


def _sql_variable(match: Match) -> str | None:
    """A variable holding SQL built from data that a JDBC/JPA method then runs."""
    if not _builds_sql(match, _check_node(match, "value")):
        return None
    name = match.text(match.node("name"))
    scope = syntax.enclosing(
        _check_node(match, "hit"),
        (
            "method_declaration",
            "constructor_declaration",
            "lambda_expression",
            "static_initializer",
        ),
    )
    if scope is None:
        return None
    for _index, captures in ts.QueryCursor(_sql_use_query()).matches(scope):
        method = match.text(captures["method"][0])
        if method in _SQL_METHODS and match.text(captures["arg"][0]) == name:
            return (
                f"`{name}` is SQL text built from values and is then run by `{method}`; values "
                "concatenated into SQL can change the query itself (SQL injection)."
            )
    return None


# --- Commands and deserialization --------------------------------------------------------------

_SHELLS = frozenset({"sh", "bash", "zsh", "/bin/sh", "/bin/bash", "cmd", "cmd.exe"})
_SCRIPT_FLAGS = frozenset({"-c", "/c", "/C"})


def _runs_shell_script(match: Match, args: list[ts.Node]) -> bool:
    """``"sh", "-c", <not a literal>`` among ``args``."""
    for index in range(len(args) - 2):
        if (
            _string_value(match, args[index]) in _SHELLS
            and _string_value(match, args[index + 1]) in _SCRIPT_FLAGS
        ):
            return _string_value(match, args[index + 2]) is None
    return False


def _runtime_exec(match: Match) -> bool | None:
    command = unparen(_check_node(match, "command"))
    if _string_value(match, command) is not None:
        return None
    if command.type == "array_creation_expression":
        initializer = command.child_by_field_name("value")
        elements = _named(initializer) if initializer is not None else []
        if elements and _string_value(match, elements[0]) is None:
            return True  # the program itself comes from data
        return True if _runs_shell_script(match, elements) else None
    return True


def _process_builder(match: Match) -> bool | None:
    return True if _runs_shell_script(match, _named(_check_node(match, "arguments"))) else None


def _deserialization(match: Match) -> bool | None:
    creation = _check_node(match, "hit")
    if any(child.type == "class_body" for child in creation.named_children):
        return None  # a subclass, typically limiting classes in resolveClass
    if b"ObjectInputFilter" in match.source:
        return None
    return True


# --- The checks ----------------------------------------------------------------------------------

CHECKS: tuple[QueryCheck, ...] = (
    QueryCheck(
        "java.empty-catch",
        """
        (catch_clause
          (catch_formal_parameter name: (identifier) @name)
          body: (block) @body) @hit
        """,
        "This empty catch block swallows the exception, so failures here go unnoticed and "
        "the program continues in an unknown state.",
        _empty_catch,
        JAVA,
    ),
    QueryCheck(
        "java.catch-generic",
        """
        ((catch_clause
           (catch_formal_parameter (catch_type (type_identifier) @type))
           body: (block) @body) @hit
         (#any-of? @type "Exception" "Throwable"))
        """,
        "Catching Exception or Throwable also catches programming errors and handles them "
        "like expected failures, which hides bugs.",
        _generic_catch,
        JAVA,
    ),
    QueryCheck(
        "java.print-debugging",
        """
        ((method_invocation
           object: (field_access object: (identifier) @system field: (identifier) @stream)
           name: (identifier) @method) @hit
         (#eq? @system "System")
         (#any-of? @stream "out" "err")
         (#any-of? @method "println" "print" "printf" "format"))
        """,
        "This prints straight to the console instead of going through a logger, so the "
        "output has no level or timestamp and is easily lost.",
        _print_debugging,
        JAVA,
    ),
    QueryCheck(
        "java.print-debugging",
        """
        ((method_invocation
           name: (identifier) @method
           arguments: (argument_list) @arguments) @hit
         (#eq? @method "printStackTrace"))
        """,
        "printStackTrace() writes the stack trace to the console outside the logging "
        "configuration, where it is easily lost.",
        # With an argument it prints to a stream the caller chose.
        lambda m: None if _named(_check_node(m, "arguments")) else True,
        JAVA,
    ),
    QueryCheck(
        "java.sql-injection",
        """
        ((method_invocation
           name: (identifier) @method
           arguments: (argument_list . [(binary_expression) (method_invocation)] @sql)) @hit
         (#any-of? @method "execute" "executeQuery" "executeUpdate" "executeLargeUpdate"
           "addBatch" "prepareStatement" "prepareCall" "createQuery" "createNativeQuery"
           "query" "queryForObject" "queryForList" "queryForMap" "queryForRowSet" "update"
           "batchUpdate"))
        """,
        "This SQL is built by concatenating values into the text, so those values can change "
        "the query itself (SQL injection).",
        _sql_call,
        JAVA,
    ),
    QueryCheck(
        "java.sql-injection",
        """
        [(variable_declarator
           name: (identifier) @name
           value: [(binary_expression) (method_invocation)] @value)
         (assignment_expression
           left: (identifier) @name
           right: [(binary_expression) (method_invocation)] @value)] @hit
        """,
        "",
        _sql_variable,
        JAVA,
    ),
    QueryCheck(
        "java.command-injection",
        """
        ((method_invocation
           object: (method_invocation
             object: (identifier) @runtime
             name: (identifier) @get)
           name: (identifier) @exec
           arguments: (argument_list . (_) @command)) @hit
         (#eq? @runtime "Runtime")
         (#eq? @get "getRuntime")
         (#eq? @exec "exec"))
        """,
        "This command is built from data, so the data can change which program runs or "
        "what it does (command injection).",
        _runtime_exec,
        JAVA,
    ),
    QueryCheck(
        "java.command-injection",
        """
        ((object_creation_expression
           type: (type_identifier) @type
           arguments: (argument_list) @arguments) @hit
         (#eq? @type "ProcessBuilder"))
        """,
        "This shell script is built from data, so shell metacharacters in that data can run "
        "other commands (command injection).",
        _process_builder,
        JAVA,
    ),
    QueryCheck(
        "java.unsafe-deserialization",
        """
        ((object_creation_expression type: (type_identifier) @type) @hit
         (#any-of? @type "ObjectInputStream" "XMLDecoder"))
        """,
        "Deserializing this stream can build any class it names, and some classes run code "
        "while being built, so untrusted input here can run an attacker's code.",
        _deserialization,
        JAVA,
    ),
    # Patterns
    QueryCheck(
        "pattern:unit-tests",
        """
        ([(marker_annotation name: (identifier) @name)
          (annotation name: (identifier) @name)] @hit
         (#any-of? @name "Test" "ParameterizedTest" "RepeatedTest" "TestFactory"))
        """,
        languages=JAVA,
    ),
    QueryCheck(
        "pattern:dependency-injection",
        """
        ([(marker_annotation name: (identifier) @name)
          (annotation name: (identifier) @name)] @hit
         (#any-of? @name "Autowired" "Inject" "RequiredArgsConstructor"))
        """,
        languages=JAVA,
    ),
    QueryCheck(
        "pattern:custom-exceptions",
        """
        ((class_declaration superclass: (superclass (type_identifier) @base)) @hit
         (#match? @base "(Exception|Error|Throwable)$"))
        """,
        languages=JAVA,
    ),
    QueryCheck(
        "pattern:exceptions",
        "[(throw_statement) (catch_clause) (throws)] @hit",
        languages=JAVA,
    ),
    QueryCheck(
        "pattern:mocking",
        """
        ([(marker_annotation name: (identifier) @name)
          (annotation name: (identifier) @name)] @hit
         (#any-of? @name "Mock" "MockBean" "Spy" "InjectMocks" "MockitoBean"))
        """,
        languages=JAVA,
    ),
    QueryCheck(
        "pattern:mocking",
        """
        ((method_invocation object: (identifier) @object name: (identifier) @method) @hit
         (#eq? @object "Mockito")
         (#any-of? @method "mock" "spy" "when" "verify"))
        """,
        languages=JAVA,
    ),
)


# --- Imports -------------------------------------------------------------------------------------


@functools.cache
def _imports_query() -> ts.Query:
    return ts.Query(
        syntax.language("Java"),
        "(import_declaration [(scoped_identifier) (identifier)] @name)",
    )


def import_names(tree: ts.Tree, source: bytes) -> list[str]:
    """Imported packages: ``import org.springframework.web.bind.annotation.GetMapping;``
    gives ``org.springframework.web.bind.annotation`` (the class names, which start with a
    capital letter by convention, are dropped; framework detection matches prefixes)."""
    found: dict[str, None] = {}
    cursor = ts.QueryCursor(_imports_query())
    cursor.set_max_start_depth(1)  # imports are top-level declarations
    for _index, captures in cursor.matches(tree.root_node):
        node = captures["name"][0]
        name = source[node.start_byte : node.end_byte].decode("utf-8", "replace")
        parts: list[str] = []
        for part in re.sub(r"\s+", "", name).split("."):
            if not part or part[0].isupper():
                break
            parts.append(part)
        if parts:
            found[".".join(parts)] = None
    return list(found)
