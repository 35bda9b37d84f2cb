"""Screenshots of the HTML report for the docs: docs/report.png (summary and
charts) and docs/report-file.png (one file's findings by module).

    python tools/report_screenshot.py

Validates a copy of pydicom's test files (as ``pydicom-test-files/``, so the
page shows short paths), renders the report and photographs it in headless
Chromium.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):  # run as a script: make ``tools`` importable
    sys.path.insert(0, str(ROOT))

import pydicom  # noqa: E402

from tools import chromium  # noqa: E402


def main() -> int:
    source = Path(pydicom.__file__).parent / "data" / "test_files"
    with tempfile.TemporaryDirectory(prefix="mdict-report-") as folder:
        work = Path(folder)
        shutil.copytree(source, work / "pydicom-test-files")
        mdict = [sys.executable, "-m", "mdict"]
        subprocess.run(
            [
                *mdict,
                "validate",
                "pydicom-test-files",
                "--coverage",
                "--format",
                "json",
                "-o",
                "r.json",
            ],
            cwd=work,
            check=False,
        )
        subprocess.run([*mdict, "report", "r.json", "-o", "report.html"], cwd=work, check=True)
        chromium.screenshot(work / "report.html", ROOT / "docs" / "report.png", (1280, 1560))
        files = json.loads((work / "r.json").read_text())["files"]
        worst = max(range(len(files)), key=lambda n: (files[n]["counts"]["error"], -n))
        subprocess.run(
            [*mdict, "report", "r.json", "-o", "split.html", "--split"], cwd=work, check=True
        )
        page = work / "split_files" / f"{worst + 1:06d}.html"
        chromium.screenshot(page, ROOT / "docs" / "report-file.png", (1280, 1000))
    print("wrote docs/report.png and docs/report-file.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
