"""PUF's downloads of the overview and the learnings digest (every page, current filters), as
CSV for Excel or an XLSX workbook; each download is audited with its filters and row count."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, BinaryIO

from flask import Response
from flask_babel import force_locale, get_timezone
from flask_babel import gettext as _
from flask_login import current_user

from learningpack.content import Package, default_package
from learningpack.extensions import db
from learningpack.models import Role, utcnow
from learningpack.models.audit import record
from learningpack.output.labels import label
from learningpack.output.tables import Cell, csv_lines, xlsx_bytes, xlsx_file
from learningpack.puf import bp
from learningpack.puf.routes import (
    digest,
    digest_filters,
    overview,
    overview_filters,
)
from learningpack.reads import digest as digests
from learningpack.reads.overview import STATE_ORDER, SchoolRow, state_label
from learningpack.reads.overview_export import count_schools, export_schools
from learningpack.reads.overview_query import district_list
from learningpack.web.access import role_required
from learningpack.web.read_only import writes_on_get
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


@dataclass(frozen=True)
class _Words:
    """What the export's rows say, looked up in the request (in Danish) before they stream."""

    yes: str
    no: str
    states: dict[str, str]
    titles: dict[int, str]
    zone: Any

    def day(self, value: datetime | None) -> date | None:
        return value.astimezone(self.zone).date() if value is not None else None


def _words(package: Package, modules: list[int]) -> _Words:
    with force_locale("da"):
        return _Words(
            yes=_("Ja"),
            no=_("Nej"),
            states={key: state_label(key) for key in STATE_ORDER},
            titles={p: package.module_at(p).title for p in modules},
            zone=get_timezone(),
        )


def _overview_export_rows(
    words: _Words, schools: Iterable[tuple[SchoolRow, bool]], modules: list[int], now: datetime
) -> Iterator[list[Cell]]:
    """One row per school × module shown (a school that has not started: one row per module).
    Needs no request: it can run while a response streams."""
    for row, is_stalled in schools:
        idle = row.days_idle(now)
        stalled = words.yes if is_stalled else words.no
        for position in modules:
            cell = row.cell(position)
            yield [
                row.name,
                row.district,
                position,
                words.titles[position],
                words.states[cell.state],
                cell.action_count,
                cell.done_action_count,
                cell.meeting_count,
                cell.log_entry_count,
                cell.follow_up_count,
                words.day(cell.opened_at),
                words.day(cell.completed_at),
                words.day(cell.last_activity_at),
                cell.days_open(now),
                idle,
                stalled,
            ]


def _audit_export(what: str, fmt: str, filters: dict[str, Any], rows: int) -> None:
    record("export", actor=current_user, what=what, format=fmt, filters=filters, rows=rows)
    db.session.commit()


def file_blocks(file: BinaryIO, size: int = 64 * 1024) -> Iterator[bytes]:
    """A temporary file's content in blocks; the file is closed (deleted) when the last block
    is read or the download stops."""
    with file:
        while block := file.read(size):
            yield block


def _download(body: Any, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _overview_export(fmt: str) -> Any:
    """The export streams: schools are read in chunks and written as they come (CSV line by
    line, in an app context of its own after the request; XLSX through openpyxl's write-only
    sheet), so memory does not grow with the number of schools."""
    package = default_package()
    form, filters = overview_filters(package, district_list()[0])
    if form.errors:
        return overview()
    now = utcnow()
    modules = [filters.module] if filters.module else [m.position for m in package.modules]
    _audit_export(
        "overview", fmt, filters.describe(), count_schools(package, filters, now) * len(modules)
    )
    words = _words(package, modules)
    if fmt == "xlsx":
        schools = export_schools(package, filters, now, db.session.connection())
        workbook = xlsx_file(
            "Skoleoversigt", OVERVIEW_HEADER, _overview_export_rows(words, schools, modules, now)
        )
        return _download(file_blocks(workbook), XLSX, "skoleoversigt.xlsx")
    engine = db.engine

    def lines() -> Iterator[bytes]:
        # Written after the request has ended, on a connection of its own.
        with engine.connect() as connection:
            schools = export_schools(package, filters, now, connection)
            yield from csv_lines(
                OVERVIEW_HEADER, _overview_export_rows(words, schools, modules, now)
            )

    return _download(lines(), "text/csv", "skoleoversigt.csv")


@bp.get("/oversigt.csv")
@writes_on_get  # the download is audited
@role_required(Role.PUF)
def overview_csv() -> Any:
    """The overview's schools (every page, current filters) as CSV for Excel."""
    return _overview_export("csv")


@bp.get("/oversigt.xlsx")
@writes_on_get  # the download is audited
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
@writes_on_get  # the download is audited
@role_required(Role.PUF)
def digest_csv() -> Any:
    """The digest of one module (every school, current filters) as CSV for Excel."""
    return _digest_export("csv")


@bp.get("/laering.xlsx")
@writes_on_get  # the download is audited
@role_required(Role.PUF)
def digest_xlsx() -> Any:
    """The digest of one module (every school, current filters) as an Excel workbook."""
    return _digest_export("xlsx")
