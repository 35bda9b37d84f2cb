"""The report page: static HTML for the summary, the charts, the worst files
and the codes (readable without JavaScript), and the file table's data
embedded as compact JSON that the page's script sorts, filters, pages and
renders one file at a time."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from html import escape
from typing import Any

from mdict.report._codes import CODE_DOCS
from mdict.report.aggregate import ERROR_BUCKETS, NO_SOP_CLASS, Aggregate, bucket_label
from mdict.report.charts import Bar, bars, columns
from mdict.report.results import SEVERITIES, FileResult, FindingRecord, RunInfo

TOP: int = 15
"""Rows of each chart and of the static "worst files" table."""


class Strings:
    """A table of distinct strings: the page refers to each by its index."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}

    def __call__(self, text: str | None) -> int:
        if text is None:
            return -1
        found = self.index.get(text)
        if found is None:
            found = self.index[text] = len(self.index)
        return found

    def table(self) -> list[str]:
        return list(self.index)


def common_folder(files: Sequence[str]) -> str:
    """The folder every file is in (with its trailing separator), or ''."""
    if not files:
        return ""
    first, last = min(files), max(files)
    size = 0
    for a, b in zip(first, last, strict=False):
        if a != b:
            break
        size += 1
    prefix = first[:size]
    cut = max(prefix.rfind("/"), prefix.rfind(os.sep))
    return prefix[: cut + 1]


def _finding_row(f: FindingRecord, strings: Strings) -> list[Any]:
    return [
        strings(f.code),
        SEVERITIES.index(f.severity) if f.severity in SEVERITIES else 0,
        strings(f.tag),
        strings(f.name),
        strings(f.path),
        strings(f.module),
        strings(f.type),
        strings(f.condition),
        strings(f.message),
        f.value_index or 0,
    ]


def page_data(agg: Aggregate, folder: str, split: str | None, command: str | None) -> str:
    """The JSON the script reads: strings, one row per file, the details."""
    strings = Strings()
    details: dict[int, int] = {}
    detail_rows: list[list[list[Any]]] = []
    if split is None:
        for number, result in agg.detailed:
            details[number] = len(detail_rows)
            detail_rows.append([_finding_row(f, strings) for f in result.findings])
    rows = []
    for number, row in enumerate(agg.rows):
        rest = row.file[len(folder) :]
        cut = rest.rfind("/") + 1
        rows.append(
            [
                strings(rest[:cut]),
                strings(rest[cut:]),
                strings(row.service),
                row.errors,
                row.warnings,
                row.infos,
                details.get(number, -1),
                [strings(code) for code in row.codes],
            ]
        )
    data = {
        "strings": strings.table(),
        "rows": rows,
        "details": detail_rows,
        "split": split,
        "command": command,
        "folder": folder,
    }
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c")  # no "</script>" nor "<!--" inside the script element


def inline_markdown(text: str) -> str:
    """``code`` and **bold** of docs/codes.md as HTML (the rest escaped)."""
    out = escape(text, quote=False)
    out = re.sub(r"`([^`]+)`", r"<code>\1</code>", out)
    return re.sub(r"\*\*([^*]+)\*\*", r"<b>\1</b>", out)


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _percent(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:.1f}%" if whole else "0%"


def verdict(agg: Aggregate) -> str:
    if not agg.files:
        return '<p class="verdict">No file was validated.</p>'
    if not agg.files_with_errors:
        return f'<p class="verdict"><b class="good">All {_plural(agg.files, "file")} pass</b>: no errors.</p>'
    errors = [c for c, _ in agg.codes.most_common() if agg.severity_of(c) == "error"]
    lead = f"; the most frequent error is <code>{escape(errors[0])}</code>" if errors else ""
    return (
        f'<p class="verdict"><b class="bad">{agg.files_with_errors:,} of {_plural(agg.files, "file")} '
        f"({_percent(agg.files_with_errors, agg.files)}) fail</b> with "
        f"{_plural(agg.severities['error'], 'error')}{lead}.</p>"
    )


def cards(agg: Aggregate, level: str | None = None) -> str:
    """The summary numbers; a severity the run did not report (below
    ``--level``) says so instead of showing 0."""
    passed = agg.files - agg.files_with_errors
    shown = {"errors": 0, "warnings": 1, "info": 2}.get(level or "info", 2)
    items = [
        ("", "files", agg.files, True),
        ("err", "files with errors", agg.files_with_errors, True),
        ("ok", "files without errors", passed, True),
        ("err", "errors", agg.severities["error"], True),
        ("warn", "warnings", agg.severities["warning"], shown >= 1),
        ("info", "info", agg.severities["info"], shown >= 2),
    ]
    body = "".join(
        f'<div class="card {kind}" data-card="{escape(title)}"><span class="n">{value:,}</span>'
        f'<span class="t">{escape(title)}</span></div>'
        if reported
        else f'<div class="card" data-card="{escape(title)}"><span class="n">&ndash;</span>'
        f'<span class="t">{escape(title)}: not reported at --level {escape(str(level))}</span></div>'
        for kind, title, value, reported in items
    )
    return f'<div class="cards">{body}</div>'


