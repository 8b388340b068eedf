"""JavaScript / TypeScript rules: each query compiles for its grammars, each rule fires on a
true case and stays quiet on its look-alike, and imports are read correctly."""

from __future__ import annotations

import functools
from textwrap import dedent

import pytest

from devmentor.analyzer import syntax
from devmentor.analyzer.rules import javascript
from devmentor.analyzer.rules.base import PATTERNS, RULES

ALL = ("JavaScript", "TypeScript", "TSX")
TS = ("TypeScript", "TSX")
JSX = ("JavaScript", "TSX")


@functools.cache
def _compiled(language: str) -> syntax.CompiledChecks:
    return syntax.compile_checks(language, javascript.CHECKS)


def findings(language: str, code: str) -> list[tuple[str, int]]:
    source = dedent(code).encode()
    tree = syntax.parse(language, source)
    assert tree is not None
    return [(hit.id, hit.line) for hit in syntax.run_checks(_compiled(language), tree, source)]


def ids(language: str, code: str) -> set[str]:
    return {rule for rule, _line in findings(language, code)}


# (rule, languages, a true case, its look-alike)
CASES: list[tuple[str, tuple[str, ...], str, str]] = [
    ("js.loose-equality", ALL, "if (a == b) {}", "if (a == null || typeof a == 'string') {}"),
    ("js.loose-equality", ALL, "if (count != 0) {}", "if (a != undefined && a === b) {}"),
    ("js.var", ALL, "var total = 0;", "let total = 0; const limit = 3;"),
    ("js.var", TS, "function f() { var x = 1; return x; }", "declare var __DEV__: boolean;"),
    ("js.console-log", ALL, "console.log(user);", "console.error(err); logger.log(user);"),
    ("js.console-log", ALL, "console.debug('state', s);", "console.warn('slow');"),
    (
        "js.empty-catch",
        ALL,
        "try { run(); } catch (err) {}",
        "try { run(); } catch (err) { /* missing file is fine */ }",
    ),
    (
        "js.empty-catch",
        ALL,
        "save().catch(() => {});",
        "save().catch((e) => report(e)); try { run(); } catch {}",
    ),
    ("js.empty-catch", ALL, "try { a(); } catch (e) {}", "try { a(); } catch (_ignored) {}"),
    (
        "js.unhandled-promise",
        ALL,
        "load().then((rows) => show(rows));",
        "load().then(show).catch(report);",
    ),
    (
        "js.unhandled-promise",
        ALL,
        "load().then(show).finally(done);",
        "load().then(show, report); return load().then(show);",
    ),
    (
        "js.unhandled-promise",
        ALL,
        "async function f() { load().then(show); }",
        "async function f() { await load().then(show); void load().then(show); }",
    ),
    (
        "js.unhandled-promise",
        ALL,
        "fetchUser(id).then(render);",
        "cy.get('button').then((el) => el.click()); const p = load().then(show);",
    ),
    ("js.debugger", ALL, "function f() { debugger; }", "const word = 'debugger';"),
    ("ts.any", TS, "let data: any = load();", "let data: unknown = load();"),
    ("ts.any", TS, "const x = value as any;", "const company = value as Company;"),
    ("ts.any", TS, "function f(xs: Array<any>) {}", "function f(many: Array<string>) {}"),
    (
        "js.nested-callbacks",
        ALL,
        """
        fs.readFile(a, (e, x) => {
          fs.stat(b, (e2, s) => {
            fs.writeFile(c, x, (e3) => done(e3));
          });
        });
        """,
        """
        fs.readFile(a, (e, x) => {
          done(x.lines.map((l) => l.split(",").filter((p) => p)));
        });
        """,
    ),
    (
        "js.nested-callbacks",
        ALL,
        """
        db.connect(function (err) {
          db.query(sql, function (err2, rows) {
            rows.forEach(() => {});
            cache.set(key, rows, function () {});
          });
        });
        """,
        """
        describe("a", () => {
          describe("b", () => {
            it("c", () => { expect(1).toBe(1); });
          });
        });
        """,
    ),
    ("js.eval", ALL, "const v = eval(text);", "const v = evaluate(text); obj.eval(text);"),
    ("js.eval", ALL, "const f = new Function('a', body);", "const f = new Factory('a', body);"),
    ("js.eval", ALL, "window.eval(code);", "myLib.eval(code);"),
    (
        "js.eval",
        ALL,
        "setTimeout('tick(' + n + ')', 100);",
        "setTimeout(() => tick(n), 100); setInterval(tick, base + 100);",
    ),
    (
        "js.inner-html",
        ALL,
        "el.innerHTML = '<b>' + name + '</b>';",
        "el.innerHTML = ''; el.textContent = name;",
    ),
    (
        "js.inner-html",
        ALL,
        "el.innerHTML = `<li>${item.title}</li>`;",
        "el.innerHTML = cond ? '<b>yes</b>' : `<i>no</i>`;",
    ),
    (
        "js.inner-html",
        ALL,
        "el.insertAdjacentHTML('beforeend', html);",
        "el.insertAdjacentHTML('beforeend', '<hr>'); el.innerHTML = DOMPurify.sanitize(html);",
    ),
    ("js.inner-html", ALL, "el.outerHTML += extra;", "el.outerText = extra;"),
    (
        "js.react-dangerous-html",
        JSX,
        "const a = <div dangerouslySetInnerHTML={{ __html: html }} />;",
        "const a = <div dangerouslySetInnerHTML={{ __html: '<b>hi</b>' }} />;",
    ),
    (
        "js.react-dangerous-html",
        JSX,
        "const a = <div dangerouslySetInnerHTML={markup()} />;",
        "const a = <div dangerouslySetInnerHTML={{ __html: sanitize(html) }} />;",
    ),
    (
        "js.react-dangerous-html",
        ALL,
        "h('div', { dangerouslySetInnerHTML: { __html: body } });",
        "h('div', { className: body });",
    ),
    (
        "js.document-write",
        ALL,
        "document.write('<p>' + msg + '</p>');",
        "document.write('<p>static</p>'); doc.write(msg);",
    ),
    (
        "js.sql-injection",
        ALL,
        "db.query(`SELECT * FROM users WHERE id = ${id}`);",
        "db.query('SELECT * FROM users WHERE id = $1', [id]);",
    ),
    (
        "js.sql-injection",
        ALL,
        "conn.execute('DELETE FROM items WHERE id = ' + id);",
        "conn.execute('Hello ' + name); conn.execute(`job ${name} done`);",
    ),
    (
        "js.sql-injection",
        ALL,
        "prisma.$queryRawUnsafe(`SELECT * FROM ${table}`);",
        "prisma.$queryRaw`SELECT * FROM users WHERE id = ${id}`; sql`SELECT ${a}`;",
    ),
    (
        "js.sql-injection",
        ALL,
        "knex('t').whereRaw(`name = '${name}'`);",
        "knex('t').whereRaw('name = ?', [name]);",
    ),
    (
        "js.sql-injection",
        ALL,
        """
        async function find(name) {
          const sql = "SELECT * FROM users WHERE name = '" + name + "'";
          return pool.query(sql);
        }
        """,
        """
        async function find(name) {
          const sql = "SELECT * FROM users WHERE name = '" + name + "'";
          return logger.info(sql);
        }
        """,
    ),
    (
        "js.sql-injection",
        ALL,
        "pool.query(`SELECT * FROM t WHERE id IN (${ids.join(',')})`);",
        "pool.query(`SELECT * FROM t WHERE id IN (${ids.map(() => '?').join(',')})`, ids);",
    ),
    (
        "js.sql-injection",
        ALL,
        "db.query(`SELECT * FROM ${table} WHERE id = $1`, [id]);",
        "db.query(`SELECT * FROM ${TABLE} WHERE id = $1`, [id]); db.query(`SELECT ${Cols.ALL}`);",
    ),
    (
        "js.eval",
        ALL,
        "const run = Function(source);",
        "const root = Function('return this')();",
    ),
    (
        "js.child-process",
        ALL,
        "const { exec } = require('child_process');\nexec(`git log ${ref}`);",
        "const { exec } = require('child_process');\nexec('git log -1');",
    ),
    (
        "js.child-process",
        ALL,
        "import * as cp from 'node:child_process';\ncp.execSync('rm -rf ' + dir);",
        "import * as cp from 'node:child_process';\ncp.execFileSync('rm', ['-rf', dir]);",
    ),
    (
        "js.child-process",
        ALL,
        "const shell = require('shelljs');\nshell.exec(cmd);",
        "const re = /a(b)/;\nre.exec(cmd); exec(cmd);",
    ),
    (
        "js.open-redirect",
        ALL,
        "app.get('/r', (req, res) => res.redirect(req.query.url));",
        "app.get('/r', (req, res) => res.redirect(301, '/home'));",
    ),
]


