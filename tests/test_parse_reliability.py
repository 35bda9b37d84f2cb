"""Hostile and broken input to the readers: empty values, deep nesting, error
floods and a planted parser cache each give one clear outcome in bounded
time, never a traceback."""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from mdict.check import MAX_SHOWN, check_profile
from mdict.cli import main
from mdict.errors import ProfileError
from mdict.model import VM, DictEntry, Dictionary, Location, Tag
from mdict.parse import _cache, _driver, parse_combine_config, parse_dictionary, parse_services
from mdict.parse._common import DictionTransformer
from mdict.parse.conditions import MAX_DEPTH, parse_conditions, parse_expression
from mdict.parse.dictionary import dictionary_parser

KINDS = Path(__file__).parent / "data" / "kinds"

# ---------------------------------------------------------------------------
# KEY = with an empty value reads as ""
# ---------------------------------------------------------------------------


def test_an_empty_service_value_reads_as_empty_text(tmp_path: Path) -> None:
    text = (KINDS / "mergecom.srv").read_text().replace("= CT Image Storage", "=")
    assert parse_services(text).services[0].description == ""
    path = tmp_path / "mergecom.srv"
    path.write_text(text)
    result = CliRunner().invoke(main, ["check", str(path)])
    assert (result.exit_code, result.output) == (
        0,
        "mergecom.srv: 1 services (1 BASE, 0 META), 1 items\n",
    )


def test_an_empty_configuration_value_reads_as_empty_text() -> None:
    config = parse_combine_config(
        "[ EXISTING_SERVICE_SECTION ]\n[ PRIVATE_SERVICE_SECTION ]\n"
        "[ DUMMY, MESSAGE ]\n  UID = 1.2.3\n  DESCRIPTION =\n  TYPE = BASE\n"
        "[ PRIVATE_ITEM_SECTION ]\n[ EXISTING_ITEM_SECTION ]\n"
    )
    assert config.private_services[0].properties == (
        ("UID", "1.2.3"),
        ("DESCRIPTION", ""),
        ("TYPE", "BASE"),
    )


# ---------------------------------------------------------------------------
# Deep nesting in conditions
# ---------------------------------------------------------------------------


def test_deeply_parenthesised_conditions_read_without_recursion() -> None:
    text = "(" * 250 + "present(Rows)" + ")" * 250
    assert str(parse_expression(text)) == "present((0028,0010) Rows)"


def test_thousands_of_nots_are_one_located_error() -> None:
    text = "A = " + "not " * 2000 + "present(Rows)\n"
    with pytest.raises(ProfileError) as caught:
        parse_conditions(text, "deep.pfl")
    (only,) = caught.value.diagnostics
    assert (only.file, only.line) == ("deep.pfl", 1)
    assert only.message == (
        f"expected at most {MAX_DEPTH} nested levels of not, and and or, found deeper nesting"
    )


def test_deeply_nested_and_or_is_one_located_error() -> None:
    depth = 300
    text = "(present(Rows) and " * depth + "true" + ")" * depth
    with pytest.raises(ProfileError) as caught:
        parse_expression(text)
    assert "nested levels" in caught.value.first.message


def test_nesting_up_to_the_limit_reads_and_writes_back() -> None:
    text = "not " * (MAX_DEPTH - 1) + "present(Rows)"
    assert str(parse_expression(text)) == text.replace("Rows", "(0028,0010) Rows")


def test_deep_conditions_through_the_cli_exit_1(tmp_path: Path) -> None:
    path = tmp_path / "conditions.pfl"
    path.write_text("DEEP = " + "not " * 2000 + "true\n")
    result = CliRunner().invoke(main, ["check", "--kind", "conditions", str(path)])
    assert result.exit_code == 1
    assert f"{path}:1:" in result.output
    assert "nested levels" in result.output
    assert "Traceback" not in result.output


# ---------------------------------------------------------------------------
# Error floods
# ---------------------------------------------------------------------------


class _Counting:
    """A Lark parser that counts its runs."""

    def __init__(self, parser: Any) -> None:
        self.parser = parser
        self.runs = 0
        self.lines = 0

    def parse(self, text: str) -> Any:
        self.runs += 1
        self.lines += text.count("\n")
        return self.parser.parse(text)


