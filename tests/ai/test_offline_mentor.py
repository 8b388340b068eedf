"""The offline mentor: rules, topic matching, guardrails and hostile input."""

from __future__ import annotations

import hashlib
import re
import threading
import time
from pathlib import Path

import pytest

from devmentor.ai.offline import (
    RULES,
    TOPICS,
    Finding,
    MentorAnswer,
    Mode,
    OfflineMentor,
    detect_language,
    inspect_code,
)
from devmentor.ai.offline.checks import mask_secrets

STUCK = "Stuck? Ask for the **solution** to see a worked fix."

# Built by concatenation so that secret scanners do not flag this file itself.
AWS_KEY = "AKIA" + "IOSFODNN7EXAMPLE"
GITHUB_TOKEN = "ghp_" + "A1b2C3d4E5" * 3 + "f6G7h8"
OPENAI_KEY = "sk-" + "q1W2e3R4t5Y6" * 2
PRIVATE_KEY_BODY = "MIIEow" + "IBAAKCAQEA7Vx9" * 4


def _code_blocks(text: str) -> list[list[str]]:
    """The fenced code blocks of a Markdown text, as lists of their content lines."""
    blocks: list[list[str]] = []
    current: list[str] | None = None
    fence = ""
    for line in text.split("\n"):
        stripped = line.strip()
        if current is None and stripped.startswith(("```", "~~~")):
            fence, current = stripped[:3], []
        elif current is not None and stripped.startswith(fence) and stripped.strip("`~") == "":
            blocks.append(current)
            current = None
        elif current is not None:
            current.append(line)
    assert current is None, "unclosed code fence"
    return blocks


def _prose(text: str) -> str:
    """The text without fenced blocks and inline code spans."""
    text = re.sub(r"(?ms)^(```|~~~).*?^\1\s*$", "", text)
    return re.sub(r"(`+)(?:(?!\1).)+\1", "", text)


def _rule_ids(findings: tuple[Finding, ...]) -> list[str]:
    return [f.rule_id for f in findings]


# --- Every rule: a positive example (with its line) and a close negative -----------------

_NESTED = (
    "def deep(a, b, c, d, e):\n"
    "    if a:\n"
    "        for x in b:\n"
    "            while c:\n"
    "                with d:\n"
    "                    if e:\n"
    "                        return x\n"
)
_NESTED_OK = (
    "def deep(a, b, c, d):\n"
    "    if a:\n"
    "        for x in b:\n"
    "            while c:\n"
    "                with d:\n"
    "                    return x\n"
)


def _long_function(lines: int) -> str:
    """A function of exactly ``lines`` lines, counting its ``def`` line."""
    body = "".join(f"    total += {i}\n" for i in range(lines - 3))
    return "def long():\n    total = 0\n" + body + "    return total\n"


def _branchy_function(branches: int) -> str:
    body = "".join(f"    if x == {i}:\n        return {i}\n" for i in range(branches))
    return "def pick(x):\n" + body + "    return -1\n"


