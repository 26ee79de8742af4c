"""What the school's work carries outside the staff room: the parent-meeting handout and the
board brief of a module (print page, PDF, PowerPoint), the whole-year report, and the module's
presentation mode for the staff meeting. Everything here reads; nothing is recorded.
"""

from __future__ import annotations

from typing import Any

from flask import Response, abort, render_template, url_for
from flask_login import current_user

from learningpack.content import get_library
from learningpack.models import Cycle, Role
from learningpack.output.labels import ascii_slug
from learningpack.output.pdf import attachment, pdf_response
from learningpack.output.slides import PPTX_MIMETYPE, board_deck, event_pitch
from learningpack.reads.cycles import current_run
from learningpack.reads.handouts import YearReport, module_story, year_report
from learningpack.reads.presentation import presentation_of
from learningpack.reads.sharing import event_or_none
from learningpack.school import bp
from learningpack.web.access import cycle_or_404, role_required

STAFF = (Role.LEADER, Role.TEACHER)


def _cycle(slug: str) -> Cycle:
    return cycle_or_404(current_user, current_user.school_id, slug)


def _file_name(kind: str, cycle: Cycle, suffix: str) -> str:
    school = ascii_slug(cycle.run.school.name, "skole")
    return f"{kind}-{school}-modul-{cycle.position}.{suffix}"


def _handout(slug: str, template: str, kind: str, as_pdf: bool) -> Any:
    cycle = _cycle(slug)
    story = module_story(cycle)
    endpoint = f"school.{kind}_pdf"
    page = render_template(
        template,
        story=story,
        for_pdf=as_pdf,
        back_url=url_for("school.module", slug=slug),
        pdf_url=url_for(endpoint, slug=slug),
        pptx_url=url_for("school.board_pptx", slug=slug) if kind == "board" else None,
    )
    if as_pdf:
        return pdf_response(page, _file_name(FILE_KIND[kind], cycle, "pdf"))
    return page


FILE_KIND = {"parents": "foraeldremoede", "board": "bestyrelse"}


@bp.get("/modul/<slug>/foraeldre")
@role_required(*STAFF)
def parents(slug: str) -> Any:
    """The module's parent-meeting handout as a print page."""
    return _handout(slug, "school/handout_parents.html", "parents", as_pdf=False)


@bp.get("/modul/<slug>/foraeldre.pdf")
@role_required(*STAFF)
def parents_pdf(slug: str) -> Any:
    """The parent-meeting handout as a PDF."""
    return _handout(slug, "school/handout_parents.html", "parents", as_pdf=True)


@bp.get("/modul/<slug>/bestyrelse")
@role_required(*STAFF)
def board(slug: str) -> Any:
    """The module's board brief as a print page."""
    return _handout(slug, "school/handout_board.html", "board", as_pdf=False)


@bp.get("/modul/<slug>/bestyrelse.pdf")
@role_required(*STAFF)
def board_pdf(slug: str) -> Any:
    """The board brief as a PDF."""
    return _handout(slug, "school/handout_board.html", "board", as_pdf=True)


def _report() -> YearReport:
    run = current_run(current_user.school_id)
    if run is None:
        abort(404)
    return year_report(run)


@bp.get("/modul/<slug>/bestyrelse.pptx")
@role_required(*STAFF)
def board_pptx(slug: str) -> Response:
    """The board brief and the school's year as a PowerPoint deck."""
    cycle = _cycle(slug)
    data = board_deck(module_story(cycle), year_report(cycle.run))
    return attachment(data, PPTX_MIMETYPE, _file_name("bestyrelse", cycle, "pptx"))


@bp.get("/aarsrapport")
@role_required(*STAFF)
def year_report_page() -> Any:
    """The school's whole-year report as a print page."""
    return render_template(
        "layouts/year_report.html",
        report=_report(),
        for_pdf=False,
        back_url=url_for("school.home"),
        pdf_url=url_for("school.year_report_pdf"),
    )


@bp.get("/aarsrapport.pdf")
@role_required(*STAFF)
def year_report_pdf() -> Response:
    """The school's whole-year report as a PDF."""
    report = _report()
    page = render_template("layouts/year_report.html", report=report, for_pdf=True)
    name = f"aarsrapport-{ascii_slug(report.school.name, 'skole')}.pdf"
    return pdf_response(page, name)


def _action_template(slug: str, for_pdf: bool) -> str:
    cycle = _cycle(slug)
    return render_template(
        "school/action_template.html",
        school=cycle.run.school,
        cycle=cycle,
        module=get_library().package(cycle.run.package_slug).module(cycle.module_slug),
        actions=cycle.actions,
        for_pdf=for_pdf,
        back_url=url_for("school.module", slug=slug),
        pdf_url=url_for("school.action_template_pdf", slug=slug),
    )


@bp.get("/modul/<slug>/aktionsskabelon")
@role_required(*STAFF)
def action_template(slug: str) -> str:
    """The action template, one page per agreed action and a blank one, as a print page."""
    return _action_template(slug, for_pdf=False)


@bp.get("/modul/<slug>/aktionsskabelon.pdf")
@role_required(*STAFF)
def action_template_pdf(slug: str) -> Response:
    """The action template as a PDF."""
    cycle = _cycle(slug)
    return pdf_response(
        _action_template(slug, for_pdf=True), _file_name("aktionsskabelon", cycle, "pdf")
    )


@bp.get("/modul/<slug>/praesentation")
@role_required(*STAFF)
def presentation(slug: str) -> str:
    """The module's knowledge input, questions and agenda as full-screen slides."""
    cycle = _cycle(slug)
    return render_template(
        "school/presentation.html",
        deck=presentation_of(cycle),
        back_url=url_for("school.module", slug=slug),
    )


@bp.get("/arrangementer/<int:event_id>/oplaeg.pptx")
@role_required(*STAFF)
def event_pitch_pptx(event_id: int) -> Response:
    """The school's five-minute presentation for a knowledge-sharing event it was chosen for."""
    event = event_or_none(event_id)
    found = event_pitch(event, current_user.school_id) if event is not None else None
    if found is None:
        abort(404)
    return attachment(found[0], PPTX_MIMETYPE, found[1])
