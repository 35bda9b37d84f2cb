"""The model of diction.pfl (docs/formats.md, section 1)."""

from __future__ import annotations

from dataclasses import dataclass, field

from mdict.model.core import VM, Location, Tag


@dataclass(frozen=True, slots=True)
class DictEntry:
    """One diction.pfl line."""

    name: str
    tag: Tag
    vr: str
    vm: VM
    loc: Location | None = field(default=None, compare=False, hash=False, repr=False)

    @property
    def retired(self) -> bool:
        return self.name.endswith(" RETIRED") or self.name.endswith(" RET")

    @property
    def key(self) -> Tag:
        return self.tag


@dataclass(frozen=True, slots=True)
class Dictionary:
    """A diction.pfl: entries in file order."""

    entries: tuple[DictEntry, ...]
    source: str | None = field(default=None, compare=False, hash=False, repr=False)
    header: tuple[str, ...] = field(default=(), compare=False, hash=False, repr=False)
    """The comment block at the top of the file (lines as written)."""
    trailer: tuple[str, ...] = field(default=(), compare=False, hash=False, repr=False)
    """Comment lines after the last entry (lines as written)."""