# (rule id, language, positive code, expected line, close negative code)
RULE_CASES: list[tuple[str, str | None, str, int, str]] = [
    (
        "py.mutable-default-arg",
        "python",
        "def add(item, bucket=[]):\n    bucket.append(item)\n    return bucket\n",
        1,
        "def add(item, bucket=None):\n    bucket = bucket or []\n    return bucket\n",
    ),
    (
        "py.bare-except",
        "python",
        "try:\n    run()\nexcept:\n    recover()\n",
        3,
        "try:\n    run()\nexcept ValueError:\n    recover()\n",
    ),
    (
        "py.swallowed-exception",
        "python",
        "try:\n    run()\nexcept Exception:\n    pass\n",
        3,
        "try:\n    run()\nexcept Exception:\n    log.exception('run failed')\n    raise\n",
    ),
    (
        "py.eval-exec",
        "python",
        "value = eval(user_input)\n",
        1,
        "value = ast.literal_eval(user_input)\n",
    ),
    (
        "py.sql-injection",
        "python",
        "def find(cur, name):\n    cur.execute(f\"SELECT id FROM users WHERE name = '{name}'\")\n",
        2,
        'def find(cur, name):\n    cur.execute("SELECT id FROM users WHERE name = ?", (name,))\n',
    ),
    (
        "py.shell-injection",
        "python",
        "import subprocess\nsubprocess.run(f'ls {path}', shell=True)\n",
        2,
        "import subprocess\nsubprocess.run(['ls', path], check=True)\n",
    ),
    (
        "py.unsafe-deserialization",
        "python",
        "import pickle\ndata = pickle.loads(blob)\n",
        2,
        "import json\ndata = json.loads(blob)\n",
    ),
    (
        "py.hardcoded-secret",
        "python",
        'DB_PASSWORD = "correct-horse-battery"\n',
        1,
        'DB_PASSWORD = os.environ["DB_PASSWORD"]\n',
    ),
    (
        "py.open-without-with",
        "python",
        "def read(p):\n    f = open(p)\n    return f.read()\n",
        2,
        "def read(p):\n    with open(p) as f:\n        return f.read()\n",
    ),
    (
        "py.none-comparison",
        "python",
        "if value == None:\n    reset()\n",
        1,
        "if value is None:\n    reset()\n",
    ),
    (
        "py.range-len",
        "python",
        "for i in range(len(items)):\n    show(items[i])\n",
        1,
        "for i in range(count):\n    show(i)\n",
    ),
    ("py.deep-nesting", "python", _NESTED, 7, _NESTED_OK),
    ("py.long-function", "python", _long_function(51), 1, _long_function(50)),
    ("py.complex-function", "python", _branchy_function(10), 1, _branchy_function(9)),
    (
        "py.assert-validation",
        "python",
        "def withdraw(amount):\n    assert amount > 0\n    return amount\n",
        2,
        "def withdraw(amount):\n    assert isinstance(amount, int)\n    return amount\n",
    ),
    (
        "py.requests-no-timeout",
        "python",
        "import requests\nresponse = requests.get(url)\n",
        2,
        "import requests\nresponse = requests.get(url, timeout=5)\n",
    ),
    (
        "py.blocking-call-in-async",
        "python",
        "import time\n\nasync def tick():\n    time.sleep(1)\n",
        4,
        "import time\n\ndef tick():\n    time.sleep(1)\n",
    ),
    (
        "py.global-statement",
        "python",
        "counter = 0\n\ndef bump():\n    global counter\n    counter += 1\n",
        4,
        "def bump(counter):\n    return counter + 1\n",
    ),
    (
        "py.print-debugging",
        "python",
        "def total(xs):\n    print(xs)\n    return sum(xs)\n",
        2,
        "def main():\n    print('hello')\n",
    ),
    (
        "py.path-traversal",
        "python",
        "import os\n\ndef read(name):\n"
        "    with open(os.path.join('/srv/files', name)) as f:\n        return f.read()\n",
        4,
        "import os\n\ndef read(name):\n"
        "    with open(os.path.join('/srv/files', os.path.basename(name))) as f:\n"
        "        return f.read()\n",
    ),
    (
        "py.syntax-error",
        "python",
        "x = 1\ndef broken(:\n    pass\n",
        2,
        "x = 1\ndef fine():\n    pass\n",
    ),
    (
        "py.wildcard-import",
        "python",
        "from os.path import *\n",
        1,
        "from os.path import join\n",
    ),
    (
        "js.loose-equality",
        "javascript",
        "if (a == b) {\n  go();\n}\n",
        1,
        "if (a === b) {\n  go();\n}\n",
    ),
    ("js.var", "javascript", "var count = 0;\n", 1, "let count = 0;\n"),
    (
        "js.eval",
        "javascript",
        "const result = eval(input);\n",
        1,
        "const result = JSON.parse(input);\n",
    ),
    (
        "js.inner-html",
        "javascript",
        "const el = find();\nel.innerHTML = comment;\n",
        2,
        'const el = find();\nel.innerHTML = "";\n',
    ),
    (
        "js.document-write",
        "javascript",
        "document.write(message);\n",
        1,
        "document.body.append(message);\n",
    ),
    (
        "js.console-log",
        "javascript",
        "function f(x) {\n  console.log(x);\n}\n",
        2,
        "function f(x) {\n  logger.debug(x);\n}\n",
    ),
    (
        "js.sql-injection",
        "javascript",
        "db.query(`SELECT * FROM users WHERE id = ${id}`);\n",
        1,
        'db.query("SELECT * FROM users WHERE id = $1", [id]);\n',
    ),
    (
        "ts.any",
        "typescript",
        "function f(x: any): void {}\n",
        1,
        "function f(x: unknown): void {}\n",
    ),
    (
        "js.unhandled-promise",
        "javascript",
        "fetch(url)\n  .then((r) => r.json());\n",
        1,
        "fetch(url)\n  .then((r) => r.json())\n  .catch(report);\n",
    ),
    ("sql.select-star", "sql", "SELECT * FROM users;\n", 1, "SELECT id, name FROM users;\n"),
    (
        "sql.delete-without-where",
        "sql",
        "BEGIN;\nDELETE FROM users;\n",
        2,
        "BEGIN;\nDELETE FROM users WHERE id = 1;\n",
    ),
    (
        "sql.update-without-where",
        "sql",
        "UPDATE users SET active = false;\n",
        1,
        "UPDATE users SET active = false WHERE id = 7;\n",
    ),
    (
        "sql.string-concat",
        "sql",
        "EXECUTE 'SELECT name FROM ' || tbl || ' WHERE id = ' || id;\n",
        1,
        "EXECUTE format('SELECT name FROM %I WHERE id = $1', tbl) USING id;\n",
    ),
    (
        "generic.long-line",
        None,
        "short line\n" + "word " * 30 + "\n",
        2,
        "short line\n" + "word " * 20 + "\n",
    ),
    (
        "generic.todo",
        "python",
        "x = 1  # TODO: handle errors\n",
        1,
        "x = 1  # handle errors\n",
    ),
    (
        "secret.aws-access-key",
        None,
        f"region = eu-west-1\nkey = {AWS_KEY}\n",
        2,
        "region = eu-west-1\nkey = AKIA-not-a-key\n",
    ),
    (
        "secret.private-key",
        None,
        f"-----BEGIN RSA PRIVATE KEY-----\n{PRIVATE_KEY_BODY}\n-----END RSA PRIVATE KEY-----\n",
        1,
        f"-----BEGIN PUBLIC KEY-----\n{PRIVATE_KEY_BODY}\n-----END PUBLIC KEY-----\n",
    ),
    (
        "secret.github-token",
        None,
        f"auth:\n  token: {GITHUB_TOKEN}\n",
        2,
        "auth:\n  token: ghp_short\n",
    ),
    ("secret.api-key", None, f"OPENAI={OPENAI_KEY}\n", 1, "OPENAI=sk-short\n"),
]


