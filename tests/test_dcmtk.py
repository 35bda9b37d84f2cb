"""DCMTK private.dic import and export: quirks, errors, round trips."""

from __future__ import annotations

from typing import Literal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from private_helpers import PRIVATE_DATA, dictionary

from mdict.errors import ProfileError
from mdict.model import VM, VRS, DictEntry, Dictionary, Tag
from mdict.private.dcmtk import format_dcmtk, parse_dcmtk, read_dcmtk


def _lines(d: Dictionary) -> list[str]:
    return [f"{e.name}|{e.tag}|{e.vr}|{e.vm}" for e in d.entries]


def test_reads_the_quirks() -> None:
    result = read_dcmtk(str(PRIVATE_DATA / "private.dic"))
    assert _lines(result.dictionary) == [
        "StorageMode|0009,ACME Imaging Group,10|CS|1",
        "LastServicedBy|0009,ACME Imaging Group,2A|PN|1",
        "PatientName|0010,0010|PN|1",
        "Two Spaces Creator|0019,SIEMENS CM VA0  CMS,0A|SH|2-2n",
        "Reserved|0029,ACME Imaging Group,10|UN|1",
        "Reserved|0029,ACME Imaging Group,12|UN|1",
        "OverlayFlag|6001,ACME OVERLAY,10|US|1",
        "OverlayFlag|6003,ACME OVERLAY,10|US|1",
        "OverlayFlag|6005,ACME OVERLAY,10|US|1",
    ]
    assert [w.message for w in result.warnings] == ["DCMTK VR 'xs' (US or SS) imported as US"]
    assert result.warnings[0].line == 8


def test_private_only_skips_standard_tags() -> None:
    result = read_dcmtk(str(PRIVATE_DATA / "private.dic"), private_only=True)
    assert all(e.tag.creator is not None for e in result.dictionary.entries)


def test_later_line_overrides_with_warning() -> None:
    text = '(0009,"A",10)\tCS\tOne\t1\n(0009,"A",10)\tLO\tTwo\t1\n'
    result = parse_dcmtk(text)
    assert _lines(result.dictionary) == ["Two|0009,A,10|LO|1"]
    assert "defined again" in result.warnings[0].message


def test_space_separated_line_is_read() -> None:
    result = parse_dcmtk('(0019,"X Y",0a)  DS  Slice Gap  1  PrivateTag\n')
    assert _lines(result.dictionary) == ["Slice Gap|0019,X Y,0A|DS|1"]


def test_creator_with_comma_is_skipped_with_warning() -> None:
    result = parse_dcmtk('(0009,"MERGE TECHNOLOGIES, INC.",00)\tOB\tUnknown\t1\tPrivateTag\n')
    assert result.dictionary.entries == ()
    (warning,) = result.warnings
    assert (warning.column, warning.message) == (
        8,
        "private creator 'MERGE TECHNOLOGIES, INC.' holds a comma; skipped",
    )


def test_group_range_too_large_is_skipped_with_warning() -> None:
    result = parse_dcmtk("(0000-u-ffff,0000)\tUL\tGenericGroupLength\t1\tGENERIC\n")
    assert result.dictionary.entries == ()
    assert "limit" in result.warnings[0].message


@pytest.mark.parametrize(
    ("line", "column", "message"),
    [
        ('(0009,"A",10)\tQQ\tName\t1', 15, "expected a VR, found 'QQ'"),
        ('(0009,"A",10)\tCS\tName\tx', 15, "expected a VM such as 1, 1-n or 2-2n, found 'x'"),
        ('(0009,"A",10)\tCS', 15, "expected VR, name and VM after the tag, found 1 fields"),
        ("0009,0010\tCS\tName\t1", 1, "expected a tag"),
        ('(00zz,"A",10)\tCS\tN\t1', 2, "expected a hex group"),
        ('(0008,"A",10)\tCS\tN\t1', 2, "expected an odd group for a private tag"),
        ('(0009,"A",1ff)\tCS\tN\t1', 11, "expected an element byte 00-ff"),
    ],
)
def test_errors_have_line_and_column(line: str, column: int, message: str) -> None:
    with pytest.raises(ProfileError) as info:
        parse_dcmtk("# header\n" + line + "\n", "p.dic")
    (d,) = info.value.diagnostics
    assert (d.file, d.line, d.column) == ("p.dic", 2, column)
    assert message in d.message


