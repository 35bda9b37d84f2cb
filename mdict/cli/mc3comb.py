"""``mc3dcomb`` and ``mc3icomb``: the Merge tools' positional command lines.

    mc3dcomb <diction.pfl> <input_file> <output_file>
    mc3icomb <mergecom.srv> <info.pfl> <input_file> <output.srv> <output.pfl>

Merge's console style: a banner, progress lines, ``DONE``; on a bad line
``ERROR: Invalid Input File format in line number N`` followed by mdict's
``FILE:LINE:COL`` reason; nothing written and a non-zero exit status.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from mdict.cli.combine import refuse_to_overwrite, with_source_lines, write_together
from mdict.combine import apply_configs, merge_dictionaries, short_form
from mdict.errors import InputFileError, MdictError, ProfileError
from mdict.fileio import write_text_atomic
from mdict.write import format_dictionary, format_info, format_services

DCOMB_USAGE = "Usage: mc3dcomb <diction.pfl> <input_file> <output_file>"
ICOMB_USAGE = "Usage: mc3icomb <mergecom.srv> <info.pfl> <input_file> <output.srv> <output.pfl>"


def _banner(tool: str, purpose: str) -> None:
    print(f"{tool}: {purpose} (mdict)")


def _report(error: MdictError) -> int:
    """Print an error in Merge's style, followed by mdict's reason; return 1."""
    if isinstance(error, ProfileError):
        for diagnostic in with_source_lines(error.diagnostics):
            if diagnostic.line > 0:
                print(
                    f"ERROR: Invalid Input File format in line number {diagnostic.line}",
                    file=sys.stderr,
                )
            else:
                print("ERROR: Invalid Input File format", file=sys.stderr)
            print(diagnostic.render(), file=sys.stderr)
    elif isinstance(error, InputFileError):
        print(f"ERROR: Unable to open {error.file}: {error.reason}", file=sys.stderr)
    else:
        print(f"ERROR: {error}", file=sys.stderr)
    return 1


def run_dcomb(argv: Sequence[str]) -> int:
    if len(argv) != 3:
        print(DCOMB_USAGE, file=sys.stderr)
        return 1
    from mdict.parse import read_dictionary

    base, additions, output = argv
    _banner("mc3dcomb", "merging dictionary profiles")
    try:
        refuse_to_overwrite([output], [base, additions])
        merged = merge_dictionaries(read_dictionary(base), read_dictionary(additions))
        write_text_atomic(output, format_dictionary(merged.dictionary))
    except MdictError as error:
        return _report(error)
    except OSError as error:
        return _report(InputFileError(output, f"cannot write: {error.strerror or error}"))
    for warning in merged.warnings:
        print(f"WARNING: {short_form(warning)}")
    print(merged.summary())
    print("DONE")
    return 0


def run_icomb(argv: Sequence[str]) -> int:
    if len(argv) != 5:
        print(ICOMB_USAGE, file=sys.stderr)
        return 1
    from mdict.parse import read_combine_config, read_info, read_services

    services_path, info_path, config_path, out_services, out_info = argv
    _banner("mc3icomb", "applying a configuration file")
    try:
        refuse_to_overwrite([out_services, out_info], [services_path, info_path, config_path])
        result = apply_configs(
            read_services(services_path),
            read_info(info_path),
            [read_combine_config(config_path)],
        )
        services_text = format_services(result.services)
        info_text = format_info(result.info, result.services)
        write_together([(out_services, services_text), (out_info, info_text)])
    except MdictError as error:
        return _report(error)
    except OSError as error:
        name = str(error.filename or out_services)
        return _report(InputFileError(name, f"cannot write: {error.strerror or error}"))
    for warning in result.warnings:
        print(f"WARNING: {short_form(warning)}")
    print(result.summary.describe())
    print("DONE")
    return 0


def mc3dcomb() -> None:
    """Console script entry point."""
    sys.exit(run_dcomb(sys.argv[1:]))


def mc3icomb() -> None:
    """Console script entry point."""
    sys.exit(run_icomb(sys.argv[1:]))
