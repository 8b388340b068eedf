"""JavaScript and TypeScript checks, line by line with strings and comments blanked out."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from devmentor.ai.offline.checks.base import _LINE_BREAK, Finding, _blank, _finding, split_lines
from devmentor.ai.offline.checks.sql import _SQL_STATEMENT_START, _sql_statement_findings

# Rows of the rule table; base._parse_rules describes the columns.
RULE_TABLE = """
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
"""


# --- Scanner ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Literal:
    start: int
    end: int
    quote: str
    content: str
    interpolated: bool


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