@pytest.mark.parametrize(
    ("rule", "language", "positive", "negative"),
    [
        pytest.param(rule, language, positive, negative, id=f"{rule}-{language}-{index}")
        for index, (rule, languages, positive, negative) in enumerate(CASES)
        for language in languages
    ],
)
def test_rule_fires_on_the_true_case_only(
    rule: str, language: str, positive: str, negative: str
) -> None:
    assert rule in ids(language, positive)
    assert rule not in ids(language, negative)


def test_every_rule_has_a_case() -> None:
    covered = {rule for rule, *_ in CASES}
    own = {rule.id for rule in javascript.RULES}
    assert own <= covered


def test_findings_are_reported_on_the_right_line() -> None:
    code = """
    fs.readFile(a, (e, x) => {
      fs.stat(b, (e2, s) => {
        fs.writeFile(c, x, (e3) => {
          done(e3);
        });
      });
    });
    """
    assert ("js.nested-callbacks", 4) in findings("JavaScript", code)
    # The fourth level is inside the third one, which is already reported.
    deeper = code.replace("done(e3);", "later(() => done(e3));")
    assert [f for f in findings("JavaScript", deeper) if f[0] == "js.nested-callbacks"] == [
        ("js.nested-callbacks", 4)
    ]


def test_a_variable_holding_built_sql_is_reported_where_it_is_built() -> None:
    code = """
    export async function search(term) {
      const query = `SELECT id FROM posts WHERE title LIKE '%${term}%'`;
      const rows = await db.query(query);
      return rows;
    }
    """
    assert [f for f in findings("TypeScript", code) if f[0] == "js.sql-injection"] == [
        ("js.sql-injection", 3)
    ]


