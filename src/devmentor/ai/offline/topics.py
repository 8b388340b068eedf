"""The offline mentor's built-in knowledge base: short, curated topics.

Each topic is written for a learner: a plain explanation, questions that lead towards
the answer without giving it away, a next step to practise, and where to read more.
References name documents ("Python docs: contextlib") rather than URLs, because the
offline mentor must never point a learner at something it fetched or cannot vouch for.

The full curriculum (skill graph, lessons, question banks) lives elsewhere; this is the
small set the mentor needs to answer common questions without a model.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

__all__ = ["TOPICS", "Topic"]


@dataclass(frozen=True, slots=True)
class Topic:
    """One thing the offline mentor can explain."""

    id: str
    title: str
    #: Words and phrases a question about this topic tends to contain (matched after
    #: lowercasing, tokenising and light stemming). A leading "~" marks a weak keyword:
    #: common enough that a more specific topic should win a tie.
    keywords: tuple[str, ...]
    explanation: str
    #: Leading questions: they point at the idea without stating the answer.
    hints: tuple[str, ...]
    next_step: str
    reading: tuple[str, ...]
    #: A short illustration, shown only in solution mode (at most a few lines).
    example: str = ""
    #: Languages the topic is specific to; empty means it applies everywhere.
    languages: tuple[str, ...] = ()


_PY = ("python",)
_JS = ("javascript", "typescript")
_SQL = ("sql",)

_ALL: tuple[Topic, ...] = (
    # --- Python language -----------------------------------------------------------
    Topic(
        id="python.async-await",
        title="async/await in Python",
        keywords=(
            "async",
            "await",
            "asyncio",
            "coroutine",
            "event loop",
            "gather",
            "aiohttp",
            "blocking call",
            "async def",
            "to_thread",
        ),
        explanation=(
            "An `async def` function returns a coroutine; nothing runs until it is awaited "
            "or scheduled on the event loop. The loop runs one task at a time and switches "
            "only at `await`, so any blocking call (like `time.sleep` or `requests.get`) "
            "freezes every other task. Use `asyncio.gather()` to run independent awaits "
            "concurrently, and `asyncio.to_thread()` for blocking work you cannot avoid."
        ),
        hints=(
            "Where in your function does control go back to the event loop?",
            "If one task calls a blocking function, what are the other tasks doing meanwhile?",
            "Which of your awaits are independent of each other and could run together?",
        ),
        next_step=(
            "Write two coroutines that each `await asyncio.sleep(1)`, run them with "
            "`asyncio.gather()`, and time it: it should take about one second, not two."
        ),
        reading=("Python docs: asyncio — Coroutines and Tasks", "PEP 492"),
        example=(
            "async def fetch_all(client, urls):\n"
            "    tasks = [client.get(url) for url in urls]\n"
            "    return await asyncio.gather(*tasks)"
        ),
        languages=_PY,
    ),
    Topic(
        id="python.decorators",
        title="Decorators",
        keywords=("decorator", "decorate", "wraps", "functools.wraps", "wrapper function"),
        explanation=(
            "A decorator is a function that takes a function and returns a replacement, "
            "usually a wrapper that adds behaviour before or after the call. `@timed` above "
            "`def f` is just `f = timed(f)`. Use `functools.wraps` on the wrapper so the "
            "decorated function keeps its name and docstring."
        ),
        hints=(
            "What does `@my_decorator` above a `def` turn into if you write it by hand?",
            "Which arguments must the wrapper accept so it works for any function?",
            "What happens to the decorated function's `__name__` without `functools.wraps`?",
        ),
        next_step=(
            "Write a `@timed` decorator that prints how long a call took, then check that "
            "`help()` on the decorated function still shows its own docstring."
        ),
        reading=("Python docs: functools.wraps", "PEP 318"),
        example=(
            "def timed(func):\n"
            "    @functools.wraps(func)\n"
            "    def wrapper(*args, **kwargs):\n"
            "        start = time.perf_counter()\n"
            "        try:\n"
            "            return func(*args, **kwargs)\n"
            "        finally:\n"
            "            logger.info('%s took %.3fs', func.__name__, time.perf_counter() - start)\n"
            "    return wrapper"
        ),
        languages=_PY,
    ),
    Topic(
        id="python.generators",
        title="Generators and iterators",
        keywords=(
            "generator",
            "yield",
            "iterator",
            "iterable",
            "lazy evaluation",
            "generator expression",
            "yield from",
            "stopiteration",
        ),
        explanation=(
            "A function containing `yield` returns a generator: it produces values one at "
            "a time, pausing between them, so it can stream huge or endless sequences with "
            "constant memory. A generator can be consumed only once; after that it is "
            "exhausted."
        ),
        hints=(
            "How much memory does your code need if the input has a billion items?",
            "What happens if you loop over the same generator twice?",
            "Where does execution resume after a `yield`?",
        ),
        next_step=(
            "Rewrite a function that builds and returns a big list so that it yields the "
            "items instead, and compare memory use with `tracemalloc`."
        ),
        reading=("Python docs: Generators (Functional Programming HOWTO)", "PEP 255"),
        example=(
            "def read_records(path):\n"
            "    with open(path, encoding='utf-8') as handle:\n"
            "        for line in handle:\n"
            "            yield line.rstrip('\\n').split(',')"
        ),
        languages=_PY,
    ),
    Topic(
        id="python.typing",
        title="Type hints in Python",
        keywords=(
            "type hint",
            "typing",
            "annotation",
            "mypy",
            "pyright",
            "optional",
            "typeddict",
            "protocol",
            "type checker",
            "typevar",
            "generic type",
        ),
        explanation=(
            "Type hints document what a function accepts and returns; Python ignores them at "
            "run time, but a checker such as mypy or pyright uses them to find bugs before "
            "the code runs. Start with function signatures, use `X | None` when a value may "
            "be missing, and prefer `Protocol` or small dataclasses to loose dicts."
        ),
        hints=(
            "What should the caller know about this function without reading its body?",
            "Which of your values can be `None`, and does every caller handle that?",
            "Would a dataclass describe this dict's shape better than `dict[str, Any]`?",
        ),
        next_step=(
            "Add hints to the signatures of one module and run `mypy --strict` on it; fix "
            "the first three errors it reports."
        ),
        reading=("Python docs: typing", "mypy docs: Type hints cheat sheet"),
        example=(
            "def find_user(users: dict[int, User], user_id: int) -> User | None:\n"
            "    return users.get(user_id)"
        ),
        languages=_PY,
    ),
    Topic(
        id="python.comprehensions",
        title="List, dict and set comprehensions",
        keywords=(
            "comprehension",
            "list comprehension",
            "dict comprehension",
            "set comprehension",
            "one liner",
        ),
        explanation=(
            "A comprehension builds a collection from an iterable in one expression: "
            "`[f(x) for x in items if keep(x)]`. It is clearer than an append loop when the "
            "logic is a simple map or filter. Once it needs nested loops plus several "
            "conditions, a normal loop or a helper function usually reads better."
        ),
        hints=(
            "Is your loop only transforming and/or filtering items into a new collection?",
            "Would a reader understand the comprehension in one pass?",
            "Do you need the whole list, or would a generator expression do?",
        ),
        next_step=(
            "Find a loop that appends to a list and rewrite it as a comprehension; keep "
            "whichever version a teammate would read faster."
        ),
        reading=("Python tutorial: List Comprehensions", "PEP 202"),
        example="active_emails = [user.email for user in users if user.is_active]",
        languages=_PY,
    ),
    Topic(
        id="python.context-managers",
        title="Context managers and `with`",
        keywords=(
            "context manager",
            "with statement",
            "with open",
            "contextlib",
            "__enter__",
            "__exit__",
            "close file",
            "resource leak",
            "file handle",
        ),
        explanation=(
            "A context manager pairs setup with guaranteed cleanup: `with open(path) as f:` "
            "closes the file when the block ends, even if an exception is raised inside it. "
            "Use `with` for anything that must be released — files, locks, connections, "
            "transactions — and `contextlib.contextmanager` to write your own."
        ),
        hints=(
            "If an exception is raised halfway through, which resources stay open?",
            "Where exactly is your file or connection closed?",
            "Could `contextlib.ExitStack` help when the number of resources varies?",
        ),
        next_step=(
            "Write a `@contextmanager` that times a block of code, and use it in a `with` "
            "statement around a slow call."
        ),
        reading=("Python docs: contextlib", "PEP 343"),
        example=(
            "with open(path, encoding='utf-8') as handle:\n"
            "    data = handle.read()\n"
            "# the file is closed here, even if read() raised"
        ),
        languages=_PY,
    ),
    Topic(
        id="python.exceptions",
        title="Exceptions and error handling",
        keywords=(
            "exception",
            "try except",
            "except",
            "raise",
            "error handling",
            "handle error",
            "bare except",
            "custom exception",
            "finally",
            "swallow",
            "assert",
        ),
        explanation=(
            "Catch only the exceptions you expect and can actually handle, as close to the "
            "failing call as possible; let everything else propagate so bugs stay visible. "
            "A bare `except:` or `except Exception: pass` hides real problems (even Ctrl+C). "
            "Validate inputs by raising a specific exception such as `ValueError`, not with "
            "`assert`, which is removed when Python runs with `-O`."
        ),
        hints=(
            "Which exact exception do you expect here, and what will you do about it?",
            "If this error happened in production, how would you find out?",
            "Should this function handle the error, or should its caller?",
        ),
        next_step=(
            "Pick one `try` block, narrow its `except` to the specific exception, and add a "
            "test that triggers that error on purpose."
        ),
        reading=("Python tutorial: Errors and Exceptions", "Python docs: Built-in Exceptions"),
        example=(
            "try:\n"
            "    port = int(raw_port)\n"
            "except ValueError:\n"
            "    raise ConfigError(f'port must be a number, got {raw_port!r}') from None"
        ),
        languages=_PY,
    ),
    Topic(
        id="python.mutable-default-args",
        title="Mutable default arguments",
        keywords=(
            "mutable default",
            "default argument",
            "default parameter",
            "default value",
            "default list",
            "shared list",
            "list keeps growing",
        ),
        explanation=(
            "Default values are evaluated once, when the `def` statement runs — not on each "
            "call. A mutable default such as `[]` or `{}` is therefore one object shared by "
            "every call that does not pass the argument, so changes leak between calls. Use "
            "`None` as the default and create the object inside the function."
        ),
        hints=(
            "When exactly is the default value `[]` created?",
            "What does the list contain on the second call?",
            "How can the function tell whether the caller passed a value?",
        ),
        next_step=(
            "Call the function twice without the argument and print the result both times; "
            "then apply the `None` pattern and repeat."
        ),
        reading=("Python tutorial: Default Argument Values", "Python FAQ: shared default values"),
        example=(
            "def add_item(item, items=None):\n"
            "    if items is None:\n"
            "        items = []\n"
            "    items.append(item)\n"
            "    return items"
        ),
        languages=_PY,
    ),
    Topic(
        id="python.idioms",
        title="Idiomatic Python",
        keywords=(
            "pythonic",
            "idiom",
            "idiomatic",
            "is none",
            "enumerate",
            "range len",
            "wildcard import",
            "import *",
            "identity",
        ),
        explanation=(
            "Idiomatic Python says what it means: `for item in items` instead of indexing, "
            "`enumerate()` when you also need the index, `zip()` to walk two lists together, "
            "`is None` for the None check (identity, not equality) and explicit imports so "
            "every name's origin is visible."
        ),
        hints=(
            "Do you need the index, or only the items?",
            "Is this comparing values, or asking whether two names point to the same object?",
            "Where does each name used in this module come from?",
        ),
        next_step="Run `ruff check --select SIM,PIE,C4` on your code and read each suggestion.",
        reading=("PEP 8 — Programming Recommendations", "Python docs: enumerate, zip"),
        example="for position, name in enumerate(names, start=1):\n    print(position, name)",
        languages=_PY,
    ),
    Topic(
        id="python.global-state",
        title="Global state",
        keywords=("global", "global variable", "global state", "nonlocal", "module level state"),
        explanation=(
            "`global` lets a function rebind a module-level name, which makes data flow "
            "invisible: any caller can change behaviour for everyone else, and tests start "
            "depending on the order they run in. Pass values in as parameters and return "
            "results, or keep the state on an object you create and hand around."
        ),
        hints=(
            "Which functions read this variable, and which change it?",
            "Can you test this function without resetting module state first?",
            "What would change if two threads called it at the same time?",
        ),
        next_step=(
            "Turn one `global` into a parameter plus a return value, and update the callers."
        ),
        reading=("Python FAQ: rules for local and global variables",),
        example=(
            "def record_hit(counts: dict[str, int], page: str) -> None:\n"
            "    counts[page] = counts.get(page, 0) + 1"
        ),
        languages=_PY,
    ),
    Topic(
        id="python.common-errors",
        title="Reading common Python errors",
        keywords=(
            "typeerror",
            "keyerror",
            "attributeerror",
            "nonetype",
            "indexerror",
            "index out of range",
            "valueerror",
            "nameerror",
            "importerror",
            "modulenotfounderror",
            "indentationerror",
            "recursionerror",
            "zerodivisionerror",
            "unboundlocalerror",
            "not subscriptable",
            "has no attribute",
        ),
        explanation=(
            "The last line of a traceback names the error and the value involved; the lines "
            "above show the calls that led there, innermost last. `'NoneType' object has no "
            "attribute` usually means a function returned `None` where you expected a value; "
            "`KeyError` means a dict lookup missed; `IndexError` means a position past the "
            "end. Find the variable in the failing line and ask where its value came from."
        ),
        hints=(
            "What is the exact value of each variable on the line the traceback points to?",
            "Which earlier call produced the `None` (or missing key) you ran into?",
            "Can you reproduce the error with the smallest possible input?",
        ),
        next_step=(
            "Copy the failing line into a tiny script with the same input values, "
            "reproduce the error there, then fix it."
        ),
        reading=("Python docs: Built-in Exceptions", "Python tutorial: Errors and Exceptions"),
        languages=_PY,
    ),
    # --- Testing ------------------------------------------------------------------------
    Topic(
        id="testing.pytest",
        title="Testing with pytest",
        keywords=(
            "pytest",
            "~test",
            "unit test",
            "unittest",
            "fixture",
            "parametrize",
            "test coverage",
            "tdd",
            "test case",
        ),
        explanation=(
            "A good test arranges inputs, acts once, and asserts on the observable result. "
            "pytest uses plain `assert` statements, fixtures for shared setup, and "
            "`@pytest.mark.parametrize` to run one test over a table of cases. Test "
            "behaviour (inputs and outputs), not implementation details, and include the "
            "edge cases: empty input, boundaries, invalid values."
        ),
        hints=(
            "What is the smallest input that shows the behaviour you care about?",
            "Which edge cases (empty, zero, huge, invalid) does your code need to survive?",
            "If this test fails, will its name tell you what broke?",
        ),
        next_step=(
            "Write one parametrised test with a normal case, an edge case and an invalid "
            "case for the function you are working on."
        ),
        reading=("pytest docs: Get Started", "pytest docs: How to parametrize fixtures and tests"),
        example=(
            "@pytest.mark.parametrize(('raw', 'expected'), [('42', 42), (' 7 ', 7)])\n"
            "def test_parse_port(raw, expected):\n"
            "    assert parse_port(raw) == expected"
        ),
    ),
    Topic(
        id="testing.mocking",
        title="Mocking and test doubles",
        keywords=(
            "mock",
            "patch",
            "monkeypatch",
            "magicmock",
            "stub",
            "fake",
            "test double",
            "mock api",
        ),
        explanation=(
            "Replace a dependency in a test when the real one is slow, non-deterministic or "
            "external (network, clock, randomness). Prefer passing a fake in (dependency "
            "injection) over patching module internals; when you do patch, patch the name "
            "where it is looked up, not where it is defined. Too many mocks usually mean "
            "the code under test does too much."
        ),
        hints=(
            "Which dependency makes this code hard to test: the network, the clock, the disk?",
            "Could the function receive that dependency as a parameter instead?",
            "Is your test checking behaviour, or only that mocks were called?",
        ),
        next_step=(
            "Pass the slow dependency into your function as a parameter and give it a small "
            "hand-written fake in the test."
        ),
        reading=("Python docs: unittest.mock", "pytest docs: monkeypatch"),
        example=(
            "def test_greets_user(monkeypatch):\n"
            "    monkeypatch.setattr(app.clock, 'now', lambda: FIXED_TIME)\n"
            "    assert app.greeting() == 'Good morning'"
        ),
    ),
    # --- Security ------------------------------------------------------------------------
    Topic(
        id="security.sql-injection",
        title="SQL injection",
        keywords=(
            "sql injection",
            "sqli",
            "parameterized query",
            "parametrized query",
            "prepared statement",
            "query parameter",
            "placeholder",
            "bind parameter",
            "escape sql",
        ),
        explanation=(
            "SQL injection happens when values are pasted into the text of a query, so a "
            "value containing a quote can change the query itself (`' OR '1'='1`). The fix "
            "is not escaping by hand: keep the SQL text constant and pass values separately "
            "as parameters (`?` or `%s` placeholders), which the driver sends as data, "
            "never as SQL."
        ),
        hints=(
            "What would your query look like if the user typed `O'Brien`?",
            "Which parts of the SQL text change from call to call?",
            "How does your database driver let you pass values separately from the query?",
        ),
        next_step=(
            "Rewrite one query with placeholders, then test it with a name containing a "
            "quote — it should simply work."
        ),
        reading=(
            "OWASP: SQL Injection Prevention Cheat Sheet",
            "OWASP: Query Parameterization Cheat Sheet",
        ),
        example=(
            "cursor.execute(\n    'SELECT id, name FROM users WHERE email = ?',\n    (email,),\n)"
        ),
    ),
    Topic(
        id="security.xss",
        title="Cross-site scripting (XSS)",
        keywords=(
            "xss",
            "cross site scripting",
            "innerhtml",
            "sanitize html",
            "sanitise html",
            "escape html",
            "script injection",
            "dangerouslysetinnerhtml",
            "document.write",
        ),
        explanation=(
            "XSS happens when user-controlled text is inserted into a page as HTML, so the "
            "browser runs scripts the attacker wrote with your user's session. Insert text "
            "with `textContent` (or let your template engine escape it automatically), and "
            "only insert HTML that you have sanitised with a well-tested library. A Content "
            "Security Policy is a useful second layer."
        ),
        hints=(
            "Does this value end up being parsed as HTML, or shown as text?",
            "Where did the value come from — could a user have typed it?",
            "Does your template engine escape this output automatically?",
        ),
        next_step=(
            "Search your front-end code for `innerHTML` and replace each use with "
            "`textContent` unless you truly need markup."
        ),
        reading=("OWASP: Cross Site Scripting Prevention Cheat Sheet", "MDN: Node.textContent"),
        example="message.textContent = userComment;  // shown as text, never parsed as HTML",
    ),
    Topic(
        id="security.csrf",
        title="Cross-site request forgery (CSRF)",
        keywords=(
            "csrf",
            "xsrf",
            "cross site request forgery",
            "samesite",
            "csrf token",
            "anti forgery",
        ),
        explanation=(
            "CSRF tricks a logged-in user's browser into sending a state-changing request to "
            "your site from another site, riding on the user's cookies. Defend with "
            "`SameSite=Lax` (or Strict) session cookies, a per-session CSRF token checked on "
            "every unsafe method (POST, PUT, PATCH, DELETE), and never change state on GET."
        ),
        hints=(
            "Which of your endpoints change data, and which HTTP methods do they accept?",
            "What stops another site's form from posting to that endpoint with your cookies?",
            "What `SameSite` attribute do your session cookies have?",
        ),
        next_step=(
            "List your state-changing endpoints and check each one requires POST (or "
            "similar) plus a CSRF token or equivalent check."
        ),
        reading=(
            "OWASP: Cross-Site Request Forgery Prevention Cheat Sheet",
            "MDN: SameSite cookies",
        ),
    ),
    Topic(
        id="security.password-hashing",
        title="Storing passwords",
        keywords=(
            "password hash",
            "password hashing",
            "hash password",
            "store password",
            "bcrypt",
            "argon2",
            "scrypt",
            "pbkdf2",
            "salt",
            "md5",
            "sha256 password",
        ),
        explanation=(
            "Never store passwords, even encrypted: store a slow, salted hash made with a "
            "password-hashing function — Argon2id (preferred), scrypt or bcrypt. Fast hashes "
            "like MD5 or SHA-256 can be brute-forced by the billion per second. Use a "
            "library that handles salts and parameters, and compare with its verify function."
        ),
        hints=(
            "If your database leaked tomorrow, what could an attacker do with this column?",
            "How many guesses per second does your hash function allow?",
            "Where does the salt come from, and is it different for every user?",
        ),
        next_step=(
            "Hash and verify a password with `argon2-cffi`'s `PasswordHasher`, and look at "
            "what the stored string contains."
        ),
        reading=("OWASP: Password Storage Cheat Sheet", "argon2-cffi docs"),
        example=(
            "hasher = argon2.PasswordHasher()\n"
            "stored = hasher.hash(password)\n"
            "hasher.verify(stored, attempt)  # raises VerifyMismatchError if wrong"
        ),
    ),
    Topic(
        id="security.secrets-management",
        title="Secrets management",
        keywords=(
            "secret",
            "api key",
            "credential",
            "env var",
            "environment variable",
            "dotenv",
            "vault",
            "leaked key",
            "hardcoded password",
            "hard coded password",
            "api token",
            "private key",
        ),
        explanation=(
            "Secrets (API keys, passwords, private keys) do not belong in source code: "
            "anything committed lives on in git history, forks and CI logs. Load them at run "
            "time from environment variables or a secret manager, keep `.env` files out of "
            "git, and treat any secret that was ever committed as leaked: revoke and rotate it."
        ),
        hints=(
            "Who can read this repository, including its history?",
            "How would you rotate this key without changing the code?",
            "What does your app do if the secret is missing at start-up?",
        ),
        next_step=(
            "Move one hard-coded secret into an environment variable, fail fast with a clear "
            "message when it is missing, and rotate the old value."
        ),
        reading=("OWASP: Secrets Management Cheat Sheet", "The Twelve-Factor App: Config"),
        example=(
            "api_key = os.environ.get('PAYMENTS_API_KEY')\n"
            "if not api_key:\n"
            "    raise RuntimeError('set PAYMENTS_API_KEY')"
        ),
    ),
    Topic(
        id="security.path-traversal",
        title="Path traversal",
        keywords=(
            "path traversal",
            "directory traversal",
            "dot dot slash",
            "file path from user",
            "upload filename",
            "send_file",
            "safe path",
        ),
        explanation=(
            "If a file name from a user is joined onto a base folder, a name like "
            "`../../etc/passwd` (or an absolute path) escapes that folder. Resolve the final "
            "path and check it is still inside the base directory before using it, or map "
            "user input to an allow-list of known files instead of using it as a path."
        ),
        hints=(
            "What path do you get if the user sends `../../secret.txt`?",
            "What does `os.path.join` do when its second argument is absolute?",
            "Could you look the file up by ID instead of by user-supplied name?",
        ),
        next_step=(
            "Write a test that requests `../` in the file name and assert that your code "
            "refuses it."
        ),
        reading=("OWASP: Path Traversal", "Python docs: pathlib.Path.resolve, is_relative_to"),
        example=(
            "target = (BASE_DIR / name).resolve()\n"
            "if not target.is_relative_to(BASE_DIR.resolve()):\n"
            "    raise PermissionError('path escapes the base directory')"
        ),
    ),
    Topic(
        id="security.ssrf",
        title="Server-side request forgery (SSRF)",
        keywords=(
            "ssrf",
            "server side request forgery",
            "metadata endpoint",
            "internal ip",
            "fetch user url",
            "webhook url",
            "url from user",
        ),
        explanation=(
            "SSRF happens when your server fetches a URL chosen by a user: they can point it "
            "at internal services (`localhost`, cloud metadata endpoints, private networks) "
            "that are not reachable from outside. Allow-list destinations where you can; "
            "otherwise resolve the host, reject private and link-local addresses, disable "
            "redirects (or re-check each hop), and set short timeouts."
        ),
        hints=(
            "Which machines can your server reach that the user cannot?",
            "What happens if the user's URL redirects to your own machine (`127.0.0.1`)?",
            "Do you need arbitrary URLs, or would an allow-list of hosts do?",
        ),
        next_step=(
            "List every place your server fetches a URL that came from a request and add a "
            "host allow-list check in front of each."
        ),
        reading=("OWASP: Server-Side Request Forgery Prevention Cheat Sheet",),
    ),
    Topic(
        id="security.deserialization",
        title="Unsafe deserialization",
        keywords=(
            "deserialization",
            "deserialize",
            "pickle",
            "unpickle",
            "yaml load",
            "marshal",
            "serialize untrusted",
            "safe_load",
        ),
        explanation=(
            "Formats like pickle (and `yaml.load` with the default loader) can describe "
            "objects whose construction runs code, so loading attacker-controlled bytes "
            "means running attacker-controlled code. For data that crosses a trust boundary "
            "use a data-only format — JSON, or YAML via `yaml.safe_load` — and validate it."
        ),
        hints=(
            "Where do these bytes come from, and could anyone else have written them?",
            "Does this format only describe data, or can it describe objects to construct?",
            "What schema should the loaded data satisfy before you use it?",
        ),
        next_step=(
            "Replace one `pickle` or `yaml.load` on external data with JSON or "
            "`yaml.safe_load`, and validate the result."
        ),
        reading=(
            "Python docs: pickle (the warning at the top)",
            "OWASP: Deserialization Cheat Sheet",
        ),
        example="config = yaml.safe_load(stream)  # data only: no arbitrary objects",
    ),
    Topic(
        id="security.code-injection",
        title="Code injection (eval and friends)",
        keywords=(
            "eval",
            "exec",
            "code injection",
            "dynamic code",
            "literal_eval",
            "new function",
            "run code from string",
        ),
        explanation=(
            "`eval`/`exec` (and JavaScript's `eval`/`new Function`) run a string as code with "
            "your program's full permissions, so anyone who influences that string controls "
            "your program. To parse data use a parser (`json.loads`, `ast.literal_eval`, "
            "`JSON.parse`); to choose behaviour by name use a dict of allowed functions."
        ),
        hints=(
            "Could any part of this string ever come from a user, a file or the network?",
            "Are you evaluating data, or choosing which function to run?",
            "Which parser already understands the format you are reading?",
        ),
        next_step=(
            "Replace the `eval` with a parser or a lookup table, and add a test with a "
            "malicious-looking input to show it is treated as data."
        ),
        reading=("Python docs: ast.literal_eval", "OWASP: Code Injection"),
        example=(
            "handlers = {'start': start_job, 'stop': stop_job}\n"
            "handler = handlers.get(command)\n"
            "if handler is None:\n"
            "    raise ValueError(f'unknown command: {command!r}')"
        ),
    ),
    Topic(
        id="security.command-injection",
        title="OS command injection",
        keywords=(
            "command injection",
            "shell injection",
            "subprocess",
            "os.system",
            "shell true",
            "shell=true",
            "popen",
            "run command",
        ),
        explanation=(
            "When a command string goes through a shell (`shell=True`, `os.system`), "
            "characters such as `;`, `|` or `$(...)` inside a value start extra commands. "
            "Pass the program and its arguments as a list (`subprocess.run([...])`) so no "
            "shell is involved, and validate arguments that could look like options."
        ),
        hints=(
            "What would happen if a file name contained `; rm -rf ~`?",
            "Does this command need any shell feature (pipes, globbing), or just one program?",
            "Which parts of the command come from outside your program?",
        ),
        next_step=(
            "Rewrite one shell command as an argument list for `subprocess.run` with "
            "`check=True`, and test it with a file name containing spaces and a semicolon."
        ),
        reading=(
            "Python docs: subprocess — Security Considerations",
            "OWASP: OS Command Injection",
        ),
        example="subprocess.run(['convert', source, '-resize', '50%', target], check=True)",
    ),
    # --- Code quality ----------------------------------------------------------------------
    Topic(
        id="quality.complexity",
        title="Complexity and refactoring",
        keywords=(
            "complexity",
            "cyclomatic",
            "refactor",
            "refactoring",
            "nested",
            "nesting",
            "long function",
            "simplify",
            "guard clause",
            "early return",
            "spaghetti",
            "too many if",
            "clean up",
        ),
        explanation=(
            "Code gets hard to change when one function has many paths (branches, loops, "
            "exception handlers) or deep nesting. Refactor in small safe steps with tests: "
            "return early to flatten nesting, extract well-named helpers for each step, and "
            "replace long `if/elif` chains over a value with a lookup table or polymorphism."
        ),
        hints=(
            "Can you describe what this function does in one sentence without 'and'?",
            "Which condition could be checked first, with an early return?",
            "Which block would make a good helper function, and what would you name it?",
        ),
        next_step=(
            "Make sure the function has tests, then extract its innermost block into a "
            "helper and turn its outer `if` into a guard clause. Re-run the tests after each step."
        ),
        reading=(
            "Refactoring (Martin Fowler): Extract Function",
            "radon docs: cyclomatic complexity",
        ),
        example=(
            "def ship(order):\n"
            "    if not order.paid:\n"
            "        return 'awaiting payment'\n"
            "    if not order.items:\n"
            "        return 'nothing to ship'\n"
            "    return dispatch(order)"
        ),
    ),
    Topic(
        id="quality.naming",
        title="Naming things",
        keywords=(
            "naming",
            "variable name",
            "function name",
            "name variables",
            "naming convention",
            "snake case",
            "camel case",
            "descriptive name",
        ),
        explanation=(
            "A good name says what something is or does in the language of the problem: "
            "`unpaid_invoices` beats `data2`, `send_reminder()` beats `process()`. Functions "
            "are verbs, booleans read as questions (`is_active`), and a name's length should "
            "grow with its scope. If naming is hard, the thing may be doing too much."
        ),
        hints=(
            "Could a teammate guess what this variable holds without reading its assignment?",
            "Does the function's name still describe everything it does?",
            "Which names use technical words where the problem has its own word?",
        ),
        next_step="Rename the three vaguest names in your file and see if the code reads better.",
        reading=("PEP 8 — Naming Conventions", "Clean Code (Robert C. Martin): Meaningful Names"),
    ),
    Topic(
        id="quality.readability",
        title="Readability, formatting and linters",
        keywords=(
            "readability",
            "readable",
            "line length",
            "long line",
            "formatter",
            "format code",
            "linter",
            "lint",
            "todo",
            "fixme",
            "style guide",
            "pep 8",
            "pep8",
            "code style",
            "prettier",
            "black",
            "ruff",
        ),
        explanation=(
            "Let tools settle style so reviews can focus on behaviour: a formatter (ruff "
            "format, Black, Prettier) fixes layout and line length, and a linter (ruff, "
            "ESLint) catches likely bugs. Keep TODOs few and tracked as issues — a TODO in a "
            "comment is easy to forget."
        ),
        hints=(
            "Would a reader need to scroll sideways to read this line?",
            "Which of these TODOs describes a bug that could bite a user?",
            "Is your formatter run automatically (editor, pre-commit, CI)?",
        ),
        next_step="Run a formatter and a linter over your project; commit the result on its own.",
        reading=("PEP 8", "ruff docs: The Ruff Formatter"),
    ),
    Topic(
        id="quality.dry",
        title="DRY: don't repeat yourself",
        keywords=(
            "dry",
            "duplicate",
            "duplication",
            "duplicated code",
            "copy paste",
            "repeat myself",
            "repeated code",
        ),
        explanation=(
            "DRY is about knowledge, not text: each rule or fact should live in one place, so "
            "a change is made once. Extract duplication when the copies change for the same "
            "reason; two snippets that merely look alike but evolve separately are often "
            "better left apart (the 'rule of three' is a good guide)."
        ),
        hints=(
            "If this rule changed, how many places would you have to edit?",
            "Do these copies change for the same reason, or only look alike today?",
            "What name would you give the shared piece?",
        ),
        next_step=(
            "Find a rule that appears in two or more places and move it into one named "
            "function or constant."
        ),
        reading=("The Pragmatic Programmer: DRY", "Refactoring: Extract Function"),
    ),
    Topic(
        id="quality.solid",
        title="SOLID principles",
        keywords=(
            "solid",
            "single responsibility",
            "open closed",
            "liskov",
            "interface segregation",
            "dependency inversion",
            "dependency injection",
        ),
        explanation=(
            "SOLID is five design guidelines: a class should have one reason to change "
            "(Single responsibility); extend behaviour without editing working code "
            "(Open/closed); subtypes must honour their parent's contract (Liskov); keep "
            "interfaces small (Interface segregation); depend on abstractions passed in, "
            "not concrete details created inside (Dependency inversion)."
        ),
        hints=(
            "How many different reasons could this class have to change?",
            "Could you swap the database or the clock here without editing this code?",
            "Does every subclass really support everything its parent promises?",
        ),
        next_step=(
            "Pick one class, list its responsibilities, and move the one that changes most "
            "often into a collaborator passed in through the constructor."
        ),
        reading=("Agile Software Development (Robert C. Martin): SOLID",),
    ),
    # --- Design patterns --------------------------------------------------------------------
    Topic(
        id="patterns.strategy",
        title="Strategy pattern",
        keywords=("strategy", "strategy pattern", "swap algorithm", "interchangeable algorithm"),
        explanation=(
            "The strategy pattern puts each variant of an algorithm behind the same "
            "interface and lets the caller choose one at run time. In Python a strategy is "
            "often just a function passed as an argument or looked up in a dict; reach for "
            "classes only when the strategies carry state or several methods."
        ),
        hints=(
            "Which `if/elif` chain picks between variants of the same behaviour?",
            "What signature would all the variants share?",
            "Could the caller pass the behaviour in instead of a flag?",
        ),
        next_step=(
            "Replace one `if kind == ...` chain with a dict from kind to function and "
            "add a test per strategy."
        ),
        reading=("Design Patterns (Gamma et al.): Strategy", "Refactoring Guru: Strategy"),
        example=(
            "PRICING = {'standard': standard_price, 'student': student_price}\n"
            "price = PRICING[customer.plan](basket)"
        ),
    ),
    Topic(
        id="patterns.factory",
        title="Factory pattern",
        keywords=(
            "factory",
            "factory pattern",
            "factory method",
            "abstract factory",
            "create object",
        ),
        explanation=(
            "A factory is a function or method whose job is to decide which object to build "
            "and how, so callers ask for 'a parser for this file' without knowing the "
            "concrete class. In Python, a classmethod like `Config.from_file()` or a plain "
            "function returning one of several classes is usually all you need."
        ),
        hints=(
            "How many places know which concrete class to construct?",
            "What information decides which class is built?",
            "Would a `from_...` classmethod make construction clearer?",
        ),
        next_step=(
            "Move the construction logic that appears in several callers into one factory "
            "function and test it per input."
        ),
        reading=(
            "Design Patterns (Gamma et al.): Factory Method",
            "Refactoring Guru: Factory Method",
        ),
    ),
    Topic(
        id="patterns.observer",
        title="Observer pattern (publish/subscribe)",
        keywords=(
            "observer",
            "observer pattern",
            "subscribe",
            "publish subscribe",
            "pub sub",
            "event listener",
            "event emitter",
            "signal",
        ),
        explanation=(
            "In the observer pattern, a subject keeps a list of listeners and notifies them "
            "when something happens, so it does not need to know who reacts. It decouples "
            "senders from receivers, but makes flow harder to follow: keep events few and "
            "named after facts (`order_paid`), and make unsubscribing possible."
        ),
        hints=(
            "Which parts of the code need to react when this happens?",
            "Should the sender know about each of them?",
            "What happens if a listener raises an exception?",
        ),
        next_step=(
            "Implement a tiny event bus with `subscribe(event, handler)` and "
            "`publish(event, payload)`, and test it with two listeners."
        ),
        reading=("Design Patterns (Gamma et al.): Observer", "Refactoring Guru: Observer"),
    ),
    # --- Tools, web and operations ------------------------------------------------------------
    Topic(
        id="git.rebase-vs-merge",
        title="Git: rebase vs merge",
        keywords=(
            "git",
            "rebase",
            "git merge",
            "merge conflict",
            "merge or rebase",
            "squash",
            "cherry pick",
            "force push",
            "git branch",
            "commit history",
        ),
        explanation=(
            "Both bring changes from one branch into another. `merge` records a merge commit "
            "and keeps history exactly as it happened; `rebase` replays your commits on top "
            "of the other branch, giving a linear history but new commit IDs. Rebase your own "
            "unpublished branch to tidy it; never rebase commits others have already pulled "
            "(and use `--force-with-lease` if you must push a rebased branch)."
        ),
        hints=(
            "Has anyone else already based work on these commits?",
            "Do you want history to show what happened, or a clean story of the change?",
            "What does your team's main branch require: merge commits or linear history?",
        ),
        next_step=(
            "In a scratch repo, create two branches with conflicting edits and resolve the "
            "conflict once with `merge` and once with `rebase`; compare `git log --graph`."
        ),
        reading=("Pro Git book: Rebasing", "Git docs: git-merge, git-rebase"),
    ),
    Topic(
        id="web.http-status-codes",
        title="HTTP status codes",
        keywords=(
            "status code",
            "http status",
            "200",
            "201",
            "204",
            "301",
            "400",
            "401",
            "403",
            "404",
            "409",
            "422",
            "429",
            "500",
            "503",
        ),
        explanation=(
            "Status codes tell clients what happened without parsing the body: 2xx success "
            "(201 Created, 204 No Content), 3xx redirect, 4xx the client's fault (400 bad "
            "input, 401 not authenticated, 403 not allowed, 404 not found, 409 conflict, 422 "
            "invalid data, 429 too many requests), 5xx the server's fault. Never return 200 "
            "with an error in the body."
        ),
        hints=(
            "Whose fault is this failure: the client's or the server's?",
            "Is the user unknown (401) or known but not allowed (403)?",
            "What should a client do differently for this code?",
        ),
        next_step=(
            "List your API's error cases and map each one to a status code and a short, "
            "consistent error body."
        ),
        reading=("MDN: HTTP response status codes", "RFC 9110 section 15"),
    ),
    Topic(
        id="web.rest-design",
        title="REST API design",
        keywords=(
            "rest api",
            "restful",
            "rest endpoint",
            "api design",
            "endpoint",
            "http method",
            "put vs patch",
            "idempotent",
            "pagination",
            "api versioning",
        ),
        explanation=(
            "A REST API exposes resources as nouns (`/users/42/orders`) and uses HTTP "
            "methods for actions: GET reads (safe), POST creates, PUT replaces and DELETE "
            "removes (both idempotent), PATCH partially updates. Paginate collections, "
            "return meaningful status codes, and keep error bodies consistent."
        ),
        hints=(
            "Is this URL a noun (a resource) or a verb?",
            "What happens if the client retries this request — is it idempotent?",
            "How will a client fetch the 10,001st item of this collection?",
        ),
        next_step=(
            "Sketch your resources and the method/status code for each operation before "
            "writing the handlers."
        ),
        reading=("RFC 9110: HTTP Semantics", "Microsoft REST API Guidelines"),
    ),
    Topic(
        id="web.timeouts-retries",
        title="Timeouts and retries for network calls",
        keywords=(
            "timeout",
            "retry",
            "retries",
            "backoff",
            "requests.get",
            "requests library",
            "hang",
            "hangs forever",
            "circuit breaker",
            "http client",
        ),
        explanation=(
            "Every network call can hang, so every call needs a timeout — `requests` waits "
            "forever by default. Retry only idempotent requests, with exponential backoff and "
            "jitter and a cap on attempts, and decide what the user sees when all retries "
            "fail."
        ),
        hints=(
            "What does your program do if the server accepts the connection but never answers?",
            "Is this request safe to send twice?",
            "How long is a user willing to wait for this call?",
        ),
        next_step=(
            "Add an explicit timeout to every outgoing HTTP call and write a test with a "
            "server that never responds."
        ),
        reading=(
            "requests docs: Timeouts",
            "AWS Architecture Blog: Exponential Backoff and Jitter",
        ),
        example="response = requests.get(url, timeout=(3.05, 10))  # connect, read seconds",
    ),
    Topic(
        id="performance.caching",
        title="Caching",
        keywords=(
            "cache",
            "caching",
            "lru cache",
            "memoize",
            "memoization",
            "ttl",
            "cache invalidation",
            "redis",
            "functools.cache",
        ),
        explanation=(
            "A cache trades memory and staleness for speed: store results that are expensive "
            "to compute and requested often. Decide up front what the key is, how long an "
            "entry may live (TTL) and what invalidates it. In-process: `functools.lru_cache`; "
            "shared between processes: Redis or similar. Measure before and after."
        ),
        hints=(
            "How often is this result requested, and how often does it change?",
            "What exactly must be part of the cache key for results to be correct?",
            "What happens when the cached value is out of date?",
        ),
        next_step=(
            "Profile the slow path first; if one pure function dominates, wrap it in "
            "`functools.lru_cache(maxsize=...)` and measure again."
        ),
        reading=("Python docs: functools.lru_cache", "Redis docs: caching patterns"),
        example=(
            "@functools.lru_cache(maxsize=1024)\n"
            "def exchange_rate(currency: str) -> Decimal:\n"
            "    return fetch_rate(currency)"
        ),
    ),
    Topic(
        id="performance.profiling",
        title="Profiling and performance",
        keywords=(
            "profile code",
            "profiling",
            "profiler",
            "slow",
            "performance",
            "bottleneck",
            "cprofile",
            "speed up",
            "faster",
            "optimize",
            "optimise",
            "benchmark",
        ),
        explanation=(
            "Measure before optimising: intuition about where time goes is usually wrong. "
            "Use a profiler (`cProfile`, `py-spy`, browser dev tools) on a realistic "
            "workload, fix the biggest hotspot — often an algorithm (nested loops over big "
            "lists) or repeated I/O — and measure again."
        ),
        hints=(
            "Where does the time actually go, according to a profiler?",
            "Is the slow part computing, or waiting on disk, network or the database?",
            "What is the size of the input, and how does the runtime grow with it?",
        ),
        next_step=(
            "Run `python -m cProfile -s cumulative your_script.py` on a realistic input and "
            "look at the top five entries."
        ),
        reading=("Python docs: The Python Profilers", "py-spy README"),
    ),
    Topic(
        id="concurrency.threads-vs-asyncio",
        title="Concurrency: threads, processes and asyncio",
        keywords=(
            "thread",
            "threading",
            "multiprocessing",
            "gil",
            "concurrency",
            "concurrent",
            "parallel",
            "race condition",
            "threads vs asyncio",
            "threads or asyncio",
            "~asyncio",
            "process pool",
            "thread pool",
        ),
        explanation=(
            "For many slow I/O waits (network, disk) use asyncio (if your libraries are "
            "async) or a thread pool; for CPU-heavy work use processes, because in CPython "
            "the GIL lets only one thread run Python code at a time. Shared mutable state "
            "between threads needs a lock — or better, no sharing at all (pass messages)."
        ),
        hints=(
            "Is your program waiting (I/O-bound) or computing (CPU-bound)?",
            "Which data do two threads read and write at the same time?",
            "Do the libraries you call support async, or do they block?",
        ),
        next_step=(
            "Time the same batch of downloads sequentially, with "
            "`ThreadPoolExecutor`, and with `asyncio.gather`, and compare."
        ),
        reading=("Python docs: concurrent.futures", "Python docs: asyncio"),
    ),
    Topic(
        id="observability.logging",
        title="Logging and observability",
        keywords=(
            "logging",
            "logger",
            "observability",
            "metrics",
            "tracing",
            "print debugging",
            "console.log",
            "structured logging",
        ),
        explanation=(
            "Logs are for operators reading them later: use a logger with levels (DEBUG for "
            "detail, INFO for milestones, WARNING/ERROR for problems) instead of `print` or "
            "`console.log`, include context (IDs, not secrets or personal data), and prefer "
            "structured key/value logs. Metrics count things; traces follow one request."
        ),
        hints=(
            "Who will read this message, and what will they need to know?",
            "Could this output leak a password, token or personal data?",
            "How would you turn this output off in production without editing code?",
        ),
        next_step=(
            "Replace your debugging prints with `logger = logging.getLogger(__name__)` and "
            "`logger.debug(...)`, and configure the level in one place."
        ),
        reading=("Python docs: Logging HOWTO", "OpenTelemetry docs: Observability primer"),
        example=(
            "logger = logging.getLogger(__name__)\n"
            "logger.info('order shipped', extra={'order_id': order.id})"
        ),
    ),
    # --- JavaScript / TypeScript ----------------------------------------------------------------
    Topic(
        id="javascript.promises",
        title="Promises and async/await in JavaScript",
        keywords=(
            "promise",
            "then catch",
            "unhandled rejection",
            "unhandledrejection",
            "promise.all",
            "fetch",
            "callback hell",
            "async",
            "await",
        ),
        explanation=(
            "A promise represents a value that arrives later; `await` pauses an `async` "
            "function until it settles. Every chain needs an error path — `.catch()` or "
            "`try/catch` around `await` — or a rejection surfaces as an unhandled error. Run "
            "independent operations together with `Promise.all` instead of awaiting them "
            "one by one."
        ),
        hints=(
            "What happens to this chain if the network request fails?",
            "Which of these awaits depend on each other, and which could run together?",
            "Where is the returned promise awaited or handled?",
        ),
        next_step=(
            "Convert one `.then()` chain to `async/await` with a `try/catch`, and force the "
            "error path by requesting a URL that does not exist."
        ),
        reading=("MDN: Using promises", "MDN: async function"),
        example=(
            "try {\n"
            "  const response = await fetch(url);\n"
            "  const data = await response.json();\n"
            "} catch (error) {\n"
            "  showError('Could not load data');\n"
            "}"
        ),
        languages=_JS,
    ),
    Topic(
        id="javascript.equality",
        title="Strict equality in JavaScript",
        keywords=(
            "===",
            "==",
            "strict equality",
            "loose equality",
            "triple equals",
            "double equals",
            "type coercion",
            "equality",
        ),
        explanation=(
            "`==` converts both sides to a common type before comparing, which gives "
            "surprises like `0 == ''` and `'1' == 1` being true. `===` compares without "
            "conversion, so use `===` and `!==` everywhere (a common, deliberate exception "
            "is `x == null` to test for both `null` and `undefined`)."
        ),
        hints=(
            "What is `0 == ''` in JavaScript — and `0 === ''`?",
            "Which types can this variable hold at run time?",
            "Is this comparison meant to accept both a number and a string?",
        ),
        next_step="Enable ESLint's `eqeqeq` rule and fix what it reports.",
        reading=("MDN: Equality comparisons and sameness", "ESLint docs: eqeqeq"),
        languages=_JS,
    ),
    Topic(
        id="javascript.variables",
        title="var, let and const",
        keywords=(
            "var",
            "const",
            "let vs var",
            "let and const",
            "let or const",
            "hoisting",
            "block scope",
            "temporal dead zone",
        ),
        explanation=(
            "`var` is function-scoped and hoisted, so a variable declared in a loop or block "
            "leaks out of it (the classic 'all my callbacks see the last value' bug). Use "
            "`const` by default and `let` when the variable is reassigned; both are block-"
            "scoped."
        ),
        hints=(
            "Is this variable used outside the block it is declared in?",
            "Is it ever reassigned after its declaration?",
            "What value does a callback created in this loop see when it runs later?",
        ),
        next_step="Enable ESLint's `no-var` and `prefer-const` rules and fix what they report.",
        reading=("MDN: let", "MDN: const", "MDN: var (hoisting)"),
        languages=_JS,
    ),
    Topic(
        id="javascript.common-errors",
        title="Reading common JavaScript errors",
        keywords=(
            "undefined",
            "cannot read properties",
            "cannot read property",
            "is not a function",
            "is not defined",
            "referenceerror",
            "syntaxerror unexpected token",
            "nan",
        ),
        explanation=(
            "`Cannot read properties of undefined (reading 'x')` means the object *before* "
            "`.x` is undefined — find where it should have been set (often data that has not "
            "loaded yet, a misspelled property, or a missing `return`). `is not a function` "
            "usually means a wrong import or a value shadowing a function. Optional chaining "
            "(`a?.b`) hides the symptom; fix the cause."
        ),
        hints=(
            "Which variable is undefined on the failing line — the one before the dot?",
            "Is the data you read available yet, or still loading?",
            "Does the function that should produce this value actually return it?",
        ),
        next_step=(
            "Set a breakpoint on the failing line in your browser's dev tools and inspect "
            "each variable in the expression."
        ),
        reading=("MDN: JavaScript error reference",),
        languages=_JS,
    ),
    Topic(
        id="typescript.types",
        title="TypeScript types",
        keywords=(
            "typescript",
            "interface",
            "any type",
            "type any",
            "unknown type",
            "type guard",
            "narrowing",
            "union type",
            "generic",
            "strict mode",
            "type assertion",
        ),
        explanation=(
            "TypeScript's checks are only as good as the types you give it. `any` switches "
            "checking off for that value (and everything it touches); prefer precise types, "
            "or `unknown` plus narrowing (`typeof`, `in`, type guards) for data whose shape "
            "you must verify at run time. Turn on `strict` in tsconfig."
        ),
        hints=(
            "What does the compiler check about a value typed `any`?",
            "Where does this data come from, and who guarantees its shape?",
            "Could a union type describe the allowed values exactly?",
        ),
        next_step=(
            "Enable `strict` and `noImplicitAny`, then replace one `any` with `unknown` and "
            "add the narrowing the compiler asks for."
        ),
        reading=("TypeScript Handbook: Narrowing", "TypeScript Handbook: Everyday Types"),
        example=(
            "function isUser(value: unknown): value is User {\n"
            "  return typeof value === 'object' && value !== null && 'id' in value;\n"
            "}"
        ),
        languages=("typescript",),
    ),
    # --- Databases ----------------------------------------------------------------------------
    Topic(
        id="sql.joins",
        title="SQL joins",
        keywords=(
            "sql join",
            "table join",
            "inner join",
            "left join",
            "right join",
            "outer join",
            "foreign key",
            "cross join",
        ),
        explanation=(
            "A join combines rows from two tables on a condition: INNER JOIN keeps only "
            "matching pairs, LEFT JOIN keeps every row from the left table (with NULLs when "
            "nothing matches). Always join on the key that relates the rows, and watch for "
            "duplicated rows when the relationship is one-to-many."
        ),
        hints=(
            "Should rows without a match appear in the result?",
            "Which column relates these two tables?",
            "Why might a row appear more than once after this join?",
        ),
        next_step=(
            "Write the same query with INNER and LEFT JOIN against a table with missing "
            "matches and compare the row counts."
        ),
        reading=("PostgreSQL docs: Joins Between Tables", "SQLite docs: SELECT"),
    ),
    Topic(
        id="sql.indexes",
        title="SQL indexes and query plans",
        keywords=(
            "index",
            "indexes",
            "indices",
            "slow query",
            "explain plan",
            "query plan",
            "explain analyze",
            "b tree",
            "composite index",
            "full table scan",
        ),
        explanation=(
            "An index lets the database find rows without scanning the whole table, at the "
            "cost of slower writes and extra storage. Index columns you filter, join or sort "
            "on; in a composite index, column order matters (equality columns first). Check "
            "with `EXPLAIN` (or `EXPLAIN ANALYZE`) that your query actually uses it."
        ),
        hints=(
            "Which columns does this query filter or join on?",
            "What does `EXPLAIN` say — index scan or sequential scan?",
            "How selective is the condition: does it match a few rows or most of them?",
        ),
        next_step=(
            "Run `EXPLAIN ANALYZE` on your slowest query, add an index on the filtered "
            "column, and run it again."
        ),
        reading=("PostgreSQL docs: Indexes", "Use The Index, Luke (Markus Winand)"),
    ),
    Topic(
        id="sql.safe-queries",
        title="Writing safe SQL statements",
        keywords=(
            "select *",
            "select star",
            "where clause",
            "delete without where",
            "update without where",
            "transaction",
            "rollback",
            "delete all rows",
        ),
        explanation=(
            "Name the columns you need instead of `SELECT *`, so queries stay fast and do "
            "not break when a column is added. Every UPDATE and DELETE needs a WHERE clause "
            "unless you truly mean all rows; run destructive statements inside a transaction "
            "and check the affected row count before committing."
        ),
        hints=(
            "Which rows will this statement touch if the WHERE clause is missing?",
            "Which columns does the caller actually use?",
            "How would you undo this statement if it did the wrong thing?",
        ),
        next_step=(
            "Run your UPDATE/DELETE inside `BEGIN; ... ROLLBACK;` first and check how many "
            "rows it reports."
        ),
        reading=("PostgreSQL docs: Transactions", "SQLite docs: DELETE"),
        example=(
            "BEGIN;\n"
            "DELETE FROM sessions WHERE expires_at < now();\n"
            "-- check the row count, then COMMIT (or ROLLBACK)"
        ),
        languages=_SQL,
    ),
    Topic(
        id="orm.n-plus-one",
        title="N+1 queries in ORMs",
        keywords=(
            "n+1",
            "n plus 1",
            "n plus one",
            "orm",
            "select_related",
            "prefetch_related",
            "joinedload",
            "selectinload",
            "eager load",
            "lazy load",
            "too many queries",
        ),
        explanation=(
            "The N+1 problem: one query loads N rows, then touching a relationship on each "
            "row fires one more query per row — N+1 round trips instead of one or two. Load "
            "relationships eagerly when you know you will need them (`select_related`/"
            "`prefetch_related` in Django, `selectinload`/`joinedload` in SQLAlchemy) and "
            "watch the query count in tests."
        ),
        hints=(
            "How many queries run when this loop touches a related object?",
            "Which relationships does this page always need?",
            "How could a test fail when the query count grows?",
        ),
        next_step=(
            "Turn on SQL logging, load a page with a list, count the queries, then add "
            "eager loading and count again."
        ),
        reading=(
            "Django docs: select_related and prefetch_related",
            "SQLAlchemy docs: Relationship Loading Techniques",
        ),
    ),
    Topic(
        id="practice.debugging",
        title="Debugging systematically",
        keywords=(
            "debug",
            "debugging",
            "debugger",
            "traceback",
            "stack trace",
            "breakpoint",
            "pdb",
            "syntax error",
            "syntaxerror",
            "reproduce",
            "not working",
            "doesn't work",
        ),
        explanation=(
            "Debug like a scientist: reproduce the problem reliably, read the full error "
            "message and the line it points to, form one hypothesis, and test it (a "
            "breakpoint or a targeted log line) before changing code. Shrink the failing "
            "input until the cause is obvious, then write a test that fails before the fix."
        ),
        hints=(
            "What exactly did you expect, and what happened instead?",
            "What is the smallest input that still shows the problem?",
            "Which line does the error point to, and what are the values there?",
        ),
        next_step=(
            "Put `breakpoint()` just before the failing line, run the code, and inspect "
            "every variable that line uses."
        ),
        reading=("Python docs: pdb", "Julia Evans: The Pocket Guide to Debugging"),
    ),
)

TOPICS: Mapping[str, Topic] = MappingProxyType({topic.id: topic for topic in _ALL})
