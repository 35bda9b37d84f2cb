"""The HTML report: aggregation, reading results, finding context, the page,
``mdict report`` and ``mdict validate --format html``."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from mdict.cli import main
from mdict.db.database import default_database
from mdict.report import FileResult, FindingRecord, aggregate, read_results
from mdict.report.aggregate import ERROR_BUCKETS, bucket_of
from mdict.report.build import render
from mdict.report.context import FILE_META, MESSAGE, PRIVATE, Annotator, steps
from mdict.report.html import common_folder
from mdict.report.results import ResultsError, RunInfo

REPO = Path(__file__).parent.parent


def finding(
    code: str = "TOO_FEW_VALUES", severity: str = "error", module: str = "Patient"
) -> FindingRecord:
    return FindingRecord(code, severity, "a message", "(0010,0010)", "(0010,0010)", module=module)


def result(file: str, *findings: FindingRecord, service: str | None = "CT_IMAGE") -> FileResult:
    counts = {s: sum(f.severity == s for f in findings) for s in ("error", "warning", "info")}
    return FileResult(file, service, "C_STORE_RQ", findings, counts)


# -- aggregation -------------------------------------------------------------


def test_counts_by_severity_code_sop_class_module_and_errors() -> None:
    agg = aggregate(
        [
            result("a/1.dcm", finding(), finding("INVALID_VR", "warning", "SOP Common")),
            result("a/2.dcm"),
            result("a/3.dcm", *[finding()] * 3, service="MR_IMAGE"),
            result("a/4.dcm", finding("NOT_DICOM", module="(whole message)"), service=None),
        ]
    )
    assert (agg.files, agg.files_with_errors) == (4, 3)
    assert dict(agg.severities) == {"error": 5, "warning": 1, "info": 0}
    assert agg.codes == {"TOO_FEW_VALUES": 4, "INVALID_VR": 1, "NOT_DICOM": 1}
    assert agg.code_files == {"TOO_FEW_VALUES": 2, "INVALID_VR": 1, "NOT_DICOM": 1}
    assert agg.sop_files == {"CT_IMAGE": 2, "MR_IMAGE": 1, "(no SOP class)": 1}
    assert agg.sop_failed == {"CT_IMAGE": 1, "MR_IMAGE": 1, "(no SOP class)": 1}
    assert [(m, c.total()) for m, c in agg.module_totals()] == [
        ("Patient", 4),
        ("(whole message)", 1),
        ("SOP Common", 1),
    ]
    assert agg.error_buckets == [1, 2, 1, 0, 0, 0, 0, 0]
    assert agg.severity_of("INVALID_VR") == "warning"


def test_bucket_edges() -> None:
    assert [bucket_of(n) for n in (0, 1, 2, 5, 6, 10, 11, 20, 21, 50, 51, 100, 101, 10**6)] == [
        0, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7,
    ]  # fmt: skip
    assert ERROR_BUCKETS[-1] == (101, None)


def test_worst_files_kept_in_order_ties_by_file_order() -> None:
    files = [
        result("0.dcm", finding()),
        result("1.dcm", finding(), finding()),
        result("2.dcm", finding("X", "warning")),
        result("3.dcm", finding(), finding()),
        result("4.dcm"),
    ]
    agg = aggregate(files, worst=2)
    assert [(n, r.file) for n, r in agg.detailed] == [(1, "1.dcm"), (3, "3.dcm")]
    assert aggregate(files, worst=0).detailed == []
    assert [n for n, _ in aggregate(files).detailed] == [1, 3, 0, 2]  # no findings: not kept


severities = st.sampled_from(["error", "warning", "info"])
findings = st.builds(
    finding, st.sampled_from(["A", "B", "C"]), severities, st.sampled_from(["M", "N"])
)
results = st.lists(
    st.builds(
        lambda n, fs, s: result(f"f{n}.dcm", *fs, service=s),
        st.integers(0, 10**6),
        st.lists(findings, max_size=6),
        st.sampled_from(["CT_IMAGE", "MR_IMAGE", None]),
    ),
    max_size=20,
)


@given(results, st.randoms())
def test_law_counts_do_not_depend_on_file_order(files: list[FileResult], rnd: object) -> None:
    shuffled = list(files)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    a, b = aggregate(files), aggregate(shuffled)
    for name in ("files", "files_with_errors", "severities", "codes", "code_files", "sop_files"):
        assert getattr(a, name) == getattr(b, name)
    assert a.error_buckets == b.error_buckets
    assert sum(a.error_buckets) == a.files
    assert a.severities.total() == sum(a.codes.values()) == sum(len(f.findings) for f in files)


@given(results, st.integers(0, 5))
def test_law_worst_are_the_top_n_by_severity(files: list[FileResult], n: int) -> None:
    key = lambda r: (r.errors, r.warnings, r.infos)  # noqa: E731
    kept = [r for _, r in aggregate(files, worst=n).detailed]
    with_findings = [r for r in files if r.findings]
    expected = sorted(with_findings, key=key, reverse=True)[:n]  # stable: file order on ties
    assert [key(r) for r in kept] == [key(r) for r in expected]
    assert [r.file for r in kept] == [r.file for r in expected]


# -- reading results ----------------------------------------------------------


def test_reads_validate_json_and_json_lines(tmp_path: Path) -> None:
    entry = {
        "file": "x.dcm",
        "service": "CT_IMAGE",
        "command": "C_STORE_RQ",
        "ok": False,
        "counts": {"error": 1, "warning": 0, "info": 0},
        "findings": [{"code": "NOT_DICOM", "severity": "error", "message": "m", "tag": None}],
    }
    summary = {
        "files": 1,
        "coverage": {
            "condition_uses": 10,
            "evaluated": 7,
            "unevaluated_names": ["N"],
            "by_source": {"profile": 6, "borrowed": 1, "not_evaluated": 3},
        },
    }
    run = {
        "mdict_version": "9.9",
        "database": {
            "name": "db.msg",
            "sources": [{"role": "info", "file": "info.pfl", "sha256": "ab"}],
        },
    }
    document = tmp_path / "r.json"
    document.write_text(json.dumps({"files": [entry], "summary": summary, "run": run}, indent=2))
    lines = tmp_path / "r.jsonl"
    lines.write_text(
        json.dumps(entry) + "\n\n" + json.dumps({"summary": summary, "run": run}) + "\n"
    )
    for path in (document, lines):
        read = read_results(str(path))
        assert read.run.mdict_version == "9.9"
        assert read.run.sources == (("info", "info.pfl", "ab"),)
        assert (read.run.condition_uses, read.run.conditions_evaluated) == (10, 7)
        assert read.run.unevaluated_names == ("N",)
        assert read.run.coverage_sources == (("profile", 6), ("borrowed", 1), ("not_evaluated", 3))
        (only,) = list(read.files)
        assert (only.file, only.errors, only.findings[0].code) == ("x.dcm", 1, "NOT_DICOM")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '{"file": "a", "findings": []}\n{"file": oops}\n',
            "r.txt:2:10: error: not JSON: Expecting value",
        ),
        ('{"files": [1, 2', "r.txt:1:16: error: not JSON: Expecting ',' delimiter"),
        ("[1, 2]\n", "r.txt:1:1: error: expected a JSON object, found list"),
        ('{"files": 3}', 'r.txt: error: not mdict results: expected {"files": [...], ...}'),
        (
            '{"files": [{"file": "a"}]}',
            "r.txt: error: file entry 1: expected an object with findings",
        ),
    ],
)
def test_unreadable_results_name_the_place(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "r.txt"
    path.write_text(text)
    with pytest.raises(ResultsError) as caught:
        read = read_results(str(path))
        list(read.files)
    assert str(caught.value) == message.replace("r.txt", str(path))


# -- where a finding sits -------------------------------------------------------


def test_steps_of_paths() -> None:
    assert steps("(0040,0275)[1]/(0008,0100)") == [(0x0040, "0275", None), (0x0008, "0100", None)]
    assert steps("(0029,xx10) ACME 1") == [(0x0029, "XX10", "ACME 1")]
    assert steps("nonsense") == []


def test_context_from_the_standard_database() -> None:
    annotator = Annotator(default_database())
    ct = ("CT_IMAGE", "C_STORE_RQ")
    patient = annotator.context(*ct, "(0010,0010)")
    assert (patient.module, patient.type, patient.condition) == ("Patient", "2", None)
    assert annotator.context(*ct, "(0028,0030)").module == "Image Plane"
    nested = annotator.context(*ct, "(0008,1140)[2]/(0008,1150)")
    assert (nested.module, nested.type) == ("General Reference", "1")
    assert annotator.context(*ct, "(0002,0010)").module == FILE_META
    assert annotator.context(*ct, "(0009,1001)").module == PRIVATE
    assert annotator.context(*ct, "").module == MESSAGE
    assert annotator.context(None, "C_STORE_RQ", "(0010,0010)").type is None


# -- the page -----------------------------------------------------------------


def test_common_folder() -> None:
    assert common_folder(["a/b/c.dcm", "a/b/d/e.dcm"]) == "a/b/"
    assert common_folder(["a/bc.dcm", "a/bd.dcm"]) == "a/"
    assert common_folder(["x.dcm"]) == ""
    assert common_folder([]) == ""


def test_page_is_self_contained_and_escapes_what_files_say() -> None:
    nasty = FindingRecord("NOT_DICOM", "error", "</script><b>x</b>", module="<i>m</i>")
    agg = aggregate([result("dir/<evil>.dcm", nasty), result("dir/ok.dcm")])
    page = render(agg, RunInfo(database="db.msg"), "r.json", generated="today")
    assert not re.search(r"(src|href)=\"(https?:)?//", page)  # nothing fetched
    assert "<evil>" not in page and "<b>x</b>" not in page and "<i>m</i>" not in page
    data = page.split('id="mdict-data">')[1].split("</script>")[0]
    strings = json.loads(data)["strings"]
    assert {"<evil>.dcm", "</script><b>x</b>", "<i>m</i>"} <= set(strings)
    assert 'id="code-NOT_DICOM"' in page and "not DICOM" in page
    assert '<span class="n">2</span><span class="t">files</span>' in page
    assert "1 of 2 files (50.0%) fail" in page


# -- the commands -------------------------------------------------------------


@pytest.fixture
def results_file(tmp_path: Path) -> Path:
    entries = [
        {"file": f"in/f{n}.dcm", "service": "CT_IMAGE", "command": "C_STORE_RQ",
         "findings": [{"code": "REQUIRED_ATTRIBUTE_MISSING", "severity": "error",
                       "message": "required attribute missing (type 2)", "tag": "(0010,0010)",
                       "path": "(0010,0010)", "name": "Patient's Name"}] * n}
        for n in range(3)
    ]  # fmt: skip
    path = tmp_path / "results.json"
    path.write_text(json.dumps({"files": entries, "summary": {"files": 3}}))
    return path


def test_report_command_places_findings_in_modules(results_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    run = CliRunner().invoke(main, ["report", str(results_file), "-o", str(out)])
    assert run.exit_code == 0, run.output
    assert run.output == f"{out}: 3 files, 2 with errors (0.0 MB)\n"
    page = out.read_text()
    data = json.loads(page.split('id="mdict-data">')[1].split("</script>")[0])
    assert {"Patient", "2", "f2.dcm"} <= set(data["strings"])
    assert len(data["rows"]) == 3 and len(data["details"]) == 2


def test_report_split_writes_one_page_per_file(results_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    run = CliRunner().invoke(main, ["report", str(results_file), "-o", str(out), "--split"])
    assert run.exit_code == 0, run.output
    pages = sorted(p.name for p in (tmp_path / "report_files").iterdir())
    assert pages == ["000001.html", "000002.html", "000003.html", "style.css"]
    third = (tmp_path / "report_files" / "000003.html").read_text()
    assert (
        third.count("REQUIRED_ATTRIBUTE_MISSING</a>") == 2 and "<h3><span>Patient</span>" in third
    )
    assert 'href="../report.html#code-REQUIRED_ATTRIBUTE_MISSING"' in third
    assert not list(tmp_path.glob(".report_files*"))  # no temporary folder left


def test_report_of_unreadable_results_is_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"files": [')
    out = tmp_path / "report.html"
    run = CliRunner().invoke(main, ["report", str(bad), "-o", str(out)])
    assert run.exit_code == 2
    assert run.output == f"{bad}:1:12: error: not JSON: Expecting value\n"
    assert not out.exists()


def test_validate_html_needs_an_output(tmp_path: Path) -> None:
    run = CliRunner().invoke(main, ["validate", str(tmp_path), "--format", "html"])
    assert run.exit_code == 2
    assert "--format html writes a page: name it with -o FILE" in run.output


def test_console_script_renders_a_report(results_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    done = subprocess.run(
        [sys.executable, "-m", "mdict", "report", str(results_file), "-o", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert out.read_text().startswith("<!DOCTYPE html>")


def test_codes_module_is_generated_from_docs() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "tools" / "build_report_codes.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout


def test_the_docs_commands_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shlex
    import shutil

    from pydicom.data import get_testdata_file

    (tmp_path / "scans").mkdir()
    for name in ("CT_small.dcm", "MR_small.dcm"):
        shutil.copy(str(get_testdata_file(name)), tmp_path / "scans" / name)
    monkeypatch.chdir(tmp_path)
    text = (REPO / "docs" / "report.md").read_text()
    commands = [line[12:] for line in text.splitlines() if line.startswith("    $ mdict ")]
    assert len(commands) == 4
    for command in commands:
        args = shlex.split(command)
        run = CliRunner().invoke(main, args)
        assert run.exit_code in (0, 1), (command, run.output)  # 1: the files have errors
        assert Path(args[args.index("-o") + 1]).is_file()
    assert len(list((tmp_path / "split_files").glob("*.html"))) == 2
    page = (tmp_path / "report.html").read_text()
    assert 'data-card="files"><span class="n">2</span>' in page


def test_reads_the_report_of_mdict_scp(tmp_path: Path) -> None:
    message = {
        "file": None, "service": "STANDARD_CT", "command": "C_STORE_RQ", "ok": False,
        "counts": {"error": 1, "warning": 0, "info": 0},
        "findings": [{"code": "REQUIRED_ATTRIBUTE_MISSING", "severity": "error", "message": "m",
                      "tag": "(0010,0010)", "path": "(0010,0010)"}],
        "association": 3, "peer": "STORESCU@127.0.0.1:5000", "message_id": 7, "status": "0x0000",
    }  # fmt: skip
    stored = {**message, "file": "received/1.dcm", "message_id": 8}
    path = tmp_path / "scp.json"
    document = {"format": "mdict-scp-report", "messages": [message, stored], "associations": []}
    path.write_text(json.dumps(document, indent=2))
    files = list(read_results(str(path)).files)
    assert [f.file for f in files] == [
        "association 3 from STORESCU@127.0.0.1:5000, message 7",
        "received/1.dcm",
    ]
    assert files[0].errors == 1


def test_json_lines_of_a_stopped_run_and_names_that_are_not_utf8(tmp_path: Path) -> None:
    entry = {"file": "a\udcff.dcm", "service": None, "findings": []}
    path = tmp_path / "r.jsonl"
    text = json.dumps(entry, ensure_ascii=False) + "\n" + '{"file": "b.dcm", "findi'
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    files = list(read_results(str(path)).files)
    assert [f.file for f in files] == ["a\\xff.dcm"]  # the cut last line is left out
    page = render(aggregate(files), RunInfo(), str(path))
    assert "a\\\\xff.dcm" in page  # inside the page's JSON


def test_reads_parquet_parts(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    folder = tmp_path / "results.parquet"
    folder.mkdir()
    finding = {"code": "NOT_DICOM", "severity": "error", "message": "m", "tag": None, "path": "",
               "creator": None, "value_index": None, "name": None}  # fmt: skip
    for part, names in enumerate((["a.dcm", "b.dcm"], ["c.dcm"])):
        rows = [
            {"file": n, "service": None, "command": "C_STORE_RQ", "ok": n != "b.dcm",
             "counts": {"error": int(n == "b.dcm"), "warning": 0, "info": 0},
             "findings": [finding] if n == "b.dcm" else []}
            for n in names
        ]  # fmt: skip
        pq.write_table(pa.Table.from_pylist(rows), folder / f"part-{part:05d}.parquet")
    out = tmp_path / "report.html"
    run = CliRunner().invoke(main, ["report", str(folder), "-o", str(out)])
    assert run.exit_code == 0, run.output
    assert run.output.startswith(f"{out}: 3 files, 1 with errors")


def test_severities_below_the_level_are_not_reported_as_zero() -> None:
    agg = aggregate([result("a.dcm", finding())])
    page = render(agg, RunInfo(level="warnings"), "r.json", generated="today")
    assert 'data-card="warnings"><span class="n">0</span>' in page
    assert 'data-card="info"><span class="n">&ndash;</span>' in page
    assert "info: not reported at --level warnings" in page
    chart = page.split('aria-label="Findings by severity"')[1].split("</svg>")[0]
    assert ">Warning</text>" in chart and ">Info</text>" not in chart


def test_report_title(results_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    args = ["report", str(results_file), "-o", str(out), "--title", "Acme CT 2.3 <beta> & co"]
    run = CliRunner().invoke(main, args)
    assert run.exit_code == 0, run.output
    page = out.read_text()
    assert "<title>Acme CT 2.3 &lt;beta&gt; &amp; co</title>" in page
    assert "<h1>Acme CT 2.3 &lt;beta&gt; &amp; co</h1>" in page


@pytest.mark.parametrize("output_format", ["json", "junit"])
def test_validate_output_file_instead_of_stdout(tmp_path: Path, output_format: str) -> None:
    from pydicom.data import get_testdata_file

    ct = str(get_testdata_file("CT_small.dcm"))
    out = tmp_path / f"results.{output_format}"
    # --show private: CT_small's findings are private dictionary disagreements
    args = ["validate", ct, "--show", "private", "--format", output_format, "-o", str(out)]
    run = CliRunner().invoke(main, args)
    assert run.exit_code == 0, run.output
    assert run.output == ""
    stdout = CliRunner().invoke(main, args[:-2]).output
    if output_format == "junit":
        assert out.read_text() == stdout
    else:  # the same document, but for the run's start and duration
        written, printed = json.loads(out.read_text()), json.loads(stdout)
        for data in (written, printed):
            del data["run"]["started"], data["run"]["elapsed_seconds"]
        assert written == printed
        finding = written["files"][0]["findings"][0]
        assert {"module", "type", "condition"} <= set(finding)
