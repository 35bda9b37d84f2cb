"""``mdict report``: render results mdict wrote as one self-contained HTML page."""

from __future__ import annotations

from dataclasses import replace

import click

from mdict.db.protocol import MessageDatabase
from mdict.errors import MdictError


class ReportError(click.ClickException):
    """Results or a database that cannot be read, or a page that cannot be
    written: exit status 2 (input that cannot be read)."""

    exit_code = 2

    def format_message(self) -> str:
        return self.message  # already ``FILE[:LINE:COL]: error: ...``

    def show(self, file: object = None) -> None:
        click.echo(self.message, err=True)


@click.command("report", short_help="Render validation results as one self-contained HTML page.")
@click.argument("results", type=click.Path(exists=True))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False),
    help="The page to write (report.html); with --split also REPORT_files/.",
)
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
@click.option(
    "--db",
    "db_path",
    type=click.Path(exists=True, dir_okay=False),
    help="Database to place findings in modules when the results do not say (default: the standard one).",
)
@click.option(
    "--profiles",
    type=click.Path(exists=True, file_okay=False),
    help="Profiles folder, instead of --db.",
)
def report_command(
    results: str,
    output: str,
    worst: int,
    split: bool,
    title: str,
    db_path: str | None,
    profiles: str | None,
) -> None:
    """Render validation results (mdict validate --format json, JSON Lines,
    Parquet, or the JSON report of mdict scp) as one self-contained HTML
    page: summary, charts, every file, findings by module, codes explained."""
    from mdict.report import read_results, write_report
    from mdict.report.context import Annotator, with_context

    if db_path and profiles:
        raise click.UsageError("give --db or --profiles, not both")
    try:
        read = read_results(results)
    except MdictError as exc:
        raise ReportError(str(exc)) from None
    annotator: Annotator | None = None

    def annotated() -> Annotator:
        nonlocal annotator
        if annotator is None:
            annotator = Annotator(_database(db_path, profiles))
        return annotator

    read = replace(read, files=with_context(read.files, annotated))
    try:
        written = write_report(read, output, worst=worst, split=split, title=title)
    except MdictError as exc:
        raise ReportError(str(exc)) from None
    except OSError as exc:
        raise ReportError(f"{output}: error: cannot write: {exc.strerror or exc}") from None
    agg = written.aggregate
    where = f" and {written.folder}/" if written.folder else ""
    click.echo(
        f"{written.page}{where}: {agg.files:,} files, {agg.files_with_errors:,} with errors "
        f"({written.size / 1e6:.1f} MB)",
        err=True,
    )


def _database(db_path: str | None, profiles: str | None) -> MessageDatabase:
    from mdict.cli.validate import open_database

    try:
        return open_database(db_path, profiles)
    except (MdictError, OSError) as exc:
        raise ReportError(f"error: cannot load the database: {exc}") from None
