"""Laws for the tolerated variants (spec: readers are tolerant, writers strict).

A generated model is written out in a variant spelling the spec tolerates:
CRLF line ends, blank and ``#`` lines anywhere, trailing blanks, a trailing
comma after a dictionary VM, a stray space before a dictionary VR (``, SQ``),
``1-N``/``N``/``n`` for ``1-n``, hex digits in either case, blanks before a
dictionary name's comma, header spacing and leading zeros, ``1C()`` for
``1C``, other value separators, ``KEY=value`` spacing. Then:

    read(v) == model                     the variant means the same thing
    read(write(read(v))) == read(v)      and survives a canonical rewrite

(and for the dictionary and the service profile, whose other formatting is
canonical, ``write(read(v))`` is ``write(model)`` plus the comment lines, every
one of which is kept).
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import combine_configs, dictionaries, info_profiles, service_profiles

from mdict.model import VM, CombineConfig, DictEntry, Dictionary, InfoLine, InfoProfile, Tag
from mdict.parse import parse_combine_config, parse_dictionary, parse_info, parse_services
from mdict.write import (
    format_combine_config,
    format_dictionary,
    format_info,
    format_services,
    sorted_entries,
)

_blank = st.sampled_from(["", " ", "\t", "   "])
_comment = st.sampled_from(["# comment", "#", "  # indented comment", "#,0010,0010,PN,1"])
_trailing = st.sampled_from(["", "", " ", "\t", "  "])
_spaces = st.sampled_from(["", "", " ", "  ", "\t"])


def _hex(draw: st.DrawFn, value: int, digits: int) -> str:
    text = f"{value:0{digits}X}"
    return text.lower() if draw(st.booleans()) else text


def _tag(draw: st.DrawFn, tag: Tag) -> str:
    group = _hex(draw, tag.group, 4)
    if tag.creator is None:
        return f"{group},{_hex(draw, tag.element, 4)}"
    return f"{group},{tag.creator},{_hex(draw, tag.element, 2)}"


def _vm(draw: st.DrawFn, vm: VM) -> str:
    n = draw(st.sampled_from("nN"))
    if vm.maximum is not None:
        return str(vm)
    if vm.step > 1:
        return f"{vm.minimum}-{vm.step}{n}"
    if vm.minimum == 1:
        return draw(st.sampled_from([f"1-{n}", n]))
    return f"{vm.minimum}-{n}"


def _meaningful(text: str) -> str:
    """The text without its comment and blank lines."""
    return "".join(
        line + "\n"
        for line in text.split("\n")
        if line.strip() and not line.lstrip().startswith("#")
    )


def _comments(text: str) -> list[str]:
    """The comment lines of a text, as written, sorted."""
    lines = (line.rstrip("\r") for line in text.split("\n"))
    return sorted(line for line in lines if line.lstrip().startswith("#"))


def _file(draw: st.DrawFn, lines: list[str], blank_ok: bool = True) -> str:
    """Lines with blank and comment lines slipped in, LF or CRLF (mixed too)."""
    out: list[str] = []
    for line in lines:
        for _ in range(draw(st.integers(0, 1))):
            out.append(draw(_comment | _blank) if blank_ok else draw(_comment))
        out.append(line)
    if draw(st.booleans()):
        out.append(draw(_comment | _blank))
    ending = draw(st.sampled_from(["lf", "crlf", "mixed"]))
    if ending == "lf":
        return "".join(line + "\n" for line in out)
    if ending == "crlf":
        return "".join(line + "\r\n" for line in out)
    return "".join(line + draw(st.sampled_from(["\n", "\r\n"])) for line in out)


# ---------------------------------------------------------------------------
# diction.pfl
# ---------------------------------------------------------------------------


def _entry(draw: st.DrawFn, entry: DictEntry) -> str:
    name = entry.name + draw(_spaces)
    vr = draw(st.sampled_from([",", ", "])) + entry.vr
    comma = draw(st.sampled_from(["", ","]))
    return f"{name},{_tag(draw, entry.tag)}{vr},{_vm(draw, entry.vm)}{comma}{draw(_trailing)}"


@st.composite
def dictionary_variants(draw: st.DrawFn) -> tuple[Dictionary, str]:
    model = draw(dictionaries())
    return model, _file(draw, [_entry(draw, e) for e in model.entries])


@given(dictionary_variants())
def test_dictionary_variants(case: tuple[Dictionary, str]) -> None:
    model, variant = case
    read = parse_dictionary(variant, "variant")
    assert read == model
    assert parse_dictionary(format_dictionary(read), "again") == read
    assert _meaningful(format_dictionary(read)) == format_dictionary(model)
    assert _comments(format_dictionary(read)) == _comments(variant)


def test_dictionary_variants_by_example() -> None:
    text = (
        "# comment\r\n"
        "\r\n"
        "Referenced Image Sequence,0008,1140, SQ,1,\r\n"
        "Image Type ,0008,0008,CS,2-N  \r\n"
        "Other Patient IDs,0010,1000,LO,N\r\n"
        "Storage Mode,0009,SIEMENS CM VA0  CMS,1a,CS,1-n,\r\n"
    )
    read = parse_dictionary(text, "x")
    assert format_dictionary(read) == (
        "# comment\n"
        "\n"
        "Image Type,0008,0008,CS,2-n\n"
        "Referenced Image Sequence,0008,1140,SQ,1\n"
        "Storage Mode,0009,SIEMENS CM VA0  CMS,1A,CS,1-n\n"
        "Other Patient IDs,0010,1000,LO,1-n\n"
    )
    assert parse_dictionary(format_dictionary(read), "y") == Dictionary(
        tuple(sorted_entries(read.entries))
    )


# ---------------------------------------------------------------------------
# info.pfl
# ---------------------------------------------------------------------------


def _header(draw: st.DrawFn, number: int, command: str) -> str:
    digits = draw(st.sampled_from([f"{number}", f"{number:04d}", f"{number:06d}"]))
    s = [draw(_spaces) for _ in range(4)]
    return f"[{s[0]}{digits}{s[1]},{s[2]}{command}{s[3]}]{draw(_trailing)}"


def _attribute(draw: st.DrawFn, line: InfoLine) -> str:
    vt = str(line.vt)
    if line.vt.conditional and line.vt.condition is None and draw(st.booleans()):
        vt += "()"
    values = ""
    if line.values is not None:
        v = line.values
        separator = draw(st.sampled_from([",", ", ", ",  "]))
        if not v.groups:
            body = ""
        elif v.per_position:
            between = draw(st.sampled_from(["", " ", "  "]))
            body = between.join("(" + separator.join(g) + ")" for g in v.groups)
        else:
            body = separator.join(v.groups[0])
        values = f"{v.kind}<{body}>"
    tag = _tag(draw, line.tag)
    return f"{tag}@{line.vr}@{vt}@{line.field4}@{values};{draw(_trailing)}"


@st.composite
def info_variants(draw: st.DrawFn) -> tuple[InfoProfile, str]:
    model = draw(info_profiles())
    lines: list[str] = []
    for section in model.sections:
        lines.append(_header(draw, section.number, section.command))
        lines += [_attribute(draw, line) for line in section.lines]
    return model, _file(draw, lines)


@settings(max_examples=60)
@given(info_variants())
def test_info_variants(case: tuple[InfoProfile, str]) -> None:
    model, variant = case
    read = parse_info(variant, "variant")
    assert read == model
    assert parse_info(format_info(read), "again") == read


# ---------------------------------------------------------------------------
# mergecom.srv and the mc3icomb configuration (variants of the written text)
# ---------------------------------------------------------------------------

_KEY_VALUE = re.compile(r"([ \t]*)([A-Za-z][A-Za-z0-9_.\-]*)[ \t]*=[ \t]*(.*)")
_SECTION = re.compile(r"\[[ \t]*([^,\]]+?)[ \t]*(?:,[ \t]*([^\]]+?)[ \t]*)?\]")


def _respaced(draw: st.DrawFn, text: str, keep_indent: bool = False) -> list[str]:
    """Re-space ``KEY = value`` and ``[ ... ]`` lines of a written profile."""
    out: list[str] = []
    for line in text.split("\n")[:-1]:
        m = _KEY_VALUE.fullmatch(line)
        s = _SECTION.fullmatch(line)
        if m and "@" not in line:
            indent = draw(st.sampled_from(["", " ", "    ", "\t"]))
            equals = draw(_spaces) + "=" + draw(_spaces)
            out.append(f"{indent}{m[2]}{equals}{m[3]}{draw(_trailing)}")
        elif s:
            inner = s[1] if s[2] is None else f"{s[1]}{draw(_spaces)},{draw(_spaces)}{s[2]}"
            left, right = draw(_spaces), draw(_spaces)
            out.append(f"{draw(_spaces)}[{left}{inner}{right}]{draw(_trailing)}")
        elif line.strip() and not keep_indent:
            out.append(line + draw(_trailing))
        elif line.strip():
            out.append(draw(st.sampled_from(["", " ", "\t"])) + line + draw(_trailing))
        else:
            out.append(line)
    return out


@settings(max_examples=30)  # big profiles, one draw per line: keep the suite quick
@given(service_profiles(), st.data())
def test_services_variants(model: object, data: st.DataObject) -> None:
    lines = _respaced(data.draw, format_services(model))  # type: ignore[arg-type]
    variant = _file(data.draw, lines)
    read = parse_services(variant, "variant")
    assert read == model
    assert parse_services(format_services(read), "again") == read
    written = format_services(read)
    assert _meaningful(written) == _meaningful(format_services(model))  # type: ignore[arg-type]
    assert _comments(written) == _comments(variant)


@settings(max_examples=40)
@given(combine_configs(), st.data())
def test_config_variants(model: CombineConfig, data: st.DataObject) -> None:
    lines = _respaced(data.draw, format_combine_config(model), keep_indent=True)
    variant = _file(data.draw, lines)
    read = parse_combine_config(variant, "variant")
    assert read == model
    assert parse_combine_config(format_combine_config(read), "again") == read
