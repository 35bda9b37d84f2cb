"""What every command shares: the exit statuses, the error style, the
shared options, opening a database and writing outputs.

Error style: a problem at a place in a file is ``FILE:LINE:COL: error: ...``
(with the line and a caret); a file that cannot be used is ``FILE: error:
...``; anything else is ``error: ...``. Errors, warnings and summaries of
what was written go to stderr; results (reports, tables, lookups) to stdout.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from mdict.errors import (
    Diagnostic,
    InputFileError,
    MdictError,
    ProfileError,
    WrongKindError,
)
from mdict.fileio import Terminated, read_text, refuse_to_overwrite, signals_unwind

if TYPE_CHECKING:
    from mdict.db.database import Database

__all__ = [
    "EXIT_STATUSES",
    "FOUND_PROBLEMS",
    "INTERRUPTED",
    "OK",
    "USAGE",
    "database_inputs",
    "db_options",
    "emit",
    "exit_status",
    "fail",
    "note",
    "open_database",
    "output_option",
    "progress_bar",
    "refuse_to_overwrite",
    "reported",
    "with_source_lines",
    "write_together",
]

OK = 0
FOUND_PROBLEMS = 1
USAGE = 2
INTERRUPTED = 130
TERMINATED = 143

# The one exit-status table of every command (docs/README.md shows it).
EXIT_STATUSES: tuple[tuple[int, str], ...] = (
    (OK, "success: nothing to report"),
    (
        FOUND_PROBLEMS,
        "the job found problems: errors in profiles, validation errors, differences,"
        " files not in canonical form, a stale database, a key not in the dictionary",
    ),
    (
        USAGE,
        "usage error or input that cannot be read: an unknown option, a missing file,"
        " a file of the wrong kind, an unreadable database, a service or message the"
        " database does not have, an output that is also an input",
    ),
    (INTERRUPTED, "interrupted (Ctrl-C); nothing half-written is left"),
    (TERMINATED, "terminated (SIGTERM); nothing half-written is left"),
)


def exit_status_table() -> str:
    """EXIT_STATUSES as the Markdown table of docs/README.md."""
    rows = ["| Status | Meaning |", "| --- | --- |"]
    rows += [f"| {status} | {meaning} |" for status, meaning in EXIT_STATUSES]
    return "\n".join(rows) + "\n"


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------


def with_source_lines(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Attach the offending line of each diagnostic, read from its file."""
    cache: dict[str, list[str] | None] = {}
    out: list[Diagnostic] = []
    for d in diagnostics:
        if d.source_line is None and d.line > 0 and d.file not in cache:
            try:
                cache[d.file] = read_text(d.file).splitlines()
            except MdictError:
                cache[d.file] = None
        lines = cache.get(d.file)
        if d.source_line is None and lines is not None and 0 < d.line <= len(lines):
            d = replace(d, source_line=lines[d.line - 1])
        out.append(d)
    return out


def error_text(error: MdictError | str) -> str:
    """An error in the one style (see the module's description)."""
    if isinstance(error, str):
        return error if ": error: " in error or error.startswith("error: ") else f"error: {error}"
    if isinstance(error, ProfileError):
        return "\n".join(d.render() for d in with_source_lines(error.diagnostics))
    if isinstance(error, InputFileError):
        return str(error)
    return error_text(str(error))


def exit_status(error: MdictError) -> int:
    """Errors in a profile: the job found problems; anything else: the input
    could not be used."""
    if isinstance(error, WrongKindError):
        return USAGE
    return FOUND_PROBLEMS if isinstance(error, ProfileError) else USAGE


def fail(error: MdictError | str, status: int | None = None) -> NoReturn:
    """Print one error on stderr and end the command with its exit status
    (``status``, or the one of the error's kind; a message alone: USAGE)."""
    click.echo(error_text(error), err=True)
    if status is None:
        status = USAGE if isinstance(error, str) else exit_status(error)
    raise click.exceptions.Exit(status)


@contextlib.contextmanager
def reported() -> Iterator[None]:
    """Every mdict error, OS error and interruption becomes one error line
    and its exit status from EXIT_STATUSES (never a traceback)."""
    try:
        with signals_unwind():
            yield
    except MdictError as error:
        fail(error)
    except OSError as error:
        where = f"{error.filename}: " if error.filename else ""
        fail(f"{where}error: {error.strerror or error}", USAGE)
    except KeyboardInterrupt:
        fail("interrupted", INTERRUPTED)
    except Terminated as signal:
        fail("terminated", 128 + signal.signum)


