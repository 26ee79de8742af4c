"""The school's local approach to parent collaboration (module 5, seed solution 1): a versioned
document the leader edits; staff read it, its history, and print or export any version."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from learningpack.content import default_package
from learningpack.domain.access import can_facilitate
from learningpack.domain.refusals import Refused
from learningpack.domain.sharing import save_local_approach
from learningpack.extensions import db
from learningpack.models import LocalApproachVersion, Role
from learningpack.output.labels import ascii_slug
from learningpack.output.pdf import pdf_response
from learningpack.reads.sharing import approach_version, approach_versions
from learningpack.school import bp
from learningpack.school.forms import LocalApproachForm
from learningpack.web.access import role_required
from learningpack.web.refusals import flash_refused

STAFF = (Role.LEADER, Role.TEACHER)


def _page(form: LocalApproachForm | None, status: int = 200) -> tuple[str, int]:
    versions = approach_versions(current_user.school_id)
    editable = can_facilitate(current_user, current_user.school_id)
    if editable and form is None:
        form = LocalApproachForm()
        form.text.data = versions[0].text if versions else ""
    page = render_template(
        "school/local_approach.html",
        school=current_user.school,
        approach=default_package().common_approach,
        current=versions[0] if versions else None,
        version_count=len(versions),
        form=form if editable else None,
    )
    return page, status


@bp.get("/lokal-tilgang")
@role_required(*STAFF)
def local_approach() -> tuple[str, int]:
    """The school's local approach (newest version); the leader edits it here."""
    return _page(None)


@bp.post("/lokal-tilgang")
@role_required(Role.LEADER)
def save_approach() -> Any:
    """Save the local approach as a new version."""
    form = LocalApproachForm()
    if not form.validate_on_submit():
        return _page(form, 400)
    try:
        saved = save_local_approach(
            current_user.school_id,
            text=form.text.data or "",
            note=form.note.data or "",
            actor=current_user,
        )
        db.session.commit()
    except Refused as error:
        flash_refused(error)
        return _page(form, 400)
    except IntegrityError:  # another leader saved the same version number a moment before
        db.session.rollback()
        flash(_("En anden gemte en ny version lige nu. Se den, og gem igen."), "error")
        return _page(form, 409)
    flash(_("Skolens lokale tilgang er gemt som version %(num)d.", num=saved.version), "success")
    return redirect(url_for("school.local_approach"))


@bp.get("/lokal-tilgang/historik")
@role_required(*STAFF)
def local_approach_history() -> str:
    """Every saved version, newest first."""
    return render_template(
        "school/local_approach_history.html",
        school=current_user.school,
        versions=approach_versions(current_user.school_id),
    )


def _version(number: int) -> LocalApproachVersion:
    found = approach_version(current_user.school_id, number)
    if found is None:
        abort(404)
    return found


def _printed(version: LocalApproachVersion, for_pdf: bool) -> str:
    return render_template(
        "school/local_approach_print.html",
        version=version,
        school=current_user.school,
        approach=default_package().common_approach,
        for_pdf=for_pdf,
        back_url=url_for("school.local_approach_history"),
        pdf_url=url_for("school.local_approach_pdf", version=version.version),
    )


@bp.get("/lokal-tilgang/version/<int:version>")
@role_required(*STAFF)
def local_approach_version(version: int) -> str:
    """One version as a print page."""
    return _printed(_version(version), for_pdf=False)


@bp.get("/lokal-tilgang/version/<int:version>.pdf")
@role_required(*STAFF)
def local_approach_pdf(version: int) -> Any:
    """One version as a PDF."""
    found = _version(version)
    name = f"lokal-tilgang-{ascii_slug(current_user.school.name, 'skole')}-v{found.version}.pdf"
    return pdf_response(_printed(found, for_pdf=True), name)
