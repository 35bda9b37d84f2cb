"""End to end in a real browser: validate pydicom's test files, render the
report, open it in headless Chromium and read the DOM its script built."""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pydicom
import pytest

from tools import chromium

TEST_FILES = Path(pydicom.__file__).parent / "data" / "test_files"


@pytest.fixture(scope="module")
def browser() -> str:
    found = chromium.find()
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (.ci/run installs it)")
        pytest.skip("chromium is not installed: apt-get install chromium")
    return found


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, object], Path]:
    folder = tmp_path_factory.mktemp("report")
    results = folder / "results.json"
    page = folder / "report.html"
    validate = [
        sys.executable,
        "-m",
        "mdict",
        "validate",
        str(TEST_FILES),
        "--coverage",
        "--level",
        "info",
    ]
    done = subprocess.run(
        [*validate, "--format", "json", "-o", str(results)], capture_output=True, text=True
    )
    assert done.returncode == 1, done.stderr  # pydicom's test files have errors
    done = subprocess.run(
        [sys.executable, "-m", "mdict", "report", str(results), "-o", str(page)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(results.read_text()), page


def _card(dom: str, title: str) -> int:
    match = re.search(rf'data-card="{title}"><span class="n">([\d,]+)</span>', dom)
    assert match, title
    return int(match.group(1).replace(",", ""))


def test_dom_holds_the_summary_and_every_file(
    browser: str, rendered: tuple[dict[str, object], Path]
) -> None:
    results, page = rendered
    summary = results["summary"]
    assert isinstance(summary, dict)
    dom = chromium.dump_dom(page, "?rows=all")
    assert _card(dom, "files") == summary["files"] == len(results["files"])  # type: ignore[arg-type]
    assert _card(dom, "files with errors") == summary["files_with_errors"]
    for severity, title in (("error", "errors"), ("warning", "warnings"), ("info", "info")):
        assert _card(dom, title) == summary["counts"][severity]
    coverage = summary["coverage"]
    assert f"{coverage['evaluated']:,} of {coverage['condition_uses']:,} evaluated" in dom
    # the script ran: one table row per file, each file's name in its row
    rows = re.findall(r'<tr data-n="(\d+)">(.*?)</tr>', dom)
    assert sorted(int(n) for n, _ in rows) == list(range(summary["files"]))
    files = [entry["file"] for entry in results["files"]]  # type: ignore[union-attr]
    for n, row in rows:
        text = html.unescape(re.sub(r"<[^>]+>", "", row))
        assert Path(files[int(n)]).name in text
    assert re.search(r'data-ready-ms="\d+"', dom)


def test_a_linked_file_shows_its_findings_by_module(
    browser: str, rendered: tuple[dict[str, object], Path]
) -> None:
    results, page = rendered
    entries = results["files"]
    assert isinstance(entries, list)
    number = next(n for n, e in enumerate(entries) if e["counts"]["error"])
    dom = chromium.dump_dom(page, f"#file-{number + 1}")
    detail = dom.split('id="detail"')[1].split("</section>")[0]
    assert html.escape(entries[number]["file"], quote=False) in detail
    modules = {f["module"] for f in entries[number]["findings"]}
    for module in modules:
        assert f"<h3><span>{html.escape(module, quote=False)}</span>" in detail
    for finding in entries[number]["findings"]:
        assert f'href="#code-{finding["code"]}"' in detail


def test_screenshot(browser: str, rendered: tuple[dict[str, object], Path], tmp_path: Path) -> None:
    _, page = rendered
    png = tmp_path / "report.png"
    chromium.screenshot(page, png, (1280, 900))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 20_000  # a rendered page, not a blank one
    kept = Path(__file__).parent.parent / "docs" / "report.png"
    assert kept.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"  # python tools/report_screenshot.py


def test_the_table_filtered_by_code(browser: str, rendered: tuple[dict[str, object], Path]) -> None:
    results, page = rendered
    entries = results["files"]
    assert isinstance(entries, list)
    code = "NOT_DICOM"
    having = {n for n, e in enumerate(entries) if any(f["code"] == code for f in e["findings"])}
    assert having  # pydicom's test files include files that are not DICOM
    dom = chromium.dump_dom(page, f"?rows=all&code={code}")
    shown = {int(n) for n in re.findall(r'<tr data-n="(\d+)">', dom)}
    assert shown == having
