"""Correcting what one wrote: one's own log entries (edit, delete) and the texts of an action
one carries out. Each view parses its form, asks the domain and commits."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from learningpack.content import module_of
from learningpack.domain.corrections import (
    edit_action_text,
    edit_log_entry,
    may_delete,
    may_edit,
    may_edit_action_text,
)
from learningpack.domain.cycle import ensure_open
from learningpack.domain.refusals import CycleRefused
from learningpack.domain.submissions import locked
from learningpack.extensions import db
from learningpack.models import Cycle, LogEntry, LogKind, Role
from learningpack.teacher import bp
from learningpack.teacher.forms import (
    ActionTextForm,
    LogEntryEditForm,
    ObservationEditForm,
    action_text_fingerprint,
    log_entry_fingerprint,
)
from learningpack.web.access import action_or_404, record_or_404, require, role_required
from learningpack.web.corrections import confirm_delete
from learningpack.web.forms import is_stale
from learningpack.web.refusals import flash_refused
from learningpack.web.templating import datefmt


def _back(action_id: int) -> str:
    return url_for("teacher.my_actions_page") + f"#aktion-{action_id}"


def _closed(cycle: Cycle, back: str) -> Response | None:
    try:
        ensure_open(cycle)
    except CycleRefused as error:
        flash_refused(error)
        return redirect(back)
    return None


def _saved(change: Any, done: str, back: str) -> Response | None:
    try:
        change()
    except CycleRefused as error:
        flash_refused(error)
        return None
    db.session.commit()
    flash(done, "success")
    return redirect(back)


def _status(page: str, form: Any) -> tuple[str, int]:
    return page, 409 if form.baseline.errors else 400 if form.errors else 200


@bp.route("/logning/<int:entry_id>/rediger", methods=["GET", "POST"])
@role_required(Role.TEACHER, Role.LEADER)
def edit_log(entry_id: int) -> Any:
    """Correct one's own log entry while its module is open."""
    entry = record_or_404(current_user, LogEntry, entry_id)
    require(may_edit(current_user, entry))
    action, back = entry.action, _back(entry.action_id)
    if (closed := _closed(action.cycle, back)) is not None:
        return closed
    observes = entry.kind == LogKind.OBSERVATION
    form_class = ObservationEditForm if observes else LogEntryEditForm
    form = form_class(obj=entry) if request.method == "GET" else form_class()
    if request.method == "GET":
        form.baseline.data = log_entry_fingerprint(entry)
    if form.validate_on_submit() and not is_stale(form, log_entry_fingerprint(locked(entry))):
        done = _saved(
            lambda: edit_log_entry(
                entry,
                actor=current_user,
                happened_on=form.happened_on.data,
                text=form.text.data or "",
                observation=form.observation.data or "",
            ),
            _("Logindlægget er rettet."),
            back,
        )
        if done:
            return done
    page = render_template(
        "teacher/log_form.html",
        form=form,
        action=action,
        module=module_of(action.cycle),
        observes=observes,
        editing=True,
    )
    return _status(page, form)


@bp.route("/logning/<int:entry_id>/slet", methods=["GET", "POST"])
@role_required(Role.TEACHER, Role.LEADER)
def delete_log(entry_id: int) -> Any:
    """Delete one's own log entry (after a confirmation)."""
    entry = record_or_404(current_user, LogEntry, entry_id)
    require(may_delete(current_user, entry))
    return confirm_delete(
        entry,
        heading=_("Slet logindlægget?"),
        what=_(
            "Logindlægget fra %(date)s på »%(title)s«.",
            date=datefmt(entry.happened_on),
            title=entry.action.title,
        ),
        back=_back(entry.action_id),
        done=_("Logindlægget er slettet."),
    )


@bp.route("/<int:action_id>/rediger", methods=["GET", "POST"])
@role_required(Role.TEACHER, Role.LEADER)
def edit_action_texts(action_id: int) -> Any:
    """Correct what an action one carries out says (who and when stay the leader's)."""
    action = action_or_404(current_user, action_id)
    require(may_edit_action_text(current_user, action))
    back = _back(action.id)
    if (closed := _closed(action.cycle, back)) is not None:
        return closed
    form = ActionTextForm(obj=action) if request.method == "GET" else ActionTextForm()
    if request.method == "GET":
        form.baseline.data = action_text_fingerprint(action)
    if form.validate_on_submit() and not is_stale(form, action_text_fingerprint(locked(action))):
        done = _saved(
            lambda: edit_action_text(
                action,
                actor=current_user,
                title=form.title.data or "",
                what=form.what.data or "",
                expectation=form.expectation.data or "",
                how_notice=form.how_notice.data or "",
            ),
            _("Aktionen er rettet."),
            back,
        )
        if done:
            return done
    page = render_template(
        "school/action_form.html",
        form=form,
        cycle=action.cycle,
        module=module_of(action.cycle),
        action=action,
        back=back,
    )
    return _status(page, form)
