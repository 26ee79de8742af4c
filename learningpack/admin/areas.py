"""PUF's list of areas (områder): add, rename, remove (refused while a school lies in it)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from learningpack.admin import bp
from learningpack.admin.forms import NewAreaForm, RenameAreaForm
from learningpack.domain import areas
from learningpack.domain.submissions import claim_submission, locked
from learningpack.extensions import db
from learningpack.models import Area, Role, School
from learningpack.output.labels import words
from learningpack.reads.pagination import danish_key
from learningpack.web.access import role_required
from learningpack.web.forms import ConfirmForm, fingerprint, is_stale
from learningpack.web.refusals import flash_refused


def _area_or_404(area_id: int) -> Area:
    return db.get_or_404(Area, area_id)


@bp.route("/omraader", methods=["GET", "POST"])
@role_required(Role.PUF)
def areas_page() -> Response | tuple[str, int]:
    """The list of areas with their number of schools, and a form to add one."""
    form = NewAreaForm()
    if form.validate_on_submit():
        if not claim_submission(form, current_user):
            db.session.rollback()
            flash(_("Området var allerede oprettet."), "info")
            return redirect(url_for("admin.areas_page"))
        try:
            area = areas.create_area(form.name.data or "", current_user)
        except areas.AreaRefused as refused:
            db.session.rollback()
            form.name.errors = words(refused.refusals)
        else:
            db.session.commit()
            flash(_("Området »%(name)s« er oprettet.", name=area.name), "success")
            return redirect(url_for("admin.areas_page"))
    counts = dict(
        db.session.execute(
            select(School.district, func.count(School.id)).group_by(School.district)
        ).all()
    )
    listed = sorted(areas.all_areas(), key=lambda a: danish_key(a.name))
    return render_template("admin/areas.html", form=form, areas=listed, counts=counts), (
        400 if form.errors else 200
    )


@bp.route("/omraader/<int:area_id>", methods=["GET", "POST"])
@role_required(Role.PUF)
def area(area_id: int) -> Response | tuple[str, int]:
    """Rename one area (its schools follow), or remove it."""
    found = _area_or_404(area_id)
    form = RenameAreaForm(data={"name": found.name} if request.method == "GET" else None)
    if request.method == "GET":
        form.baseline.data = fingerprint(found.name)
    if form.validate_on_submit() and not is_stale(form, fingerprint(locked(found).name)):
        try:
            areas.rename_area(found, form.name.data or "", current_user)
        except areas.AreaRefused as refused:
            db.session.rollback()
            form.name.errors = words(refused.refusals)
        else:
            db.session.commit()
            flash(_("Området hedder nu »%(name)s«.", name=found.name), "success")
            return redirect(url_for("admin.areas_page"))
    return render_template(
        "admin/area.html",
        area=found,
        form=form,
        confirm=ConfirmForm(),
        schools=areas.schools_in(found),
    ), (400 if form.errors else 200)


@bp.post("/omraader/<int:area_id>/fjern")
@role_required(Role.PUF)
def remove_area(area_id: int) -> Response:
    """Remove an area no school lies in."""
    found = _area_or_404(area_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    name = found.name
    try:
        areas.remove_area(found, current_user)
    except areas.AreaRefused as refused:
        db.session.rollback()
        flash_refused(refused)
        return redirect(url_for("admin.area", area_id=area_id))
    db.session.commit()
    flash(_("Området »%(name)s« er fjernet.", name=name), "success")
    return redirect(url_for("admin.areas_page"))
