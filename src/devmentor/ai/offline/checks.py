"""Code inspections for the offline mentor: deterministic findings with line numbers.

The code handed to us is hostile data. Nothing here executes, imports, evaluates or
compiles it: Python is read with ``ast.parse`` (parse only, under guards for the errors
absurd input provokes), everything else with linear-time regular expressions and a small
string/comment scanner. Input is capped before any of that happens.

The checks are heuristics, tuned to be right about the common case and quiet about the
rest; the mentor words its answers accordingly.
"""

from __future__ import annotations

import ast
import bisect
import itertools
import re
import shlex
import threading
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Literal

__all__ = [
    "MAX_CODE_CHARS",
    "RULES",
    "Finding",
    "Inspection",
    "Rule",
    "Severity",
    "code_span",
    "detect_language",
    "inspect_code",
    "mask_secrets",
    "normalize_language",
    "split_lines",
]

Severity = Literal["info", "warning", "error"]
SEVERITY_RANK: Mapping[str, int] = MappingProxyType({"error": 2, "warning": 1, "info": 0})

#: Inspecting more than this is slow and never needed to teach; the rest is ignored.
MAX_CODE_CHARS = 64_000
_LONG_LINE = 120
_MAX_FINDINGS = 200
_NESTING_LIMIT = 4
_FUNCTION_LINES_LIMIT = 50
_COMPLEXITY_LIMIT = 10
_SNIPPET_LINE = 120


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing worth a learner's attention, anchored to a line where possible."""

    rule_id: str
    title: str
    line: int | None
    severity: Severity
    #: Guidance without the answer: a leading question plus the concept behind it.
    hint: str
    #: A short corrected snippet or instruction, shown only in solution mode.
    fix: str
    topic: str


@dataclass(frozen=True, slots=True)
class Rule:
    """What a rule is about; findings copy their defaults from here."""

    id: str
    title: str
    severity: Severity
    topic: str
    #: Whether ``Finding.fix`` is code (rendered as a code block) or a sentence.
    fix_is_code: bool
    #: Noisy rules report once, at the first occurrence, with a count.
    aggregate: bool = False


@dataclass(frozen=True, slots=True)
class Inspection:
    """Everything the mentor needs to know about a piece of code."""

    language: str | None
    findings: tuple[Finding, ...]
    line_count: int
    truncated: bool = False
    binary: bool = False
    #: Caveats about what could not be checked, in plain words for the learner.
    notes: tuple[str, ...] = ()


# Columns: id, severity, topic, fix kind (code or text; +agg: report once with a count), title.
_RULE_TABLE = """
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
# JavaScript and TypeScript, line by line with strings and comments blanked out.
js.loose-equality         warning javascript.equality         code+agg `==` instead of `===`
js.var                    info    javascript.variables        code+agg `var` declaration
js.eval                   error   security.code-injection     code     `eval`/`new Function`
js.inner-html             error   security.xss                code     HTML built from a value (XSS)
js.document-write         warning security.xss                code     `document.write`
js.console-log            info    observability.logging       text+agg `console.log` left in
js.sql-injection          error   security.sql-injection      code     SQL text built from values
ts.any                    info    typescript.types            code+agg `any` type
js.unhandled-promise      info    javascript.promises         code+agg Promise without `.catch()`
# SQL, in .sql code or in SQL strings embedded in Python and JavaScript.
sql.select-star           info    sql.safe-queries            code+agg `SELECT *`
sql.delete-without-where  error   sql.safe-queries            code     `DELETE` without `WHERE`
sql.update-without-where  error   sql.safe-queries            code     `UPDATE` without `WHERE`
sql.string-concat         warning security.sql-injection      text     SQL built by concatenation
# Any language.
generic.long-line         info    quality.readability         text+agg Very long lines
generic.todo              info    quality.readability         text+agg TODO/FIXME notes
secret.aws-access-key     error   security.secrets-management text     AWS access key in code
secret.private-key        error   security.secrets-management text     Private key in code
secret.github-token       error   security.secrets-management text     GitHub token in code
secret.api-key            error   security.secrets-management text     API key in code
"""
_SEVERITIES: Mapping[str, Severity] = MappingProxyType(
    {"info": "info", "warning": "warning", "error": "error"}
)


def _parse_rules(table: str) -> tuple[Rule, ...]:
    rules = []
    for row in table.strip().splitlines():
        if row.startswith("#"):
            continue
        rule_id, severity, topic, flags, title = row.split(maxsplit=4)
        rules.append(
            Rule(
                id=rule_id,
                title=title,
                severity=_SEVERITIES[severity],
                topic=topic,
                fix_is_code=flags.startswith("code"),
                aggregate=flags.endswith("+agg"),
            )
        )
    return tuple(rules)


_RULE_LIST = _parse_rules(_RULE_TABLE)
RULES: Mapping[str, Rule] = MappingProxyType({rule.id: rule for rule in _RULE_LIST})
_RULE_ORDER: Mapping[str, int] = MappingProxyType({rule.id: i for i, rule in enumerate(_RULE_LIST)})


def _finding(
    rule_id: str,
    line: int | None,
    hint: str,
    fix: str,
    *,
    title: str | None = None,
    severity: Severity | None = None,
) -> Finding:
    rule = RULES[rule_id]
    return Finding(
        rule_id=rule_id,
        title=title or rule.title,
        line=line,
        severity=severity or rule.severity,
        hint=hint,
        fix=fix,
        topic=rule.topic,
    )


# --- Text helpers --------------------------------------------------------------------------

