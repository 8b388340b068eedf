"""Python checks on calls, assignments and the secrets they hold.

A mixin of ``_PythonChecks`` (``python.py``), split out to keep modules small: it reads
the shared index of ``_PythonIndex`` and reports through ``add``.
"""

from __future__ import annotations

import ast
import itertools
import re
import shlex
from collections.abc import Sequence

from devmentor.ai.offline.checks.base import (
    _CREDENTIAL_WORDS,
    Severity,
    _finding,
    code_span,
)
from devmentor.ai.offline.checks.python_syntax import (
    _is_dynamic,
    _is_str,
    _name_of,
    _PythonIndex,
    _string_parts,
    _StringPart,
    _text_of,
    _unparse,
)

_SECRET_NAME = re.compile(rf"(?:{_CREDENTIAL_WORDS})$", re.IGNORECASE)
_SQL_CALLS = frozenset(
    {
        "execute",
        "executemany",
        "executescript",
        "exec_driver_sql",
        "raw",
        "read_sql",
        "read_sql_query",
        "mogrify",
    }
)
_SHELL_CALLS = frozenset(
    {
        "subprocess.run",
        "subprocess.call",
        "subprocess.Popen",
        "subprocess.check_output",
        "subprocess.check_call",
    }
)
_SHELL_STRING_CALLS = frozenset(
    {"os.system", "os.popen", "subprocess.getoutput", "subprocess.getstatusoutput"}
)
_PICKLE_MODULES = frozenset(
    {"pickle", "cPickle", "_pickle", "dill", "cloudpickle", "marshal", "joblib", "shelve"}
)
_PICKLE_CALLS = frozenset({"load", "loads", "Unpickler", "open"})
_SAFE_YAML_LOADERS = frozenset({"SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader"})
_HTTP_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request"})
_PATH_GUARDS = frozenset(
    {
        "realpath",
        "abspath",
        "resolve",
        "commonpath",
        "commonprefix",
        "is_relative_to",
        "secure_filename",
        "basename",
    }
)


