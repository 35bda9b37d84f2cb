"""``mdict check`` and ``mdict fmt``: validate profiles, rewrite them canonically."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

from mdict import formats
from mdict.check import check_profile
from mdict.errors import Diagnostic, InputFileError, ProfileError
from mdict.fileio import write_text_atomic
from mdict.formats import KINDS, Kind, detect_kind
from mdict.model import (
    CombineConfig,
    ConditionsProfile,
    Dictionary,
    InfoProfile,
    ModulesProfile,
    ServiceProfile,
)
from mdict.parse import read_dictionary, read_services
from mdict.parse._driver import read_profile_text, source_lines

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
            f" {len(conditions)} condition names"
        )
    if isinstance(model, ModulesProfile):
        uses = sum(len(m.modules) for m in model.messages)
        return f"{name}: {len(model.messages)} messages, {uses} module uses"
    if isinstance(model, ConditionsProfile):
        count = len(model)
        return f"{name}: {count} condition{'s' if count != 1 else ''}"
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
    """Read a --dictionary/--services file, or stop with its errors (exit 1)."""
    if path is None:
        return None
    try:
        return reader(path)
    except InputFileError as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(1) from None
    except ProfileError as exc:
        click.echo(exc.render(), err=True)
        raise SystemExit(1) from None


def _read(path: str, kind: Kind | None) -> tuple[str, Kind, Any] | None:
    """Read and parse one file; report problems and return None on failure."""
    try:
        text = read_profile_text(path)
        chosen = kind or detect_kind(text)
        return text, chosen, formats.get(chosen).parse(text, path)
    except InputFileError as exc:
        click.echo(str(exc), err=True)
    except ProfileError as exc:
        click.echo(exc.render(), err=True)
    return None


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
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
    """Parse and check profiles; print a one-line summary per file.

    Exit status 1 when any file has an error (warnings alone do not fail).
    """
    dictionary = _load_reference(dictionary_path, read_dictionary)
    services = _load_reference(services_path, read_services)
    failed = False
    for path in files:
        read = _read(path, kind)
        if read is None:
            failed = True
            continue
        text, _, model = read
        found = check_profile(model, dictionary=dictionary, services=services)
        for d in _with_source(found, text):
            click.echo(d.render(), err=True)
        if any(d.severity == "error" for d in found):
            failed = True
        else:
            warnings = len(found)
            suffix = f" ({warnings} warning{'s' if warnings != 1 else ''})" if warnings else ""
            click.echo(summary(os.path.basename(path), model) + suffix)
    if failed:
        raise SystemExit(1)


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
    """Rewrite profiles in canonical form (atomically, only when they change)."""
    services = _load_reference(services_path, read_services)
    failed = False
    for path in files:
        read = _read(path, kind)
        if read is None:
            failed = True
            continue
        text, chosen, model = read
        canonical = canonical_text(chosen, model, services)
        if canonical == text:
            continue
        if check_only:
            click.echo(f"would reformat {path}")
            failed = True
        else:
            try:
                write_text_atomic(path, canonical)
            except OSError as exc:
                click.echo(f"{path}: error: cannot write: {exc.strerror or exc}", err=True)
                failed = True
                continue
            click.echo(f"reformatted {path}")
    if failed:
        raise SystemExit(1)
