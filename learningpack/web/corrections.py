"""Deleting a record, shared by the teacher's and the school's pages: a confirmation page with
one button (POST, CSRF), then back where the user came from with a message."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template
from flask_login import current_user
from wtforms import HiddenField
from wtforms.validators import AnyOf, InputRequired

from learningpack.domain.corrections import delete_record
from learningpack.domain.cycle import ensure_open
from learningpack.domain.record_audit import Record, cycle_of
from learningpack.domain.refusals import CycleRefused
from learningpack.extensions import db
from learningpack.web.forms import Form
from learningpack.web.refusals import flash_refused


class DeleteForm(Form):
    """The confirmation: CSRF and a hidden "yes", so a bare POST deletes nothing."""

    confirm = HiddenField(default="ja", validators=[InputRequired(), AnyOf(["ja"])])


def confirm_delete(found: Record, *, heading: str, what: str, back: str, done: str) -> Any:
    """The confirmation page (GET) and the delete (POST); a closed module goes back with why."""
    try:
        ensure_open(cycle_of(found))
    except CycleRefused as error:
        flash_refused(error)
        return redirect(back)
    form = DeleteForm()
    if form.validate_on_submit():
        try:
            delete_record(found, actor=current_user)
        except CycleRefused as error:
            flash_refused(error)
            return redirect(back)
        db.session.commit()
        flash(done, "success")
        return redirect(back)
    page = render_template(
        "layouts/confirm_delete.html", form=form, heading=heading, what=what, back=back
    )
    return page, 400 if form.errors else 200
