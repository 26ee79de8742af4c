"""The line chart as a PNG (Pillow), for the Word report: Word shows no SVG everywhere.

Drawn from the same geometry as the SVG (``charts.line_points``) at twice the size, so the
picture in the document and the chart on the page are the same chart.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from itertools import pairwise

from PIL import Image, ImageDraw, ImageFont

from learningpack.output.charts import (
    LINE_HEIGHT,
    LINE_WIDTH,
    PLOT,
    Line,
    line_points,
    nice_top,
    y_steps,
)

SCALE = 2
MARGIN = 24  # room on the right for the last date


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype("DejaVuSans.ttf", size * SCALE)
    except OSError:  # pragma: no cover - the font is installed wherever the app runs
        return ImageFont.load_default(size * SCALE)


def _dashed(
    draw: ImageDraw.ImageDraw, points: list[tuple[float, float]], colour: str, dash: str
) -> None:
    """A polyline; with a dash pattern, drawn as short segments along each stretch."""
    if not dash:
        draw.line(points, fill=colour, width=3 * SCALE, joint="curve")
        return
    pattern = [float(n) * SCALE for n in dash.split()]
    for (x1, y1), (x2, y2) in pairwise(points):
        length = ((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5
        at, index = 0.0, 0
        while at < length:
            run = min(pattern[index % len(pattern)], length - at)
            if index % 2 == 0:
                a, b = at / length, (at + run) / length
                draw.line(
                    [
                        (x1 + (x2 - x1) * a, y1 + (y2 - y1) * a),
                        (x1 + (x2 - x1) * b, y1 + (y2 - y1) * b),
                    ],
                    fill=colour,
                    width=3 * SCALE,
                )
            at += run
            index += 1


def line_chart_png(x_labels: Sequence[str], lines: Sequence[Line]) -> bytes:
    """The chart as PNG bytes, with its legend below it."""
    height = LINE_HEIGHT + 22 * len(lines) + 8
    image = Image.new("RGB", ((LINE_WIDTH + MARGIN) * SCALE, height * SCALE), "white")
    draw = ImageDraw.Draw(image)
    font = _font(11)
    left, upper, right, bottom = PLOT
    top = nice_top(max((max(line.values, default=0) for line in lines), default=0))
    steps = y_steps(top)
    for tick in range(steps + 1):
        y = (bottom - (bottom - upper) * tick / steps) * SCALE
        draw.line([(left * SCALE, y), (right * SCALE, y)], fill="#c9d1db", width=SCALE)
        draw.text(
            ((left - 6) * SCALE, y),
            str(top * tick // steps),
            font=font,
            fill="#1c2430",
            anchor="rm",
        )
    for index, (x, _y) in enumerate(line_points([0] * len(x_labels), top)):
        if index % 4 == 0 or index == len(x_labels) - 1:
            draw.text(
                (x * SCALE, (bottom + 12) * SCALE),
                x_labels[index],
                font=font,
                fill="#1c2430",
                anchor="mm",
            )
    for line in lines:
        points = [(x * SCALE, y * SCALE) for x, y in line_points(line.values, top)]
        _dashed(draw, points, line.colour, line.dash)
    for index, line in enumerate(lines):
        x = left * SCALE
        y = (LINE_HEIGHT + 12 + 22 * index) * SCALE
        _dashed(draw, [(x, y), (x + 28 * SCALE, y)], line.colour, line.dash)
        draw.text((x + 36 * SCALE, y), line.label, font=font, fill="#1c2430", anchor="lm")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
