"""Tables as files a Danish office opens directly: CSV for Excel (da-DK) and XLSX.

CSV: ``;`` as delimiter (Danish Excel's list separator), UTF-8 with a byte-order mark (so Excel
reads æøå), CRLF line ends. Cells that a spreadsheet would run as a formula (starting with
``= + - @``, tab or carriage return) get a leading apostrophe (CSV/formula injection, OWASP).
Numbers are written as numbers, never guarded. Every CSV the app writes (PUF's exports, a
school's data export) goes through ``csv_lines``, so all share one date format (``text_cell``).
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from itertools import chain, islice
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
Cell = str | int | float | date | datetime | None


def guard(value: Cell) -> Cell:
    """A text cell made safe from formula injection; other values unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def text_cell(value: Cell) -> str:
    """One CSV cell as text: nothing as empty, booleans as ja/nej, a moment as ISO 8601 in UTC
    to the second, a date as ISO 8601, text guarded against formulas."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return str(guard(value))


class _Line:
    """A file-like object that hands back what the csv writer wrote, one line at a time."""

    def __init__(self) -> None:
        self.buffer = io.StringIO()

    def write(self, text: str) -> int:
        return self.buffer.write(text)

    def take(self) -> str:
        value = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        return value


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> Iterator[bytes]:
    """The CSV file, line by line (for a streamed response), BOM first."""
    line = _Line()
    writer = csv.writer(line, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([text_cell(h) for h in header])
    yield ("\ufeff" + line.take()).encode("utf-8")
    for row in rows:
        writer.writerow([text_cell(v) for v in row])
        yield line.take().encode("utf-8")


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """The whole CSV file at once (e.g. for a ZIP archive)."""
    return b"".join(csv_lines(header, rows))


def _xlsx_value(value: Cell) -> Any:
    if isinstance(value, datetime):
        # Excel has no time zones: the local wall time is what a reader expects to see.
        return value.replace(tzinfo=None)
    if isinstance(value, str):
        # Control characters stored before they were refused must not break the workbook.
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return guard(value)


# Column widths (in characters) fit the header and the first rows, within these bounds.
WIDTH_SAMPLE_ROWS = 100
WIDTH_MIN = 8
WIDTH_MAX = 60


def _shown_length(value: Cell) -> int:
    if isinstance(value, datetime):
        return 16  # "2026-12-02 13:45" as Excel shows it
    if isinstance(value, date):
        return 10
    text = text_cell(value)
    return max((len(line) for line in text.splitlines()), default=0)


def column_widths(header: Sequence[str], sample: Sequence[Sequence[Cell]]) -> list[float]:
    """A width per column that fits its header and the sample rows, capped both ways."""
    widths = [float(_shown_length(h)) for h in header]
    for row in sample:
        for index, value in enumerate(row[: len(widths)]):
            widths[index] = max(widths[index], float(_shown_length(value)))
    return [min(max(w + 2, WIDTH_MIN), WIDTH_MAX) for w in widths]


def xlsx_bytes(sheet_title: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """The workbook of ``xlsx_file`` as bytes (for a small table, or a ZIP archive)."""
    with xlsx_file(sheet_title, header, rows) as file:
        return file.read()


def xlsx_file(sheet_title: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> BinaryIO:
    """An XLSX workbook with one sheet, written in openpyxl's streaming (write-only) mode to a
    temporary file (returned open, at its start; gone when closed), so memory does not grow
    with the rows: the columns as wide as their header and first rows need, an autofilter on
    the header row."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    sheet.freeze_panes = "A2"
    remaining = iter(rows)
    sample = list(islice(remaining, WIDTH_SAMPLE_ROWS))
    # Write-only sheets take column widths before the first row is written.
    for index, width in enumerate(column_widths(header, sample), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.append(list(header))
    count = 0
    for row in chain(sample, remaining):
        sheet.append([_xlsx_value(v) for v in row])
        count += 1
    if header:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{count + 1}"
    out = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the caller, who closes it
    try:
        workbook.save(out)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out
