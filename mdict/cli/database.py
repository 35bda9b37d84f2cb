"""``mdict dict``, ``mdict info`` (the compiler), ``mdict decompile`` and
``mdict check-db`` (a database back to profiles, and its staleness)."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from mdict import formats
from mdict.cli._common import (
    FOUND_PROBLEMS,
    note,
    open_database,
    output_option,
    refuse_to_overwrite,
    with_source_lines,
    write_together,
)
from mdict.db.build import STAGES, Compiled, undefined_summary
from mdict.db.database import Database, refuse_to_replace
from mdict.db.format import DEFAULT_NAMES, OPTIONAL_ROLES, ROLES, Role, Source, source_of
from mdict.errors import InputFileError
from mdict.fileio import read_text, require_regular_file, write_bytes_atomic

# ---------------------------------------------------------------------------
# Compiling
# ---------------------------------------------------------------------------


@contextlib.contextmanager
def stages(steps: Sequence[str]) -> Iterator[Callable[[str], None]]:
    """A progress bar over named steps on a terminal; silent otherwise."""
    if not sys.stderr.isatty():
        yield lambda step: None
        return
    shown: list[str] = [steps[0]]
    progress: Any = click.progressbar(
        length=len(steps), label="compiling", file=sys.stderr, item_show_func=lambda _: shown[0]
    )
    with progress as bar:

        def advance(step: str) -> None:
            shown[0] = step
            bar.update(1)

        yield advance


def beside(profile: str, given: str | None, role: Role) -> str:
    """An option's file, or the profile of that role in the same folder."""
    if given is not None:
        return given
    path = Path(profile).parent / DEFAULT_NAMES[role]
    if not path.exists() and Path(profile).exists():
        raise InputFileError(
            str(path), f"no such file (looked beside {profile}; name it with --{role})"
        )
    return str(path)


def optional_beside(info: str, given: Mapping[str, str | None]) -> dict[Role, str | None]:
    """Each optional profile of a message database (the registry's kinds past
    dictionary, services and info): its option's file, else the file of that
    name beside INFO when there, else None."""
    found: dict[Role, str | None] = {}
    for role in OPTIONAL_ROLES:
        path = given.get(role)
        if path is None and (Path(info).parent / DEFAULT_NAMES[role]).is_file():
            path = beside(info, None, role)
        found[role] = path
    return found


def report_warnings(compiled: Compiled, show_all: bool) -> None:
    """Warnings on stderr; undefined conditions condensed unless asked for."""
    warnings = compiled.warnings
    others = [w for w in warnings if not w.message.startswith("condition ")]
    listed = warnings if show_all else others
    for warning in with_source_lines(listed):
        click.echo(warning.render(), err=True)
    summary = undefined_summary(compiled)
    if summary is not None and not show_all:
        click.echo(f"warning: {summary} (--show-warnings lists them)", err=True)


def describe(compiled: Compiled, output: str) -> str:
    """The one-line summary of a compiled database."""
    counts = compiled.counts
    parts = []
    for key, label in (
        ("services", "services"),
        ("messages", "messages"),
        ("items", "items"),
        ("lines", "attribute lines"),
        ("entries", "dictionary entries"),
        ("conditions", "conditions"),
        ("modules", "messages with modules"),
        ("borrowed", "lines with a borrowed condition"),
        ("positions", "sections with value positions"),
    ):
        if key in counts:
            parts.append(f"{counts[key]} {label}")
    return f"{output}: {', '.join(parts)}; {len(compiled.data)} bytes"


_force_option = click.option(
    "--force", is_flag=True, help="Replace an output file that is not an mdict database."
)
_warnings_option = click.option(
    "--show-warnings", is_flag=True, help="List every warning (undefined conditions too)."
)


