"""docs/private-dictionaries-in-git.md, run step by step on the standard
profiles: a vendor block is merged, reviewed, compiled, used to validate and
dump a real file, and CI notices a stale database."""

from __future__ import annotations

import shutil
from pathlib import Path

import pydicom.data
import pytest
from click.testing import CliRunner, Result

from mdict.cli import main as cli

REPO = Path(__file__).resolve().parent.parent
ACME = """\
Storage Mode,0009,ACME Imaging Group,10,CS,1
Last Serviced By,0009,ACME Imaging Group,2A,PN,1
Gains,0009,ACME Imaging Group,2B,DS,1-n
Service Date,0009,ACME Imaging Group,2E,DA,1
Coil Name,0019,ACME MR 2.0,10,LO,1
Coil Size,0019,ACME MR 2.0,11,DS,2
"""


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture()
def team(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    for name in ("diction.pfl", "mergecom.srv", "info.pfl", "conditions.pfl"):
        shutil.copy(REPO / "profiles" / name, profiles / name)
    (profiles / "acme.pfl").write_text(ACME)
    samples = tmp_path / "samples"
    samples.mkdir()
    ct = pydicom.dcmread(pydicom.data.get_testdata_file("CT_small.dcm"))
    ct.private_block(0x0009, "ACME Imaging Group", create=True).add_new(0x2A, "PN", "Smith^J")
    ct.save_as(samples / "ct1.dcm")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_walkthrough(team: Path) -> None:
    original = Path("profiles/diction.pfl").read_bytes()

    # 3. merge with dcomb and review the semantic diff
    merged = run("dcomb", "profiles/diction.pfl", "profiles/acme.pfl", "-o", "profiles/new.pfl")
    assert merged.exit_code == 0, merged.output
    assert "6 added" in merged.output
    assert Path("profiles/diction.pfl").read_bytes() == original  # inputs untouched
    review = run("diff", "profiles/diction.pfl", "profiles/new.pfl")
    assert review.exit_code == 1
    assert "+ private block (0019,xxxx) ACME MR 2.0: 2 attributes" in review.output
    Path("profiles/new.pfl").replace("profiles/diction.pfl")

    # 4. compile (the output folder is created)
    assert run("dict", "profiles/diction.pfl", "-o", "build/mrgcom3.dct").exit_code == 0
    compiled = run(
        "info",
        "profiles/info.pfl",
        "--services",
        "profiles/mergecom.srv",
        "--dictionary",
        "profiles/diction.pfl",
        "-o",
        "build/mrgcom3.msg",
    )
    assert compiled.exit_code == 0, compiled.output
    assert run("diff", "profiles/diction.pfl", "build/mrgcom3.msg").exit_code == 0

    # 5. validate, dump and table with the team's database
    checked = run("validate", "--db", "build/mrgcom3.msg", "--level", "errors", "samples")
    assert checked.exit_code == 0, checked.output
    dumped = run("dump", "--db", "build/mrgcom3.msg", "samples/ct1.dcm", "--filter", "ACME")
    assert "Last Serviced By [ACME Imaging Group]" in dumped.output
    table = run("table", "--db", "build/mrgcom3.msg", "CT_IMAGE", "C_STORE_RQ")
    assert "| KVP | (0018,0060) | DS | 1 | 2 |" in table.output

    # 6. CI: the database matches its profiles until someone edits one
    sources = ["profiles/diction.pfl", "profiles/mergecom.srv", "profiles/info.pfl"]
    assert run("check-db", "build/mrgcom3.msg", "--against", *sources).exit_code == 0
    with Path("profiles/diction.pfl").open("a") as handle:
        handle.write("Extra,0019,ACME MR 2.0,12,LO,1\n")
    stale = run("check-db", "build/mrgcom3.msg", "--against", *sources)
    assert stale.exit_code == 1
    assert "profiles/diction.pfl: STALE" in stale.output
