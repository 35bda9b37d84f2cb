"""Charts as inline SVG: horizontal bars (stacked by severity or by outcome)
and a column histogram. No script and no library: the page stays readable
without JavaScript, prints, and costs a few hundred bytes per chart."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

COLOURS: dict[str, str] = {
    "error": "#c62828",
    "warning": "#ef8f00",
    "info": "#5b7fa6",
    "failed": "#c62828",
    "passed": "#2e7d32",
}

_ROW = 22
_LABEL = 240
_BAR = 230


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: its label, an optional link target and its parts in order."""

    label: str
    parts: tuple[tuple[str, int], ...]  # (series, value); series names a colour
    href: str | None = None

    @property
    def total(self) -> int:
        return sum(v for _, v in self.parts)


def _short(label: str, limit: int = 32) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bars(title: str, data: Sequence[Bar], unit: str = "") -> str:
    """A horizontal bar chart, one row per bar, the total at the bar's end."""
    if not data:
        return f'<figure class="chart"><figcaption>{escape(title)}</figcaption><p class="none">none</p></figure>'
    top = max(b.total for b in data) or 1
    height = _ROW * len(data) + 6
    width = _LABEL + _BAR + 70
    rows = []
    for index, bar in enumerate(data):
        y = index * _ROW + 3
        label = escape(_short(bar.label))
        text = f'<text x="{_LABEL - 8}" y="{y + 14}" class="l">{label}</text>'
        if bar.href:
            text = f'<a href="{escape(bar.href)}">{text}</a>'
        x = float(_LABEL)
        rects = []
        for series, value in bar.parts:
            if value <= 0:
                continue
            w = max(1.0, _BAR * value / top)
            tip = escape(f"{bar.label}: {value:,} {series}")
            rects.append(
                f'<rect x="{x:.1f}" y="{y + 2}" width="{w:.1f}" height="{_ROW - 6}" '
                f'fill="{COLOURS.get(series, "#777")}"><title>{tip}</title></rect>'
            )
            x += w
        total = f'<text x="{x + 6:.1f}" y="{y + 14}" class="v">{bar.total:,}{unit}</text>'
        rows.append(f"<g>{text}{''.join(rects)}{total}</g>")
    svg = (
        f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(title)}">{"".join(rows)}</svg>'
    )
    return f'<figure class="chart"><figcaption>{escape(title)}</figcaption>{svg}</figure>'


def columns(title: str, data: Sequence[tuple[str, int]], series: Sequence[str]) -> str:
    """A column histogram: one column per (label, value), coloured by ``series``."""
    top = max((v for _, v in data), default=0) or 1
    step, plot = 64, 150
    width, height = step * len(data) + 20, plot + 48
    parts = []
    for index, ((label, value), colour) in enumerate(zip(data, series, strict=True)):
        x = 10 + index * step
        h = 0.0 if value == 0 else max(1.0, plot * value / top)
        y = 20 + plot - h
        tip = escape(f"{label} errors: {value:,} files")
        parts.append(
            f'<rect x="{x + 8}" y="{y:.1f}" width="{step - 16}" height="{h:.1f}" '
            f'fill="{COLOURS.get(colour, "#777")}"><title>{tip}</title></rect>'
            f'<text x="{x + step / 2}" y="{y - 5:.1f}" class="c">{value:,}</text>'
            f'<text x="{x + step / 2}" y="{plot + 38}" class="c">{escape(label)}</text>'
        )
    svg = (
        f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(title)}"><line x1="10" y1="{plot + 20}" x2="{width - 10}" '
        f'y2="{plot + 20}" stroke="#999"/>{"".join(parts)}</svg>'
    )
    return f'<figure class="chart"><figcaption>{escape(title)}</figcaption>{svg}</figure>'
