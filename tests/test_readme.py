"""The README's "Coming from Merge" commands, run as written on a
Merge-style folder (tests/data/merge_folder) and a DICOM image."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from pydicom.data import get_testdata_file

ROOT = Path(__file__).resolve().parent.parent

# The commands run this checkout's code, whatever is installed.
PRELUDE = f"""
mdict() {{ "{sys.executable}" -m mdict "$@"; }}
mc3info() {{ "{sys.executable}" -c 'from mdict.cli.compat import mc3info; mc3info()' "$@"; }}
"""


def section(title: str) -> str:
    text = (ROOT / "README.md").read_text()
    start = text.index(f"## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start:] if end < 0 else text[start:end]


def commands(title: str) -> list[str]:
    """The indented command lines of a README section."""
    return re.findall(r"^    ((?:mdict|mc3\w+) .*)$", section(title), flags=re.M)


def test_coming_from_merge_runs_as_written(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "tests" / "data" / "merge_folder", tmp_path / "mc3msg")
    shutil.copy(str(get_testdata_file("CT_small.dcm")), tmp_path / "image.dcm")
    lines = commands("Coming from Merge")
    assert [line.split()[:2] for line in lines] == [
        ["mdict", "check"],
        ["mdict", "info"],
        ["mdict", "validate"],
        ["mc3info", "mc3msg/info.pfl"],
    ]
    outputs = []
    for line in lines:
        done = subprocess.run(
            ["bash", "-c", PRELUDE + line],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, (line, done.stderr)
        outputs.append(done.stdout)
    check, _, validate, mc3info = outputs
    assert check.splitlines()[-1].startswith("mc3msg/: 4 profiles (diction.pfl, info.pfl,")
    assert (
        "conditions: 2 of 3 uses evaluated (66.7%): 1 by the naming convention, 0 from the"
        " conditions profile, 1 borrowed from the standard database, 1 not evaluated"
    ) in validate
    assert "  not evaluated: REFERENCED_IMAGES_PRESENT" in validate
    assert mc3info.endswith("DONE\n")
    assert (tmp_path / "acme.msg").is_file()
    # Merge's own binary beside the profiles is left alone
    assert (tmp_path / "mc3msg" / "mrgcom3.msg").read_bytes().startswith(b"MRGDB\x00")


def test_layout_names_every_package() -> None:
    layout = section("Layout")
    packages = sorted(p.name for p in (ROOT / "mdict").iterdir() if (p / "__init__.py").is_file())
    for package in packages:
        assert f"`mdict/{package}/`" in layout, package


def test_docs_speak_to_users() -> None:
    # no internal references: spec sections, "the issue", folders users do not have
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = path.read_text()
        for pattern in (r"(?i)spec section", r"\bthe issue\b", r"shared/"):
            assert not re.search(pattern, text), f"{path.name}: {pattern}"


def test_code_and_generated_docs_point_at_our_docs() -> None:
    """The package, its grammars, the tools and the generated profiles'
    notes cite docs/ (users have it), never the reference they were built from."""
    files = [
        *(ROOT / "mdict").rglob("*.py"),
        *(ROOT / "mdict" / "grammars").glob("*.lark"),
        *(ROOT / "tools").glob("*.py"),
        *(ROOT / "profiles").glob("*.md"),
    ]
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        for pattern in (r"(?i)spec sections?\b", r"\.\./shared"):
            assert not re.search(pattern, text), f"{path.relative_to(ROOT)}: {pattern}"
