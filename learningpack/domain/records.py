"""Recording inside an open cycle: meetings, actions, log entries, follow-ups, summary, notes.

The team's question, its reflection and a second round are in ``learning.py``.

Functions here change the models and ``flush``; the caller commits. Each write refuses
(:class:`CycleRefused` with a code) when the cycle is not open (checked after ``lock_cycle``,
see ``cycle_lock.py``), when people or teams belong to
another school, and when a free text holds a CPR number. After each write the cycle's progress
columns (phase and counts) are brought up to date with the stepper's own rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import TypedDict, Unpack

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from learningpack.domain.cycle import derived_status, ensure_open, phase_of
from learningpack.domain.cycle_lock import lock_cycle
from learningpack.domain.privacy import guard_free_text
from learningpack.domain.record_audit import (
    audit_correction,
    audit_edit,
    changed_fields,
    revive,
    snapshot,
)
from learningpack.domain.refusals import refuse
from learningpack.domain.school_progress import refresh_run
from learningpack.extensions import db
from learningpack.models import (
    Action,
    ActionStatus,
    Cycle,
    FollowUp,
    LogEntry,
    LogKind,
    Meeting,
    MeetingKind,
    Outcome,
    Team,
    User,
    utcnow,
)


def _touch(cycle: Cycle) -> None:
    """After a change inside a cycle: its progress columns and last activity, brought up to date.

    The rules' relationships are loaded in one batch of SELECT-IN queries (not one query per
    action), then the phase is the stepper's own verdict, so the overview can never disagree
    with the module page.
    """
    db.session.flush()
    db.session.scalars(
        select(Cycle)
        .where(Cycle.id == cycle.id)
        .options(
            selectinload(Cycle.meetings),
            selectinload(Cycle.actions).options(
                selectinload(Action.log_entries),
                selectinload(Action.follow_up),
                selectinload(Action.owners),
            ),
            selectinload(Cycle.questions),
            selectinload(Cycle.reflections),
        )
    ).one()
    actions = cycle.actions
    for action in actions:
        action.status = derived_status(action)
    cycle.phase = phase_of(cycle)
    cycle.meeting_count = len(cycle.meetings)
    cycle.action_count = len(actions)
    cycle.done_action_count = sum(1 for a in actions if a.status == ActionStatus.DONE)
    cycle.log_entry_count = sum(len(a.log_entries) for a in actions)
    cycle.follow_up_count = sum(1 for a in actions if a.follow_up is not None)
    cycle.newest_learning_at = max(
        (a.follow_up.recorded_at for a in actions if a.follow_up and a.follow_up.learning),
        default=None,
    )
    cycle.last_activity_at = utcnow()
    refresh_run(cycle.run)


def _same_school(cycle: Cycle, teams: Iterable[Team | None], users: Iterable[User]) -> None:
    school_id = cycle.run.school_id
    if any(t is not None and t.school_id != school_id for t in teams) or any(
        u.school_id != school_id for u in users
    ):
        raise refuse("foreign_team_or_owner")


def record_meeting(
    cycle: Cycle,
    *,
    held_on: date,
    kind: MeetingKind,
    participants: str,
    notes: str,
    decisions: str,
    facilitator: User | None,
) -> Meeting:
    """Record a staff meeting held in the module."""
    lock_cycle(cycle)
    ensure_open(cycle)
    guard_free_text(participants=participants, notes=notes, decisions=decisions)
    meeting = Meeting(
        held_on=held_on,
        kind=kind,
        participants=participants.strip(),
        notes=notes.strip(),
        decisions=decisions.strip(),
        facilitator_id=facilitator.id if facilitator else None,
    )
    cycle.meetings.append(meeting)
    _touch(cycle)
    db.session.flush()
    return meeting


class ActionDescription(TypedDict):
    """What an action is, who carries it out and when."""

    title: str
    what: str
    expectation: str
    how_notice: str
    team: Team | None
    owners: Sequence[User]
    period_start: date | None
    period_end: date | None
    observer: User | None
    observation_focus: str


def _describe_action(action: Action, cycle: Cycle, description: ActionDescription) -> None:
    """Check and set what an action is, who carries it out and when."""
    team, owners = description["team"], description["owners"]
    period_start, period_end = description["period_start"], description["period_end"]
    title, what = description["title"], description["what"]
    expectation, how_notice = description["expectation"], description["how_notice"]
    lock_cycle(cycle)
    observer, focus = description["observer"], description["observation_focus"]
    ensure_open(cycle)
    _same_school(cycle, [team], [*owners, *([observer] if observer else [])])
    if team is None or cycle.question_of(team.id) is None:
        raise refuse("no_team_question")
    if observer is not None and any(o.id == observer.id for o in owners):
        raise refuse("observer_is_owner")
    if period_start and period_end and period_end < period_start:
        raise refuse("period_reversed")
    guard_free_text(
        title=title, what=what, expectation=expectation, how_notice=how_notice, focus=focus
    )
    action.title, action.what = title.strip(), what.strip()
    action.expectation, action.how_notice = expectation.strip(), how_notice.strip()
    action.team, action.owners = team, list(owners)
    action.observer, action.observation_focus = observer, focus.strip()
    action.period_start, action.period_end = period_start, period_end


def agree_action(cycle: Cycle, *, actor: User, **description: Unpack[ActionDescription]) -> Action:
    """Agree a new action in the module."""
    action = Action(created_by_id=actor.id)
    _describe_action(action, cycle, description)
    cycle.actions.append(action)
    _touch(cycle)
    db.session.flush()
    return action


def update_action(
    action: Action, *, actor: User | None = None, **description: Unpack[ActionDescription]
) -> None:
    """Change an agreed action's description while its module is open (audited by field name)."""
    lock_cycle(action.cycle)
    before, owners = snapshot(action), sorted(u.id for u in action.owners)
    _describe_action(action, action.cycle, description)
    moved = sorted(u.id for u in action.owners) != owners
    if fields := changed_fields(action, before, owners=moved):
        audit_correction("record_edited", actor, action, fields)
    _touch(action.cycle)
    db.session.flush()


