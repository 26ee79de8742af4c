"""PUF's administration: schools (create, rename, district, deactivate, CSV import) and
the accounts at each school (invite leaders, deactivate, anonymise)."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from learningpack.admin import bp
from learningpack.admin.forms import ImportForm, SchoolForm, SchoolListForm
from learningpack.domain import accounts, areas, schools
from learningpack.extensions import db
from learningpack.models import Role, School, User
from learningpack.output.labels import words
from learningpack.reads.overview_query import district_list
from learningpack.reads.pagination import danish_key
from learningpack.reads.school_list import school_listing
from learningpack.web.access import role_required, school_or_404, user_or_404
from learningpack.web.delivery import deliver_invitation
from learningpack.web.forms import ConfirmForm
from learningpack.web.people import (
    InviteForm,
    anonymise_view,
    invite_person,
    set_active_view,
)
from learningpack.web.refusals import flash_refused


def _school_form(**kwargs: Any) -> SchoolForm:
    names = sorted((a.name for a in areas.all_areas()), key=danish_key)
    return SchoolForm(names, **kwargs)


def _refused(form: SchoolForm, refused: schools.SchoolRefused) -> None:
    """The domain's reasons on the field they concern."""
    db.session.rollback()
    for reason in refused.refusals:
        target = form.district if reason.code == "area_unknown" else form.name
        target.errors = [*target.errors, *words([reason])]


def _back_for(user: User) -> str:
    if user.school_id is None:
        return url_for("admin.schools_page")
    return url_for("admin.school", school_id=user.school_id)


@bp.get("/skoler")
@role_required(Role.PUF)
def schools_page() -> tuple[str, int]:
    """The schools, a page at a time in Danish order, searched by name and filtered by area,
    with each one's number of active accounts. A filter that cannot be used is named and left
    out (400); the list still shows."""
    form = SchoolListForm(formdata=request.args)
    form.set_districts(district_list().names)
    valid = form.validate()
    search, district = form.known("search") or "", form.known("district") or ""
    listing = school_listing(search, district, form.known("page") or 1)
    args = {k: v for k, v in {"soeg": search, "omraade": district}.items() if v}
    page = render_template("admin/schools.html", form=form, listing=listing, args=args)
    return page, 200 if valid else 400


@bp.route("/skoler/ny", methods=["GET", "POST"])
@role_required(Role.PUF)
def new_school() -> Response | tuple[str, int]:
    """Create a school."""
    form = _school_form()
    if form.validate_on_submit():
        try:
            school = schools.create_school(
                form.name.data or "", form.district.data or "", current_user
            )
        except schools.SchoolRefused as refused:
            _refused(form, refused)
        else:
            db.session.commit()
            flash(_("Skolen er oprettet."), "success")
            return redirect(url_for("admin.school", school_id=school.id))
    return render_template(
        "admin/school_form.html", form=form, heading=_("Ny skole"), school=None
    ), (400 if form.errors else 200)