# The line breaks ast counts; str.splitlines also splits on \f, \x1c, \u2028 and friends,
# which would shift every line number after one of them.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_BINARY_CHARS = re.compile("[\x00-\x08\x0e-\x1f\ud800-\udfff\ufffd]")


def split_lines(text: str) -> list[str]:
    """Lines as Python's tokenizer counts them (1-based line N is ``lines[N - 1]``)."""
    return _LINE_BREAK.split(text)


def _cap(code: str) -> tuple[str, bool]:
    if len(code) <= MAX_CODE_CHARS:
        return code, False
    cut = code.rfind("\n", 0, MAX_CODE_CHARS)
    return code[: cut if cut > 0 else MAX_CODE_CHARS], True


def _looks_binary(text: str) -> bool:
    sample = text[:8192]
    if "\x00" in sample:
        return True
    return len(_BINARY_CHARS.findall(sample)) > max(8, len(sample) // 50)


def code_span(text: str) -> str:
    """``text`` as a Markdown code span, safe even when it contains backticks."""
    text = text.replace("\n", " ")
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if longest or text.startswith(" ") or text.endswith(" ") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


_SECRET_SHAPES: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("secret.aws-access-key", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"), "AWS access key"),
    (
        "secret.private-key",
        re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"),
        "private key",
    ),
    (
        "secret.github-token",
        re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b"),
        "GitHub token",
    ),
    (
        "secret.api-key",
        re.compile(
            r"\b(?:sk-(?:proj-|ant-[a-z0-9]+-)?[A-Za-z0-9_-]{20,}|xox[abprs]-[A-Za-z0-9-]{10,}"
            r"|AIza[0-9A-Za-z_-]{35})"
        ),
        "API key",
    ),
)
_CREDENTIAL_WORDS = (
    r"password|passwd|passphrase|secret|token|api_?key|apikey|access_?key|private_?key"
    r"|client_?secret|credentials?"
)
# name = "value", name: "value", "name": "value" -> keep the name, hide the value.
_ASSIGNED_SECRET = re.compile(
    rf"""(?ix)
    ( \b\w{{0,40}}(?:{_CREDENTIAL_WORDS})\w{{0,40}}["']?\s*(?:=|:|:=|=>)\s* )
    ( "[^"\n]*" | '[^'\n]*' | `[^`\n]*` )
    """
)
_URL_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+.-]{0,20}://[^\s:/@]{1,64}:)([^\s@/]{1,128})(@)", re.I)
_LONG_RANDOM = re.compile(r"[A-Za-z0-9+/_=-]{40,}")
_STRING_LITERAL = re.compile(r""""(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\\n]|\\.)*`""")


def _mask_shape(match: re.Match[str]) -> str:
    value = match.group()
    if value.startswith("-----"):
        return value  # the header names the key type; the key material is on other lines
    return value[:4] + "****"


def _mask_random(match: re.Match[str]) -> str:
    value = match.group()
    # Long runs mixing letters and digits are usually keys, hashes or key material.
    if re.search(r"[A-Za-z]", value) and re.search(r"\d", value):
        return value[:4] + "****"
    return value


def mask_secrets(text: str, *, strings: bool = False) -> str:
    """``text`` with anything that looks like a secret replaced by asterisks.

    With ``strings=True`` every quoted string is masked too (for lines already known to
    hold a secret in a form we cannot recognise by shape).
    """
    for _rule, pattern, _kind in _SECRET_SHAPES:
        text = pattern.sub(_mask_shape, text)
    text = _ASSIGNED_SECRET.sub(lambda m: m.group(1) + m.group(2)[0] + "***" + m.group(2)[0], text)
    text = _URL_PASSWORD.sub(r"\1***\3", text)
    text = _LONG_RANDOM.sub(_mask_random, text)
    if strings:
        text = _STRING_LITERAL.sub(lambda m: m.group()[0] + "***" + m.group()[0], text)
    return text


def _snippet_lines(text: str) -> str:
    """Cap each line of a generated fix so one huge expression cannot flood the answer."""
    out = []
    for line in text.split("\n"):
        out.append(line if len(line) <= _SNIPPET_LINE else line[: _SNIPPET_LINE - 1] + "…")
    return "\n".join(out)


# --- Languages -----------------------------------------------------------------------------

_LANGUAGE_ALIASES: Mapping[str, str] = MappingProxyType(
    {
        "py": "python",
        "python3": "python",
        "py3": "python",
        "js": "javascript",
        "node": "javascript",
        "nodejs": "javascript",
        "jsx": "javascript",
        "mjs": "javascript",
        "cjs": "javascript",
        "ecmascript": "javascript",
        "ts": "typescript",
        "tsx": "typescript",
        "postgres": "sql",
        "postgresql": "sql",
        "psql": "sql",
        "plpgsql": "sql",
        "mysql": "sql",
        "sqlite": "sql",
        "tsql": "sql",
        "golang": "go",
        "rs": "rust",
        "c++": "cpp",
        "cs": "csharp",
        "c#": "csharp",
        "rb": "ruby",
        "sh": "shell",
        "bash": "shell",
    }
)
_LANGUAGE_NAME = re.compile(r"[a-z][a-z0-9+#._-]{0,19}")


def normalize_language(name: str | None) -> str | None:
    """A canonical lowercase language id (``"py"`` -> ``"python"``), or None if unusable."""
    if not name:
        return None
    key = name.strip().lower()
    key = _LANGUAGE_ALIASES.get(key, key)
    return key if _LANGUAGE_NAME.fullmatch(key) else None


