"""The Merge fidelity target: a database compiled from Merge-style profiles
of the whole standard (tools/build_merge_style.py: meaning-style condition
names, no conditions profile) evaluates at least 90% of the condition uses
met on pydicom's test files when it borrows, and says how many it could not
evaluate when it does not."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pydicom.data
import pytest
from click.testing import CliRunner

from mdict.cli import main
from mdict.conditions.names import parse_name
from tools.build_merge_style import build, merge_style_name

ROOT = Path(__file__).resolve().parent.parent
TEST_FILES = Path(pydicom.data.__file__).parent / "test_files"


@pytest.fixture(scope="module")
def merge_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("mc3msg")
    counts = build(ROOT / "profiles", folder)
    assert counts["renamed"] == counts["condition names"] > 900
    return folder


def coverage(folder: Path, borrow: bool) -> dict[str, Any]:
    """``mdict validate --coverage`` over pydicom's whole test folder, as a user runs it."""
    args = ["info", str(folder / "info.pfl"), "--services", str(folder / "mergecom.srv")]
    args += ["--dictionary", str(folder / "diction.pfl"), "-o", str(folder / f"{borrow}.msg")]
    compiled = CliRunner().invoke(main, [*args] if borrow else [*args, "--no-borrow"])
    assert compiled.exit_code == 0, compiled.output
    db = str(folder / f"{borrow}.msg")
    options = ["--coverage", "--format", "json", "--level", "errors", "-j", "1"]
    run = CliRunner().invoke(main, ["validate", "--db", db, *options, str(TEST_FILES)])
    assert run.exit_code in (0, 1), run.output
    summary: dict[str, Any] = json.loads(run.stdout)["summary"]
    return summary


def test_meaning_style_names_are_not_read_by_the_convention() -> None:
    assert merge_style_name("NEED_MODULE_VOILUT") == "VOILUT_MODULE_IS_USED"
    assert merge_style_name("A00280006_PRESENT") == "A00280006_PRESENT"
    assert parse_name(merge_style_name("PIXEL_DATA_PRESENT")) is None


def test_borrowing_evaluates_at_least_90_percent_of_uses(merge_folder: Path) -> None:
    found = coverage(merge_folder, borrow=True)["coverage"]
    uses = found["condition_uses"]
    assert uses > 10_000
    assert found["by_source"]["borrowed"] == found["evaluated"]
    assert found["evaluated"] >= 0.90 * uses, found


def test_without_borrowing_the_uses_not_evaluated_are_counted(merge_folder: Path) -> None:
    summary = coverage(merge_folder, borrow=False)
    found = summary["coverage"]
    assert found["by_source"]["borrowed"] == 0
    assert found["evaluated"] < 0.10 * found["condition_uses"]
    assert summary["unevaluated_condition_uses"] == found["condition_uses"] - found["evaluated"]