def add_log_entry(
    action: Action, *, author: User, happened_on: date, text: str, observation: str
) -> LogEntry:
    """A teacher logs what happened when the action was tried: the observer's entry is an
    observation, anyone else's what they did."""
    lock_cycle(action.cycle)
    ensure_open(action.cycle)
    if author.school_id != action.cycle.run.school_id:
        raise refuse("foreign_author")
    guard_free_text(text=text, observation=observation)
    entry = LogEntry(
        author_id=author.id,
        happened_on=happened_on,
        text=text.strip(),
        observation=observation.strip(),
        kind=LogKind.OBSERVATION if author.id == action.observer_id else LogKind.DID,
    )
    action.log_entries.append(entry)
    _touch(action.cycle)
    db.session.flush()
    return entry


def record_follow_up(
    action: Action, *, outcome: Outcome, learning: str, fit: str, actor: User
) -> FollowUp:
    """Record (or revise) the follow-up of one action, with how what we saw fits what we
    expected (required)."""
    lock_cycle(action.cycle)
    ensure_open(action.cycle)
    if not fit.strip():
        raise refuse("fit_missing")
    guard_free_text(learning=learning, fit=fit)
    before = snapshot(action.follow_up)
    follow_up = action.follow_up or revive(FollowUp, action_id=action.id) or FollowUp(action=action)
    db.session.add(follow_up)
    follow_up.outcome = outcome
    follow_up.learning = learning.strip()
    follow_up.fit = fit.strip()
    follow_up.recorded_by_id = actor.id
    follow_up.recorded_at = utcnow()
    audit_edit(actor, follow_up, before)
    _touch(action.cycle)
    db.session.flush()
    return follow_up


def save_summary(cycle: Cycle, *, learned: str, keep: str, next_steps: str) -> None:
    """Save the module's summary: what we learned, what we keep, next steps."""
    lock_cycle(cycle)
    ensure_open(cycle)
    guard_free_text(learned=learned, keep=keep, next_steps=next_steps)
    cycle.summary_learned, cycle.summary_keep = learned.strip(), keep.strip()
    cycle.summary_next = next_steps.strip()
    _touch(cycle)
    db.session.flush()


def save_local_adaptation(cycle: Cycle, *, notes: str, questions: str) -> None:
    """The school's own notes and discussion questions for a module (lokal tilpasning)."""
    lock_cycle(cycle)
    ensure_open(cycle)
    guard_free_text(notes=notes, questions=questions)
    cycle.local_notes, cycle.local_questions = notes.strip(), questions.strip()
    _touch(cycle)
    db.session.flush()
