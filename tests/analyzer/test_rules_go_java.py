"""Go and Java rules: each query compiles, each rule fires on a true case and stays quiet on
its look-alike, patterns are found, and imports are read correctly."""

from __future__ import annotations

import functools
from textwrap import dedent
from types import ModuleType

import pytest

from devmentor.analyzer import syntax
from devmentor.analyzer.rules import go, java
from devmentor.analyzer.rules.base import PATTERNS, RULES

MODULES: dict[str, ModuleType] = {"Go": go, "Java": java}


@functools.cache
def _compiled(language: str) -> syntax.CompiledChecks:
    return syntax.compile_checks(language, MODULES[language].CHECKS)


def findings(language: str, code: str) -> list[tuple[str, int]]:
    source = dedent(code).encode()
    tree = syntax.parse(language, source)
    assert tree is not None
    return [(hit.id, hit.line) for hit in syntax.run_checks(_compiled(language), tree, source)]


def ids(language: str, code: str) -> set[str]:
    return {rule for rule, _line in findings(language, code)}


def go_func(body: str, after: str = "") -> str:
    return f"package p\n\nfunc f() {{\n{dedent(body)}\n}}\n{after}"


def java_class(body: str) -> str:
    return f"class A {{\n{dedent(body)}\n}}\n"


# (rule, a true case, its look-alike)
GO_CASES: list[tuple[str, str, str]] = [
    ("go.ignored-error", go_func("n, _ := strconv.Atoi(s)"), go_func("n, err := strconv.Atoi(s)")),
    ("go.ignored-error", go_func("_ = os.Remove(path)"), go_func("_ = x.(T)\nv, _ := x.(T)")),
    (
        "go.ignored-error",
        go_func("data, _ := json.Marshal(v)"),
        go_func("v, _ := m.Load(k)\nhost, _ := os.LookupEnv(k)\na, _, _ := strings.Cut(s, k)"),
    ),
    (
        "go.ignored-error",
        go_func("u, _ := load(id)", after="func load(id int) (*User, error) { return nil, nil }\n"),
        go_func(
            "u, _ := find(id)", after="func find(id int) (*User, bool) { return nil, false }\n"
        ),
    ),
    (
        "go.empty-error-check",
        go_func("if err != nil {\n}"),
        go_func("if err != nil {\n\treturn\n}\nif err != nil {\n\t// best effort\n}"),
    ),
    (
        "go.empty-error-check",
        go_func("if err := run(); err != nil {}"),
        go_func("if ok != nil {}"),
    ),
    (
        "go.sql-injection",
        go_func('rows, err := db.Query("SELECT * FROM t WHERE name = \'" + name + "\'")'),
        go_func('rows, err := db.Query("SELECT * FROM t WHERE name = $1", name)'),
    ),
    (
        "go.sql-injection",
        go_func('db.ExecContext(ctx, fmt.Sprintf("DELETE FROM %s WHERE id = 1", table))'),
        go_func('db.ExecContext(ctx, fmt.Sprintf("DELETE FROM t WHERE id = %d", id))'),
    ),
    (
        "go.sql-injection",
        go_func("q := fmt.Sprintf(\"SELECT a FROM t WHERE b = '%s'\", b)\nrows, _ := db.Query(q)"),
        go_func('msg := fmt.Sprintf("SELECT from %s failed", b)\nlog.Print(msg)'),
    ),
    (
        "go.sql-injection",
        go_func('db.Query(fmt.Sprintf("SELECT id FROM %s WHERE a = $1", table), a)'),
        go_func(
            'db.Query(fmt.Sprintf("SELECT id FROM %s WHERE a = $1", usersTable), a)',
            after='const usersTable = "users"\n',
        ),
    ),
    (
        "go.sql-injection",
        go_func('db.Where("name = \'" + name + "\'").Find(&users)'),
        go_func('db.Where("name = ?", name).Find(&users)\ndb.Query("SELECT a FROM " + TABLE)'),
    ),
    (
        "go.command-injection",
        go_func('exec.Command("sh", "-c", "ls " + dir).Run()'),
        go_func('exec.Command("ls", dir).Run()\nexec.Command("sh", "-c", "ls /tmp").Run()'),
    ),
    (
        "go.command-injection",
        go_func('exec.CommandContext(ctx, "bash", "-c", script).Run()'),
        go_func('exec.CommandContext(ctx, "bash", script).Run()'),
    ),
    (
        "go.tls-insecure",
        go_func("c := &tls.Config{InsecureSkipVerify: true}"),
        go_func("c := &tls.Config{InsecureSkipVerify: false, MinVersion: tls.VersionTLS12}"),
    ),
    (
        "go.tls-insecure",
        go_func("cfg.InsecureSkipVerify = true"),
        go_func("cfg.InsecureSkipVerify = flagInsecure"),
    ),
]

