"""``mdict dcomb`` and ``mdict icomb``: merge dictionaries, apply configurations."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import NoReturn

import click

from mdict.combine import apply_configs, merge_dictionaries, short_form
from mdict.errors import Diagnostic, InputFileError, MdictError, ProfileError
from mdict.fileio import read_text, write_text_atomic
from mdict.write import format_dictionary, format_info, format_services


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


def fail(error: MdictError) -> NoReturn:
    """Print an error the mdict way (file:line:col, the line, a caret) and exit 1."""
    if isinstance(error, ProfileError):
        text = "\n".join(d.render() for d in with_source_lines(error.diagnostics))
    else:
        text = str(error)
    click.echo(text, err=True)
    sys.exit(1)


def refuse_to_overwrite(outputs: Sequence[str], inputs: Sequence[str]) -> None:
    """Inputs are never modified: an output naming an input is an error."""
    for output in outputs:
        for source in inputs:
            same = os.path.exists(output) and os.path.exists(source)
            if same and os.path.samefile(output, source):
                raise InputFileError(
                    output, f"is also an input ({source}); inputs are never modified"
                )


def write_together(files: Sequence[tuple[str, str]]) -> None:
    """Write several text files all or nothing: every temporary file is
    written and flushed first, then each is renamed over its target."""
    temporaries: list[tuple[str, str]] = []
    try:
        for path, _ in files:
            # A folder in a target's place makes its rename fail after the
            # earlier targets were replaced: refuse before anything is written.
            if os.path.isdir(path):
                raise InputFileError(path, "cannot write: Is a directory")
        for path, text in files:
            try:
                fd, temporary = tempfile.mkstemp(
                    prefix=f".{os.path.basename(path)}.",
                    suffix=".tmp",
                    dir=os.path.dirname(path) or ".",
                )
                temporaries.append((temporary, path))
                with os.fdopen(fd, "wb") as handle:
                    handle.write(text.encode("utf-8"))
                    handle.flush()
                    os.fsync(handle.fileno())
                mode = os.stat(path).st_mode & 0o7777 if os.path.exists(path) else 0o644
                os.chmod(temporary, mode)
            except OSError as exc:
                raise InputFileError(path, f"cannot write: {exc.strerror or exc}") from None
        while temporaries:
            temporary, path = temporaries[0]
            try:
                os.replace(temporary, path)
            except OSError as exc:
                raise InputFileError(path, f"cannot write: {exc.strerror or exc}") from None
            temporaries.pop(0)
    finally:
        for temporary, _ in temporaries:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def echo_warnings(warnings: Iterable[Diagnostic], prefix: str = "") -> None:
    for warning in warnings:
        click.echo(prefix + short_form(warning), err=True)


@click.command("dcomb")
@click.argument("base", metavar="BASE")
@click.argument("additions", metavar="ADDITIONS")
@click.option(
    "-o", "--output", required=True, metavar="FILE", help="The merged dictionary profile to write."
)
@click.option("--sort", is_flag=True, help="Accept inputs that are not in canonical order.")
@click.option("--strict", is_flag=True, help="Make every replaced entry an error.")
def dcomb(base: str, additions: str, output: str, sort: bool, strict: bool) -> None:
    """Merge the dictionary ADDITIONS into BASE and write one canonical dictionary.

    Identical entries are written once; an addition with the tag of a base
    entry but another name, VR or VM replaces it (a warning, an error with
    --strict).
    """
    from mdict.parse import read_dictionary

    try:
        refuse_to_overwrite([output], [base, additions])
        merged = merge_dictionaries(
            read_dictionary(base), read_dictionary(additions), sort=sort, strict=strict
        )
        write_text_atomic(output, format_dictionary(merged.dictionary))
    except MdictError as error:
        fail(error)
    except OSError as error:
        fail(InputFileError(output, f"cannot write: {error.strerror or error}"))
    echo_warnings(merged.warnings)
    click.echo(f"{output}: {merged.summary()}")


@click.command("icomb")
@click.option(
    "--services",
    "services_path",
    required=True,
    metavar="FILE",
    help="The mergecom.srv to start from.",
)
@click.option(
    "--info", "info_path", required=True, metavar="FILE", help="The info.pfl to start from."
)
@click.option(
    "--config",
    "configs",
    required=True,
    multiple=True,
    metavar="FILE",
    help="A configuration file; repeat to apply several in order.",
)
@click.option(
    "-o", "--output-dir", metavar="DIR", help="Write mergecom.srv and info.pfl into this folder."
)
@click.option("--out-services", metavar="FILE", help="Where to write the service profile.")
@click.option("--out-info", metavar="FILE", help="Where to write the info profile.")
@click.option(
    "--dictionary", "dictionary_path", metavar="FILE", help="Check every tag used against it."
)
@click.option("--strict", is_flag=True, help="Make every replaced line an error.")
@click.option("--dry-run", is_flag=True, help="Print what would change; write nothing.")
def icomb(
    services_path: str,
    info_path: str,
    configs: tuple[str, ...],
    output_dir: str | None,
    out_services: str | None,
    out_info: str | None,
    dictionary_path: str | None,
    strict: bool,
    dry_run: bool,
) -> None:
    """Apply configuration files to a service profile and an info profile.

    Writes both profiles, canonical, or nothing at all when anything is wrong.
    """
    from mdict.parse import read_combine_config, read_dictionary, read_info, read_services

    if output_dir is not None and (out_services or out_info):
        raise click.UsageError("give either -o/--output-dir or --out-services and --out-info")
    if output_dir is not None:
        out_services = str(Path(output_dir) / "mergecom.srv")
        out_info = str(Path(output_dir) / "info.pfl")
    if not dry_run and (out_services is None or out_info is None):
        raise click.UsageError("give -o/--output-dir, or both --out-services and --out-info")
    outputs = [p for p in (out_services, out_info) if p is not None]
    if len(outputs) == 2 and os.path.abspath(outputs[0]) == os.path.abspath(outputs[1]):
        raise click.UsageError("--out-services and --out-info name the same file")
    inputs = [services_path, info_path, *configs]
    if dictionary_path is not None:
        inputs.append(dictionary_path)
    try:
        if not dry_run:
            refuse_to_overwrite(outputs, inputs)
        services = read_services(services_path)
        info = read_info(info_path)
        dictionary = read_dictionary(dictionary_path) if dictionary_path is not None else None
        parsed = [read_combine_config(path) for path in configs]
        result = apply_configs(services, info, parsed, dictionary=dictionary, strict=strict)
        echo_warnings(result.warnings)
        if dry_run:
            click.echo(f"dry run, nothing written: {result.summary.describe()}")
            return
        assert out_services is not None and out_info is not None
        services_text = format_services(result.services)
        info_text = format_info(result.info, result.services)
        if output_dir is not None:
            if os.path.exists(output_dir) and not os.path.isdir(output_dir):
                raise InputFileError(output_dir, "cannot write: not a folder (-o names a folder)")
            Path(output_dir).mkdir(parents=True, exist_ok=True)
        write_together([(out_services, services_text), (out_info, info_text)])
    except MdictError as error:
        fail(error)
    except OSError as error:
        fail(InputFileError(error.filename or "output", f"cannot write: {error.strerror}"))
    click.echo(result.summary.describe())
    click.echo(f"wrote {out_services} and {out_info}")