def test_every_rule_has_a_case() -> None:
    assert {case[0] for case in RULE_CASES} == set(RULES)
    assert len(RULES) >= 20


@pytest.mark.parametrize(
    ("rule_id", "language", "positive", "line", "negative"),
    RULE_CASES,
    ids=[case[0] for case in RULE_CASES],
)
def test_rule_fires_on_positive_with_line_and_not_on_close_negative(
    rule_id: str, language: str | None, positive: str, line: int, negative: str
) -> None:
    hits = [f for f in inspect_code(positive, language).findings if f.rule_id == rule_id]
    assert [f.line for f in hits] == [line]
    finding = hits[0]
    assert finding.topic == RULES[rule_id].topic
    assert finding.severity in {"info", "warning", "error"}
    assert finding.hint
    assert finding.fix
    assert rule_id not in _rule_ids(inspect_code(negative, language).findings)


@pytest.mark.parametrize(
    "query",
    [
        "f\"SELECT * FROM t WHERE name = '{name}'\"",
        "\"SELECT * FROM t WHERE name = '%s'\" % name",
        '"SELECT * FROM t WHERE name = \'" + name + "\'"',
        "\"SELECT * FROM t WHERE name = '{}'\".format(name)",
    ],
)
def test_sql_injection_catches_every_way_of_building_the_string(query: str) -> None:
    direct = f"def find(cur, name):\n    cur.execute({query})\n"
    indirect = f"def find(cur, name):\n    sql = {query}\n    cur.execute(sql)\n"
    assert "py.sql-injection" in _rule_ids(inspect_code(direct, "python").findings)
    assert "py.sql-injection" in _rule_ids(inspect_code(indirect, "python").findings)


