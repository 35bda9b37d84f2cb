"""``mdict check`` and ``mdict fmt``: validate profiles, rewrite them canonically."""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

from mdict import formats
from mdict.check import check_profile
from mdict.cli._common import FOUND_PROBLEMS, OK, USAGE, error_text, exit_status, note
from mdict.errors import Diagnostic, InputFileError, MdictError
from mdict.fileio import write_text_atomic
from mdict.folder import FolderReport, check_folder, read_profile
from mdict.formats import KINDS, Kind
from mdict.model import (
    CombineConfig,
    ConditionsProfile,
    Dictionary,
    InfoProfile,
    ModulesProfile,
    ServiceProfile,
)
from mdict.parse import read_dictionary, read_services
from mdict.parse._driver import source_lines
from mdict.positions import PositionsProfile

_kind_option = click.option(
    "--kind",
    type=click.Choice(KINDS),
    default=None,
    help="Profile kind (default: detected from the content).",
)

FC = TypeVar("FC", bound=Callable[..., Any])


def _services_option(help_text: str) -> Callable[[FC], FC]:
    return click.option(
        "--services",
        "services_path",
        type=click.Path(dir_okay=False),
        default=None,
        help=help_text,
    )


def summary(name: str, model: Any) -> str:
    """The one-line summary of a profile that read cleanly."""
    if isinstance(model, Dictionary):
        private = sum(1 for e in model.entries if e.tag.is_private)
        retired = sum(1 for e in model.entries if e.retired)
        return f"{name}: {len(model.entries)} entries ({private} private, {retired} retired)"
    if isinstance(model, ServiceProfile):
        meta = sum(1 for s in model.services if s.type == "META")
        base = len(model.services) - meta
        return (
            f"{name}: {len(model.services)} services ({base} BASE, {meta} META),"
            f" {len(model.items)} items"
        )
    if isinstance(model, InfoProfile):
        lines = sum(len(s.lines) for s in model.sections)
        conditions = {ln.vt.condition for s in model.sections for ln in s.lines if ln.vt.condition}
        return (
            f"{name}: {len(model.sections)} sections, {lines} attributes,"
            f" {len(conditions)} condition name{'s' if len(conditions) != 1 else ''}"
        )
    if isinstance(model, ModulesProfile):
        uses = sum(len(m.modules) for m in model.messages)
        return f"{name}: {len(model.messages)} messages, {uses} module uses"
    if isinstance(model, ConditionsProfile):
        count = len(model)
        return f"{name}: {count} condition{'s' if count != 1 else ''}"
    if isinstance(model, PositionsProfile):
        attributes = sum(len(s.attributes) for s in model.sections)
        return f"{name}: {len(model.sections)} sections, {attributes} attributes with positions"
    assert isinstance(model, CombineConfig)
    counts = (
        len(model.existing_services),
        len(model.private_services),
        len(model.private_items),
        len(model.existing_items),
    )
    return (
        f"{name}: {counts[0]} existing-service blocks, {counts[1]} private-service blocks,"
        f" {counts[2]} private items, {counts[3]} existing items"
    )


def _with_source(diagnostics: Sequence[Diagnostic], text: str) -> list[Diagnostic]:
    """Attach the offending line to diagnostics that lack it (for the caret)."""
    lines = source_lines(text)
    out = []
    for d in diagnostics:
        if d.source_line is None and 0 < d.line <= len(lines):
            d = dataclasses.replace(d, source_line=lines[d.line - 1])
        out.append(d)
    return out


def _load_reference(path: str | None, reader: Any) -> Any:
    """Read a --dictionary/--services file (its errors end the command)."""
    return None if path is None else reader(path)


