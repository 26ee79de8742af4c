"""PUF's reminder settings: the default days before a reminder, and the school holidays."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from learningpack.domain import calendar
from learningpack.domain.refusals import CycleRefused
from learningpack.domain.submissions import claim_submission, locked
from learningpack.extensions import db
from learningpack.models import HolidayPeriod, Role
from learningpack.output.labels import words
from learningpack.puf import bp
from learningpack.puf.calendar_forms import (
    EditHolidayForm,
    HolidayForm,
    NewHolidayForm,
    ReminderDaysForm,
)
from learningpack.web.access import role_required
from learningpack.web.forms import ConfirmForm, fingerprint, is_stale


def _page(
    days_form: ReminderDaysForm | None = None, holiday_form: NewHolidayForm | None = None
) -> tuple[str, int]:
    if days_form is None:
        days_form = ReminderDaysForm(formdata=None)
        days_form.reminder_days.data = calendar.default_reminder_days()
        days_form.baseline.data = fingerprint(days_form.reminder_days.data)
    holiday_form = holiday_form or NewHolidayForm(formdata=None)
    page = render_template(
        "puf/reminders.html",
        days_form=days_form,
        holiday_form=holiday_form,
        holidays=calendar.holidays(),
        confirm=ConfirmForm(),
    )
    failed = days_form.errors or holiday_form.errors
    return page, 409 if days_form.baseline.errors else 400 if failed else 200


def _refused_on(field: Any, error: CycleRefused) -> None:
    db.session.rollback()
    field.errors = [*field.errors, *words(error.refusals)]


@bp.get("/paamindelser")
@role_required(Role.PUF)
def reminders() -> tuple[str, int]:
    """The default days before a reminder, and the school holidays (no reminders then)."""
    return _page()


@bp.post("/paamindelser")
@role_required(Role.PUF)
def save_reminder_days() -> Any:
    """Save the default number of days without a log before a reminder."""
    form = ReminderDaysForm()
    current = fingerprint(calendar.default_reminder_days())
    if not form.validate_on_submit() or is_stale(form, current):
        return _page(days_form=form)
    try:
        calendar.set_default_reminder_days(int(form.reminder_days.data or 0), current_user)
    except CycleRefused as error:
        _refused_on(form.reminder_days, error)
        return _page(days_form=form)
    db.session.commit()
    flash(_("Standarden for påmindelser er gemt."), "success")
    return redirect(url_for("puf.reminders"))


@bp.post("/paamindelser/ferier")
@role_required(Role.PUF)
def add_holiday() -> Any:
    """Add a school holiday period."""
    form = NewHolidayForm()
    if not form.validate_on_submit():
        return _page(holiday_form=form)
    if not claim_submission(form, current_user):
        db.session.rollback()
        flash(_("Formularen var allerede sendt, så ferien er kun gemt én gang."), "info")
        return redirect(url_for("puf.reminders") + "#ferier")
    try:
        period = _save(None, form)
    except CycleRefused as error:
        _refused_on(form.name, error)
        return _page(holiday_form=form)
    db.session.commit()
    flash(_("Ferien »%(name)s« er gemt.", name=period.name), "success")
    return redirect(url_for("puf.reminders") + "#ferier")


def _save(period: HolidayPeriod | None, form: HolidayForm) -> HolidayPeriod:
    assert form.first_day.data is not None and form.last_day.data is not None  # validated
    return calendar.save_holiday(
        period, form.name.data or "", form.first_day.data, form.last_day.data
    )


def _holiday_or_404(holiday_id: int) -> HolidayPeriod:
    period = db.session.get(HolidayPeriod, holiday_id)
    if period is None:
        abort(404)
    return period


def _holiday_fingerprint(period: HolidayPeriod) -> str:
    return fingerprint(period.name, period.first_day, period.last_day)


@bp.route("/paamindelser/ferier/<int:holiday_id>", methods=["GET", "POST"])
@role_required(Role.PUF)
def edit_holiday(holiday_id: int) -> Any:
    """Change a holiday period's name or days."""
    period = _holiday_or_404(holiday_id)
    form = EditHolidayForm()
    if request.method == "GET":
        form.name.data, form.first_day.data = period.name, period.first_day
        form.last_day.data = period.last_day
        form.baseline.data = _holiday_fingerprint(period)
    if form.validate_on_submit() and not is_stale(form, _holiday_fingerprint(locked(period))):
        try:
            _save(period, form)
        except CycleRefused as error:
            _refused_on(form.name, error)
        else:
            db.session.commit()
            flash(_("Ferien »%(name)s« er gemt.", name=period.name), "success")
            return redirect(url_for("puf.reminders") + "#ferier")
    page = render_template("puf/holiday_form.html", form=form, period=period)
    if form.baseline.errors:
        return page, 409
    return page, 400 if form.errors else 200


@bp.post("/paamindelser/ferier/<int:holiday_id>/slet")
@role_required(Role.PUF)
def delete_holiday(holiday_id: int) -> Response:
    """Delete a holiday period (the audit log keeps what it was)."""
    period = _holiday_or_404(holiday_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    name = period.name
    calendar.delete_holiday(period, current_user)
    db.session.commit()
    flash(_("Ferien »%(name)s« er slettet.", name=name), "success")
    return redirect(url_for("puf.reminders") + "#ferier")