_M = re.MULTILINE
_SIGNALS: Mapping[str, tuple[tuple[re.Pattern[str], int], ...]] = MappingProxyType(
    {
        "python": (
            (re.compile(r"^[ \t]*(?:async\s+)?def\s+\w+\s*\(", _M), 2),
            (
                re.compile(
                    r"^[ \t]*(?:from\s+[\w.]+\s+)?import\s+\w[\w.]*(?:\s+as\s+\w+)?[ \t]*$", _M
                ),
                2,
            ),
            (re.compile(r"^[ \t]*class\s+\w+\s*(?:\([^)\n]*\))?\s*:", _M), 2),
            (
                re.compile(
                    r"^[ \t]*(?:elif|except|try|finally|with|for|while|if|else)\b"
                    r"[^{};\n]*:[ \t]*(?:#.*)?$",
                    _M,
                ),
                1,
            ),
            (re.compile(r"\bself\.\w"), 1),
            (re.compile(r"\b(?:None|True|False)\b"), 1),
            (re.compile(r"\bprint\("), 1),
            (re.compile(r"__name__|__init__"), 2),
        ),
        "javascript": (
            (re.compile(r"\b(?:const|let)\s+[\w${\[]"), 2),
            (re.compile(r"=>"), 1),
            (re.compile(r"\bfunction\b\s*\w*\s*\("), 2),
            (re.compile(r"\bconsole\.\w+\("), 2),
            (re.compile(r"===|!=="), 1),
            (re.compile(r"\brequire\(\s*['\"]"), 2),
            (re.compile(r"^[ \t]*import\s.*\sfrom\s+['\"]", _M), 2),
            (re.compile(r"^[ \t]*export\s", _M), 2),
            (re.compile(r"\b(?:document|window)\.\w"), 2),
            (re.compile(r"\b(?:undefined|null)\b"), 1),
            (re.compile(r";[ \t]*$", _M), 1),
        ),
        "typescript": (
            (re.compile(r"^[ \t]*(?:export\s+)?interface\s+\w+", _M), 3),
            (re.compile(r"[\w)?]\s*:\s*(?:string|number|boolean|any|unknown|void|never)\b"), 2),
            (re.compile(r"^[ \t]*(?:export\s+)?type\s+\w+(?:<[^>\n]*>)?\s*=", _M), 3),
            (re.compile(r"\bimplements\s+\w"), 2),
            (re.compile(r"\bas\s+(?:const|any|unknown|string|number)\b"), 2),
            (re.compile(r"^[ \t]*(?:export\s+)?enum\s+\w+\s*\{", _M), 3),
            (re.compile(r"\b(?:readonly|private|public|protected)\s+\w+\s*[:(]"), 1),
        ),
        "sql": (
            (
                re.compile(
                    r"^[ \t]*(?:SELECT\b|INSERT\s+INTO\b|UPDATE\s+\S+\s+SET\b|DELETE\s+FROM\b"
                    r"|CREATE\s+(?:OR\s+REPLACE\s+)?(?:TABLE|INDEX|VIEW|FUNCTION|UNIQUE)\b"
                    r"|ALTER\s+TABLE\b|DROP\s+(?:TABLE|INDEX|VIEW)\b|WITH\s+\w+\s+AS\s*\()",
                    _M | re.IGNORECASE,
                ),
                3,
            ),
            (re.compile(r"\bFROM\s+[\w.\"]+", re.IGNORECASE), 1),
            (
                re.compile(
                    r"^[ \t]*(?:WHERE|GROUP\s+BY|ORDER\s+BY|HAVING|LIMIT)\b", _M | re.IGNORECASE
                ),
                2,
            ),
            (re.compile(r"\b(?:INNER|LEFT|RIGHT|FULL)?\s*JOIN\s+\w", re.IGNORECASE), 1),
        ),
        "go": (
            (re.compile(r"^package\s+\w+[ \t]*$", _M), 4),
            (re.compile(r"^func\s+(?:\([^)\n]*\)\s*)?\w+\s*\(", _M), 3),
            (re.compile(r"\w\s*:=\s*"), 1),
            (re.compile(r"\bfmt\.\w+\("), 2),
            (re.compile(r"\bif\s+err\s*!=\s*nil\b"), 3),
        ),
        "rust": (
            (re.compile(r"^[ \t]*(?:pub\s+)?fn\s+\w+\s*(?:<[^>\n]*>)?\(", _M), 3),
            (re.compile(r"\blet\s+mut\b"), 3),
            (re.compile(r"\b(?:println|format|vec)!\s*[(\[]"), 3),
            (re.compile(r"^[ \t]*(?:impl|use)\s+[\w:<>]+", _M), 2),
        ),
        "java": (
            (re.compile(r"\bpublic\s+(?:static\s+)?(?:final\s+)?(?:class|void|int|String)\b"), 3),
            (re.compile(r"\bSystem\.out\.print"), 3),
            (re.compile(r"^[ \t]*import\s+java\.", _M), 4),
            (re.compile(r"^[ \t]*package\s+[\w.]+;", _M), 3),
        ),
    }
)
# Ties go to the earlier language in this order.
_DETECTION_ORDER = ("python", "javascript", "sql", "go", "rust", "java")


def _signal_score(sample: str, language: str) -> int:
    return sum(min(len(p.findall(sample)), 5) * w for p, w in _SIGNALS[language])


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


