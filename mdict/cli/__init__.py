"""The ``mdict`` command: a click group whose subcommands live in one module
per command family, imported only when a command runs (``mdict --help``
imports none of them: the summaries are in COMMANDS).

Every command runs inside :func:`mdict.cli._common.reported`: one error
style and one exit-status table (``mdict.cli._common.EXIT_STATUSES``)."""

from __future__ import annotations

import gc
import importlib
from typing import Any, NamedTuple

import click

from mdict import __version__
from mdict.cli._common import reported


class Entry(NamedTuple):
    """Where a command lives (``module:attribute`` in mdict.cli) and its
    one-sentence summary (the first paragraph of its help)."""

    target: str
    summary: str


COMMANDS: dict[str, Entry] = {
    "check": Entry(
        "check:check",
        "Parse and check profiles, or a whole Merge-style folder, one line per file.",
    ),
    "fmt": Entry("check:fmt", "Rewrite profiles in canonical form, only when they change."),
    "dcomb": Entry(
        "combine:dcomb", "Merge a dictionary of additions into a base dictionary (mc3dcomb)."
    ),
    "icomb": Entry(
        "combine:icomb",
        "Apply configuration files to a service profile and an info profile (mc3icomb).",
    ),
    "dict": Entry(
        "database:dict_command", "Compile a dictionary profile into a database (mc3dict)."
    ),
    "info": Entry(
        "database:info_command",
        "Compile an info profile, its services and dictionary into a database (mc3info).",
    ),
    "decompile": Entry(
        "database:decompile_command", "Write a compiled database back as canonical profiles."
    ),
    "check-db": Entry(
        "database:check_db_command",
        "Tell whether a compiled database is stale relative to its source profiles.",
    ),
    "lookup": Entry(
        "lookup:lookup_command", "Look attributes up by tag, private tag, name or keyword."
    ),
    "services": Entry(
        "lookup:services_command", "List the services of a database, or its item table."
    ),
    "show": Entry("lookup:show_command", "Show the spec of a message or an item as a table."),
    "validate": Entry(
        "validate:validate_command",
        "Validate DICOM files, or every file under folders, against a database.",
    ),
    "report": Entry(
        "report:report_command",
        "Render validation results as one self-contained HTML page.",
    ),
    "scp": Entry("net:scp_command", "Run a validating SCP that a device under test connects to."),
    "diff": Entry(
        "private:diff_command", "Compare two profiles, or a profile and a database, by meaning."
    ),
    "import": Entry("private:import_group", "Import a dictionary from another tool's format."),
    "export": Entry("private:export_group", "Export a dictionary for another tool."),
    "learn": Entry(
        "private:learn_command",
        "Propose dictionary lines for the unknown private attributes of DICOM files.",
    ),
    "dump": Entry(
        "private:dump_command", "Print a DICOM file annotated with the database's knowledge."
    ),
    "table": Entry(
        "private:table_command",
        "Write the attribute table of a message as Markdown, CSV or HTML.",
    ),
}


_FREEZE_AFTER_IMPORT = False
"""Set by :func:`run` (a process of its own): see there."""


def load_command(name: str) -> click.Command:
    """Import the module of a command and return the command."""
    global _FREEZE_AFTER_IMPORT
    module_name, attribute = COMMANDS[name].target.split(":")
    module = importlib.import_module(f".{module_name}", __package__)
    if _FREEZE_AFTER_IMPORT:
        _FREEZE_AFTER_IMPORT = False
        gc.freeze()  # what the imports made lives as long as the process
        gc.enable()
    command: Any = getattr(module, attribute)
    assert isinstance(command, click.Command)
    return command


class LazyGroup(click.Group):
    """A group that imports a subcommand's module on first use, lists its
    commands from COMMANDS and runs each inside ``reported()``."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(COMMANDS))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return super().get_command(ctx, cmd_name)
        return load_command(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name].summary) for name in COMMANDS]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        with reported():
            return super().invoke(ctx)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mdict")
def main() -> None:
    """Read, merge, compile and validate against Merge-style DICOM profiles.

    Exit status: 0 nothing to report, 1 the job found problems, 2 usage error
    or unreadable input, 130 interrupted. Guides: docs/README.md.
    """


def run() -> None:
    """The ``mdict`` console script and ``python -m mdict``.

    The cyclic garbage collector is off while the command's modules are
    imported, then what they made is frozen (never scanned again): imports
    make hundreds of thousands of long-lived objects (pydicom's
    dictionaries, the model's classes), and each collection during them
    walked every object made so far; a quarter of a one-file ``mdict
    validate`` went there. Only for a process of its own: a host that
    calls :data:`main` (a test runner) keeps its collector as it is."""
    global _FREEZE_AFTER_IMPORT
    _FREEZE_AFTER_IMPORT = True
    gc.disable()
    main()
