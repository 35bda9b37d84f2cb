"""``mdict diff | import | export | learn | dump | table``: private dictionaries in practice.

Exit statuses as every command (mdict.cli._common.EXIT_STATUSES): ``diff``
exits 1 when it found differences.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from mdict import formats
from mdict.cli._common import (
    FOUND_PROBLEMS,
    OK,
    database_inputs,
    db_options,
    emit,
    fail,
    note,
    open_database,
    output_option,
    progress_bar,
    refuse_to_overwrite,
    write_together,
)
from mdict.db.protocol import MessageDatabase
from mdict.errors import Diagnostic, InputFileError, MdictError
from mdict.fileio import decode_text, read_bytes, require_regular_file
from mdict.model import CombineConfig, Dictionary, InfoProfile, ServiceProfile
from mdict.private.diff import diff_kinds

Profile = Dictionary | ServiceProfile | InfoProfile | CombineConfig
PROFILE_TYPES = (Dictionary, ServiceProfile, InfoProfile, CombineConfig)
KIND_CHOICES = ("auto", *diff_kinds())
DEV_NULL = "/dev/null"


def warn(diagnostics: Sequence[Diagnostic] | Sequence[str]) -> None:
    for d in diagnostics:
        click.echo(str(d), err=True)


def read_source(path: str, kind: str = "auto") -> Profile | MessageDatabase:
    """A profile (its kind detected unless given) or a compiled database (binary)."""
    data = read_bytes(path)
    try:
        text = decode_text(data, path)
    except InputFileError:
        return open_database(path, messages=False)
    from mdict import formats
    from mdict.private.diff import DIFFERS

    found = formats.detect_kind(text) if kind == "auto" else kind
    if found not in DIFFERS:
        raise InputFileError(
            path, f"is a {found} file; expected a dictionary, service or info profile"
        )
    model: Profile = formats.get(found).parse(text, path)
    return model


def read_dictionary_source(path: str) -> Dictionary:
    """A dictionary profile, or the dictionary of a compiled database."""
    source = read_source(path)
    if isinstance(source, Dictionary):
        return source
    if isinstance(source, PROFILE_TYPES):
        raise InputFileError(path, "expected a dictionary profile or a compiled database")
    from mdict.private.diff import dictionary_of

    return dictionary_of(source)


# ---------------------------------------------------------------------------
# diff
# ---------------------------------------------------------------------------


def _as_kind(source: Profile | MessageDatabase, kind: str) -> Profile:
    from mdict.private.diff import FROM_DATABASE

    if isinstance(source, PROFILE_TYPES):
        return source
    for known, take in FROM_DATABASE.items():
        if known == kind:
            return take(source)
    raise InputFileError("<database>", "a database holds no mc3icomb configuration")


def compute_diffs(
    old_path: str,
    new_path: str,
    kind: str = "auto",
    services: tuple[str, str] | None = None,
    old_label: str | None = None,
    new_label: str | None = None,
) -> list[Any]:
    """The Diff (one per kind compared) between two sources."""
    from mdict.private.diff import (
        EMPTY,
        FROM_DATABASE,
        Diff,
        diff_dictionary_texts,
        diff_info,
        diff_profiles,
        kind_of,
        services_of,
    )

    labels = (old_label or old_path, new_label or new_path)
    texts = _dictionary_texts(old_path, new_path, kind)
    if texts is not None:
        found = diff_dictionary_texts(texts[0], texts[1], old_path, new_path)
        return [Diff("dictionary", labels[0], labels[1], tuple(found))]
    old = None if old_path == DEV_NULL else read_source(old_path, kind)
    new = None if new_path == DEV_NULL else read_source(new_path, kind)
    profiles = [s for s in (old, new) if isinstance(s, PROFILE_TYPES)]
    kinds = {kind_of(p) for p in profiles}
    if len(kinds) > 1:
        raise InputFileError(
            new_path,
            f"is a {kind_of(profiles[1])} profile but {old_path} is a "
            f"{kind_of(profiles[0])} profile; diff compares two of the same kind",
        )
    compared = sorted(kinds) if kinds else list(FROM_DATABASE)
    out: list[Diff] = []
    for k in compared:
        a = EMPTY[k]() if old is None else _as_kind(old, k)
        b = EMPTY[k]() if new is None else _as_kind(new, k)
        if isinstance(a, InfoProfile) and isinstance(b, InfoProfile):
            old_srv = new_srv = None
            if services is not None:
                from mdict import parse

                old_srv, new_srv = (parse.read_services(p) for p in services)
            elif old is not None and new is not None and not profiles:
                old_srv, new_srv = services_of(old), services_of(new)  # type: ignore[arg-type]
            changes = tuple(diff_info(a, b, old_srv, new_srv))
            out.append(Diff("info", labels[0], labels[1], changes))
        else:
            out.append(diff_profiles(a, b, *labels))
    return out


def _dictionary_texts(old_path: str, new_path: str, kind: str) -> tuple[str, str] | None:
    """Both texts when both files are dictionary profiles (the fast path)."""
    if DEV_NULL in (old_path, new_path) or kind not in ("auto", "dictionary"):
        return None
    texts = []
    for path in (old_path, new_path):
        try:
            text = decode_text(read_bytes(path), path)
        except InputFileError as exc:
            if not exc.reason.startswith("binary data"):
                raise
            return None
        if kind == "auto" and formats.detect_kind(text) != "dictionary":
            return None
        texts.append(text)
    return texts[0], texts[1]


@click.command("diff")
@click.argument("paths", nargs=-1, required=True, metavar="OLD NEW")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when the profiles differ.")
@click.option(
    "--kind",
    type=click.Choice(KIND_CHOICES),
    default="auto",
    show_default=True,
    help="The profile kind (detected from the content by default).",
)
@click.option(
    "--services",
    nargs=2,
    metavar="OLD_SRV NEW_SRV",
    help="Service profiles naming the services and items of two info profiles.",
)
@click.option(
    "--git-driver",
    is_flag=True,
    help="Take git's external-diff arguments (path old-file old-hex old-mode new-file ...).",
)
def diff_command(
    paths: tuple[str, ...],
    fmt: str,
    exit_zero: bool,
    kind: str,
    services: tuple[str, str] | None,
    git_driver: bool,
) -> None:
    """Compare two profiles, or a profile and a database, by meaning.

    Two profiles of the same kind (dictionary, service, info or mc3icomb
    configuration), or a profile and a compiled database.

    Attributes, services, commands, items and message lines that were added,
    removed or changed; a changed VR, VM, type or value list shows old -> new.
    Reordering and whitespace are no difference. Exit status: 0 same,
    1 different, 2 error.
    """
    from mdict.private.diff import format_json, format_text

    labels: tuple[str | None, str | None] = (None, None)
    if git_driver:
        if len(paths) not in (7, 9):
            fail("mdict diff --git-driver: expected the 7 (or 9) arguments git passes")
        name = paths[0]
        labels = (f"a/{name}", f"b/{paths[7] if len(paths) == 9 else name}")
        old_path, new_path = paths[1], paths[4]
    elif len(paths) != 2:
        fail(f"mdict diff: expected OLD and NEW, found {len(paths)} paths")
    else:
        old_path, new_path = paths
    diffs = compute_diffs(old_path, new_path, kind, services, *labels)
    if fmt == "json" and len(diffs) > 1:  # two databases: one JSON array
        text = "[\n" + ",\n".join(format_json(d).rstrip("\n") for d in diffs) + "\n]\n"
    else:
        text = "".join((format_json if fmt == "json" else format_text)(d) for d in diffs)
    click.echo(text, nl=False)
    if git_driver or exit_zero:
        return
    sys.exit(OK if all(d.same for d in diffs) else FOUND_PROBLEMS)


# ---------------------------------------------------------------------------
# import / export
# ---------------------------------------------------------------------------


@click.group("import")
def import_group() -> None:
    """Import a dictionary from another tool's format."""