def _detect(code: str) -> tuple[str | None, ast.Module | BaseException | None]:
    if not code.strip() or _looks_binary(code):
        return None, None
    sample = code[:20_000]
    scores = {language: _signal_score(sample, language) for language in _SIGNALS}
    parsed: ast.Module | BaseException | None = None
    if scores["python"] > 0:
        parsed = _parse_python(code)
        if isinstance(parsed, ast.Module):
            scores["python"] += 6
    ts_score = scores.pop("typescript")
    if ts_score:
        # Type annotations are only evidence in code, not in strings or comments.
        ts_score = _signal_score(_scan_js(sample)[0], "typescript")
    scores["javascript"] += ts_score
    best = max(
        _DETECTION_ORDER, key=lambda language: (scores[language], -_DETECTION_ORDER.index(language))
    )
    if scores[best] < 3:
        return None, parsed
    if best == "javascript" and ts_score >= 2:
        return "typescript", parsed
    return best, parsed if best == "python" else None


def detect_language(code: str) -> str | None:
    """Best guess at ``code``'s language: python, javascript, typescript, sql, go, rust,
    java, or None when unsure. Looks only at text; never runs anything."""
    return _detect(_cap(code)[0])[0]


# --- Python --------------------------------------------------------------------------------

_FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
_MUTABLE_FACTORIES = frozenset(
    {"list", "dict", "set", "bytearray", "defaultdict", "deque", "OrderedDict", "Counter"}
)
_SECRET_NAME = re.compile(rf"(?:{_CREDENTIAL_WORDS})$", re.IGNORECASE)
_SQL_WORDS = re.compile(r"\b(?:select|insert|update|delete|where|values|from|order\s+by)\b", re.I)
_SQL_STATEMENT_START = re.compile(r"\s*(?:SELECT|INSERT|UPDATE|DELETE|WITH)\b", re.I)
_PERCENT_FIELD = re.compile(r"%(?:\([^)]{0,40}\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGcoa%]")
_FORMAT_FIELD = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")
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


class _PythonChecks:
    """One pass over a parsed module; every check reads the shared index."""

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

    def add(self, finding: Finding) -> None:
        self.out.append(finding)

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


# --- Scanners for JavaScript and SQL -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Literal:
    start: int
    end: int
    quote: str
    content: str
    interpolated: bool


def _blank(text: str) -> str:
    return re.sub(r"[^\r\n]", " ", text)


_JS_STOP = re.compile(r"""["'`]|//|/\*""")
_JS_STRING_END = {'"': re.compile(r'["\\\r\n]'), "'": re.compile(r"['\\\r\n]")}
_JS_TEMPLATE_STOP = re.compile(r"[`\\]|\$\{")
_BRACES = re.compile(r"[{}]")


def _scan_js(text: str) -> tuple[str, dict[int, _Literal]]:
    """Blank out string contents and comments (same length, line breaks kept).

    Template literals keep their ``${...}`` parts visible, since those are code. Regex
    literals are not recognised; quotes inside one blank at most the rest of that line.
    """
    out: list[str] = []
    literals: dict[int, _Literal] = {}
    i, n = 0, len(text)
    while i < n:
        match = _JS_STOP.search(text, i)
        if match is None:
            out.append(text[i:])
            break
        start, opener = match.start(), match.group()
        out.append(text[i:start])
        if opener == "//":
            end = text.find("\n", start)
            end = n if end < 0 else end
            out.append(_blank(text[start:end]))
            i = end
        elif opener == "/*":
            end = text.find("*/", start + 2)
            end = n if end < 0 else end + 2
            out.append(_blank(text[start:end]))
            i = end
        elif opener == "`":
            i = _scan_template(text, start, out, literals)
        else:
            k = start + 1
            pattern = _JS_STRING_END[opener]
            while True:
                stop = pattern.search(text, k)
                if stop is None:
                    k = n
                    break
                if stop.group() == "\\":
                    k = stop.end() + 1
                    continue
                k = stop.start() + 1 if stop.group() == opener else stop.start()
                break
            closed = k <= n and text[k - 1 : k] == opener and k - 1 > start
            inner_end = k - 1 if closed else k
            out.append(opener + _blank(text[start + 1 : inner_end]) + (opener if closed else ""))
            literals[start] = _Literal(start, k, opener, text[start + 1 : inner_end], False)
            i = k
    return "".join(out), literals


def _scan_template(text: str, start: int, out: list[str], literals: dict[int, _Literal]) -> int:
    n = len(text)
    k = start + 1
    pieces = ["`"]
    interpolated = False
    while k < n:
        stop = _JS_TEMPLATE_STOP.search(text, k)
        if stop is None:
            pieces.append(_blank(text[k:]))
            k = n
            break
        pieces.append(_blank(text[k : stop.start()]))
        mark = stop.group()
        if mark == "\\":
            pieces.append(_blank(text[stop.start() : stop.end() + 1]))
            k = stop.end() + 1
        elif mark == "`":
            pieces.append("`")
            k = stop.end()
            break
        else:
            interpolated = True
            depth = 1
            j = stop.end()
            while depth and j < n:
                brace = _BRACES.search(text, j)
                if brace is None:
                    j = n
                    break
                depth += 1 if brace.group() == "{" else -1
                j = brace.end()
            pieces.append(text[stop.start() : j])  # the expression is code: keep it
            k = j
    out.append("".join(pieces))
    content_end = k - 1 if text[k - 1 : k] == "`" and k - 1 > start else k
    literals[start] = _Literal(start, k, "`", text[start + 1 : content_end], interpolated)
    return k


_SQL_BLANKABLE = re.compile(r"'(?:[^']|'')*(?:'|\Z)|--[^\n]*|/\*[\s\S]*?(?:\*/|\Z)")


