"""Correcting and deleting what the school recorded in an open module: meetings (edit,
delete), actions, follow-ups, team questions and reflections (delete; their edit pages are the
forms they were written with). Each view parses its form, asks the domain and commits."""

from __future__ import annotations

from typing import Any

from flask import request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from learningpack.domain.corrections import edit_meeting, may_delete
from learningpack.domain.record_audit import Record, cycle_of
from learningpack.domain.submissions import locked
from learningpack.models import Cycle, Meeting, MeetingKind, Reflection, Role, TeamQuestion
from learningpack.school import bp
from learningpack.school.actions import _apply, _closed, _form_page, _leader_action
from learningpack.school.forms import MeetingEditForm, meeting_fingerprint
from learningpack.school.routes import to_module
from learningpack.web.access import not_found, record_or_404, require, role_required
from learningpack.web.corrections import confirm_delete
from learningpack.web.forms import is_stale
from learningpack.web.templating import datefmt


def _leader_record(model: Any, record_id: int) -> Any:
    found = record_or_404(current_user, model, record_id)
    require(may_delete(current_user, found))
    return found


def _module_url(cycle: Cycle, anchor: str) -> str:
    return url_for("school.module", slug=cycle.module_slug) + f"#{anchor}"


@bp.route("/moede/<int:meeting_id>/rediger", methods=["GET", "POST"])
@role_required(Role.LEADER)
def edit_meeting_page(meeting_id: int) -> Any:
    """Correct a meeting while its module is open."""
    meeting: Meeting = _leader_record(Meeting, meeting_id)
    cycle = meeting.cycle
    if (back := _closed(cycle)) is not None:
        return back
    form = MeetingEditForm(obj=meeting) if request.method == "GET" else MeetingEditForm()
    if request.method == "GET":
        form.kind.data = str(meeting.kind)
        form.baseline.data = meeting_fingerprint(meeting)
    if form.validate_on_submit() and not is_stale(form, meeting_fingerprint(locked(meeting))):
        done = _apply(
            lambda: edit_meeting(
                meeting,
                actor=current_user,
                held_on=form.held_on.data,
                kind=MeetingKind(form.kind.data),
                participants=form.participants.data or "",
                notes=form.notes.data or "",
                decisions=form.decisions.data or "",
            ),
            _("Mødet er rettet."),
            to_module(cycle, f"moede-{meeting.id}"),
        )
        if done:
            return done
    return _form_page("school/meeting_form.html", form, cycle, meeting=meeting)


def _delete(found: Record, heading: str, what: str, anchor: str, done: str) -> Any:
    back = _module_url(cycle_of(found), anchor)
    return confirm_delete(found, heading=heading, what=what, back=back, done=done)


@bp.route("/moede/<int:meeting_id>/slet", methods=["GET", "POST"])
@role_required(Role.LEADER)
def delete_meeting(meeting_id: int) -> Any:
    meeting: Meeting = _leader_record(Meeting, meeting_id)
    return _delete(
        meeting,
        _("Slet mødet?"),
        _("Mødet den %(date)s.", date=datefmt(meeting.held_on)),
        "moeder",
        _("Mødet er slettet."),
    )


@bp.route("/aktion/<int:action_id>/slet", methods=["GET", "POST"])
@role_required(Role.LEADER)
def delete_action(action_id: int) -> Any:
    """Delete an action, with its log entries and follow-up."""
    action = _leader_action(action_id)
    return _delete(
        action,
        _("Slet aktionen?"),
        _("»%(title)s« med dens logninger og opsamling.", title=action.title),
        "aktioner",
        _("Aktionen er slettet."),
    )


@bp.route("/aktion/<int:action_id>/opsamling/slet", methods=["GET", "POST"])
@role_required(Role.LEADER)
def delete_follow_up(action_id: int) -> Any:
    action = _leader_action(action_id)
    if action.follow_up is None:
        not_found()
    return _delete(
        action.follow_up,
        _("Slet opsamlingen?"),
        _("Opsamlingen på »%(title)s«.", title=action.title),
        f"aktion-{action.id}",
        _("Opsamlingen er slettet."),
    )


@bp.route("/undring/<int:question_id>/slet", methods=["GET", "POST"])
@role_required(Role.LEADER)
def delete_question(question_id: int) -> Any:
    question: TeamQuestion = _leader_record(TeamQuestion, question_id)
    return _delete(
        question,
        _("Slet undringen?"),
        _("Undringen fra %(team)s.", team=question.team.name),
        f"undring-{question.team_id}",
        _("Undringen er slettet."),
    )


@bp.route("/refleksion/<int:reflection_id>/slet", methods=["GET", "POST"])
@role_required(Role.LEADER)
def delete_reflection(reflection_id: int) -> Any:
    reflection: Reflection = _leader_record(Reflection, reflection_id)
    return _delete(
        reflection,
        _("Slet refleksionen?"),
        _(
            "Refleksionen i %(team)s den %(date)s.",
            team=reflection.team.name,
            date=datefmt(reflection.held_on),
        ),
        f"refleksion-{reflection.team_id}",
        _("Refleksionen er slettet."),
    )