@import_group.command("dcmtk")
@click.argument("source", metavar="PRIVATE_DIC")
@output_option("The diction.pfl to write", required=True, dash=True)
@click.option("--private-only", is_flag=True, help="Skip standard (public) tags.")
def import_dcmtk(source: str, output: str, private_only: bool) -> None:
    """Convert a DCMTK dictionary (private.dic) into a canonical diction.pfl."""
    from mdict.private.dcmtk import read_dcmtk
    from mdict.write import format_dictionary

    result = read_dcmtk(source, private_only=private_only)
    warn(result.warnings)
    emit(format_dictionary(result.dictionary), output, [source])
    if output != "-":
        note(f"{output}: {len(result.dictionary.entries)} entries")


@click.group("export")
def export_group() -> None:
    """Export a dictionary for another tool."""


@export_group.command("dcmtk")
@click.argument("source", metavar="DICTIONARY")
@output_option("The private.dic to write", required=True, dash=True)
@click.option("--include-standard", is_flag=True, help="Also write standard (public) entries.")
@click.option("--keywords", is_flag=True, help="Write names as keywords (PatientsName).")
def export_dcmtk(source: str, output: str, include_standard: bool, keywords: bool) -> None:
    """Write the private entries of a dictionary profile (or compiled database)
    in DCMTK's private.dic format."""
    from mdict.private.dcmtk import format_dcmtk

    dictionary = read_dictionary_source(source)
    text, warnings = format_dcmtk(dictionary, include_standard, keywords, source)
    warn(warnings)
    emit(text, output, [source])


