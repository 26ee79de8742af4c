"""PUF's progress over time, the half-yearly report (drafts, examples, Word and PDF) and notes
to schools from the drill-down."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from learningpack.content import Package, default_package
from learningpack.domain import notes, reports
from learningpack.domain.refusals import Refused
from learningpack.domain.submissions import claim_submission
from learningpack.extensions import db
from learningpack.models import ReportDraft, Role
from learningpack.models.audit import record
from learningpack.output.charts import line_chart, line_swatch
from learningpack.output.report_content import (
    Quote,
    ReportDocument,
    build_document,
    progress_lines,
    weeks_table,
)
from learningpack.output.report_docx import DOCX_MIMETYPE, report_docx
from learningpack.output.report_pdf import report_pdf
from learningpack.puf import bp
from learningpack.puf.report_forms import PeriodForm, QuoteForm, ReportForm
from learningpack.puf.routes import _districts, school_page
from learningpack.reads.examples import candidates, drafts, quote_of
from learningpack.reads.history import weekly
from learningpack.reads.report import ReportFigures, build_report
from learningpack.reads.snapshots import local_today
from learningpack.web.access import role_required, school_or_404
from learningpack.web.forms import ConfirmForm
from learningpack.web.notes import NoteForm
from learningpack.web.read_only import writes_on_get
from learningpack.web.refusals import flash_refused


def _chart(package: Package, weeks: Any) -> dict[str, Any]:
    """The progress chart (SVG), its legend and its data table, for a page."""
    labels, lines = progress_lines(package, weeks)
    title = _("Skoler, der er nået til hvert modul, uge for uge")
    description = _(
        "Linjer, én pr. modul: hvor mange skoler der er i gang med modulet eller har afsluttet "
        "det ved hver uges slutning. Tallene står i tabellen under figuren."
    )
    return {
        "chart": line_chart("progress-chart", title, description, labels, lines),
        "lines": lines,
        "table": weeks_table(package, weeks),
        "line_swatch": line_swatch,
    }


@bp.get("/udvikling")
@role_required(Role.PUF)
def progress() -> tuple[str, int]:
    """Schools per module per week over a chosen period, for one area or all."""
    package = default_package()
    form = PeriodForm(_districts(), formdata=request.args)
    form.validate()
    start, end = form.period(local_today())
    district = form.known("district") or ""
    weeks = weekly(start, end, [m.position for m in package.modules], district)
    page = render_template(
        "puf/progress.html",
        form=form,
        start=start,
        end=end,
        district=district,
        **_chart(package, weeks),
    )
    return page, 400 if form.errors else 200


# ---------------------------------------------------------------------------------------------
# The half-yearly report


def _draft_or_404(draft_id: int) -> ReportDraft:
    draft = db.session.get(ReportDraft, draft_id)
    if draft is None:
        abort(404)
    return draft


def _figures(package: Package, draft: ReportDraft) -> ReportFigures:
    return build_report(
        package,
        draft.period_from,
        draft.period_to,
        draft.district,
        name_stalled=draft.name_stalled,
    )


def _titles(package: Package) -> dict[str, str]:
    return {m.slug: f"{m.position}. {m.title}" for m in package.modules}


def _document(package: Package, draft: ReportDraft) -> ReportDocument:
    titles = _titles(package)
    quotes = [
        Quote(q.text, f"{q.school_name} · {titles.get(q.module_slug, q.module_slug)}")
        for q in draft.quotes
    ]
    return build_document(package, _figures(package, draft), quotes)


@bp.get("/rapporter")
@role_required(Role.PUF)
def reports_page(form: ReportForm | None = None) -> tuple[str, int]:
    """The saved report drafts and a form for a new one."""
    if form is None:
        today = local_today()
        form = ReportForm(
            _districts(),
            data={
                "date_from": today.replace(day=1, month=1 if today.month <= 6 else 7),
                "date_to": today,
            },
        )
    page = render_template("puf/reports.html", form=form, drafts=drafts())
    return page, 400 if form.errors else 200


@bp.post("/rapporter")
@role_required(Role.PUF)
def new_report() -> Any:
    form = ReportForm(_districts())
    if not form.validate_on_submit():
        return reports_page(form)
    if not claim_submission(form, current_user):
        db.session.rollback()
        flash(_("Formularen var allerede sendt, så rapporten er kun oprettet én gang."), "info")
        return redirect(url_for("puf.reports_page"))
    draft = _save(None, form)
    if draft is None:
        return reports_page(form)
    return redirect(url_for("puf.report", draft_id=draft.id))


def _save(draft: ReportDraft | None, form: ReportForm) -> ReportDraft | None:
    try:
        saved = reports.save_draft(
            draft,
            period_from=form.date_from.data,
            period_to=form.date_to.data,
            district=form.district.data or "",
            name_stalled=bool(form.name_stalled.data),
            actor=current_user,
        )
    except Refused as error:  # pragma: no cover - the form refuses a reversed period first
        flash_refused(error)
        return None
    db.session.commit()
    return saved


def _report_page(
    draft: ReportDraft,
    form: ReportForm | None = None,
    quote_forms: dict[int, QuoteForm] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    package = default_package()
    form = form or ReportForm(
        _districts(),
        data={
            "date_from": draft.period_from,
            "date_to": draft.period_to,
            "district": draft.district,
            "name_stalled": draft.name_stalled,
        },
    )
    slug = request.args.get("modul") or package.first_module.slug
    module = (
        package.module(slug) if slug in {m.slug for m in package.modules} else package.first_module
    )
    figures = _figures(package, draft)
    forms = {q.id: QuoteForm(prefix=f"q{q.id}", data={"text": q.text}) for q in draft.quotes}
    forms.update(quote_forms or {})
    page = render_template(
        "puf/report.html",
        draft=draft,
        form=form,
        figures=figures,
        package=package,
        module=module,
        candidates=candidates(package, module.slug, draft.district),
        picked={q.follow_up_id for q in draft.quotes},
        quote_forms=forms,
        pick_form=ConfirmForm(),
        module_titles=_titles(package),
        **_chart(package, figures.weeks),
    )
    return page, status


@bp.get("/rapporter/<int:draft_id>")
@role_required(Role.PUF)
def report(draft_id: int) -> tuple[str, int]:
    return _report_page(_draft_or_404(draft_id))


@bp.post("/rapporter/<int:draft_id>")
@role_required(Role.PUF)
def save_report(draft_id: int) -> Any:
    draft = _draft_or_404(draft_id)
    form = ReportForm(_districts())
    if not form.validate_on_submit() or _save(draft, form) is None:
        return _report_page(draft, form, status=400)
    flash(_("Rapportens indstillinger er gemt."), "success")
    return redirect(url_for("puf.report", draft_id=draft.id))


@bp.post("/rapporter/<int:draft_id>/eksempler")
@role_required(Role.PUF)
def pick_quote(draft_id: int) -> Any:
    draft = _draft_or_404(draft_id)
    form = ConfirmForm()
    value = request.form.get("follow_up_id", "")
    if not form.validate_on_submit() or not value.isdigit():
        flash(_("Vælg et eksempel fra listen."), "error")
        return redirect(url_for("puf.report", draft_id=draft.id))
    try:
        reports.add_quote(draft, int(value), current_user)
    except Refused as error:
        flash_refused(error)
        return redirect(url_for("puf.report", draft_id=draft.id))
    db.session.commit()
    flash(_("Eksemplet er føjet til rapporten. Ret teksten, hvis den nævner personer."), "success")
    return redirect(url_for("puf.report", draft_id=draft.id) + "#eksempler")


@bp.post("/rapporter/<int:draft_id>/eksempler/<int:quote_id>")
@role_required(Role.PUF)
def edit_quote(draft_id: int, quote_id: int) -> Any:
    draft = _draft_or_404(draft_id)
    quote = quote_of(draft, quote_id) or abort(404)
    if request.form.get("fjern"):
        reports.remove_quote(quote, current_user)
        db.session.commit()
        flash(_("Eksemplet er fjernet fra rapporten."), "success")
        return redirect(url_for("puf.report", draft_id=draft.id) + "#eksempler")
    form = QuoteForm(prefix=f"q{quote.id}")  # one form per example on the page
    if not form.validate_on_submit():
        return _report_page(draft, quote_forms={quote.id: form}, status=400)
    try:
        reports.edit_quote(quote, form.text.data or "", current_user)
    except Refused as error:  # pragma: no cover - the form refuses empty and CPR text first
        flash_refused(error)
        return redirect(url_for("puf.report", draft_id=draft.id) + "#eksempler")
    db.session.commit()
    flash(_("Eksemplets tekst er gemt."), "success")
    return redirect(url_for("puf.report", draft_id=draft.id) + "#eksempler")


def _download(draft: ReportDraft, body: bytes, mimetype: str, extension: str) -> Response:
    record("report_downloaded", actor=current_user, obj=draft, format=extension)
    db.session.commit()
    name = (
        f"afrapportering-{draft.period_from.isoformat()}-{draft.period_to.isoformat()}.{extension}"
    )
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.get("/rapporter/<int:draft_id>/rapport.docx")
@writes_on_get  # the download is audited
@role_required(Role.PUF)
def report_word(draft_id: int) -> Response:
    draft = _draft_or_404(draft_id)
    return _download(draft, report_docx(_document(default_package(), draft)), DOCX_MIMETYPE, "docx")


@bp.get("/rapporter/<int:draft_id>/rapport.pdf")
@writes_on_get  # the download is audited
@role_required(Role.PUF)
def report_print(draft_id: int) -> Response:
    draft = _draft_or_404(draft_id)
    return _download(
        draft, report_pdf(_document(default_package(), draft)), "application/pdf", "pdf"
    )


# ---------------------------------------------------------------------------------------------
# Notes to a school


@bp.post("/skoler/<int:school_id>/noter")
@role_required(Role.PUF)
def school_note(school_id: int) -> Any:
    """PUF writes a note to the school; its leaders see it on the school page."""
    school = school_or_404(current_user, school_id)
    form = NoteForm()
    target = url_for("puf.school", school_id=school.id) + "#noter"
    if not form.validate_on_submit():
        return school_page(school.id, form), 400
    if not claim_submission(form, current_user):
        db.session.rollback()
        flash(_("Formularen var allerede sendt, så beskeden er kun sendt én gang."), "info")
        return redirect(target)
    try:
        notes.write_note(school.id, default_package().slug, form.text.data or "", current_user)
    except Refused as error:
        flash_refused(error)
        return redirect(target)
    db.session.commit()
    flash(_("Beskeden er sendt til skolens ledere."), "success")
    return redirect(target)