def test_await_with_type_arguments_still_finds_sql() -> None:
    # tree-sitter-typescript parses `await x.query<T>(...)` with the await as the callee.
    code = (
        "async function f(id: string) { await db.query<Row>(`SELECT * FROM t WHERE id = ${id}`); }"
    )
    assert "js.sql-injection" in ids("TypeScript", code)


@pytest.mark.parametrize(
    ("pattern", "language", "code"),
    [
        ("pattern:async-await", "JavaScript", "async function f() { await g(); }"),
        ("pattern:promises", "JavaScript", "Promise.all([a(), b()]);"),
        ("pattern:promises", "TypeScript", "new Promise((resolve) => resolve(1));"),
        ("pattern:typescript", "TypeScript", "interface User { id: string }"),
        ("pattern:typescript", "TSX", "type Id = string | number;"),
        ("pattern:type-annotations", "TypeScript", "function f(a: number): string { return ''; }"),
        (
            "pattern:discriminated-unions",
            "TypeScript",
            "type Event = { type: 'click'; x: number } | { type: 'key'; key: string };",
        ),
        (
            "pattern:discriminated-unions",
            "TSX",
            "interface A { kind: 'a' }\ninterface B { kind: 'b' }\ntype AB = A | B;",
        ),
        ("pattern:dom-manipulation", "JavaScript", "document.querySelector('#app');"),
        ("pattern:events", "JavaScript", "button.addEventListener('click', onClick);"),
        ("pattern:events", "TypeScript", "class Bus extends EventEmitter {}"),
        ("pattern:higher-order-functions", "JavaScript", "xs.map((x) => x * 2);"),
        ("pattern:closures", "JavaScript", "function counter() { let n = 0; return () => ++n; }"),
        ("pattern:http-requests", "JavaScript", "const r = await fetch(url);"),
        ("pattern:http-requests", "TypeScript", "axios.post('/api', body);"),
        ("pattern:unit-tests", "JavaScript", "test('adds', () => { expect(1 + 1).toBe(2); });"),
        ("pattern:mocking", "TypeScript", "vi.mock('./db');"),
        ("pattern:strict-equality", "JavaScript", "if (a === b) {}"),
        ("pattern:error-handling", "JavaScript", "try { a(); } catch (e) { log(e); }"),
        ("pattern:custom-exceptions", "JavaScript", "class NotFound extends Error {}"),
        ("pattern:custom-exceptions", "TSX", "class NotFound extends HttpError {}"),
    ],
)
def test_patterns(pattern: str, language: str, code: str) -> None:
    assert pattern in ids(language, code)


