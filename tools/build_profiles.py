"""Build mdict's standard profiles from the dicom3tools templates.

    python tools/build_profiles.py --source ../shared/data/dicom3tools --out profiles/

Writes ``diction.pfl``, ``mergecom.srv``, ``info.pfl`` (and, when
``tools/build_conditions.py`` is present, ``conditions.pfl``) plus
``BUILD_REPORT.md``: counts and everything that could not be converted. The
same source always gives byte-identical output.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make ``tools`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mdict.model import Dictionary, ServiceProfile
from mdict.write import format_dictionary, format_services
from tools.build_dictionary import DictionaryReport, build_dictionary
from tools.build_services import ServicesReport, build_services, read_sop_classes

REPORT_NAME = "BUILD_REPORT.md"


@dataclass(frozen=True, slots=True)
class Built:
    """The generated profiles as text, by file name, and the report."""

    files: dict[str, str]
    report: str
    summary: tuple[str, ...]
    dictionary: Dictionary
    services: ServiceProfile


def _section(title: str, lines: Sequence[str]) -> list[str]:
    out = [f"## {title} ({len(lines)})", ""]
    out += [f"- {line}" for line in lines] or ["(none)"]
    return [*out, ""]


def build(source: Path) -> Built:
    """Convert the templates under ``source``; nothing is written."""
    dict_report = DictionaryReport()
    dictionary = build_dictionary(source / "elmdict", dict_report)
    srv_report = ServicesReport()
    sop_classes = read_sop_classes(source / "sopcl.tpl", srv_report)
    services = build_services(sop_classes, [], srv_report)
    files = {
        "diction.pfl": format_dictionary(dictionary),
        "mergecom.srv": format_services(services),
    }
    standard = sum(1 for e in dictionary.entries if e.tag.creator is None)
    base = sum(1 for s in services.services if s.type == "BASE")
    counts = [
        f"diction.pfl: {len(dictionary.entries)} lines "
        f"({standard} standard, {len(dictionary.entries) - standard} private, "
        f"{sum(e.retired for e in dictionary.entries)} retired)",
        f"mergecom.srv: {len(services.services)} services ({base} BASE, "
        f"{len(services.services) - base} META), {len(services.items)} items",
    ]
    lines = ["# Build report", "", *(f"- {c}" for c in counts), ""]
    lines += [
        f"Source digests (sha256 of the input files, in path order): `{source_digest(source)}`",
        "",
    ]
    lines += _section(
        "Dictionary: VR choices for multi-VR source entries",
        [f"{k}: {v}" for k, v in sorted(dict_report.vr_choices.items())],
    )
    lines += [
        f"Names changed to fit the format (commas removed, `?` names replaced): "
        f"{dict_report.renamed}; masked tags hidden by an explicit entry: "
        f"{dict_report.masked_overlaps}.",
        "",
    ]
    lines += _section("Dictionary: entries not converted", dict_report.skipped)
    lines += _section("Dictionary: conflicting definitions dropped", dict_report.conflicts)
    lines += _section("Services: source corrections", srv_report.fixed)
    lines += _section("Services: SOP classes not converted", srv_report.skipped)
    summary = (*counts, *(ln[3:] for ln in lines if ln.startswith("## ")))
    return Built(files, "\n".join(lines), summary, dictionary, services)


def source_digest(source: Path) -> str:
    """One sha256 over the relative paths and bytes of every template."""
    digest = hashlib.sha256()
    for path in sorted(p for p in source.rglob("*.tpl") if p.is_file()):
        digest.update(path.relative_to(source).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def write_outputs(built: Built, out: Path) -> None:
    """Write every generated file atomically."""
    from mdict.fileio import write_text_atomic

    out.mkdir(parents=True, exist_ok=True)
    for name, text in built.files.items():
        write_text_atomic(out / name, text)
    write_text_atomic(out / REPORT_NAME, built.report)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, required=True, help="dicom3tools template folder")
    parser.add_argument("--out", type=Path, required=True, help="output folder (profiles/)")
    args = parser.parse_args(argv)
    source: Path = args.source
    if not (source / "elmdict" / "dicom3.tpl").is_file() or not (source / "sopcl.tpl").is_file():
        print(f"error: {source} is not a dicom3tools template folder", file=sys.stderr)
        return 2
    start = time.perf_counter()
    built = build(source)
    write_outputs(built, args.out)
    elapsed = time.perf_counter() - start
    print("\n".join(built.summary))
    print(
        f"wrote {', '.join(sorted(built.files))} and {REPORT_NAME} to {args.out} in {elapsed:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
