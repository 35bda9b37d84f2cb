"""icomb, sections 1 and 2 of a configuration: lines added to the messages of
existing services (EXISTING_SERVICE_SECTION) and new private services with
their messages (PRIVATE_SERVICE_SECTION)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from mdict.combine.diagnostics import did_you_mean
from mdict.combine.service_definitions import ServiceDefinitions
from mdict.combine.state import MAX_NUMBER, EditedSection
from mdict.combine.summary import ChangeSummary
from mdict.combine.trivia import comments_only, with_block_comments
from mdict.model import COMMANDS, ITEM, MESSAGE, ConfigBlock, InfoLine, Service
from mdict.write import sorted_lines


class ServiceSections(ServiceDefinitions):
    """Applies EXISTING_SERVICE_SECTION and PRIVATE_SERVICE_SECTION blocks."""

    # -- section 1: existing services ----------------------------------------
    def existing_service(self, block: ConfigBlock, existed: set[str], defined: set[str]) -> None:
        lines = self.checked_lines(block)
        if block.command == MESSAGE:
            self.error(
                block.loc,
                f"[ {block.name}, MESSAGE ] defines a service; it belongs in"
                " PRIVATE_SERVICE_SECTION",
            )
            return
        if block.command == ITEM:
            self.error(
                block.loc,
                f"[ {block.name}, ITEM ] is an item; items get lines in EXISTING_ITEM_SECTION",
            )
            return
        if block.command not in COMMANDS:
            self.error(block.loc, f"unknown command {block.command}, expected a DIMSE command")
            return
        if block.name not in self.service_numbers:
            block = self.renamed(block, "service", existed)
        number = self.service_numbers.get(block.name)
        if number is None or block.name not in existed:
            hint = (
                "; it is defined in PRIVATE_SERVICE_SECTION of this file, put its lines there"
                if block.name in defined
                else did_you_mean(block.name, self.service_numbers)
            )
            self.error(block.loc, f"unknown service {block.name}{hint}")
            return
        service = self.services[number]
        if service.type == "META":
            self.error(block.loc, f"{block.name} is a META service and has no messages")
            return
        if block.command not in service.commands:
            self.error(
                block.loc,
                f"service {block.name} has no command {block.command}"
                f" (its commands: {', '.join(service.commands) or 'none'})",
            )
            return
        lines = with_block_comments(block, lines)
        self.merge_lines((number, block.command), lines, f"{block.name} {block.command}")

    # -- section 2: private services -----------------------------------------
    def private_services(self, blocks: Sequence[ConfigBlock]) -> None:
        definitions: list[tuple[ConfigBlock, list[ConfigBlock]]] = []
        by_name: dict[str, ConfigBlock] = {}
        for block in blocks:
            if block.command == MESSAGE:
                first = by_name.get(block.name)
                if first is not None:
                    self.error_again(
                        block.loc, f"service {block.name} is defined twice in this file", first.loc
                    )
                    continue
                by_name[block.name] = block
                definitions.append((block, []))
            elif block.command == ITEM:
                self.error(
                    block.loc,
                    f"[ {block.name}, ITEM ] is an item; it belongs in PRIVATE_ITEM_SECTION",
                )
            elif block.command not in COMMANDS:
                self.error(block.loc, f"unknown command {block.command}, expected a DIMSE command")
            elif not definitions or definitions[-1][0].name != block.name:
                self.command_without_message(block)
            else:
                self.add_command(block, definitions[-1][1])
        for message, commands in definitions:
            self.private_service(message, commands)

    def command_without_message(self, block: ConfigBlock) -> None:
        hint = (
            "; lines for existing services go in EXISTING_SERVICE_SECTION"
            if block.name in self.service_numbers
            else ""
        )
        self.error(
            block.loc,
            f"[ {block.name}, {block.command} ] must follow its"
            f" [ {block.name}, MESSAGE ] block{hint}",
        )

    def add_command(self, block: ConfigBlock, commands: list[ConfigBlock]) -> None:
        repeated = next((b for b in commands if b.command == block.command), None)
        if repeated is not None:
            self.error_again(
                block.loc,
                f"command {block.command} of {block.name} is given twice",
                repeated.loc,
            )
        else:
            commands.append(block)

    def private_service(self, block: ConfigBlock, commands: Sequence[ConfigBlock]) -> None:
        messages = {b.command: sorted_lines(self.checked_lines(b)) for b in commands}
        command_locs = {b.command: comments_only(b.loc) for b in commands}
        wanted = self.service_properties(block, commands)
        if wanted is None:
            return
        number = self.service_numbers.get(block.name)
        if number is not None:
            existing = self.services[number]
            difference = self.service_difference(existing, wanted, messages)
            if difference:
                self.error(
                    block.loc,
                    f"service {block.name} already exists as {number:04d} with a different"
                    f" definition ({difference})",
                )
            else:
                self.summary += ChangeSummary(unchanged=(block.name,))
            return
        for other in self.services.values():
            if other.uid == wanted.uid:
                self.warn(block.loc, f"UID {wanted.uid} is also the UID of {other.name}")
        number = self.next_service_number()
        if number > MAX_NUMBER:
            self.error(block.loc, f"no service number left for {block.name}")
            return
        self.services[number] = replace(wanted, number=number)
        self.service_numbers[block.name] = number
        for command, lines in messages.items():
            self.edited[(number, command)] = EditedSection(lines, command_locs[command])
        self.summary += ChangeSummary(services_added=((block.name, number),))

    def service_difference(
        self, existing: Service, wanted: Service, messages: Mapping[str, list[InfoLine]]
    ) -> str:
        for attribute in ("type", "uid", "description", "commands", "sop_classes"):
            old, new = getattr(existing, attribute), getattr(wanted, attribute)
            if old != new:
                return f"{attribute}: {old!r} there, {new!r} here"
        for command, lines in messages.items():
            if sorted_lines(self.section_lines((existing.number, command))) != lines:
                return f"the lines of {command} differ"
        return ""
