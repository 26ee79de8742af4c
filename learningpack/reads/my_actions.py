"""The teacher's "my actions" page, the app's most-used page (DESIGN.md §8): two statements
of just the columns the page shows, built once per process, no ORM objects.

Only the user's id and school are bound per request (building and compiling the same SELECT
was half the CPU of the page), and plain rows are read instead of whole ORM graphs. (A
``lambda_stmt`` run through the ORM session re-cloned the whole statement on every request.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import aliased

from learningpack.content import Module, default_package
from learningpack.extensions import db
from learningpack.models import (
    Action,
    Cycle,
    CycleState,
    LogEntry,
    Run,
    Team,
    User,
    action_owner,
    team_member,
)
from learningpack.reads.runs import NEWEST_FIRST

_Parent = aliased(Action)


@dataclass(frozen=True, slots=True)
class Named:
    """The one field a card shows of a related record (a team's name, the first round's title)."""

    name: str = ""
    title: str = ""


@dataclass(frozen=True, slots=True)
class CardAction:
    """The columns of an action that its card on "my actions" shows."""

    id: int
    title: str
    status: str
    what: str
    expectation: str
    how_notice: str
    observation_focus: str
    observer_id: int | None
    parent_action_id: int | None
    period_start: date | None
    period_end: date | None
    team: Named | None
    parent: Named | None


@dataclass(frozen=True)
class ActionCard:
    """One action on the teacher's "my actions" page, with how often and when it was logged."""

    action: CardAction
    log_count: int
    last_logged_on: date | None


def _card(row: Any) -> ActionCard:
    action = CardAction(
        id=row.id,
        title=row.title,
        status=row.status,
        what=row.what,
        expectation=row.expectation,
        how_notice=row.how_notice,
        observation_focus=row.observation_focus,
        observer_id=row.observer_id,
        parent_action_id=row.parent_action_id,
        period_start=row.period_start,
        period_end=row.period_end,
        team=Named(name=row.team_name) if row.team_name is not None else None,
        parent=Named(title=row.parent_title) if row.parent_title is not None else None,
    )
    return ActionCard(action, row.log_count, row.last_logged_on)


# Built once: SQLAlchemy memoises a statement's cache key, so each request only binds the
# parameters and finds the compiled SQL in the engine's cache.
_MY_ACTIONS = (
    select(
        Action.id,
        Action.title,
        Action.status,
        Action.what,
        Action.expectation,
        Action.how_notice,
        Action.observation_focus,
        Action.observer_id,
        Action.parent_action_id,
        Action.period_start,
        Action.period_end,
        Team.name.label("team_name"),
        _Parent.title.label("parent_title"),
        select(func.count(LogEntry.id))
        .where(LogEntry.action_id == Action.id)
        .scalar_subquery()
        .label("log_count"),
        select(func.max(LogEntry.happened_on))
        .where(LogEntry.action_id == Action.id)
        .scalar_subquery()
        .label("last_logged_on"),
    )
    .join(Cycle, Cycle.id == Action.cycle_id)
    .join(Run, Run.id == Cycle.run_id)
    .outerjoin(Team, Team.id == Action.team_id)
    .outerjoin(_Parent, _Parent.id == Action.parent_action_id)
    .where(
        Run.school_id == bindparam("school_id"),
        Cycle.state == CycleState.ACTIVE,
        or_(
            Action.team_id.in_(
                select(team_member.c.team_id).where(team_member.c.user_id == bindparam("user_id"))
            ),
            Action.id.in_(
                select(action_owner.c.action_id).where(
                    action_owner.c.user_id == bindparam("user_id")
                )
            ),
            Action.observer_id == bindparam("user_id"),
        ),
    )
    .order_by(Cycle.position, Action.id)
)


def my_actions(user: User) -> list[ActionCard]:
    """Actions in the user's school's open modules that the user owns, whose team they are in,
    or that they observe, with the count and latest date of their log entries: one query."""
    if user.school_id is None:
        return []
    rows = db.session.execute(_MY_ACTIONS, {"school_id": user.school_id, "user_id": user.id})
    return [_card(row) for row in rows]


_OPEN_MODULES = (
    select(Cycle.module_slug)
    .where(
        Cycle.run_id
        == select(Run.id)  # the newest run (reads/runs.py), its school and package bound
        .where(Run.school_id == bindparam("school_id"), Run.package_slug == bindparam("slug"))
        .order_by(*NEWEST_FIRST)
        .limit(1)
        .scalar_subquery(),
        Cycle.state == CycleState.ACTIVE,
    )
    .order_by(Cycle.position)
)


def open_modules(school_id: int | None) -> list[Module]:
    """The modules the school works in now (open in its newest run), in order: one query."""
    if school_id is None:
        return []
    package = default_package()
    slugs = db.session.scalars(_OPEN_MODULES, {"school_id": school_id, "slug": package.slug})
    return [package.module(slug) for slug in slugs]