def test_sql_injection_ignores_constant_queries_passed_through_a_variable() -> None:
    code = (
        "def find(cur, name):\n"
        "    sql = 'SELECT * FROM t WHERE name = ?'\n"
        "    cur.execute(sql, (name,))\n"
    )
    assert "py.sql-injection" not in _rule_ids(inspect_code(code, "python").findings)


def test_yaml_load_is_only_flagged_without_a_safe_loader() -> None:
    unsafe = "import yaml\ndata = yaml.load(stream)\n"
    safe = "import yaml\ndata = yaml.load(stream, Loader=yaml.SafeLoader)\n"
    assert "py.unsafe-deserialization" in _rule_ids(inspect_code(unsafe, "python").findings)
    assert "py.unsafe-deserialization" not in _rule_ids(inspect_code(safe, "python").findings)


def test_sql_inside_python_strings_is_checked() -> None:
    code = "def purge(cur):\n    cur.execute('DELETE FROM sessions')\n"
    findings = inspect_code(code, "python").findings
    assert [(f.rule_id, f.line) for f in findings] == [("sql.delete-without-where", 2)]


def test_js_checks_ignore_strings_and_comments() -> None:
    code = (
        'const help = "use a == b or var x or eval(y)";\n'
        "// var legacy = 1; if (a == b) eval(z);\n"
        "/* document.write(x) */\n"
        "const ok = a === b;\n"
    )
    assert inspect_code(code, "javascript").findings == ()


def test_js_null_idiom_is_allowed() -> None:
    assert inspect_code("if (value == null) { reset(); }\n", "javascript").findings == ()


def test_noisy_rules_report_once_with_a_count() -> None:
    code = "function f(a) {\n  console.log(a);\n  console.log(a);\n  console.log(a);\n}\n"
    logs = [f for f in inspect_code(code, "javascript").findings if f.rule_id == "js.console-log"]
    assert len(logs) == 1
    assert logs[0].line == 2
    assert "(3 places)" in logs[0].title


def test_rules_point_at_known_topics() -> None:
    assert {rule.topic for rule in RULES.values()} <= set(TOPICS)


# --- Topics ------------------------------------------------------------------------------


def test_topics_are_complete_and_offline() -> None:
    assert len(TOPICS) >= 30
    for topic_id, topic in TOPICS.items():
        assert topic.id == topic_id
        assert topic.keywords
        assert topic.explanation
        assert topic.hints
        assert topic.reading
        assert topic.next_step
        for text in (topic.explanation, topic.next_step, *topic.hints, *topic.reading):
            assert not re.search(r"https?://|www\.", text), topic_id
        assert len(topic.example.splitlines()) <= 10, topic_id


@pytest.mark.parametrize(
    ("question", "topic_id"),
    [
        ("What's the difference between git rebase and merge?", "git.rebase-vs-merge"),
        ("How do decorators work?", "python.decorators"),
        ("Can you explain list comprehensions?", "python.comprehensions"),
        ("How do I avoid N+1 queries in the Django ORM?", "orm.n-plus-one"),
        ("Should I use threads or asyncio for downloads?", "concurrency.threads-vs-asyncio"),
        ("How should I hash passwords before storing them?", "security.password-hashing"),
        ("What does HTTP status 404 mean?", "web.http-status-codes"),
        ("Cannot read properties of undefined in my React app", "javascript.common-errors"),
        ("Why does my default list argument keep growing?", "python.mutable-default-args"),
        ("How do I mock an API call in tests?", "testing.mocking"),
        ("What is the strategy pattern?", "patterns.strategy"),
        ("How do I prevent CSRF?", "security.csrf"),
        ("When should I add an index to a slow query?", "sql.indexes"),
        ("How do context managers work with open files?", "python.context-managers"),
    ],
)
def test_questions_match_their_topic(question: str, topic_id: str) -> None:
    answer = OfflineMentor().answer(question)
    assert answer.topics[0] == topic_id
    assert answer.text.startswith(f"**{TOPICS[topic_id].title}.**")


