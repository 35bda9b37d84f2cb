"""icomb, the definition of a new private service: the Service that the keys
of a configuration's ``[ NAME, MESSAGE ]`` block describe (UID, TYPE,
DESCRIPTION, a META service's SOP_CLASS_k), each bad key an error."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from mdict.combine.state import CombineState
from mdict.combine.trivia import comments_only
from mdict.model import ConfigBlock, Service, ServiceType

MAX_COMMANDS = 12
MAX_UID_LENGTH = 64
_UID = re.compile(r"(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*")
SERVICE_KEYS = ("UID", "DESCRIPTION", "TYPE")


@dataclass(frozen=True, slots=True)
class MessageKeys:
    """The keys of a ``[ NAME, MESSAGE ]`` block, sorted by what they set."""

    values: Mapping[str, str]
    """UID, DESCRIPTION and TYPE, by upper-case key."""
    sop_classes: Mapping[int, str]
    """SOP_CLASS_k by k."""
    count: str | None
    """SOP_CLASSES_INCLUDED, if given."""
    valid: bool
    """No key was repeated or unknown."""


class ServiceDefinitions(CombineState):
    """Reads the MESSAGE block that defines a private service."""

    def service_properties(
        self, block: ConfigBlock, commands: Sequence[ConfigBlock]
    ) -> Service | None:
        """The Service a MESSAGE block describes (number 0), or None on error."""
        keys = self.message_keys(block)
        kind = keys.values.get("TYPE", "BASE").upper()
        if kind not in ("BASE", "META"):
            self.error(block.loc, f"TYPE of {block.name}: expected BASE or META, found {kind}")
            return None
        ok = self.check_uid(block, keys) and keys.valid
        ok = self.check_name(block, "service") and ok
        service_type: ServiceType = "META" if kind == "META" else "BASE"
        numbers: list[int] | None = []
        if service_type == "META":
            numbers = self.meta_sop_classes(block, commands, keys)
            ok = numbers is not None and ok
        else:
            ok = self.check_base_commands(block, commands, keys) and ok
        if not ok or numbers is None:
            return None
        return Service(
            0,
            block.name,
            service_type,
            uid=keys.values["UID"],
            description=keys.values.get("DESCRIPTION"),
            commands=tuple(b.command for b in commands),
            sop_classes=tuple(numbers),
            loc=comments_only(block.loc),
        )

    def message_keys(self, block: ConfigBlock) -> MessageKeys:
        """The block's keys, each repeated or unknown key an error."""
        values: dict[str, str] = {}
        sop_classes: dict[int, str] = {}
        count: str | None = None
        valid = True
        for key, value in block.properties:
            upper = key.upper()
            if upper in values or (upper == "SOP_CLASSES_INCLUDED" and count is not None):
                self.error(block.loc, f"key {key} is given twice in [ {block.name}, MESSAGE ]")
                valid = False
            elif upper in SERVICE_KEYS:
                values[upper] = value
            elif upper == "SOP_CLASSES_INCLUDED":
                count = value
            elif upper.startswith("SOP_CLASS_") and upper[10:].isdigit():
                sop_classes[int(upper[10:])] = value
            else:
                self.error(
                    block.loc,
                    f"unknown key {key} in [ {block.name}, MESSAGE ], expected UID,"
                    " DESCRIPTION or TYPE (META: SOP_CLASS_k)",
                )
                valid = False
        return MessageKeys(values, sop_classes, count, valid)

    def check_uid(self, block: ConfigBlock, keys: MessageKeys) -> bool:
        uid = keys.values.get("UID")
        if uid is None:
            self.error(block.loc, f"[ {block.name}, MESSAGE ] has no UID")
            return False
        if not _UID.fullmatch(uid) or len(uid) > MAX_UID_LENGTH:
            self.error(
                block.loc,
                f"UID of {block.name}: expected digits and dots, at most {MAX_UID_LENGTH}"
                f" characters, found {uid!r}",
            )
            return False
        return True

    def meta_sop_classes(
        self, block: ConfigBlock, commands: Sequence[ConfigBlock], keys: MessageKeys
    ) -> list[int] | None:
        """The numbers of the BASE services a META service names, or None on error."""
        ok = True
        if commands:
            self.error(commands[0].loc, f"META service {block.name} cannot have messages")
            ok = False
        sop_classes = keys.sop_classes
        expected = list(range(1, len(sop_classes) + 1))
        if not sop_classes or sorted(sop_classes) != expected:
            self.error(
                block.loc,
                f"META service {block.name} needs SOP_CLASS_1..SOP_CLASS_k naming BASE services",
            )
            return None
        count = keys.count
        if count is not None and count.strip().lstrip("0") != str(len(sop_classes)):
            self.error(
                block.loc,
                f"SOP_CLASSES_INCLUDED = {count} but {len(sop_classes)} SOP_CLASS_k keys follow",
            )
            ok = False
        numbers: list[int] = []
        for k in expected:
            number = self.resolve_sop_class(block, sop_classes[k])
            ok = ok and number is not None
            numbers.append(number or 0)
        return numbers if ok else None

    def resolve_sop_class(self, block: ConfigBlock, value: str) -> int | None:
        text = value.strip()
        number = int(text) if text.isdigit() else self.service_numbers.get(text)
        service = self.services.get(number) if number is not None else None
        if service is None or service.type != "BASE":
            self.error(block.loc, f"SOP class {text} of {block.name} is not a BASE service")
            return None
        return service.number

    def check_base_commands(
        self, block: ConfigBlock, commands: Sequence[ConfigBlock], keys: MessageKeys
    ) -> bool:
        ok = True
        if keys.sop_classes or keys.count is not None:
            self.error(block.loc, f"SOP_CLASS keys need TYPE = META in {block.name}")
            ok = False
        if not commands:
            self.error(block.loc, f"BASE service {block.name} has no command blocks")
            ok = False
        if len(commands) > MAX_COMMANDS:
            self.error(
                commands[MAX_COMMANDS].loc,
                f"service {block.name} has {len(commands)} commands, at most {MAX_COMMANDS}",
            )
            ok = False
        return ok
