"""The XLSX writer: columns as wide as their content (capped) and an autofilter on the header."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook

from learningpack.output.tables import WIDTH_MAX, WIDTH_MIN, column_widths, xlsx_bytes


def _sheet(body: bytes):  # type: ignore[no-untyped-def]
    return load_workbook(io.BytesIO(body)).active


def test_widths_fit_header_and_rows_and_are_capped() -> None:
    rows = ([f"Skole {n}", "x" * 200, date(2026, 1, n + 1), n] for n in range(5))
    sheet = _sheet(xlsx_bytes("Oversigt", ["Skolens navn", "Noter", "Dato", "N"], rows))
    widths = {c: sheet.column_dimensions[c].width for c in "ABCD"}
    assert widths["A"] == len("Skolens navn") + 2
    assert widths["B"] == WIDTH_MAX
    assert widths["C"] == 12
    assert widths["D"] == WIDTH_MIN
    assert [c.value for c in sheet[1]] == ["Skolens navn", "Noter", "Dato", "N"]
    assert sheet.max_row == 6


def test_autofilter_covers_header_and_every_row() -> None:
    rows = [[f"Skole {n}", n] for n in range(250)]  # more rows than the width sample
    sheet = _sheet(xlsx_bytes("Oversigt", ["Skole", "Tal"], iter(rows)))
    assert sheet.auto_filter.ref == "A1:B251"
    assert sheet.cell(251, 1).value == "Skole 249"
    assert sheet.freeze_panes == "A2"


def test_empty_table_still_has_a_filtered_header() -> None:
    sheet = _sheet(xlsx_bytes("Tom", ["Skole", "Område"], []))
    assert sheet.auto_filter.ref == "A1:B1"
    assert column_widths(["Skole"], []) == [WIDTH_MIN]