def test_language_breaks_ties_between_similar_topics() -> None:
    mentor = OfflineMentor()
    python = mentor.answer("how does async await work?", "async def f():\n    await g()\n")
    javascript = mentor.answer("how does async await work?", "const f = async () => await g();\n")
    assert python.topics[0] == "python.async-await"
    assert javascript.topics[0] == "javascript.promises"


# --- Answers -----------------------------------------------------------------------------

VULNERABLE = (
    "import sqlite3\n"
    "\n"
    "def add(item, bucket=[]):\n"
    "    bucket.append(item)\n"
    "    return bucket\n"
    "\n"
    "def find(conn, name):\n"
    "    cur = conn.cursor()\n"
    "    cur.execute(f\"SELECT id FROM users WHERE name = '{name}'\")\n"
    "    return cur.fetchall()\n"
)


def test_sql_injection_question_puts_that_finding_and_topic_first() -> None:
    answer = OfflineMentor().answer("How do I stop SQL injection here?", VULNERABLE)
    assert answer.language == "python"
    assert answer.findings[0].rule_id == "py.sql-injection"
    assert answer.findings[0].line == 9
    assert answer.topics[0] == "security.sql-injection"
    assert "line 9" in answer.text
    # The answer leads with the topic, then the matching finding.
    assert answer.text.index("SQL injection") < answer.text.index("line 9")


def test_hint_mode_guides_without_giving_the_solution() -> None:
    answer = OfflineMentor().answer("How do I stop SQL injection here?", VULNERABLE, mode="hint")
    assert all(len(block) <= 3 for block in _code_blocks(answer.text))
    assert "(name,)" not in answer.text
    assert "bucket=None" not in answer.text
    assert "?" in answer.text  # a leading question
    assert answer.text.rstrip().endswith(STUCK)
    assert all(f.fix == "" for f in answer.findings)


def test_solution_mode_shows_the_fix_for_each_finding() -> None:
    answer = OfflineMentor().answer(
        "How do I stop SQL injection here?", VULNERABLE, mode="solution"
    )
    blocks = ["\n".join(block) for block in _code_blocks(answer.text)]
    assert any("'SELECT id FROM users WHERE name = ?'" in b and "(name,)" in b for b in blocks)
    assert any("def add(item, bucket=None):" in b and "if bucket is None:" in b for b in blocks)
    assert STUCK not in answer.text
    assert answer.findings[0].fix


@pytest.mark.parametrize(("rule_id", "language", "positive", "line", "negative"), RULE_CASES)
def test_hint_mode_never_contains_a_long_code_block(
    rule_id: str, language: str | None, positive: str, line: int, negative: str
) -> None:
    mentor = OfflineMentor()
    for question in ("what's wrong with this?", "", "explain decorators"):
        answer = mentor.answer(question, positive, language)
        assert all(len(block) <= 3 for block in _code_blocks(answer.text))
        solution = mentor.answer(question, positive, language, mode="solution")
        assert all(len(block) <= 12 for block in _code_blocks(solution.text))


def test_line_mentioned_in_question_comes_first() -> None:
    answer = OfflineMentor().answer("Is line 3 ok?", VULNERABLE)
    assert answer.findings[0].line == 3


def test_security_question_ranks_security_findings_first() -> None:
    code = "import subprocess\n\ndef run(items=[]):\n    subprocess.run('ls -l', shell=True)\n"
    answer = OfflineMentor().answer("Is this code secure?", code)
    assert answer.findings[0].rule_id == "py.shell-injection"


def test_review_request_without_a_topic_reviews_the_code() -> None:
    for question in ("", "thoughts?", "what's wrong with my code?"):
        answer = OfflineMentor().answer(question, VULNERABLE)
        assert answer.text.startswith("I read through your Python code (11 lines)")
        assert "### In your code" in answer.text
        assert answer.topics


