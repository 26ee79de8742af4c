"""The leader sets the module's follow-up meeting date and the school's reminder days."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from learningpack.content import module_of
from learningpack.domain import calendar
from learningpack.domain.refusals import CycleRefused
from learningpack.domain.submissions import locked
from learningpack.extensions import db
from learningpack.models import Role
from learningpack.output.labels import words
from learningpack.school import bp
from learningpack.school.calendar_forms import FollowUpDateForm, SchoolReminderForm
from learningpack.school.routes import leader_cycle, to_module
from learningpack.web.access import role_required
from learningpack.web.forms import fingerprint, is_stale


@bp.route("/modul/<slug>/opsamlingsmoede", methods=["GET", "POST"])
@role_required(Role.LEADER)
def follow_up_date(slug: str) -> Any:
    """Set (or clear) the date of the module's follow-up meeting while the module is open."""
    cycle = leader_cycle(slug)
    first, last = calendar.follow_up_window(cycle)
    form = FollowUpDateForm()
    if request.method == "GET":
        form.follow_up_on.data = cycle.follow_up_on
        form.baseline.data = fingerprint(cycle.follow_up_on)
    if form.validate_on_submit() and not is_stale(form, fingerprint(locked(cycle).follow_up_on)):
        try:
            calendar.set_follow_up_date(cycle, form.follow_up_on.data)
        except CycleRefused as error:
            db.session.rollback()
            form.follow_up_on.errors = [*form.follow_up_on.errors, *words(error.refusals)]
        else:
            db.session.commit()
            if cycle.follow_up_on is None:
                flash(_("Datoen for opsamlingsmødet er fjernet."), "success")
            else:
                flash(_("Datoen for opsamlingsmødet er gemt."), "success")
            return to_module(cycle, "opsamlingsmoede")
    page = render_template(
        "school/follow_up_date_form.html",
        form=form,
        cycle=cycle,
        module=module_of(cycle),
        first=first,
        last=last,
    )
    if form.baseline.errors:
        return page, 409
    return page, 400 if form.errors else 200


@bp.route("/paamindelser", methods=["GET", "POST"])
@role_required(Role.LEADER)
def reminder_settings() -> Any:
    """The school's own number of days without a log before a reminder (or PUF's default)."""
    school = current_user.school
    form = SchoolReminderForm()
    if request.method == "GET":
        form.reminder_days.data = school.reminder_days
        form.baseline.data = fingerprint(school.reminder_days)
    if form.validate_on_submit() and not is_stale(form, fingerprint(locked(school).reminder_days)):
        try:
            calendar.set_school_reminder_days(school, form.reminder_days.data)
        except CycleRefused as error:
            db.session.rollback()
            form.reminder_days.errors = [*form.reminder_days.errors, *words(error.refusals)]
        else:
            db.session.commit()
            flash(_("Skolens indstilling for påmindelser er gemt."), "success")
            return redirect(url_for("school.reminder_settings"))
    page = render_template(
        "school/reminder_settings.html",
        form=form,
        default_days=calendar.default_reminder_days(),
        days=calendar.reminder_days_for(school),
    )
    if form.baseline.errors:
        return page, 409
    return page, 400 if form.errors else 200