@bp.route("/skoler/<int:school_id>", methods=["GET", "POST"])
@role_required(Role.PUF)
def school(school_id: int) -> Response | tuple[str, int]:
    """One school: name and district, active or not, its accounts."""
    school = school_or_404(current_user, school_id)
    initial = {"name": school.name, "district": school.district}
    form = _school_form(data=initial if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            schools.update_school(
                school, form.name.data or "", form.district.data or "", current_user
            )
        except schools.SchoolRefused as refused:
            _refused(form, refused)
        else:
            db.session.commit()
            flash(_("Skolen er gemt."), "success")
            return redirect(url_for("admin.school", school_id=school.id))
    return _school_page(school, form), (400 if form.errors else 200)


def _school_page(school: School, form: SchoolForm, new_link: tuple[User, str] | None = None) -> str:
    people = sorted(
        db.session.scalars(select(User).where(User.school_id == school.id)),
        key=lambda u: (u.role != Role.LEADER, u.anonymised_at is not None, danish_key(u.name)),
    )
    return render_template(
        "admin/school.html",
        school=school,
        form=form,
        people=people,
        confirm=ConfirmForm(),
        is_pending=accounts.is_pending,
        new_link=new_link,
    )


def _set_school_active(school_id: int, active: bool) -> Response:
    school = school_or_404(current_user, school_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    schools.set_school_active(school, active, current_user)
    db.session.commit()
    if active:
        flash(_("%(school)s er aktiv igen.", school=school.name), "success")
    else:
        flash(
            _("%(school)s er deaktiveret. Skolens brugere kan ikke logge ind.", school=school.name),
            "success",
        )
    return redirect(url_for("admin.school", school_id=school.id))


@bp.post("/skoler/<int:school_id>/deaktiver")
@role_required(Role.PUF)
def deactivate_school(school_id: int) -> Response:
    """Deactivate a school: its users can no longer log in; its data stays."""
    return _set_school_active(school_id, False)


@bp.post("/skoler/<int:school_id>/genaktiver")
@role_required(Role.PUF)
def reactivate_school(school_id: int) -> Response:
    """Reactivate a school."""
    return _set_school_active(school_id, True)


@bp.route("/skoler/import", methods=["GET", "POST"])
@role_required(Role.PUF)
def import_schools() -> Response | tuple[str, int]:
    """Import schools from a CSV file: all rows valid, or nothing is imported."""
    form = ImportForm()
    problems: list[schools.RowProblem] = []
    if form.validate_on_submit():
        rows, problems = schools.parse_school_csv(form.file.data.read())
        if not problems:
            created = schools.import_schools(rows, current_user)
            db.session.commit()
            flash(
                _("%(count)d skoler er importeret.", count=len(created)),
                "success",
            )
            return redirect(url_for("admin.schools_page"))
    failed = bool(form.errors or problems)
    return render_template("admin/import.html", form=form, problems=problems), (
        400 if failed else 200
    )


@bp.route("/skoler/<int:school_id>/inviter-leder", methods=["GET", "POST"])
@role_required(Role.PUF)
def invite_leader(school_id: int) -> Response | tuple[str, int]:
    """Invite a leader for a school."""
    school = school_or_404(current_user, school_id)
    form = InviteForm()
    if form.validate_on_submit() and invite_person(form, Role.LEADER, school) is not None:
        return redirect(url_for("admin.school", school_id=school.id))
    return render_template(
        "school/invite.html",
        form=form,
        heading=_("Invitér en leder til %(school)s", school=school.name),
        cancel=url_for("admin.school", school_id=school.id),
    ), (400 if form.errors else 200)


@bp.post("/brugere/<int:user_id>/nyt-invitationslink")
@role_required(Role.PUF)
def renew_invitation(user_id: int) -> Response | str:
    """A new invitation link for someone who has not accepted yet (the old link stops working):
    mailed when mail is set up, otherwise shown on the school's page to copy."""
    user = user_or_404(current_user, user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        raw = accounts.renew_invitation(user, current_user, current_app.config["INVITE_VALID_FOR"])
    except accounts.AccountRefused as refused:
        flash_refused(refused)
        return redirect(_back_for(user))
    db.session.commit()
    link = deliver_invitation(user, raw)
    if link is None or user.school is None:
        flash(_("Et nyt invitationslink er sendt til %(email)s.", email=user.email), "success")
        return redirect(_back_for(user))
    initial = {"name": user.school.name, "district": user.school.district}
    return _school_page(user.school, _school_form(data=initial), new_link=(user, link))


@bp.post("/brugere/<int:user_id>/deaktiver")
@role_required(Role.PUF)
def deactivate_user(user_id: int) -> Response:
    """Deactivate any account (its sessions end)."""
    user = user_or_404(current_user, user_id)
    return set_active_view(user, False, _back_for(user))


@bp.post("/brugere/<int:user_id>/genaktiver")
@role_required(Role.PUF)
def reactivate_user(user_id: int) -> Response:
    """Reactivate an account."""
    user = user_or_404(current_user, user_id)
    return set_active_view(user, True, _back_for(user))


@bp.route("/brugere/<int:user_id>/anonymiser", methods=["GET", "POST"])
@role_required(Role.PUF)
def anonymise_user(user_id: int) -> Any:
    """Anonymise any departing user, after a confirmation."""
    user = user_or_404(current_user, user_id)
    return anonymise_view(user, _back_for(user), url_for("admin.anonymise_user", user_id=user.id))