JAVA_CASES: list[tuple[str, str, str]] = [
    (
        "java.empty-catch",
        java_class("void f() { try { g(); } catch (IOException e) {} }"),
        java_class(
            "void f() { try { g(); } catch (IOException ignored) {} }\n"
            "void h() { try { g(); } catch (IOException e) { /* closed twice */ } }"
        ),
    ),
    (
        "java.catch-generic",
        java_class("void f() { try { g(); } catch (Exception e) { log(e); } }"),
        java_class(
            "void f() { try { g(); } catch (IOException e) { log(e); } }\n"
            "void h() { try { g(); } catch (Exception e) { throw new Failed(e); } }"
        ),
    ),
    (
        "java.catch-generic",
        java_class("void f() { try { g(); } catch (final Throwable t) { log(t); } }"),
        java_class("void f() { try { g(); } catch (ThrowableWrapper t) { log(t); } }"),
    ),
    (
        "java.print-debugging",
        java_class('void f() { System.out.println("x=" + x); }'),
        java_class('public static void main(String[] a) { System.out.println("usage"); }'),
    ),
    (
        "java.print-debugging",
        java_class("void f(Exception e) { e.printStackTrace(); }"),
        java_class("void f(Exception e, PrintWriter w) { e.printStackTrace(w); log.info(x); }"),
    ),
    (
        "java.sql-injection",
        java_class('ResultSet f() { return st.executeQuery("SELECT * FROM t WHERE a = " + a); }'),
        java_class('ResultSet f() { return st.executeQuery("SELECT * FROM t WHERE a = 1"); }'),
    ),
    (
        "java.sql-injection",
        java_class(
            "int f() {\n"
            '  String sql = "DELETE FROM users WHERE name = \'" + name + "\'";\n'
            "  return st.executeUpdate(sql);\n"
            "}"
        ),
        java_class(
            "int f() {\n"
            '  String msg = "Deleting user " + name;\n'
            "  return st.executeUpdate(SQL_DELETE);\n"
            "}"
        ),
    ),
    (
        "java.sql-injection",
        java_class('Query f() { return em.createQuery(String.format("SELECT u FROM %s u", t)); }'),
        java_class('Query f() { return em.createQuery("SELECT u FROM User u WHERE u.id = :id"); }'),
    ),
    (
        "java.sql-injection",
        java_class('ResultSet f() { return st.executeQuery("SELECT a FROM " + table); }'),
        java_class(
            'ResultSet f() { return st.executeQuery("SELECT a FROM " + TABLE + " WHERE b = 1"); }\n'
            'ResultSet g() { return st.executeQuery("SELECT a FROM " + Schema.USERS_TABLE); }'
        ),
    ),
    (
        "java.command-injection",
        java_class('Process f() { return Runtime.getRuntime().exec("ping " + host); }'),
        java_class('Process f() { return Runtime.getRuntime().exec("uptime"); }'),
    ),
    (
        "java.command-injection",
        java_class('Process f() { return new ProcessBuilder("sh", "-c", cmd).start(); }'),
        java_class('Process f() { return new ProcessBuilder("ping", "-c", "1", host).start(); }'),
    ),
    (
        "java.unsafe-deserialization",
        java_class("Object f(InputStream in) { return new ObjectInputStream(in).readObject(); }"),
        java_class("Object f(InputStream in) { return new DataInputStream(in).readInt(); }"),
    ),
]


@pytest.mark.parametrize(
    ("language", "rule", "positive", "negative"),
    [
        *(
            pytest.param("Go", rule, p, n, id=f"{rule}-{i}")
            for i, (rule, p, n) in enumerate(GO_CASES)
        ),
        *(
            pytest.param("Java", rule, p, n, id=f"{rule}-{i}")
            for i, (rule, p, n) in enumerate(JAVA_CASES)
        ),
    ],
)
def test_rule_fires_on_the_true_case_only(
    language: str, rule: str, positive: str, negative: str
) -> None:
    assert rule in ids(language, positive)
    assert rule not in ids(language, negative)


def test_every_rule_has_a_case() -> None:
    assert {r.id for r in go.RULES} <= {rule for rule, *_ in GO_CASES}
    assert {r.id for r in java.RULES} <= {rule for rule, *_ in JAVA_CASES}


def test_deserialization_with_a_filter_or_an_allow_list_is_not_reported() -> None:
    filtered = java_class(
        "Object f(InputStream in) {\n"
        "  ObjectInputStream s = new ObjectInputStream(in);\n"
        '  s.setObjectInputFilter(ObjectInputFilter.Config.createFilter("java.base/*;!*"));\n'
        "  return s.readObject();\n"
        "}"
    )
    subclass = java_class(
        "Object f(InputStream in) {\n"
        "  return new ObjectInputStream(in) {\n"
        "    protected Class<?> resolveClass(ObjectStreamClass d) { return allow(d); }\n"
        "  }.readObject();\n"
        "}"
    )
    assert "java.unsafe-deserialization" not in ids("Java", filtered)
    assert "java.unsafe-deserialization" not in ids("Java", subclass)