def _blank_sql(text: str) -> str:
    """SQL with string contents and comments blanked (same length); every match ends."""

    def blank(match: re.Match[str]) -> str:
        value = match.group()
        if value.startswith("'"):
            closed = len(value) > 1 and value.endswith("'")
            return "'" + _blank(value[1 : -1 if closed else None]) + ("'" if closed else "")
        return _blank(value)

    return _SQL_BLANKABLE.sub(blank, text)


_DELETE = re.compile(r"\s*DELETE\s+FROM\s+([\w.\"`\[\]]+)", re.IGNORECASE)
_UPDATE = re.compile(r"\s*UPDATE\s+([\w.\"`\[\]]+)\s+SET\b", re.IGNORECASE)
_WHERE = re.compile(r"\bWHERE\b", re.IGNORECASE)
_SELECT_STAR = re.compile(r"\bSELECT\s+(?:DISTINCT\s+)?\*", re.IGNORECASE)
_EXISTS_BEFORE = re.compile(r"\bEXISTS\s*\(\s*$", re.IGNORECASE)
_FROM_TABLE = re.compile(r"\bFROM\s+([\w.\"`\[\]]+)", re.IGNORECASE)
_DYNAMIC_SQL = re.compile(r"\b(?:EXECUTE|EXEC|PREPARE)\b|\bsp_executesql\b", re.IGNORECASE)
_CONCAT_QUOTE = re.compile(r"'\s*(?:\|\||\+)|(?:\|\||\+)\s*'")


def _sql_statement_findings(text: str, base_line: int, *, embedded: bool) -> list[Finding]:
    blanked = _blank_sql(text)
    findings: list[Finding] = []
    position = 0
    line = base_line
    for statement in blanked.split(";"):
        offset = len(statement) - len(statement.lstrip())
        start_line = line + statement.count("\n", 0, offset)
        line += statement.count("\n")
        position += len(statement) + 1
        body = statement.strip()
        if not body:
            continue
        delete = _DELETE.match(statement)
        update = _UPDATE.match(statement)
        if delete and not _WHERE.search(statement):
            table = delete.group(1)
            findings.append(
                _finding(
                    "sql.delete-without-where",
                    start_line,
                    f"Which rows of {code_span(table)} will this `DELETE` remove? Without a "
                    "`WHERE` clause: all of them. Concept: always filter destructive "
                    "statements, and try them inside a transaction first.",
                    f"DELETE FROM {table} WHERE id = ?;  -- the rows you mean, nothing else",  # noqa: S608 - advice text, never run
                )
            )
        elif update and not _WHERE.search(statement):
            table = update.group(1)
            findings.append(
                _finding(
                    "sql.update-without-where",
                    start_line,
                    f"Which rows of {code_span(table)} will this `UPDATE` change? Without a "
                    "`WHERE` clause: every one. Concept: always filter destructive statements, "
                    "and check the affected row count before committing.",
                    f"UPDATE {table} SET ... WHERE id = ?;  -- the rows you mean, nothing else",  # noqa: S608 - advice text, never run
                )
            )
        for star in _SELECT_STAR.finditer(statement):
            if _EXISTS_BEFORE.search(statement, max(0, star.start() - 40), star.start()):
                continue  # EXISTS (SELECT * ...) reads no columns
            table_match = _FROM_TABLE.search(statement, star.end())
            table = table_match.group(1) if table_match else "your_table"
            star_line = start_line + statement.count("\n", offset, star.start())
            findings.append(
                _finding(
                    "sql.select-star",
                    star_line,
                    "Which columns does the code using this result actually need? `SELECT *` "
                    "fetches everything, breaks callers when columns change, and can stop the "
                    "database from answering from an index alone. Concept: name the columns.",
                    f"SELECT id, name FROM {table} ...  -- list the columns you use",  # noqa: S608 - advice text, never run
                )
            )
            break
        if not embedded and _DYNAMIC_SQL.search(statement) and _CONCAT_QUOTE.search(statement):
            findings.append(_sql_concat_finding(start_line))
    return findings


def _sql_concat_finding(line: int) -> Finding:
    return _finding(
        "sql.string-concat",
        line,
        "Could any piece glued into this SQL text come from user input? Building SQL by "
        "concatenation lets a value change the statement. Concept: bind values as parameters, "
        "and quote identifiers with `quote_ident()` or `format('%I', ...)`.",
        "Pass values as bind parameters (for example `EXECUTE format('SELECT ... WHERE id = $1') "
        "USING some_id` in PL/pgSQL) instead of concatenating them into the SQL text.",
    )


def _sql_findings(code: str) -> list[Finding]:
    findings = _sql_statement_findings(code, 1, embedded=False)
    for number, line in enumerate(split_lines(code), start=1):
        # SQL pasted from application code: '...' + name + '...'
        if re.search(r"""'"\s*\+|\+\s*"'""", line):
            findings.append(_sql_concat_finding(number))
    return findings


# --- JavaScript and TypeScript -------------------------------------------------------------

