"""SQL checks, for .sql code and for SQL strings embedded in Python and JavaScript."""

from __future__ import annotations

import re

from devmentor.ai.offline.checks.base import Finding, _blank, _finding, code_span, split_lines

# Rows of the rule table; base._parse_rules describes the columns.
RULE_TABLE = """
# SQL, in .sql code or in SQL strings embedded in Python and JavaScript.
sql.select-star           info    sql.safe-queries            code+agg `SELECT *`
sql.delete-without-where  error   sql.safe-queries            code     `DELETE` without `WHERE`
sql.update-without-where  error   sql.safe-queries            code     `UPDATE` without `WHERE`
sql.string-concat         warning security.sql-injection      text     SQL built by concatenation
"""
_SQL_STATEMENT_START = re.compile(r"\s*(?:SELECT|INSERT|UPDATE|DELETE|WITH)\b", re.I)

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
