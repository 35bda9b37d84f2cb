"""tools/build_conditions.py: condn.tpl -> conditions.pfl."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import UID

from mdict.conditions import parse_conditions, read_conditions
from mdict.conditions.evaluate import evaluate
from tools.build_conditions import build, format_report, main
from tools.condition_supplements import SUPPLEMENTS

DATA = Path(__file__).parent / "data" / "conditions"
TINY = DATA / "d3t"
REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "dicom3tools"
PROFILES = Path(__file__).resolve().parents[1] / "profiles"


def test_tiny_source_golden(tmp_path: Path) -> None:
    assert main(["--source", str(TINY), "--out", str(tmp_path)]) == 0
    text = (tmp_path / "conditions.pfl").read_text()
    assert text == (DATA / "d3t_expected.pfl").read_text()
    report = (tmp_path / "CONDITIONS_REPORT.md").read_text()
    assert "- translated completely: 6 (85.7%)" in report
    assert "BadKeyword: keyword NoSuchKeyword is in neither pydicom nor dicom3.tpl" in report
    assert "- OverlayRows (1 uses)" in report
    assert "GroupedWithModifier (line 19)" in report
    assert "stray '}' in GroupedWithModifier" in report
    assert 'StringValue="StringValue="ROUND"' in report


def test_missing_source_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--source", str(tmp_path), "--out", str(tmp_path / "out")]) == 2
    assert "has no condn.tpl" in capsys.readouterr().err


def _ds(**values: object) -> Dataset:
    ds = Dataset()
    for key, value in values.items():
        setattr(ds, key, value)
    return ds


def test_operators_bind_left_to_right_as_in_the_source() -> None:
    text, _ = build(TINY)
    conditions = parse_conditions(text).as_dict()
    left_to_right = conditions["LEFT_TO_RIGHT"]
    # (Rows or Columns) and not Modality == CT: Rows alone with CT is false
    assert evaluate(left_to_right, _ds(Rows=1, Modality="CT")) is False
    assert evaluate(left_to_right, _ds(Columns=1, Modality="MR")) is True
    assert evaluate(left_to_right, _ds(Modality="MR")) is False
    grouped = conditions["GROUPED_WITH_MODIFIER"]
    ds = _ds(Rows=720)
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = UID("1.2.840.10008.1.2.4.101")
    assert evaluate(grouped, ds) is False
    ds.Rows = 8
    assert evaluate(grouped, ds) is True
    assert str(conditions["TOO_DIFFICULT"]) == "unknown"


@pytest.mark.skipif(not (REAL / "condn.tpl").is_file(), reason="dicom3tools source not here")
def test_real_source_counts_and_committed_profile() -> None:
    text, report = build(REAL)
    assert (report.total, report.translated, len(report.failed)) == (1418, 1418, 0)
    assert len(report.empty) == 4
    # The committed profile is this plus the combinations info.pfl uses
    # (tools/build_profiles.py writes it; test_build_profiles checks it is fresh).
    profile = read_conditions(PROFILES / "conditions.pfl")
    plain = parse_conditions(text)
    assert len(plain) == 1418 + 2 + len(SUPPLEMENTS)  # translated, built-ins, supplements
    assert plain.as_dict().items() <= profile.as_dict().items()
    # the rest: combinations, PS3.4's conditions stated in words, and the "not known" one
    added = set(profile.as_dict()) - set(plain.as_dict())
    assert all(
        "__AND_" in n or "__OR_" in n or n.startswith("PS34_") or n == "CONDITION_NOT_KNOWN"
        for n in added
    )
    assert "NEED_MODULE_CLINICAL_TRIAL_SUBJECT" in profile.as_dict()
    assert "translated completely: 1418 (100.0%)" in format_report(report)
