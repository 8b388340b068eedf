"""Which language a file is in, from its name alone (content is never executed or sniffed
beyond a binary check), and which tools can read that language."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from types import MappingProxyType

from devmentor.analyzer.model import LanguageKind


@dataclass(frozen=True, slots=True)
class Language:
    name: str
    kind: LanguageKind
    #: lizard reads it (functions, complexity, code lines).
    lizard: bool = False
    #: Line comment markers, for counting comment lines where lizard does not.
    comments: tuple[str, ...] = ()


def _lang(
    name: str,
    kind: LanguageKind = "programming",
    *,
    lizard: bool = False,
    comments: tuple[str, ...] = (),
) -> Language:
    return Language(name, kind, lizard, comments)


_C = ("//",)
_HASH = ("#",)

_BY_EXTENSION: dict[str, Language] = {}
_BY_NAME: dict[str, Language] = {}


def _add(language: Language, extensions: str = "", names: str = "") -> None:
    for extension in extensions.split():
        _BY_EXTENSION[extension] = language
    for name in names.split():
        _BY_NAME[name] = language


_add(_lang("Python", lizard=True, comments=_HASH), ".py .pyi .pyw")
_add(_lang("JavaScript", lizard=True, comments=_C), ".js .mjs .cjs .jsx")
_add(_lang("TypeScript", lizard=True, comments=_C), ".ts .mts .cts")
_add(_lang("TSX", lizard=True, comments=_C), ".tsx")
_add(_lang("Go", lizard=True, comments=_C), ".go")
_add(_lang("Java", lizard=True, comments=_C), ".java")
_add(_lang("Kotlin", lizard=True, comments=_C), ".kt .kts")
_add(_lang("Scala", lizard=True, comments=_C), ".scala .sc")
_add(_lang("C", lizard=True, comments=_C), ".c .h")
_add(_lang("C++", lizard=True, comments=_C), ".cc .cpp .cxx .hpp .hh .hxx")
_add(_lang("C#", lizard=True, comments=_C), ".cs")
_add(_lang("Objective-C", lizard=True, comments=_C), ".m .mm")
_add(_lang("Swift", lizard=True, comments=_C), ".swift")
_add(_lang("Rust", lizard=True, comments=_C), ".rs")
_add(_lang("Ruby", lizard=True, comments=_HASH), ".rb .rake", "Rakefile Gemfile")
_add(_lang("PHP", lizard=True, comments=("//", "#")), ".php")
_add(_lang("Lua", lizard=True, comments=("--",)), ".lua")
_add(_lang("Perl", lizard=True, comments=_HASH), ".pl .pm")
_add(_lang("R", lizard=True, comments=_HASH), ".r .R")
_add(_lang("Erlang", lizard=True, comments=("%",)), ".erl .hrl")
_add(_lang("Fortran", lizard=True, comments=("!",)), ".f90 .f95 .f03 .f08 .f .for")
_add(_lang("Solidity", lizard=True, comments=_C), ".sol")
_add(_lang("Zig", lizard=True, comments=_C), ".zig")
_add(_lang("GDScript", lizard=True, comments=_HASH), ".gd")
_add(_lang("Vue", lizard=True, comments=_C), ".vue")
_add(_lang("PL/SQL", lizard=True, comments=("--",)), ".pks .pkb .plsql")
_add(_lang("Shell", comments=_HASH), ".sh .bash .zsh")
_add(_lang("SQL", comments=("--",)), ".sql")
_add(_lang("Dockerfile", "data", comments=_HASH), ".dockerfile", "Dockerfile Containerfile")
_add(_lang("Makefile", "data", comments=_HASH), ".mk", "Makefile GNUmakefile")
_add(_lang("HTML", "markup"), ".html .htm")
_add(_lang("Jinja", "markup"), ".j2 .jinja .jinja2")
_add(_lang("CSS", "markup"), ".css .scss .sass .less")
_add(_lang("YAML", "data", comments=_HASH), ".yaml .yml")
_add(_lang("JSON", "data"), ".json")
_add(_lang("TOML", "data", comments=_HASH), ".toml")
_add(_lang("INI", "data", comments=("#", ";")), ".ini .cfg .conf .properties .env")
_add(_lang("XML", "data"), ".xml")
_add(_lang("Markdown", "prose"), ".md .markdown")
_add(_lang("reStructuredText", "prose"), ".rst")
_add(_lang("Text", "prose"), ".txt")

EXTENSIONS: Mapping[str, Language] = MappingProxyType(_BY_EXTENSION)
FILENAMES: Mapping[str, Language] = MappingProxyType(_BY_NAME)
#: Every language by its name.
BY_NAME: Mapping[str, Language] = MappingProxyType(
    {language.name: language for language in (*_BY_EXTENSION.values(), *_BY_NAME.values())}
)
#: Language name -> the group that manifests, imports and curriculum skills use
#: (``python``, ``javascript``, ``go``, ``java``); other languages have none.
GROUPS: Mapping[str, str] = MappingProxyType(
    {
        "Python": "python",
        "JavaScript": "javascript",
        "TypeScript": "javascript",
        "TSX": "javascript",
        "Vue": "javascript",
        "Go": "go",
        "Java": "java",
    }
)

#: ``.env.local``, ``.env.production``: configuration that often holds secrets.
_DOTENV = re.compile(r"^\.env(\..+)?$")
_ENV = _BY_EXTENSION[".env"]


def detect(path: str) -> Language | None:
    """The language of the file at ``path`` (a repository-relative POSIX path), or None."""
    name = PurePosixPath(path).name
    by_name = _BY_NAME.get(name)
    if by_name is not None:
        return by_name
    if _DOTENV.match(name):
        return _ENV
    suffix = PurePosixPath(name).suffix
    return _BY_EXTENSION.get(suffix) or _BY_EXTENSION.get(suffix.lower())
