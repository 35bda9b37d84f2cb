"""pydicom bridge: registration at run time and the generated module."""

from __future__ import annotations

import copy
import importlib.util
from collections.abc import Iterator
from pathlib import Path

import pytest
from private_helpers import PRIVATE_DATA, database, write_dicom

import mdict
from mdict.model import VM, DictEntry, Dictionary, Tag
from mdict.parse import read_dictionary
from mdict.private.pydicom_bridge import format_pydicom_module, private_dictionaries


@pytest.fixture
def clean_pydicom() -> Iterator[None]:
    """Restore pydicom's private dictionary after the test."""
    from pydicom._private_dict import private_dictionaries

    saved = copy.deepcopy(private_dictionaries)
    yield
    private_dictionaries.clear()
    private_dictionaries.update(saved)


def _implicit_file(tmp_path: Path) -> Path:
    path = tmp_path / "implicit.dcm"
    write_dicom(path, implicit=True, index=1)
    return path


def test_unknown_private_tag_is_un_before_registration(tmp_path: Path, clean_pydicom: None) -> None:
    from pydicom import dcmread

    ds = dcmread(_implicit_file(tmp_path))
    assert ds.private_block(0x0009, "ACME Imaging Group")[0x2A].VR == "UN"


def test_register_with_pydicom_gives_vr_and_name(tmp_path: Path, clean_pydicom: None) -> None:
    from pydicom import dcmread

    count = mdict.register_with_pydicom(database())
    assert count == 7
    ds = dcmread(_implicit_file(tmp_path))
    block = ds.private_block(0x0009, "ACME Imaging Group")
    assert block[0x2A].VR == "PN"
    assert block[0x2A].value == "Smith^John"
    assert block[0x2A].name == "[Last Serviced By]"
    assert block[0x2B].VR == "DS"
    assert list(block[0x2B].value) == [1.5, 2.25]
    assert block[0x2C].value == 8


def test_private_dictionaries_shape() -> None:
    d = Dictionary(
        (
            DictEntry("Old Thing RETIRED", Tag(0x0019, 0x10, "ACME"), "UNKNOWN_VR", VM(1, None)),
            DictEntry("Patient's Name", Tag(0x0010, 0x0010), "PN", VM(1, 1)),
        )
    )
    assert private_dictionaries(d) == {
        "ACME": {0x00190010: ("UN", "1-n", "Old Thing RETIRED", "R")}
    }


def test_generated_module_registers_the_same_entries(tmp_path: Path, clean_pydicom: None) -> None:
    from pydicom import datadict

    dictionary = read_dictionary(PRIVATE_DATA / "db" / "diction.pfl")
    path = tmp_path / "acme_private.py"
    path.write_text(format_pydicom_module(dictionary, "diction.pfl", "acme_private"))
    spec = importlib.util.spec_from_file_location("acme_private", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert private_dictionaries(dictionary) == module.PRIVATE_DICTIONARIES
    module.register()
    assert datadict.private_dictionary_VR(0x0009102A, "ACME Imaging Group") == "PN"
    assert datadict.private_dictionary_VR(0x00111001, "ACME INNER") == "LO"
