"""``mdict report``: render results mdict wrote as one self-contained HTML page."""

from __future__ import annotations

from dataclasses import replace

import click

from mdict.cli._common import (
    db_options,
    note,
    open_database,
    output_option,
    refuse_to_overwrite,
)


@click.command("report")
@click.argument("results", type=click.Path(exists=True))
@output_option("The page to write (report.html); with --split also REPORT_files/.", required=True)
@click.option(
    "--worst",
    type=click.IntRange(0, None),
    default=1000,
    show_default=True,
    help="Files whose findings the page embeds (the worst ones; the table lists every file).",
)
@click.option("--split", is_flag=True, help="One page per file in a folder next to the report.")
@click.option(
    "--title",
    default="DICOM validation report",
    show_default=True,
    help="The page's title, e.g. the device and version under test.",
)
@db_options
def report_command(
    results: str,
    output: str,
    worst: int,
    split: bool,
    title: str,
    db_path: str | None,
    profiles: str | None,
) -> None:
    """Render validation results as one self-contained HTML page.

    RESULTS: what mdict validate --format json wrote, JSON Lines, Parquet, or
    the JSON report of mdict scp. The page: summary, charts, every file,
    findings by module, codes explained. The database places findings in
    modules when the results do not say.
    """
    from mdict.report import read_results, write_report
    from mdict.report.context import Annotator, with_context

    refuse_to_overwrite([output], [results])
    read = read_results(results)
    annotator: Annotator | None = None

    def annotated() -> Annotator:
        nonlocal annotator
        if annotator is None:
            annotator = Annotator(open_database(db_path, profiles))
        return annotator

    read = replace(read, files=with_context(read.files, annotated))
    written = write_report(read, output, worst=worst, split=split, title=title)
    agg = written.aggregate
    where = f" and {written.folder}/" if written.folder else ""
    note(
        f"{written.page}{where}: {agg.files:,} files, {agg.files_with_errors:,} with errors "
        f"({written.size / 1e6:.1f} MB)"
    )
