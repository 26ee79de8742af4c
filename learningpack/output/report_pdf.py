"""The half-yearly report as PDF (WeasyPrint), from the same content as the Word document."""

from __future__ import annotations

from flask import render_template
from weasyprint import HTML

from learningpack.output.charts import line_chart, line_swatch
from learningpack.output.report_content import ReportDocument


def report_html(report: ReportDocument) -> str:
    """The print page: headings, tables and the chart as SVG (A4, Danish)."""
    chart = line_chart(
        "report-chart", report.chart_title, report.chart_title, report.x_labels, report.lines
    )
    return render_template(
        "puf/report_print.html", report=report, chart=chart, line_swatch=line_swatch
    )


def report_pdf(report: ReportDocument) -> bytes:
    return bytes(HTML(string=report_html(report)).write_pdf())