_JS_LOOSE = re.compile(r"(?<![=!<>])([=!])=(?!=)")
_JS_NULL_AFTER = re.compile(r"\s*null\b")
_JS_NULL_BEFORE = re.compile(r"\bnull\s*$")
_JS_VAR = re.compile(r"(?<![\w$.])var\s+(?=[A-Za-z_$\[{])")
_JS_EVAL = re.compile(
    r"(?<![\w$.])eval\s*\(|\bnew\s+Function\s*\(|\bset(?:Timeout|Interval)\s*\(\s*[\"'`]"
)
_JS_INNER_HTML = re.compile(r"\.(?:inner|outer)HTML\s*\+?=(?!=)(.*)$")
_JS_DANGEROUS_HTML = re.compile(r"\bdangerouslySetInnerHTML\b|\.insertAdjacentHTML\s*\(")
_JS_LITERAL_RHS = re.compile(r"""\s*(?:(["'])\s*\1|`[^`$]*`)\s*;?\s*""")
_JS_DOCUMENT_WRITE = re.compile(r"\bdocument\.write(?:ln)?\s*\(")
_JS_CONSOLE = re.compile(r"\bconsole\.(?:log|debug|trace|dir)\s*\(")
_TS_ANY = re.compile(r"(?::\s*any\b(?!\s*[.(]))|\bas\s+any\b|<any>|\bany\[\]")
_JS_THEN = re.compile(r"\.then\s*\(")
_JS_CATCH = re.compile(r"\.catch\s*\(")
_JS_QUERY_CALL = re.compile(r"\b(query|execute|raw|prepare|unsafe)\s*\(\s*")
_JS_RECEIVER = re.compile(r"[\w$]+(?:\s*\.\s*[\w$]+)*\s*\.\s*$")
_JS_ASSIGNED = re.compile(r"\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*")
_JS_SQL = re.compile(
    r"(?is)\b(?:select\b[^;]{0,300}?\bfrom|insert\s+into|update\b[^;]{0,300}?\bset|delete\s+from)\b"
)
_JS_INTERPOLATION = re.compile(r"\$\{([^{}]*)\}")


def _bracket_balance(line: str) -> int:
    return sum(line.count(c) for c in "([{") - sum(line.count(c) for c in ")]}")