@export_group.command("pydicom")
@click.argument("source", metavar="DICTIONARY")
@output_option("The Python module to write", required=True, dash=True)
def export_pydicom(source: str, output: str) -> None:
    """Write the private entries of a dictionary profile (or compiled database)
    as a Python module for pydicom.datadict.add_private_dict_entries."""
    from mdict.private.pydicom_bridge import format_pydicom_module

    dictionary = read_dictionary_source(source)
    module = Path(output).stem if output != "-" else "private_dict"
    emit(format_pydicom_module(dictionary, source, module), output, [source])


# ---------------------------------------------------------------------------
# learn
# ---------------------------------------------------------------------------


def _known_dictionary(path: str | None) -> Dictionary | None:
    if path is not None:
        return read_dictionary_source(path)
    try:
        from mdict.private.diff import dictionary_of

        return dictionary_of(open_database())
    except (ImportError, MdictError):
        click.echo("note: no embedded database; every private attribute is new", err=True)
        return None


@click.command("learn")
@click.argument("folders", nargs=-1, metavar="DIR...")
@output_option("The diction.pfl of proposals to write.", required=True)
@click.option(
    "--dictionary",
    "dictionary_path",
    help="Attributes known already (profile or database; default: the embedded database).",
)
@click.option("--report", help="The companion report (default: OUTPUT with .report.md).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes (default: CPUs).")
@click.option("--progress/--no-progress", default=True, show_default=True)
@click.option(
    "--engine",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="Where files are read: this machine's cores or a Dask cluster (docs/scale.md).",
)
@click.option("--scheduler", metavar="ADDRESS", help="A running Dask scheduler.")
@click.option("--partition-size", type=click.IntRange(1), default=64, show_default=True)
@click.option("--from-list", metavar="FILE", help="Read the files listed (one a line; - stdin).")
def learn_command(
    folders: tuple[str, ...],
    output: str,
    dictionary_path: str | None,
    report: str | None,
    jobs: int | None,
    progress: bool,
    **scale: Any,
) -> None:
    """Propose dictionary lines for the unknown private attributes of DICOM files.

    Proposes diction.pfl lines for the private attributes of the DICOM files
    under DIR that the dictionary does not know yet. Each proposal's VR comes from explicit-VR files, or is inferred from the
    values of implicit-VR files and marked "(VR inferred)" in its name; the
    report says for every line how it was found, the VM range seen, the number
    of files and an example value, and lists conflicts.
    """
    from mdict.private.learn import find_files, format_report, propose, scan_files
    from mdict.write import format_dictionary

    report_path = report or str(Path(output).with_suffix("")) + ".report.md"
    for folder in folders:
        if not os.path.exists(folder):
            raise InputFileError(folder, "no such file or directory")
    known = _known_dictionary(dictionary_path)
    paths: list[str] = []
    if scale["engine"] != "local" or scale["from_list"]:
        from mdict.scale.command import learn_command as scaled  # docs/scale.md

        learned = scaled(folders, known, jobs, progress, scale)
    else:
        if not folders:
            raise click.UsageError("Missing argument 'DIR...'.")
        paths = [p for folder in folders for p in find_files(folder)]
        refuse_to_overwrite([output, report_path], paths)
        with progress_bar(len(paths), "reading", shown=progress) as advance:
            learned = propose(scan_files(paths, jobs), known, advance)
    write_together(  # both or neither
        [
            (output, format_dictionary(learned.dictionary())),
            (report_path, format_report(learned, output)),
        ],
        paths,
    )
    conflicts = sum(1 for p in learned.proposals if p.conflict) + len(learned.known_conflicts)
    note(
        f"{output}: {len(learned.proposals)} proposed lines from {learned.dicom_files} DICOM files "
        f"({len(learned.skipped)} skipped, {conflicts} conflicts); report: {report_path}"
    )


