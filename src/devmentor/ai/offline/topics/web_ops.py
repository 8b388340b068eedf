"""Topics on tools, the web and operations."""

from __future__ import annotations

from devmentor.ai.offline.topics.base import Topic

WEB_OPS_TOPICS: tuple[Topic, ...] = (
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
)
