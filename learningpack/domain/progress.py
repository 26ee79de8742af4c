"""Each cycle's progress columns, rebuilt in bulk with set-based SQL.

``cycle.py`` keeps the columns (phase and counts) up to date on every write, one cycle at a
time, using the stepper's own rules. This module recomputes them for many cycles at once with a
single UPDATE of correlated subqueries: for bulk loads (the national benchmark data set) and as a
repair (``flask --app app progress rebuild``). ``tests/test_progress.py`` proves both ways agree.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, cast

from sqlalchemy import and_, case, exists, func, or_, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import with_loader_criteria
from sqlalchemy.sql.elements import ColumnElement

from learningpack.extensions import db
from learningpack.models import (
    Action,
    ActionStatus,
    Cycle,
    CyclePhase,
    FollowUp,
    LogEntry,
    LogKind,
    Meeting,
    Outcome,
    Reflection,
    TeamQuestion,
    action_owner,
)
from learningpack.models.soft_delete import SoftDeleted, not_deleted

# Deleted records count for nothing here either: the read hook (soft_delete.py) hides them from
# SELECTs only, so the UPDATEs' subqueries say it themselves.
_LIVE = with_loader_criteria(SoftDeleted, not_deleted, include_aliases=True)


def _count(*where: ColumnElement[bool], of: Any) -> Any:
    return select(func.count(of)).where(*where).scalar_subquery()


def status_expression() -> ColumnElement[str]:
    """An action's derived status (cycle.derived_status) as SQL over an action row."""
    follow_up_outcome = (
        select(FollowUp.outcome).where(FollowUp.action_id == Action.id).scalar_subquery()
    )
    did = exists().where(LogEntry.action_id == Action.id, LogEntry.kind == LogKind.DID)
    return case(
        (follow_up_outcome == Outcome.STOP, ActionStatus.DROPPED.value),
        (follow_up_outcome.is_not(None), ActionStatus.DONE.value),
        (Action.reflection_decision == Outcome.STOP, ActionStatus.DROPPED.value),
        (did, ActionStatus.IN_PROGRESS.value),
        else_=ActionStatus.PLANNED.value,
    )


def phase_expression() -> ColumnElement[str]:
    """The stepper's rules (cycle.step_statuses) as one SQL CASE over a cycle row.

    Text is stored stripped by cycle.py, so "filled in" is ``<> ''`` here as it is ``strip()``
    there. Action statuses are read from their column, which ``rebuild`` derives first.
    """
    in_cycle = Action.cycle_id == Cycle.id
    has_input = exists().where(
        Meeting.cycle_id == Cycle.id,
        Meeting.participants != "",
        Meeting.notes != "",
    )
    has_question = exists().where(TeamQuestion.cycle_id == Cycle.id, TeamQuestion.question != "")
    team_question = exists().where(
        TeamQuestion.cycle_id == Cycle.id, TeamQuestion.team_id == Action.team_id
    )
    has_action = exists().where(in_cycle)
    incomplete_action = exists().where(
        in_cycle,
        or_(
            ~team_question,
            Action.what == "",
            Action.expectation == "",
            Action.how_notice == "",
            and_(Action.team_id.is_(None), ~exists().where(action_owner.c.action_id == Action.id)),
            Action.observer_id.is_(None),
            Action.observation_focus == "",
            Action.period_start.is_(None),
            Action.period_end.is_(None),
        ),
    )

    def logged(kind: LogKind) -> ColumnElement[bool]:
        return exists().where(LogEntry.action_id == Action.id, LogEntry.kind == kind)

    untried_action = exists().where(
        in_cycle,
        Action.status != ActionStatus.DROPPED,
        or_(
            ~logged(LogKind.DID),
            and_(Action.observer_id.is_not(None), ~logged(LogKind.OBSERVATION)),
        ),
    )
    reflected = exists().where(
        Reflection.cycle_id == Cycle.id, Reflection.team_id == Action.team_id
    )
    unreflected_action = exists().where(
        in_cycle,
        Action.team_id.is_not(None),
        or_(~reflected, Action.reflection_decision.is_(None)),
    )
    action_without_follow_up = exists().where(
        in_cycle, ~exists().where(FollowUp.action_id == Action.id)
    )
    summary_done = and_(
        Cycle.summary_learned != "", Cycle.summary_keep != "", Cycle.summary_next != ""
    )
    return case(
        (~has_input, CyclePhase.INPUT.value),
        (~has_question, CyclePhase.QUESTION.value),
        (or_(~has_action, incomplete_action), CyclePhase.ACTIONS.value),
        (untried_action, CyclePhase.TRYING.value),
        (unreflected_action, CyclePhase.REFLECTION.value),
        (or_(action_without_follow_up, ~summary_done), CyclePhase.FOLLOW_UP.value),
        else_=CyclePhase.READY.value,
    )


def rebuild(cycle_ids: Collection[int] | None = None) -> int:
    """Recompute the actions' derived statuses, then phase and counts of the given cycles (all
    when None); returns the cycle rows changed.

    Does not touch ``last_activity_at``: that is when people last did something, which a
    recount is not.
    """
    in_cycle = Action.cycle_id == Cycle.id
    statuses = update(Action).values(status=status_expression())
    if cycle_ids is not None:
        statuses = statuses.where(Action.cycle_id.in_(list(cycle_ids)))
    db.session.execute(statuses.options(_LIVE).execution_options(synchronize_session=False))
    statement = (
        update(Cycle)
        .values(
            phase=phase_expression(),
            meeting_count=_count(Meeting.cycle_id == Cycle.id, of=Meeting.id),
            action_count=_count(in_cycle, of=Action.id),
            done_action_count=_count(in_cycle, Action.status == ActionStatus.DONE, of=Action.id),
            log_entry_count=select(func.count(LogEntry.id))
            .join(Action, LogEntry.action_id == Action.id)
            .where(in_cycle)
            .scalar_subquery(),
            follow_up_count=select(func.count(FollowUp.id))
            .join(Action, FollowUp.action_id == Action.id)
            .where(in_cycle)
            .scalar_subquery(),
            newest_learning_at=select(func.max(FollowUp.recorded_at))
            .join(Action, FollowUp.action_id == Action.id)
            .where(in_cycle, FollowUp.learning != "")
            .scalar_subquery(),
        )
        .options(_LIVE)
        .execution_options(synchronize_session=False)
    )
    if cycle_ids is not None:
        statement = statement.where(Cycle.id.in_(list(cycle_ids)))
    result = cast("CursorResult[Any]", db.session.execute(statement))
    db.session.expire_all()
    return result.rowcount