def test_clean_code_gets_an_honest_no_findings_review() -> None:
    answer = OfflineMentor().answer("any problems?", "def add(a, b):\n    return a + b\n")
    assert answer.findings == ()
    assert "found nothing to flag" in answer.text
    assert "doesn't prove" in answer.text


def test_unmatched_question_gets_the_honest_offline_message() -> None:
    answer = OfflineMentor().answer("What is the capital of France?")
    assert "offline mentor" in answer.text
    assert "AI provider" in answer.text
    assert answer.topics == ()
    assert answer.findings == ()


def test_unmatched_question_still_reports_findings_in_the_code() -> None:
    answer = OfflineMentor().answer("Who won the football yesterday?", VULNERABLE)
    assert "offline mentor" in answer.text
    assert "### In your code" in answer.text
    assert answer.findings


def test_empty_input_asks_for_a_question() -> None:
    answer = OfflineMentor().answer("   ", None)
    assert "offline mentor" in answer.text
    assert answer == MentorAnswer(answer.text, (), (), None)


def test_answer_is_deterministic() -> None:
    first = OfflineMentor().answer("review please", VULNERABLE, mode="solution")
    second = OfflineMentor().answer("review please", VULNERABLE, mode="solution")
    assert first == second


def test_answer_is_thread_safe() -> None:
    mentor = OfflineMentor()
    expected = mentor.answer("sql injection?", VULNERABLE)
    results: list[MentorAnswer] = []

    def work() -> None:
        for _ in range(20):
            results.append(mentor.answer("sql injection?", VULNERABLE))

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 160
    assert all(result == expected for result in results)


# --- Safety: secrets, verbatim code, HTML ------------------------------------------------

SECRETS_CODE = (
    f'AWS_ACCESS_KEY_ID = "{AWS_KEY}"\n'
    f'GITHUB = "{GITHUB_TOKEN}"\n'
    'db_password = "hunter2-is-not-safe"\n'
    'connect(host="db", password="pa55-word-kwarg")\n'
    f'OPENAI = "{OPENAI_KEY}"\n'
    'URL = "postgres://admin:s3cr3t-pw@db/app"\n'
    "PEM = '''\n"
    "-----BEGIN OPENSSH PRIVATE KEY-----\n"
    f"{PRIVATE_KEY_BODY}\n"
    "-----END OPENSSH PRIVATE KEY-----\n"
    "'''\n"
)
SECRET_VALUES = [
    AWS_KEY,
    GITHUB_TOKEN,
    "hunter2-is-not-safe",
    "pa55-word-kwarg",
    OPENAI_KEY,
    "s3cr3t-pw",
    PRIVATE_KEY_BODY,
]


@pytest.mark.parametrize("mode", ["hint", "solution"])
@pytest.mark.parametrize("question", ["are there any secrets in here?", "review", ""])
def test_secrets_are_never_echoed(mode: Mode, question: str) -> None:
    answer = OfflineMentor().answer(question, SECRETS_CODE, "python", mode=mode)
    rule_ids = _rule_ids(answer.findings)
    assert {"secret.aws-access-key", "secret.github-token", "secret.api-key"} <= set(rule_ids)
    assert "py.hardcoded-secret" in rule_ids
    visible = [answer.text] + [f"{f.title} {f.hint} {f.fix}" for f in answer.findings]
    for secret in SECRET_VALUES:
        for text in visible:
            assert secret not in text
            # Not even a recognisable chunk of it.
            assert secret[4:16] not in text


def test_secrets_in_rewritten_lines_and_questions_are_masked() -> None:
    code = f'const token = "{GITHUB_TOKEN}"; if (token == input) {{ go(); }}\n'
    question = f"why does {AWS_KEY} not work?"
    answer = OfflineMentor().answer(question, code, "javascript", mode="solution")
    assert "js.loose-equality" in _rule_ids(answer.findings)
    for secret in (GITHUB_TOKEN, AWS_KEY):
        assert secret not in answer.text
        assert all(secret not in f.fix and secret not in f.hint for f in answer.findings)