def _elapsed(seconds: float | None) -> str:
    if seconds is None:
        return "not recorded"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes} min {rest} s" if minutes < 60 else f"{minutes // 60} h {minutes % 60} min"


def run_table(agg: Aggregate, run: RunInfo, folder: str, source: str) -> str:
    if run.condition_uses is None:
        conditions = "not counted (validate with <code>--coverage</code>)"
    else:
        evaluated = run.conditions_evaluated or 0
        conditions = (
            f"{evaluated:,} of {run.condition_uses:,} evaluated "
            f"({_percent(evaluated, run.condition_uses)}); "
            f"{run.condition_uses - evaluated:,} not evaluated"
        )
        if run.coverage_sources:
            settled = ", ".join(
                f"{escape(k.replace('_', ' '))} {v:,}" for k, v in run.coverage_sources
            )
            conditions += f"<br>by source: {settled}"
        if run.unevaluated_names:
            names = ", ".join(f"<code>{escape(n)}</code>" for n in run.unevaluated_names[:20])
            more = len(run.unevaluated_names) - 20
            conditions += f"<br>not evaluated: {names}{f' and {more} more' if more > 0 else ''}"
    database = escape(run.database or "not recorded")
    if run.database_kind:
        database += f" ({escape(run.database_kind)} database)"
    if run.sources:
        database += "<br>" + "<br>".join(
            f'{escape(role)}: <code>{escape(file)}</code> <span class="note mono" '
            f'title="SHA-256">{escape(digest[:16])}</span>'
            for role, file, digest in run.sources
        )
    rows = [
        ("Files", f"{agg.files:,}" + (f" under <code>{escape(folder)}</code>" if folder else "")),
        ("Condition uses", conditions),
        ("Database", database),
        ("Message", escape(run.command or "C_STORE_RQ") + " (each file's SOP class)"),
        ("Lowest severity shown", escape(run.level or "not recorded")),
        ("Known findings (baseline)", f"{run.known:,}"),
        ("Validated by", f"mdict {escape(run.mdict_version or 'not recorded')}"),
        ("Started", escape(run.started or "not recorded")),
        ("Run time", _elapsed(run.elapsed_seconds)),
        ("Results", f"<code>{escape(source)}</code>"),
    ]
    body = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    return f'<table class="kv" id="run">{body}</table>'


def reported(level: str | None) -> tuple[str, ...]:
    """The severities a run at ``--level`` reports."""
    return SEVERITIES[: {"errors": 1, "warnings": 2}.get(level or "info", 3)]


def charts(agg: Aggregate, level: str | None = None) -> str:
    severity = [Bar(s.capitalize(), ((s, agg.severities[s]),)) for s in reported(level)]
    code_bars = [
        Bar(code, ((agg.severity_of(code), n),), f"#code-{code}")
        for code, n in agg.codes.most_common(TOP)
    ]
    sops = sorted(agg.sop_files, key=lambda s: (-agg.sop_failed[s], -agg.sop_files[s], s))
    sop_bars = [
        Bar(s, (("failed", agg.sop_failed[s]), ("passed", agg.sop_files[s] - agg.sop_failed[s])))
        for s in sops[:TOP]
    ]
    module_bars = [
        Bar(name, tuple((s, counts[s]) for s in SEVERITIES))
        for name, counts in agg.module_totals()[:TOP]
    ]
    labels = [bucket_label(low, high) for low, high in ERROR_BUCKETS]
    histogram = list(zip(labels, agg.error_buckets, strict=True))
    colours = ["passed"] + ["failed"] * (len(labels) - 1)
    legend = "".join(
        f'<span><i style="background:var(--{v})"></i>{t}</span>'
        for v, t in (
            ("err", "error / failed"),
            ("warn", "warning"),
            ("info", "info"),
            ("ok", "passed"),
        )
    )
    more = f" (top {TOP})" if len(sops) > TOP or len(agg.codes) > TOP else ""
    return (
        f'<p class="legend">{legend}</p><div class="grid">'
        + bars(f"Findings by code{more}", code_bars)
        + bars("Findings by severity", severity)
        + bars(f"Files by SOP class, failed and passed{more}", sop_bars)
        + bars(f"Findings by module{more}", module_bars)
        + columns("Files by number of errors", histogram, colours)
        + "</div>"
    )


def _file_link(number: int, file: str, folder: str, split: str | None) -> str:
    href = f"{split}{number + 1:06d}.html" if split else "#detail"
    return (
        f'<a href="{escape(href)}" data-file="{number}" class="mono">'
        f"{escape(file[len(folder) :])}</a>"
    )


def worst_files(agg: Aggregate, folder: str, split: str | None) -> str:
    worst = sorted(range(len(agg.rows)), key=lambda n: _worst_key(agg, n))[:TOP]
    worst = [n for n in worst if agg.rows[n].errors + agg.rows[n].warnings]
    if not worst:
        return '<p class="none">No file has errors or warnings.</p>'
    body = "".join(
        f"<tr><td>{_file_link(n, agg.rows[n].file, folder, split)}</td>"
        f"<td>{escape(agg.rows[n].service or NO_SOP_CLASS)}</td>"
        f'<td class="num">{agg.rows[n].errors:,}</td><td class="num">{agg.rows[n].warnings:,}</td></tr>'
        for n in worst
    )
    return (
        '<table id="worst"><thead><tr><th>File</th><th>SOP class</th><th class="num">Errors</th>'
        f'<th class="num">Warnings</th></tr></thead><tbody>{body}</tbody></table>'
    )


def _worst_key(agg: Aggregate, number: int) -> tuple[int, int, int]:
    row = agg.rows[number]
    return (-row.errors, -row.warnings, number)


def code_table(agg: Aggregate) -> str:
    if not agg.codes:
        return '<p class="none">No findings.</p>'
    body = []
    for code, n in agg.codes.most_common():
        severity = agg.severity_of(code)
        doc = CODE_DOCS.get(code)
        meaning = inline_markdown(doc[1][0].split(". ", 1)[-1]) if doc and doc[1] else ""
        body.append(
            f'<tr><td><span class="sev {severity}">{severity}</span></td>'
            f'<td><a class="mono" href="#code-{escape(code)}">{escape(code)}</a></td>'
            f'<td class="num">{n:,}</td><td class="num"><a href="#all-files" data-code="{escape(code)}" '
            f'title="list these files">{agg.code_files[code]:,}</a></td><td>{meaning}</td></tr>'
        )
    return (
        '<table id="codes-table"><thead><tr><th>Severity</th><th>Code</th><th class="num">Findings</th>'
        f'<th class="num">Files</th><th>Meaning</th></tr></thead><tbody>{"".join(body)}</tbody></table>'
    )


def code_docs(codes: Sequence[str]) -> str:
    """The explanation of each code (docs/codes.md), anchored ``#code-X``."""
    parts = []
    for code in codes:
        doc = CODE_DOCS.get(code)
        if doc is None:
            parts.append(
                f'<dt id="code-{escape(code)}"><code>{escape(code)}</code></dt><dd>Not documented in this mdict version.</dd>'
            )
            continue
        section, paragraphs, examples = doc
        text = "".join(f"<p>{inline_markdown(p)}</p>" for p in paragraphs)
        sample = "\n".join(escape(e) for e in examples)
        pre = f"<pre>{sample}</pre>" if sample else ""
        parts.append(
            f'<dt id="code-{escape(code)}"><code>{escape(code)}</code> '
            f'<span class="note">{escape(section)}</span></dt><dd>{text}{pre}</dd>'
        )
    return f'<dl class="codes">{"".join(parts)}</dl>'


def render_findings(result: FileResult, codes_page: str = "") -> str:
    """One file's findings grouped by module, worst module first (static);
    codes link to ``codes_page`` (the main page, for a split report)."""
    groups: dict[str, list[FindingRecord]] = {}
    for f in result.findings:
        groups.setdefault(f.module or "(module not recorded)", []).append(f)

    def rank(item: tuple[str, list[FindingRecord]]) -> tuple[int, int]:
        worst = min(
            SEVERITIES.index(f.severity) if f.severity in SEVERITIES else 0 for f in item[1]
        )
        return (worst, -len(item[1]))

    html = []
    for module, findings in sorted(groups.items(), key=rank):
        rows = "".join(_static_finding(f, codes_page) for f in findings)
        html.append(
            f'<h3><span>{escape(module)}</span><span class="note">{_plural(len(findings), "finding")}</span></h3>'
            "<table><thead><tr><th>Severity</th><th>Code</th><th>Attribute</th><th>Type</th>"
            f"<th>Condition</th><th>Message</th></tr></thead><tbody>{rows}</tbody></table>"
        )
    return "".join(html) or '<p class="note">No findings.</p>'


def _static_finding(f: FindingRecord, codes_page: str = "") -> str:
    nested = f.path and f.path != f.tag and "/" in f.path
    path = f'<div class="path mono">{escape(f.path)}</div>' if nested else ""
    value = f' <span class="path">(value {f.value_index})</span>' if f.value_index else ""
    return (
        f'<tr><td><span class="sev {escape(f.severity)}">{escape(f.severity)}</span></td>'
        f'<td><a class="mono" href="{codes_page}#code-{escape(f.code)}">{escape(f.code)}</a></td>'
        f'<td><span class="mono">{escape(f.tag or "")}</span> {escape(f.name or "")}{path}</td>'
        f'<td>{escape(f.type or "")}</td><td class="mono">{escape(f.condition or "")}</td>'
        f"<td>{escape(f.message)}{value}</td></tr>"
    )
