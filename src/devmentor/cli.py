"""The ``devmentor`` command: every process role and admin task from one entry point."""

from __future__ import annotations

import asyncio
import io
import os
import sys
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from enum import StrEnum
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, ParamSpec, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from devmentor import __version__
from devmentor.settings import Settings, get_settings

if TYPE_CHECKING:
    from devmentor.analyzer import AnalysisReport
    from devmentor.auth.service import AuthService
    from devmentor.flags.service import FlagService

P = ParamSpec("P")
R = TypeVar("R")

app = typer.Typer(
    name="devmentor",
    help="DevMentor: a self-hostable AI mentor that teaches developers from their own code.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
flags_app = typer.Typer(help="Feature flags.", no_args_is_help=True)
app.add_typer(flags_app, name="flags")
users_app = typer.Typer(help="Local accounts.", no_args_is_help=True)
app.add_typer(users_app, name="users")

console = Console()
err = Console(stderr=True)


def async_command(func: Callable[P, Awaitable[R]]) -> Callable[P, R]:
    """Let a Typer command be ``async def`` (one event loop per command run)."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        return asyncio.run(func(*args, **kwargs))  # type: ignore[arg-type]

    return wrapper


def load_settings() -> Settings:
    """Settings from the environment, or a one-line error and exit code 2."""
    try:
        return get_settings()
    except ValidationError as exc:
        for error in exc.errors():
            where = ".".join(str(part) for part in error["loc"]) or "settings"
            err.print(f"[red]configuration error[/red] {where}: {error['msg']}")
        raise typer.Exit(2) from None


def _version(value: bool) -> None:
    if value:
        console.print(f"devmentor {__version__}")
        raise typer.Exit


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """DevMentor command line."""


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind [default: settings]")] = None,
    port: Annotated[int | None, typer.Option(help="Port [default: 8000]")] = None,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes (production)")] = 1,
) -> None:
    """Serve the API, the web UI and WebSockets (and, embedded, migrate first)."""
    import uvicorn

    settings = load_settings()
    if settings.is_embedded and workers > 1:
        err.print("[red]error[/red] embedded mode (no Redis) runs one process; drop --workers")
        raise typer.Exit(2)
    bind_host = host or settings.host
    bind_port = port or settings.port
    err.print(
        f"DevMentor {__version__} on http://{bind_host}:{bind_port} "
        f"(data: {settings.data_dir}, {'embedded' if settings.is_embedded else 'production'})"
    )
    uvicorn.run(
        "devmentor.app:create_app",
        factory=True,
        host=bind_host,
        port=bind_port,
        workers=workers,
        log_config=None,  # our structlog configuration, set in create_app
        proxy_headers=True,
        server_header=False,
    )


@app.command()
@async_command
async def migrate(
    revision: Annotated[str, typer.Argument(help="Target revision")] = "head",
) -> None:
    """Apply database migrations up to REVISION (default: the latest)."""
    from devmentor.kit import migrate as migrations
    from devmentor.kit.db import create_engine

    settings = load_settings()
    engine = create_engine(settings.effective_database_url)
    try:
        await migrations.upgrade(engine, revision)
        current = await migrations.current_revision(engine)
    except Exception as exc:
        err.print(f"[red]migration failed[/red]: {type(exc).__name__}: {exc}")
        raise typer.Exit(1) from None
    finally:
        await engine.dispose()
    console.print(f"database at revision {current}")


@asynccontextmanager
async def flag_service() -> AsyncIterator[FlagService]:
    """A flag service in one committed unit of work, on a platform started for the command."""
    from devmentor.flags.service import FlagService
    from devmentor.kit.platform import Platform

    platform = await Platform.start(load_settings())
    try:
        async with platform.db.session() as session:
            yield FlagService(session, platform.cache)
    finally:
        await platform.close()


@flags_app.command("list")
@async_command
async def flags_list() -> None:
    """List feature flags."""
    async with flag_service() as service:
        flags = await service.list()
    table = Table("key", "enabled", "description", "updated")
    for flag in flags:
        table.add_row(
            flag.key,
            "on" if flag.enabled else "off",
            flag.description,
            flag.updated_at.isoformat(timespec="seconds"),
        )
    console.print(table)


@flags_app.command("set")
@async_command
async def flags_set(
    key: Annotated[str, typer.Argument(help="Flag key, e.g. realtime.enabled")],
    state: Annotated[str, typer.Argument(help="on or off")],
    description: Annotated[str | None, typer.Option(help="What the flag controls")] = None,
) -> None:
    """Turn a feature flag on or off."""
    from devmentor.kit.errors import DevMentorError

    if state not in ("on", "off"):
        err.print("[red]error[/red] STATE must be 'on' or 'off'")
        raise typer.Exit(2)
    try:
        async with flag_service() as service:
            flag = await service.set(key, enabled=state == "on", description=description)
    except DevMentorError as exc:
        err.print(f"[red]error[/red] {exc.detail}")
        raise typer.Exit(2) from None
    console.print(f"{flag.key} is {'on' if flag.enabled else 'off'}")


@asynccontextmanager
async def auth_service() -> AsyncIterator[AuthService]:
    """An auth service in one committed unit of work, on a platform started for the command."""
    from devmentor.auth.runtime import AuthRuntime
    from devmentor.auth.service import AuthService
    from devmentor.kit.platform import Platform

    settings = load_settings()
    platform = await Platform.start(settings)
    try:
        async with platform.db.session() as session:
            yield AuthService(
                session, platform.cache, platform.limiter, AuthRuntime.from_settings(settings)
            )
    finally:
        await platform.close()


def read_password(*, confirm: bool) -> str:
    """The password from stdin: typed twice at a terminal, else the first line of a pipe.

    Never an option or an argument: those end up in shell history and `ps` output.
    """
    import getpass

    if sys.stdin.isatty():
        password = getpass.getpass("Password: ")
        if confirm and getpass.getpass("Repeat password: ") != password:
            err.print("[red]error[/red] the passwords differ")
            raise typer.Exit(2)
        return password
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        err.print("[red]error[/red] no password on stdin (echo 'secret' | devmentor users ...)")
        raise typer.Exit(2)
    return password


@users_app.command("create")
@async_command
async def users_create(
    username: Annotated[str, typer.Option(help="Login name (letters, digits, . _ -)")],
    admin: Annotated[bool, typer.Option("--admin", help="Make an administrator")] = False,
    display_name: Annotated[str | None, typer.Option(help="Name shown in the UI")] = None,
    email: Annotated[str | None, typer.Option(help="Contact address")] = None,
) -> None:
    """Create a local account; the password is read from stdin."""
    from devmentor.kit.errors import DevMentorError

    password = read_password(confirm=True)
    try:
        async with auth_service() as service:
            user = await service.create_user(
                username, password, display_name=display_name, email=email, is_admin=admin
            )
    except DevMentorError as exc:
        err.print(f"[red]error[/red] {exc.detail}")
        raise typer.Exit(2) from None
    console.print(f"created {'administrator' if user.is_admin else 'user'} {user.username}")


@users_app.command("list")
@async_command
async def users_list() -> None:
    """List accounts."""
    async with auth_service() as service:
        users = await service.list_users()
    table = Table("username", "name", "admin", "github", "password", "created", "last sign-in")
    for user in users:
        table.add_row(
            user.username,
            user.display_name,
            "yes" if user.is_admin else "",
            user.github_login or "",
            "yes" if user.password_hash else "",
            user.created_at.isoformat(timespec="seconds"),
            user.last_login_at.isoformat(timespec="seconds") if user.last_login_at else "never",
        )
    console.print(table)


@users_app.command("set-password")
@async_command
async def users_set_password(
    username: Annotated[str, typer.Option(help="The account")],
) -> None:
    """Set an account's password (read from stdin) and sign it out everywhere."""
    from devmentor.kit.errors import DevMentorError

    password = read_password(confirm=True)
    try:
        async with auth_service() as service:
            revoked = await service.set_password(username, password)
    except DevMentorError as exc:
        err.print(f"[red]error[/red] {exc.detail}")
        raise typer.Exit(2) from None
    console.print(f"password set; {revoked} session(s) signed out")


curriculum_app = typer.Typer(help="The shipped curriculum.", no_args_is_help=True)
app.add_typer(curriculum_app, name="curriculum")

#: The issue's floor for the shipped curriculum.
MIN_SHIPPED_SKILLS = 40


@curriculum_app.command("validate")
def curriculum_validate(
    path: Annotated[
        Path | None, typer.Option(help="A content folder (default: the shipped curriculum)")
    ] = None,
    min_skills: Annotated[
        int | None, typer.Option(help="Skills required (default: 40 for the shipped curriculum)")
    ] = None,
) -> None:
    """Check every skill file: schema, prerequisite graph, Bloom coverage, answer keys."""
    from devmentor.curriculum.catalog import (
        CONTENT_DIR,
        CurriculumError,
        check_catalog,
        load_catalog,
    )

    root = path or CONTENT_DIR
    required = min_skills if min_skills is not None else (MIN_SHIPPED_SKILLS if path is None else 0)
    try:
        catalog = load_catalog(root)
    except CurriculumError as exc:
        for problem in exc.problems:
            err.print(f"[red]✗[/red] {problem}", highlight=False, markup=True)
        raise typer.Exit(1) from None
    problems = check_catalog(catalog, min_skills=required)
    for problem in problems:
        err.print(f"[red]✗[/red] {problem}", highlight=False)
    questions = sum(len(s.questions) for s in catalog.skills.values())
    if problems:
        err.print(f"{len(problems)} problem(s) in {len(catalog.skills)} skills")
        raise typer.Exit(1)
    console.print(f"✓ {len(catalog.skills)} skills, {questions} questions: all checks passed")


class ReportFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"
    html = "html"


@app.command()
def analyze(
    target: Annotated[str, typer.Argument(help="A local path or a git URL", show_default=False)],
    output_format: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="Report format")
    ] = ReportFormat.text,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the report to FILE", dir_okay=False)
    ] = None,
    branch: Annotated[
        str | None, typer.Option(help="Branch to clone (URLs only; default: the remote's HEAD)")
    ] = None,
    workers: Annotated[
        int | None, typer.Option(min=1, max=64, help="Worker processes [default: one per CPU]")
    ] = None,
    cache: Annotated[
        bool, typer.Option("--cache/--no-cache", help="Reuse results of unchanged files")
    ] = True,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar")] = False,
) -> None:
    """Analyse a repository: languages, frameworks, complexity hot spots, code smells,
    security findings, duplicates, tests and patterns, with suggested skills.

    Nothing in the repository is executed. Exit status: 0 on success, 2 when the input
    cannot be analysed (the reason is printed on one line).
    """
    from devmentor.analyzer import AnalyzerError, AnalyzerOptions, Limits
    from devmentor.analyzer import analyze as run_analysis
    from devmentor.curriculum.catalog import default_catalog

    settings = load_settings().analyzer
    catalog = default_catalog()
    limits = Limits(
        max_file_bytes=settings.max_file_kb * 1000,
        max_files=settings.max_files,
        max_total_bytes=settings.max_total_mb * 1_000_000,
        file_timeout=settings.file_timeout_seconds,
        clone_timeout=settings.clone_timeout_seconds,
        max_clone_bytes=settings.max_clone_mb * 1_000_000,
    )
    options = AnalyzerOptions(
        limits=limits,
        workers=workers or settings.workers,
        cache_path=settings.cache_dir / "analyzer.sqlite3" if cache and settings.cache else None,
        skill_index=catalog.tag_index(),
        skill_languages=catalog.skill_languages(),
        branch=branch,
    )
    try:
        with _analysis_progress(enabled=not quiet and err.is_terminal) as progress:
            report = run_analysis(target, options, progress)
    except AnalyzerError as exc:
        # One line whatever the terminal width: scripts and people grep for it.
        err.print(f"[red]error[/red]: {escape(str(exc))}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    except KeyboardInterrupt:
        err.print("[yellow]interrupted[/yellow]")
        raise typer.Exit(130) from None
    titles = {skill_id: skill.title for skill_id, skill in catalog.skills.items()}
    _write_report(report, output_format, output, titles)


@contextmanager
def _analysis_progress(*, enabled: bool) -> Iterator[Callable[[str, int, int], None]]:
    """A Rich progress bar on stderr (stdout stays clean for the report)."""
    if not enabled:
        yield lambda _stage, _done, _total: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    labels = {
        "clone": "Cloning",
        "scan": "Reading files",
        "analyze": "Analysing",
        "report": "Writing report",
    }
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task("Starting", total=None)

        def update(stage: str, done: int, total: int) -> None:
            bar.update(
                task, description=labels.get(stage, stage), completed=done, total=total or None
            )

        yield update


def _write_report(
    report: AnalysisReport,
    output_format: ReportFormat,
    output: Path | None,
    titles: dict[str, str],
) -> None:
    from devmentor.analyzer.reports import render_html, render_markdown, render_text

    if output_format is ReportFormat.text and output is None:
        render_text(report, console, skill_titles=titles)
        return
    if output_format is ReportFormat.text:
        buffer = io.StringIO()
        render_text(report, Console(file=buffer, width=100, no_color=True), skill_titles=titles)
        text = buffer.getvalue()
    elif output_format is ReportFormat.json:
        text = report.model_dump_json(indent=2) + "\n"
    elif output_format is ReportFormat.markdown:
        text = render_markdown(report, skill_titles=titles)
    else:
        text = render_html(report, skill_titles=titles)
    if output is None:
        sys.stdout.write(text)
        return
    try:
        _write_atomically(output, text)
    except OSError as exc:
        err.print(
            f"[red]error[/red]: cannot write {escape(str(output))}: {exc.strerror}",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(2) from None
    err.print(f"report written to {escape(str(output))}")


def _write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that the file is either the old one or all new."""
    path = path.expanduser()
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or ".")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
