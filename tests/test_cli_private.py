"""The private-dictionary commands end to end: exit codes, outputs, errors."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from private_helpers import PRIVATE_DATA, database, make_corpus

from mdict.cli import main
from mdict.cli import private as cli_private
from mdict.parse import read_dictionary

OLD = str(PRIVATE_DATA / "old_diction.pfl")
NEW = str(PRIVATE_DATA / "new_diction.pfl")
DB = PRIVATE_DATA / "db"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_diff_exit_codes() -> None:
    assert run("diff", OLD, OLD)[0] == 0
    code, out, _ = run("diff", OLD, NEW)
    assert code == 1 and "dictionary: 2 added, 2 removed, 2 changed" in out
    assert run("diff", "--exit-zero", OLD, NEW)[0] == 0


def test_diff_json() -> None:
    code, out, _ = run("diff", "--format", "json", OLD, NEW)
    doc = json.loads(out)
    assert code == 1 and doc["kind"] == "dictionary" and len(doc["changes"]) == 6


def test_diff_of_two_kinds_is_an_error() -> None:
    code, out, err = run("diff", OLD, str(DB / "mergecom.srv"))
    assert code == 2 and out == ""
    assert "is a services profile but" in err and "same kind" in err


def test_diff_reports_a_bad_profile_with_its_location(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pfl"
    bad.write_text("Patient's Name,0010,0010,PN,1\nBroken,0010,0020,QQ,1\n")
    code, _, err = run("diff", OLD, str(bad))
    # errors in a profile, as every command
    assert code == 1 and f"{bad}:2:" in err and "Traceback" not in err


def test_diff_missing_file() -> None:
    code, _, err = run("diff", OLD, "no/such.pfl")
    assert code == 2 and "no/such.pfl: error: no such file" in err


def test_diff_info_with_service_names(tmp_path: Path) -> None:
    changed = tmp_path / "info.pfl"
    changed.write_text((DB / "info.pfl").read_text().replace("E<M, F, O>", "E<M, F>"))
    srv = str(DB / "mergecom.srv")
    code, out, _ = run("diff", str(DB / "info.pfl"), str(changed), "--services", srv, srv)
    assert code == 1
    assert "~ line message STANDARD_CT C_STORE_RQ (0010,0040): values E<M, F, O> -> E<M, F>" in out
    assert "hint: removed O" in out


def test_git_driver_arguments(tmp_path: Path) -> None:
    code, out, _ = run(
        "diff", "--git-driver", "diction.pfl", OLD, "abc", "100644", NEW, "def", "100644"
    )
    assert code == 0 and out.startswith("--- a/diction.pfl\n+++ b/diction.pfl\n")
    code, out, _ = run(
        "diff", "--git-driver", "diction.pfl", "/dev/null", ".", ".", NEW, "def", "100644"
    )
    assert code == 0 and "dictionary: 4 added, 0 removed" in out
    assert run("diff", "--git-driver", OLD, NEW)[0] == 2


def test_import_dcmtk_writes_canonical_profile(tmp_path: Path) -> None:
    out = tmp_path / "private.pfl"
    code, _, err = run("import", "dcmtk", str(PRIVATE_DATA / "private.dic"), "-o", str(out))
    assert code == 0 and "imported as US" in err
    assert len(read_dictionary(out).entries) == 9


def test_import_error_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.dic"
    bad.write_text('(0009,"A",10)\tQQ\tName\t1\n')
    out = tmp_path / "out.pfl"
    code, _, err = run("import", "dcmtk", str(bad), "-o", str(out))
    assert code == 1 and f"{bad}:1:15: error: expected a VR, found 'QQ'" in err
    assert not out.exists()


def test_output_naming_the_input_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "private.dic"
    shutil.copy(PRIVATE_DATA / "private.dic", source)
    before = source.read_bytes()
    code, _, err = run("import", "dcmtk", str(source), "-o", str(source))
    assert code == 2 and "inputs are never modified" in err
    assert source.read_bytes() == before


def test_export_dcmtk_and_back(tmp_path: Path) -> None:
    dic = tmp_path / "private.dic"
    assert run("export", "dcmtk", NEW, "-o", str(dic))[0] == 0
    back = tmp_path / "back.pfl"
    assert run("import", "dcmtk", str(dic), "-o", str(back))[0] == 0
    assert run("diff", str(back), NEW)[0] == 1  # the standard entries were not exported
    code, out, _ = run("export", "dcmtk", "--include-standard", NEW, "-o", "-")
    assert code == 0 and "(0010,0010)\tLO\tPatient's Name\t1\tDICOM" in out


def test_export_pydicom_module(tmp_path: Path) -> None:
    target = tmp_path / "acme_dict.py"
    assert run("export", "pydicom", NEW, "-o", str(target))[0] == 0
    text = target.read_text()
    assert "import acme_dict" in text and "'NEW VENDOR 2.0': {" in text
    compile(text, str(target), "exec")


def test_export_rejects_a_service_profile() -> None:
    code, _, err = run("export", "dcmtk", str(DB / "mergecom.srv"), "-o", "-")
    assert code == 2 and "expected a dictionary profile" in err


def test_learn_writes_profile_and_report(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    make_corpus(corpus, 6)
    out = tmp_path / "learned.pfl"
    code, _, err = run(
        "learn", str(corpus), "-o", str(out), "--dictionary", str(DB / "diction.pfl"), "-j", "1"
    )
    assert code == 0, err
    assert "proposed lines from 6 DICOM files" in err
    learned = read_dictionary(out)
    tags = {str(e.tag) for e in learned.entries}
    assert tags == {"0019,OTHER VENDOR 2.0,05", "0019,OTHER VENDOR 2.0,06"}
    report = (tmp_path / "learned.report.md").read_text()
    assert report.count("| (0019,") == 2


def test_learn_missing_folder(tmp_path: Path) -> None:
    code, _, err = run("learn", str(tmp_path / "nope"), "-o", str(tmp_path / "x.pfl"))
    assert code == 2 and "no such file or directory" in err
    assert not (tmp_path / "x.pfl").exists()


def test_learn_writes_nothing_when_the_report_cannot_be_written(tmp_path: Path) -> None:
    """The proposals were written before the report failed (docs: nothing is
    written on error)."""
    corpus = tmp_path / "corpus"
    make_corpus(corpus, 2)
    (tmp_path / "report_is_a_folder").mkdir()
    out = tmp_path / "x.pfl"
    report = str(tmp_path / "report_is_a_folder")
    code, _, err = run("learn", str(corpus), "-o", str(out), "--report", report, "-j", "1")
    assert code == 2 and "report_is_a_folder" in err
    assert not out.exists()


@pytest.fixture
def test_database(monkeypatch: pytest.MonkeyPatch) -> None:
    """dump and table against the test profiles, whatever the embedded database is."""
    monkeypatch.setattr(cli_private, "open_database", lambda *a, **k: database())


def test_dump_and_filter(tmp_path: Path, test_database: None) -> None:
    from private_helpers import write_dicom

    path = tmp_path / "a.dcm"
    write_dicom(path, implicit=True)
    code, out, _ = run("dump", str(path))
    assert code == 0 and out.startswith(f"# {path}: STANDARD_CT C_STORE_RQ")
    assert "Last Serviced By [ACME Imaging Group]" in out
    code, out, _ = run("dump", str(path), "--filter", "ACME INNER")
    assert code == 0 and len(out.splitlines()) == 3


def test_dump_errors(tmp_path: Path, test_database: None) -> None:
    text = tmp_path / "t.txt"
    text.write_text("hello")
    code, _, err = run("dump", str(text))
    assert code == 2 and "not a DICOM file" in err
    code, _, err = run("dump", str(text), "--filter", "(")
    assert code == 2 and "not a regular expression" in err


def test_table_command(tmp_path: Path, test_database: None) -> None:
    code, out, _ = run("table", "STANDARD_CT", "C_STORE_RQ", "--format", "csv")
    assert code == 0 and out.startswith("Attribute,Tag,VR,VM,Type,Condition,Values\n")
    code, _, err = run("table", "NOPE", "C_STORE_RQ")
    assert code == 2 and "no service 'NOPE'" in err


def test_console_script_runs_diff() -> None:
    mdict = shutil.which("mdict")
    command = [mdict] if mdict else [sys.executable, "-m", "mdict.cli"]
    done = subprocess.run(
        [*command, "diff", "--format", "json", OLD, NEW], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["counts"]["added"] == 2


def test_pre_commit_hooks_run_real_commands(tmp_path: Path) -> None:
    import re

    from mdict.cli import COMMANDS

    text = (Path(__file__).parent.parent / ".pre-commit-hooks.yaml").read_text()
    entries = re.findall(r"^\s+entry: (.+)$", text, re.MULTILINE)
    assert entries == ["mdict fmt --check", "mdict check"]
    canonical = tmp_path / "diction.pfl"
    shutil.copy(DB / "diction.pfl", canonical)
    for entry in entries:
        words = entry.split()[1:]
        assert words[0] in COMMANDS
        assert run(*words, str(canonical))[0] == 0


@pytest.fixture
def compiled(tmp_path: Path, test_database: None) -> str:
    """A binary file standing for a compiled database (opened through the
    patched cli_private.open_database)."""
    path = tmp_path / "profiles.db"
    path.write_bytes(b"MDICTDB\x00\x01")
    return str(path)


def test_diff_profile_against_database(compiled: str, tmp_path: Path) -> None:
    assert run("diff", str(DB / "diction.pfl"), compiled)[0] == 0
    assert run("diff", compiled, str(DB / "mergecom.srv"))[0] == 0
    assert run("diff", str(DB / "info.pfl"), compiled)[0] == 0
    edited = tmp_path / "diction.pfl"
    edited.write_text((DB / "diction.pfl").read_text().replace("Gains,", "Gain Values,"))
    code, out, _ = run("diff", compiled, str(edited))
    assert code == 1
    assert (
        "~ attribute (0009,xx2B) ACME Imaging Group: Gain Values: name Gains -> Gain Values" in out
    )


def test_diff_two_databases_compares_every_kind(compiled: str) -> None:
    code, out, _ = run("diff", "--format", "json", compiled, compiled)
    assert code == 0
    assert [d["kind"] for d in json.loads(out)] == ["dictionary", "services", "info"]


def test_export_from_database(compiled: str) -> None:
    code, out, _ = run("export", "dcmtk", compiled, "-o", "-")
    assert code == 0 and '(0011,"ACME INNER",01)\tLO\tInner Note\t1\tPrivateTag' in out


def test_diff_configuration_files(tmp_path: Path) -> None:
    valid = Path(__file__).parent / "data" / "valid"
    base, variants = str(valid / "mc3icomb.cfg"), str(valid / "mc3icomb_variants.cfg")
    assert run("diff", base, variants)[0] == 0  # the same configuration, spelled differently
    changed = tmp_path / "changed.cfg"
    changed.write_text(
        (valid / "mc3icomb.cfg").read_text().replace("2030,0020@LO@3", "2030,0020@LO@1")
    )
    code, out, _ = run("diff", base, str(changed))
    assert code == 1
    assert "~ line private service BASIC_DUMMY_MANAGEMENT N_SET_RQ (2030,0020): type 3 -> 1" in out


def test_dump_with_a_chosen_message(tmp_path: Path, test_database: None) -> None:
    from private_helpers import write_dicom

    path = tmp_path / "a.dcm"
    write_dicom(path, implicit=False)
    code, out, _ = run("dump", str(path), "--message", "1", "c_store_rsp")
    assert code == 0 and "STANDARD_CT C_STORE_RSP (chosen with --message)" in out
    assert "Patient's Sex                            O  [not in the message]" in out
    code, _, err = run("dump", str(path), "--message", "STANDARD_CT", "N_GET_RQ")
    assert code == 2 and "service STANDARD_CT has no N_GET_RQ message" in err


# ---------------------------------------------------------------------------
# table: module by module
# ---------------------------------------------------------------------------

STANDARD_DB = str(Path(__file__).resolve().parent.parent / "mdict" / "data" / "mrgcom3.msg")


def _sections(markdown: str) -> dict[str, str]:
    """Module heading -> the markdown under it."""
    parts = markdown.split("\n### ")[1:]
    return {p.split("\n", 1)[0]: p for p in parts}


def test_table_groups_rows_by_module_on_the_standard_database() -> None:
    code, out, _ = run("table", "CT_IMAGE", "C_STORE_RQ", "--db", STANDARD_DB)
    assert code == 0 and out.startswith("## STANDARD_CT C_STORE_RQ (CT Image Storage)\n")
    sections = _sections(out)
    headings = list(sections)
    assert headings.index("Patient (M)") < headings.index("CT Image (M)")
    assert "| Patient's Name | (0010,0010) |" in sections["Patient (M)"]
    assert "| KVP | (0018,0060) |" in sections["CT Image (M)"]
    assert "Clinical Trial Subject (U, NEED_MODULE_CLINICAL_TRIAL_SUBJECT)" in sections
    # each attribute once, under one module
    assert out.count("| Patient's Name | (0010,0010) |") == 1
    # the same as the embedded database
    assert run("table", "CT_IMAGE", "C_STORE_RQ")[1] == out


def test_table_modules_in_csv_and_html() -> None:
    code, out, _ = run("table", "CT_IMAGE", "C_STORE_RQ", "--db", STANDARD_DB, "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert code == 0 and rows[0][:4] == ["Module", "Module usage", "Module condition", "Attribute"]
    kvp = next(r for r in rows if r[3] == "KVP")
    assert kvp[:3] == ["CT Image", "M", ""]
    subject = next(r for r in rows if r[3] == "Clinical Trial Sponsor Name")
    assert subject[:3] == [
        "Clinical Trial Subject",
        "U",
        "NEED_MODULE_CLINICAL_TRIAL_SUBJECT",
    ]
    code, page, _ = run("table", "CT_IMAGE", "C_STORE_RQ", "--db", STANDARD_DB, "--format", "html")
    assert code == 0
    assert '<tr class="module"><th colspan="7" scope="rowgroup">Patient (M)</th></tr>' in page
    assert page.count("<tbody>") == page.count('<tr class="module">') > 10


def test_table_profiles_folder_reads_modules_pfl(tmp_path: Path) -> None:
    folder = tmp_path / "profiles"
    shutil.copytree(DB, folder)
    code, flat, _ = run("table", "STANDARD_CT", "C_STORE_RQ", "--profiles", str(folder))
    assert code == 0 and "###" not in flat  # no modules.pfl: the flat list
    (folder / "modules.pfl").write_text(
        "[ STANDARD_CT, C_STORE_RQ ]\n"
        "Patient (M): 0010,0010 0010,0040\n"
        "Nothing Here (U, NEVER): 7777,0010\n"
        "SOP Common (M): 0008,0016 0008,0018\n"
    )
    code, out, _ = run("table", "STANDARD_CT", "C_STORE_RQ", "--profiles", str(folder))
    assert code == 0
    headings = list(_sections(out))
    assert headings == ["Patient (M)", "SOP Common (M)", "Other attributes"]
    assert "| Patient's Sex | (0010,0040) |" in _sections(out)["Patient (M)"]
    # every row of the flat list is in the grouped one
    header = "| Attribute | Tag | VR | VM | Type | Condition | Values |"
    grouped = [ln for ln in out.splitlines() if ln.startswith("| ") and ln != header]
    listed = [ln for ln in flat.splitlines() if ln.startswith("| ") and ln != header]
    assert sorted(grouped) == sorted(listed)


def test_table_without_modules_is_the_flat_list() -> None:
    """A database without modules keeps the one-list table."""
    code, out, _ = run("table", "STANDARD_CT", "C_STORE_RQ", "--profiles", str(DB))
    assert code == 0 and "###" not in out
    assert out.startswith("## STANDARD_CT C_STORE_RQ (CT Image Storage)\n\n| Attribute |")