def test_a_single_blank_assignment_says_what_is_discarded() -> None:
    source = go_func("_ = conn.Close()").encode()
    tree = syntax.parse("Go", source)
    assert tree is not None
    messages = [h.message for h in syntax.run_checks(_compiled("Go"), tree, source)]
    assert messages == [
        "The result of `conn.Close` is thrown away with `_`; if it is an error, a failure here "
        "goes unnoticed."
    ]


@pytest.mark.parametrize(
    ("language", "pattern", "code"),
    [
        ("Go", "pattern:concurrency", go_func("go work()")),
        ("Go", "pattern:concurrency", go_func("ch := make(chan int)")),
        ("Go", "pattern:concurrency", "package p\n\nvar mu sync.Mutex\n"),
        ("Go", "pattern:error-handling", go_func("if err != nil {\n\treturn err\n}")),
        ("Go", "pattern:error-handling", go_func("if errors.Is(err, io.EOF) {}")),
        ("Go", "pattern:unit-tests", "package p\n\nfunc TestAdd(t *testing.T) {}\n"),
        ("Go", "pattern:benchmarking", "package p\n\nfunc BenchmarkAdd(b *testing.B) {}\n"),
        (
            "Go",
            "pattern:custom-exceptions",
            'package p\n\nfunc (e *MyErr) Error() string { return "x" }\n',
        ),
        ("Java", "pattern:unit-tests", java_class("@Test void adds() {}")),
        ("Java", "pattern:unit-tests", java_class("@ParameterizedTest @ValueSource void a() {}")),
        ("Java", "pattern:dependency-injection", java_class("@Autowired private Repo repo;")),
        ("Java", "pattern:dependency-injection", java_class("@Inject A(Repo repo) {}")),
        ("Java", "pattern:custom-exceptions", "class NotFound extends RuntimeException {}"),
        ("Java", "pattern:exceptions", java_class('void f() { throw new X("y"); }')),
        ("Java", "pattern:mocking", java_class("@Mock private Repo repo;")),
        ("Java", "pattern:mocking", java_class("void f() { Mockito.when(a.b()).thenReturn(c); }")),
    ],
)
def test_patterns(language: str, pattern: str, code: str) -> None:
    assert pattern in ids(language, code)


@pytest.mark.parametrize(
    ("language", "pattern", "code"),
    [
        ("Go", "pattern:unit-tests", "package p\n\nfunc TestAdd(x int) {}\n"),
        ("Go", "pattern:unit-tests", "package p\n\nfunc helper(t *testing.T) {}\n"),
        (
            "Go",
            "pattern:custom-exceptions",
            'package p\n\nfunc (e *E) Name() string { return "" }\n',
        ),
        ("Java", "pattern:unit-tests", java_class("@Override public String toString() {}")),
        ("Java", "pattern:custom-exceptions", "class Repo extends BaseRepository {}"),
    ],
)
def test_pattern_look_alikes(language: str, pattern: str, code: str) -> None:
    assert pattern not in ids(language, code)


@pytest.mark.parametrize("language", ["Go", "Java"])
def test_every_query_compiles_and_names_a_registered_id(language: str) -> None:
    for check in MODULES[language].CHECKS:
        assert check.languages == (language,)
        compiled = syntax.compile_checks(language, [check])  # raises if it does not compile
        assert compiled.owners
        assert check.id in RULES or check.id in PATTERNS, check.id
    assert _compiled(language).owners


@pytest.mark.parametrize("module", [go, java])
def test_rule_metadata(module: ModuleType) -> None:
    prefix = "go." if module is go else "java."
    for rule in module.RULES:
        assert rule.id.startswith(prefix)
        assert rule.title
        assert rule.description.endswith(".")
        if rule.category == "security":
            assert rule.cwe is not None
            assert rule.severity == ("high" if rule.cwe in (78, 89) else "medium")
    for check in module.CHECKS:
        if check.message:
            assert check.message.endswith(".")
            assert "\n" not in check.message
    assert RULES["java.print-debugging"].in_tests is False


def test_go_import_names() -> None:
    source = dedent(
        """
        package main

        import "fmt"
        import (
            "net/http"
            gin "github.com/gin-gonic/gin"
            _ "github.com/lib/pq"
        )
        """
    ).encode()
    tree = syntax.parse("Go", source)
    assert tree is not None
    assert go.import_names(tree, source) == [
        "fmt",
        "net/http",
        "github.com/gin-gonic/gin",
        "github.com/lib/pq",
    ]


def test_java_import_names() -> None:
    source = dedent(
        """
        package com.example;

        import java.util.List;
        import java.util.*;
        import static org.junit.jupiter.api.Assertions.assertEquals;
        import org.springframework.web.bind.annotation.GetMapping;
        import lombok.Data;
        import com.example.Outer.Inner;
        """
    ).encode()
    tree = syntax.parse("Java", source)
    assert tree is not None
    assert java.import_names(tree, source) == [
        "java.util",
        "org.junit.jupiter.api",
        "org.springframework.web.bind.annotation",
        "lombok",
        "com.example",
    ]
