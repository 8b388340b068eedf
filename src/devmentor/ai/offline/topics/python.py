"""Topics on the Python language and on testing."""

from __future__ import annotations

from devmentor.ai.offline.topics.base import _PY, Topic

PYTHON_TOPICS: tuple[Topic, ...] = (
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
)
