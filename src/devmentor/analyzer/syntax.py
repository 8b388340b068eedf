"""Tree-sitter: parse a file once, run every query check for its language in one pass.

A :class:`QueryCheck` is one tree-sitter query (S-expression) plus what a match means: a
rule finding (``id`` is a rule id) or pattern evidence (``id`` starts with ``pattern:``).
The match's ``@hit`` capture anchors the result's line; an optional ``check`` callback
looks closer at the match (the tree and the source are at hand) and returns ``None`` to
drop it, or a message to replace the default.

All of a language's checks are compiled into one :class:`tree_sitter.Query`, so the
query engine (C) walks the tree once per file, and Python only sees the matches. The
grammars come from per-language wheels (``tree-sitter-python``, ...), which ship compiled
parsers: nothing is downloaded at run time.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import tree_sitter as ts


def _grammars() -> dict[str, Callable[[], object]]:
    import tree_sitter_go
    import tree_sitter_java
    import tree_sitter_javascript
    import tree_sitter_python
    import tree_sitter_typescript

    return {
        "Python": tree_sitter_python.language,
        "JavaScript": tree_sitter_javascript.language,
        "TypeScript": tree_sitter_typescript.language_typescript,
        "TSX": tree_sitter_typescript.language_tsx,
        "Go": tree_sitter_go.language,
        "Java": tree_sitter_java.language,
    }


#: Languages with a tree-sitter grammar here, by our language name.
GRAMMARS: Mapping[str, Callable[[], object]] = _grammars()


@functools.cache
def language(name: str) -> ts.Language:
    return ts.Language(GRAMMARS[name]())


@functools.cache
def parser(name: str) -> ts.Parser:
    return ts.Parser(language(name))


@dataclass(frozen=True, slots=True)
class Match:
    """One query match: its captures, and the file they are in."""

    captures: Mapping[str, Sequence[ts.Node]]
    source: bytes

    @property
    def hit(self) -> ts.Node:
        """The ``@hit`` capture, or else the first capture (``run_checks`` never hands a
        check a match without one)."""
        nodes = self.captures.get("hit")
        if nodes:
            return nodes[0]
        return next(nodes[0] for nodes in self.captures.values() if nodes)

    def node(self, name: str) -> ts.Node | None:
        nodes = self.captures.get(name)
        return nodes[0] if nodes else None

    def nodes(self, name: str) -> Sequence[ts.Node]:
        return self.captures.get(name, ())

    def text(self, node: ts.Node | None) -> str:
        if node is None:
            return ""
        return self.source[node.start_byte : node.end_byte].decode("utf-8", "replace")


#: A check callback: ``None`` drops the match, a string keeps it with that message, and
#: ``True`` keeps it with the check's default message.
CheckFn = Callable[[Match], "str | bool | None"]


@dataclass(frozen=True, slots=True)
class QueryCheck:
    """A tree-sitter query whose matches are findings of rule ``id`` or pattern ``id``."""

    id: str
    query: str
    message: str = ""
    check: CheckFn | None = None
    #: Languages (our names) the query is written for.
    languages: tuple[str, ...] = ("Python",)


@dataclass(frozen=True, slots=True)
class Hit:
    """A kept match: which check, where, and the message."""

    id: str
    line: int
    end_line: int
    message: str


@dataclass
class CompiledChecks:
    query: ts.Query
    #: Query pattern index -> the check it came from.
    owners: list[QueryCheck] = field(default_factory=list)


def compile_checks(name: str, checks: Iterable[QueryCheck]) -> CompiledChecks:
    """One query for every check written for language ``name``.

    Raises :class:`tree_sitter.QueryError` naming the check whose query does not compile.
    """
    lang = language(name)
    sources: list[str] = []
    owners: list[QueryCheck] = []
    for check in checks:
        if name not in check.languages:
            continue
        try:
            count = ts.Query(lang, check.query).pattern_count
        except ts.QueryError as exc:  # pragma: no cover - caught by the rule tests
            raise ts.QueryError(f"{check.id} ({name}): {exc}") from exc
        sources.append(check.query)
        owners.extend([check] * count)
    return CompiledChecks(
        ts.Query(lang, "\n".join(sources)) if sources else ts.Query(lang, ""), owners
    )


def run_checks(compiled: CompiledChecks, tree: ts.Tree, source: bytes) -> Iterator[Hit]:
    """Every kept match of ``compiled`` in ``tree``, in document order per check."""
    if not compiled.owners:
        return
    cursor = ts.QueryCursor(compiled.query)
    for index, captures in cursor.matches(tree.root_node):
        if not any(captures.values()):
            continue  # an alternation branch that captured nothing
        check = compiled.owners[index]
        match = Match(captures, source)
        message: str | bool | None = True
        if check.check is not None:
            message = check.check(match)
        if message is None or message is False:
            continue
        node = match.hit
        yield Hit(
            id=check.id,
            line=node.start_point[0] + 1,
            end_line=node.end_point[0] + 1,
            message=check.message if message is True else message,
        )


def parse(name: str, source: bytes) -> ts.Tree:
    """The syntax tree of ``source``.

    Parsed straight from bytes: tree-sitter parses in linear time, the file size is capped
    before we get here, and a worker stuck past its time limit is killed by the pool. (A
    parse fed through a read callback could be cancelled, but then every text predicate in
    a query reads through Python and the checks run several times slower.)
    """
    return parser(name).parse(source)


# --- Helpers for check callbacks ----------------------------------------------------------


def ancestors(node: ts.Node) -> Iterator[ts.Node]:
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


def enclosing(node: ts.Node, types: Iterable[str]) -> ts.Node | None:
    """The nearest ancestor of one of ``types``."""
    wanted = frozenset(types)
    for parent in ancestors(node):
        if parent.type in wanted:
            return parent
    return None


def descendants(node: ts.Node) -> Iterator[ts.Node]:
    """Every node under ``node``, depth first (iterative: hostile input nests deeply)."""
    stack = list(reversed(node.children))
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children))


def unparen(node: ts.Node) -> ts.Node:
    """``node`` without the parentheses around it."""
    while node.type == "parenthesized_expression" and node.named_child_count:
        node = node.named_children[0]
    return node


def concat_parts(
    node: ts.Node,
    string_value: Callable[[ts.Node], str | None],
    is_constant: Callable[[ts.Node], bool],
) -> tuple[list[str], bool]:
    """The literal pieces of a ``+`` chain (``"SELECT " + x + " FROM t"``), and whether a
    part that is neither a literal nor a known constant is spliced in. Iterative: chains
    in generated code can be thousands of terms long."""
    pieces: list[str] = []
    spliced = False
    stack = [node]
    while stack:
        current = unparen(stack.pop())
        operator = current.child_by_field_name("operator")
        if current.type == "binary_expression" and operator is not None and operator.type == "+":
            stack.extend(
                n
                for n in (current.child_by_field_name("right"), current.child_by_field_name("left"))
                if n is not None
            )
            continue
        value = string_value(current)
        if value is not None:
            pieces.append(value)
        elif not is_constant(current):
            spliced = True
    return pieces, spliced