# ---------------------------------------------------------------------------
# dump / table
# ---------------------------------------------------------------------------


@click.command("dump")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--filter", "pattern", help="Keep the lines this regular expression matches.")
@click.option(
    "--message",
    nargs=2,
    metavar="SERVICE COMMAND",
    help="Annotate with this message instead of the SOP Class's C_STORE_RQ.",
)
@db_options
def dump_command(
    file: str,
    pattern: str | None,
    message: tuple[str, str] | None,
    db_path: str | None,
    profiles: str | None,
) -> None:
    """Print a DICOM file annotated with the database's knowledge.

    Each element: tag, VR, VM, name and value; for the file's message the
    type (1/1C/2/2C/3) with its condition and the check against enumerated
    values and defined terms.
    """
    import re

    from mdict.private.dump import Dumper, format_dump

    if pattern is not None:
        try:
            re.compile(pattern)
        except re.error as exc:
            fail(f"--filter: error: not a regular expression: {exc}")
    dataset = _read_dicom(file)
    dumper = Dumper(open_database(db_path, profiles))
    chosen = dumper.message_named(*message) if message else None
    header, section = chosen if chosen else dumper.message_for(dataset)
    try:
        lines = dumper.dump(dataset, section)
    except (ValueError, TypeError, KeyError, EOFError) as exc:  # pydicom decoding a bad value
        raise InputFileError(file, f"cannot decode the dataset: {exc}") from None
    text = format_dump(f"{file}: {header}", lines, pattern)
    click.echo(text, nl=False)


def _read_dicom(path: str) -> Any:
    from pydicom import dcmread
    from pydicom.errors import InvalidDicomError

    from mdict.validation.elements import inflated_too_large

    require_regular_file(path)  # one clear error for a missing file, a folder, a FIFO
    too_large = inflated_too_large(path)
    if too_large is not None:
        raise InputFileError(path, too_large)
    try:
        return dcmread(path)
    except InvalidDicomError:
        raise InputFileError(path, "not a DICOM file (no DICM preamble)") from None
    except Exception as exc:
        raise InputFileError(path, f"cannot read as DICOM: {exc}") from None


@click.command("table")
@click.argument("service")
@click.argument("command")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "csv", "html"]),
    default="markdown",
    show_default=True,
)
@output_option("The file to write", default="-", dash=True)
@db_options
def table_command(
    service: str,
    command: str,
    fmt: str,
    output: str,
    db_path: str | None,
    profiles: str | None,
) -> None:
    """Write the attribute table of a message as Markdown, CSV or HTML.

    SERVICE by name, UID or number; COMMAND such as C_STORE_RQ. Items are
    nested with '>'; module by module when the database knows the message's
    modules (modules.pfl), one list otherwise.
    """
    from mdict.private.table import format_groups, format_table, message_groups, message_rows

    inputs = database_inputs(db_path, profiles)
    refuse_to_overwrite([output], inputs)  # before the work, not only at the write
    db = open_database(db_path, profiles)
    title, groups = message_groups(db, service, command)
    if groups is None:
        title, rows = message_rows(db, service, command)
        emit(format_table(title, rows, fmt), output, inputs)  # type: ignore[arg-type]
    else:
        emit(format_groups(title, groups, fmt), output, inputs)  # type: ignore[arg-type]
