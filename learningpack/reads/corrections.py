"""The one record a correction is about: scoped to the user's school, with its module and run."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from learningpack.domain.access import school_filter
from learningpack.extensions import db
from learningpack.models import (
    Action,
    Cycle,
    FollowUp,
    LogEntry,
    Meeting,
    Reflection,
    Run,
    TeamQuestion,
    User,
)

R = TypeVar("R", Meeting, LogEntry, FollowUp, TeamQuestion, Reflection)


def scoped_record(model: type[R], record_id: int, user: User) -> R | None:
    """A meeting, log entry, follow-up, team question or reflection of a school the user may
    see (not deleted), in one query with its action, cycle and run."""
    entity: Any = model
    statement: Any = select(entity).where(entity.id == record_id)
    if model is LogEntry or model is FollowUp:
        statement = statement.join(Action, Action.id == entity.action_id).options(
            joinedload(entity.action).joinedload(Action.cycle).joinedload(Cycle.run)
        )
        cycle_id = Action.cycle_id
    else:
        statement = statement.options(joinedload(entity.cycle).joinedload(Cycle.run))
        cycle_id = entity.cycle_id
    found: R | None = db.session.scalar(
        statement.join(Cycle, Cycle.id == cycle_id)
        .join(Run, Run.id == Cycle.run_id)
        .where(school_filter(user, Run.school_id))
    )
    return found
