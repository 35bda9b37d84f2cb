"""icomb results: what applying configurations changed (``ChangeSummary``)
and the new profiles with their warnings (``CombineResult``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from mdict.combine.diagnostics import plural
from mdict.errors import Diagnostic
from mdict.model import ITEM, InfoProfile, ServiceProfile

SectionKey = tuple[int, str]
"""(service or item number, command or ITEM)."""


@dataclass(frozen=True, slots=True)
class ChangeSummary:
    """What applying configurations changed."""

    services_added: tuple[tuple[str, int], ...] = ()
    items_added: tuple[tuple[str, int], ...] = ()
    unchanged: tuple[str, ...] = ()
    lines_added: int = 0
    lines_replaced: int = 0
    messages_extended: frozenset[SectionKey] = field(default_factory=frozenset)

    @property
    def changed(self) -> bool:
        return bool(
            self.services_added or self.items_added or self.lines_added or self.lines_replaced
        )

    def __add__(self, other: ChangeSummary) -> ChangeSummary:
        return ChangeSummary(
            self.services_added + other.services_added,
            self.items_added + other.items_added,
            self.unchanged + other.unchanged,
            self.lines_added + other.lines_added,
            self.lines_replaced + other.lines_replaced,
            self.messages_extended | other.messages_extended,
        )

    def describe(self) -> str:
        """One line, e.g. ``2 services added (X=0259, Y=0260), 3 lines added
        to 2 messages, 1 line replaced``."""
        parts: list[str] = []
        for pairs, word in ((self.services_added, "service"), (self.items_added, "item")):
            if pairs:
                names = ", ".join(f"{name}={number:04d}" for name, number in pairs)
                parts.append(f"{plural(len(pairs), word)} added ({names})")
        if self.lines_added:
            messages = sum(1 for _, command in self.messages_extended if command != ITEM)
            items = len(self.messages_extended) - messages
            targets = [plural(messages, "message")] if messages else []
            targets += [plural(items, "item")] if items else []
            parts.append(f"{plural(self.lines_added, 'line')} added to {' and '.join(targets)}")
        if self.lines_replaced:
            parts.append(f"{plural(self.lines_replaced, 'line')} replaced")
        if self.unchanged:
            parts.append(f"already present and unchanged: {', '.join(self.unchanged)}")
        return ", ".join(parts) if parts else "no changes"


@dataclass(frozen=True, slots=True)
class CombineResult:
    """The new profiles, what changed and the warnings met on the way."""

    services: ServiceProfile
    info: InfoProfile
    summary: ChangeSummary
    warnings: tuple[Diagnostic, ...] = ()
