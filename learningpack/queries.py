"""Read queries shared by several pages, each a fixed number of SQL statements."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from learningpack.extensions import db
from learningpack.models import Action, Cycle, CycleState, Run, User, team_member


def current_run(school_id: int) -> Run | None:
    """The school's newest run, with its cycles loaded."""
    return db.session.scalar(
        select(Run)
        .where(Run.school_id == school_id)
        .order_by(Run.started_at.desc(), Run.id.desc())
        .options(selectinload(Run.cycles))
        .limit(1)
    )


def my_actions(user: User) -> list[Action]:
    """Actions in the user's school's open modules that the user owns or whose team they are in."""
    if user.school_id is None:
        return []
    team_ids = select(team_member.c.team_id).where(team_member.c.user_id == user.id)
    return list(
        db.session.scalars(
            select(Action)
            .join(Cycle, Cycle.id == Action.cycle_id)
            .join(Run, Run.id == Cycle.run_id)
            .where(
                Run.school_id == user.school_id,
                Cycle.state == CycleState.ACTIVE,
                or_(Action.team_id.in_(team_ids), Action.owners.any(User.id == user.id)),
            )
            .order_by(Cycle.position, Action.id)
            .options(
                selectinload(Action.team),
                selectinload(Action.owners),
                selectinload(Action.log_entries),
                selectinload(Action.cycle),
            )
        )
    )
