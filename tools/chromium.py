"""Headless Chromium for the report's browser test, screenshots and load-time
benchmark (Debian package ``chromium``; .ci/run installs it when missing)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

NAMES: tuple[str, ...] = ("chromium", "chromium-browser", "google-chrome")


def find() -> str | None:
    """The browser's command, or None when none is installed."""
    return next((found for name in NAMES if (found := shutil.which(name))), None)


def run(url: str, *flags: str, timeout: float = 120.0) -> str:
    """Run the headless browser on ``url``; its stdout (``--dump-dom``)."""
    browser = find()
    if browser is None:
        raise FileNotFoundError("no chromium: apt-get install chromium")
    with tempfile.TemporaryDirectory(prefix="mdict-chromium-") as profile:
        done = subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",  # CI runs as root
                "--disable-gpu",
                "--hide-scrollbars",
                "--no-first-run",
                f"--user-data-dir={profile}",
                *flags,
                url,
            ],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    if done.returncode != 0:
        raise RuntimeError(f"chromium exited {done.returncode}: {done.stderr[-2000:]}")
    return done.stdout


def dump_dom(page: Path, query: str = "") -> str:
    """The DOM after the page's scripts ran."""
    return run(page.resolve().as_uri() + query, "--dump-dom")


def screenshot(
    page: Path, png: Path, size: tuple[int, int] = (1280, 1800), query: str = ""
) -> None:
    """A PNG of the page's first ``size`` pixels."""
    run(
        page.resolve().as_uri() + query,
        f"--screenshot={png.resolve()}",
        f"--window-size={size[0]},{size[1]}",
    )
    if not png.is_file():
        raise RuntimeError(f"chromium wrote no screenshot {png}")