@click.command("dict")
@click.argument("dictionary", type=click.Path(dir_okay=False))
@output_option("The dictionary database to write (default: mrgcom3.dct).")
@_force_option
@_warnings_option
def dict_command(dictionary: str, output: str | None, force: bool, show_warnings: bool) -> None:
    """Compile a dictionary profile into a database (mc3dict).

    Writes DICTIONARY's entries to a dictionary database (default: mrgcom3.dct).
    """
    from mdict.db.build import compile_dictionary
    from mdict.parse import read_dictionary

    output = output or "mrgcom3.dct"
    refuse_to_overwrite([output], [dictionary])
    refuse_to_replace(output, force)  # a Merge binary, say: exit 2
    with stages(["reading", "checking", "writing"]) as step:
        model = read_dictionary(dictionary)
        step("checking")
        compiled = compile_dictionary(model, [source_of(dictionary, "dictionary")])
        step("writing")
        write_bytes_atomic(output, compiled.data, [dictionary])
        step("done")
    report_warnings(compiled, show_warnings)
    note(describe(compiled, output))


@click.command("info")
@click.argument("info", type=click.Path(dir_okay=False))
@click.option("--services", "services", default=None, help="Default: mergecom.srv beside INFO.")
@click.option("--dictionary", "dictionary", default=None, help="Default: diction.pfl beside INFO.")
@click.option(
    "--conditions",
    "conditions",
    default=None,
    help="A conditions profile to embed (default: conditions.pfl beside INFO, if there).",
)
@click.option(
    "--modules",
    "modules",
    default=None,
    help="A modules profile to embed (default: modules.pfl beside INFO, if there).",
)
@click.option(
    "--no-borrow",
    is_flag=True,
    help="Do not borrow the standard database's conditions for undefined condition names.",
)
@click.option(
    "--positions",
    "positions",
    default=None,
    help="A positions profile to embed (default: positions.pfl beside INFO, if there).",
)
@output_option("The message database to write (default: mrgcom3.msg).")
@_force_option
@_warnings_option
def info_command(
    info: str,
    services: str | None,
    dictionary: str | None,
    conditions: str | None,
    modules: str | None,
    no_borrow: bool,
    positions: str | None,
    output: str | None,
    force: bool,
    show_warnings: bool,
) -> None:
    """Compile an info profile, its services and dictionary into a database (mc3info).

    Writes a message database (default: mrgcom3.msg) from INFO, the service
    profile and dictionary beside it (or named), and the conditions and
    modules profiles beside it when there.
    """
    from mdict.db.build import compile_message_files

    output = output or "mrgcom3.msg"
    require_regular_file(info)  # named first: it is the file the user typed
    services = beside(info, services, "services")
    dictionary = beside(info, dictionary, "dictionary")
    optional = optional_beside(
        info, {"conditions": conditions, "modules": modules, "positions": positions}
    )
    inputs = [info, services, dictionary, *(p for p in optional.values() if p is not None)]
    refuse_to_overwrite([output], inputs)
    refuse_to_replace(output, force)  # a Merge binary, say: exit 2
    with stages([*STAGES, "writing", "done"]) as step:
        compiled = compile_message_files(
            info,
            services,
            dictionary,
            optional["conditions"],
            optional["modules"],
            step,
            not no_borrow,
            optional["positions"],
        )
        step("writing")
        write_bytes_atomic(output, compiled.data, inputs)
        step("done")
    report_warnings(compiled, show_warnings)
    note(describe(compiled, output))


# ---------------------------------------------------------------------------
# Back to profiles, staleness
# ---------------------------------------------------------------------------


def profile_texts(db: Database) -> list[tuple[str, str]]:
    """(file name, canonical text) of each profile a database holds, in the
    registry's order."""
    services = db.services_model()
    out: list[tuple[str, str]] = []
    for role in ROLES:
        model = db.profile(role)
        if model is not None:
            out.append((DEFAULT_NAMES[role], formats.get(role).format(model, services)))
    return out


