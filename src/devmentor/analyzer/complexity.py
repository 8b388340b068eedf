"""Per-function metrics with lizard (about 30 languages), and the smells they show.

lizard reads source text with its own tokenizers; it never imports or runs it. Each
function gets its cyclomatic complexity (CCN), code lines (NLOC), parameter count, token
count and (with lizard's nesting-depth extension) its deepest block nesting.
"""

from __future__ import annotations

import functools
from pathlib import PurePosixPath

import lizard
import tree_sitter

from devmentor.analyzer.model import FunctionMetric, RawFinding, Severity
from devmentor.analyzer.rules.base import Rule, register_rules

#: Thresholds. The CCN bands are McCabe's usual ones (1-10 simple, 11-20 moderate, 21-50
#: high, >50 untestable in practice); the others are common linter defaults.
COMPLEX_CCN = 15
LONG_FUNCTION_NLOC = 60
DEEP_NESTING = 5
MANY_PARAMETERS = 7
GOD_MODULE_NLOC = 1500
GOD_MODULE_FUNCTIONS = 60
LONG_LINE = 150

_COMPLEXITY_TAGS = ("py.complex-function", "pattern:cyclomatic-complexity", "pattern:refactoring")

RULES = (
    Rule(
        "code.complex-function",
        "High cyclomatic complexity",
        "smell",
        "medium",
        "A function with many decision points is hard to read and needs many tests to cover "
        "every path; splitting it usually makes each part obvious.",
        tags=_COMPLEXITY_TAGS,
    ),
    Rule(
        "code.long-function",
        "Long function",
        "smell",
        "low",
        "A long function usually does several jobs; smaller functions with names are "
        "easier to read, test and reuse.",
        tags=("py.long-function", "pattern:refactoring", "pattern:functions"),
    ),
    Rule(
        "code.deep-nesting",
        "Deeply nested code",
        "smell",
        "medium",
        "Blocks nested many levels deep make the reader hold every enclosing condition in "
        "mind; early returns and extracted functions flatten them.",
        tags=("py.deep-nesting", "pattern:refactoring"),
    ),
    Rule(
        "code.too-many-parameters",
        "Too many parameters",
        "smell",
        "low",
        "A function with many parameters is hard to call correctly; related values often "
        "belong together in an object.",
        tags=("pattern:refactoring", "pattern:functions"),
    ),
    Rule(
        "code.god-module",
        "Very large module",
        "smell",
        "low",
        "A module with this much code or this many functions usually holds several "
        "responsibilities; splitting it by concept makes each part easier to find.",
        tags=("pattern:solid", "pattern:refactoring"),
        in_tests=False,  # a test module with many small tests is normal
    ),
    Rule(
        "generic.long-line",
        "Very long lines",
        "smell",
        "info",
        "Lines much wider than a screen are hard to read and to review side by side.",
    ),
)
register_rules(RULES)


@functools.cache
def _analyzer() -> lizard.FileAnalyzer:
    return lizard.FileAnalyzer(lizard.get_extensions(["nd"]))


def measure(path: str, text: str) -> tuple[list[FunctionMetric], int | None]:
    """Functions in ``text`` and its code-line count (lizard's NLOC), read as the language
    of ``path``'s extension. The count is None when lizard does not know the language."""
    if lizard.get_reader_for(PurePosixPath(path).name) is None:
        return [], None
    info = _analyzer().analyze_source_code(path, text)
    functions = [
        FunctionMetric(
            name=function.name[:200],
            line=function.start_line,
            end_line=function.end_line,
            ccn=function.cyclomatic_complexity,
            nloc=function.nloc,
            params=len(function.parameters),
            tokens=function.token_count,
            max_nesting=max(0, getattr(function, "max_nesting_depth", 0) or 0),
        )
        for function in info.function_list
    ]
    return functions, info.nloc


_PY_BLOCKS = [
    "if_statement",
    "for_statement",
    "while_statement",
    "try_statement",
    "with_statement",
    "match_statement",
]


