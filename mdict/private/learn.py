"""Propose dictionary lines for the private attributes a corpus of DICOM files holds.

Every file is read with pydicom (in parallel worker processes); every private
data element, at any depth of sequences, is resolved to (group, creator,
element byte) through the private creator of its block. Attributes the given
dictionary does not know become proposals: the VR (the one written in
explicit-VR files, else inferred from the value bytes and marked so), the VM
range seen, how many files hold it and one example value. Nothing is guessed
silently: each proposal says how its VR was found, and disagreements between
files are reported as conflicts.
"""

from __future__ import annotations

import io
import os
import struct
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, MutableSequence, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mdict.fileio import require_regular_file
from mdict.model import VM, VRS, DictEntry, Dictionary, Tag
from mdict.private.vr_inference import ITEM_BE, ITEM_LE, PRINTABLE, infer_vr, widen
from mdict.processes import worker_context

Key = tuple[int, str, int]
"""(group, creator, element byte)."""

BINARY_SIZES = {"US": 2, "SS": 2, "UL": 4, "SL": 4, "FL": 4, "FD": 8, "AT": 4, "SV": 8, "UV": 8}
MULTI_TEXT = {"AE", "AS", "CS", "DA", "DS", "DT", "IS", "LO", "PN", "SH", "TM", "UC", "UI"}
EXAMPLE_LENGTH = 40
MAX_CREATOR = 64
PLAIN_VRS = VRS - {"UNKNOWN_VR"}


# ---------------------------------------------------------------------------
# Scanning one file (runs in a worker process)
# ---------------------------------------------------------------------------


@dataclass(slots=True)
class Seen:
    """What one file (or the corpus, after merging) shows of one private attribute."""

    explicit: Counter[str] = field(default_factory=Counter)
    inferred: Counter[str] = field(default_factory=Counter)
    bases: dict[str, str] = field(default_factory=dict)
    vm_min: int | None = None
    vm_max: int = 0
    files: int = 1
    example: str = ""
    first_file: dict[str, str] = field(default_factory=dict)

    def note(self, vr: str, explicit: bool, vm: int, example: str, basis: str = "") -> None:
        (self.explicit if explicit else self.inferred)[vr] = 1
        if not explicit:
            self.bases.setdefault(vr, basis)
        if vm > 0:
            self.vm_min = vm if self.vm_min is None else min(self.vm_min, vm)
            self.vm_max = max(self.vm_max, vm)
        if not self.example and example:
            self.example = example

    def merge(self, other: Seen) -> None:
        self.explicit.update(other.explicit)
        self.inferred.update(other.inferred)
        for vr, basis in other.bases.items():
            self.bases.setdefault(vr, basis)
        if other.vm_min is not None:
            self.vm_min = other.vm_min if self.vm_min is None else min(self.vm_min, other.vm_min)
        self.vm_max = max(self.vm_max, other.vm_max)
        self.files += other.files
        self.example = self.example or other.example
        for vr, name in other.first_file.items():
            self.first_file.setdefault(vr, name)


@dataclass(slots=True)
class FileScan:
    """The private attributes of one file, or why it could not be read."""

    path: str
    seen: dict[Key, Seen] = field(default_factory=dict)
    orphans: int = 0
    bad_creators: list[str] = field(default_factory=list)
    error: str | None = None


