"""Reading Python safely: the guarded parse, string-building helpers and the node index.

Shared by the Python checks (``python.py`` and ``python_calls.py``); nothing here
compiles or runs the code.
"""

from __future__ import annotations

import ast
import re
import threading
import warnings
from collections.abc import Sequence

from devmentor.ai.offline.checks.base import _SNIPPET_LINE, Finding

_PARSE_LOCK = threading.Lock()


def _parse_python(code: str) -> ast.Module | BaseException:
    """Parse (never compile or run) ``code``; the error instead of raising."""
    # catch_warnings swaps process-global state, so concurrent parses must take turns;
    # the warnings are about the learner's code (invalid escapes), not about us.
    with _PARSE_LOCK, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ast.parse(code)
        except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError) as exc:
            # ValueError covers null bytes and unencodable surrogates; RecursionError and
            # MemoryError are how the parser refuses absurd nesting.
            return exc


_FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
_SQL_WORDS = re.compile(r"\b(?:select|insert|update|delete|where|values|from|order\s+by)\b", re.I)
_PERCENT_FIELD = re.compile(r"%(?:\([^)]{0,40}\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGcoa%]")
_FORMAT_FIELD = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")

_StringPart = str | ast.expr


def _unparse(node: ast.AST, limit: int = _SNIPPET_LINE) -> str | None:
    try:
        text = ast.unparse(node)
    except (RecursionError, ValueError, TypeError, AttributeError):
        return None
    return text if len(text) <= limit and "\n" not in text else None


def _fstring_parts(node: ast.JoinedStr) -> list[_StringPart]:
    parts: list[_StringPart] = []
    for value in node.values:
        if isinstance(value, ast.FormattedValue):
            parts.append(value.value)
        elif isinstance(value, ast.Constant):
            parts.append(str(value.value))
    return parts


def _string_parts(node: ast.AST) -> list[_StringPart] | None:
    """Flatten a string built by f-string, ``%``, ``+`` or ``.format`` into text and values.

    None when ``node`` does not build a string that way (or is a plain constant).
    """
    if isinstance(node, ast.JoinedStr):
        return _fstring_parts(node)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        if not (isinstance(node.left, ast.Constant) and isinstance(node.left.value, str)):
            return None
        template = node.left.value
        values = list(node.right.elts) if isinstance(node.right, ast.Tuple) else [node.right]
        parts: list[_StringPart] = []
        position = index = 0
        for match in _PERCENT_FIELD.finditer(template):
            if match.group() == "%%":
                continue
            parts.append(template[position : match.start()])
            parts.append(values[index] if index < len(values) else node.right)
            index += 1
            position = match.end()
        parts.append(template[position:])
        return parts
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        # Iterative: a long "+" chain nests as deep as it is long.
        operands: list[ast.expr] = []
        stack: list[ast.expr] = [node]
        while stack:
            current = stack.pop()
            if isinstance(current, ast.BinOp) and isinstance(current.op, ast.Add):
                stack.append(current.right)
                stack.append(current.left)
            else:
                operands.append(current)
        result: list[_StringPart] = []
        has_text = False
        for operand in operands:
            if isinstance(operand, ast.Constant) and isinstance(operand.value, str):
                result.append(operand.value)
                has_text = True
            elif isinstance(operand, ast.JoinedStr):
                result.extend(_fstring_parts(operand))
                has_text = True
            else:
                result.append(operand)
        return result if has_text else None
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
        and isinstance(node.func.value, ast.Constant)
        and isinstance(node.func.value.value, str)
    ):
        template = node.func.value.value
        keywords = {kw.arg: kw.value for kw in node.keywords if kw.arg}
        parts = []
        position = auto = 0
        for match in _FORMAT_FIELD.finditer(template):
            if match.group(1) is None:
                continue
            parts.append(template[position : match.start()])
            name = match.group(1).split("!")[0].split(":")[0]
            value: ast.expr | None
            if not name:
                value = node.args[auto] if auto < len(node.args) else None
                auto += 1
            elif name.isdigit():
                value = node.args[int(name)] if int(name) < len(node.args) else None
            else:
                value = keywords.get(name)
            parts.append(value if value is not None else node)
            position = match.end()
        parts.append(template[position:])
        return parts
    return None


