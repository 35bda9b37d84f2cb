"""The ``mdict`` command: a click group whose subcommands live in small
``cli_*`` modules, imported only when a command is used (fast start-up)."""

from __future__ import annotations

import importlib
from typing import Any

import click

from mdict import __version__

# command name -> "module:attribute" (relative to the mdict package)
COMMANDS: dict[str, str] = {
    "check": "check:check",
    "fmt": "check:fmt",
    "validate": "validate:validate_command",
    "report": "report:report_command",
    "dcomb": "combine:dcomb",
    "icomb": "combine:icomb",
    "diff": "private:diff_command",
    "import": "private:import_group",
    "export": "private:export_group",
    "learn": "private:learn_command",
    "dump": "private:dump_command",
    "table": "private:table_command",
    "dict": "database:dict_command",
    "info": "database:info_command",
    "decompile": "database:decompile_command",
    "check-db": "database:check_db_command",
    "lookup": "database:lookup_command",
    "services": "database:services_command",
    "show": "database:show_command",
    "scp": "net:scp_command",
}


class LazyGroup(click.Group):
    """A group that imports a subcommand's module on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(COMMANDS))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return super().get_command(ctx, cmd_name)
        module_name, attribute = target.split(":")
        module = importlib.import_module(f".{module_name}", __package__)
        command: Any = getattr(module, attribute)
        assert isinstance(command, click.Command)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mdict")
def main() -> None:
    """Read, merge, compile and validate against Merge-style DICOM profiles."""
