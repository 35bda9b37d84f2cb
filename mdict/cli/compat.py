"""``mc3dcomb``, ``mc3icomb``, ``mc3dict`` and ``mc3info``: Merge's four tools
with their command lines and console, for scripts written for Merge::

    mc3dcomb <diction.pfl> <input_file> <output_file>
    mc3icomb <mergecom.srv> <info.pfl> <input_file> <output.srv> <output.pfl>
    mc3dict <dictionary profile> [-o FILE] [--force]  writes mrgcom3.dct here
    mc3info <message info profile> [--services FILE] [--dictionary FILE]
            [--conditions FILE] [--modules FILE] [--no-borrow] [-o FILE] [--force]
                                                    writes mrgcom3.msg here

Merge's console style: a banner, progress lines, ``DONE`` on stdout; on a
bad line ``ERROR: Invalid Input File format in line number N`` followed by
mdict's ``FILE:LINE:COL`` reason on stderr; nothing written. Exit statuses
are those of every mdict command (mdict.cli._common.EXIT_STATUSES); ``--help``
prints the help and exits 0.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from pathlib import Path

import click

from mdict.cli._common import exit_status, refuse_to_overwrite, reported, with_source_lines
from mdict.combine import apply_configs, merge_dictionaries, short_form
from mdict.errors import InputFileError, MdictError, OutputRefused, ProfileError
from mdict.fileio import require_regular_file, write_bytes_atomic, write_files_atomic

SETTINGS = {"help_option_names": ["-h", "--help"]}


def element_counts(total: int) -> list[int]:
    """The counts Merge prints: every PROGRESS_STEP entries, then the total."""
    from mdict.db.build import PROGRESS_STEP

    counts = list(range(PROGRESS_STEP, total + 1, PROGRESS_STEP))
    if not counts or counts[-1] != total:
        counts.append(total)
    return counts


def merge_error_text(error: MdictError) -> str:
    """An error in Merge's style, each followed by mdict's reason."""
    if isinstance(error, ProfileError):
        lines = []
        for diagnostic in with_source_lines(error.diagnostics):
            where = f" in line number {diagnostic.line}" if diagnostic.line > 0 else ""
            lines += [f"ERROR: Invalid Input File format{where}", diagnostic.render()]
        return "\n".join(lines)
    if isinstance(error, InputFileError) and not isinstance(error, OutputRefused):
        return f"ERROR: Unable to open {error.file}: {error.reason}"
    return f"ERROR: {error}"


@contextlib.contextmanager
def merge_reported() -> Iterator[None]:
    """Errors in Merge's style; interruptions and exit statuses as every command."""
    with reported():
        try:
            yield
        except MdictError as error:
            click.echo(merge_error_text(error), err=True)
            raise click.exceptions.Exit(exit_status(error)) from None


def _banner(tool: str, purpose: str) -> None:
    click.echo(f"{tool}: {purpose} (mdict)")


# ---------------------------------------------------------------------------
# mc3dcomb / mc3icomb
# ---------------------------------------------------------------------------


@click.command("mc3dcomb", context_settings=SETTINGS)
@click.argument("base", metavar="DICTION.PFL")
@click.argument("additions", metavar="INPUT_FILE")
@click.argument("output", metavar="OUTPUT_FILE")
def mc3dcomb(base: str, additions: str, output: str) -> None:
    """Merge the dictionary INPUT_FILE into DICTION.PFL, write OUTPUT_FILE.

    Merge's mc3dcomb; `mdict dcomb` is the same with mdict's options.
    """
    from mdict.parse import read_dictionary
    from mdict.write import format_dictionary

    _banner("mc3dcomb", "merging dictionary profiles")
    with merge_reported():
        refuse_to_overwrite([output], [base, additions])
        merged = merge_dictionaries(read_dictionary(base), read_dictionary(additions))
        text = format_dictionary(merged.dictionary)
        write_files_atomic([(output, text.encode("utf-8"))], [base, additions])
    for warning in merged.warnings:
        click.echo(f"WARNING: {short_form(warning)}")
    click.echo(merged.summary())
    click.echo("DONE")


@click.command("mc3icomb", context_settings=SETTINGS)
@click.argument("services_path", metavar="MERGECOM.SRV")
@click.argument("info_path", metavar="INFO.PFL")
@click.argument("config_path", metavar="INPUT_FILE")
@click.argument("out_services", metavar="OUTPUT.SRV")
@click.argument("out_info", metavar="OUTPUT.PFL")
def mc3icomb(
    services_path: str, info_path: str, config_path: str, out_services: str, out_info: str
) -> None:
    """Apply the configuration INPUT_FILE to MERGECOM.SRV and INFO.PFL.

    Merge's mc3icomb: writes OUTPUT.SRV and OUTPUT.PFL, both or neither;
    `mdict icomb` is the same with mdict's options.
    """
    from mdict.parse import read_combine_config, read_info, read_services
    from mdict.write import format_info, format_services

    _banner("mc3icomb", "applying a configuration file")
    inputs = [services_path, info_path, config_path]
    with merge_reported():
        refuse_to_overwrite([out_services, out_info], inputs)
        result = apply_configs(
            read_services(services_path), read_info(info_path), [read_combine_config(config_path)]
        )
        texts = (format_services(result.services), format_info(result.info, result.services))
        write_files_atomic(
            [(out_services, texts[0].encode("utf-8")), (out_info, texts[1].encode("utf-8"))],
            inputs,
        )
    for warning in result.warnings:
        click.echo(f"WARNING: {short_form(warning)}")
    click.echo(result.summary.describe())
    click.echo("DONE")


