"""Small server-side SVG charts: no JavaScript, no inline styles, every text escaped.

The SVG is written as text (fast, no plotting library) with presentation attributes only, so
it renders under the app's CSP, in print and in a PDF alike. A chart always has a data table
beside it in the page; the chart's own ``<title>``/``<desc>`` and one ``<title>`` per bar segment
say the same numbers for assistive technology and as tooltips.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape


@dataclass(frozen=True)
class Series:
    """One kind of segment in a stacked bar: its label and colours (fill, and text on it)."""

    key: str
    label: str
    fill: str
    text: str = "#ffffff"
    stroke: str = ""


@dataclass(frozen=True)
class Bar:
    label: str
    values: Sequence[int]  # one per series, in the series' order


WIDTH = 360
LABEL_HEIGHT = 19
BAR_HEIGHT = 26
GAP = 14
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'DejaVu Sans', sans-serif"


def _attr(value: object) -> str:
    return str(escape(str(value)))


def stacked_bars(
    chart_id: str, title: str, description: str, series: Sequence[Series], bars: Sequence[Bar]
) -> Markup:
    """Horizontal bars, one per category, each split into the series' shares (100 % wide)."""
    row = LABEL_HEIGHT + BAR_HEIGHT + GAP
    height = max(1, len(bars)) * row
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'font-family="{_attr(FONT)}" aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{_attr(title)}</title>',
        f'<desc id="{chart_id}-desc">{_attr(description)}</desc>',
    ]
    for index, bar in enumerate(bars):
        top = index * row
        total = sum(bar.values)
        parts.append(
            f'<text x="0" y="{top + LABEL_HEIGHT - 6}" font-size="12" font-weight="600" '
            f'fill="#1c2430">{_attr(bar.label)}</text>'
        )
        y = top + LABEL_HEIGHT
        parts.append(
            f'<rect x="0" y="{y}" width="{WIDTH}" height="{BAR_HEIGHT}" fill="#ffffff" '
            f'stroke="#8794a5" stroke-width="1"/>'
        )
        x = 0.0
        for one, value in zip(series, bar.values, strict=True):
            if value <= 0 or total <= 0:
                continue
            width = WIDTH * value / total
            stroke = f' stroke="{_attr(one.stroke)}" stroke-width="1"' if one.stroke else ""
            parts.append(
                f'<rect x="{x:.2f}" y="{y}" width="{width:.2f}" height="{BAR_HEIGHT}" '
                f'fill="{_attr(one.fill)}"{stroke} data-series="{_attr(one.key)}" '
                f'data-value="{value}"><title>{_attr(bar.label)} · {_attr(one.label)}: '
                f"{value}</title></rect>"
            )
            if width >= 8 * len(str(value)) + 8:
                parts.append(
                    f'<text x="{x + width / 2:.2f}" y="{y + BAR_HEIGHT / 2 + 5}" '
                    f'font-size="13" text-anchor="middle" fill="{_attr(one.text)}" '
                    f'aria-hidden="true">{value}</text>'
                )
            x += width
    parts.append("</svg>")
    return Markup("".join(parts))


def swatch(one: Series) -> Markup:
    """A small square in the series' colour, for a legend written in HTML."""
    stroke = f' stroke="{_attr(one.stroke)}"' if one.stroke else ""
    return Markup(
        '<svg class="swatch" width="14" height="14" viewBox="0 0 14 14" aria-hidden="true" '
        f'focusable="false"><rect x="0.5" y="0.5" width="13" height="13" '
        f'fill="{_attr(one.fill)}"{stroke}/></svg>'
    )