class _JsChecks:
    def __init__(self, code: str, typescript: bool) -> None:
        self.code = code
        self.typescript = typescript
        self.blanked, self.literals = _scan_js(code)
        self.lines = split_lines(code)
        self.blank_lines = split_lines(self.blanked)
        self.line_starts = [0]
        for match in _LINE_BREAK.finditer(code):
            self.line_starts.append(match.end())
        self.out: list[Finding] = []

    def line_at(self, offset: int) -> int:
        return bisect.bisect_right(self.line_starts, offset)

    def run(self) -> list[Finding]:
        for index, blank in enumerate(self.blank_lines):
            number = index + 1
            original = self.lines[index] if index < len(self.lines) else ""
            self._equality(blank, original, number)
            self._simple(blank, original, number)
        self._promises()
        self._sql()
        return self.out

    def _equality(self, blank: str, original: str, number: int) -> None:
        for match in _JS_LOOSE.finditer(blank):
            if _JS_NULL_AFTER.match(blank, match.end()) or _JS_NULL_BEFORE.search(
                blank, 0, match.start()
            ):
                continue  # `x == null` deliberately matches null and undefined
            strict = match.group(1) + "=="
            fixed = original[: match.start()] + strict + original[match.end() :]
            self.out.append(
                _finding(
                    "js.loose-equality",
                    number,
                    "What is `0 == ''` in JavaScript? `==` converts types before comparing, "
                    "which hides bugs. Concept: strict equality with `===` and `!==`.",
                    fixed.strip(),
                    title=f"`{match.group()}` instead of `{strict}`",
                )
            )
            return

    def _simple(self, blank: str, original: str, number: int) -> None:
        var = _JS_VAR.search(blank)
        if var:
            fixed = original[: var.start()] + "let" + original[var.start() + 3 :]
            self.out.append(
                _finding(
                    "js.var",
                    number,
                    "Is this variable used outside the block it is declared in? `var` is "
                    "function-scoped and hoisted, which causes surprising bugs in loops and "
                    "callbacks. Concept: block scope with `const` (or `let` if reassigned).",
                    fixed.strip() + "  // or const, if it is never reassigned",
                )
            )
        if _JS_EVAL.search(blank):
            self.out.append(
                _finding(
                    "js.eval",
                    number,
                    "What could an attacker do if they controlled the string that is run as "
                    "code here? It runs with full access to the page or process. Concept: code "
                    "injection — parse data with `JSON.parse`, choose behaviour with a lookup "
                    "object.",
                    "const data = JSON.parse(text);  // data, never code",
                )
            )
        inner = _JS_INNER_HTML.search(blank)
        if inner:
            rhs = inner.group(1).strip()
            if not rhs and number < len(self.blank_lines):
                rhs = self.blank_lines[number].strip()
            if not _JS_LITERAL_RHS.fullmatch(rhs):
                fixed = re.sub(r"\.(?:inner|outer)HTML\b", ".textContent", original, count=1)
                self.out.append(
                    _finding(
                        "js.inner-html",
                        number,
                        "What happens if this value contains an HTML tag with an event handler "
                        "in it? Assigning to `innerHTML` parses it as markup, so it can run "
                        "script. Concept: XSS — insert text with `textContent`, and sanitise "
                        "any HTML you truly need.",
                        fixed.strip(),
                    )
                )
        elif _JS_DANGEROUS_HTML.search(blank):
            self.out.append(
                _finding(
                    "js.inner-html",
                    number,
                    "Where does the HTML inserted here come from? Markup inserted this way is "
                    "parsed and can run script. Concept: XSS — render text, or sanitise HTML "
                    "with a well-tested library first.",
                    "element.textContent = value;  // or sanitise the HTML before inserting it",
                    severity="warning",
                )
            )
        if _JS_DOCUMENT_WRITE.search(blank):
            self.out.append(
                _finding(
                    "js.document-write",
                    number,
                    "What ends up in the page if the written string contains markup? "
                    "`document.write` injects raw HTML (and blocks page loading). Concept: "
                    "build DOM nodes and set their `textContent`.",
                    'const paragraph = document.createElement("p");\n'
                    "paragraph.textContent = message;\n"
                    "document.body.append(paragraph);",
                )
            )
        if _JS_CONSOLE.search(blank):
            self.out.append(
                _finding(
                    "js.console-log",
                    number,
                    "Will this `console.log` help anyone once the code ships, or could it leak "
                    "data into the browser console? Concept: remove debugging output, or use a "
                    "logger with levels.",
                    "Remove it, or route it through a logger whose debug level is off in "
                    "production.",
                )
            )
        if self.typescript:
            any_type = _TS_ANY.search(blank)
            if any_type:
                fixed = original[: any_type.start()] + original[any_type.start() :].replace(
                    "any", "unknown", 1
                )
                self.out.append(
                    _finding(
                        "ts.any",
                        number,
                        "What does the compiler check about a value typed `any`? Nothing — it "
                        "switches type checking off for everything it touches. Concept: use a "
                        "precise type, or `unknown` plus narrowing.",
                        fixed.strip() + "  // then narrow it: typeof, in, or a type guard",
                    )
                )

    def _promises(self) -> None:
        seen: set[int] = set()
        lines = self.blank_lines
        for index, blank in enumerate(lines):
            then = _JS_THEN.search(blank)
            if index in seen or then is None:
                continue
            # Walk back to the statement's head: over `.then` continuation lines and over
            # the inside of brackets that open before this line.
            start, balance = index, _bracket_balance(blank[: then.start()])
            while start > 0 and index - start < 60:
                if not (lines[start].lstrip().startswith(".") or balance < 0):
                    break
                start -= 1
                balance += _bracket_balance(lines[start])
            # The statement ends where brackets balance and no `.method()` continues it.
            depth = 0
            end = start
            while end < len(lines) - 1 and end - start < 60:
                depth += _bracket_balance(lines[end])
                if depth <= 0 and end >= index and not lines[end + 1].lstrip().startswith("."):
                    break
                end += 1
            seen.update(range(start, end + 1))
            statement = "\n".join(lines[start : end + 1])
            head = statement.lstrip()
            if _JS_CATCH.search(statement) or head.startswith(("return", "await", "yield")):
                continue
            if re.match(r"(?:const|let|var)?\s*[\w$.]+\s*=[^=]", head):
                continue  # stored promise: it may well be handled later
            self.out.append(
                _finding(
                    "js.unhandled-promise",
                    start + 1,
                    "What happens to this chain if the request fails or the JSON is invalid? "
                    "Without `.catch()` the error becomes an unhandled rejection. Concept: every "
                    "promise chain needs an error path — `.catch()` or `try/catch` around `await`.",
                    "loadData()\n"
                    "  .then(render)\n"
                    '  .catch((error) => showError("Could not load the data", error));',
                )
            )

    def _sql(self) -> None:
        dynamic_names: set[str] = set()
        for match in _JS_ASSIGNED.finditer(self.blanked):
            literal = self.literals.get(match.end())
            if literal is not None and self._dynamic_sql(literal):
                dynamic_names.add(match.group(1))
        pg = bool(
            re.search(
                r"""require\(\s*['"]pg['"]\s*\)|from\s+['"]pg['"]|\bnew\s+Pool\s*\(""", self.code
            )
        )
        for match in _JS_QUERY_CALL.finditer(self.blanked):
            position = match.end()
            literal = self.literals.get(position)
            name = re.match(r"([A-Za-z_$][\w$]*)\s*[,)]", self.blanked[position : position + 80])
            vulnerable = (literal is not None and self._dynamic_sql(literal)) or (
                name is not None and name.group(1) in dynamic_names
            )
            if not vulnerable:
                continue
            self.out.append(
                _finding(
                    "js.sql-injection",
                    self.line_at(match.start()),
                    "What happens if one of the interpolated values contains a quote, like "
                    "`' OR '1'='1`? The values become part of the SQL text. Concept: SQL "
                    "injection — keep the SQL constant and pass values as parameters.",
                    self._sql_fix(
                        self._callee(match),
                        literal if literal is not None and literal.quote == "`" else None,
                        pg,
                    ),
                )
            )
        for literal in self.literals.values():
            text = _JS_INTERPOLATION.sub("?", literal.content)
            if _SQL_STATEMENT_START.match(text):
                self.out.extend(
                    _sql_statement_findings(text, self.line_at(literal.start), embedded=True)
                )

    def _dynamic_sql(self, literal: _Literal) -> bool:
        if not _JS_SQL.search(literal.content):
            return False
        if literal.quote == "`":
            return literal.interpolated
        return bool(re.match(r"\s*\+", self.blanked[literal.end : literal.end + 40]))

    def _callee(self, match: re.Match[str]) -> str:
        # Bounded look-behind by hand: a regex scanning back over a huge identifier
        # would be quadratic.
        before = self.blanked[max(0, match.start() - 60) : match.start()]
        receiver = _JS_RECEIVER.search(before)
        prefix = re.sub(r"\s+", "", receiver.group()) if receiver else "db."
        return prefix + match.group(1)

    @staticmethod
    def _sql_fix(callee: str, literal: _Literal | None, pg: bool) -> str:
        if literal is None or "\n" in literal.content or len(literal.content) > 100:
            return f'{callee}("SELECT ... WHERE id = $1", [id]);  // values go in the array'
        values: list[str] = []

        def placeholder(match: re.Match[str]) -> str:
            values.append(match.group(1).strip())
            return f"${len(values)}" if pg else "?"

        query = _JS_INTERPOLATION.sub(placeholder, literal.content)
        query = re.sub(r"""(['"])(\$\d+|\?)\1""", r"\2", query)
        quoted = '"' + query.replace("\\", "\\\\").replace('"', '\\"') + '"'
        return f"{callee}({quoted}, [{', '.join(values)}]);"


