"""Python checks, read through the syntax tree (parsed, never compiled or run)."""

from __future__ import annotations

import ast
from collections.abc import Sequence

from devmentor.ai.offline.checks.base import Finding, _finding, code_span
from devmentor.ai.offline.checks.python_calls import _CallChecks
from devmentor.ai.offline.checks.python_syntax import (
    _FunctionNode,
    _name_of,
    _parse_python,
    _string_parts,
    _text_of,
    _unparse,
)
from devmentor.ai.offline.checks.sql import _SQL_STATEMENT_START, _sql_statement_findings

# Rows of the rule table; base._parse_rules describes the columns.
RULE_TABLE = """
# Python, read through its syntax tree.
py.mutable-default-arg    warning python.mutable-default-args code     Mutable default argument
py.bare-except            warning python.exceptions           code     Bare `except:`
py.swallowed-exception    warning python.exceptions           code     Exception silently swallowed
py.eval-exec              error   security.code-injection     code     `eval`/`exec` on a string
py.sql-injection          error   security.sql-injection      code     SQL text built from values
py.shell-injection        warning security.command-injection  code     Command run through a shell
py.unsafe-deserialization error   security.deserialization    code     Unsafe deserialization
py.hardcoded-secret       error   security.secrets-management code     Hard-coded secret
py.open-without-with      warning python.context-managers     code     File opened without `with`
py.none-comparison        info    python.idioms               code+agg `== None` comparison
py.range-len              info    python.idioms               code+agg `range(len(...))` loop
py.deep-nesting           warning quality.complexity          text     Deeply nested code
py.long-function          info    quality.complexity          text     Long function
py.complex-function       warning quality.complexity          text     High cyclomatic complexity
py.assert-validation      warning python.exceptions           code     `assert` as input validation
py.requests-no-timeout    warning web.timeouts-retries        code     HTTP call without timeout
py.blocking-call-in-async warning python.async-await          code     Blocking call in `async def`
py.global-statement       warning python.global-state         text     `global` statement
py.print-debugging        info    observability.logging       code+agg `print()` left in functions
py.path-traversal         warning security.path-traversal     code     Path built from a parameter
py.syntax-error           error   practice.debugging          text     Syntax error
py.wildcard-import        info    python.idioms               code     Wildcard import
"""
_NESTING_LIMIT = 4
_FUNCTION_LINES_LIMIT = 50
_COMPLEXITY_LIMIT = 10
_MUTABLE_FACTORIES = frozenset(
    {"list", "dict", "set", "bytearray", "defaultdict", "deque", "OrderedDict", "Counter"}
)


