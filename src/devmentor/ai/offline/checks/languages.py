"""Language names and the text signals that tell languages apart."""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

_LANGUAGE_ALIASES: Mapping[str, str] = MappingProxyType(
    {
        "py": "python",
        "python3": "python",
        "py3": "python",
        "js": "javascript",
        "node": "javascript",
        "nodejs": "javascript",
        "jsx": "javascript",
        "mjs": "javascript",
        "cjs": "javascript",
        "ecmascript": "javascript",
        "ts": "typescript",
        "tsx": "typescript",
        "postgres": "sql",
        "postgresql": "sql",
        "psql": "sql",
        "plpgsql": "sql",
        "mysql": "sql",
        "sqlite": "sql",
        "tsql": "sql",
        "golang": "go",
        "rs": "rust",
        "c++": "cpp",
        "cs": "csharp",
        "c#": "csharp",
        "rb": "ruby",
        "sh": "shell",
        "bash": "shell",
    }
)
_LANGUAGE_NAME = re.compile(r"[a-z][a-z0-9+#._-]{0,19}")


def normalize_language(name: str | None) -> str | None:
    """A canonical lowercase language id (``"py"`` -> ``"python"``), or None if unusable."""
    if not name:
        return None
    key = name.strip().lower()
    key = _LANGUAGE_ALIASES.get(key, key)
    return key if _LANGUAGE_NAME.fullmatch(key) else None


_M = re.MULTILINE
_SIGNALS: Mapping[str, tuple[tuple[re.Pattern[str], int], ...]] = MappingProxyType(
    {
        "python": (
            (re.compile(r"^[ \t]*(?:async\s+)?def\s+\w+\s*\(", _M), 2),
            (
                re.compile(
                    r"^[ \t]*(?:from\s+[\w.]+\s+)?import\s+\w[\w.]*(?:\s+as\s+\w+)?[ \t]*$", _M
                ),
                2,
            ),
            (re.compile(r"^[ \t]*class\s+\w+\s*(?:\([^)\n]*\))?\s*:", _M), 2),
            (
                re.compile(
                    r"^[ \t]*(?:elif|except|try|finally|with|for|while|if|else)\b"
                    r"[^{};\n]*:[ \t]*(?:#.*)?$",
                    _M,
                ),
                1,
            ),
            (re.compile(r"\bself\.\w"), 1),
            (re.compile(r"\b(?:None|True|False)\b"), 1),
            (re.compile(r"\bprint\("), 1),
            (re.compile(r"__name__|__init__"), 2),
        ),
        "javascript": (
            (re.compile(r"\b(?:const|let)\s+[\w${\[]"), 2),
            (re.compile(r"=>"), 1),
            (re.compile(r"\bfunction\b\s*\w*\s*\("), 2),
            (re.compile(r"\bconsole\.\w+\("), 2),
            (re.compile(r"===|!=="), 1),
            (re.compile(r"\brequire\(\s*['\"]"), 2),
            (re.compile(r"^[ \t]*import\s.*\sfrom\s+['\"]", _M), 2),
            (re.compile(r"^[ \t]*export\s", _M), 2),
            (re.compile(r"\b(?:document|window)\.\w"), 2),
            (re.compile(r"\b(?:undefined|null)\b"), 1),
            (re.compile(r";[ \t]*$", _M), 1),
        ),
        "typescript": (
            (re.compile(r"^[ \t]*(?:export\s+)?interface\s+\w+", _M), 3),
            (re.compile(r"[\w)?]\s*:\s*(?:string|number|boolean|any|unknown|void|never)\b"), 2),
            (re.compile(r"^[ \t]*(?:export\s+)?type\s+\w+(?:<[^>\n]*>)?\s*=", _M), 3),
            (re.compile(r"\bimplements\s+\w"), 2),
            (re.compile(r"\bas\s+(?:const|any|unknown|string|number)\b"), 2),
            (re.compile(r"^[ \t]*(?:export\s+)?enum\s+\w+\s*\{", _M), 3),
            (re.compile(r"\b(?:readonly|private|public|protected)\s+\w+\s*[:(]"), 1),
        ),
        "sql": (
            (
                re.compile(
                    r"^[ \t]*(?:SELECT\b|INSERT\s+INTO\b|UPDATE\s+\S+\s+SET\b|DELETE\s+FROM\b"
                    r"|CREATE\s+(?:OR\s+REPLACE\s+)?(?:TABLE|INDEX|VIEW|FUNCTION|UNIQUE)\b"
                    r"|ALTER\s+TABLE\b|DROP\s+(?:TABLE|INDEX|VIEW)\b|WITH\s+\w+\s+AS\s*\()",
                    _M | re.IGNORECASE,
                ),
                3,
            ),
            (re.compile(r"\bFROM\s+[\w.\"]+", re.IGNORECASE), 1),
            (
                re.compile(
                    r"^[ \t]*(?:WHERE|GROUP\s+BY|ORDER\s+BY|HAVING|LIMIT)\b", _M | re.IGNORECASE
                ),
                2,
            ),
            (re.compile(r"\b(?:INNER|LEFT|RIGHT|FULL)?\s*JOIN\s+\w", re.IGNORECASE), 1),
        ),
        "go": (
            (re.compile(r"^package\s+\w+[ \t]*$", _M), 4),
            (re.compile(r"^func\s+(?:\([^)\n]*\)\s*)?\w+\s*\(", _M), 3),
            (re.compile(r"\w\s*:=\s*"), 1),
            (re.compile(r"\bfmt\.\w+\("), 2),
            (re.compile(r"\bif\s+err\s*!=\s*nil\b"), 3),
        ),
        "rust": (
            (re.compile(r"^[ \t]*(?:pub\s+)?fn\s+\w+\s*(?:<[^>\n]*>)?\(", _M), 3),
            (re.compile(r"\blet\s+mut\b"), 3),
            (re.compile(r"\b(?:println|format|vec)!\s*[(\[]"), 3),
            (re.compile(r"^[ \t]*(?:impl|use)\s+[\w:<>]+", _M), 2),
        ),
        "java": (
            (re.compile(r"\bpublic\s+(?:static\s+)?(?:final\s+)?(?:class|void|int|String)\b"), 3),
            (re.compile(r"\bSystem\.out\.print"), 3),
            (re.compile(r"^[ \t]*import\s+java\.", _M), 4),
            (re.compile(r"^[ \t]*package\s+[\w.]+;", _M), 3),
        ),
    }
)
# Ties go to the earlier language in this order.
_DETECTION_ORDER = ("python", "javascript", "sql", "go", "rust", "java")


def _signal_score(sample: str, language: str) -> int:
    return sum(min(len(p.findall(sample)), 5) * w for p, w in _SIGNALS[language])