def test_all_bad_lines_reported_at_once() -> None:
    with pytest.raises(ProfileError) as info:
        parse_dcmtk('(0009,"A",10)\tQQ\tN\t1\n(0009,"A",11)\tQQ\tN\t1\n')
    assert [d.line for d in info.value.diagnostics] == [1, 2]


def test_export_folds_repeating_groups_and_skips_standard() -> None:
    d = dictionary(
        "Patient's Name,0010,0010,PN,1\n"
        + "".join(f"Overlay Flag,{g:04X},ACME,10,US,1\n" for g in range(0x6001, 0x6006, 2))
        + "Odd One,6009,ACME,10,US,1\n"
    )
    text, warnings = format_dcmtk(d)
    body = [ln for ln in text.splitlines() if not ln.startswith("#")]
    assert body == [
        '(6001-o-6005,"ACME",10)\tUS\tOverlay Flag\t1\tPrivateTag',
        '(6009,"ACME",10)\tUS\tOdd One\t1\tPrivateTag',
    ]
    assert warnings == []


def test_export_keywords_and_unknown_vr() -> None:
    d = Dictionary(
        (DictEntry("Patient's Odd Name (x)", Tag(0x0009, 0x10, "A"), "UNKNOWN_VR", VM(1, 1)),)
    )
    text, warnings = format_dcmtk(d, keywords=True)
    assert '(0009,"A",10)\tUN\tPatientsOddNameX\t1\tPrivateTag' in text
    assert warnings == ["(0009,xx10) A: VR UNKNOWN_VR written as UN"]


_CONTROL: list[Literal["Cc"]] = ["Cc"]
_creator = st.text(
    st.characters(
        codec="latin-1", exclude_characters='",\t\r\n\x85\xa0', exclude_categories=_CONTROL
    ),
    min_size=1,
    max_size=20,
).filter(lambda s: s.strip() == s)
_name = st.text(
    st.characters(
        codec="latin-1", exclude_characters=",\t\r\n\x85\xa0", exclude_categories=_CONTROL
    ),
    min_size=1,
    max_size=30,
).filter(lambda s: s.strip() == s and not s.startswith("#"))
_vm = st.sampled_from(["1", "2", "1-n", "2-2n", "3-3n", "1-3", "2-n", "16"]).map(VM.from_text)
_vr = st.sampled_from(sorted(VRS - {"UNKNOWN_VR"}))


@st.composite
def _entry(draw: st.DrawFn) -> DictEntry:
    group = draw(st.integers(0x0004, 0x7FFF))
    if group % 2:
        tag = Tag(group, draw(st.integers(0, 0xFF)), draw(_creator))
    else:
        tag = Tag(group, draw(st.integers(0, 0xFFFF)))
    return DictEntry(draw(_name), tag, draw(_vr), draw(_vm))


@given(st.lists(_entry(), max_size=25, unique_by=lambda e: e.tag))
def test_export_then_import_gives_the_same_entries(entries: list[DictEntry]) -> None:
    text, _ = format_dcmtk(Dictionary(tuple(entries)), include_standard=True)
    back = parse_dcmtk(text)
    assert set(back.dictionary.entries) == set(entries)
    assert back.warnings == ()


@given(st.lists(_entry(), max_size=25, unique_by=lambda e: e.tag))
def test_export_private_only_then_import(entries: list[DictEntry]) -> None:
    text, _ = format_dcmtk(Dictionary(tuple(entries)))
    back = parse_dcmtk(text)
    assert set(back.dictionary.entries) == {e for e in entries if e.tag.creator is not None}


@given(st.integers(0x6001, 0x60FF).filter(lambda g: g % 2), st.integers(0, 60))
def test_repeating_group_runs_round_trip(first: int, count: int) -> None:
    groups = [g for g in range(first, min(first + 2 * count, 0x6100), 2)]
    entries = {DictEntry("X", Tag(g, 0x10, "C"), "LO", VM(1, 1)) for g in groups}
    text, _ = format_dcmtk(Dictionary(tuple(entries)))
    assert len([ln for ln in text.splitlines() if not ln.startswith("#")]) == (1 if groups else 0)
    assert set(parse_dcmtk(text).dictionary.entries) == entries
