"""Every file in tests/data/valid reads; canonical ones write back byte for
byte, tolerated variants write back to the same model."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mdict.parse import (
    detect_kind,
    parse_combine_config,
    parse_dictionary,
    parse_info,
    parse_services,
    read_combine_config,
    read_dictionary,
    read_info,
    read_services,
)
from mdict.write import format_combine_config, format_dictionary, format_info, format_services

VALID = Path(__file__).parent / "data" / "valid"

READERS: dict[
    str, tuple[Callable[[Path], Any], Callable[[str, str], Any], Callable[[Any], str]]
] = {
    "dictionary": (read_dictionary, parse_dictionary, format_dictionary),
    "services": (read_services, parse_services, format_services),
    "info": (read_info, parse_info, format_info),
    "config": (read_combine_config, parse_combine_config, format_combine_config),
}
KIND_OF = {
    "diction": "dictionary",
    "mergecom": "services",
    "info": "info",
    "mc3icomb": "config",
}


def kind_of(path: Path) -> str:
    return KIND_OF[path.stem.split("_")[0]]


CANONICAL = sorted(p for p in VALID.iterdir() if "_" not in p.stem)
VARIANTS = sorted(p for p in VALID.iterdir() if "_" in p.stem)


@pytest.mark.parametrize("path", CANONICAL, ids=lambda p: p.name)
def test_canonical_file_writes_back_byte_for_byte(path: Path) -> None:
    read, _, write = READERS[kind_of(path)]
    assert write(read(path)) == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", VARIANTS, ids=lambda p: p.name)
def test_variant_writes_back_to_the_same_model(path: Path) -> None:
    read, parse, write = READERS[kind_of(path)]
    model = read(path)
    text = write(model)
    assert parse(text, "rewritten") == model
    assert write(parse(text, "rewritten")) == text


@pytest.mark.parametrize("path", CANONICAL + VARIANTS, ids=lambda p: p.name)
def test_kind_is_detected_from_content(path: Path) -> None:
    data = path.read_bytes()
    text = data.decode("utf-8", errors="replace")
    assert detect_kind(text) == kind_of(path)
