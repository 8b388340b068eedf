"""Topics on databases and SQL (plus, last in the table, debugging practice)."""

from __future__ import annotations

from devmentor.ai.offline.topics.base import _SQL, Topic

SQL_TOPICS: tuple[Topic, ...] = (
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
