"""Frameworks and libraries: from dependency manifests and from the imports in the code.

Manifests are parsed as data (``tomllib``, ``json``, line formats, and simple patterns for
XML and Gradle files, whose full parsers would open the door to entity expansion); none is
executed, so ``setup.py`` is deliberately not read. Known packages get a display name and a
category; other declared dependencies are listed as libraries.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from devmentor.analyzer.languages import GROUPS
from devmentor.analyzer.model import Framework


@dataclass(frozen=True, slots=True)
class _Known:
    name: str
    category: str
    ecosystem: str


def _normalise(ecosystem: str, name: str) -> str:
    name = name.strip().lower()
    if ecosystem == "python":
        return re.sub(r"[-_.]+", "-", name)
    return name


def _table(ecosystem: str, rows: str) -> dict[str, _Known]:
    known: dict[str, _Known] = {}
    for row in rows.strip().splitlines():
        keys, name, category = (part.strip() for part in row.split("|"))
        for key in keys.split():
            known[_normalise(ecosystem, key)] = _Known(name, category, ecosystem)
    return known


#: package (manifest name or import name, lower case) -> what it is. Several keys may name
#: one project (its PyPI name and its import name).
_PYTHON = _table(
    "python",
    """
    django | Django | web framework
    flask | Flask | web framework
    fastapi | FastAPI | web framework
    starlette | Starlette | web framework
    aiohttp | aiohttp | web framework
    tornado | Tornado | web framework
    pyramid | Pyramid | web framework
    sanic | Sanic | web framework
    litestar | Litestar | web framework
    sqlalchemy | SQLAlchemy | ORM
    peewee | peewee | ORM
    tortoise-orm tortoise | Tortoise ORM | ORM
    sqlmodel | SQLModel | ORM
    alembic | Alembic | database migrations
    psycopg psycopg2 psycopg2-binary | psycopg | database driver
    asyncpg | asyncpg | database driver
    pymongo motor | MongoDB driver | database driver
    redis | redis-py | database driver
    pydantic | Pydantic | validation
    marshmallow | marshmallow | validation
    attrs attr | attrs | data classes
    pytest | pytest | testing
    hypothesis | Hypothesis | testing
    unittest | unittest | testing
    mock | mock | testing
    celery | Celery | task queue
    rq | RQ | task queue
    dramatiq | Dramatiq | task queue
    taskiq | Taskiq | task queue
    requests | Requests | HTTP client
    httpx | HTTPX | HTTP client
    urllib3 | urllib3 | HTTP client
    numpy | NumPy | data science
    pandas | pandas | data science
    scipy | SciPy | data science
    polars | Polars | data science
    scikit-learn sklearn | scikit-learn | machine learning
    torch | PyTorch | machine learning
    tensorflow | TensorFlow | machine learning
    jax | JAX | machine learning
    transformers | Transformers | machine learning
    matplotlib | Matplotlib | visualisation
    plotly | Plotly | visualisation
    click | Click | command line
    typer | Typer | command line
    rich | Rich | command line
    jinja2 | Jinja | templates
    structlog | structlog | logging
    loguru | Loguru | logging
    prometheus-client prometheus_client | Prometheus client | metrics
    opentelemetry-api opentelemetry | OpenTelemetry | tracing
    boto3 botocore | AWS SDK | cloud
    graphene | Graphene | GraphQL
    strawberry-graphql strawberry | Strawberry | GraphQL
    grpcio grpc | gRPC | RPC
    pyjwt jwt | PyJWT | authentication
    authlib | Authlib | authentication
    passlib | passlib | authentication
    cryptography | cryptography | security
    pyyaml yaml | PyYAML | serialization
    beautifulsoup4 bs4 | Beautiful Soup | parsing
    scrapy | Scrapy | web scraping
    selenium | Selenium | browser automation
    playwright | Playwright | browser automation
    black | Black | developer tool
    ruff | Ruff | developer tool
    flake8 | Flake8 | developer tool
    pylint | Pylint | developer tool
    mypy | mypy | developer tool
    isort | isort | developer tool
    pre-commit | pre-commit | developer tool
    coverage pytest-cov | coverage.py | developer tool
    tox | tox | developer tool
    nox | nox | developer tool
    """,
)
_JAVASCRIPT = _table(
    "javascript",
    """
    react react-dom | React | UI framework
    vue | Vue | UI framework
    @angular/core | Angular | UI framework
    svelte | Svelte | UI framework
    solid-js | Solid | UI framework
    next | Next.js | web framework
    nuxt | Nuxt | web framework
    @remix-run/react | Remix | web framework
    express | Express | web framework
    koa | Koa | web framework
    fastify | Fastify | web framework
    @nestjs/core | NestJS | web framework
    hono | Hono | web framework
    jest | Jest | testing
    vitest | Vitest | testing
    mocha | Mocha | testing
    @playwright/test | Playwright | testing
    cypress | Cypress | testing
    @testing-library/react | Testing Library | testing
    typescript | TypeScript | language
    webpack | webpack | build tool
    vite | Vite | build tool
    esbuild | esbuild | build tool
    @prisma/client prisma | Prisma | ORM
    typeorm | TypeORM | ORM
    sequelize | Sequelize | ORM
    mongoose | Mongoose | ORM
    drizzle-orm | Drizzle | ORM
    knex | Knex | query builder
    axios | Axios | HTTP client
    lodash | Lodash | utilities
    redux @reduxjs/toolkit | Redux | state management
    zustand | Zustand | state management
    tailwindcss | Tailwind CSS | styling
    d3 | D3 | visualisation
    socket.io socket.io-client | Socket.IO | realtime
    zod | Zod | validation
    jsonwebtoken | jsonwebtoken | authentication
    graphql | GraphQL | GraphQL
    eslint | ESLint | developer tool
    prettier | Prettier | developer tool
    """,
)
_GO = _table(
    "go",
    """
    github.com/gin-gonic/gin | Gin | web framework
    github.com/labstack/echo/v4 github.com/labstack/echo | Echo | web framework
    github.com/gofiber/fiber/v2 | Fiber | web framework
    github.com/go-chi/chi/v5 | chi | web framework
    gorm.io/gorm | GORM | ORM
    github.com/spf13/cobra | Cobra | command line
    github.com/stretchr/testify | testify | testing
    google.golang.org/grpc | gRPC | RPC
    """,
)
_JAVA = _table(
    "java",
    """
    org.springframework spring-boot-starter spring-boot-starter-web | Spring | web framework
    org.hibernate hibernate-core | Hibernate | ORM
    org.junit junit junit-jupiter | JUnit | testing
    org.mockito mockito-core | Mockito | testing
    com.fasterxml.jackson jackson-databind | Jackson | serialization
    """,
)
_RUBY = _table(
    "ruby",
    """
    rails | Ruby on Rails | web framework
    sinatra | Sinatra | web framework
    rspec | RSpec | testing
    """,
)
_PHP = _table(
    "php",
    """
    laravel/framework | Laravel | web framework
    symfony/framework-bundle | Symfony | web framework
    phpunit/phpunit | PHPUnit | testing
    """,
)
_RUST = _table(
    "rust",
    """
    tokio | Tokio | async runtime
    actix-web | Actix Web | web framework
    axum | Axum | web framework
    rocket | Rocket | web framework
    serde | Serde | serialization
    diesel | Diesel | ORM
    """,
)

_BY_ECOSYSTEM: Mapping[str, dict[str, _Known]] = {
    "python": _PYTHON,
    "javascript": _JAVASCRIPT,
    "go": _GO,
    "java": _JAVA,
    "ruby": _RUBY,
    "php": _PHP,
    "rust": _RUST,
}


@dataclass
class Dependency:
    name: str
    ecosystem: str
    version: str | None
    manifest: str


@dataclass
class FrameworkDetector:
    """Collects manifests and imports, then names the frameworks."""

    dependencies: list[Dependency] = field(default_factory=list)
    imports: dict[tuple[str, str], int] = field(default_factory=Counter)

    def add_manifest(self, path: str, text: str) -> None:
        for name, ecosystem, version in parse_manifest(path, text):
            self.dependencies.append(Dependency(name, ecosystem, version, path))

    def add_imports(self, language: str, names: Iterable[str]) -> None:
        ecosystem = GROUPS.get(language)
        if ecosystem is None:
            return
        for name in set(names):
            self.imports[(ecosystem, _normalise(ecosystem, _import_root(ecosystem, name)))] += 1

    def frameworks(self) -> list[Framework]:
        found: dict[tuple[str, str], dict[str, Any]] = {}

        def entry(ecosystem: str, key: str) -> dict[str, Any]:
            known = _BY_ECOSYSTEM.get(ecosystem, {}).get(key)
            name = known.name if known else key
            return found.setdefault(
                (ecosystem, name),
                {
                    "name": name,
                    "category": known.category if known else "library",
                    "ecosystem": ecosystem,
                    "version": None,
                    "manifests": [],
                    "imported_by": 0,
                },
            )

        for dependency in self.dependencies:
            key = _normalise(dependency.ecosystem, dependency.name)
            slot = entry(dependency.ecosystem, key)
            if dependency.manifest not in slot["manifests"]:
                slot["manifests"].append(dependency.manifest)
            if slot["version"] is None and dependency.version:
                slot["version"] = dependency.version[:80]
        for (ecosystem, key), count in self.imports.items():
            known = _known_key(ecosystem, key)
            if known is not None:
                entry(ecosystem, known)["imported_by"] += count
        frameworks = [Framework(**slot) for slot in found.values()]
        # Known frameworks first (by how much the code uses them), then other libraries.
        return sorted(
            frameworks,
            key=lambda f: (f.category == "library", -f.imported_by, f.ecosystem, f.name.lower()),
        )


def _import_root(ecosystem: str, name: str) -> str:
    return name


def _known_key(ecosystem: str, key: str) -> str | None:
    """The known package an import belongs to: the import itself, or for Go and Java the
    longest known path it lies under (``github.com/labstack/echo/v4/middleware`` is Echo,
    ``org.springframework.web.bind`` is Spring)."""
    known = _BY_ECOSYSTEM.get(ecosystem, {})
    if key in known:
        return key
    if ecosystem not in {"go", "java"}:
        return None
    separator = "/" if ecosystem == "go" else "."
    parts = key.split(separator)
    for end in range(len(parts) - 1, 0, -1):
        prefix = separator.join(parts[:end])
        if prefix in known:
            return prefix
    return None


# --- Manifest parsers -----------------------------------------------------------------------

_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*([^;#]*)")
_GO_REQUIRE = re.compile(r"^\s*([\w.-]+\.[\w./-]+)\s+(v[\w.+-]+)", re.MULTILINE)
_POM_DEPENDENCY = re.compile(
    r"<dependency>\s*(?:<!--.*?-->\s*)*<groupId>\s*([\w.-]+)\s*</groupId>\s*"
    r"<artifactId>\s*([\w.-]+)\s*</artifactId>(?:\s*<version>\s*([^<]{1,80})</version>)?",
    re.DOTALL,
)
_GRADLE = re.compile(
    r"""(?:implementation|api|compile|testImplementation|runtimeOnly)\s*\(?\s*['"]([\w.-]+):([\w.-]+)(?::([\w.+-]+))?['"]"""
)
_GEM = re.compile(r"""^\s*gem\s+['"]([\w.-]+)['"](?:\s*,\s*['"]([^'"]{1,40})['"])?""", re.MULTILINE)


def _requirements(text: str) -> Iterable[tuple[str, str | None]]:
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", "-", "git+", "http:", "https:", ".")):
            continue
        match = _REQUIREMENT.match(line)
        if match:
            spec = match.group(3).strip() or None
            yield match.group(1), spec


def _pep508(items: Iterable[object]) -> Iterable[tuple[str, str | None]]:
    for item in items:
        if isinstance(item, str):
            yield from _requirements(item)


def _toml_table(value: object) -> Iterable[tuple[str, str | None]]:
    if isinstance(value, dict):
        for name, spec in value.items():
            if str(name).lower() == "python":
                continue
            version = spec if isinstance(spec, str) else None
            if isinstance(spec, dict) and isinstance(spec.get("version"), str):
                version = spec["version"]
            yield str(name), version


def parse_manifest(path: str, text: str) -> list[tuple[str, str, str | None]]:
    """(name, ecosystem, version requirement) for each dependency ``path`` declares.

    Malformed manifests yield nothing rather than an error: they are the repository's
    problem, not the analysis's.
    """
    name = PurePosixPath(path).name
    found: list[tuple[str, str, str | None]] = []
    try:
        if name.startswith("requirements") or name.endswith("requirements.txt"):
            found += [(n, "python", v) for n, v in _requirements(text)]
        elif name == "pyproject.toml":
            data = tomllib.loads(text)
            project = data.get("project", {})
            found += [(n, "python", v) for n, v in _pep508(project.get("dependencies", []))]
            for extra in (project.get("optional-dependencies") or {}).values():
                found += [(n, "python", v) for n, v in _pep508(extra)]
            for group in (data.get("dependency-groups") or {}).values():
                found += [(n, "python", v) for n, v in _pep508(group)]
            poetry = data.get("tool", {}).get("poetry", {})
            found += [(n, "python", v) for n, v in _toml_table(poetry.get("dependencies"))]
            for group in (poetry.get("group") or {}).values():
                if isinstance(group, dict):
                    found += [(n, "python", v) for n, v in _toml_table(group.get("dependencies"))]
        elif name == "Pipfile":
            data = tomllib.loads(text)
            for section in ("packages", "dev-packages"):
                found += [(n, "python", v) for n, v in _toml_table(data.get(section))]
        elif name == "setup.cfg":
            in_requires = False
            for line in text.splitlines():
                if re.match(r"^\s*(install_requires|tests_require)\s*=", line):
                    in_requires = True
                    line = line.split("=", 1)[1]
                elif in_requires and line and not line[0].isspace():
                    in_requires = False
                if in_requires:
                    found += [(n, "python", v) for n, v in _requirements(line)]
        elif name == "package.json":
            data = json.loads(text)
            if isinstance(data, dict):
                for section in (
                    "dependencies",
                    "devDependencies",
                    "peerDependencies",
                    "optionalDependencies",
                ):
                    block = data.get(section)
                    if isinstance(block, dict):
                        found += [
                            (str(n), "javascript", v if isinstance(v, str) else None)
                            for n, v in block.items()
                        ]
        elif name == "go.mod":
            found += [(m.group(1), "go", m.group(2)) for m in _GO_REQUIRE.finditer(text)]
        elif name == "Cargo.toml":
            data = tomllib.loads(text)
            for section in ("dependencies", "dev-dependencies"):
                found += [(n, "rust", v) for n, v in _toml_table(data.get(section))]
        elif name == "pom.xml":
            for match in _POM_DEPENDENCY.finditer(text):
                group, artifact, version = match.groups()
                found.append((_java_key(group, artifact), "java", version))
        elif name.startswith("build.gradle"):
            for match in _GRADLE.finditer(text):
                group, artifact, version = match.groups()
                found.append((_java_key(group, artifact), "java", version))
        elif name == "Gemfile":
            found += [(m.group(1), "ruby", m.group(2)) for m in _GEM.finditer(text)]
        elif name == "composer.json":
            data = json.loads(text)
            if isinstance(data, dict):
                for section in ("require", "require-dev"):
                    block = data.get(section)
                    if isinstance(block, dict):
                        found += [
                            (str(n), "php", v if isinstance(v, str) else None)
                            for n, v in block.items()
                            if str(n) != "php" and not str(n).startswith("ext-")
                        ]
    except (ValueError, tomllib.TOMLDecodeError, RecursionError, AttributeError, TypeError):
        return []
    return found


def _java_key(group: str, artifact: str) -> str:
    """Known Java projects are keyed by artifact or by group prefix."""
    if artifact in _JAVA:
        return artifact
    prefix = ".".join(group.split(".")[:2])
    if prefix in _JAVA:
        return prefix
    return f"{group}:{artifact}"
