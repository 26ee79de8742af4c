"""Recording inside an open module: meetings, actions, follow-ups, the summary and the
school's local adaptation. Each view parses its form, asks the domain and commits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from learningpack.content import module_of, split_action_suggestion
from learningpack.domain import records
from learningpack.domain.access import can_facilitate
from learningpack.domain.cycle import ensure_open
from learningpack.domain.dates import school_year
from learningpack.domain.refusals import CycleRefused
from learningpack.domain.submissions import claim_submission, locked
from learningpack.extensions import db
from learningpack.models import Action, Cycle, MeetingKind, Outcome, Role, Team, User
from learningpack.reads.cycles import school_staff
from learningpack.school import bp
from learningpack.school.forms import (
    ActionForm,
    FollowUpForm,
    LocalAdaptationForm,
    MeetingForm,
    SummaryForm,
    action_fingerprint,
    adaptation_fingerprint,
    follow_up_fingerprint,
    summary_fingerprint,
)
from learningpack.school.routes import leader_cycle, to_module
from learningpack.web.access import action_or_404, require, role_required
from learningpack.web.forms import is_stale
from learningpack.web.refusals import flash_refused


def _apply(
    change: Callable[[], object], done: str, target: Response, once: FlaskForm | None = None
) -> Response | None:
    """Run a rule; on success commit, confirm and go on; on refusal say why and stay.

    With ``once``, the form's one-time token is claimed in the same transaction, so the same
    form sent twice is saved once (the second time just goes on, with a note).
    """
    if once is not None and not claim_submission(once, current_user):
        db.session.rollback()
        flash(_("Formularen var allerede sendt, så den er kun gemt én gang."), "info")
        return target
    try:
        change()
    except CycleRefused as error:
        flash_refused(error)
        return None
    db.session.commit()
    flash(done, "success")
    return target


def _form_page(template: str, form: FlaskForm, cycle: Cycle, **context: Any) -> tuple[str, int]:
    """A form page; 400 when it comes back with errors, 409 when someone else saved first
    (the user's input is kept either way)."""
    page = render_template(template, form=form, cycle=cycle, module=module_of(cycle), **context)
    baseline = getattr(form, "baseline", None)
    if baseline is not None and baseline.errors:
        return page, 409
    return page, 400 if form.errors else 200


def _closed(cycle: Cycle) -> Response | None:
    """Back to the module, with the domain's refusal, when it is not open for recording."""
    try:
        ensure_open(cycle)
    except CycleRefused as error:
        flash_refused(error)
        return to_module(cycle)
    return None


@bp.route("/modul/<slug>/moede", methods=["GET", "POST"])
@role_required(Role.LEADER)
def new_meeting(slug: str) -> Any:
    """Record a staff session held in the module."""
    cycle = leader_cycle(slug)
    if (back := _closed(cycle)) is not None:
        return back
    form = MeetingForm()
    if request.method == "GET":
        form.kind.data = MeetingKind.FOLLOW_UP.value if cycle.actions else MeetingKind.INPUT.value
    if form.validate_on_submit():
        done = _apply(
            lambda: records.record_meeting(
                cycle,
                held_on=form.held_on.data,
                kind=MeetingKind(form.kind.data),
                participants=form.participants.data or "",
                notes=form.notes.data or "",
                decisions=form.decisions.data or "",
                facilitator=current_user,
            ),
            _("Mødet er registreret."),
            to_module(cycle, "moeder"),
            once=form,
        )
        if done:
            return done
    return _form_page("school/meeting_form.html", form, cycle)


def _action_form(
    cycle: Cycle, action: Action | None = None
) -> tuple[ActionForm, dict[str, Team], dict[int, User]]:
    """The action form with the school's teams and staff as choices, filled from an action."""
    teams, staff = school_staff(cycle.run.school_id)
    year = school_year(cycle.run)
    form = (
        ActionForm(obj=action, school_year=year)
        if action is not None and request.method == "GET"
        else ActionForm(school_year=year)
    )
    form.set_choices(teams, staff)
    if action is not None and request.method == "GET":
        form.team_id.data = str(action.team_id or "")
        form.owner_ids.data = [u.id for u in action.owners]
        form.observer_id.data = str(action.observer_id or "")
    return form, {str(t.id): t for t in teams}, {u.id: u for u in staff}


def _action_values(
    form: ActionForm, teams: dict[str, Team], staff: dict[int, User]
) -> dict[str, Any]:
    """The action's description as the domain takes it."""
    return {
        "title": form.title.data or "",
        "what": form.what.data or "",
        "expectation": form.expectation.data or "",
        "how_notice": form.how_notice.data or "",
        "team": teams.get(form.team_id.data or ""),
        "owners": [staff[i] for i in form.owner_ids.data or [] if i in staff],
        "observer": staff.get(int(form.observer_id.data)) if form.observer_id.data else None,
        "observation_focus": form.observation_focus.data or "",
        "period_start": form.period_start.data,
        "period_end": form.period_end.data,
    }


@bp.route("/modul/<slug>/aktion", methods=["GET", "POST"])
@role_required(Role.LEADER)
def new_action(slug: str) -> Any:
    """Agree a new action: what, why, how we notice, who, when."""
    cycle = leader_cycle(slug)
    if (back := _closed(cycle)) is not None:
        return back
    form, teams, staff = _action_form(cycle)
    team = request.args.get("team", "")
    if request.method == "GET" and team in teams:
        form.team_id.data = team
    suggestion = request.args.get("forslag", "")
    # ASCII digits, short: "²".isdigit() is true and int() of 5,000 digits raises.
    if request.method == "GET" and suggestion.isascii() and suggestion.isdigit():
        suggestions = module_of(cycle).action_suggestions
        index = int(suggestion[:4])
        if index < len(suggestions):
            for name, value in split_action_suggestion(suggestions[index]).items():
                form[name].data = value
    if form.validate_on_submit():
        done = _apply(
            lambda: records.agree_action(
                cycle, actor=current_user, **_action_values(form, teams, staff)
            ),
            _("Aktionen er aftalt."),
            to_module(cycle, "aktioner"),
            once=form,
        )
        if done:
            return done
    return _form_page("school/action_form.html", form, cycle, action=None)


def _leader_action(action_id: int) -> Action:
    action = action_or_404(current_user, action_id)
    require(can_facilitate(current_user, action.cycle.run.school_id))
    return action


@bp.route("/aktion/<int:action_id>/rediger", methods=["GET", "POST"])
@role_required(Role.LEADER)
def edit_action(action_id: int) -> Any:
    """Change an agreed action while its module is open."""
    action = _leader_action(action_id)
    if (back := _closed(action.cycle)) is not None:
        return back
    form, teams, staff = _action_form(action.cycle, action)
    if request.method == "GET":
        form.baseline.data = action_fingerprint(action)
    if form.validate_on_submit() and not is_stale(form, action_fingerprint(locked(action))):
        done = _apply(
            lambda: records.update_action(
                action, actor=current_user, **_action_values(form, teams, staff)
            ),
            _("Aktionen er gemt."),
            to_module(action.cycle, f"aktion-{action.id}"),
        )
        if done:
            return done
    return _form_page("school/action_form.html", form, action.cycle, action=action)


@bp.route("/aktion/<int:action_id>/opsamling", methods=["GET", "POST"])
@role_required(Role.LEADER)
def follow_up(action_id: int) -> Any:
    """Record the follow-up of one action: keep, adjust or stop, and what we learned."""
    action = _leader_action(action_id)
    if (back := _closed(action.cycle)) is not None:
        return back
    existing = action.follow_up
    form = FollowUpForm(obj=existing) if request.method == "GET" and existing else FollowUpForm()
    if request.method == "GET":
        form.baseline.data = follow_up_fingerprint(action)
    if form.validate_on_submit() and not is_stale(form, follow_up_fingerprint(locked(action))):
        done = _apply(
            lambda: records.record_follow_up(
                action,
                outcome=Outcome(form.outcome.data),
                learning=form.learning.data or "",
                fit=form.fit.data or "",
                actor=current_user,
            ),
            _("Opsamlingen på aktionen er gemt."),
            to_module(action.cycle, f"aktion-{action.id}"),
        )
        if done:
            return done
    return _form_page("school/follow_up_form.html", form, action.cycle, action=action)


@bp.route("/modul/<slug>/opsamling", methods=["GET", "POST"])
@role_required(Role.LEADER)
def summary(slug: str) -> Any:
    """The module's summary: what we learned, what we keep, next steps."""
    cycle = leader_cycle(slug)
    if (back := _closed(cycle)) is not None:
        return back
    form = SummaryForm()
    if request.method == "GET":
        form.learned.data = cycle.summary_learned
        form.keep.data = cycle.summary_keep
        form.next_steps.data = cycle.summary_next
        form.baseline.data = summary_fingerprint(cycle)
    if form.validate_on_submit() and not is_stale(form, summary_fingerprint(locked(cycle))):
        done = _apply(
            lambda: records.save_summary(
                cycle,
                learned=form.learned.data or "",
                keep=form.keep.data or "",
                next_steps=form.next_steps.data or "",
            ),
            _("Modulets opsamling er gemt."),
            to_module(cycle, "opsamling"),
        )
        if done:
            return done
    return _form_page("school/summary_form.html", form, cycle)


@bp.route("/modul/<slug>/tilpasning", methods=["GET", "POST"])
@role_required(Role.LEADER)
def adaptation(slug: str) -> Any:
    """The school's own notes and discussion questions for the module."""
    cycle = leader_cycle(slug)
    if (back := _closed(cycle)) is not None:
        return back
    form = LocalAdaptationForm()
    if request.method == "GET":
        form.notes.data = cycle.local_notes
        form.questions.data = cycle.local_questions
        form.baseline.data = adaptation_fingerprint(cycle)
    if form.validate_on_submit() and not is_stale(form, adaptation_fingerprint(locked(cycle))):
        done = _apply(
            lambda: records.save_local_adaptation(
                cycle, notes=form.notes.data or "", questions=form.questions.data or ""
            ),
            _("Skolens lokale tilpasning er gemt."),
            to_module(cycle, "lokalt"),
        )
        if done:
            return done
    return _form_page("school/adaptation_form.html", form, cycle)