def note(text: str) -> None:
    """A summary of what was done or written: stderr (stdout holds results)."""
    click.echo(text, err=True)


# ---------------------------------------------------------------------------
# Options
# ---------------------------------------------------------------------------

FC = TypeVar("FC", bound=Callable[..., Any])


def output_option(
    help_text: str, *, required: bool = False, default: str | None = None, dash: bool = False
) -> Callable[[FC], FC]:
    """``-o/--output FILE`` with its help text (``dash``: ``-`` is stdout)."""
    if dash:
        help_text += " (- for standard output)"
    return click.option(
        "-o",
        "--output",
        metavar="FILE",
        required=required,
        default=default,
        help=help_text,
    )


def db_options(func: FC) -> FC:
    """``--db FILE`` and ``--profiles DIR``: the database to use."""
    func = click.option(
        "--profiles",
        metavar="DIR",
        help="A folder with diction.pfl, mergecom.srv, info.pfl (and conditions.pfl,"
        " modules.pfl) to build the database from.",
    )(func)
    func = click.option(
        "--db",
        "db_path",
        metavar="FILE",
        help="A compiled database (default: the standard one shipped with mdict).",
    )(func)
    return func


def level_option(help_text: str) -> Callable[[FC], FC]:
    """``--level errors|warnings|info`` (default: warnings)."""
    return click.option(
        "--level",
        type=click.Choice(["errors", "warnings", "info"]),
        default="warnings",
        show_default=True,
        help=help_text,
    )


def show_option(help_text: str) -> Callable[[FC], FC]:
    """``--show private`` (repeatable): a category hidden by default."""
    return click.option(
        "--show", "show", multiple=True, type=click.Choice(["private"]), help=help_text
    )


def shows_private(show: Sequence[str], level: str) -> bool:
    """Private dictionary disagreements (vendors' VR and VM) are shown when
    asked for (``--show private``) or at ``--level info``."""
    return "private" in show or level.rstrip("s") == "info"


def database_inputs(db_path: str | None, profiles: str | None) -> list[str]:
    """The files a database option reads (what an output must never replace)."""
    if db_path is not None:
        return [db_path]
    if profiles is None:
        return []
    from mdict.db.format import DEFAULT_NAMES

    return [os.path.join(profiles, name) for name in DEFAULT_NAMES.values()]


def open_database(
    db_path: str | None = None, profiles: str | None = None, *, messages: bool = True
) -> Database:
    """The database named by --db, built from --profiles, or the standard one.

    ``messages``: the command needs services and messages, so a dictionary
    database (``mdict dict``) is one usage error. Raises MdictError."""
    from mdict.db.database import default_database
    from mdict.db.database import open_database as open_file

    if db_path is not None and profiles is not None:
        raise click.UsageError("give --db or --profiles, not both")
    if profiles is not None:
        from mdict.db.build import open_profiles_folder  # the compiler: only when asked

        return open_profiles_folder(profiles)
    if db_path is None:
        return default_database()
    db = open_file(db_path)
    if messages and db.header.kind != "messages":
        raise InputFileError(
            db_path,
            "a dictionary database holds no services, messages or items"
            " (compile a message database with `mdict info`)",
        )
    return db


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------


def write_together(files: Sequence[tuple[str, str]], inputs: Sequence[str] = ()) -> None:
    """Write several text files all or nothing (mdict.fileio.write_files_atomic)."""
    from mdict.fileio import write_files_atomic

    write_files_atomic([(path, text.encode("utf-8")) for path, text in files], inputs)


def emit(text: str, output: str, inputs: Sequence[str] = ()) -> None:
    """Write ``text`` atomically to ``output`` (``-``: standard output)."""
    if output == "-":
        click.echo(text, nl=False)
    else:
        write_together([(output, text)], inputs)


@contextlib.contextmanager
def progress_bar(length: int, label: str, *, shown: bool = True) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr when it is a terminal; silent otherwise."""
    if not (shown and sys.stderr.isatty()):
        yield lambda steps: None
        return
    with click.progressbar(length=length, label=label, file=sys.stderr) as bar:
        yield bar.update
