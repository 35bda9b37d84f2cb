"""mdict dict / info / decompile / check-db / lookup / services / show."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from mdict.cli import main
from mdict.db.database import open_database
from mdict.model import Tag

DATA = Path(__file__).parent / "data" / "compile"
CONDITIONS = Path(__file__).parent / "data" / "conditions"
REPO = Path(__file__).parent.parent


@pytest.fixture
def profiles(tmp_path: Path) -> Path:
    folder = tmp_path / "profiles"
    shutil.copytree(DATA, folder)
    return folder


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_info_compiles_with_profiles_beside_it(profiles: Path, tmp_path: Path) -> None:
    out = tmp_path / "db.msg"
    code, stdout, stderr = run("info", str(profiles / "info.pfl"), "-o", str(out))
    assert code == 0, stderr
    assert stdout == ""  # what was written is a note on stderr
    assert stderr.endswith(
        f"{out}: 3 services, 3 messages, 2 items, 22 attribute lines, 230 dictionary entries;"
        f" {out.stat().st_size} bytes\n"
    )
    assert "1 condition name is not defined and" in stderr  # IS_AXIAL
    assert open_database(out).message("STANDARD_CT", "C_STORE_RQ") is not None


def test_show_warnings_lists_each_condition(profiles: Path, tmp_path: Path) -> None:
    code, _, stderr = run(
        "info", str(profiles / "info.pfl"), "-o", str(tmp_path / "x.msg"), "--show-warnings"
    )
    assert code == 0
    assert "info.pfl:12:1: warning: condition IS_AXIAL is not defined (used by 1 line)" in stderr


def test_info_error_names_the_place_and_writes_nothing(profiles: Path, tmp_path: Path) -> None:
    info = profiles / "info.pfl"
    info.write_text(info.read_text().replace("0010,0010@PN@2@@;", "0010,0010@LO@2@@;", 1))
    out = tmp_path / "db.msg"
    code, stdout, stderr = run("info", str(info), "-o", str(out))
    assert code == 1 and stdout == ""
    assert (
        f"{info}:9:1: error: expected VR PN for (0010,0010) (the dictionary's), found LO" in stderr
    )
    assert "0010,0010@LO@2@@;" in stderr  # the offending line is shown
    assert not out.exists()


def test_explicit_services_and_dictionary(profiles: Path, tmp_path: Path) -> None:
    info = tmp_path / "elsewhere.pfl"
    shutil.copy(profiles / "info.pfl", info)
    out = tmp_path / "db.msg"
    code, _, stderr = run(
        "info",
        str(info),
        "--services",
        str(profiles / "mergecom.srv"),
        "--dictionary",
        str(profiles / "diction.pfl"),
        "-o",
        str(out),
    )
    assert code == 0, stderr
    code, _, stderr = run("info", str(info), "-o", str(out))
    assert code == 2
    assert "mergecom.srv: error: no such file (looked beside" in stderr
    assert "name it with --services" in stderr


def test_output_may_not_be_an_input(profiles: Path) -> None:
    before = (profiles / "info.pfl").read_bytes()
    code, _, stderr = run("info", str(profiles / "info.pfl"), "-o", str(profiles / "info.pfl"))
    assert code == 2 and "inputs are never modified" in stderr
    assert (profiles / "info.pfl").read_bytes() == before


def test_dict_compiles_a_dictionary(profiles: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.dct"
    code, stdout, stderr = run("dict", str(profiles / "diction.pfl"), "-o", str(out))
    assert (code, stdout) == (0, "")
    assert stderr.startswith(f"{out}: 230 dictionary entries; ")
    entry = open_database(out).entry(Tag(0x0010, 0x0020))
    assert entry is not None and entry.name == "Patient ID"


def test_decompile_round_trip_and_check_db(profiles: Path, tmp_path: Path) -> None:
    db = tmp_path / "db.msg"
    assert run("info", str(profiles / "info.pfl"), "-o", str(db))[0] == 0
    out = tmp_path / "back"
    code, _, stderr = run("decompile", str(db), "-o", str(out))
    assert code == 0 and f"{out / 'info.pfl'}: 27 lines" in stderr
    for name in ("diction.pfl", "mergecom.srv", "info.pfl"):
        assert (out / name).read_bytes() == (DATA / name).read_bytes()
    code, _, stderr = run("decompile", str(db), "-o", str(out))
    assert code == 2 and "exists already (--force replaces it)" in stderr
    assert run("decompile", str(db), "-o", str(out), "--force")[0] == 0

    code, stdout, _ = run("check-db", str(db), "--against", str(profiles))
    assert code == 0 and stdout.count("up to date") == 3
    (profiles / "info.pfl").write_text((profiles / "info.pfl").read_text() + "\n")
    code, stdout, _ = run("check-db", str(db), "--against", str(profiles / "info.pfl"))
    assert code == 1
    assert "info.pfl: STALE (changed since the database was compiled)" in stdout
    assert "diction.pfl: not given (not compared)" in stdout
    renamed = tmp_path / "my_dictionary.txt"
    shutil.copy(profiles / "diction.pfl", renamed)
    code, stdout, _ = run("check-db", str(db), "--against", str(renamed))
    assert code == 0 and f"{renamed}: up to date" in stdout


def test_check_db_reports_a_missing_file_as_missing(profiles: Path, tmp_path: Path) -> None:
    # A folder without one of the recorded files, or a file that does not
    # exist, is MISSING (exit 1), not "changed since the database was compiled".
    db = tmp_path / "db.msg"
    assert run("info", str(profiles / "info.pfl"), "-o", str(db))[0] == 0
    (profiles / "diction.pfl").unlink()
    code, stdout, _ = run("check-db", str(db), "--against", str(profiles))
    assert code == 1
    assert f"{profiles / 'diction.pfl'}: MISSING (no such file)" in stdout
    assert f"{profiles / 'info.pfl'}: up to date" in stdout
    code, stdout, _ = run("check-db", str(db), "--against", str(tmp_path / "nowhere.pfl"))
    assert code == 1 and f"{tmp_path / 'nowhere.pfl'}: MISSING (no such file)" in stdout
    assert "STALE" not in stdout


def test_show_a_service_without_its_command_says_what_it_has() -> None:
    # `mdict show CT_IMAGE` read CT_IMAGE as an item: "no item CT_IMAGE" alone.
    code, _, stderr = run("show", "CT_IMAGE")
    assert code == 2
    assert stderr.strip() == (
        "error: no item CT_IMAGE (STANDARD_CT is a service; give a command: C_STORE_RQ,"
        " C_STORE_RSP)"
    )
    code, _, stderr = run("show", "CT_IMAGE", "C_FIND_RQ")
    assert code == 2
    assert stderr.strip() == (
        "error: no message CT_IMAGE C_FIND_RQ (STANDARD_CT has the commands: C_STORE_RQ, C_STORE_RSP)"
    )


def test_show_a_command_without_a_spec_says_so() -> None:
    # "no message CT_IMAGE C_STORE_RSP (CT_IMAGE has: C_STORE_RQ, C_STORE_RSP)"
    # contradicted itself: the service has the command, the info profile no spec.
    # (C_STORE_RSP now has its empty section; UPS N-SET is not transcribed.)
    code, stdout, stderr = run("show", "UPS_PULL_SOP", "N_SET_RQ")
    assert (code, stdout) == (2, "")
    assert stderr == (
        "error: UPS_PULL_SOP N_SET_RQ: the service has this command, but the info profile"
        " specifies no attributes for it (messages with a spec: C_FIND_RQ, C_FIND_RSP,"
        " N_GET_RQ, N_GET_RSP, N_ACTION_RQ, N_ACTION_RSP, C_CANCEL_RQ)\n"
    )
    code, stdout, _ = run("show", "CT_IMAGE", "C_STORE_RSP")  # empty: no attributes
    assert code == 0 and stdout.startswith("STANDARD_CT (")


def test_services_and_show_on_a_dictionary_database_say_so(profiles: Path, tmp_path: Path) -> None:
    # A .dct holds no services: `mdict services` printed nothing (exit 0) and
    # `mdict show` said "no item X".
    dct = tmp_path / "d.dct"
    assert run("dict", str(profiles / "diction.pfl"), "-o", str(dct))[0] == 0
    expected = (
        f"{dct}: error: a dictionary database holds no services, messages or items"
        " (compile a message database with `mdict info`)"
    )
    for args in (["services"], ["show", "STANDARD_CT", "C_STORE_RQ"], ["show", "REF_IMAGE"]):
        code, stdout, stderr = run(*args, "--db", str(dct))
        assert (code, stdout, stderr.strip()) == (2, "", expected)
    assert run("lookup", "0010,0020", "--db", str(dct))[0] == 0


def test_bad_database_is_one_error_status_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.msg"
    bad.write_bytes(b"not a database at all")
    for args in (["lookup", "0010,0010", "--db"], ["decompile", "-o", str(tmp_path / "o")]):
        code, _, stderr = run(*args, str(bad))
        assert code == 2
        assert stderr.startswith(f"error: {bad}: not an mdict database")
        assert "Traceback" not in stderr


def test_lookup_by_tag_name_keyword_and_private() -> None:
    code, stdout, _ = run(
        "lookup",
        "0010,0010",
        "(0010,0010)",
        "patient's name",
        "0029,SIEMENS CSA HEADER,10",
    )
    assert code == 0
    lines = stdout.splitlines()
    assert lines[:2] == ["(0010,0010)  PN  VM 1  Patient's Name"] * 2
    assert lines[2:] == [
        "(0010,0010)  PN  VM 1  Patient's Name",
        "(0013,xx20) SIEMENS CM VA0  CMS  PN  VM 1  Patient Name",
        "(0029,xx10) SIEMENS CSA HEADER  OB  VM 1  CSA Image Header Info",
    ]


def test_lookup_docs_example() -> None:
    text = (Path(__file__).parent.parent / "docs" / "lookup-api.md").read_text()
    start = '    $ mdict lookup 0010,0010 "patient name" "Patient\'s Sex" "0029,SIEMENS CSA HEADER,10"\n'
    block = text.split(start, 1)[1].split("\n\n", 1)[0]
    expected = [line[4:] for line in block.splitlines()]
    code, stdout, _ = run(
        "lookup", "0010,0010", "patient name", "Patient's Sex", "0029,SIEMENS CSA HEADER,10"
    )
    assert code == 0 and stdout.splitlines() == expected
    code, stdout, stderr = run("lookup", "patietn name")
    assert code == 1 and stdout == ""
    said = text.split('    $ mdict lookup "patietn name"\n', 1)[1].split("\n", 1)[0]
    assert stderr.strip() == said.strip()


@pytest.mark.parametrize("query", ["patient name", "PATIENTNAME", "PatientName", "Patient Name"])
def test_a_standard_attribute_comes_before_private_ones(query: str) -> None:
    code, stdout, _ = run("lookup", query)
    assert code == 0
    lines = stdout.splitlines()
    assert lines[0] == "(0010,0010)  PN  VM 1  Patient's Name"
    assert all("(0010,0010)" not in line for line in lines[1:])
    creators = [line.split(")", 1)[1].split("  ")[0].strip() for line in lines[1:]]
    assert creators == sorted(creators) and creators


def test_lookup_not_found() -> None:
    code, stdout, stderr = run("lookup", "NoSuchThing", "0029,1010")
    assert code == 1 and stdout == ""
    assert "error: NoSuchThing: not in the dictionary" in stderr
    assert "a private attribute is looked up as GGGG,CREATOR,EB" in stderr


def test_services_match_words_and_uid_prefix() -> None:
    code, stdout, _ = run("services", "--match", "CT")
    assert code == 0
    names = [line.split()[2] for line in stdout.splitlines()]
    assert "STANDARD_CT" in names and "ENHANCED_CT_IMAGE" in names
    assert not any("AUTOREFRACTION" in n for n in names)
    code, stdout, _ = run("services", "--match", "1.2.840.10008.5.1.4.1.1.2")
    matched = {line.split()[2]: line.split()[3] for line in stdout.splitlines()}
    assert matched["STANDARD_CT"] == "1.2.840.10008.5.1.4.1.1.2"
    assert all(uid.startswith("1.2.840.10008.5.1.4.1.1.2") for uid in matched.values())


def test_services_items(profiles: Path, tmp_path: Path) -> None:
    db = tmp_path / "db.msg"
    run("info", str(profiles / "info.pfl"), "-o", str(db))
    code, stdout, _ = run("services", "--items", "--db", str(db))
    assert stdout == "0002  CALIBRATION\n0001  REF_IMAGE\n"
    code, stdout, _ = run("services", "--db", str(db))
    assert code == 0
    assert stdout.splitlines() == [
        "0001  BASE  STANDARD_CT  1.2.840.10008.5.1.4.1.1.2  C_STORE_RQ C_STORE_RSP",
        "0002  BASE  STANDARD_MR  1.2.840.10008.5.1.4.1.1.4  C_STORE_RQ",
        "0003  META  STORAGE  1.2.840.10008.4.2  0001 0002",
    ]


def test_show_expands_items(profiles: Path, tmp_path: Path) -> None:
    db = tmp_path / "db.msg"
    run("info", str(profiles / "info.pfl"), "-o", str(db))
    code, stdout, _ = run("show", "STANDARD_CT", "C_STORE_RQ", "--db", str(db))
    assert code == 0
    golden = (DATA / "show_standard_ct.txt").read_text()
    assert stdout == golden
    code, stdout, _ = run("show", "CALIBRATION", "--db", str(db))
    assert "item REF_IMAGE (0001)" in stdout
    code, stdout, _ = run("show", "STANDARD_CT", "C_STORE_RQ", "--db", str(db), "--depth", "0")
    assert "item REF_IMAGE (not expanded: --depth)" in stdout
    code, _, stderr = run("show", "STANDARD_CT", "N_SET_RQ", "--db", str(db))
    assert code == 2 and "no message STANDARD_CT N_SET_RQ" in stderr


def test_show_marks_recursive_items() -> None:
    from mdict.cli.lookup import show_rows
    from mdict.db.database import Database
    from mdict.parse import parse_dictionary, parse_info, parse_services

    dictionary = parse_dictionary("Content Sequence,0040,A730,SQ,1\n")
    services = parse_services(
        "[SERVICE_TABLE]\nNUMBER_OF_SERVICES_SUPPORTED = 0\n"
        "[ITEM_TABLE]\nNUMBER_OF_ITEMS_SUPPORTED = 1\nCONTENT = 0001\n"
    )
    info = parse_info("[ 0001, ITEM ]\n0040,A730@SQ@3@@E<CONTENT>;\n")
    db = Database.from_profiles(dictionary, services, info)
    item = db.item("CONTENT")
    assert item is not None
    rows = show_rows(db, item, 0, ("CONTENT",))
    assert rows[1] == ("  item CONTENT (recursive, see above)",)


def test_mdict_lookup_in_a_fresh_process() -> None:
    """The standard database ships inside the package: no other step needed."""
    done = subprocess.run(
        [sys.executable, "-c", "from mdict.cli import main; main()", "lookup", "0010,0010"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "(0010,0010)  PN  VM 1  Patient's Name\n"


def test_decompile_writes_the_conditions_profile_back(profiles: Path, tmp_path: Path) -> None:
    """decompile(compile(profiles with conditions)) gives the canonical
    conditions text: definitions in profile order, comments kept."""
    from mdict.conditions import format_conditions, read_conditions

    shutil.copy(CONDITIONS / "valid.pfl", profiles / "conditions.pfl")
    db = tmp_path / "db.msg"
    code, _, stderr = run("info", str(profiles / "info.pfl"), "-o", str(db))
    assert code == 0, stderr
    assert "14 conditions" in stderr
    out = tmp_path / "back"
    code, _, stderr = run("decompile", str(db), "-o", str(out))
    assert code == 0, stderr
    canonical = format_conditions(read_conditions(profiles / "conditions.pfl"))
    assert canonical != (CONDITIONS / "valid.pfl").read_text()  # the input is not canonical
    assert (out / "conditions.pfl").read_text() == canonical
    assert f"{out / 'conditions.pfl'}: {canonical.count(chr(10))} lines" in stderr
    assert "note:" not in stderr
    # canonical profiles come back byte for byte, conditions included
    again = tmp_path / "again.msg"
    assert run("info", str(out / "info.pfl"), "-o", str(again))[0] == 0
    assert run("decompile", str(again), "-o", str(tmp_path / "twice"))[0] == 0
    for name in ("diction.pfl", "mergecom.srv", "info.pfl", "conditions.pfl"):
        assert (tmp_path / "twice" / name).read_bytes() == (out / name).read_bytes(), name


def test_decompile_without_conditions_writes_no_conditions_profile(
    profiles: Path, tmp_path: Path
) -> None:
    db = tmp_path / "db.msg"
    assert run("info", str(profiles / "info.pfl"), "-o", str(db))[0] == 0
    assert run("decompile", str(db), "-o", str(tmp_path / "back"))[0] == 0
    assert sorted(p.name for p in (tmp_path / "back").iterdir()) == [
        "diction.pfl",
        "info.pfl",
        "mergecom.srv",
    ]


def test_decompiling_the_standard_database_gives_the_profiles_back(tmp_path: Path) -> None:
    shipped = REPO / "mdict" / "data" / "mrgcom3.msg"
    code, _, stderr = run("decompile", str(shipped), "-o", str(tmp_path / "back"))
    assert code == 0, stderr
    names = ("diction.pfl", "mergecom.srv", "info.pfl", "conditions.pfl", "modules.pfl")
    for name in (*names, "positions.pfl"):
        assert (tmp_path / "back" / name).read_bytes() == (REPO / "profiles" / name).read_bytes()


# -- --json ------------------------------------------------------------------


@pytest.fixture
def compiled_db(profiles: Path, tmp_path: Path) -> str:
    db = tmp_path / "db.msg"
    assert run("info", str(profiles / "info.pfl"), "-o", str(db))[0] == 0
    return str(db)


def test_lookup_json() -> None:
    code, stdout, stderr = run(
        "lookup", "--json", "PatientName", "0029,SIEMENS CSA HEADER,10", "NoSuchThing", "0029,1010"
    )
    assert code == 1 and stderr == ""
    results = json.loads(stdout)["results"]
    matches = [r.pop("matches", None) for r in results]
    closest = [r.pop("closest", None) for r in results]
    assert [[m["tag"] for m in found] for found in matches[:2]] == [
        ["0010,0010", "0013,SIEMENS CM VA0  CMS,20"],
        ["0029,SIEMENS CSA HEADER,10"],
    ]
    assert matches[2:] == [None, None] and closest == [None, None, [], []]
    assert {"results": results} == {
        "results": [
            {
                "query": "PatientName",
                "found": True,
                "tag": "0010,0010",
                "group": 0x0010,
                "element": 0x0010,
                "creator": None,
                "name": "Patient's Name",
                "vr": "PN",
                "vm": "1",
                "retired": False,
            },
            {
                "query": "0029,SIEMENS CSA HEADER,10",
                "found": True,
                "tag": "0029,SIEMENS CSA HEADER,10",
                "group": 0x0029,
                "element": 0x10,
                "creator": "SIEMENS CSA HEADER",
                "name": "CSA Image Header Info",
                "vr": "OB",
                "vm": "1",
                "retired": False,
            },
            {"query": "NoSuchThing", "found": False, "error": "not in the dictionary"},
            {
                "query": "0029,1010",
                "found": False,
                "error": "not in the dictionary"
                " (a private attribute is looked up as GGGG,CREATOR,EB)",
            },
        ]
    }
    code, stdout, _ = run("lookup", "--json", "0010,0040")
    assert code == 0 and json.loads(stdout)["results"][0]["name"] == "Patient's Sex"


def test_services_json(compiled_db: str) -> None:
    code, stdout, _ = run("services", "--json", "--db", compiled_db)
    assert code == 0
    services = json.loads(stdout)["services"]
    assert [s["number"] for s in services] == [1, 2, 3]
    assert services[0] == {
        "number": 1,
        "name": "STANDARD_CT",
        "type": "BASE",
        "uid": "1.2.840.10008.5.1.4.1.1.2",
        "description": "CT Image Storage",
        "commands": ["C_STORE_RQ", "C_STORE_RSP"],
        "sop_classes": [],
    }
    assert services[2]["type"] == "META" and services[2]["sop_classes"] == [1, 2]
    code, stdout, _ = run("services", "--json", "--match", "MR", "--db", compiled_db)
    assert [s["name"] for s in json.loads(stdout)["services"]] == ["STANDARD_MR"]
    code, stdout, _ = run("services", "--json", "--items", "--db", compiled_db)
    assert json.loads(stdout) == {
        "items": [{"number": 2, "name": "CALIBRATION"}, {"number": 1, "name": "REF_IMAGE"}]
    }


def test_show_json(compiled_db: str) -> None:
    code, stdout, _ = run("show", "STANDARD_CT", "C_STORE_RQ", "--json", "--db", compiled_db)
    assert code == 0
    shown = json.loads(stdout)
    assert {k: v for k, v in shown.items() if k != "lines"} == {
        "kind": "message",
        "number": 1,
        "command": "C_STORE_RQ",
        "name": "STANDARD_CT",
        "uid": "1.2.840.10008.5.1.4.1.1.2",
    }
    lines = shown["lines"]
    assert len(lines) == 11
    assert lines[0] == {
        "tag": "0008,0008",
        "group": 8,
        "element": 8,
        "creator": None,
        "name": "Image Type",
        "vr": "CS",
        "vm": "2-n",
        "type": "1",
        "condition": None,
        "values": {
            "kind": "D",
            "per_position": True,
            "groups": [["ORIGINAL", "DERIVED"], ["PRIMARY", "SECONDARY"]],
        },
        "field4": "",
        "items": [],
    }
    sq = lines[4]
    assert (sq["tag"], sq["type"], sq["condition"], sq["values"]) == (
        "0008,1140",
        "1C",
        "A00081140_PRESENT",
        None,
    )
    (item,) = sq["items"]
    assert (item["name"], item["number"], item["expanded"]) == ("REF_IMAGE", 1, True)
    assert [ln["tag"] for ln in item["lines"]] == ["0008,1150", "0008,1155", "0008,1160"]
    calibration = lines[6]["items"][0]
    assert calibration["name"] == "CALIBRATION" and calibration["expanded"]
    nested = calibration["lines"][0]["items"][0]
    assert (nested["name"], nested["expanded"]) == ("REF_IMAGE", True)

    code, stdout, _ = run(
        "show", "STANDARD_CT", "C_STORE_RQ", "--json", "--depth", "0", "--db", compiled_db
    )
    item = json.loads(stdout)["lines"][4]["items"][0]
    assert item == {"name": "REF_IMAGE", "number": 1, "expanded": False, "reason": "depth"}

    code, stdout, _ = run("show", "CALIBRATION", "--json", "--db", compiled_db)
    shown = json.loads(stdout)
    assert (shown["kind"], shown["number"], shown["command"], shown["name"], shown["uid"]) == (
        "item",
        2,
        "ITEM",
        "CALIBRATION",
        None,
    )
    code, stdout, _ = run("show", "STANDARD_MR", "C_STORE_RQ", "--json", "--db", compiled_db)
    private = [ln for ln in json.loads(stdout)["lines"] if ln["creator"] is not None]
    assert private[0]["field4"] == "field four" and private[0]["tag"].startswith("0009,SIEMENS")
    code, stdout, stderr = run("show", "STANDARD_CT", "N_SET_RQ", "--json", "--db", compiled_db)
    assert code == 2 and stdout == "" and "no message STANDARD_CT N_SET_RQ" in stderr


def test_show_json_recursive_and_undefined_items() -> None:
    from mdict.cli.lookup import show_json
    from mdict.db.database import Database
    from mdict.parse import parse_dictionary, parse_info, parse_services

    dictionary = parse_dictionary("Content Sequence,0040,A730,SQ,1\n")
    services = parse_services(
        "[SERVICE_TABLE]\nNUMBER_OF_SERVICES_SUPPORTED = 0\n"
        "[ITEM_TABLE]\nNUMBER_OF_ITEMS_SUPPORTED = 2\nCONTENT = 0001\nMISSING = 0002\n"
    )
    info = parse_info("[ 0001, ITEM ]\n0040,A730@SQ@3@@E<CONTENT, MISSING>;\n")
    db = Database.from_profiles(dictionary, services, info)
    item = db.item("CONTENT")
    assert item is not None
    shown = show_json(db, item, None, None)
    assert shown["name"] == "CONTENT"
    assert shown["lines"][0]["items"] == [
        {"name": "CONTENT", "number": 1, "expanded": False, "reason": "recursive"},
        {"name": "MISSING", "number": None, "expanded": False, "reason": "not defined"},
    ]


def test_role_of_recognises_every_profile_kind(profiles: Path, tmp_path: Path) -> None:
    from mdict.cli.database import role_of

    assert role_of(str(profiles / "diction.pfl")) == "dictionary"
    assert role_of(str(profiles / "mergecom.srv")) == "services"
    assert role_of(str(profiles / "info.pfl")) == "info"
    assert role_of(str(CONDITIONS / "valid.pfl")) == "conditions"
    assert role_of(str(REPO / "profiles" / "conditions.pfl")) == "conditions"


def test_check_db_finds_a_renamed_conditions_profile(profiles: Path, tmp_path: Path) -> None:
    db = tmp_path / "db.msg"
    conditions = CONDITIONS / "valid.pfl"
    code, _, stderr = run(
        "info", str(profiles / "info.pfl"), "--conditions", str(conditions), "-o", str(db)
    )
    assert code == 0, stderr
    renamed = tmp_path / "my_rules.txt"
    shutil.copy(conditions, renamed)
    code, stdout, _ = run("check-db", str(db), "--against", str(renamed))
    assert code == 0 and f"{renamed}: up to date" in stdout
    renamed.write_text(renamed.read_text() + "\nEXTRA = true\n")
    code, stdout, _ = run("check-db", str(db), "--against", str(renamed))
    assert code == 1 and f"{renamed}: STALE" in stdout
