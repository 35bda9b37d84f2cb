"""``mc3dict`` and ``mc3info``: the Merge compilers' command lines and console.

    mc3dict <dictionary profile>          writes mrgcom3.dct here
    mc3info <message info profile>        writes mrgcom3.msg here

mc3info reads mergecom.srv and diction.pfl (and conditions.pfl, if there)
from the info profile's folder; ``--services``, ``--dictionary``,
``--conditions`` and ``-o`` name other files. On a bad line both print
``ERROR: Invalid Input File format in line number N`` and mdict's reason,
write nothing and exit 1.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from mdict.cli.combine import refuse_to_overwrite
from mdict.cli.mc3comb import _report as report_error
from mdict.db.build import PROGRESS_STEP, Compiled, undefined_summary
from mdict.db.database import Database
from mdict.db.format import source_of
from mdict.errors import InputFileError, MdictError
from mdict.fileio import write_bytes_atomic

DICT_USAGE = "Usage: mc3dict <dictionary profile>"
INFO_USAGE = (
    "Usage: mc3info <message info profile> [--services FILE] [--dictionary FILE]"
    " [--conditions FILE] [--modules FILE] [--no-borrow] [-o FILE]"
)


def element_counts(total: int) -> list[int]:
    """The counts Merge prints: every PROGRESS_STEP entries, then the total."""
    counts = list(range(PROGRESS_STEP, total + 1, PROGRESS_STEP))
    if not counts or counts[-1] != total:
        counts.append(total)
    return counts


def _write(output: str, compiled: Compiled) -> None:
    try:
        write_bytes_atomic(output, compiled.data)
    except OSError as error:
        raise InputFileError(output, f"cannot write: {error.strerror or error}") from None


def run_dict(argv: Sequence[str]) -> int:
    if len(argv) != 1 or argv[0].startswith("-"):
        print(DICT_USAGE, file=sys.stderr)
        return 1
    from mdict.db.build import compile_dictionary
    from mdict.parse import read_dictionary

    (path,) = argv
    output = "mrgcom3.dct"
    print("mc3dict: compiling a dictionary profile (mdict)")
    try:
        refuse_to_overwrite([output], [path])
        compiled = compile_dictionary(read_dictionary(path), [source_of(path, "dictionary")])
        print("Number of Data Elements processed:")
        for count in element_counts(compiled.counts["entries"]):
            print(count)
        _write(output, compiled)
    except MdictError as error:
        return report_error(error)
    print(f"{output}: {len(compiled.data)} bytes")
    print("DONE")
    return 0


class _Arguments(argparse.ArgumentParser):
    """An argument parser that reports a bad command line to its caller."""

    def error(self, message: str) -> NoReturn:
        raise ValueError(message)


def _info_arguments(argv: Sequence[str]) -> argparse.Namespace | None:
    parser = _Arguments(prog="mc3info", add_help=False)
    parser.add_argument("info")
    parser.add_argument("--services")
    parser.add_argument("--dictionary")
    parser.add_argument("--conditions")
    parser.add_argument("--modules")
    parser.add_argument("--no-borrow", action="store_true")
    parser.add_argument("-o", "--output", default="mrgcom3.msg")
    arguments, unknown = parser.parse_known_args(argv)
    return None if unknown else arguments


def run_info(argv: Sequence[str]) -> int:
    try:
        arguments = _info_arguments(argv)
    except ValueError:
        arguments = None
    if arguments is None:
        print(INFO_USAGE, file=sys.stderr)
        return 1
    from mdict.db.build import compile_message_files

    folder = Path(arguments.info).parent
    services = arguments.services or str(folder / "mergecom.srv")
    dictionary = arguments.dictionary or str(folder / "diction.pfl")
    conditions = arguments.conditions
    if conditions is None and (folder / "conditions.pfl").is_file():
        conditions = str(folder / "conditions.pfl")
    modules = arguments.modules
    if modules is None and (folder / "modules.pfl").is_file():
        modules = str(folder / "modules.pfl")
    output: str = arguments.output
    print("mc3info: compiling a message info profile (mdict)")
    try:
        inputs = [arguments.info, services, dictionary]
        inputs += [path for path in (conditions, modules) if path]
        refuse_to_overwrite([output], inputs)
        compiled = compile_message_files(
            arguments.info,
            services,
            dictionary,
            conditions,
            modules,
            borrow=not arguments.no_borrow,
        )
        db = Database.from_bytes(compiled.data, output)
        for number, command in db.messages():
            print(f"Service {number:04d}, Command {command}")
        for number in db.item_numbers():
            print(f"Item {number:04d}")
        _write(output, compiled)
    except MdictError as error:
        return report_error(error)
    for warning in compiled.warnings:
        if not warning.message.startswith("condition "):
            print(f"WARNING: {warning}")
    summary = undefined_summary(compiled)
    if summary is not None:
        print(f"WARNING: {summary} (mdict info --show-warnings lists them)")
    print(f"{output}: {len(compiled.data)} bytes")
    print("DONE")
    return 0


def mc3dict() -> None:
    """Console script entry point."""
    sys.exit(run_dict(sys.argv[1:]))


def mc3info() -> None:
    """Console script entry point."""
    sys.exit(run_info(sys.argv[1:]))
