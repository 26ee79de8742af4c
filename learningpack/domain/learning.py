"""The action-learning records around the actions (DESIGN §3): each team's question in a module,
its reflective conversation, and a second round of an action that the reflection adjusts.

Like ``records.py`` these change the models and ``flush``; the caller commits. Each refuses
(:class:`CycleRefused` with a code) when the module is not open, when a team belongs to another
school, and when a free text holds a CPR number.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from learningpack.domain.cycle import ensure_open
from learningpack.domain.cycle_lock import lock_cycle
from learningpack.domain.privacy import guard_free_text
from learningpack.domain.record_audit import audit_edit, revive, snapshot
from learningpack.domain.records import _same_school, _touch
from learningpack.domain.refusals import refuse
from learningpack.extensions import db
from learningpack.models import Action, Cycle, Outcome, Reflection, Team, TeamQuestion, User, utcnow


def save_question(
    cycle: Cycle, *, team: Team, question: str, baseline: str, actor: User
) -> TeamQuestion:
    """State (or revise) a team's question in the module and what it sees today."""
    lock_cycle(cycle)
    ensure_open(cycle)
    _same_school(cycle, [team], [])
    if not question.strip():
        raise refuse("question_missing")
    guard_free_text(question=question, baseline=baseline)
    found = cycle.question_of(team.id)
    before = snapshot(found)
    if found is None:
        found = revive(TeamQuestion, cycle_id=cycle.id, team_id=team.id) or TeamQuestion(team=team)
        cycle.questions.append(found)
    found.question, found.baseline = question.strip(), baseline.strip()
    found.recorded_by_id, found.recorded_at = actor.id, utcnow()
    audit_edit(actor, found, before)
    _touch(cycle)
    db.session.flush()
    return found


def team_actions(cycle: Cycle, team: Team) -> list[Action]:
    """The team's actions in the module, first rounds before their second rounds."""
    return [a for a in cycle.actions if a.team_id == team.id]


def record_reflection(
    cycle: Cycle,
    *,
    team: Team,
    held_on: date,
    participants: str,
    seen: str,
    fit: str,
    change: str,
    decisions: Mapping[int, Outcome],
    actor: User,
) -> Reflection:
    """Record (or revise) a team's reflective conversation, with a decision on each action.

    ``decisions`` maps the team's action ids to keep, adjust or stop; an action of another team
    is refused, an action left out keeps its earlier decision (or none).
    """
    lock_cycle(cycle)
    ensure_open(cycle)
    _same_school(cycle, [team], [])
    actions = {a.id: a for a in team_actions(cycle, team)}
    if not actions:
        raise refuse("no_team_actions")
    if cycle.question_of(team.id) is None:
        raise refuse("no_team_question")
    if any(action_id not in actions for action_id in decisions):
        raise refuse("decision_foreign_action")
    guard_free_text(participants=participants, seen=seen, fit=fit, change=change)
    found = cycle.reflection_of(team.id)
    before = snapshot(found)
    if found is None:
        found = revive(Reflection, cycle_id=cycle.id, team_id=team.id) or Reflection(team=team)
        cycle.reflections.append(found)
    found.held_on, found.participants = held_on, participants.strip()
    found.seen, found.fit, found.change = seen.strip(), fit.strip(), change.strip()
    found.recorded_by_id, found.recorded_at = actor.id, utcnow()
    for action_id, decision in decisions.items():
        actions[action_id].reflection_decision = decision
    audit_edit(actor, found, before)
    _touch(cycle)
    db.session.flush()
    return found


def start_second_round(
    action: Action,
    *,
    actor: User,
    title: str,
    what: str,
    expectation: str,
    how_notice: str,
    observation_focus: str,
    period_start: date,
    period_end: date,
) -> Action:
    """A second round of an action the reflection decided to adjust: a new action of the same
    team, owners and observer, linked to the first, with its own period, in the same module."""
    cycle = action.cycle
    lock_cycle(cycle)
    ensure_open(cycle)
    if action.reflection_decision != Outcome.ADJUST:
        raise refuse("second_round_needs_adjust")
    if action.second_rounds:
        raise refuse("second_round_exists")
    if period_end < period_start:
        raise refuse("period_reversed")
    guard_free_text(
        title=title,
        what=what,
        expectation=expectation,
        how_notice=how_notice,
        focus=observation_focus,
    )
    second = Action(
        created_by_id=actor.id,
        title=title.strip(),
        what=what.strip(),
        expectation=expectation.strip(),
        how_notice=how_notice.strip(),
        observation_focus=observation_focus.strip(),
        period_start=period_start,
        period_end=period_end,
    )
    with db.session.no_autoflush:
        owners = list(action.owners)
        cycle.actions.append(second)
        second.parent, second.team, second.owners = action, action.team, owners
        second.observer = action.observer
    _touch(cycle)
    db.session.flush()
    return second
