"""``mdict dcomb`` and ``mdict icomb``: merge dictionaries, apply configurations."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import click

from mdict.cli._common import note, output_option, refuse_to_overwrite, write_together
from mdict.combine import apply_configs, merge_dictionaries, short_form
from mdict.errors import Diagnostic, InputFileError
from mdict.write import format_dictionary, format_info, format_services


def echo_warnings(warnings: Iterable[Diagnostic], prefix: str = "") -> None:
    for warning in warnings:
        click.echo(prefix + short_form(warning), err=True)


@click.command("dcomb")
@click.argument("base", metavar="BASE")
@click.argument("additions", metavar="ADDITIONS")
@output_option("The merged dictionary profile to write.", required=True)
@click.option("--sort", is_flag=True, help="Accept inputs that are not in canonical order.")
@click.option("--strict", is_flag=True, help="Make every replaced entry an error.")
def dcomb(base: str, additions: str, output: str, sort: bool, strict: bool) -> None:
    """Merge a dictionary of additions into a base dictionary (mc3dcomb).

    Writes ADDITIONS merged into BASE as one canonical dictionary. Identical entries are written once; an addition with the tag of a base
    entry but another name, VR or VM replaces it (a warning, an error with
    --strict).
    """
    from mdict.parse import read_dictionary

    refuse_to_overwrite([output], [base, additions])
    merged = merge_dictionaries(
        read_dictionary(base), read_dictionary(additions), sort=sort, strict=strict
    )
    write_together([(output, format_dictionary(merged.dictionary))], [base, additions])
    echo_warnings(merged.warnings)
    note(f"{output}: {merged.summary()}")


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
    """Apply configuration files to a service profile and an info profile (mc3icomb).

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
    if output_dir is not None and os.path.exists(output_dir) and not os.path.isdir(output_dir):
        raise InputFileError(output_dir, "cannot write: not a folder (-o names a folder)")
    write_together([(out_services, services_text), (out_info, info_text)], inputs)
    note(result.summary.describe())
    note(f"wrote {out_services} and {out_info}")
