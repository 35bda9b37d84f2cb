"""The fast path (mdict/parse/_fast.py) against the grammar it shortcuts.

The grammar stays the definition: the fast readers are built from the
grammar's own terminals, and whatever they accept the grammar accepts with an
equal result (separators and value-list style included). Lines they do not
accept go to Lark, which gives the errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from strategies import dict_entries, info_lines

from mdict.model import DictEntry, InfoLine
from mdict.parse import _fast, parse_dictionary, parse_info
from mdict.parse._driver import LineError, _parse_one
from mdict.parse.dictionary import dictionary_parser
from mdict.parse.info import info_parser
from mdict.write import format_dict_entry, format_info_line

ROOT = Path(__file__).parent.parent
DATA = Path(__file__).parent / "data"

# _fast.TERMINALS name -> (grammar, terminal name in the built Lark parser)
GRAMMAR_NAMES = {
    "STD_TAG": ("info", "common__STD_TAG"),
    "PRIV_GROUP": ("info", "common__PRIV_GROUP"),
    "CREATOR": ("info", "common__CREATOR"),
    "HEX2": ("info", "common__HEX2"),
    "INFO_VR_FIELD": ("info", "common__VR_FIELD"),
    "PLAIN_VT": ("info", "common__PLAIN_VT"),
    "CONDITIONAL_VT": ("info", "common__CONDITIONAL_VT"),
    "FIELD4": ("info", "common__FIELD4"),
    "LIST_OPEN": ("info", "common__LIST_OPEN"),
    "VALUE": ("info", "common__VALUE"),
    "SEPARATOR": ("info", "common__SEPARATOR"),
    "GROUP_SEPARATOR": ("info", "common__GROUP_SEPARATOR"),
    "_WS": ("info", "_WS"),
    "NAME": ("diction", "NAME"),
    "DICT_VR_FIELD": ("diction", "VR_FIELD"),
    "VM_FIELD": ("diction", "VM_FIELD"),
    "NUMBER": ("info", "NUMBER"),
    "SECTION_NAME": ("info", "SECTION_NAME"),
}


def _terminal(grammar: str, name: str) -> str:
    parser = info_parser() if grammar == "info" else dictionary_parser()
    (terminal,) = [t for t in parser.terminals if t.name == name]
    pattern: str = terminal.pattern.to_regexp()
    return pattern


@pytest.mark.parametrize("name", sorted(_fast.TERMINALS))
def test_fast_terminals_are_the_grammar_terminals(name: str) -> None:
    assert _fast.TERMINALS[name] == _terminal(*GRAMMAR_NAMES[name])


def test_shared_terminals_are_the_same_in_both_grammars() -> None:
    for name in ("STD_TAG", "PRIV_GROUP", "CREATOR", "HEX2", "_WS"):
        assert _terminal("diction", name) == _fast.TERMINALS[name]


# ---------------------------------------------------------------------------
# Fast result == grammar result
# ---------------------------------------------------------------------------


def _key(result: Any) -> Any:
    """Everything a result holds, formatting included (ValueList equality
    ignores the separators; the writer does not)."""
    if isinstance(result, InfoLine) and result.values is not None:
        v = result.values
        group_separator = v.group_separator if v.per_position else None
        return (result, v.separator, group_separator, v.spelling)
    return result


def _agrees(fast: Any, kind: str, line: str) -> None:
    """When the fast reader accepts ``line``, the grammar gives the same result."""
    result = fast(line)
    if result is None:
        return
    parser = dictionary_parser() if kind == "diction" else info_parser()
    expected = _parse_one(parser, line)
    assert not isinstance(expected, LineError), (line, expected)
    assert _key(result) == _key(expected), line
    assert type(result) is type(expected)


def _distinct_lines(path: Path) -> list[str]:
    text = path.read_bytes().decode("utf-8", "replace")
    return list(dict.fromkeys(line.rstrip("\r") for line in text.split("\n")))


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        (ROOT / "profiles" / "diction.pfl", "diction"),
        (ROOT / "profiles" / "info.pfl", "info"),
        *[(p, "diction") for p in sorted((DATA / "valid").glob("diction*.pfl"))],
        *[(p, "info") for p in sorted((DATA / "valid").glob("info*.pfl"))],
        *[(p, "diction") for p in sorted((DATA / "invalid").glob("diction*.pfl"))],
        *[(p, "info") for p in sorted((DATA / "invalid").glob("info*.pfl"))],
    ],
    ids=lambda v: v.name if isinstance(v, Path) else v,
)
def test_fast_path_agrees_on_real_files(path: Path, kind: str) -> None:
    fast = _fast.dictionary_line if kind == "diction" else _fast.info_line
    lines = _distinct_lines(path)
    for line in lines:
        _agrees(fast, kind, line)
    if path.parent.name == "profiles":
        accepted = [line for line in lines if fast(line) is not None]
        meaningful = [ln for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
        assert len(accepted) >= 0.9 * len(meaningful), "the fast path should read most lines"


def test_standard_profiles_read_the_same_with_and_without_the_fast_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from mdict.parse import _driver

    texts = {
        kind: (ROOT / "profiles" / name).read_text(encoding="utf-8")
        for kind, name in (("diction", "diction.pfl"), ("info", "info.pfl"))
    }
    fast_dictionary = parse_dictionary(texts["diction"], "d")
    fast_info = parse_info(texts["info"], "i")
    original = _driver.parse_lines
    monkeypatch.setattr(
        _driver, "parse_lines", lambda parser, lines, fast=None: original(parser, lines, None)
    )
    import mdict.parse.info as info_module

    monkeypatch.setattr(info_module, "parse_lines", _driver.parse_lines)
    assert parse_dictionary(texts["diction"], "d") == fast_dictionary
    slow_info = parse_info(texts["info"], "i")
    assert slow_info == fast_info
    assert [ln.loc for s in slow_info.sections for ln in s.lines] == [
        ln.loc for s in fast_info.sections for ln in s.lines
    ]
    assert [_key(ln) for s in slow_info.sections for ln in s.lines] == [
        _key(ln) for s in fast_info.sections for ln in s.lines
    ]


@given(dict_entries())
def test_written_dictionary_lines_take_the_fast_path(entry: DictEntry) -> None:
    line = format_dict_entry(entry)
    assert _fast.dictionary_line(line) == entry
    _agrees(_fast.dictionary_line, "diction", line)


@given(info_lines())
def test_written_info_lines_take_the_fast_path(line: InfoLine) -> None:
    text = format_info_line(line)
    result = _fast.info_line(text)
    assert result == line
    assert format_info_line(result) == text  # value lists spelled as written
    _agrees(_fast.info_line, "info", text)


# Lines close to valid ones: random edits with the characters that matter.
SEEDS = [
    "Patient's Name,0010,0010,PN,1",
    "  Storage Mode,0009,SIEMENS CM VA0  CMS,10, CS,1-n,  ",
    "Group Comments RETIRED,0008,4000,LO,2-2n,",
    "0010,0040@CS@2@@E<M, F,O>;",
    "0009,ACME Group,2A@SQ@1C(HAS_X)@kept@E<ITEM_A>;  ",
    "0008,0016@UI@1C()@@D<A,  B>;",
    "[ 0001, C_STORE_RQ ]",
    "[0023,ITEM]\t",
    "0018,1000@LO@3@@E<(A,B) (C)>;",
    "0008,0008@CS@1@@D<(ORIGINAL, DERIVED),(PRIMARY)(X , Y)\t(Z)>;",
    "0010,2201@CS@1@@E<>;",
    "0018,0015@CS@3@@D<F\\R GERMINAL MATRIX,\tHEAD>;",
]
EDIT_CHARS = " \t,@;<>()[]#\r0123456789ABCDEFabcdefnNCEDSQPUVX-_'"


@st.composite
def near_lines(draw: st.DrawFn) -> str:
    line = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, len(line)))
        action = draw(st.sampled_from(["insert", "delete", "replace", "duplicate"]))
        char = draw(st.sampled_from(EDIT_CHARS))
        if action == "insert":
            line = line[:position] + char + line[position:]
        elif action == "delete":
            line = line[:position] + line[position + 1 :]
        elif action == "replace":
            line = line[:position] + char + line[position + 1 :]
        else:
            line = line[:position] + line[position:] * 2
    return line


@settings(max_examples=600)
@given(near_lines())
@example("Name,0010,0010,PN,1-3n")
@example("Name,0010,0010,PN,3-1")
@example("[ 0001, C_STORE_XX ]")
@example("0010,0010@PN@1@@E<A ,B>;")
@example("0010,0010@PN@1@@E<A, B >;")
@example("0010,0010@PN@1@@E<>;")
@example("0010,0010@PN@1@@E<A>; \r")
@example("Name,0010,0010,PN,1\r")
def test_fast_path_never_accepts_what_the_grammar_reads_otherwise(line: str) -> None:
    _agrees(_fast.dictionary_line, "diction", line)
    _agrees(_fast.info_line, "info", line)


# ---------------------------------------------------------------------------
# Reading a valid dictionary needs no Lark at all
# ---------------------------------------------------------------------------


def _run(code: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    )
    return done.stdout


def test_reading_a_valid_dictionary_does_not_import_lark() -> None:
    code = (
        "import sys\n"
        "from mdict.parse import read_dictionary\n"
        f"d = read_dictionary({str(DATA / 'valid' / 'diction_variants.pfl')!r})\n"
        "print(len(d.entries), 'lark' in sys.modules)\n"
    )
    count, imported = _run(code).split()
    assert int(count) > 0
    assert imported == "False"


def test_dcomb_imports_neither_lark_nor_msgpack_nor_pydicom(tmp_path: Path) -> None:
    base = DATA / "valid" / "diction.pfl"
    additions = DATA / "valid" / "diction_variants.pfl"
    out = tmp_path / "out.pfl"
    code = (
        "import sys\n"
        "from mdict.cli import main\n"
        f"main(['dcomb', {str(base)!r}, {str(additions)!r}, '-o', {str(out)!r}],"
        " standalone_mode=False)\n"
        "print(sorted(m for m in ('lark', 'msgpack', 'pydicom') if m in sys.modules))\n"
    )
    assert _run(code).splitlines()[-1] == "[]"
    assert out.read_text(encoding="utf-8")
