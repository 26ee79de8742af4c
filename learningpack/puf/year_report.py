"""A school's whole-year report for PUF (print page and PDF), reached from the drill-down."""

from __future__ import annotations

from flask import Response, abort, render_template, url_for
from flask_login import current_user

from learningpack.content import default_package
from learningpack.models import Role
from learningpack.output.labels import ascii_slug
from learningpack.output.pdf import pdf_response
from learningpack.puf import bp
from learningpack.reads.cycles import current_run
from learningpack.reads.handouts import YearReport
from learningpack.reads.handouts import year_report as build_year_report
from learningpack.reads.sharing import approach_versions
from learningpack.web.access import role_required, school_or_404


def _report(school_id: int) -> YearReport:
    school = school_or_404(current_user, school_id)
    run = current_run(school.id)
    if run is None:
        abort(404)
    return build_year_report(run)


@bp.get("/skoler/<int:school_id>/aarsrapport")
@role_required(Role.PUF)
def year_report(school_id: int) -> str:
    """The school's whole-year report as a print page."""
    return render_template(
        "layouts/year_report.html",
        report=_report(school_id),
        for_pdf=False,
        back_url=url_for("puf.school", school_id=school_id),
        pdf_url=url_for("puf.year_report_pdf", school_id=school_id),
    )


@bp.get("/skoler/<int:school_id>/aarsrapport.pdf")
@role_required(Role.PUF)
def year_report_pdf(school_id: int) -> Response:
    """The school's whole-year report as a PDF."""
    report = _report(school_id)
    page = render_template("layouts/year_report.html", report=report, for_pdf=True)
    return pdf_response(page, f"aarsrapport-{ascii_slug(report.school.name, 'skole')}.pdf")


@bp.get("/skoler/<int:school_id>/lokal-tilgang")
@role_required(Role.PUF)
def local_approach(school_id: int) -> str:
    """The school's local approach, every version (read-only)."""
    school = school_or_404(current_user, school_id)
    return render_template(
        "puf/local_approach.html",
        school=school,
        versions=approach_versions(school.id),
        approach=default_package().common_approach,
    )
