"""`mdict check DIR`: a whole Merge-style folder (banners, comments, a
compiled binary and a README beside the profiles), each profile found by
its content, then the cross-checks, one summary line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from mdict.cli import main
from mdict.folder import check_folder

FOLDER = Path(__file__).parent / "data" / "merge_folder"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def mc3msg(tmp_path: Path) -> Path:
    folder = tmp_path / "mc3msg"
    shutil.copytree(FOLDER, folder)
    return folder


def test_a_merge_folder_checks_clean_with_one_summary(mc3msg: Path) -> None:
    code, out, err = run("check", str(mc3msg))
    assert code == 0, err
    assert out.splitlines() == [
        "diction.pfl: 17 entries (3 private, 0 retired)",
        "info.pfl: 6 sections, 21 attributes, 3 condition names",
        "mc3icomb.cfg: 1 existing-service blocks, 0 private-service blocks, 0 private items,"
        " 0 existing items",
        "mergecom.srv: 3 services (2 BASE, 1 META), 2 items",
        f"{mc3msg}: 4 profiles (diction.pfl, info.pfl, mc3icomb.cfg, mergecom.srv); checked"
        " against mergecom.srv and diction.pfl: 0 errors, 0 warnings; 2 other files skipped",
    ]
    assert err.splitlines() == [
        f"{mc3msg / 'README.txt'}: skipped: not a profile name (.pfl, .srv, .cfg)",
        f"{mc3msg / 'mrgcom3.msg'}: skipped: not a profile name (.pfl, .srv, .cfg)",
    ]


def test_the_kind_comes_from_the_content_not_the_name(mc3msg: Path) -> None:
    (mc3msg / "diction.pfl").rename(mc3msg / "site_dictionary.pfl")
    (mc3msg / "mergecom.srv").rename(mc3msg / "services.cfg")
    report = check_folder(str(mc3msg))
    kinds = {Path(p.path).name: p.kind for p in report.profiles}
    assert kinds == {
        "site_dictionary.pfl": "dictionary",
        "services.cfg": "services",
        "info.pfl": "info",
        "mc3icomb.cfg": "config",
    }
    # the only dictionary and the only service profile are the references
    assert (report.dictionary, report.services) == (
        str(mc3msg / "site_dictionary.pfl"),
        str(mc3msg / "services.cfg"),
    )
    assert report.errors == 0


def test_every_cross_check_reports_its_place(mc3msg: Path) -> None:
    info = mc3msg / "info.pfl"
    text = info.read_text()
    text = text.replace("0010,0020@LO@2@@;", "0010,0020@SH@2@@;")  # another VR
    text = text.replace(
        "@2C(A00080060_IS_CT)@@;", "@2C(A00080060_IS_CT)@@;\n0018,0088@DS@3@@;"
    )  # no entry
    text = text.replace("[ 0002, C_STORE_RSP ]", "[ 0002, C_FIND_RQ ]")  # no such command
    text = text.replace("[ 0002, ITEM ]\n0009,ACME Imaging Group,11@DA@1@@;\n", "")  # no section
    text = text.replace("0009,ACME Imaging Group,12@DS@3@@;\n", "")
    info.write_text(text + "[ 0007, C_STORE_RQ ]\n0010,0010@PN@2@@;\n")  # no such service
    (mc3msg / "mc3icomb.cfg").write_text(
        (mc3msg / "mc3icomb.cfg").read_text().replace("0010,0020@LO@1", "0010,0021@LO@1")
    )
    code, out, err = run("check", str(mc3msg))
    assert code == 1
    errors = [line for line in err.splitlines() if ": error: " in line]
    assert errors == [
        f"{info}:14:1: error: expected a [ 0002, ITEM ] section for item CALIBRATION (named by"
        " (0009,xx10) ACME Imaging Group), found none",
        f"{info}:16:1: error: expected VR LO for (0010,0020) (the dictionary's), found SH",
        f"{info}:19:1: error: expected a tag of the dictionary, found (0018,0088)",
        f"{info}:31:1: error: expected a command of STANDARD_MR (C_STORE_RQ, C_STORE_RSP),"
        " found [ 0002, C_FIND_RQ ]",
        f"{info}:37:1: error: expected a service number of mergecom.srv, found"
        " [ 0007, C_STORE_RQ ]",
        f"{mc3msg / 'mc3icomb.cfg'}:9:1: error: expected a tag of the dictionary, found"
        " (0010,0021)",
    ]
    assert out.splitlines()[-1] == (
        f"{mc3msg}: 4 profiles (diction.pfl, info.pfl, mc3icomb.cfg, mergecom.srv); checked"
        " against mergecom.srv and diction.pfl: 6 errors, 0 warnings; 2 other files skipped"
    )


def test_a_profile_that_does_not_read_is_reported_and_the_rest_checked(mc3msg: Path) -> None:
    (mc3msg / "diction.pfl").write_text(
        (mc3msg / "diction.pfl").read_text().replace("Modality,0008,0060,CS,1", "Modality,0008")
    )
    code, out, err = run("check", str(mc3msg))
    assert code == 1
    assert f"{mc3msg / 'diction.pfl'}:15:10: error: expected a tag" in err
    assert "mergecom.srv: 3 services" in out
    # without a dictionary the tags cannot be checked: only the service profile is named
    assert out.splitlines()[-1].startswith(
        f"{mc3msg}: 3 profiles (info.pfl, mc3icomb.cfg, mergecom.srv); checked against"
        " mergecom.srv: 1 error, 0 warnings"
    )


def test_a_folder_without_profiles_is_one_usage_error(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("nothing here\n")
    code, out, err = run("check", str(tmp_path))
    assert (code, out) == (2, "")
    assert err.splitlines()[-1] == (
        f"{tmp_path}: error: no profile in this folder (files named *.pfl, *.srv or *.cfg)"
    )


def test_the_docs_example_is_what_check_prints(
    mc3msg: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = (Path(__file__).parent.parent / "docs" / "check.md").read_text()
    example = docs.split("    $ mdict check mc3msg/\n")[1].split("\n\n")[0]
    monkeypatch.chdir(mc3msg.parent)
    code, out, _ = run("check", "mc3msg/")
    assert code == 0
    assert out == "".join(line[4:] + "\n" for line in example.splitlines())