def test_a_flood_of_distinct_bad_lines_reads_only_the_first_ones() -> None:
    counting = _Counting(dictionary_parser())
    distinct = [f"Bad {k},0010,{k % 10000:04d},XX,1" for k in range(50_000)]
    done = _driver._grammar_lines(counting, distinct)  # type: ignore[arg-type]
    bad = [text for text, result in done.items() if type(result) is _driver.LineError]
    assert len(bad) == 50_000
    reported = [text for text in distinct if done[text] is not _driver.SKIPPED]
    assert reported == distinct[: _driver.MAX_ERRORS + 1]
    assert counting.runs <= 3 * (_driver.MAX_ERRORS + 1)


def test_one_bad_line_among_many_costs_about_one_more_run() -> None:
    counting = _Counting(dictionary_parser())
    distinct = [f"Name {k},0010,{k:04X},PN,1-n" for k in range(20_000)]
    distinct[12_345] = "Bad,0010,0010,XX,1"
    done = _driver._grammar_lines(counting, distinct)  # type: ignore[arg-type]
    assert [t for t, r in done.items() if type(r) is _driver.LineError] == [distinct[12_345]]
    assert all(isinstance(done[t], DictEntry) for t in distinct if t != distinct[12_345])
    assert counting.lines <= 2 * len(distinct)


def test_a_flood_file_reports_the_first_errors_in_file_order() -> None:
    text = "".join(f"Bad {k},0010,{k:04X},XX,1\n" for k in range(5000))
    with pytest.raises(ProfileError) as caught:
        parse_dictionary(text, "flood.pfl")
    lines = [d.line for d in caught.value.diagnostics]
    assert lines[:-1] == list(range(1, _driver.MAX_ERRORS + 1))
    assert caught.value.diagnostics[-1].message.startswith("too many errors")


def test_check_errors_are_capped_too() -> None:
    entries = tuple(
        DictEntry("Same", Tag(0x0010, 0x0010), "PN", VM(1, 1), Location("d.pfl", k))
        for k in range(1, 501)
    )
    found = check_profile(Dictionary(entries))
    assert len(found) == MAX_SHOWN + 1
    assert [d.line for d in found[:MAX_SHOWN]] == list(range(2, MAX_SHOWN + 2))
    assert (
        found[-1].message == f"{499 - MAX_SHOWN} more errors not shown (the first {MAX_SHOWN} are)"
    )


# ---------------------------------------------------------------------------
# The parser cache is code: trusted folders and files only
# ---------------------------------------------------------------------------


class _Planted:
    """A pickle that leaves a file behind when it is loaded."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (Path.write_text, (self.marker, "ran"))


def _plant(path: Path, marker: Path) -> None:
    payload = pickle.dumps(_Planted(marker))
    digest = _cache.hashlib.sha256(payload).hexdigest().encode()
    path.write_bytes(_cache.MAGIC + digest + b"\n" + payload)


@pytest.mark.parametrize("how", ["world-writable folder", "group-writable file", "other owner"])
def test_a_planted_pickle_is_never_loaded(
    how: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    monkeypatch.setenv("MDICT_CACHE_DIR", str(folder))
    marker = tmp_path / "ran"
    target = _cache.cache_file("diction.lark")
    assert target is not None
    _plant(target, marker)
    if how == "world-writable folder":
        folder.chmod(0o777)
    elif how == "group-writable file":
        target.chmod(0o664)
    else:
        if os.getuid() != 0:
            pytest.skip("changing a file's owner needs root")
        os.chown(target, 54321, -1)
    parser = _cache.build_parser("diction.lark", DictionTransformer())
    assert not marker.exists()
    assert parser.parse("N,0010,0010,PN,1\n")[0].vr == "PN"


def test_a_file_whose_digest_does_not_match_is_never_unpickled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MDICT_CACHE_DIR", str(tmp_path))
    marker = tmp_path / "ran"
    target = _cache.cache_file("diction.lark")
    assert target is not None
    payload = pickle.dumps(_Planted(marker))
    target.write_bytes(_cache.MAGIC + b"0" * 64 + b"\n" + payload)
    target.chmod(0o600)
    _cache.build_parser("diction.lark", DictionTransformer())
    assert not marker.exists()
    assert _cache._load(target) is not None  # replaced by a good copy


def test_a_symlinked_cache_folder_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = tmp_path / "real"
    real.mkdir(mode=0o700)
    link = tmp_path / "link"
    link.symlink_to(real)
    monkeypatch.setenv("MDICT_CACHE_DIR", str(link))
    _cache.build_parser("diction.lark", DictionTransformer())
    assert list(real.iterdir()) == []
