"""The registry of profile kinds (mdict/formats.py), and one reporting for
every kind: each reader gives the same kind of error, at the same place, for
the same bad input (empty, binary, UTF-16, truncated, another kind, a folder,
a missing file)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

import mdict
from mdict import formats
from mdict.errors import InputFileError, ProfileError
from mdict.formats import FORMATS, KINDS, Format

KINDS_DATA = Path(__file__).parent / "data" / "kinds"


def sample(f: Format) -> str:
    """A small valid profile of the kind, in canonical layout."""
    return (KINDS_DATA / f.default_name).read_text(encoding="utf-8")


def test_every_kind_has_one_entry_and_every_function() -> None:
    assert KINDS == (
        "dictionary",
        "services",
        "info",
        "config",
        "conditions",
        "modules",
        "positions",
    )
    assert set(formats.DETECTION_ORDER) == set(KINDS)
    for f in FORMATS:
        text = sample(f)
        model = f.parse(text, "x")
        assert isinstance(model, f.model)
        assert formats.of_model(model) is f
        assert f.format(model) == text
        assert formats.detect_kind(text) == f.kind
        for prefix in ("parse", "read", "format", "write"):
            # the public names of mdict follow the one naming rule
            assert callable(getattr(mdict, f"{prefix}_{f.stem}"))


def test_write_writes_a_path_and_read_reads_it_back(tmp_path: Path) -> None:
    for f in FORMATS:
        model = f.parse(sample(f), "x")
        target = tmp_path / f.default_name
        f.write(model, target)
        assert target.read_text(encoding="utf-8") == sample(f)
        assert f.read(target) == model


def test_unknown_kind_names_the_kinds() -> None:
    with pytest.raises(KeyError, match="one of dictionary, services, info"):
        formats.get("nope")


# ---------------------------------------------------------------------------
# Every kind x every bad-input class
# ---------------------------------------------------------------------------


def _empty(f: Format, tmp: Path) -> Path:
    path = tmp / f.default_name
    path.write_text("")
    return path


def _blank(f: Format, tmp: Path) -> Path:
    path = tmp / f.default_name
    path.write_text("\n   \n\t\n")
    return path


def _binary(f: Format, tmp: Path) -> Path:
    path = tmp / f.default_name
    path.write_bytes(b"\x00\x01\x02\x03MDICT" + bytes(range(256)))
    return path


def _control(f: Format, tmp: Path) -> Path:
    path = tmp / f.default_name
    path.write_bytes(b"\x01\x02\x03" + sample(f).encode())
    return path


def _utf16(f: Format, tmp: Path) -> Path:
    path = tmp / f.default_name
    path.write_bytes(sample(f).encode("utf-16"))
    return path


def _utf16_without_bom(f: Format, tmp: Path) -> Path:
    path = tmp / f.default_name
    path.write_bytes(sample(f).encode("utf-16-le"))
    return path


def _directory(f: Format, tmp: Path) -> Path:
    path = tmp / f.default_name
    path.mkdir()
    return path


def _missing(f: Format, tmp: Path) -> Path:
    return tmp / f.default_name


UNREADABLE: dict[str, tuple[Callable[[Format, Path], Path], str]] = {
    "empty": (_empty, "empty file, expected a profile"),
    "blank": (_blank, "empty file, expected a profile"),
    "binary": (_binary, "binary data (NUL byte at offset 0), expected a text profile"),
    "control": (
        _control,
        "binary data (control character 0x01 at offset 0), expected a text profile",
    ),
    "utf-16": (_utf16, "UTF-16 text, expected UTF-8 or latin-1"),
    "utf-16 without BOM": (_utf16_without_bom, "UTF-16 text, expected UTF-8 or latin-1"),
    "directory": (_directory, "is a directory, expected a file"),
    "missing": (_missing, "no such file"),
}


@pytest.mark.parametrize("case", sorted(UNREADABLE))
@pytest.mark.parametrize("kind", KINDS)
def test_a_file_that_is_no_text_profile_is_one_error(kind: str, case: str, tmp_path: Path) -> None:
    f = formats.get(kind)
    make, reason = UNREADABLE[case]
    path = make(f, tmp_path)
    with pytest.raises(InputFileError) as caught:
        f.read(path)
    assert caught.value.file == str(path)
    assert caught.value.reason == reason
    assert str(caught.value) == f"{path}: error: {reason}"


@pytest.mark.parametrize("kind", KINDS)
def test_a_truncated_file_is_an_error_at_its_last_line(kind: str, tmp_path: Path) -> None:
    f = formats.get(kind)
    text = sample(f).rstrip("\n")
    cut = text[: text.rindex("\n") + 1 + (len(text) - text.rindex("\n")) // 2]
    path = tmp_path / f.default_name
    path.write_text(cut)
    with pytest.raises(ProfileError) as caught:
        f.read(path)
    first = caught.value.first
    last_line = cut.count("\n") + 1
    assert (first.file, first.line, first.severity) == (str(path), last_line, "error")
    assert 1 <= first.column <= len(cut.split("\n")[-1]) + 1
    assert re.fullmatch(r"expected .+, found .+", first.message), first.message
    assert first.source_line == cut.split("\n")[-1]


@pytest.mark.parametrize("found", KINDS)
@pytest.mark.parametrize("kind", KINDS)
def test_a_profile_of_another_kind_is_one_error_naming_both(
    kind: str, found: str, tmp_path: Path
) -> None:
    if kind == found:
        return
    f, other = formats.get(kind), formats.get(found)
    path = tmp_path / "profile.txt"
    path.write_text(sample(other))
    with pytest.raises(ProfileError) as caught:
        f.read(path)
    (only,) = caught.value.diagnostics
    first_line = next(
        n
        for n, line in enumerate(sample(other).split("\n"), 1)
        if line.strip() and not line.startswith("#")
    )
    assert (only.file, only.line, only.column) == (str(path), first_line, 1)
    assert only.message == f"expected {f.title}, found {other.title}"


def _many_bad_lines(f: Format) -> str:
    """A profile whose every line from the third on is bad (25 of them)."""
    good = [line for line in sample(f).split("\n") if line and not line.startswith("#")]
    return "\n".join(good[:2] + [f"?bad {k}" for k in range(25)]) + "\n"


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_stops_after_the_same_number_of_errors(kind: str, tmp_path: Path) -> None:
    from mdict.parse._driver import MAX_ERRORS

    f = formats.get(kind)
    path = tmp_path / f.default_name
    path.write_text(_many_bad_lines(f))
    with pytest.raises(ProfileError) as caught:
        f.read(path)
    errors = caught.value.diagnostics
    assert [d.line for d in errors[:MAX_ERRORS]] == list(range(3, 3 + MAX_ERRORS))
    assert errors[-1].message == f"too many errors, stopped after {MAX_ERRORS}"
    assert len(errors) == MAX_ERRORS + 1


def test_database_roles_are_the_registry_kinds_but_the_configuration() -> None:
    from mdict.db.build import PROFILE_FILES
    from mdict.db.format import DEFAULT_NAMES, ROLES

    assert tuple(k for k in KINDS if k != "config") == ROLES
    assert {f.kind: f.default_name for f in FORMATS if f.kind != "config"} == DEFAULT_NAMES
    assert tuple(DEFAULT_NAMES.values()) == PROFILE_FILES
