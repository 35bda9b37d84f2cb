"""Where a finding sits in its message: the module of the top-level attribute
(from the database's modules section) and the attribute's type and condition
in the message or item spec its path leads through."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from mdict.db.protocol import MessageDatabase
from mdict.model import InfoLine, InfoSection
from mdict.report.results import FileResult

FILE_META: str = "File Meta Information"
MESSAGE: str = "(whole message)"
PRIVATE: str = "Private attributes"
OTHER: str = "(no module)"

_STEP = re.compile(r"\(([0-9A-Fa-f]{4}),([0-9A-Fa-fx]{4})\)(?: ([^/\[]+))?(?:\[\d+\])?")


@dataclass(frozen=True, slots=True)
class Context:
    """A finding's module, type (``1``, ``2C``, ...) and condition name."""

    module: str
    type: str | None = None
    condition: str | None = None


def steps(path: str) -> list[tuple[int, str, str | None]]:
    """``(0040,0275)[1]/(0029,xx10) ACME/...`` -> [(group, element text, creator)]."""
    found = []
    for part in path.split("/"):
        match = _STEP.fullmatch(part.strip())
        if match is None:
            return []
        creator = match.group(3).strip() if match.group(3) else None
        found.append((int(match.group(1), 16), match.group(2).upper(), creator))
    return found


class Annotator:
    """Contexts of findings of one database, cached per message and path."""

    def __init__(self, db: MessageDatabase) -> None:
        self.db = db
        self._modules: dict[tuple[str, str], dict[int, str]] = {}
        self._cache: dict[tuple[str, str, str], Context] = {}

    def context(self, service: str | None, command: str, path: str) -> Context:
        if not path:
            return Context(MESSAGE)
        key = (service or "", command, re.sub(r"\[\d+\]", "", path))
        found = self._cache.get(key)
        if found is None:
            found = self._context(service, command, path)
            if len(self._cache) < 100_000:
                self._cache[key] = found
        return found

    def annotate(self, service: str | None, command: str, finding: dict[str, Any]) -> None:
        """Add ``module``, ``type`` and ``condition`` to a finding's dict
        (``Finding.to_dict()``), keeping any already there."""
        if "module" in finding:
            return
        context = self.context(service, command, str(finding.get("path") or ""))
        finding["module"] = context.module
        finding["type"] = context.type
        finding["condition"] = context.condition

    def _context(self, service: str | None, command: str, path: str) -> Context:
        walk = steps(path)
        if not walk:
            return Context(OTHER)
        group, element, _ = walk[0]
        if group == 0x0002:
            module = FILE_META
        elif group % 2:
            module = PRIVATE
        else:
            tag = group << 16 | int(element.replace("X", "0"), 16)
            module = self._module_names(service, command).get(tag, OTHER)
        line = self._line(service, command, walk)
        if line is None:
            return Context(module)
        return Context(module, line.vt.type, line.vt.condition)

    def _module_names(self, service: str | None, command: str) -> dict[int, str]:
        key = (service or "", command)
        names = self._modules.get(key)
        if names is None:
            names = {}
            modules = getattr(self.db, "modules", None)
            uses = modules(service, command) if service and callable(modules) else None
            for use in uses or ():
                for tag in use.tags:
                    names.setdefault(tag, use.name)
            self._modules[key] = names
        return names

    def _line(
        self, service: str | None, command: str, walk: list[tuple[int, str, str | None]]
    ) -> InfoLine | None:
        section = self.db.message(service, command) if service else None
        line: InfoLine | None = None
        for depth, step in enumerate(walk):
            if section is None:
                return None
            line = _find(section, step)
            if line is None:
                return None
            if depth + 1 < len(walk):
                section = self._item_for(line, walk[depth + 1])
        return line

    def _item_for(self, line: InfoLine, step: tuple[int, str, str | None]) -> InfoSection | None:
        """The first item spec of a sequence line that lists the next step."""
        candidates = [self.db.item(name) for name in line.item_names]
        specs = [s for s in candidates if s is not None]
        return next((s for s in specs if _find(s, step) is not None), specs[0] if specs else None)


def _find(section: InfoSection, step: tuple[int, str, str | None]) -> InfoLine | None:
    group, element, creator = step
    for line in section.lines:
        tag = line.tag
        if tag.group != group:
            continue
        if tag.creator is not None:  # a block element: (gggg,xxEB) Creator or (gggg,BBEB)
            low = element[2:] == f"{tag.element:02X}"
            if low and (creator is None or creator == tag.creator):
                return line
        elif creator is None and f"{tag.element:04X}" == element:
            return line
    return None


def annotate_all(
    db: MessageDatabase, files: list[dict[str, Any]], annotator: Annotator | None = None
) -> None:
    """Context for every finding of ``--format json`` file entries, in place."""
    annotator = annotator or Annotator(db)
    for entry in files:
        service = entry.get("service")
        command = str(entry.get("command") or "C_STORE_RQ")
        for finding in entry.get("findings") or ():
            if isinstance(finding, Mapping):
                annotator.annotate(service, command, finding)  # type: ignore[arg-type]


def with_context(
    files: Iterable[FileResult], annotator: Callable[[], Annotator]
) -> Iterator[FileResult]:
    """File results whose findings without a module get their context
    (``annotator`` is called, say to open a database, only when needed)."""
    for result in files:
        if all(f.module is not None for f in result.findings):
            yield result
            continue
        findings = []
        for f in result.findings:
            if f.module is None:
                context = annotator().context(result.service, result.command, f.path)
                f = replace(
                    f, module=context.module, type=context.type, condition=context.condition
                )
            findings.append(f)
        yield replace(result, findings=tuple(findings))
