"""mdict.scale: the dask engine against the local one, streaming outputs,
resume, worker deaths, listing. One small LocalCluster (2 workers) for the
module; a few tests start their own."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from validate_support import write_ct

from mdict.cli import main
from mdict.private.learn import find_files
from mdict.processes import can_fork, worker_context
from mdict.scale import DatabaseSource, Options, validate_reports
from mdict.scale.engine import DaskEngine, LocalEngine, Work
from mdict.scale.listing import read_list, walk
from mdict.scale.sinks import done_files

distributed = pytest.importorskip("distributed")
pq = pytest.importorskip("pyarrow.parquet")

pytestmark = pytest.mark.filterwarnings("ignore")


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    import logging

    import psutil

    before = {p.pid for p in psutil.Process().children(recursive=True)}
    local = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    yield local
    local.close()
    left = [
        p
        for p in psutil.Process().children(recursive=True)
        if p.pid not in before and not _multiprocessing_service(p)
    ]
    _, alive = psutil.wait_procs(left, timeout=10)
    assert not alive, f"worker processes left running: {alive}"


def _multiprocessing_service(process: Any) -> bool:
    """The resource tracker and the forkserver: one per process, kept for its life."""
    command = " ".join(process.cmdline())
    return "resource_tracker" in command or "forkserver" in command


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("scale") / "in"
    (folder / "sub" / "deeper").mkdir(parents=True)
    (folder / ".hidden").mkdir()
    for i in range(12):
        write_ct(folder / f"ct{i:02d}.dcm", PatientSex="X" if i % 4 == 0 else "M")
    write_ct(folder / "sub" / "no_rows.dcm", Rows=None)
    write_ct(folder / "sub" / "deeper" / "mr.dcm", SOPClassUID="1.2.840.10008.5.1.4.1.1.4")
    write_ct(folder / "sub" / "unknown.dcm", SOPClassUID="1.2.3.999")
    write_ct(folder / ".hidden" / "skipped.dcm")
    (folder / "notes.txt").write_text("not DICOM at all\n" * 4)
    (folder / "empty.dcm").write_bytes(b"")
    return folder


def run(*args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), input=stdin)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def entries(path: Path) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    return sorted(rows, key=lambda row: row["file"])


# ---------------------------------------------------------------------------
# Both engines: the same findings, the same summary
# ---------------------------------------------------------------------------


def test_both_engines_give_the_same_entries_and_summary(
    files: Path, cluster: Any, tmp_path: Path
) -> None:
    local, dask = tmp_path / "local.jsonl", tmp_path / "dask.jsonl"
    code_l, out_l = run("validate", str(files), "--engine", "local", "--output", str(local))
    address = cluster.scheduler_address
    code_d, out_d = run(
        "validate", str(files), "--engine", "dask", "--scheduler", address,
        "--partition-size", "3", "--output", str(dask),
    )  # fmt: skip
    assert (code_l, code_d) == (1, 1)
    assert out_l == out_d
    assert entries(local) == entries(dask)
    assert len(entries(dask)) == 17  # the hidden folder skipped
    # the summary counts what the entries hold
    rows = entries(dask)
    errors = sum(row["counts"]["error"] for row in rows)
    warnings = sum(row["counts"]["warning"] for row in rows)
    missed = sum(row["unevaluated_condition_uses"] for row in rows)
    lines = out_d.splitlines()
    assert lines[0] == (
        f"17 files: 0 without errors, 17 with errors; {errors} errors, {warnings} warning"
        + ("" if warnings == 1 else "s")
        + f"; {missed} condition uses not evaluated (--coverage names the conditions)"
    )
    assert "by code:" in lines and "by SOP class:" in lines
    ct_service = rows[0]["service"]  # ct00.dcm
    ct = sum(row["service"] == ct_service for row in rows)
    assert ct == 13
    assert f"{ct:>11} {ct_service} ({ct} with errors)" in lines
    assert f"{'1':>11} (none) (1 with errors)" not in lines  # unknown, notes, empty: 3
    assert f"{'3':>11} (none) (3 with errors)" in lines


def test_entries_have_the_schema_of_format_json(files: Path, cluster: Any, tmp_path: Path) -> None:
    _, out = run("validate", str(files), "--format", "json", "--level", "info")
    classic = sorted(json.loads(out)["files"], key=lambda row: row["file"])
    streamed = tmp_path / "s.jsonl"
    run(
        "validate", str(files), "--engine", "dask", "--scheduler", cluster.scheduler_address,
        "--output", str(streamed), "--level", "info",
    )  # fmt: skip
    assert entries(streamed) == classic
    # without --output: the local engine's lines (in the order files finish)
    for level in ("info", "warnings"):
        _, text = run("validate", str(files), "--level", level)
        _, dask_text = run(
            "validate", str(files), "--engine", "dask", "--scheduler", cluster.scheduler_address,
            "--level", level,
        )  # fmt: skip
        assert dask_text.splitlines()[-1] == text.splitlines()[-1]
        assert sorted(dask_text.splitlines()) == sorted(text.splitlines())


def test_parquet_output_holds_the_same_rows(files: Path, cluster: Any, tmp_path: Path) -> None:
    jsonl, parquet = tmp_path / "r.jsonl", tmp_path / "r.parquet"
    address = cluster.scheduler_address
    run("validate", str(files), "--engine", "dask", "--scheduler", address, "--output", str(jsonl))
    code, _ = run(
        "validate", str(files), "--engine", "dask", "--scheduler", address,
        "--output", str(parquet), "--partition-size", "2",
    )  # fmt: skip
    assert code == 1
    assert sorted(p.name for p in parquet.iterdir()) == ["part-00000.parquet"]
    rows = sorted(pq.read_table(parquet).to_pylist(), key=lambda row: row["file"])
    assert rows == entries(jsonl)


def test_format_json_streams_json_lines_and_the_summary_to_stderr(
    files: Path, cluster: Any
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mdict", "validate", str(files / "sub"), "--engine", "dask",
         "--scheduler", cluster.scheduler_address, "--format", "json"],
        capture_output=True, text=True, check=False, env=_env(),
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert sorted(row["file"] for row in rows) == sorted(
        str(p) for p in (files / "sub").rglob("*.dcm")
    )
    summary = json.loads(result.stderr[result.stderr.index("{") :])["summary"]
    assert summary["files"] == 3
    assert len(summary["by_service"]) == 3
    assert summary["by_service"][0] == {"service": "(none)", "files": 1, "files_with_errors": 1}


# ---------------------------------------------------------------------------
# Resume
# ---------------------------------------------------------------------------


def test_resume_skips_the_files_already_in_the_output(files: Path, tmp_path: Path) -> None:
    first = sorted(str(p) for p in files.glob("ct*.dcm"))[:5]
    out = tmp_path / "r.jsonl"
    run("validate", "--from-list", "-", "--output", str(out), stdin="\n".join(first) + "\n")
    assert [row["file"] for row in entries(out)] == first
    # a stop cut the last line: dropped and that file done again
    with out.open("a") as handle:
        handle.write('{"file": "half a li')
    code, _ = run("validate", str(files), "--output", str(out))
    assert code == 2  # exists: --resume or remove it
    code, text = run("validate", str(files), "--output", str(out), "--resume")
    assert code == 1
    names = [row["file"] for row in entries(out)]
    assert len(names) == len(set(names)) == 17
    assert text.splitlines()[0].startswith("12 files:")  # 17 minus the 5 done


def test_resume_a_parquet_output_after_a_stop(files: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.parquet"
    run("validate", str(files / "sub"), "--output", str(out))
    assert len(done_files(str(out))) == 3
    (out / "part-00001.parquet.tmp").write_bytes(b"PAR1 cut by a stop")
    code, text = run("validate", str(files), "--output", str(out), "--resume")
    assert code == 1
    assert text.splitlines()[0].startswith("14 files:")
    assert sorted(p.name for p in out.iterdir()) == ["part-00000.parquet", "part-00001.parquet"]
    assert len(done_files(str(out))) == 17


# ---------------------------------------------------------------------------
# Faults: a worker killed mid-run, a file that kills its worker
# ---------------------------------------------------------------------------


def test_a_killed_worker_loses_no_result(cluster: Any, tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(120):
        write_ct(folder / f"f{i:03d}.dcm")
    engine = DaskEngine(cluster.scheduler_address)
    try:
        reports = validate_reports(walk([str(folder)]), engine, partition_size=4)
        seen = [next(reports).source]
        pids = engine.client.run(os.getpid)
        os.kill(next(iter(pids.values())), signal.SIGKILL)
        seen += [report.source for report in reports]
    finally:
        engine.close()
    assert sorted(seen) == sorted(str(p) for p in folder.iterdir())
    cluster.wait_for_workers(2, timeout=30)


def test_a_file_that_kills_its_worker_is_one_result(tmp_path: Path) -> None:
    import dask

    def run_part(part: list[str]) -> list[str]:
        if any(p.endswith("crash") for p in part):
            os._exit(3)
        return [f"ok {p}" for p in part]

    work = Work(run_part, (), lambda rs: [x for r in rs for x in r], lambda p: [f"lost {p}"])
    names = [f"f{i}" for i in range(6)] + ["crash"] + [f"g{i}" for i in range(3)]
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        engine = DaskEngine(workers=2, window=1)  # no neighbour dies with the crash
        try:
            parts = [names[i : i + 4] for i in range(0, len(names), 4)]
            results = list(engine.map(work, iter(parts), ordered=True))
        finally:
            engine.close()
    assert [part for part, _ in results] == parts
    flat = [x for _, r in results for x in r]
    assert flat == [f"ok {n}" if n != "crash" else "lost crash" for n in names]


# ---------------------------------------------------------------------------
# Listing
# ---------------------------------------------------------------------------


def test_walk_gives_learns_order_here_and_on_the_cluster(files: Path, cluster: Any) -> None:
    expected = find_files(files)
    assert list(walk([str(files)])) == expected
    engine = DaskEngine(cluster.scheduler_address)
    try:
        assert list(walk([str(files)], engine.lister(), lookahead=4)) == expected
    finally:
        engine.close()


def test_read_list_streams_lines(tmp_path: Path) -> None:
    listing = tmp_path / "list.txt"
    listing.write_text("a.dcm\n\n  b c.dcm \r\nd.dcm")
    assert list(read_list(str(listing))) == ["a.dcm", "b c.dcm", "d.dcm"]


def test_local_engine_in_processes_matches_in_process(files: Path) -> None:
    source = DatabaseSource.default()
    one = list(validate_reports(walk([str(files)]), LocalEngine(1), source, Options(), 2))
    two = list(validate_reports(walk([str(files)]), LocalEngine(2), source, Options(), 2))
    assert sorted(one, key=str) == sorted(two, key=str)


def test_local_engine_beside_a_thread_starts_clean_workers(files: Path) -> None:
    """A host with another thread must not fork (the child could inherit a
    held lock): its workers start clean and are sent the database."""
    source = DatabaseSource.default()
    one = list(validate_reports(walk([str(files)]), LocalEngine(1), source, Options(), 2))
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    try:
        assert not can_fork()
        assert worker_context().get_start_method() in ("forkserver", "spawn")
        two = list(validate_reports(walk([str(files)]), LocalEngine(2), source, Options(), 2))
    finally:
        stop.set()
        other.join(timeout=10)
    assert sorted(one, key=str) == sorted(two, key=str)


# ---------------------------------------------------------------------------
# learn
# ---------------------------------------------------------------------------


def test_learn_on_dask_proposes_what_the_local_engine_does(cluster: Any, tmp_path: Path) -> None:
    from private_helpers import make_corpus

    corpus = tmp_path / "corpus"
    make_corpus(corpus, 24)
    (corpus / "junk.bin").write_bytes(b"\x00" * 300)
    code, _ = run("learn", str(corpus), "-o", str(tmp_path / "a.pfl"), "--no-progress")
    assert code == 0
    code, _ = run(
        "learn", str(corpus), "-o", str(tmp_path / "b.pfl"), "--no-progress", "--engine", "dask",
        "--scheduler", cluster.scheduler_address, "--partition-size", "5",
    )  # fmt: skip
    assert code == 0
    assert (tmp_path / "a.pfl").read_text() == (tmp_path / "b.pfl").read_text()
    report_a = (tmp_path / "a.report.md").read_text().split("\n", 1)[1]
    report_b = (tmp_path / "b.report.md").read_text().split("\n", 1)[1]
    assert report_a == report_b
    assert "junk.bin" in report_b


def test_learn_from_a_list_on_stdin(tmp_path: Path) -> None:
    from private_helpers import make_corpus

    corpus = tmp_path / "corpus"
    listed = [str(p) for p in make_corpus(corpus, 9)]
    run("learn", str(corpus), "-o", str(tmp_path / "a.pfl"), "--no-progress", "-j", "1")
    code, _ = run(
        "learn", "--from-list", "-", "-o", str(tmp_path / "b.pfl"), "--no-progress",
        stdin="\n".join(sorted(listed, key=find_files(corpus).index)) + "\n",
    )  # fmt: skip
    assert code == 0
    assert (tmp_path / "a.pfl").read_text() == (tmp_path / "b.pfl").read_text()
    code, out = run("learn", str(corpus), "--from-list", "-", "-o", str(tmp_path / "c.pfl"))
    assert code == 2
    assert "give folders or --from-list, not both" in out


# ---------------------------------------------------------------------------
# Usage errors, the console script, no leaked processes
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--engine", "dask", "--format", "junit"], "--format junit holds every result"),
        (["--resume"], "--resume needs --output"),
        (["--from-list", "-"], "give paths or --from-list, not both"),
    ],
)
def test_usage_errors(files: Path, args: list[str], message: str) -> None:
    code, out = run("validate", str(files), *args)
    assert code == 2
    assert message in out


def test_validate_without_paths_or_list_is_a_usage_error() -> None:
    code, out = run("validate")
    assert code == 2
    assert "Missing argument 'PATHS...'" in out


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).parent.parent), *sys.path])
    return env


def test_console_script_starts_and_stops_its_own_cluster(files: Path, tmp_path: Path) -> None:
    import psutil

    marker = uuid.uuid4().hex
    env = _env() | {"MDICT_TEST_MARKER": marker}
    out = tmp_path / "r.parquet"
    result = subprocess.run(
        ["mdict", "validate", str(files), "--engine", "dask", "-j", "2", "--output", str(out)],
        capture_output=True, text=True, check=False, env=env, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("17 files: 0 without errors, 17 with errors;")
    assert pq.read_table(out).num_rows == 17

    def ours(process: psutil.Process) -> bool:
        try:
            return process.environ().get("MDICT_TEST_MARKER") == marker
        except (psutil.Error, OSError):
            return False

    assert [p for p in psutil.process_iter() if ours(p)] == []


# ---------------------------------------------------------------------------
# docs/scale.md: the Parquet query example runs
# ---------------------------------------------------------------------------


def _docs_block(heading: str) -> str:
    text = (Path(__file__).parent.parent / "docs" / "scale.md").read_text()
    after = text[text.index(heading) :].split("\n\n")
    blocks, started = [], False
    for para in after[1:]:
        if para.startswith("    "):
            blocks.append("\n".join(line[4:] for line in para.splitlines()))
            started = True
        elif started:
            break
    return "\n\n".join(blocks)


def test_docs_parquet_query_example_runs(
    files: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    run("validate", str(files), "--output", "results.parquet", "--partition-size", "4")
    capsys.readouterr()
    exec(compile(_docs_block("### Querying the Parquet output"), "scale.md", "exec"), {})
    printed = capsys.readouterr().out.splitlines()
    rows = pq.read_table("results.parquet").to_pylist()
    assert printed[0] == f"{sum(not r['ok'] for r in rows)} of 17 files have errors"
    codes: dict[str, int] = {}
    for row in rows:
        for finding in row["findings"]:
            codes[finding["code"]] = codes.get(finding["code"], 0) + 1
    ranked = sorted(codes.items(), key=lambda item: (-item[1], item[0]))
    assert printed[1:-1] == [f"{count:>8} {code}" for code, count in ranked]
    assert printed[-1] == f"missing Rows: {[str(files / 'sub' / 'no_rows.dcm')]}"


# ---------------------------------------------------------------------------
# The database source, baselines through the streamed path
# ---------------------------------------------------------------------------


def test_database_source_carries_a_profiles_folder(tmp_path: Path) -> None:
    from mdict.db.build import open_profiles_folder

    folder = tmp_path / "profiles"
    folder.mkdir()
    repo = Path(__file__).parent.parent
    (folder / "mergecom.srv").write_bytes((repo / "profiles" / "mergecom.srv").read_bytes())
    source = DatabaseSource.from_profiles(folder)
    assert [name for name, _ in source.files] == ["mergecom.srv"]
    (folder / "mergecom.srv").unlink()  # the worker needs only the bytes
    names = [s.name for s in source.open().services()]
    (folder / "mergecom.srv").write_bytes((repo / "profiles" / "mergecom.srv").read_bytes())
    assert names == [s.name for s in open_profiles_folder(folder).services()]
    assert source.digest != DatabaseSource.from_profiles(repo / "profiles").digest


def test_a_reference_without_bytes_opens_only_where_primed() -> None:
    source = DatabaseSource.default()
    with pytest.raises(LookupError, match="not on this worker"):
        source.reference().open()
    assert source.validator() is source.reference().validator()  # cached by digest


def test_write_baseline_through_the_streamed_path(files: Path, tmp_path: Path) -> None:
    classic, streamed = tmp_path / "a.json", tmp_path / "b.json"
    assert run("validate", str(files), "--write-baseline", str(classic))[0] == 0
    code, _ = run(
        "validate", str(files), "--write-baseline", str(streamed),
        "--output", str(tmp_path / "r.jsonl"),
    )  # fmt: skip
    assert code == 0
    assert json.loads(classic.read_text()) == json.loads(streamed.read_text())
    code, text = run(
        "validate", str(files), "--baseline", str(streamed), "--output", str(tmp_path / "k.jsonl")
    )
    assert code == 0
    known = len(json.loads(classic.read_text())["findings"])
    assert f"0 errors, 0 warnings, {known} known (baseline)" in text.splitlines()[0]
    assert all(row["ok"] for row in entries(tmp_path / "k.jsonl"))


def test_entries_made_on_dask_workers_keep_baselines_and_hidden_counts(
    files: Path, cluster: Any, tmp_path: Path
) -> None:
    """On Dask the workers make the entries (lines, tallies, baseline keys):
    a baseline written there, used there, and the summary's counts equal the
    local engine's."""
    dask = ["--engine", "dask", "--scheduler", cluster.scheduler_address, "--partition-size", "4"]
    classic, on_dask = tmp_path / "a.json", tmp_path / "b.json"
    assert run("validate", str(files), "--write-baseline", str(classic))[0] == 0
    code, _ = run(
        "validate", str(files), *dask, "--write-baseline", str(on_dask),
        "--output", str(tmp_path / "w.jsonl"),
    )  # fmt: skip
    assert code == 0
    assert json.loads(classic.read_text()) == json.loads(on_dask.read_text())
    code, text = run(
        "validate", str(files), *dask, "--baseline", str(on_dask),
        "--output", str(tmp_path / "k.parquet"),
    )  # fmt: skip
    known = len(json.loads(classic.read_text())["findings"])
    assert code == 0 and f"{known} known (baseline)" in text.splitlines()[0]
    for level in ("warnings", "info"):
        local_out = tmp_path / f"l-{level}.jsonl"
        dask_out = tmp_path / f"d-{level}.jsonl"
        _, local_text = run("validate", str(files), "--level", level, "-o", str(local_out))
        _, dask_text = run("validate", str(files), *dask, "--level", level, "-o", str(dask_out))
        assert dask_text == local_text
        assert entries(dask_out) == entries(local_out)
