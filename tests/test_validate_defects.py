"""Every class of injected defect (tools/defects.py) is reported at the
right severity, and the valid controls stay clean, on files read from disk
with the standard database."""

from __future__ import annotations

from pathlib import Path

import pytest

from mdict.validation.validator import Validator, validator_for
from tools.defects import CLASSES, Case


def _cases() -> list[Case]:
    return [case for make in CLASSES.values() for case in make()]


CASES = _cases()


@pytest.fixture(scope="module")
def validator() -> Validator:
    return validator_for()


def test_every_class_has_ten_defects_and_controls() -> None:
    assert all(any(True for _ in make()) for make in CLASSES.values())
    for name in {c.defect for c in CASES}:
        cases = [c for c in CASES if c.defect == name]
        assert sum(not c.control for c in cases) >= 10, name
        assert any(c.control for c in cases), name


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.defect}/{c.name}")
def test_injected_defect_reported_and_control_clean(
    case: Case, validator: Validator, tmp_path: Path
) -> None:
    path = tmp_path / "case.dcm"
    path.write_bytes(case.data())
    report = validator.validate_file(path, level="warnings")
    found = {(f.code, f.path, f.severity) for f in report}
    if case.control:
        assert found == set(), [str(f) for f in report]
    else:
        assert set(case.expected) <= found, [str(f) for f in report]