def _is_dynamic(parts: Sequence[_StringPart] | None) -> bool:
    return parts is not None and any(not isinstance(part, str) for part in parts)


def _text_of(parts: Sequence[_StringPart], placeholder: str = "?") -> str:
    return "".join(part if isinstance(part, str) else placeholder for part in parts)


def _is_str(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _name_of(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


_DECISIONS = (
    ast.If,
    ast.IfExp,
    ast.For,
    ast.AsyncFor,
    ast.While,
    ast.ExceptHandler,
    ast.match_case,
)


def _branches(node: ast.AST) -> int:
    """How many paths ``node`` adds to its function's cyclomatic complexity."""
    if isinstance(node, _DECISIONS):
        return 1
    if isinstance(node, ast.BoolOp):
        return len(node.values) - 1
    if isinstance(node, ast.comprehension):
        return 1 + len(node.ifs)
    return 0


class _PythonIndex:
    """A parsed module, indexed once (nodes in source order, parents, scopes, imports)
    for the checks that subclass it."""

    def __init__(self, tree: ast.Module, lines: Sequence[str]) -> None:
        self.tree = tree
        self.lines = lines
        self.out: list[Finding] = []
        self.nodes: list[ast.AST] = []
        self.parent: dict[ast.AST, ast.AST] = {}
        self.scope: dict[ast.AST, _FunctionNode | None] = {}
        self.aliases: dict[str, str] = {}
        self.dynamic_sql: dict[tuple[ast.AST | None, str], ast.expr] = {}
        self.branches: dict[ast.AST, int] = {}
        self._index()
        modules = {value.split(".")[0] for value in self.aliases.values()}
        self.is_test_module = bool(modules & {"pytest", "unittest"})
        self.placeholder = "?" if "sqlite3" in modules else "%s"

    # Index ------------------------------------------------------------------------------

    def _index(self) -> None:
        # Iterative depth-first walk in source order: the tree can be ~1000 levels deep.
        stack: list[tuple[ast.AST, _FunctionNode | None]] = [(self.tree, None)]
        while stack:
            node, function = stack.pop()
            self.nodes.append(node)
            self.scope[node] = function
            inner = node if isinstance(node, _FunctionNode) else function
            if function is not None:
                # Cyclomatic complexity, counted per innermost function in the same walk.
                branches = _branches(node)
                if branches:
                    self.branches[function] = self.branches.get(function, 0) + branches
            children = list(ast.iter_child_nodes(node))
            for child in reversed(children):
                self.parent[child] = node
                stack.append((child, inner))
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        self.aliases[alias.asname] = alias.name
                    else:
                        head = alias.name.split(".")[0]
                        self.aliases[head] = head
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    if alias.name != "*":
                        self.aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
            elif isinstance(node, ast.Assign | ast.AugAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                parts = _string_parts(node.value)
                if _is_dynamic(parts) and parts is not None and _SQL_WORDS.search(_text_of(parts)):
                    for target in targets:
                        if isinstance(target, ast.Name):
                            self.dynamic_sql[(function, target.id)] = node.value

    def qualname(self, node: ast.AST) -> str | None:
        """``pk.loads`` -> ``pickle.loads`` through the module's imports."""
        attrs: list[str] = []
        while isinstance(node, ast.Attribute) and len(attrs) < 8:
            attrs.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        head = self.aliases.get(node.id, node.id)
        return ".".join([head, *reversed(attrs)])

    def line_of(self, node: ast.AST) -> int | None:
        line = getattr(node, "lineno", None)
        return line if isinstance(line, int) else None

    def add(self, finding: Finding) -> None:
        self.out.append(finding)