class _PythonChecks(_CallChecks):
    """One pass over a parsed module; every check reads the shared index."""

    # Run ----------------------------------------------------------------------------------

    def run(self) -> list[Finding]:
        for node in self.nodes:
            if isinstance(node, _FunctionNode):
                self._function(node)
            elif isinstance(node, ast.Lambda):
                self._mutable_defaults(node, "lambda")
            elif isinstance(node, ast.ExceptHandler):
                self._handler(node)
            elif isinstance(node, ast.Call):
                self._call(node)
            elif isinstance(node, ast.Assign | ast.AnnAssign):
                self._assign(node)
            elif isinstance(node, ast.Dict):
                self._dict(node)
            elif isinstance(node, ast.Compare):
                self._compare(node)
            elif isinstance(node, ast.For | ast.AsyncFor | ast.comprehension):
                self._loop(node)
            elif isinstance(node, ast.Assert):
                self._assert(node)
            elif isinstance(node, ast.Global):
                self._global(node)
            elif isinstance(node, ast.ImportFrom):
                self._import_from(node)
            if isinstance(node, ast.Constant | ast.JoinedStr | ast.BinOp):
                self._embedded_sql(node)
        self._nesting(self.tree.body, "at module level")
        self._prints()
        return self.out

    # Functions ----------------------------------------------------------------------------

    def _function(self, node: _FunctionNode) -> None:
        self._mutable_defaults(node, node.name)
        self._length(node)
        self._complexity(node)
        self._nesting(node.body, f"in {code_span(node.name)}")

    def _mutable_defaults(self, node: _FunctionNode | ast.Lambda, name: str) -> None:
        args = node.args
        positional = [*args.posonlyargs, *args.args]
        pairs: list[tuple[ast.arg, ast.expr]] = list(
            zip(positional[len(positional) - len(args.defaults) :], args.defaults, strict=True)
        )
        pairs += [
            (a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is not None
        ]
        mutable = [(a, d) for a, d in pairs if self._is_mutable(d)]
        if not mutable:
            return
        first_arg, first_default = mutable[0]
        names = ", ".join(code_span(a.arg) for a, _ in mutable)
        call = code_span(f"{name}()") if name != "lambda" else "it"
        hint = (
            f"What will {code_span(first_arg.arg)} contain the second time you call {call} "
            "without passing it? Concept: default values are evaluated once, when the `def` "
            "runs, so every call shares the same object."
        )
        if len(mutable) > 1:
            hint += f" (This applies to {names}.)"
        self.add(
            _finding(
                "py.mutable-default-arg",
                self.line_of(first_default),
                hint,
                self._mutable_fix(node, name, mutable),
                title=f"Mutable default argument in {code_span(name)}",
            )
        )

    def _is_mutable(self, node: ast.expr) -> bool:
        if isinstance(
            node, ast.List | ast.Dict | ast.Set | ast.ListComp | ast.DictComp | ast.SetComp
        ):
            return True
        return (
            isinstance(node, ast.Call)
            and _name_of(node.func) in _MUTABLE_FACTORIES
            and not isinstance(node.func, ast.Attribute)
        )

    def _mutable_fix(
        self, node: _FunctionNode | ast.Lambda, name: str, mutable: list[tuple[ast.arg, ast.expr]]
    ) -> str:
        body = []
        for arg, default in mutable:
            original = _unparse(default, 60) or "[]"
            body += [f"    if {arg.arg} is None:", f"        {arg.arg} = {original}"]
        replaced = {id(default) for _, default in mutable}
        none = ast.Constant(value=None)
        args = node.args
        signature = None
        if isinstance(node, _FunctionNode):
            new_args = ast.arguments(
                posonlyargs=args.posonlyargs,
                args=args.args,
                vararg=args.vararg,
                kwonlyargs=args.kwonlyargs,
                kw_defaults=[
                    none if d is not None and id(d) in replaced else d for d in args.kw_defaults
                ],
                kwarg=args.kwarg,
                defaults=[none if id(d) in replaced else d for d in args.defaults],
            )
            rendered = _unparse(new_args, 100)
            if rendered is not None:
                prefix = "async def" if isinstance(node, ast.AsyncFunctionDef) else "def"
                returns = _unparse(node.returns, 40) if node.returns is not None else None
                signature = (
                    f"{prefix} {name}({rendered})" + (f" -> {returns}" if returns else "") + ":"
                )
        if signature is None:
            signature = "# in the signature: " + ", ".join(f"{a.arg}=None" for a, _ in mutable)
        return "\n".join([signature, *body])

    def _length(self, node: _FunctionNode) -> None:
        end = node.end_lineno or node.lineno
        body_lines = self.lines[node.lineno - 1 : end]
        count = sum(1 for line in body_lines if line.strip() and not line.lstrip().startswith("#"))
        if count <= _FUNCTION_LINES_LIMIT:
            return
        self.add(
            _finding(
                "py.long-function",
                node.lineno,
                f"{code_span(node.name)} has {count} lines of code. Can you name the three or "
                "four steps it performs? Each step is a candidate helper function. Concept: "
                "small functions that each do one thing are easier to test and change.",
                "Extract each step into a helper function named after what it does, so "
                f"{code_span(node.name)} reads like a short summary of those steps.",
                title=f"Long function {code_span(node.name)} ({count} lines)",
            )
        )

    def _complexity(self, node: _FunctionNode) -> None:
        score = 1 + self.branches.get(node, 0)
        if score <= _COMPLEXITY_LIMIT:
            return
        self.add(
            _finding(
                "py.complex-function",
                node.lineno,
                f"{code_span(node.name)} has about {score} independent paths through it "
                f"(cyclomatic complexity; {_COMPLEXITY_LIMIT} is a common limit). How many tests "
                "would it take to cover them all? Concept: reduce branching with early "
                "returns, lookup tables, or by splitting responsibilities.",
                "Turn the outer conditions into guard clauses that return early, replace "
                "long `if/elif` chains over one value with a dict lookup, and move "
                "independent branches into helper functions.",
                title=f"Complex function {code_span(node.name)} (complexity {score})",
            )
        )

    def _nesting(self, body: list[ast.stmt], where: str) -> None:
        deepest: tuple[int, ast.stmt] | None = None
        stack: list[tuple[ast.stmt, int]] = [(stmt, 0) for stmt in body]
        while stack:
            stmt, depth = stack.pop()
            if depth > _NESTING_LIMIT and (
                deepest is None or (stmt.lineno, -depth) < (deepest[1].lineno, -deepest[0])
            ):
                deepest = (depth, stmt)
            for block, extra in self._blocks(stmt):
                stack.extend((child, depth + extra) for child in block)
        if deepest is None:
            return
        depth, stmt = deepest
        self.add(
            _finding(
                "py.deep-nesting",
                stmt.lineno,
                f"At line {stmt.lineno} the code {where} is {depth} blocks deep. Which "
                "conditions could be checked first, with an early `return` or `continue`, so "
                "the main path stays flat? Concept: guard clauses and small helper functions.",
                "Invert the outer conditions into guard clauses (`if not ready: return`) and "
                "move the innermost block into a helper function with a descriptive name.",
                title=f"Deeply nested code {where} ({depth} levels)",
            )
        )

    @staticmethod
    def _blocks(stmt: ast.stmt) -> list[tuple[list[ast.stmt], int]]:
        if isinstance(stmt, ast.If):
            blocks = [(stmt.body, 1)]
            orelse = stmt.orelse
            # `elif` parses as an If inside orelse at the same column: same depth.
            if (
                len(orelse) == 1
                and isinstance(orelse[0], ast.If)
                and orelse[0].col_offset == stmt.col_offset
            ):
                blocks.append((orelse, 0))
            elif orelse:
                blocks.append((orelse, 1))
            return blocks
        if isinstance(stmt, ast.For | ast.AsyncFor | ast.While):
            return [(stmt.body, 1), (stmt.orelse, 1)]
        if isinstance(stmt, ast.With | ast.AsyncWith):
            return [(stmt.body, 1)]
        if isinstance(stmt, ast.Try | ast.TryStar):
            blocks = [(stmt.body, 1), (stmt.orelse, 1), (stmt.finalbody, 1)]
            blocks += [(handler.body, 1) for handler in stmt.handlers]
            return blocks
        if isinstance(stmt, ast.Match):
            return [(case.body, 1) for case in stmt.cases]
        return []

    # Exceptions ---------------------------------------------------------------------------

    def _handler(self, node: ast.ExceptHandler) -> None:
        silent = all(
            isinstance(stmt, ast.Pass | ast.Continue)
            or (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant))
            for stmt in node.body
        )
        if node.type is None:
            self.add(
                _finding(
                    "py.bare-except",
                    node.lineno,
                    "Which errors do you actually expect from the `try` block above this line? "
                    "A bare `except:` also catches `KeyboardInterrupt` and `SystemExit`, and "
                    + (
                        "silently hides every bug. "
                        if silent
                        else "hides bugs you would want to see. "
                    )
                    + "Concept: catch the narrowest exception you can handle.",
                    "except ValueError as exc:  # name the error you expect here\n"
                    '    logger.warning("could not process the input: %s", exc)',
                )
            )
            return
        broad = {"Exception", "BaseException"}
        types = node.type.elts if isinstance(node.type, ast.Tuple) else [node.type]
        if silent and any(_name_of(t) in broad for t in types):
            self.add(
                _finding(
                    "py.swallowed-exception",
                    node.lineno,
                    "If this handler runs, how would you ever find out? Catching every "
                    "exception and doing nothing turns bugs into silent wrong results. "
                    "Concept: handle the error, log it, or let it propagate — never ignore it "
                    "silently.",
                    "except Exception:\n"
                    '    logger.exception("what we were doing when it failed")\n'
                    "    raise  # or recover deliberately, and say why in a comment",
                )
            )

    # Loops, asserts, globals, imports -----------------------------------------------------

    def _loop(self, node: ast.For | ast.AsyncFor | ast.comprehension) -> None:
        iterator = node.iter
        if not (
            isinstance(iterator, ast.Call)
            and isinstance(iterator.func, ast.Name)
            and iterator.func.id == "range"
            and len(iterator.args) == 1
            and isinstance(iterator.args[0], ast.Call)
            and isinstance(iterator.args[0].func, ast.Name)
            and iterator.args[0].func.id == "len"
            and len(iterator.args[0].args) == 1
        ):
            return
        sequence = _unparse(iterator.args[0].args[0], 50) or "items"
        index = _unparse(node.target, 20) or "i"
        line = self.line_of(iterator) or self.line_of(node)
        self.add(
            _finding(
                "py.range-len",
                line,
                f"Do you need the index {code_span(index)} itself, or only each item of "
                f"{code_span(sequence)}? Concept: loop over the items directly, and use "
                "`enumerate()` when you need both.",
                f"for {index}, item in enumerate({sequence}):",
            )
        )

    def _assert(self, node: ast.Assert) -> None:
        function = self.scope.get(node)
        if function is None or self.is_test_module or function.name.startswith("test"):
            return
        ancestor = self.parent.get(function)
        while ancestor is not None:
            if isinstance(ancestor, ast.ClassDef) and ancestor.name.startswith("Test"):
                return
            ancestor = self.parent.get(ancestor)
        params = {
            a.arg
            for a in [*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs]
        }
        params -= {"self", "cls"}
        if not any(isinstance(n, ast.Name) and n.id in params for n in ast.walk(node.test)):
            return  # an internal invariant, which is what assert is for
        if self._narrows_type(node.test):
            return  # `assert isinstance(x, T)` / `x is not None` informs the type checker
        test = _unparse(node.test, 70) or "condition"
        if not isinstance(node.test, ast.Name | ast.Call | ast.Attribute | ast.Compare):
            test = f"({test})"
        message = _unparse(node.msg, 50) if node.msg is not None else None
        self.add(
            _finding(
                "py.assert-validation",
                node.lineno,
                "What happens to this check when Python runs with `-O`? Assertions are "
                "removed, so the validation silently disappears. Concept: use `assert` for "
                "internal invariants; raise an exception such as `ValueError` for bad input.",
                f"if not {test}:\n"
                f"    raise ValueError({message or repr('explain what was wrong')})",
            )
        )

    @staticmethod
    def _narrows_type(test: ast.expr) -> bool:
        if isinstance(test, ast.Call) and _name_of(test.func) in {"isinstance", "issubclass"}:
            return True
        return (
            isinstance(test, ast.Compare)
            and len(test.ops) == 1
            and isinstance(test.ops[0], ast.IsNot | ast.Is)
            and isinstance(test.comparators[0], ast.Constant)
            and test.comparators[0].value is None
        )

    def _global(self, node: ast.Global) -> None:
        names = ", ".join(code_span(n) for n in node.names[:3])
        self.add(
            _finding(
                "py.global-statement",
                node.lineno,
                f"Which functions change {names}, and in what order? `global` makes data flow "
                "invisible and tests order-dependent. Concept: pass values in as parameters "
                "and return results, or keep the state on an object.",
                "Pass the value in as a parameter and return the new value (or keep it on an "
                "object that callers share explicitly).",
            )
        )

    def _import_from(self, node: ast.ImportFrom) -> None:
        if any(alias.name == "*" for alias in node.names):
            module = "." * node.level + (node.module or "")
            self.add(
                _finding(
                    "py.wildcard-import",
                    node.lineno,
                    f"Which names does `from {module} import *` bring in, and could one "
                    "silently replace a name of yours? Concept: explicit imports show where "
                    "every name comes from.",
                    f"from {module} import name_you_use, other_name_you_use",
                )
            )

    def _prints(self) -> None:
        if "print" in self.aliases:
            return
        for node in self.nodes:
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "print"
            ):
                continue
            function = self.scope.get(node)
            if function is None or function.name in {"main", "cli", "_main"}:
                continue
            self.add(
                _finding(
                    "py.print-debugging",
                    node.lineno,
                    "Will these `print()` calls still help once the code runs in production, "
                    "and how would you switch them off? Concept: use the `logging` module, "
                    "whose levels can be turned up or down without editing code.",
                    "logger = logging.getLogger(__name__)\n"
                    'logger.debug("total=%s", total)  # instead of print(...)',
                )
            )

    # SQL inside Python strings ------------------------------------------------------------

    def _embedded_sql(self, node: ast.AST) -> None:
        parent = self.parent.get(node)
        if isinstance(parent, ast.JoinedStr | ast.Expr) or (
            isinstance(parent, ast.BinOp) and isinstance(parent.op, ast.Add | ast.Mod)
        ):
            return  # part of a larger string (checked there), or a docstring
        if (
            isinstance(parent, ast.Call)
            and isinstance(parent.func, ast.Attribute)
            and parent.func.attr == "format"
        ):
            return
        if isinstance(node, ast.Constant):
            if not isinstance(node.value, str):
                return
            text = node.value
        else:
            parts = _string_parts(node)
            if parts is None:
                return
            text = _text_of(parts)
        if not _SQL_STATEMENT_START.match(text):
            return
        line = self.line_of(node) or 1
        self.out.extend(_sql_statement_findings(text, line, embedded=True))


