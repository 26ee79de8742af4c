"""The leader's facilitation of the package at their school (teachers read along)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from learningpack.content import (
    default_package,
    get_library,
    module_of,
    package_of,
    split_action_suggestion,
)
from learningpack.domain import cycle as rules
from learningpack.domain.access import can_facilitate
from learningpack.domain.submissions import claim_submission, locked
from learningpack.extensions import db
from learningpack.models import Action, Cycle, CycleState, MeetingKind, Outcome, Role, School, User
from learningpack.reads.cycles import current_run, school_staff
from learningpack.school import bp
from learningpack.school.forms import (
    ActionForm,
    FollowUpForm,
    LocalAdaptationForm,
    MeetingForm,
    StartRunForm,
    SummaryForm,
    action_fingerprint,
    adaptation_fingerprint,
    follow_up_fingerprint,
    summary_fingerprint,
)
from learningpack.web.access import action_or_404, cycle_or_404, require, role_required
from learningpack.web.forms import ConfirmForm, is_stale
from learningpack.web.school_pages import module_page

STAFF = (Role.LEADER, Role.TEACHER)


def school_overview(
    school: School, viewer: User, start_form: StartRunForm | None = None
) -> tuple[str, int]:
    """The school's run with every module's state (shared by the school's staff and PUF)."""
    run = current_run(school.id)
    package = get_library().package(run.package_slug) if run else default_package()
    rows = []
    if run is not None:
        for cycle in run.cycles:
            rows.append(
                (cycle, package.module(cycle.module_slug), rules.lock_reason(cycle, package))
            )
    may_start = rules.may_start_run(run) and can_facilitate(viewer, school.id)
    form = (start_form or StartRunForm()) if may_start else None
    page = render_template(
        "school/school.html",
        run=run,
        package=package,
        rows=rows,
        school=school,
        start_form=form,
    )
    return page, 400 if form is not None and form.errors else 200


def _my_cycle(slug: str) -> Cycle:
    return cycle_or_404(current_user, current_user.school_id, slug)


def _leader_cycle(slug: str) -> Cycle:
    cycle = _my_cycle(slug)
    require(can_facilitate(current_user, cycle.run.school_id))
    return cycle


def _to_module(cycle: Cycle, anchor: str = "") -> Response:
    target = url_for("school.module", slug=cycle.module_slug)
    return redirect(f"{target}#{anchor}" if anchor else target)


def _refused(error: rules.CycleRefused) -> None:
    db.session.rollback()
    for reason in error.reasons:
        flash(reason, "error")


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
    except rules.CycleRefused as error:
        _refused(error)
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


def _not_open(cycle: Cycle) -> Response | None:
    """Send the user back to the module when it is not open for recording."""
    if cycle.state != CycleState.ACTIVE:
        flash(_("Modulet er ikke åbent, så der kan ikke registreres noget i det."), "error")
        return _to_module(cycle)
    return None


@bp.get("/")
@role_required(*STAFF)
def home() -> tuple[str, int]:
    """The school's run: every module with its state, and why a locked one is locked."""
    return school_overview(current_user.school, current_user)


@bp.post("/start")
@role_required(Role.LEADER)
def start() -> Any:
    """Start the school's run of the package: module 1 opens."""
    running = current_run(current_user.school_id)
    if not rules.may_start_run(running):  # e.g. a stale second tab
        flash(_("Skolen har allerede et forløb i gang med denne pakke."), "info")
        return redirect(url_for("school.home"))
    form = StartRunForm()
    if not form.validate_on_submit():
        return school_overview(current_user.school, current_user, form)
    if not claim_submission(form, current_user):
        db.session.rollback()
        flash(_("Formularen var allerede sendt, så den er kun gemt én gang."), "info")
        return redirect(url_for("school.home"))
    try:
        rules.start_run(
            current_user.school_id, default_package(), form.year_label.data or "", current_user
        )
    except rules.CycleRefused as error:
        _refused(error)
        return redirect(url_for("school.home"))
    db.session.commit()
    flash(_("Forløbet er startet. Modul 1 er åbent."), "success")
    return redirect(url_for("school.module", slug=default_package().first_module.slug))


@bp.get("/modul/<slug>")
@role_required(*STAFF)
def module(slug: str) -> Any:
    """One module of the school's run."""
    return module_page(current_user.school, _my_cycle(slug), current_user)


@bp.route("/modul/<slug>/moede", methods=["GET", "POST"])
@role_required(Role.LEADER)
def new_meeting(slug: str) -> Any:
    """Record a staff session held in the module."""
    cycle = _leader_cycle(slug)
    if (back := _not_open(cycle)) is not None:
        return back
    form = MeetingForm()
    if request.method == "GET":
        form.kind.data = MeetingKind.FOLLOW_UP.value if cycle.actions else MeetingKind.INPUT.value
    if form.validate_on_submit():
        done = _apply(
            lambda: rules.record_meeting(
                cycle,
                held_on=form.held_on.data,
                kind=MeetingKind(form.kind.data),
                participants=form.participants.data or "",
                notes=form.notes.data or "",
                decisions=form.decisions.data or "",
                facilitator=current_user,
            ),
            _("Mødet er registreret."),
            _to_module(cycle, "moeder"),
            once=form,
        )
        if done:
            return done
    return _form_page("school/meeting_form.html", form, cycle)


def _action_form(cycle: Cycle, action: Action | None = None) -> tuple[ActionForm, dict, dict]:
    teams, staff = school_staff(cycle.run.school_id)
    form = (
        ActionForm(obj=action) if action is not None and request.method == "GET" else ActionForm()
    )
    form.set_choices(teams, staff)
    if action is not None and request.method == "GET":
        form.team_id.data = str(action.team_id or "")
        form.owner_ids.data = [u.id for u in action.owners]
    return form, {str(t.id): t for t in teams}, {u.id: u for u in staff}


def _action_values(form: ActionForm, teams: dict, staff: dict) -> dict[str, Any]:
    return {
        "title": form.title.data or "",
        "what": form.what.data or "",
        "expectation": form.expectation.data or "",
        "how_notice": form.how_notice.data or "",
        "team": teams.get(form.team_id.data or ""),
        "owners": [staff[i] for i in form.owner_ids.data or [] if i in staff],
        "period_start": form.period_start.data,
        "period_end": form.period_end.data,
    }


@bp.route("/modul/<slug>/aktion", methods=["GET", "POST"])
@role_required(Role.LEADER)
def new_action(slug: str) -> Any:
    """Agree a new action: what, why, how we notice, who, when."""
    cycle = _leader_cycle(slug)
    if (back := _not_open(cycle)) is not None:
        return back
    form, teams, staff = _action_form(cycle)
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
            lambda: rules.agree_action(
                cycle, actor=current_user, **_action_values(form, teams, staff)
            ),
            _("Aktionen er aftalt."),
            _to_module(cycle, "aktioner"),
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
    if (back := _not_open(action.cycle)) is not None:
        return back
    form, teams, staff = _action_form(action.cycle, action)
    if request.method == "GET":
        form.baseline.data = action_fingerprint(action)
    if form.validate_on_submit() and not is_stale(form, action_fingerprint(locked(action))):
        done = _apply(
            lambda: rules.update_action(action, **_action_values(form, teams, staff)),
            _("Aktionen er gemt."),
            _to_module(action.cycle, f"aktion-{action.id}"),
        )
        if done:
            return done
    return _form_page("school/action_form.html", form, action.cycle, action=action)


@bp.route("/aktion/<int:action_id>/opsamling", methods=["GET", "POST"])
@role_required(Role.LEADER)
def follow_up(action_id: int) -> Any:
    """Record the follow-up of one action: keep, adjust or stop, and what we learned."""
    action = _leader_action(action_id)
    if (back := _not_open(action.cycle)) is not None:
        return back
    existing = action.follow_up
    form = FollowUpForm(obj=existing) if request.method == "GET" and existing else FollowUpForm()
    if request.method == "GET":
        form.baseline.data = follow_up_fingerprint(action)
    if form.validate_on_submit() and not is_stale(form, follow_up_fingerprint(locked(action))):
        done = _apply(
            lambda: rules.record_follow_up(
                action,
                outcome=Outcome(form.outcome.data),
                learning=form.learning.data or "",
                actor=current_user,
            ),
            _("Opsamlingen på aktionen er gemt."),
            _to_module(action.cycle, f"aktion-{action.id}"),
        )
        if done:
            return done
    return _form_page("school/follow_up_form.html", form, action.cycle, action=action)


@bp.route("/modul/<slug>/opsamling", methods=["GET", "POST"])
@role_required(Role.LEADER)
def summary(slug: str) -> Any:
    """The module's summary: what we learned, what we keep, next steps."""
    cycle = _leader_cycle(slug)
    if (back := _not_open(cycle)) is not None:
        return back
    form = SummaryForm()
    if request.method == "GET":
        form.learned.data = cycle.summary_learned
        form.keep.data = cycle.summary_keep
        form.next_steps.data = cycle.summary_next
        form.baseline.data = summary_fingerprint(cycle)
    if form.validate_on_submit() and not is_stale(form, summary_fingerprint(locked(cycle))):
        done = _apply(
            lambda: rules.save_summary(
                cycle,
                learned=form.learned.data or "",
                keep=form.keep.data or "",
                next_steps=form.next_steps.data or "",
            ),
            _("Modulets opsamling er gemt."),
            _to_module(cycle, "opsamling"),
        )
        if done:
            return done
    return _form_page("school/summary_form.html", form, cycle)


@bp.route("/modul/<slug>/tilpasning", methods=["GET", "POST"])
@role_required(Role.LEADER)
def adaptation(slug: str) -> Any:
    """The school's own notes and discussion questions for the module."""
    cycle = _leader_cycle(slug)
    if (back := _not_open(cycle)) is not None:
        return back
    form = LocalAdaptationForm()
    if request.method == "GET":
        form.notes.data = cycle.local_notes
        form.questions.data = cycle.local_questions
        form.baseline.data = adaptation_fingerprint(cycle)
    if form.validate_on_submit() and not is_stale(form, adaptation_fingerprint(locked(cycle))):
        done = _apply(
            lambda: rules.save_local_adaptation(
                cycle, notes=form.notes.data or "", questions=form.questions.data or ""
            ),
            _("Skolens lokale tilpasning er gemt."),
            _to_module(cycle, "lokalt"),
        )
        if done:
            return done
    return _form_page("school/adaptation_form.html", form, cycle)


@bp.post("/modul/<slug>/afslut")
@role_required(Role.LEADER)
def complete(slug: str) -> Any:
    """Complete the module when every condition holds; the next one opens."""
    cycle = _leader_cycle(slug)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        opened = rules.complete_cycle(cycle, current_user)
    except rules.CycleRefused as error:
        db.session.rollback()
        fresh = _my_cycle(slug)
        return module_page(
            current_user.school, fresh, current_user, status=409, refusal=error.reasons
        )
    db.session.commit()
    if opened is None:
        flash(_("Modulet er afsluttet, og hele forløbet er gennemført. Tillykke!"), "success")
        return redirect(url_for("school.home"))
    title = package_of(opened).module(opened.module_slug).title
    flash(
        _(
            "Modulet er afsluttet. Næste modul er modul %(pos)d »%(title)s«.",
            pos=opened.position,
            title=title,
        ),
        "success",
    )
    return redirect(url_for("school.module", slug=opened.module_slug))


@bp.post("/modul/<slug>/genaabn")
@role_required(Role.LEADER)
def reopen(slug: str) -> Any:
    """Reopen a completed module while the next one has nothing recorded."""
    cycle = _leader_cycle(slug)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        rules.reopen_cycle(cycle, current_user)
    except rules.CycleRefused as error:
        _refused(error)
    else:
        db.session.commit()
        flash(_("Modulet er genåbnet."), "success")
    return _to_module(cycle)
