"""Reading the state of a cycle (DESIGN.md §3): the stepper, what is missing, why it is locked.

A run holds one cycle per module. A cycle is ``locked``, ``active`` or ``completed``; inside
``active`` the phase is derived from what has been recorded. Nothing here changes the database:
the changes are in ``transitions.py`` (start, complete, reopen, unlock) and ``records.py``
(recording inside an open cycle). What is missing is given as :class:`Refusal` codes, worded by
``output/labels.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import and_, func, select
from sqlalchemy.sql.elements import ColumnElement

from learningpack.content import Package
from learningpack.domain.refusals import CycleRefused, Refusal, refusal, refuse
from learningpack.models import (
    Action,
    ActionStatus,
    Cycle,
    CyclePhase,
    CycleState,
    FollowUp,
    LogKind,
    Meeting,
    Outcome,
    Run,
)

__all__ = ["CycleRefused", "Refusal"]

STEPS = (
    CyclePhase.INPUT,
    CyclePhase.QUESTION,
    CyclePhase.ACTIONS,
    CyclePhase.TRYING,
    CyclePhase.REFLECTION,
    CyclePhase.FOLLOW_UP,
)
"""The six steps of the stepper (DESIGN §3), in order; an open cycle past them all is ``READY``."""


@dataclass(frozen=True)
class StepStatus:
    """One step of the stepper and what is still missing before it is done."""

    phase: CyclePhase
    done: bool
    missing: tuple[Refusal, ...] = field(default=())

    @property
    def number(self) -> int:
        """The step's number on the stepper, 1 to 6."""
        return STEPS.index(self.phase) + 1


def derived_status(action: Action) -> ActionStatus:
    """An action's status as its records say: followed up → done (stopped → dropped), stopped
    in the reflection → dropped, logged by an owner → in progress, else planned."""
    if action.follow_up is not None:
        return (
            ActionStatus.DROPPED if action.follow_up.outcome == Outcome.STOP else ActionStatus.DONE
        )
    if action.reflection_decision == Outcome.STOP:
        return ActionStatus.DROPPED
    if any(e.kind == LogKind.DID for e in action.log_entries):
        return ActionStatus.IN_PROGRESS
    return ActionStatus.PLANNED


def kept_expression() -> ColumnElement[bool]:
    """SQL over an action row: the team decided to keep the action (its follow-up says keep,
    or, before a follow-up, its reflection did), so it goes on after its module."""
    follow_up_outcome = (
        select(FollowUp.outcome).where(FollowUp.action_id == Action.id).scalar_subquery()
    )
    return func.coalesce(follow_up_outcome, Action.reflection_decision) == Outcome.KEEP


def action_missing_fields(action: Action) -> list[str]:
    """What an agreed action still lacks before it counts as agreed (codes of its fields)."""
    missing: list[str] = []
    if action.team_id is None or action.cycle.question_of(action.team_id) is None:
        missing.append("question")
    if not action.what.strip():
        missing.append("what")
    if not action.expectation.strip():
        missing.append("expectation")
    if not action.how_notice.strip():
        missing.append("how_notice")
    if action.team_id is None and not action.owners:
        missing.append("owners")
    if action.observer_id is None:
        missing.append("observer")
    if not action.observation_focus.strip():
        missing.append("observation_focus")
    if action.period_start is None or action.period_end is None:
        missing.append("period")
    return missing


def meeting_counts_as_input(meeting: Meeting) -> bool:
    """A meeting counts for the input step when it has participants and notes."""
    return bool(meeting.participants.strip() and meeting.notes.strip())


def _trying_missing(actions: list[Action]) -> list[Refusal]:
    missing: list[Refusal] = []
    if not actions:
        missing.append(refusal("no_action_to_try"))
    for action in actions:
        if derived_status(action) == ActionStatus.DROPPED:
            continue
        kinds = {e.kind for e in action.log_entries}
        if LogKind.DID not in kinds:
            missing.append(refusal("action_not_logged", title=action.title))
        if action.observer_id is not None and LogKind.OBSERVATION not in kinds:
            missing.append(refusal("action_not_observed", title=action.title))
    return missing


def _reflection_missing(cycle: Cycle, actions: list[Action]) -> list[Refusal]:
    missing: list[Refusal] = []
    if not actions:
        missing.append(refusal("no_action_to_reflect_on"))
    teams = {a.team_id: a.team for a in actions if a.team_id is not None}
    for team_id, team in teams.items():
        if cycle.reflection_of(team_id) is None:
            missing.append(refusal("reflection_missing", team=team.name if team else ""))
    for action in actions:
        reflected = action.team_id is not None and cycle.reflection_of(action.team_id)
        if reflected and action.reflection_decision is None:
            missing.append(refusal("decision_missing", title=action.title))
    return missing


