"""Read queries shared by several pages, each a fixed number of SQL statements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from learningpack.extensions import db
from learningpack.models import (
    Action,
    Cycle,
    CycleSession,
    CycleState,
    LogEntry,
    Run,
    Team,
    User,
    team_member,
)


def current_run(school_id: int) -> Run | None:
    """The school's newest run, with its cycles loaded."""
    return db.session.scalar(
        select(Run)
        .where(Run.school_id == school_id)
        .order_by(Run.started_at.desc(), Run.id.desc())
        .options(selectinload(Run.cycles))
        .limit(1)
    )


@dataclass(frozen=True)
class ActionCard:
    """One action on the teacher's "my actions" page, with how often and when it was logged."""

    action: Action
    log_count: int
    last_logged_on: date | None


def my_actions(user: User) -> list[ActionCard]:
    """Actions in the user's school's open modules that the user owns or whose team they are in.

    Two queries whatever the number of actions: the actions with their team, then the count and
    latest date of their log entries (not the entries themselves: the page shows only those).
    """
    if user.school_id is None:
        return []
    team_ids = select(team_member.c.team_id).where(team_member.c.user_id == user.id)
    actions = list(
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
            .options(joinedload(Action.team))
        )
    )
    if not actions:
        return []
    logs = {
        row.action_id: (row.count, row.last)
        for row in db.session.execute(
            select(
                LogEntry.action_id,
                func.count().label("count"),
                func.max(LogEntry.happened_on).label("last"),
            )
            .where(LogEntry.action_id.in_([a.id for a in actions]))
            .group_by(LogEntry.action_id)
        )
    }
    return [ActionCard(a, *logs.get(a.id, (0, None))) for a in actions]


def school_cycle(school_id: int, module_slug: str) -> Cycle | None:
    """One module's cycle in the school's newest run, with everything the module page shows."""
    run_id = (
        select(Run.id)
        .where(Run.school_id == school_id)
        .order_by(Run.started_at.desc(), Run.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return db.session.scalar(
        select(Cycle)
        .where(Cycle.run_id == run_id, Cycle.module_slug == module_slug)
        .options(
            joinedload(Cycle.run).selectinload(Run.cycles),
            selectinload(Cycle.sessions).joinedload(CycleSession.facilitator),
            selectinload(Cycle.actions).joinedload(Action.team),
            selectinload(Cycle.actions).joinedload(Action.follow_up),
            selectinload(Cycle.actions).selectinload(Action.owners),
            selectinload(Cycle.actions)
            .selectinload(Action.log_entries)
            .joinedload(LogEntry.author),
        )
    )


def scoped_action(action_id: int, user: User) -> Action | None:
    """An action the user's role may see (own school; PUF all), with its cycle and run."""
    from learningpack.access import school_filter

    return db.session.scalar(
        select(Action)
        .join(Cycle, Cycle.id == Action.cycle_id)
        .join(Run, Run.id == Cycle.run_id)
        .where(Action.id == action_id, school_filter(user, Run.school_id))
        .options(
            joinedload(Action.cycle).joinedload(Cycle.run),
            joinedload(Action.team).selectinload(Team.members),
            selectinload(Action.owners),
            selectinload(Action.log_entries).joinedload(LogEntry.author),
            joinedload(Action.follow_up),
        )
    )


def school_staff(school_id: int) -> tuple[list[Team], list[User]]:
    """The school's teams and active staff, for choosing owners of an action."""
    from learningpack.text import danish_key

    teams = list(db.session.scalars(select(Team).where(Team.school_id == school_id)))
    staff = list(
        db.session.scalars(select(User).where(User.school_id == school_id, User.active.is_(True)))
    )
    teams.sort(key=lambda t: danish_key(t.name))
    staff.sort(key=lambda u: danish_key(u.name))
    return teams, staff
