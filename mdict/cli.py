"""The ``mdict`` command: a click group whose subcommands live in small
``cli_*`` modules, imported only when a command is used (fast start-up)."""

from __future__ import annotations

import importlib
from typing import Any

import click

from . import __version__

# command name -> "module:attribute" (relative to the mdict package)
COMMANDS: dict[str, str] = {
    "check": "cli_check:check",
    "fmt": "cli_check:fmt",
    "validate": "cli_validate:validate_command",
    "dcomb": "cli_combine:dcomb",
    "icomb": "cli_combine:icomb",
    "diff": "cli_private:diff_command",
    "import": "cli_private:import_group",
    "export": "cli_private:export_group",
    "learn": "cli_private:learn_command",
    "dump": "cli_private:dump_command",
    "table": "cli_private:table_command",
    "dict": "cli_compile:dict_command",
    "info": "cli_compile:info_command",
    "decompile": "cli_compile:decompile_command",
    "check-db": "cli_compile:check_db_command",
    "lookup": "cli_compile:lookup_command",
    "services": "cli_compile:services_command",
    "show": "cli_compile:show_command",
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
