"""The action-learning records a leader enters on the module page: a team's question
(undring), the team's reflective conversation, a second round of an adjusted action, and the
printable action template. Each view parses its form, asks the domain and commits."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import RadioField
from wtforms.validators import DataRequired

from learningpack.content import module_of
from learningpack.domain import learning
from learningpack.domain.dates import school_year
from learningpack.domain.submissions import locked
from learningpack.models import Action, Cycle, Outcome, Role, Team
from learningpack.output.labels import OUTCOME
from learningpack.school import bp
from learningpack.school.actions import _apply, _closed, _form_page, _leader_action
from learningpack.school.learning_forms import (
    QuestionForm,
    ReflectionForm,
    SecondRoundForm,
    question_fingerprint,
)
from learningpack.school.routes import STAFF, leader_cycle, my_cycle, to_module
from learningpack.web.access import action_or_404, require, role_required, team_or_404
from learningpack.web.forms import choices, is_stale


def _team(cycle: Cycle, team_id: int) -> Team:
    team = team_or_404(current_user, team_id)
    require(team.school_id == cycle.run.school_id)
    return team


@bp.route("/modul/<slug>/undring/<int:team_id>", methods=["GET", "POST"])
@role_required(Role.LEADER)
def question(slug: str, team_id: int) -> Any:
    """A team's question in the module (undring) and what it sees today."""
    cycle = leader_cycle(slug)
    team = _team(cycle, team_id)
    if (back := _closed(cycle)) is not None:
        return back
    form = QuestionForm()
    found = cycle.question_of(team.id)
    if request.method == "GET":
        form.baseline.data = question_fingerprint(cycle, team)
        if found is not None:
            form.question.data, form.seen_now.data = found.question, found.baseline
    if form.validate_on_submit() and not is_stale(form, question_fingerprint(locked(cycle), team)):
        done = _apply(
            lambda: learning.save_question(
                cycle,
                team=team,
                question=form.question.data or "",
                baseline=form.seen_now.data or "",
                actor=current_user,
            ),
            _("Teamets undring er gemt."),
            to_module(cycle, f"undring-{team.id}"),
        )
        if done:
            return done
    return _form_page("school/question_form.html", form, cycle, team=team)


def _reflection_form(actions: list[Action]) -> ReflectionForm:
    """The reflection form with a keep / adjust / stop choice for each of the team's actions."""

    class Form(ReflectionForm):
        pass

    for action in actions:
        setattr(
            Form,
            f"decision_{action.id}",
            RadioField(
                _l("Beslutning om »%(title)s«", title=action.title),
                choices=choices(OUTCOME),
                validators=[DataRequired(_l("Vælg fasthold, justér eller stop."))],
            ),
        )
    return Form()


@bp.route("/modul/<slug>/refleksion/<int:team_id>", methods=["GET", "POST"])
@role_required(Role.LEADER)
def reflection(slug: str, team_id: int) -> Any:
    """The team's reflective conversation on its actions, with a decision on each."""
    cycle = leader_cycle(slug)
    team = _team(cycle, team_id)
    if (back := _closed(cycle)) is not None:
        return back
    actions = learning.team_actions(cycle, team)
    form = _reflection_form(actions)
    found = cycle.reflection_of(team.id)
    if request.method == "GET":
        form.held_on.data = found.held_on if found else date.today()
        if found is not None:
            form.participants.data, form.seen.data = found.participants, found.seen
            form.fit.data, form.change.data = found.fit, found.change
        for action in actions:
            if action.reflection_decision is not None:
                form[f"decision_{action.id}"].data = str(action.reflection_decision)
    if form.validate_on_submit():
        done = _apply(
            lambda: learning.record_reflection(
                cycle,
                team=team,
                held_on=form.held_on.data,
                participants=form.participants.data or "",
                seen=form.seen.data or "",
                fit=form.fit.data or "",
                change=form.change.data or "",
                decisions={a.id: Outcome(form[f"decision_{a.id}"].data) for a in actions},
                actor=current_user,
            ),
            _("Teamets refleksion er gemt."),
            to_module(cycle, f"refleksion-{team.id}"),
        )
        if done:
            return done
    return _form_page("school/reflection_form.html", form, cycle, team=team, actions=actions)


@bp.route("/aktion/<int:action_id>/anden-runde", methods=["GET", "POST"])
@role_required(Role.LEADER)
def second_round(action_id: int) -> Any:
    """A second round of an action the reflection decided to adjust, prefilled from the first."""
    action = _leader_action(action_id)
    if (back := _closed(action.cycle)) is not None:
        return back
    form = SecondRoundForm(school_year=school_year(action.cycle.run))
    if request.method == "GET":
        form.title.data = _("%(title)s – anden runde", title=action.title)
        for name in ("what", "expectation", "how_notice", "observation_focus"):
            form[name].data = getattr(action, name)
    if form.validate_on_submit():
        done = _apply(
            lambda: learning.start_second_round(
                action,
                actor=current_user,
                title=form.title.data or "",
                what=form.what.data or "",
                expectation=form.expectation.data or "",
                how_notice=form.how_notice.data or "",
                observation_focus=form.observation_focus.data or "",
                period_start=form.period_start.data,
                period_end=form.period_end.data,
            ),
            _("Anden runde af aktionen er aftalt."),
            to_module(action.cycle, "aktioner"),
            once=form,
        )
        if done:
            return done
    return _form_page("school/second_round_form.html", form, action.cycle, action=action)


@bp.get("/aktion/<int:action_id>/skabelon")
@role_required(*STAFF)
def action_sheet(action_id: int) -> str:
    """The action template filled for one action, one printable page."""
    action = action_or_404(current_user, action_id)
    cycle = action.cycle
    return render_template(
        "school/action_sheet.html",
        cycle=cycle,
        module=module_of(cycle),
        actions=[action],
    )


@bp.get("/modul/<slug>/skabelon")
@role_required(*STAFF)
def blank_template(slug: str) -> str:
    """The module's blank action template, to print and fill in by hand."""
    cycle = my_cycle(slug)
    return render_template(
        "school/action_sheet.html",
        cycle=cycle,
        module=module_of(cycle),
        actions=[None],
    )