@click.command("decompile")
@click.argument("database", type=click.Path(dir_okay=False))
@click.option(
    "-o",
    "--output",
    "folder",
    required=True,
    metavar="DIR",
    help="The folder to write the profiles into (created when missing).",
)
@click.option("--force", is_flag=True, help="Replace profiles already in the folder.")
def decompile_command(database: str, folder: str, force: bool) -> None:
    """Write a compiled database back as canonical profiles.

    Writes every profile DATABASE holds (diction.pfl, mergecom.srv, info.pfl,
    conditions.pfl, modules.pfl, positions.pfl) into the folder, all or
    nothing. The database keeps the comments of diction.pfl, conditions.pfl,
    modules.pfl and positions.pfl, not those of mergecom.srv and info.pfl.
    """
    db = open_database(database, messages=False)
    texts = profile_texts(db)
    targets = [(os.path.join(folder, name), text) for name, text in texts]
    existing = [path for path, _ in targets if os.path.exists(path)]
    if existing and not force:
        raise InputFileError(existing[0], "exists already (--force replaces it)")
    if os.path.exists(folder) and not os.path.isdir(folder):
        raise InputFileError(folder, "cannot write: not a folder (-o names a folder)")
    write_together(targets, [database])
    for path, text in targets:
        note(f"{path}: {text.count(chr(10))} lines")


@dataclass(frozen=True, slots=True)
class Staleness:
    """One recorded source compared with a file."""

    source: Source | None
    path: str | None
    current: bool
    outside: bool = False

    def describe(self) -> str:
        if self.outside:
            assert self.source is not None
            return (
                f"{self.path}: NOT READ (the database records the source name"
                f" {self.source.file!r}, which leaves the folder)"
            )
        if self.path is not None and not os.path.isfile(self.path):
            return f"{self.path}: MISSING (no such file)"
        if self.source is None:
            return f"{self.path}: not a source of this database"
        if self.path is None:
            return f"{self.source.file}: not given (not compared)"
        state = "up to date" if self.current else "STALE (changed since the database was compiled)"
        return f"{self.path}: {state}"


def role_of(path: str) -> Role | None:
    """The role of a profile from its content."""
    kind = formats.detect_kind(read_text(path))
    return next((role for role in ROLES if role == kind), None)


def inside(folder: str, name: str) -> bool:
    """``name`` (recorded in a database header, so untrusted) is a plain
    file name whose file, links followed, is inside ``folder``."""
    if name in ("", ".", "..") or name != os.path.basename(name) or "\\" in name:
        return False
    real = os.path.realpath(os.path.join(folder, name))
    return os.path.dirname(real) == os.path.realpath(folder)


def compare_sources(db: Database, against: Sequence[str]) -> list[Staleness]:
    """Each given profile (files, or folders holding the recorded file names)
    against the digest the database recorded for it."""
    files: list[str] = []
    out: list[Staleness] = []
    matched: set[Role] = set()
    for name in against:
        if not os.path.isdir(name):
            files.append(name)
            continue
        for source in db.header.sources:
            path = os.path.join(name, source.file)
            if inside(name, source.file):
                files.append(path)
            else:
                matched.add(source.role)
                out.append(Staleness(source, path, False, outside=True))
    for path in files:
        by_name = [s for s in db.header.sources if s.file == os.path.basename(path)]
        if not by_name and os.path.isfile(path):
            role = role_of(path)
            by_name = [s for s in db.header.sources if s.role == role]
        if not by_name:
            out.append(Staleness(None, path, False))
            continue
        source = by_name[0]
        matched.add(source.role)
        current = os.path.isfile(path) and source_of(path, source.role).sha256 == source.sha256
        out.append(Staleness(source, path, current))
    out += [Staleness(s, None, True) for s in db.header.sources if s.role not in matched]
    return out


@click.command("check-db")
@click.argument("database", type=click.Path(dir_okay=False))
@click.option(
    "--against",
    multiple=True,
    required=True,
    help="Profile files or folders (repeat the option, or name several after it).",
)
@click.argument("more", nargs=-1)
def check_db_command(database: str, against: Sequence[str], more: Sequence[str]) -> None:
    """Tell whether a compiled database is stale relative to its source profiles.

    Compares DATABASE's recorded source digests with the files given (a
    folder: the recorded file names inside it, never outside). Exit status 1
    when any differs, is missing or is not one of its sources.
    """
    db = open_database(database, messages=False)
    results = compare_sources(db, [*against, *more])
    for result in results:
        click.echo(result.describe())
    if not db.header.sources:
        click.echo(f"{database}: error: records no source profiles", err=True)
        sys.exit(FOUND_PROBLEMS)
    if any(not r.current for r in results):
        sys.exit(FOUND_PROBLEMS)