# --- Any language --------------------------------------------------------------------------

_TODO = re.compile(r"\b(?:TODO|FIXME|XXX|HACK)\b")


def _generic_findings(lines: Sequence[str], *, binary: bool) -> list[Finding]:
    findings: list[Finding] = []
    for number, line in enumerate(lines, start=1):
        for rule_id, pattern, kind in _SECRET_SHAPES:
            if pattern.search(line):
                findings.append(
                    _finding(
                        rule_id,
                        number,
                        f"This line appears to contain a real {kind} (masked here). Anyone "
                        "who can read the code — or its git history — could use it. Concept: "
                        "treat a committed secret as leaked.",
                        f"Revoke or rotate this {kind} now, delete it from the code and the git "
                        "history, and load it at run time from an environment variable or a "
                        "secret manager.",
                    )
                )
        if binary:
            continue
        if len(line) > _LONG_LINE:
            findings.append(
                _finding(
                    "generic.long-line",
                    number,
                    f"Would a reader need to scroll sideways to read this line ({len(line)} "
                    "characters)? Concept: a formatter (ruff format, Black, Prettier) wraps "
                    "lines consistently.",
                    "Let a formatter wrap it, or split the expression into named "
                    "intermediate values.",
                )
            )
        if _TODO.search(line):
            findings.append(
                _finding(
                    "generic.todo",
                    number,
                    "Is this note describing a bug a user could hit, or a nice-to-have? "
                    "Concept: track work in the issue tracker, where it is not forgotten.",
                    "Resolve it, or turn it into an issue and reference the issue number "
                    "in the comment.",
                )
            )
    return findings


# --- Putting it together -------------------------------------------------------------------


def _aggregate(findings: Iterable[Finding]) -> list[Finding]:
    grouped: dict[str, list[Finding]] = {}
    result: list[Finding] = []
    for finding in findings:
        if RULES[finding.rule_id].aggregate:
            grouped.setdefault(finding.rule_id, []).append(finding)
        else:
            result.append(finding)
    for group in grouped.values():
        first = min(group, key=lambda f: f.line or 0)
        if len(group) > 1:
            first = replace(
                first,
                title=f"{first.title} ({len(group)} places)",
                hint=f"This appears {len(group)} times; the first is line {first.line}. "
                + first.hint,
            )
        result.append(first)
    return result


def _deduplicate(findings: list[Finding]) -> list[Finding]:
    # A recognised key shape says more than "a secret-like name holds a string".
    shaped = {f.line for f in findings if f.rule_id.startswith("secret.")}
    seen: set[tuple[str, int | None, str]] = set()
    result = []
    for finding in findings:
        if finding.rule_id == "py.hardcoded-secret" and finding.line in shaped:
            continue
        key = (finding.rule_id, finding.line, finding.title)
        if key not in seen:
            seen.add(key)
            result.append(finding)
    return result


def _sort_key(finding: Finding) -> tuple[int, int]:
    return (finding.line or 0, _RULE_ORDER[finding.rule_id])


_CHECKED_LANGUAGES = frozenset({"python", "javascript", "typescript", "sql"})


def inspect_code(code: str, language: str | None = None) -> Inspection:
    """Inspect ``code`` (never executing it) and return findings in line order.

    ``language`` is normalised ("py" -> "python"); when None it is detected. Input past
    ``MAX_CODE_CHARS`` is ignored and reported through ``Inspection.truncated``.
    """
    text, truncated = _cap(code)
    if truncated:
        text = _top_level_prefix(split_lines(text))
    lines = split_lines(text)
    binary = _looks_binary(text)
    language = normalize_language(language)
    parsed: ast.Module | BaseException | None = None
    if language is None and not binary:
        language, parsed = _detect(text)
    notes: list[str] = []
    findings: list[Finding] = []
    if binary:
        notes.append(
            "This does not look like source code (it contains binary data), so I only "
            "scanned it for leaked secrets."
        )
    elif language == "python":
        python_findings, python_notes = _python_findings(text, lines, parsed)
        findings += python_findings
        notes += python_notes
    elif language in {"javascript", "typescript"}:
        findings += _JsChecks(text, typescript=language == "typescript").run()
    elif language == "sql":
        findings += _sql_findings(text)
    if language is not None and language not in _CHECKED_LANGUAGES and not binary:
        notes.append(
            f"I have no {language}-specific checks yet, so I only looked for general "
            "problems (leaked secrets, very long lines, TODO notes)."
        )
    findings += _generic_findings(lines, binary=binary)
    findings = _deduplicate(_aggregate(findings))
    findings.sort(key=_sort_key)
    # Hints and fixes quote identifiers and rewritten lines: never let a secret through.
    fixed = [
        replace(
            f,
            title=mask_secrets(f.title),
            hint=mask_secrets(f.hint),
            fix=mask_secrets(_snippet_lines(f.fix) if RULES[f.rule_id].fix_is_code else f.fix),
        )
        for f in findings[:_MAX_FINDINGS]
    ]
    return Inspection(
        language=language,
        findings=tuple(fixed),
        line_count=len(lines),
        truncated=truncated,
        binary=binary,
        notes=tuple(notes),
    )