class _CallChecks(_PythonIndex):
    """Checks on calls, assignments and secrets; ``_PythonChecks.run`` dispatches here."""

    # Calls --------------------------------------------------------------------------------

    def _call(self, node: ast.Call) -> None:
        qualname = self.qualname(node.func)
        func_name = _name_of(node.func)
        if (
            isinstance(node.func, ast.Name)
            and node.func.id in {"eval", "exec"}
            and node.func.id not in self.aliases
        ):
            self._eval(node, node.func.id)
        if func_name in _SQL_CALLS or qualname in {"sqlalchemy.text", "text"}:
            self._sql_call(node, qualname)
        if qualname in _SHELL_CALLS or qualname in _SHELL_STRING_CALLS:
            self._shell(node, qualname)
        if qualname:
            self._deserialization(node, qualname)
            self._requests(node, qualname)
            self._blocking(node, qualname)
        if (
            isinstance(node.func, ast.Name)
            and node.func.id == "open"
            and "open" not in self.aliases
        ):
            self._open(node)
            self._path_traversal(node)
        elif qualname in {"flask.send_file", "os.remove", "os.unlink", "shutil.rmtree"}:
            self._path_traversal(node)
        for keyword in node.keywords:
            if (
                keyword.arg
                and _SECRET_NAME.search(keyword.arg)
                and self._secret_value(keyword.value, keyword.arg)
            ):
                self._secret(
                    keyword.value, keyword.arg, f'{keyword.arg}=os.environ["{keyword.arg.upper()}"]'
                )

    def _eval(self, node: ast.Call, name: str) -> None:
        if node.args and _is_str(node.args[0]):
            severity: Severity = "warning"  # a constant string is not injectable, just risky
        else:
            severity = "error"
        fix = (
            "value = ast.literal_eval(text)  # numbers, strings, lists, dicts — never code"
            if name == "eval"
            else 'actions = {"start": start, "stop": stop}  # allowed operations by name\n'
            "actions[command]()"
        )
        self.add(
            _finding(
                "py.eval-exec",
                node.lineno,
                f"What could someone do if they controlled the string passed to `{name}()`? It "
                "runs arbitrary Python with your program's permissions. Concept: code "
                "injection — parse data with a parser, choose behaviour with a lookup table.",
                fix,
                title=f"`{name}()` runs a string as code",
                severity=severity,
            )
        )

    def _sql_call(self, node: ast.Call, qualname: str | None) -> None:
        query: ast.expr | None = node.args[0] if node.args else None
        if query is None:
            for keyword in node.keywords:
                if keyword.arg in {"sql", "query", "statement", "operation"}:
                    query = keyword.value
        if query is None:
            return
        parts = _string_parts(query)
        if not _is_dynamic(parts) and isinstance(query, ast.Name):
            built = self.dynamic_sql.get((self.scope.get(node), query.id))
            parts = _string_parts(built) if built is not None else None
        if parts is None or not _is_dynamic(parts):
            return
        values = [p for p in parts if not isinstance(p, str)]
        first = _unparse(values[0], 40) if values else None
        subject = code_span(first) if first else "one of the values"
        self.add(
            _finding(
                "py.sql-injection",
                node.lineno,
                f"What happens if {subject} contains a quote — say `O'Brien`, or "
                "`' OR '1'='1`? The query text is built from values, so a value can change the "
                "query itself. Concept: SQL injection — keep the SQL constant and pass values "
                "separately as query parameters.",
                self._sql_fix(node, parts, qualname),
            )
        )

    def _sql_fix(self, node: ast.Call, parts: Sequence[_StringPart], qualname: str | None) -> str:
        marker = "\x00"
        text = _text_of(parts, marker)
        text = re.sub(r"(['\"])\x00\1", marker, text)  # the driver quotes values itself
        query = text.replace(marker, self.placeholder)
        params = [_unparse(p, 60) or "value" for p in parts if not isinstance(p, str)]
        params_text = f"({params[0]},)" if len(params) == 1 else f"({', '.join(params)})"
        func = _unparse(node.func, 60) or "cursor.execute"
        if qualname in {"sqlalchemy.text", "text"}:
            named = re.sub(r"\?|%s", lambda _m: ":value", query)
            return f"{func}({named!r})  # then pass values: .execute(stmt, {{'value': ...}})"
        style = "`?` for sqlite3, `%s` for psycopg and MySQL drivers"
        return f"# placeholders: {style}\n{func}(\n    {query!r},\n    {params_text},\n)"

    def _shell(self, node: ast.Call, qualname: str | None) -> None:
        command = node.args[0] if node.args else None
        for keyword in node.keywords:
            if keyword.arg in {"args", "cmd", "command"} and command is None:
                command = keyword.value
        constant = _is_str(command)
        if qualname in _SHELL_STRING_CALLS:
            if constant or command is None:
                return
            severity: Severity = "error"
        else:
            shell = any(
                kw.arg == "shell" and isinstance(kw.value, ast.Constant) and kw.value.value is True
                for kw in node.keywords
            )
            if not shell:
                return
            severity = "warning" if constant else "error"
        self.add(
            _finding(
                "py.shell-injection",
                node.lineno,
                "Could any part of this command come from a user or a file name? Here the "
                "command goes through a shell, so characters like `;`, `|` or `$(...)` inside a "
                "value run extra commands. Concept: pass an argument list so no shell is involved.",
                self._shell_fix(command),
                title=f"{code_span(qualname or 'command')} runs through a shell",
                severity=severity,
            )
        )

    def _shell_fix(self, command: ast.expr | None) -> str:
        items: list[str] = []
        if isinstance(command, ast.Constant) and isinstance(command.value, str):
            try:
                items = [repr(word) for word in shlex.split(command.value)]
            except ValueError:
                items = []
        elif command is not None:
            parts = _string_parts(command) or []
            for part in parts:
                if isinstance(part, str):
                    items += [repr(word) for word in part.split()]
                else:
                    items.append(_unparse(part, 40) or "value")
        if not items:
            items = ['"program"', "argument"]
        rendered = ", ".join(items)
        if len(rendered) > 90:
            rendered = '"program", argument'
        return f"subprocess.run([{rendered}], check=True)  # a list: no shell involved"

    def _deserialization(self, node: ast.Call, qualname: str) -> None:
        module, _, name = qualname.rpartition(".")
        fix = None
        if module in _PICKLE_MODULES and name in _PICKLE_CALLS:
            fix = "data = json.loads(payload)  # data only; validate it before use"
        elif qualname == "pandas.read_pickle":
            fix = "frame = pandas.read_parquet(path)  # or CSV/JSON: formats without code"
        elif module == "yaml" and name in {"load", "load_all", "unsafe_load", "unsafe_load_all"}:
            loader = next((kw.value for kw in node.keywords if kw.arg == "Loader"), None)
            if loader is None and len(node.args) > 1:
                loader = node.args[1]
            if (
                name.startswith("load")
                and loader is not None
                and _name_of(loader) in _SAFE_YAML_LOADERS
            ):
                return
            source = _unparse(node.args[0], 60) if node.args else None
            fix = f"data = yaml.safe_load({source or 'stream'})"
        if fix is None:
            return
        self.add(
            _finding(
                "py.unsafe-deserialization",
                node.lineno,
                f"Where do the bytes passed to {code_span(qualname)} come from? This format can "
                "describe objects to construct, so loading attacker-made data runs "
                "attacker-chosen code. Concept: unsafe deserialization — use a data-only format "
                "for anything that crosses a trust boundary.",
                fix,
                title=f"{code_span(qualname)} can run code from the data",
            )
        )

    def _requests(self, node: ast.Call, qualname: str) -> None:
        module, _, method = qualname.rpartition(".")
        if module != "requests" or method not in _HTTP_METHODS:
            return
        if any(kw.arg == "timeout" or kw.arg is None for kw in node.keywords):
            return
        fixed = ast.Call(
            func=node.func,
            args=node.args,
            keywords=[*node.keywords, ast.keyword(arg="timeout", value=ast.Constant(value=10))],
        )
        self.add(
            _finding(
                "py.requests-no-timeout",
                node.lineno,
                "What does your program do if the server accepts the connection but never "
                "answers? `requests` waits forever by default. Concept: every network call "
                "needs a timeout, and a plan for when it fires.",
                (_unparse(fixed) or f"{qualname}(url, timeout=10)") + "  # seconds",
            )
        )

    def _blocking(self, node: ast.Call, qualname: str) -> None:
        function = self.scope.get(node)
        if not isinstance(function, ast.AsyncFunctionDef):
            return
        module, _, method = qualname.rpartition(".")
        if qualname == "time.sleep":
            delay = _unparse(node.args[0], 40) if node.args else None
            fix = f"await asyncio.sleep({delay or 'seconds'})"
        elif (
            module == "requests" and method in _HTTP_METHODS
        ) or qualname == "urllib.request.urlopen":
            fix = (
                "async with httpx.AsyncClient(timeout=10) as client:\n"
                "    response = await client.get(url)"
            )
        else:
            return
        self.add(
            _finding(
                "py.blocking-call-in-async",
                node.lineno,
                f"While {code_span(qualname + '()')} runs inside `async def "
                f"{function.name}`, what are all the other tasks on the event loop doing? A "
                "blocking call freezes every one of them. Concept: in async code, await a "
                "non-blocking equivalent or move the work to a thread with `asyncio.to_thread()`.",
                fix,
            )
        )

    def _open(self, node: ast.Call) -> None:
        parent = self.parent.get(node)
        if isinstance(parent, ast.withitem | ast.Return | ast.Yield):
            return
        if isinstance(parent, ast.Call) and _name_of(parent.func) in {
            "enter_context",
            "closing",
            "closing_context",
        }:
            return
        arguments = ", ".join(
            filter(
                None,
                [_unparse(a, 50) for a in node.args] + [_unparse(k, 50) for k in node.keywords],
            )
        )
        self.add(
            _finding(
                "py.open-without-with",
                node.lineno,
                "When does the file opened here get closed — and what if an exception happens "
                "before that? Concept: a `with` block (context manager) closes it for you, even "
                "on errors.",
                f"with open({arguments or 'path'}) as handle:\n    data = handle.read()",
            )
        )

    def _path_traversal(self, node: ast.Call) -> None:
        function = self.scope.get(node)
        if function is None or not node.args:
            return
        target = node.args[0]
        joined = (
            isinstance(target, ast.Call)
            and self.qualname(target.func) in {"os.path.join", "posixpath.join"}
        ) or (isinstance(target, ast.BinOp) and isinstance(target.op, ast.Div | ast.Add))
        joined = joined or isinstance(target, ast.JoinedStr)
        if not joined:
            return
        params = {
            a.arg
            for a in [*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs]
        }
        params -= {"self", "cls"}
        used = [n.id for n in ast.walk(target) if isinstance(n, ast.Name) and n.id in params]
        if not used:
            return
        for inner in ast.walk(function):
            if isinstance(inner, ast.Call) and _name_of(inner.func) in _PATH_GUARDS:
                return
        self.add(
            _finding(
                "py.path-traversal",
                node.lineno,
                f"What path do you get if {code_span(used[0])} is `../../etc/passwd`? Joining a "
                "caller-supplied name onto a folder can escape that folder. Concept: path "
                "traversal — resolve the final path and check it is still inside the base "
                "directory.",
                f"target = (BASE_DIR / {used[0]}).resolve()\n"
                "if not target.is_relative_to(BASE_DIR.resolve()):\n"
                '    raise PermissionError("path escapes the base directory")',
            )
        )

    # Assignments and secrets --------------------------------------------------------------

    def _assign(self, node: ast.Assign | ast.AnnAssign) -> None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            name = _name_of(target)
            if name and _SECRET_NAME.search(name) and self._secret_value(node.value, name):
                prefix = _unparse(target, 60) or name
                self._secret(node.value, name, f'{prefix} = os.environ["{name.upper()}"]')

    def _dict(self, node: ast.Dict) -> None:
        for key, value in zip(node.keys, node.values, strict=True):
            if (
                isinstance(key, ast.Constant)
                and isinstance(key.value, str)
                and _SECRET_NAME.search(key.value)
                and self._secret_value(value, key.value)
            ):
                self._secret(value, key.value, f'"{key.value}": os.environ["{key.value.upper()}"],')

    def _compare(self, node: ast.Compare) -> None:
        operands = [node.left, *node.comparators]
        for op, (left, right) in zip(node.ops, itertools.pairwise(operands), strict=True):
            if not isinstance(op, ast.Eq | ast.NotEq):
                continue
            for side, other in ((left, right), (right, left)):
                name = _name_of(side)
                if name and _SECRET_NAME.search(name) and self._secret_value(other, name):
                    self._secret(
                        other,
                        name,
                        f'expected = os.environ["{name.upper()}"]\n'
                        f"hmac.compare_digest({name}, expected)",
                    )
            if any(isinstance(s, ast.Constant) and s.value is None for s in (left, right)):
                subject = right if isinstance(left, ast.Constant) and left.value is None else left
                word = "is" if isinstance(op, ast.Eq) else "is not"
                rendered = _unparse(subject, 60) or "value"
                self.add(
                    _finding(
                        "py.none-comparison",
                        node.lineno,
                        "`== None` asks the object whether it *equals* None, and a class can "
                        "answer yes. How do you check that something *is* the None object? "
                        "Concept: identity (`is`) versus equality (`==`).",
                        f"{rendered} {word} None",
                    )
                )

    def _secret_value(self, value: ast.AST | None, name: str) -> bool:
        if not (isinstance(value, ast.Constant) and isinstance(value.value, str)):
            return False
        text = value.value.strip()
        # Short or name-like values are labels ("password"), not credentials.
        return (
            len(text) >= 4
            and text.lower() != name.lower()
            and not text.startswith(("${", "<", "{{"))
        )

    def _secret(self, value: ast.AST | None, name: str, fix: str) -> None:
        line = self.line_of(value) if value is not None else None
        self.add(
            _finding(
                "py.hardcoded-secret",
                line,
                f"Who can read the value of {code_span(name)} once this file is committed? "
                "Secrets in source code end up in git history, forks and CI logs. Concept: load "
                "secrets from the environment or a secret manager — and rotate any that were "
                "committed.",
                fix,
                title=f"Hard-coded secret in {code_span(name)}",
            )
        )