def test_masking_leaves_the_mentors_own_teaching_text_alone() -> None:
    for topic in TOPICS.values():
        for text in (topic.explanation, topic.example, topic.next_step, *topic.hints):
            assert mask_secrets(text) == text, topic.id


def test_mask_secrets_keeps_names_and_hides_values() -> None:
    masked = mask_secrets(f'api_key = "abc123xyz"; token: "{GITHUB_TOKEN}" key={AWS_KEY}')
    assert "api_key" in masked
    assert "abc123xyz" not in masked
    assert GITHUB_TOKEN not in masked
    assert AWS_KEY not in masked


def test_only_single_referenced_lines_of_code_appear_in_hint_mode() -> None:
    code = "".join(f"value_{i} = compute_{i}(data)  # unique line {i}\n" for i in range(40))
    code += "def f(x=[]):\n    return x\n"
    answer = OfflineMentor().answer("review", code, "python")
    echoed = [line for line in code.splitlines() if line.strip() in answer.text]
    assert len(echoed) <= 3


def test_referenced_lines_are_truncated() -> None:
    line = "def f(x=[]):  # " + "z" * 300
    answer = OfflineMentor().answer("review", line + "\n    return x\n", "python")
    assert "z" * 120 not in answer.text
    assert "…" in answer.text


def test_no_raw_html_is_emitted() -> None:
    code = 'const el = find();\nel.innerHTML = "<script>alert(1)</script>" + name;\n'
    for mode in ("hint", "solution"):
        answer = OfflineMentor().answer("xss?", code, mode=mode)
        assert "js.inner-html" in _rule_ids(answer.findings)
        assert not re.search(r"<[a-zA-Z/!]", _prose(answer.text))


# --- Hostile input ------------------------------------------------------------------------


