"""The analyzer's on-disk cache: per-file results by content, whole reports by tree.

One SQLite file (the standard library's driver; the analyzer core has no other storage):

* ``files``: a file's result (JSON, zlib-compressed) under its *blob key*: the content's git
  blob hash, its language, whether it is a test, and the engine revision. Unchanged files
  are never analysed twice, in this repository or any other.
* ``reports``: a whole report under its *tree key*: a digest of every analysed path with its
  blob key, plus the options. An unchanged tree (the same commit, or a folder whose files
  did not change) is answered from here without rebuilding anything.
* ``remotes``: (redacted URL, commit) -> tree key, so a URL whose HEAD has not moved is
  answered without cloning it.

Values are data we wrote ourselves and are parsed as JSON, never unpickled. Entries unused
for :data:`MAX_AGE_DAYS` days are pruned.
"""

from __future__ import annotations

import sqlite3
import time
import zlib
from collections.abc import Iterable, Mapping
from pathlib import Path

MAX_AGE_DAYS = 30

_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    key TEXT PRIMARY KEY, value BLOB NOT NULL, used INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS reports (
    key TEXT PRIMARY KEY, value BLOB NOT NULL, used INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS remotes (
    url TEXT NOT NULL, ref TEXT NOT NULL, revision TEXT NOT NULL, commit_sha TEXT NOT NULL,
    report_key TEXT NOT NULL, used INTEGER NOT NULL, PRIMARY KEY (url, ref, revision)
);
"""


class AnalysisCache:
    """Open with a path (created if missing); use as a context manager."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, timeout=30, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        self._now = int(time.time())

    def __enter__(self) -> AnalysisCache:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # Files -----------------------------------------------------------------------------

    def get_files(self, keys: Iterable[str]) -> dict[str, bytes]:
        wanted = list(dict.fromkeys(keys))
        found: dict[str, bytes] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT key, value FROM files WHERE key IN ({marks})",  # noqa: S608 - marks only
                chunk,
            ).fetchall()
            for key, value in rows:
                found[key] = zlib.decompress(value)
        if found:
            self._touch("files", found)
        return found

    def put_files(self, values: Mapping[str, bytes]) -> None:
        if not values:
            return
        rows = [(key, zlib.compress(value, 1), self._now) for key, value in values.items()]
        with self._transaction():
            self._db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?)", rows)

    # Reports ---------------------------------------------------------------------------

    def get_report(self, key: str) -> bytes | None:
        row = self._db.execute("SELECT value FROM reports WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        self._touch("reports", [key])
        return zlib.decompress(row[0])

    def put_report(self, key: str, value: bytes) -> None:
        with self._transaction():
            self._db.execute(
                "INSERT OR REPLACE INTO reports VALUES (?, ?, ?)",
                (key, zlib.compress(value, 6), self._now),
            )

    def get_remote(self, url: str, ref: str, revision: str) -> tuple[str, str] | None:
        """(commit, report key) last seen for ``url``'s ``ref`` under ``revision``."""
        row = self._db.execute(
            "SELECT commit_sha, report_key FROM remotes WHERE url = ? AND ref = ? AND revision = ?",
            (url, ref, revision),
        ).fetchone()
        return (row[0], row[1]) if row else None

    def put_remote(self, url: str, ref: str, revision: str, commit: str, report_key: str) -> None:
        with self._transaction():
            self._db.execute(
                "INSERT OR REPLACE INTO remotes VALUES (?, ?, ?, ?, ?, ?)",
                (url, ref, revision, commit, report_key, self._now),
            )

    # Housekeeping ----------------------------------------------------------------------

    def prune(self, max_age_days: int = MAX_AGE_DAYS) -> None:
        cutoff = self._now - max_age_days * 86400
        with self._transaction():
            for table in ("files", "reports", "remotes"):
                self._db.execute(f"DELETE FROM {table} WHERE used < ?", (cutoff,))  # noqa: S608

    def close(self) -> None:
        self._db.close()

    def _touch(self, table: str, keys: Iterable[str]) -> None:
        # Only rows not already touched today are rewritten: reads stay reads.
        day_ago = self._now - 86400
        rows = [(self._now, key, day_ago) for key in keys]
        with self._transaction():
            self._db.executemany(
                f"UPDATE {table} SET used = ? WHERE key = ? AND used < ?",  # noqa: S608
                rows,
            )

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *_rest: object) -> None:
        self._db.execute("ROLLBACK" if exc_type else "COMMIT")