def _read(path: str, kind: Kind | None) -> tuple[str, Kind, Any] | int:
    """Read and parse one file; on failure report it and return its exit status."""
    try:
        return read_profile(path, kind)
    except MdictError as exc:
        click.echo(error_text(exc), err=True)
        return exit_status(exc)


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(), metavar="FILE_OR_DIR...")
@_kind_option
@click.option(
    "--dictionary",
    "dictionary_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="diction.pfl: check info lines' tags and VRs against it.",
)
@_services_option("mergecom.srv: check info.pfl sections and SQ items against it.")
def check(
    files: tuple[str, ...],
    kind: Kind | None,
    dictionary_path: str | None,
    services_path: str | None,
) -> None:
    """Parse and check profiles, or a whole Merge-style folder, one line per file.

    A folder: every profile in it (.pfl, .srv, .cfg) found by its content and
    checked, then against each other (info sections against the service
    profile, SQ items defined, tags and VRs against the dictionary), with one
    summary line. Exit status 1 when any file has an error (warnings alone do
    not fail), 2 when a file cannot be read or is not a profile.
    """
    dictionary = _load_reference(dictionary_path, read_dictionary)
    services = _load_reference(services_path, read_services)
    status = OK
    for path in files:
        if os.path.isdir(path):
            status = max(status, _report_folder(check_folder(path)))
            continue
        read = _read(path, kind)
        if isinstance(read, int):
            status = max(status, read)
            continue
        text, _, model = read
        found = check_profile(model, dictionary=dictionary, services=services)
        status = max(status, _report_file(path, text, model, found))
    sys.exit(status)


def _report_file(path: str, text: str, model: Any, found: Sequence[Diagnostic]) -> int:
    """Print a profile's problems, or its summary line; its exit status."""
    for d in _with_source(found, text):
        click.echo(d.render(), err=True)
    if any(d.severity == "error" for d in found):
        return FOUND_PROBLEMS
    warnings = len(found)
    suffix = f" ({warnings} warning{'s' if warnings != 1 else ''})" if warnings else ""
    click.echo(summary(os.path.basename(path), model) + suffix)
    return OK


def _report_folder(report: FolderReport) -> int:
    """Every profile as ``check`` reports a file, then one summary line."""
    if not report.profiles and not report.unreadable:
        raise InputFileError(
            report.folder, "no profile in this folder (files named *.pfl, *.srv or *.cfg)"
        )
    status = OK
    for error in report.unreadable:
        click.echo(error_text(error), err=True)
        status = max(status, exit_status(error))
    for path, reason in report.skipped:
        note(f"{path}: skipped: {reason}")
    for profile in report.profiles:
        found = profile.diagnostics
        status = max(status, _report_file(profile.path, profile.text, profile.model, found))
    names = ", ".join(os.path.basename(p.path) for p in report.profiles) or "none"
    against = [os.path.basename(p) for p in (report.services, report.dictionary) if p]
    cross = f"; checked against {' and '.join(against)}" if against else ""
    errors, warnings = report.errors, report.warnings
    click.echo(
        f"{report.folder}: {len(report.profiles)} profiles ({names}){cross}:"
        f" {errors} error{'s' if errors != 1 else ''},"
        f" {warnings} warning{'s' if warnings != 1 else ''}"
        + (f"; {len(report.skipped)} other files skipped" if report.skipped else "")
    )
    return status


def canonical_text(kind: Kind, model: Any, services: ServiceProfile | None) -> str:
    return formats.get(kind).format(model, services)


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option(
    "--check",
    "check_only",
    is_flag=True,
    help="Change nothing; list files that are not canonical and exit 1.",
)
@_kind_option
@_services_option("mergecom.srv: order info.pfl sections by its COMMAND_k order.")
def fmt(
    files: tuple[str, ...], check_only: bool, kind: Kind | None, services_path: str | None
) -> None:
    """Rewrite profiles in canonical form, only when they change.

    Each file is replaced atomically (a symbolic link's target is written,
    the link stays). Exit status 1 with --check when a file is not canonical,
    or when a file has errors; 2 when a file cannot be read or written.
    """
    services = _load_reference(services_path, read_services)
    status = OK
    for path in files:
        read = _read(path, kind)
        if isinstance(read, int):
            status = max(status, read)
            continue
        text, chosen, model = read
        canonical = canonical_text(chosen, model, services)
        if canonical == text:
            continue
        if check_only:
            click.echo(f"would reformat {path}")
            status = max(status, FOUND_PROBLEMS)
            continue
        try:
            write_text_atomic(path, canonical)
        except MdictError as exc:
            click.echo(error_text(exc), err=True)
            status = max(status, USAGE)
            continue
        note(f"reformatted {path}")
    sys.exit(status)
