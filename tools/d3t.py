"""Reading dicom3tools template files (``*.tpl``): shared by the generators in
``tools/``. The templates are line based: ``Key="value"`` pairs, tab
indentation for nesting, ``#`` comments outside quotes, and ``Name="X" {``
... ``}`` value-list blocks."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

_PAIR = re.compile(r'([A-Za-z][A-Za-z0-9_]*)="([^"]*)"')
_CAMEL_1 = re.compile(r"([a-z0-9])([A-Z])")
_CAMEL_2 = re.compile(r"([A-Z]+)([A-Z][a-z])")
_CAMEL_3 = re.compile(r"([0-9])([A-Za-z])")


@dataclass(frozen=True, slots=True)
class TemplateLine:
    """One non-blank, non-comment template line."""

    file: str
    line: int
    depth: int
    pairs: tuple[tuple[str, str], ...]
    rest: str
    """The text that is not a ``Key="value"`` pair (tags, braces, list entries)."""

    def get(self, key: str) -> str | None:
        for k, v in self.pairs:
            if k == key:
                return v
        return None

    def has(self, key: str) -> bool:
        return any(k == key for k, _ in self.pairs)

    @property
    def first(self) -> tuple[str, str] | None:
        return self.pairs[0] if self.pairs else None


def strip_comment(text: str) -> str:
    """Drop a ``#`` comment that is outside double quotes."""
    quoted = False
    for i, ch in enumerate(text):
        if ch == '"':
            quoted = not quoted
        elif ch == "#" and not quoted:
            return text[:i]
    return text


def read_template(path: Path) -> Iterator[TemplateLine]:
    """Yield the meaningful lines of a template file with their place."""
    text = path.read_text(encoding="utf-8", errors="replace")
    for number, raw in enumerate(text.splitlines(), 1):
        body = strip_comment(raw).rstrip()
        if not body.strip():
            continue
        depth = len(body) - len(body.lstrip("\t"))
        pairs = tuple((m.group(1), m.group(2)) for m in _PAIR.finditer(body))
        rest = _PAIR.sub(" ", body).strip()
        yield TemplateLine(str(path), number, depth, pairs, rest)


def camel_to_upper_snake(name: str) -> str:
    """``NeedModuleClinicalTrialSubject`` -> ``NEED_MODULE_CLINICAL_TRIAL_SUBJECT``;
    ``EnhancedUSVolume`` -> ``ENHANCED_US_VOLUME``; ``Value1Original`` ->
    ``VALUE1_ORIGINAL``. Already upper-snake names are kept."""
    if re.fullmatch(r"[A-Z0-9_]+", name):
        return name
    text = _CAMEL_2.sub(r"\1_\2", name)
    text = _CAMEL_1.sub(r"\1_\2", text)
    text = _CAMEL_3.sub(r"\1_\2", text)
    return re.sub(r"_+", "_", text).upper()
