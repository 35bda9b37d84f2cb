"""Assemble the report page (and, with ``split``, one page per file in a
folder next to it) and write it whole or not at all."""

from __future__ import annotations

import datetime
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from html import escape
from pathlib import Path

from mdict import __version__
from mdict.fileio import write_text_atomic
from mdict.report._assets import CSS, SCRIPT
from mdict.report.aggregate import NO_SOP_CLASS, Aggregate
from mdict.report.html import (
    cards,
    charts,
    code_docs,
    code_table,
    common_folder,
    page_data,
    render_findings,
    run_table,
    verdict,
    worst_files,
)
from mdict.report.results import FileResult, Results, RunInfo

TITLE: str = "DICOM validation report"
DEFAULT_WORST: int = 1000
"""Files whose findings a single page embeds (the worst ones)."""


@dataclass(frozen=True, slots=True)
class Written:
    """What was written: the page, the per-file folder (split), the counts."""

    page: Path
    folder: Path | None
    aggregate: Aggregate
    size: int


STYLE_SHEET: str = "style.css"
"""A split report's per-file pages share this style sheet (in their folder)."""


def _head(title: str, stylesheet: str | None = None) -> str:
    style = (
        f'<link rel="stylesheet" href="{stylesheet}">' if stylesheet else f"<style>{CSS}</style>"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="generator" content="mdict {escape(__version__)}">'
        f"<title>{escape(title)}</title>{style}</head><body>"
    )


def render(
    agg: Aggregate,
    run: RunInfo,
    source: str,
    split: str | None = None,
    generated: str | None = None,
    title: str = TITLE,
) -> str:
    """The whole page as text."""
    folder = common_folder([row.file for row in agg.rows])
    generated = generated or datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    database = run.database or "a database not recorded"
    subtitle = (
        f"{agg.files:,} files validated against {escape(os.path.basename(database))} "
        f"by mdict {escape(run.mdict_version or __version__)} · report generated {escape(generated)}"
    )
    note = (
        f"The findings of every file are on their own pages (folder <code>{escape(split)}</code>)."
        if split
        else f"Click a file for its findings grouped by module; the findings of the "
        f"{len(agg.detailed):,} worst files are in this page."
    )
    files = _file_table(agg)
    body = [
        _head(title),
        f"<header><h1>{escape(title)}</h1><p>{subtitle}</p></header><main>",
        f'<section id="summary"><h2>Summary</h2>{verdict(agg)}{cards(agg, run.level)}</section>',
        f'<section id="charts"><h2>What is wrong, and where</h2>{charts(agg, run.level)}</section>',
        f'<section id="codes-summary"><h2>Findings by code</h2>{code_table(agg)}</section>',
        f'<section id="worst-files"><h2>Worst files</h2>{worst_files(agg, folder, split)}</section>',
        f'<section id="all-files"><h2>All files</h2><p class="note">{note}</p>{files}</section>',
        '<section id="detail" class="detail" hidden></section>',
        f'<section id="run-details"><h2>Run</h2>{run_table(agg, run, folder, source)}</section>',
        f'<section id="codes"><h2>What the codes mean</h2>{code_docs(sorted(agg.codes))}</section>',
        f"<footer>mdict {escape(__version__)} · a self-contained page: no network needed to view it</footer>",
        "</main>",
        f'<script type="application/json" id="mdict-data">{page_data(agg, folder, split, run.command)}</script>',
        f"<script>{SCRIPT}</script></body></html>\n",
    ]
    return _utf8("".join(body))


def _file_table(agg: Aggregate) -> str:
    """The table of every file (filled by the page's script), with its filters."""
    codes = "".join(
        f'<option value="{escape(c)}">{escape(c)} ({agg.code_files[c]:,} files)</option>'
        for c, _ in agg.codes.most_common()
    )
    return (
        '<noscript><p class="note">The file table needs JavaScript; the worst files are listed '
        "above.</p></noscript>"
        '<div id="filesjs" hidden><div class="tools"><input id="filter" type="search" '
        'placeholder="Filter by file name or SOP class" aria-label="filter">'
        '<select id="status" aria-label="status"><option value="all">all files</option>'
        '<option value="failed">files with errors</option><option value="passed">files without errors</option>'
        '<option value="detail">files with findings in this page</option></select>'
        f'<select id="code" aria-label="code"><option value="">any code</option>{codes}</select>'
        '<select id="rows" aria-label="files per page"><option value="100">100 per page</option>'
        '<option value="500">500 per page</option><option value="all">all files</option></select>'
        '<button id="prev" type="button">&larr; previous</button><button id="next" type="button">'
        'next &rarr;</button><span id="pageinfo" class="note"></span></div>'
        '<table id="files"><thead><tr><th data-k="e">Status</th><th data-k="file">File</th>'
        '<th data-k="sop">SOP class</th><th data-k="e" class="num">Errors</th>'
        '<th data-k="w" class="num">Warnings</th><th data-k="i" class="num">Info</th></tr></thead>'
        "<tbody></tbody></table></div>"
    )


def _utf8(text: str) -> str:
    """Text UTF-8 can hold: a lone surrogate (from a message or name that
    was not text) is written as its ``\\uXXXX`` escape."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def file_page(result: FileResult, main_page: str) -> str:
    """A split report's page for one file (static: no script)."""
    title = os.path.basename(result.file)
    counts = f"{result.errors:,} errors, {result.warnings:,} warnings, {result.infos:,} info"
    return _utf8(
        _head(f"{title}: DICOM validation report", STYLE_SHEET)
        + f"<header><h1>{escape(title)}</h1><p>{escape(result.file)}</p></header><main>"
        + f'<p><a href="../{escape(main_page)}">&larr; back to the report</a></p>'
        + f'<section class="detail"><h2>{escape(result.service or NO_SOP_CLASS)} '
        + f"{escape(result.command)}: {counts}</h2>"
        + render_findings(result, f"../{main_page}")
        + "</section></main></body></html>\n"
    )


def _pages(results: Iterable[FileResult], folder: Path, main_page: str) -> Iterator[FileResult]:
    write_text_atomic(folder / STYLE_SHEET, CSS)
    for number, result in enumerate(results, 1):
        write_text_atomic(folder / f"{number:06d}.html", file_page(result, main_page))
        yield result


def write_report(
    results: Results,
    output: str | os.PathLike[str],
    worst: int = DEFAULT_WORST,
    split: bool = False,
    title: str = TITLE,
) -> Written:
    """Render ``results`` into ``output`` (and ``OUTPUT_files/`` when split);
    an existing report is replaced only when the new one is complete."""
    page = Path(output)
    if not split:
        agg = Aggregate(worst=worst).add_all(results.files)
        text = render(agg, results.run, results.source, title=title)
        write_text_atomic(page, text)
        return Written(page, None, agg, len(text.encode("utf-8")))
    final = page.with_name(page.stem + "_files")
    temporary = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=page.parent))
    try:
        agg = Aggregate(worst=0).add_all(_pages(results.files, temporary, page.name))
        text = render(agg, results.run, results.source, split=f"{final.name}/", title=title)
        if final.is_dir():
            shutil.rmtree(final)
        os.replace(temporary, final)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    write_text_atomic(page, text)
    return Written(page, final, agg, len(text.encode("utf-8")))