# ---------------------------------------------------------------------------
# mc3dict / mc3info
# ---------------------------------------------------------------------------


@click.command("mc3dict", context_settings=SETTINGS)
@click.argument("dictionary", metavar="DICTIONARY_PROFILE")
@click.option(
    "-o", "--output", metavar="FILE", default="mrgcom3.dct", show_default=True,
    help="The dictionary database to write.",
)  # fmt: skip
@click.option("--force", is_flag=True, help="Replace an output that is not an mdict database.")
def mc3dict(dictionary: str, output: str, force: bool) -> None:
    """Compile a dictionary profile into a dictionary database.

    Merge's mc3dict; `mdict dict` is the same with mdict's options.
    """
    from mdict.db.build import compile_dictionary
    from mdict.db.database import refuse_to_replace
    from mdict.db.format import source_of
    from mdict.parse import read_dictionary

    _banner("mc3dict", "compiling a dictionary profile")
    with merge_reported():
        refuse_to_overwrite([output], [dictionary])
        refuse_to_replace(output, force)  # a Merge binary, say
        compiled = compile_dictionary(
            read_dictionary(dictionary), [source_of(dictionary, "dictionary")]
        )
        click.echo("Number of Data Elements processed:")
        for count in element_counts(compiled.counts["entries"]):
            click.echo(str(count))
        write_bytes_atomic(output, compiled.data, [dictionary])
    click.echo(f"{output}: {len(compiled.data)} bytes")
    click.echo("DONE")


def beside(info: str, given: str | None, name: str, required: bool = True) -> str | None:
    """An option's file, or the file of that name beside the info profile."""
    if given is not None:
        return given
    path = Path(info).parent / name
    return str(path) if required or path.is_file() else None


@click.command("mc3info", context_settings=SETTINGS)
@click.argument("info", metavar="MESSAGE_INFO_PROFILE")
@click.option("--services", metavar="FILE", help="Default: mergecom.srv beside the info profile.")
@click.option("--dictionary", metavar="FILE", help="Default: diction.pfl beside the info profile.")
@click.option("--conditions", metavar="FILE", help="Default: conditions.pfl beside it, if there.")
@click.option("--modules", metavar="FILE", help="Default: modules.pfl beside it, if there.")
@click.option(
    "--no-borrow",
    is_flag=True,
    help="Do not borrow the standard database's conditions for undefined condition names.",
)
@click.option(
    "-o", "--output", metavar="FILE", default="mrgcom3.msg", show_default=True,
    help="The message database to write.",
)  # fmt: skip
@click.option("--force", is_flag=True, help="Replace an output that is not an mdict database.")
def mc3info(
    info: str,
    services: str | None,
    dictionary: str | None,
    conditions: str | None,
    modules: str | None,
    no_borrow: bool,
    output: str,
    force: bool,
) -> None:
    """Compile a message info profile, its services and dictionary into a database.

    Merge's mc3info; `mdict info` is the same with mdict's options.
    """
    from mdict.db.build import compile_message_files, undefined_summary
    from mdict.db.database import Database, refuse_to_replace

    with merge_reported():
        require_regular_file(info)  # named first: it is the file the user typed
    services = beside(info, services, "mergecom.srv")
    dictionary = beside(info, dictionary, "diction.pfl")
    conditions = beside(info, conditions, "conditions.pfl", required=False)
    modules = beside(info, modules, "modules.pfl", required=False)
    assert services is not None and dictionary is not None
    inputs = [p for p in (info, services, dictionary, conditions, modules) if p is not None]
    _banner("mc3info", "compiling a message info profile")
    with merge_reported():
        refuse_to_overwrite([output], inputs)
        refuse_to_replace(output, force)  # a Merge binary, say
        compiled = compile_message_files(
            info, services, dictionary, conditions, modules, borrow=not no_borrow
        )
        db = Database.from_bytes(compiled.data, output)
        for number, command in db.messages():
            click.echo(f"Service {number:04d}, Command {command}")
        for number in db.item_numbers():
            click.echo(f"Item {number:04d}")
        write_bytes_atomic(output, compiled.data, inputs)
    for warning in compiled.warnings:
        if not warning.message.startswith("condition "):
            click.echo(f"WARNING: {warning}")
    summary = undefined_summary(compiled)
    if summary is not None:
        click.echo(f"WARNING: {summary} (mdict info --show-warnings lists them)")
    click.echo(f"{output}: {len(compiled.data)} bytes")
    click.echo("DONE")


def run(command: click.Command, argv: Sequence[str]) -> int:
    """Run a command in this process, as its console script would; return
    its exit status (for tests and callers that must not exit)."""
    try:
        result = command.main(list(argv), prog_name=command.name, standalone_mode=False)
    except click.exceptions.Exit as done:
        return done.exit_code
    except click.ClickException as error:
        error.show()
        return error.exit_code
    except click.exceptions.Abort:
        return 130
    return result if isinstance(result, int) else 0
