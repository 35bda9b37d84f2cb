"""The conditions fast path (mdict/parse/_conditions_fast.py, fast_definition and
fast_expression) against the grammar it shortcuts.

The grammar stays the definition: the fast path is built from the grammar's
own terminals, and whatever it accepts the grammar accepts with an equal
result (constant types included: 1 == 1.0 in Python, not in the language).
Text it does not accept goes to Lark, which gives the errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from test_conditions_laws import expressions, names

import mdict.parse._conditions_fast as cf
import mdict.parse.conditions as c
from mdict.errors import ProfileError
from mdict.model import keywords
from mdict.model.conditions import Expression
from mdict.parse._conditions_fast import fast_definition, fast_expression
from mdict.parse.conditions import parse_conditions, parse_expression
from mdict.write.conditions import format_definition

ROOT = Path(__file__).parent.parent
DATA = Path(__file__).parent / "data" / "conditions"


def _grammar(text: str, start: str) -> object | None:
    result, error = c._grammar(text, start)
    return None if error is not None else result


def _same(fast: object, slow: object) -> bool:
    """Equal nodes with equal canonical text (which tells 1 from 1.0)."""
    if isinstance(fast, tuple) and isinstance(slow, tuple):
        return fast[0] == slow[0] and _same(fast[1], slow[1])
    return fast == slow and str(fast) == str(slow)


def _agrees_expression(text: str) -> None:
    fast = fast_expression(text)
    if fast is not None:
        slow = _grammar(text, "expr")
        assert slow is not None, text
        assert _same(fast, slow), text


def _agrees_definition(text: str) -> None:
    fast = fast_definition(text)
    if fast is not None:
        slow = _grammar(text, "definition")
        assert slow is not None, text
        assert _same(fast, slow), text


@pytest.mark.parametrize("name", sorted(cf.FAST_TERMINALS))
def test_fast_terminals_are_the_grammar_terminals(name: str) -> None:
    (terminal,) = [t for t in c.conditions_parser().terminals if t.name == name]
    assert cf.FAST_TERMINALS[name] == terminal.pattern.to_regexp()


@pytest.mark.parametrize(
    "path",
    [ROOT / "profiles" / "conditions.pfl", *sorted(DATA.glob("*.pfl"))],
    ids=lambda p: p.name,
)
def test_fast_path_agrees_on_real_files(path: Path) -> None:
    _, chunks, _ = c.split_definitions(path.read_text(encoding="utf-8"))
    accepted = 0
    for chunk in chunks:
        _agrees_definition(chunk.text)
        accepted += fast_definition(chunk.text) is not None
    if path.parent.name == "profiles":
        assert accepted == len(chunks), "the fast path should read the standard profile"


def test_standard_profile_reads_the_same_without_the_fast_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = (ROOT / "profiles" / "conditions.pfl").read_text(encoding="utf-8")
    fast = parse_conditions(text, "c")
    monkeypatch.setattr(c, "fast_definition", lambda text, keywords=None: None)
    slow = parse_conditions(text, "c")
    assert fast == slow
    assert fast.texts() == slow.texts()
    assert [d.loc for d in fast] == [d.loc for d in slow]
    assert [d.comment for d in fast] == [d.comment for d in slow]


@pytest.mark.parametrize(
    "text",
    [
        "value(Rows) == 1 and value(Rows) == 1.0 or value(Rows) == +1",
        "not not present(../../(0008,1140)[*]/(0008,1150))",
        "  present(Rows)  # a comment\n  and has_value(/Rows)",
        'has_code((0040,A730)[2]/Rows, "a\\"b", "c\\\\")',
        'items(Rows) in (1, (0008,0016), "x") or group_present(0x0009)',
        "value(Rows, 2) >= -.5e3",
        'holds("and") or IS_AXIAL or (true and false) or unknown',
    ],
)
def test_fast_path_reads_every_rule(text: str) -> None:
    assert fast_expression(text) is not None
    _agrees_expression(text)


@pytest.mark.parametrize(
    "text",
    [
        "present(Rows) andnot present(Rows)",
        "and",
        "X = present(Rows)",  # a definition, not an expression
        "present(Rows[1])",
        "value(Rows, 0) == 1",
        "value(Rows, 1.5) == 1",
        "present((0008,0016) Modality)",
        "present(NoSuchKeyword)",
        "value(Rows) = 1",
        "value(Rows) in (0008,0016)",
        "group_present(0x00091)",
        "present(Rows) \u00a0",
        'value(Rows) == "open',
    ],
)
def test_fast_path_leaves_doubtful_text_to_the_grammar(text: str) -> None:
    assert fast_expression(text) is None
    _agrees_expression(text)


@settings(max_examples=300)
@given(expressions)
def test_fast_path_reads_canonical_text_as_the_grammar_does(expr: Expression) -> None:
    text = str(expr)
    fast = fast_expression(text)
    assert fast is not None, text
    assert _same(fast, expr)
    _agrees_expression(text)


_SEPARATORS = st.sampled_from([" ", "  ", "\t", "\n ", " # note\n ", "\r\n\t"])


@settings(max_examples=300)
@given(names, expressions, st.data())
def test_fast_path_agrees_with_other_spacing(
    name: str, expr: Expression, data: st.DataObject
) -> None:
    text = format_definition(name, expr)
    spaced = "".join(
        data.draw(_SEPARATORS) if char == " " and data.draw(st.booleans()) else char
        for char in text
    )
    _agrees_definition(text)
    _agrees_definition(spaced)


_ALPHABET = st.sampled_from(
    [
        *'()[],/*=<>!"\\#.+-0123456789xXeE_ \t\n',
        "../",
        "(0008,0016)",
        "0x0009",
        "Rows",
        "SOPClassUID",
        " and ",
        " or ",
        "not ",
        "in",
        "present",
        "has_value",
        "value",
        "count",
        "items",
        "holds",
        "has_code",
        "group_present",
        "true",
        "unknown",
        "IS_X",
    ]
)


@settings(max_examples=500)
@given(st.lists(_ALPHABET, max_size=25).map("".join))
@example("value(Rows) == 1")
@example("X = not(present(Rows))")
def test_fast_path_agrees_on_arbitrary_text(text: str) -> None:
    _agrees_expression(text)
    _agrees_definition(text)
    _agrees_definition(f"X = {text}")


@settings(max_examples=200)
@given(expressions, st.integers(0, 10_000), st.sampled_from(["", "(", ")", ",", "x", "/", "1"]))
def test_fast_path_agrees_on_damaged_text(expr: Expression, where: int, insert: str) -> None:
    text = str(expr)
    at = where % (len(text) + 1)
    for damaged in (text[:at] + insert + text[at + 1 :], text[:at] + insert + text[at:]):
        _agrees_expression(damaged)


def test_errors_still_come_from_the_grammar() -> None:
    with pytest.raises(ProfileError) as caught:
        parse_expression("present(Rows) and value(Rows) = 1")
    (diagnostic,) = caught.value.diagnostics
    assert (diagnostic.line, diagnostic.column) == (1, 31)
    assert diagnostic.message == "expected a comparison (==, !=, <, <=, >, >=) or 'in', found '='"


def test_profile_errors_are_those_of_the_grammar(monkeypatch: pytest.MonkeyPatch) -> None:
    text = (DATA / "invalid_keyword.pfl").read_text(encoding="utf-8")
    text += "\nB = present(Rows)\nC = value(Rows, 0) == 1\nB = true\n"
    with pytest.raises(ProfileError) as fast:
        parse_conditions(text, "f")
    monkeypatch.setattr(c, "fast_definition", lambda text, keywords=None: None)
    with pytest.raises(ProfileError) as slow:
        parse_conditions(text, "f")
    assert fast.value.diagnostics == slow.value.diagnostics
    assert len(fast.value.diagnostics) >= 2


def _check(path: Path, cache: str) -> subprocess.CompletedProcess[str]:
    """``mdict check`` of a conditions profile in a fresh process."""
    env = {**os.environ, "MDICT_CACHE_DIR": cache}
    return subprocess.run(
        [sys.executable, "-c", "from mdict.cli import main; main()", "check", str(path)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env=env,
    )


def test_the_conditions_parser_is_kept_between_processes(tmp_path: Path) -> None:
    bad = DATA / "invalid_syntax.pfl"
    first = _check(bad, str(tmp_path))
    assert first.returncode == 1 and "expected an expression" in first.stderr
    (saved,) = tmp_path.iterdir()
    assert saved.name.startswith("conditions+definition+expr-")
    stamp = saved.stat().st_mtime_ns
    second = _check(bad, str(tmp_path))
    uncached = _check(bad, "")
    for run in (second, uncached):
        assert (run.returncode, run.stdout, run.stderr) == (
            first.returncode,
            first.stdout,
            first.stderr,
        )
    assert saved.stat().st_mtime_ns == stamp  # loaded, not rewritten
    assert [p.name for p in tmp_path.iterdir()] == [saved.name]


# ---------------------------------------------------------------------------
# pydicom's keywords without importing pydicom
# ---------------------------------------------------------------------------


def _tables() -> keywords._PydicomTables:
    tables = keywords._pydicom_tables()
    assert tables is not None
    return tables


def test_the_standalone_tables_answer_as_pydicom_does() -> None:
    from pydicom.datadict import (
        DicomDictionary,
        RepeatersDictionary,
        keyword_dict,
        keyword_for_tag,
        tag_for_keyword,
    )

    tables = _tables()
    assert dict(tables.by_tag) == DicomDictionary
    assert dict(tables.by_keyword) == keyword_dict
    tags = set(DicomDictionary)
    for mask_x in RepeatersDictionary:
        for fill in "0123456789ABCDEF":
            tags.add(int(mask_x.replace("x", fill), 16))
    tags |= {t + 1 for t in list(tags) if t < 0xFFFFFFFF} | {t + 0x10000 for t in list(tags)}
    for tag in sorted(t for t in tags if t <= 0xFFFFFFFF):
        assert tables.keyword(tag) == (keyword_for_tag(tag) or None), hex(tag)
    for keyword in keyword_dict:
        assert tables.by_keyword.get(keyword) == tag_for_keyword(keyword)


@given(st.integers(0, 0xFFFFFFFF))
def test_the_standalone_tables_agree_on_any_tag(tag: int) -> None:
    from pydicom.datadict import keyword_for_tag

    assert _tables().keyword(tag) == (keyword_for_tag(tag) or None)


def test_reading_conditions_does_not_import_pydicom() -> None:
    code = (
        "import sys\n"
        "from mdict.db.format import condition_texts\n"
        "from mdict.conditions import read_conditions\n"
        "texts = condition_texts(read_conditions(sys.argv[1]))\n"
        "assert 'pydicom' not in sys.modules\n"
        "import pydicom.datadict\n"
        "assert condition_texts(read_conditions(sys.argv[1])) == texts\n"
        "print(len(texts))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(ROOT / "profiles" / "conditions.pfl")],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    from mdict.conditions import read_conditions
    from mdict.db.format import condition_texts

    expected = len(condition_texts(read_conditions(ROOT / "profiles" / "conditions.pfl")))
    assert (done.returncode, done.stdout.strip()) == (0, str(expected)), done.stderr