@functools.cache
def _python_blocks_query() -> tree_sitter.Query:
    from devmentor.analyzer import syntax

    patterns = " ".join(f"({kind}) @block" for kind in _PY_BLOCKS)
    return tree_sitter.Query(
        syntax.language("Python"), f"(function_definition) @function {patterns}"
    )


def python_nesting(tree: tree_sitter.Tree) -> dict[int, int]:
    """Deepest block nesting per Python function, keyed by its ``def`` line.

    lizard's nesting extension miscounts Python (consecutive ``if`` blocks add up as if
    nested), so for Python the depth comes from the syntax tree: one query pass for every
    function and compound statement, then a single sweep in document order with a stack of
    the blocks still open, instead of walking each node's ancestors.
    """
    captures = tree_sitter.QueryCursor(_python_blocks_query()).captures(tree.root_node)
    nodes = [(n.start_byte, -n.end_byte, True, n) for n in captures.get("function", [])]
    nodes += [(n.start_byte, -n.end_byte, False, n) for n in captures.get("block", [])]
    nodes.sort(key=lambda item: (item[0], item[1], not item[2]))
    depths: dict[int, int] = {}
    # (end byte, is a function, def line of the enclosing function, depth inside it)
    stack: list[tuple[int, bool, int, int]] = []
    for start, negative_end, is_function, node in nodes:
        while stack and stack[-1][0] <= start:
            stack.pop()
        if is_function:
            line = node.start_point[0] + 1
            depths.setdefault(line, 0)
            stack.append((-negative_end, True, line, 0))
            continue
        if not stack:
            continue  # module-level code belongs to no function
        _end, _is_function, owner, depth = stack[-1]
        depth += 1
        depths[owner] = max(depths[owner], depth)
        stack.append((-negative_end, False, owner, depth))
    return depths


def _finding(rule: str, f: FunctionMetric, message: str, severity: Severity) -> RawFinding:
    return RawFinding(
        rule=rule,
        line=f.line,
        end_line=f.end_line,
        message=message,
        severity=severity,
        tool="lizard",
    )


def function_findings(functions: list[FunctionMetric]) -> list[RawFinding]:
    findings: list[RawFinding] = []
    for f in functions:
        if f.ccn >= COMPLEX_CCN:
            findings.append(
                _finding(
                    "code.complex-function",
                    f,
                    f"{f.name} has a cyclomatic complexity of {f.ccn} "
                    f"({f.ccn - 1} decision points); {COMPLEX_CCN} or more is hard to test.",
                    "high" if f.ccn > 50 else "medium",
                )
            )
        if f.nloc > LONG_FUNCTION_NLOC:
            findings.append(
                _finding(
                    "code.long-function",
                    f,
                    f"{f.name} has {f.nloc} lines of code; functions over "
                    f"{LONG_FUNCTION_NLOC} usually do more than one job.",
                    "low",
                )
            )
        if f.max_nesting >= DEEP_NESTING:
            findings.append(
                _finding(
                    "code.deep-nesting",
                    f,
                    f"{f.name} nests blocks {f.max_nesting} levels deep.",
                    "medium",
                )
            )
        if f.params >= MANY_PARAMETERS:
            findings.append(
                _finding(
                    "code.too-many-parameters", f, f"{f.name} takes {f.params} parameters.", "low"
                )
            )
    return findings


def module_findings(functions: list[FunctionMetric], code_lines: int) -> list[RawFinding]:
    if code_lines < GOD_MODULE_NLOC and len(functions) < GOD_MODULE_FUNCTIONS:
        return []
    return [
        RawFinding(
            rule="code.god-module",
            line=1,
            message=f"This module has {code_lines} lines of code and {len(functions)} functions.",
            severity="low",
            tool="devmentor",
        )
    ]


def long_line_findings(lines: list[str]) -> list[RawFinding]:
    long = [number for number, line in enumerate(lines, start=1) if len(line) > LONG_LINE]
    if not long:
        return []
    return [
        RawFinding(
            rule="generic.long-line",
            line=long[0],
            message=f"{len(long)} line{'s' if len(long) > 1 else ''} longer than {LONG_LINE} "
            f"characters; the first is line {long[0]}.",
            severity="info",
        )
    ]
