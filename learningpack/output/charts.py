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


@dataclass(frozen=True)
class Line:
    """One series of a line chart: its label, colour, dash pattern and one value per x label."""

    label: str
    colour: str
    dash: str
    values: Sequence[int]


LINE_WIDTH, LINE_HEIGHT = 640, 260
PLOT = (44, 12, 628, 226)  # left, top, right, bottom of the plot area
# Colours for up to eight lines, each ≥ 3:1 against white; the dash tells them apart in
# black and white too (WCAG 1.4.1).
LINE_STYLES = (
    ("#1d3f72", ""),
    ("#b35c00", "8 4"),
    ("#17542f", "2 3"),
    ("#5b3a8c", "10 3 2 3"),
    ("#a3202e", "4 4"),
    ("#2b6c8f", "12 4"),
    ("#6b4e16", "1 5"),
    ("#4a5562", "6 2 1 2"),
)


def nice_top(value: int) -> int:
    """The y axis' top: the smallest of 1, 2, 5 × 10^n that holds ``value`` (at least 4)."""
    top = 1
    while True:
        for step in (1, 2, 5):
            if step * top >= max(value, 4):
                return step * top
        top *= 10


def y_steps(top: int) -> int:
    """How many steps the y axis has so that every tick is a whole number (2→4, 5 and 1→5)."""
    return 4 if str(top).startswith("2") else 5


def line_points(values: Sequence[int], top: int) -> list[tuple[float, float]]:
    """Where a series' values fall in the plot area (shared by the SVG and the PNG)."""
    left, upper, right, bottom = PLOT
    count = len(values)
    step = (right - left) / (count - 1) if count > 1 else 0
    return [
        (left + i * step if count > 1 else (left + right) / 2, bottom - (bottom - upper) * v / top)
        for i, v in enumerate(values)
    ]


def line_chart(
    chart_id: str, title: str, description: str, x_labels: Sequence[str], lines: Sequence[Line]
) -> Markup:
    """Lines over time with a y axis of whole numbers; every fourth x label is written."""
    left, upper, right, bottom = PLOT
    top = nice_top(max((max(line.values, default=0) for line in lines), default=0))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-lines" role="img" '
        f'viewBox="0 0 {LINE_WIDTH} {LINE_HEIGHT}" width="{LINE_WIDTH}" height="{LINE_HEIGHT}" '
        f'font-family="{_attr(FONT)}" aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{_attr(title)}</title>',
        f'<desc id="{chart_id}-desc">{_attr(description)}</desc>',
    ]
    steps = y_steps(top)
    for tick in range(steps + 1):
        value = top * tick // steps
        y = bottom - (bottom - upper) * tick / steps
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="#c9d1db" '
            f'stroke-width="1"/><text x="{left - 6}" y="{y + 4:.1f}" font-size="11" '
            f'text-anchor="end" fill="#1c2430">{value}</text>'
        )
    for index, point in enumerate(line_points([0] * len(x_labels), top)):
        if index % 4 == 0 or index == len(x_labels) - 1:
            parts.append(
                f'<text x="{point[0]:.1f}" y="{bottom + 16}" font-size="11" '
                f'text-anchor="middle" fill="#1c2430">{_attr(x_labels[index])}</text>'
            )
    for line in lines:
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in line_points(line.values, top))
        dash = f' stroke-dasharray="{_attr(line.dash)}"' if line.dash else ""
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{_attr(line.colour)}" '
            f'stroke-width="2.5"{dash} data-series="{_attr(line.label)}">'
            f"<title>{_attr(line.label)}</title></polyline>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def line_swatch(line: Line) -> Markup:
    """A short stroke in the line's colour and dash, for a legend written in HTML."""
    dash = f' stroke-dasharray="{_attr(line.dash)}"' if line.dash else ""
    return Markup(
        '<svg class="swatch swatch-line" width="28" height="14" viewBox="0 0 28 14" '
        f'aria-hidden="true" focusable="false"><line x1="1" y1="7" x2="27" y2="7" '
        f'stroke="{_attr(line.colour)}" stroke-width="3"{dash}/></svg>'
    )