def step_statuses(cycle: Cycle) -> list[StepStatus]:
    """The six steps of the stepper, each with what is still missing."""
    input_missing: list[Refusal] = []
    if not any(meeting_counts_as_input(m) for m in cycle.meetings):
        input_missing.append(refusal("no_input_meeting"))

    question_missing: list[Refusal] = []
    if not any(q.question.strip() for q in cycle.questions):
        question_missing.append(refusal("no_question"))

    actions = list(cycle.actions)
    actions_missing: list[Refusal] = []
    if not actions:
        actions_missing.append(refusal("no_action"))
    for action in actions:
        lacking = action_missing_fields(action)
        if lacking:
            actions_missing.append(
                refusal("action_incomplete", title=action.title, fields=tuple(lacking))
            )

    follow_missing: list[Refusal] = []
    for action in actions:
        if action.follow_up is None:
            follow_missing.append(refusal("follow_up_missing", title=action.title))
    for text, name in (
        (cycle.summary_learned, "learned"),
        (cycle.summary_keep, "keep"),
        (cycle.summary_next, "next"),
    ):
        if not text.strip():
            follow_missing.append(refusal("summary_missing", field=name))
    if not actions:
        follow_missing.append(refusal("no_action_to_follow_up"))

    missing_by_step = (
        input_missing,
        question_missing,
        actions_missing,
        _trying_missing(actions),
        _reflection_missing(cycle, actions),
        follow_missing,
    )
    return [
        StepStatus(phase, not missing, tuple(missing))
        for phase, missing in zip(STEPS, missing_by_step, strict=True)
    ]


def current_step(cycle: Cycle) -> CyclePhase | None:
    """The first step not yet done; None when every step is done."""
    for status in step_statuses(cycle):
        if not status.done:
            return status.phase
    return None


def phase_of(cycle: Cycle) -> CyclePhase:
    """The phase an open cycle is in: its current step, or ``READY`` when all are done."""
    step = current_step(cycle)
    return CyclePhase.READY if step is None else step


def unmet_conditions(cycle: Cycle) -> list[Refusal]:
    """Everything that stands between this cycle and being completed."""
    if cycle.state == CycleState.LOCKED:
        return [refusal("locked_cannot_complete")]
    if cycle.state == CycleState.COMPLETED:
        return [refusal("already_completed")]
    return [reason for status in step_statuses(cycle) for reason in status.missing]


def ensure_open(cycle: Cycle) -> None:
    """Refuse (``not_open``) unless the cycle is open for recording."""
    if cycle.state != CycleState.ACTIVE:
        raise refuse("not_open")


_RECORDED_TEXTS = (
    Cycle.local_notes,
    Cycle.local_questions,
    Cycle.summary_learned,
    Cycle.summary_keep,
    Cycle.summary_next,
)


def nothing_recorded() -> ColumnElement[bool]:
    """SQL: a cycle row with nothing recorded in it, read from the row's own progress columns.

    A condition on the row itself is re-checked by PostgreSQL against the newest row version
    when a concurrent writer got there first, so it is safe inside a conditional UPDATE.
    """
    return and_(
        Cycle.meeting_count == 0,
        Cycle.action_count == 0,
        *(column == "" for column in _RECORDED_TEXTS),
    )


def has_records(cycle: Cycle) -> bool:
    """Whether anything has been recorded in a cycle (meetings, actions, notes, summary)."""
    texts = (
        cycle.local_notes,
        cycle.local_questions,
        cycle.summary_learned,
        cycle.summary_keep,
        cycle.summary_next,
    )
    return bool(cycle.meeting_count or cycle.action_count or any(t.strip() for t in texts))


def lock_reason(cycle: Cycle, package: Package) -> Refusal | None:
    """Why a locked cycle is locked; None if it is not locked."""
    if cycle.state != CycleState.LOCKED:
        return None
    previous = next((c for c in cycle.run.cycles if c.position == cycle.position - 1), None)
    if previous is None:
        return refusal("run_not_started")
    title = package.module(previous.module_slug).title
    return refusal("waits_for", pos=previous.position, title=title)


def next_cycle(cycle: Cycle) -> Cycle | None:
    """The cycle of the run's next module, if any."""
    return next((c for c in cycle.run.cycles if c.position == cycle.position + 1), None)


def reopen_refusals(cycle: Cycle) -> list[Refusal]:
    """Why a cycle cannot be reopened now; empty when it can."""
    if cycle.state != CycleState.COMPLETED:
        return [refusal("not_completed")]
    following = next_cycle(cycle)
    if following is not None and has_records(following):
        return [refusal("next_has_records", pos=cycle.position, next=following.position)]
    return []


def may_start_run(current: Run | None) -> bool:
    """A school may start a run when it has none, or its newest one is completed."""
    return current is None or current.completed_at is not None
