"""What a semantic diff finds (``Change``, ``Diff``) and its two reports:
text for a person, JSON for a program."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Literal

Kind = Literal["dictionary", "services", "info", "config"]
Op = Literal["added", "removed", "changed"]
OP_SIGN: dict[str, str] = {"added": "+", "removed": "-", "changed": "~"}


@dataclass(frozen=True, slots=True)
class Change:
    """One difference: ``subject`` at ``where`` was added, removed or changed.

    For a change, ``field`` names what changed and ``old``/``new`` hold the two
    values; for an addition or removal, ``new``/``old`` hold the profile text.
    ``details`` lists the contents of an added or removed block or section.
    """

    op: Op
    subject: str
    where: str
    field: str = ""
    old: str = ""
    new: str = ""
    hint: str = ""
    details: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Diff:
    """All differences between two profiles of one kind, in canonical order."""

    kind: Kind
    old_label: str
    new_label: str
    changes: tuple[Change, ...]

    @property
    def same(self) -> bool:
        return not self.changes

    def counts(self) -> dict[str, int]:
        out = {"added": 0, "removed": 0, "changed": 0}
        for change in self.changes:
            out[change.op] += 1
        return out


# Output
# ---------------------------------------------------------------------------


def format_change(change: Change) -> list[str]:
    sign = OP_SIGN[change.op]
    head = f"{sign} {change.subject} {change.where}"
    if change.op == "changed":
        head += f": {change.field} {change.old} -> {change.new}"
    else:
        text = change.new if change.op == "added" else change.old
        if text:
            head += f": {text}"
    lines = [head]
    lines += [f"    {sign} {d}" for d in change.details]
    if change.hint:
        lines.append(f"    hint: {change.hint}")
    return lines


def format_text(diff: Diff) -> str:
    """The report a person reads: a header, a summary, one line per change."""
    counts = diff.counts()
    out = [f"--- {diff.old_label}", f"+++ {diff.new_label}"]
    if diff.same:
        out.append(f"{diff.kind}: no semantic difference")
    else:
        summary = ", ".join(f"{n} {op}" for op, n in counts.items())
        out.append(f"{diff.kind}: {summary}")
        for change in diff.changes:
            out += format_change(change)
    return "\n".join(out) + "\n"


def format_json(diff: Diff) -> str:
    """The report a program reads: kind, labels, counts and every change."""
    doc = {
        "kind": diff.kind,
        "old": diff.old_label,
        "new": diff.new_label,
        "same": diff.same,
        "counts": diff.counts(),
        "changes": [{**asdict(c), "details": list(c.details)} for c in diff.changes],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