def _top_level_prefix(lines: Sequence[str]) -> str:
    """Cut truncated Python back to the last top-level statement, so the prefix parses."""
    for index in range(len(lines) - 1, 0, -1):
        line = lines[index]
        if line and not line[0].isspace() and not line.startswith((")", "]", "}", "#")):
            return "\n".join(lines[:index])
    return "\n".join(lines)


def _python_findings(
    code: str, lines: Sequence[str], parsed: ast.Module | BaseException | None
) -> tuple[list[Finding], list[str]]:
    tree = parsed if parsed is not None else _parse_python(code)
    if isinstance(tree, SyntaxError):
        line = tree.lineno if isinstance(tree.lineno, int) and tree.lineno >= 1 else None
        message = str(tree.msg or "invalid syntax")[:100]
        where = f"line {line}" if line else "an unknown line"
        finding = _finding(
            "py.syntax-error",
            line,
            f"Python stopped reading at {where} with {code_span(message)}. Look at that "
            "line and the one before it — is a bracket, quote, colon or comma missing? "
            "Concept: the reported line is where Python noticed the problem; the mistake is "
            "often just before it.",
            f"Fix the syntax at {where} (check the end of the previous line too), then ask "
            "again so I can check the rest of the code.",
        )
        return [finding], [
            "Python could not parse this code, so I could only run the line-based checks."
        ]
    if isinstance(tree, RecursionError | MemoryError):
        return [], [
            "The code is nested too deeply for me to analyse its structure; "
            "I only ran the line-based checks."
        ]
    if not isinstance(tree, ast.Module):
        return [], ["I could not read this as Python source, so I only ran the line-based checks."]
    try:
        return _PythonChecks(tree, lines).run(), []
    except RecursionError:  # ast.unparse on a pathological expression
        return [], [
            "Part of the code is too deeply nested to analyse; I only ran the line-based checks."
        ]
