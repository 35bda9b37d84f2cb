"""Merge's names in the standard profiles; old mdict names still work."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from mdict.cli import main
from mdict.db.aliases import did_you_mean, old_names, suggestions
from mdict.db.database import default_database

REPO = Path(__file__).resolve().parent.parent
MERGE_SERVICES = REPO / "tools" / "data" / "merge-services.tsv"


def _merge_names() -> dict[str, str]:
    """SOP Class UID -> Merge's service name."""
    out: dict[str, str] = {}
    for line in MERGE_SERVICES.read_text().splitlines():
        if line and not line.startswith("#"):
            name, uid = line.split("\t")[:2]
            out[uid] = name
    return out


def test_every_service_merge_has_takes_its_name() -> None:
    db = default_database()
    merge = _merge_names()
    named = [s for s in db.services() if s.uid in merge]
    assert len(named) >= 190
    assert all(s.name == merge[s.uid or ""] for s in named)
    assert db.service("1.2.840.10008.5.1.4.1.1.2").name == "STANDARD_CT"  # type: ignore[union-attr]
    assert db.service("MODALITY_WORKLIST_FIND") is not None


def test_services_are_numbered_by_name_base_first() -> None:
    services = default_database().services()
    base = [s.name for s in services if s.type == "BASE"]
    assert base == sorted(base)
    assert [s.number for s in services] == list(range(1, len(services) + 1))


def test_old_names_are_aliases() -> None:
    db = default_database()
    assert old_names("service")["CT_IMAGE"] == "STANDARD_CT"
    assert db.service("CT_IMAGE") is db.service("STANDARD_CT")
    assert db.message("CT_IMAGE", "C_STORE_RQ") == db.message("STANDARD_CT", "C_STORE_RQ")
    old_item, new_item = next(iter(sorted(old_names("item").items())))
    assert db.item(old_item) == db.item(new_item) is not None


def test_show_accepts_either_spelling() -> None:
    runner = CliRunner()
    old = runner.invoke(main, ["show", "CT_IMAGE", "C_STORE_RQ"])
    new = runner.invoke(main, ["show", "STANDARD_CT", "C_STORE_RQ"])
    assert old.exit_code == new.exit_code == 0
    assert old.output == new.output
    assert old.output.startswith("STANDARD_CT (")


def test_unknown_service_suggests_the_closest_names() -> None:
    result = CliRunner().invoke(main, ["show", "STANDARD_CTT", "C_STORE_RQ"])
    assert result.exit_code == 2  # a service the database does not have
    assert result.output.strip().startswith(
        "error: no message STANDARD_CTT C_STORE_RQ (did you mean STANDARD_CT,"
    )
    assert suggestions("MODALITY_WORKLIST", ["MODALITY_WORKLIST_FIND", "STANDARD_CT"]) == [
        "MODALITY_WORKLIST_FIND"
    ]
    assert did_you_mean("ZZZ", ["STANDARD_CT"]) == ""


def test_validate_names_the_closest_service(tmp_path: Path) -> None:
    (tmp_path / "x.dcm").write_bytes(b"")
    done = subprocess.run(
        [sys.executable, "-m", "mdict", "validate", "--service", "STANDARD_MRR", "x.dcm"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "did you mean STANDARD_MR" in done.stderr


def test_services_specs_say_where_each_spec_came_from() -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["services", "--specs", "--match", "1.2.840.10008.5.1.4.31"])
    assert result.exit_code == 0, result.output
    assert result.output.split("  ")[-1].strip() == (
        "C_FIND_RQ[PS3.4] C_FIND_RSP[PS3.4] C_CANCEL_RQ[empty]"
    )
    ct = runner.invoke(main, ["services", "--specs", "--json", "--match", "CT"]).output
    import json

    specs = {s["name"]: s["specs"] for s in json.loads(ct)["services"]}
    assert specs["STANDARD_CT"] == {"C_STORE_RQ": "dicom3tools", "C_STORE_RSP": "empty"}
    assert specs["CT_PERFORMED_PROCEDURE_PROTOCOL"]["C_STORE_RQ"] == "highdicom"
    gp = runner.invoke(main, ["services", "--specs", "--match", "1.2.840.10008.5.1.4.32.3"])
    assert "N_CREATE_RQ[none]" in gp.output  # not transcribed: no section


def test_services_specs_on_a_user_database_say_profile(tmp_path: Path) -> None:
    profiles = REPO / "tests" / "data" / "compile"
    db = tmp_path / "user.msg"
    done = subprocess.run(
        [sys.executable, "-m", "mdict", "info", str(profiles / "info.pfl"), "-o", str(db)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    done = subprocess.run(
        [sys.executable, "-m", "mdict", "services", "--specs", "--db", str(db)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "[profile]" in done.stdout and "[dicom3tools]" not in done.stdout
