"""The half-yearly report as a Word document (python-docx): the committee's papers are Word."""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.shared import Cm

from learningpack.output.chart_png import line_chart_png
from learningpack.output.report_content import ReportDocument, Table

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _table(document: Any, table: Table) -> None:
    document.add_paragraph(table.caption, style="Caption")
    grid = document.add_table(rows=1, cols=len(table.header))
    grid.style = "Light Grid Accent 1"
    for cell, text in zip(grid.rows[0].cells, table.header, strict=True):
        cell.text = text
    for row in table.rows:
        cells = grid.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text


def report_docx(report: ReportDocument) -> bytes:
    """The report with headings, numbers, the chart as a picture and the data appendix."""
    document = Document()
    document.core_properties.title = report.title
    document.core_properties.language = "da-DK"
    document.add_heading(report.title, level=0)
    document.add_paragraph(report.subtitle)
    for section in report.sections:
        document.add_heading(section.heading, level=1)
        for text in section.paragraphs:
            document.add_paragraph(text)
        if section.chart:
            document.add_picture(
                io.BytesIO(line_chart_png(report.x_labels, report.lines)), width=Cm(16)
            )
            document.add_paragraph(report.chart_title, style="Caption")
        for item in section.items:
            document.add_paragraph(item, style="List Bullet")
        for quote in section.quotes:
            document.add_paragraph(f"»{quote.text}«", style="Intense Quote")
            document.add_paragraph(quote.source)
        for table in section.tables:
            _table(document, table)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