@pytest.mark.parametrize(
    ("pattern", "language", "code"),
    [
        ("pattern:discriminated-unions", "TypeScript", "type Id = string | number;"),
        (
            "pattern:discriminated-unions",
            "TypeScript",
            "interface A { name: string }\ninterface B { size: number }\ntype AB = A | B;",
        ),
        ("pattern:events", "JavaScript", "router.on(route, handler);"),
        ("pattern:unit-tests", "JavaScript", "it(); describe;"),
        ("pattern:custom-exceptions", "JavaScript", "class Widget extends Base {}"),
    ],
)
def test_pattern_look_alikes(pattern: str, language: str, code: str) -> None:
    assert pattern not in ids(language, code)


@pytest.mark.parametrize("language", ALL)
def test_every_query_compiles_for_each_language_it_lists(language: str) -> None:
    for check in javascript.CHECKS:
        if language in check.languages:
            compiled = syntax.compile_checks(language, [check])  # raises if it does not compile
            assert compiled.owners
            assert all(owner is check for owner in compiled.owners)
    # ... and all of a language's checks together, which is how the engine runs them.
    assert len(_compiled(language).owners) > 0


def test_checks_name_registered_rules_and_patterns() -> None:
    for check in javascript.CHECKS:
        assert check.id in RULES or check.id in PATTERNS, check.id
        assert set(check.languages) <= set(ALL)
    for check in javascript.CHECKS:
        if check.id.startswith("ts."):
            assert set(check.languages) <= set(TS)


def test_rule_metadata() -> None:
    for rule in javascript.RULES:
        assert rule.id.startswith(("js.", "ts."))
        assert rule.title
        assert rule.description.endswith(".")
        if rule.category == "security":
            assert rule.cwe is not None
            injection = rule.cwe in (78, 89, 95)
            assert rule.severity == ("high" if injection else "medium")
    assert RULES["js.console-log"].in_tests is False
    for check in javascript.CHECKS:
        if check.message:
            assert check.message.endswith(".")
            assert "\n" not in check.message


@pytest.mark.parametrize(
    ("language", "code", "expected"),
    [
        (
            "JavaScript",
            """
            import React, { useState } from "react";
            import { join } from "node:path";
            import "./styles.css";
            export { helper } from "@acme/utils/helpers";
            const lodash = require("lodash/fp");
            const local = require("../local");
            async function later() { return import("chart.js"); }
            const notAnImport = obj.require("nope");
            """,
            ["react", "path", "@acme/utils", "lodash", "chart.js"],
        ),
        (
            "TypeScript",
            'import type { Foo } from "@types/foo";\nimport fs = require("fs");\n',
            ["@types/foo", "fs"],
        ),
        ("TSX", 'import React from "react";\nimport x from "/abs/path";\n', ["react"]),
    ],
)
def test_import_names(language: str, code: str, expected: list[str]) -> None:
    source = dedent(code).encode()
    tree = syntax.parse(language, source)
    assert tree is not None
    assert javascript.import_names(tree, source) == expected


def test_import_names_finds_requires_far_apart() -> None:
    filler = "const x = 1;\n" * 2000
    source = f'const a = require("alpha");\n{filler}const b = require("beta");\n'.encode()
    tree = syntax.parse("JavaScript", source)
    assert tree is not None
    assert javascript.import_names(tree, source) == ["alpha", "beta"]
