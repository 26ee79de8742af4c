"""PUF's downloads of the overview and the learnings digest (every page, current filters), as
CSV for Excel or an XLSX workbook; each download is audited with its filters and row count."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import Response
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from learningpack.content import Package, default_package
from learningpack.extensions import db
from learningpack.models import Role
from learningpack.models.audit import record
from learningpack.output.labels import label
from learningpack.output.tables import Cell, csv_lines, xlsx_bytes
from learningpack.puf import bp
from learningpack.puf.forms import OverviewFilterForm
from learningpack.puf.routes import (
    digest,
    digest_filters,
    overview,
    overview_filters,
)
from learningpack.reads import digest as digests
from learningpack.reads.overview import (
    Filters,
    Overview,
    build_overview,
    districts_of,
    load_rows,
    state_label,
)
from learningpack.web.access import role_required
from learningpack.web.templating import local_days

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


OVERVIEW_HEADER = (
    "Skole",
    "Område",
    "Modul nr.",
    "Modul",
    "Status",
    "Aktioner aftalt",
    "Aktioner gennemført",
    "Møder",
    "Logninger",
    "Opsamlinger",
    "Modul åbnet",
    "Modul afsluttet",
    "Seneste aktivitet i modulet",
    "Dage i modulet",
    "Dage uden aktivitet (skolen)",
    "Gået i stå",
)


def _overview_export_rows(package: Package, overview: Overview) -> Iterator[list[Cell]]:
    """One row per school × module shown (a school that has not started: one row per module)."""
    now = overview.now
    # Looked up once, not once per cell (a national export has 10,000 rows).
    titles = {position: package.module_at(position).title for position in overview.modules}
    states: dict[str, str] = {}
    yes, no = _("Ja"), _("Nej")
    local_date = local_days()
    for row in overview.matching:
        idle = row.days_idle(now)
        stalled = yes if row.id in overview.stalled_ids else no
        for position in overview.modules:
            cell = row.cell(position)
            if cell.state not in states:
                states[cell.state] = state_label(cell.state)
            yield [
                row.name,
                row.district,
                position,
                titles[position],
                states[cell.state],
                cell.action_count,
                cell.done_action_count,
                cell.meeting_count,
                cell.log_entry_count,
                cell.follow_up_count,
                local_date(cell.opened_at),
                local_date(cell.completed_at),
                local_date(cell.last_activity_at),
                cell.days_open(now),
                idle,
                stalled,
            ]


def _overview_for_export() -> tuple[Package, OverviewFilterForm, Filters, Overview]:
    package = default_package()
    rows = load_rows(package, full=True)
    form, filters = overview_filters(package, districts_of(rows))
    result = build_overview(rows, filters, len(package.modules))
    return package, form, filters, result


def _audit_export(what: str, fmt: str, filters: dict[str, Any], rows: int) -> None:
    record("export", actor=current_user, what=what, format=fmt, filters=filters, rows=rows)
    db.session.commit()


def _download(body: Any, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _overview_export(fmt: str) -> Any:
    package, form, filters, result = _overview_for_export()
    if form.errors:
        return overview()
    with force_locale("da"):
        rows = list(_overview_export_rows(package, result))
    _audit_export("overview", fmt, filters.describe(), len(rows))
    if fmt == "csv":
        return _download(csv_lines(OVERVIEW_HEADER, rows), "text/csv", "skoleoversigt.csv")
    return _download(xlsx_bytes("Skoleoversigt", OVERVIEW_HEADER, rows), XLSX, "skoleoversigt.xlsx")


@bp.get("/oversigt.csv")
@role_required(Role.PUF)
def overview_csv() -> Any:
    """The overview's schools (every page, current filters) as CSV for Excel."""
    return _overview_export("csv")


@bp.get("/oversigt.xlsx")
@role_required(Role.PUF)
def overview_xlsx() -> Any:
    """The overview's schools (every page, current filters) as an Excel workbook."""
    return _overview_export("xlsx")


DIGEST_HEADER = (
    "Skole",
    "Område",
    "Modul",
    "Slags",
    "Aktion",
    "Udfald",
    "Læring",
    "Fastholder",
    "Næste skridt",
    "Dato",
    "Forventet",
    "Forventet og set",
)


def _digest_rows(package: Package, slug: str, district: str) -> Iterator[list[Cell]]:
    title = package.module(slug).title
    kind_follow_up, kind_reflection = _("Opsamling på aktion"), _("Teamets refleksion")
    kind_summary = _("Modulets opsamling")
    outcomes: dict[str, str] = {}
    local_date = local_days()
    for s in digests.all_learnings(package, slug, district):
        for item in s.learnings:
            if item.outcome not in outcomes:
                outcomes[item.outcome] = label("outcome", item.outcome)
            yield [
                s.school,
                s.district,
                title,
                kind_follow_up,
                item.action_title,
                outcomes[item.outcome],
                item.learning,
                None,
                None,
                local_date(item.recorded_at),
                item.expected,
                item.fit,
            ]
        for quote in s.reflections:
            yield [
                s.school,
                s.district,
                title,
                kind_reflection,
                quote.team,
                None,
                quote.fit,
                None,
                quote.change,
                quote.held_on,
                None,
                None,
            ]
        if s.summary_learned or s.summary_keep or s.summary_next:
            yield [
                s.school,
                s.district,
                title,
                kind_summary,
                None,
                None,
                s.summary_learned,
                s.summary_keep,
                s.summary_next,
                local_date(s.completed_at),
                None,
                None,
            ]


def _digest_export(fmt: str) -> Any:
    package = default_package()
    form, slug, district, _page = digest_filters(package)
    if form.errors:
        return digest()
    with force_locale("da"):
        rows = list(_digest_rows(package, slug, district))
    _audit_export("digest", fmt, {"module": slug, "district": district}, len(rows))
    name = f"laering-{slug}"
    if fmt == "csv":
        return _download(csv_lines(DIGEST_HEADER, rows), "text/csv", f"{name}.csv")
    return _download(xlsx_bytes("Læring", DIGEST_HEADER, rows), XLSX, f"{name}.xlsx")


@bp.get("/laering.csv")
@role_required(Role.PUF)
def digest_csv() -> Any:
    """The digest of one module (every school, current filters) as CSV for Excel."""
    return _digest_export("csv")


@bp.get("/laering.xlsx")
@role_required(Role.PUF)
def digest_xlsx() -> Any:
    """The digest of one module (every school, current filters) as an Excel workbook."""
    return _digest_export("xlsx")