def _example(vr: str, value: bytes, little_endian: bool) -> str:
    size = BINARY_SIZES.get(vr)
    if size and value and len(value) % size == 0 and vr != "AT":
        code = {"US": "H", "SS": "h", "UL": "I", "SL": "i", "FL": "f", "FD": "d"}
        code |= {"SV": "q", "UV": "Q"}
        fmt = ("<" if little_endian else ">") + code[vr] * (len(value) // size)
        numbers = struct.unpack(fmt, value)
        text = "\\".join(f"{n:g}" if isinstance(n, float) else str(n) for n in numbers[:8])
    elif vr in ("OB", "OW", "OF", "OD", "OL", "OV", "UN", "AT") or not PRINTABLE.match(
        value.rstrip(b"\x00 ")
    ):
        text = value[:16].hex(" ") + (" ..." if len(value) > 16 else "")
    else:
        text = value.rstrip(b"\x00 ").decode("latin-1")
    return text if len(text) <= EXAMPLE_LENGTH else text[: EXAMPLE_LENGTH - 3] + "..."


def _vm(vr: str, value: bytes) -> int:
    if not value:
        return 0
    if vr in MULTI_TEXT:
        return value.count(b"\\") + 1
    size = BINARY_SIZES.get(vr)
    if size:
        return max(1, len(value) // size)
    return 1


def _creator_text(value: Any) -> str:
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    return str(value).rstrip(" \x00")


def _walk(
    dataset: Any, scan: FileScan, implicit: bool, little: bool, encoding: str | MutableSequence[str]
) -> None:
    from pydicom.filereader import read_sequence

    creators: dict[tuple[int, int], str] = {}
    elements = list(dataset.elements())
    for elem in elements:
        group, element = elem.tag >> 16, elem.tag & 0xFFFF
        if group % 2 and 0x10 <= element <= 0xFF:
            creators[(group, element)] = _creator_text(elem.value)
    for elem in elements:
        group, element = elem.tag >> 16, elem.tag & 0xFFFF
        raw_vr = getattr(elem, "VR", None) if hasattr(elem, "VR") else getattr(elem, "vr", None)
        value = elem.value
        if isinstance(value, list | tuple) or raw_vr == "SQ":
            items = dataset[elem.tag].value
            for item in items:
                _walk(item, scan, implicit, little, encoding)
            if group % 2 and element > 0xFF:
                _observe(scan, creators, group, element, "SQ", not implicit, 1, "", "")
            continue
        if not isinstance(value, bytes):
            continue
        starts_item = value.startswith(ITEM_LE if little else ITEM_BE)
        if starts_item and raw_vr in (None, "UN"):
            sequence = read_sequence(io.BytesIO(value), True, little, len(value), encoding)
            for item in sequence:
                _walk(item, scan, True, little, encoding)
        if not group % 2 or element <= 0xFF:
            continue
        if raw_vr is None or raw_vr == "UN":
            guess = infer_vr(value, little)
            basis = guess.basis if raw_vr is None else f"written as UN; {guess.basis}"
            example = _example(guess.vr, value, little) if guess.vr != "SQ" else ""
            _observe(scan, creators, group, element, guess.vr, False, guess.vm, example, basis)
        else:
            example = _example(raw_vr, value, little)
            _observe(scan, creators, group, element, raw_vr, True, _vm(raw_vr, value), example, "")


def _observe(
    scan: FileScan,
    creators: dict[tuple[int, int], str],
    group: int,
    element: int,
    vr: str,
    explicit: bool,
    vm: int,
    example: str,
    basis: str,
) -> None:
    creator = creators.get((group, element >> 8))
    if creator is None:
        scan.orphans += 1
        return
    if "," in creator or len(creator) > MAX_CREATOR or not creator.isprintable() or not creator:
        if creator not in scan.bad_creators:
            scan.bad_creators.append(creator)
        return
    seen = scan.seen.setdefault((group, creator, element & 0xFF), Seen())
    seen.note(vr, explicit, vm, example, basis)
    seen.first_file.setdefault(vr, scan.path)


def _bare_dataset(path: str) -> bool:
    """True for a file without the DICM preamble that starts like a dataset
    (group 0002 or 0008 first, either byte order), which pydicom reads with
    force=True; any other file without a preamble is not DICOM."""
    with open(path, "rb") as handle:
        head = handle.read(132)
    if len(head) < 8 or head[128:132] == b"DICM":
        return False
    return head[:2] in (b"\x02\x00", b"\x08\x00", b"\x00\x02", b"\x00\x08")


def scan_file(path: str) -> FileScan:
    """Read one file and collect its private attributes (never raises)."""
    from pydicom import dcmread
    from pydicom.errors import InvalidDicomError

    from mdict.validation.elements import inflated_too_large

    scan = FileScan(path)
    try:
        too_large = inflated_too_large(path)
        if too_large is not None:
            scan.error = too_large
            return scan
        with warnings.catch_warnings():  # odd values are the corpus's business, not the bar's
            warnings.simplefilter("ignore")
            dataset = dcmread(path, force=_bare_dataset(path))
            implicit, little = dataset.original_encoding
            encoding = dataset.original_character_set or "iso8859"
            _walk(dataset, scan, bool(implicit), little is not False, encoding)
    except InvalidDicomError:
        scan.error = "not a DICOM file (no DICM preamble)"
    except Exception as exc:  # a corrupt file must not stop the corpus
        scan.error = f"unreadable: {type(exc).__name__}: {exc}"
    return scan


# ---------------------------------------------------------------------------
# The corpus
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Proposal:
    """One proposed dictionary line and how it was found."""

    entry: DictEntry
    how: str
    vm_seen: str
    files: int
    example: str
    conflict: str = ""


@dataclass(frozen=True, slots=True)
class Learned:
    """The result of a learn run."""

    proposals: tuple[Proposal, ...]
    files: int
    dicom_files: int
    skipped: tuple[tuple[str, str], ...]
    known_conflicts: tuple[str, ...]
    orphans: int
    bad_creators: tuple[str, ...]

    def dictionary(self) -> Dictionary:
        return Dictionary(tuple(p.entry for p in self.proposals))


def find_files(root: str | os.PathLike[str]) -> list[str]:
    """Every regular file under ``root`` (recursively, hidden files and
    folders and special files such as FIFOs skipped), sorted."""
    base = Path(root)
    if not base.is_dir():
        require_regular_file(base)
        return [str(base)]
    out: list[str] = []
    for folder, dirs, files in os.walk(base):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        names = [os.path.join(folder, f) for f in sorted(files) if not f.startswith(".")]
        out += [name for name in names if os.path.isfile(name)]  # regular files only
    return out


def scan_files(
    paths: Sequence[str], jobs: int | None = None, chunk: int = 16
) -> Iterator[FileScan]:
    """Scan files in ``jobs`` worker processes (in this process for 1 job or
    a handful of files); yields in the order of ``paths``."""
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    if workers <= 1 or len(paths) < 2 * chunk:
        yield from map(scan_file, paths)
        return
    import pydicom.filereader  # noqa: F401  (forked workers inherit it, not import it)

    with ProcessPoolExecutor(max_workers=workers, mp_context=worker_context()) as pool:
        yield from pool.map(scan_file, paths, chunksize=chunk)


def _vm_text(seen: Seen) -> tuple[str, str]:
    """(VM to propose, VM range seen)."""
    if seen.vm_min is None:
        return "1", "empty"
    low, high = seen.vm_min, seen.vm_max
    shown = str(low) if low == high else f"{low}-{high}"
    proposed = str(low) if low == high else f"{low}-n"
    return proposed, shown


def _pydicom_entry(key: Key) -> tuple[str, str] | None:
    """(VR or "", name or "") pydicom's private dictionary gives, if it knows the tag."""
    from pydicom._private_dict import private_dictionaries

    entry = private_dictionaries.get(key[1], {}).get(f"{key[0]:04X}xx{key[2]:02X}")
    if entry is None:
        return None
    vr = entry[0] if entry[0] in PLAIN_VRS and entry[0] != "UN" else ""
    name = entry[2].replace(",", ";").strip()
    return vr, "" if name.lower() in ("", "unknown") else name


def _choose(seen: Seen, key: Key) -> tuple[str, str, str]:
    """(VR, how it was found, conflict text)."""
    explicit = Counter({vr: n for vr, n in seen.explicit.items() if vr != "UN"})
    if explicit:
        ranked = explicit.most_common()
        vr, count = ranked[0]
        how = f"explicit VR in {count} file{'s' if count > 1 else ''}"
        implicit = sum(seen.inferred.values())
        if implicit:
            guesses = ", ".join(sorted(seen.inferred))
            how += f"; {implicit} without (values look like {guesses})"
        conflict = ""
        if len(ranked) > 1:
            others = ", ".join(f"{v} in {n} ({seen.first_file.get(v, '?')})" for v, n in ranked[1:])
            conflict = f"explicit VRs disagree: {vr} in {count}, {others}"
        return vr, how, conflict
    ranked = seen.inferred.most_common()
    known = _pydicom_entry(key)
    if known is not None and known[0]:
        looks = ", ".join(v for v, _ in ranked) or "nothing"
        return known[0], f"VR from pydicom's private dictionary (values look like {looks})", ""
    if not ranked:
        return "UN", "written as UN in every file; VR unknown", ""
    vr = ranked[0][0]
    conflict = ""
    for other, _ in ranked[1:]:
        wider = widen(vr, other)
        if wider is None:
            counts = ", ".join(f"{v} in {n} ({seen.first_file.get(v, '?')})" for v, n in ranked)
            conflict = f"inferred VRs disagree: {counts}"
            break
        vr = wider
    bases = "; ".join(f"{v}: {seen.bases[v]}" for v, _ in ranked if v in seen.bases)
    files = sum(seen.inferred.values())
    how = f"VR INFERRED from values in {files} file{'s' if files > 1 else ''} without an explicit VR ({bases})"
    if len(ranked) > 1 and not conflict:
        how += f"; widened to {vr}"
    return vr, how, conflict


@dataclass(slots=True)
class Corpus:
    """Scans merged in corpus order. Two corpora of consecutive parts merge
    (``update``) into the corpus of both, the same as scanning them in order:
    how a cluster learns partition by partition."""

    merged: dict[Key, Seen] = field(default_factory=dict)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    files: int = 0
    dicom: int = 0
    orphans: int = 0
    bad: set[str] = field(default_factory=set)

    def add(self, scan: FileScan) -> None:
        self.files += 1
        if scan.error is not None:
            self.skipped.append((scan.path, scan.error))
            return
        self.dicom += 1
        self.orphans += scan.orphans
        self.bad.update(scan.bad_creators)
        self._merge(scan.seen)

    def update(self, later: Corpus) -> None:
        """Append the corpus of the files that come after these."""
        self.files += later.files
        self.dicom += later.dicom
        self.orphans += later.orphans
        self.skipped.extend(later.skipped)
        self.bad.update(later.bad)
        self._merge(later.merged)

    def _merge(self, seen_by_key: dict[Key, Seen]) -> None:
        for key, seen in seen_by_key.items():
            if key in self.merged:
                self.merged[key].merge(seen)
            else:
                self.merged[key] = seen


def propose(
    scans: Iterable[FileScan],
    known: Dictionary | None = None,
    progress: Callable[[int], None] | None = None,
) -> Learned:
    """Merge the scans of a corpus into proposals for attributes ``known`` lacks."""
    corpus = Corpus()
    for scan in scans:
        corpus.add(scan)
        if progress is not None:
            progress(1)
    return proposals_of(corpus, known)


def proposals_of(corpus: Corpus, known: Dictionary | None = None) -> Learned:
    """The proposals for the attributes of ``corpus`` that ``known`` lacks."""
    known_vr = {
        (e.tag.group, e.tag.creator, e.tag.element): e.vr
        for e in (known.entries if known is not None else ())
        if e.tag.creator is not None
    }
    merged = corpus.merged
    proposals: list[Proposal] = []
    known_conflicts: list[str] = []
    for key in sorted(merged, key=lambda k: (k[0], k[1] + ",", k[2])):
        seen = merged[key]
        tag = Tag(key[0], key[2], key[1])
        if key in known_vr:
            differing = sorted(set(seen.explicit) - {known_vr[key], "UN"})
            if differing:
                known_conflicts.append(
                    f"{tag.display}: dictionary says {known_vr[key]}, "
                    f"files say {', '.join(differing)} ({seen.first_file[differing[0]]})"
                )
            continue
        vr, how, conflict = _choose(seen, key)
        proposed_vm, vm_seen = _vm_text(seen)
        name = f"Unnamed {key[1]} {key[0]:04X}xx{key[2]:02X}"
        from_pydicom = _pydicom_entry(key)
        if from_pydicom is not None and from_pydicom[1]:
            name = from_pydicom[1]
            how += "; name from pydicom's private dictionary"
        if "INFERRED" in how or vr == "UN":
            name += " (VR inferred)" if vr != "UN" else " (VR unknown)"
        elif how.startswith("VR from pydicom"):
            name += " (VR from pydicom)"
        if conflict:
            name += " (VR conflict)"
        entry = DictEntry(name, tag, vr, VM.from_text(proposed_vm))
        proposals.append(Proposal(entry, how, vm_seen, seen.files, seen.example, conflict))
    return Learned(
        tuple(proposals),
        corpus.files,
        corpus.dicom,
        tuple(corpus.skipped),
        tuple(known_conflicts),
        corpus.orphans,
        tuple(sorted(corpus.bad)),
    )


# ---------------------------------------------------------------------------
# The companion report
# ---------------------------------------------------------------------------


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def format_report(learned: Learned, output: str = "learned.pfl") -> str:
    """A Markdown report: one row per proposed line saying how it was found."""
    out = [
        f"# mdict learn: {len(learned.proposals)} proposed lines for {output}",
        "",
        f"Files read: {learned.files}; DICOM files: {learned.dicom_files}; "
        f"skipped: {len(learned.skipped)}.",
        "",
        "| Tag | Creator | VR | How the VR was found | VM seen | VM proposed | Files | Example |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for p in learned.proposals:
        tag = p.entry.tag
        out.append(
            f"| ({tag.group:04X},xx{tag.element:02X}) | {_cell(tag.creator or '')} | {p.entry.vr} "
            f"| {_cell(p.how)} | {p.vm_seen} | {p.entry.vm} | {p.files} | {_cell(p.example)} |"
        )
    conflicts = [p for p in learned.proposals if p.conflict]
    if conflicts or learned.known_conflicts:
        out += ["", "## Conflicts", ""]
        out += [f"- {p.entry.tag.display}: {p.conflict}" for p in conflicts]
        out += [f"- {text}" for text in learned.known_conflicts]
    if learned.orphans or learned.bad_creators:
        out += ["", "## Not proposed", ""]
        if learned.orphans:
            out.append(f"- {learned.orphans} private elements without a private creator")
        out += [
            f"- creator {c!r}: not storable in diction.pfl (comma, too long or unprintable)"
            for c in learned.bad_creators
        ]
    if learned.skipped:
        out += ["", "## Skipped files", ""]
        out += [f"- {path}: {why}" for path, why in learned.skipped]
    return "\n".join(out) + "\n"