def _garbage(size: int) -> str:
    """Deterministic noise over all 256 byte values, read as text."""
    blocks = (hashlib.sha256(i.to_bytes(4, "big")).digest() for i in range(size // 32 + 1))
    return b"".join(blocks)[:size].decode("latin-1")


HOSTILE = {
    "null bytes": "def f():\n    return 1\x00\x00\n" * 50,
    "nested parentheses": "x = " + "(" * 10_000 + "1" + ")" * 10_000,
    "nested lists": "x = " + "[" * 5_000 + "]" * 5_000,
    "long plus chain": "x = 1" + " + 1" * 30_000,
    "deep unary": "x = " + "-" * 50_000 + "1",
    "lambda chain": "f = " + "lambda: " * 5_000 + "1",
    "200 KB of code": "def f(a, b=[]):\n    return eval(a)\n" * 6_000,
    "binary garbage": _garbage(50_000),
    "surrogates": "x = '\ud800\udfff'\nprint(x)\n" * 10,
    "one huge line": "a" * 200_000,
    "unterminated strings": "'" * 1_000 + '"' * 1_000 + "`" * 1_000 + "/*" * 1_000,
    "invalid escapes": "def f():\n    return '\\d+\\s*'\n",
    "regex stress": "if x:\n" * 5_000 + "select " * 5_000 + "a.b." * 5_000 + "=" * 10_000,
}


@pytest.mark.parametrize("code", list(HOSTILE.values()), ids=list(HOSTILE))
@pytest.mark.parametrize("language", [None, "python", "javascript", "sql"])
def test_hostile_input_is_answered_quickly_without_raising(code: str, language: str | None) -> None:
    mentor = OfflineMentor()
    started = time.perf_counter()
    for mode in ("hint", "solution"):
        answer = mentor.answer("what is wrong?", code, language, mode=mode)
        assert answer.text
        assert "\x00" not in answer.text
    # A generous bound: it only has to catch quadratic blow-ups, not measure speed.
    assert time.perf_counter() - started < 2.0


def test_huge_input_is_capped_and_said_so() -> None:
    answer = OfflineMentor().answer("review", HOSTILE["200 KB of code"], "python")
    assert "only inspected the first" in answer.text
    inspection = inspect_code(HOSTILE["200 KB of code"], "python")
    assert inspection.truncated
    assert "py.syntax-error" not in _rule_ids(inspection.findings)


def test_huge_question_is_capped() -> None:
    answer = OfflineMentor().answer("sql injection " * 2_000)
    assert answer.topics[0] == "security.sql-injection"


def test_code_is_never_executed(tmp_path: Path) -> None:
    markers = [tmp_path / f"pwned-{i}" for i in range(4)]
    code = (
        f"open({str(markers[0])!r}, 'w').write('x')\n"
        f"import os\nos.system('touch {markers[1]}')\n"
        f"__import__('pathlib').Path({str(markers[2])!r}).touch()\n"
        "if __name__ == '__main__':\n"
        f"    open({str(markers[3])!r}, 'w').close()\n"
        "class Evil:\n"
        f"    x = open({str(markers[0])!r}, 'w')\n"
        "def f(a=open('/dev/null')):\n    pass\n"
    )
    mentor = OfflineMentor()
    for language in (None, "python"):
        for mode in ("hint", "solution"):
            answer = mentor.answer("what does this do?", code, language, mode=mode)
            assert answer.language == "python"
    assert not any(marker.exists() for marker in markers)


def test_binary_input_is_reported_as_such() -> None:
    answer = OfflineMentor().answer("review", _garbage(5_000))
    assert answer.language is None
    assert "binary data" in answer.text


def test_typical_file_is_fast() -> None:
    code = (VULNERABLE + "\n") * 18  # ~200 lines
    mentor = OfflineMentor()
    mentor.answer("review", code)
    started = time.perf_counter()
    for _ in range(10):
        mentor.answer("review", code)
    # Typically well under 20 ms each; the bound leaves room for slow CI machines.
    assert (time.perf_counter() - started) / 10 < 0.2


# --- Languages ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "language"),
    [
        ("import os\n\ndef main():\n    print(os.getcwd())\n", "python"),
        ("class User:\n    def __init__(self, name):\n        self.name = name\n", "python"),
        ("def broken(:\n    if x:\n        return None\n", "python"),
        ("const add = (a, b) => a + b;\nconsole.log(add(1, 2));\n", "javascript"),
        (
            "function greet(name) {\n  return 'hi ' + name;\n}\nmodule.exports = greet;\n",
            "javascript",
        ),
        ("interface User {\n  id: number;\n  name: string;\n}\n", "typescript"),
        ("export type Id = string;\nconst id: Id = 'x';\n", "typescript"),
        ("SELECT id, name\nFROM users\nWHERE active = 1;\n", "sql"),
        ("CREATE TABLE t (id INT);\nINSERT INTO t VALUES (1);\n", "sql"),
        ('package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("hi")\n}\n', "go"),
        ('fn main() {\n    let mut x = 1;\n    println!("{}", x);\n}\n', "rust"),
        ("x = 1\n", None),
        ("hello there, this is prose.\n", None),
        ("", None),
    ],
)
def test_language_detection(code: str, language: str | None) -> None:
    assert detect_language(code) == language


def test_detection_ignores_type_words_in_strings_and_comments() -> None:
    code = 'const msg = "state: unknown";\n// result: never\nconsole.log(msg);\n'
    assert detect_language(code) == "javascript"


@pytest.mark.parametrize(
    ("given", "expected"),
    [("py", "python"), ("JS", "javascript"), ("tsx", "typescript"), ("postgresql", "sql")],
)
def test_language_names_are_normalised(given: str, expected: str) -> None:
    assert OfflineMentor().answer("review", "x = 1\n", given).language == expected


def test_unusable_language_names_fall_back_to_detection() -> None:
    answer = OfflineMentor().answer("review", "def f(x=[]):\n    return x\n", "<script>")
    assert answer.language == "python"
    assert "<script>" not in answer.text


def test_unsupported_language_is_admitted() -> None:
    answer = OfflineMentor().answer("review", "package main\n\nfunc main() {}\n", "go")
    assert answer.language == "go"
    assert "no go-specific checks" in answer.text
