"""Which reminders are due today, and for whom (issue 14): read-only, a fixed number of queries
whatever the number of schools (the follow-up meeting reads each open module's date).

A reminder is a :class:`Due` with a dedupe key (kind, subject, period): the same key is never
sent twice to the same person. Wording and links are the mail's and the notice's business; here
are only codes, titles and where the link goes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, TypeVar

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import selectinload

from learningpack.domain import calendar
from learningpack.domain.cycle import unmet_conditions
from learningpack.domain.refusals import Refusal
from learningpack.extensions import db
from learningpack.models import (
    Action,
    ActionStatus,
    Cycle,
    CycleState,
    LogEntry,
    LogKind,
    Reflection,
    Role,
    Run,
    School,
    User,
    action_owner,
    team_member,
)
from learningpack.reads.module import fix_anchor

# The period ends "in 3 days"; the follow-up meeting is "in 3 days" (Europe/Copenhagen days).
AHEAD_DAYS = 3
OPEN = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)
_S = TypeVar("_S", bound=Select[*tuple[Any, ...]])


@dataclass(frozen=True)
class Link:
    """Where a reminder points: an endpoint, its values, an anchor on the page; ``text`` is a
    title or name from the data (never free text), ``reason`` a code the mail words."""

    endpoint: str
    values: tuple[tuple[str, Any], ...] = ()
    anchor: str = ""
    text: str = ""
    reason: Refusal | None = None


@dataclass(frozen=True)
class Due:
    """One reminder for one person."""

    user_id: int
    kind: str
    key: str
    title: str  # the action's title, the module's slug or the week, as the kind needs
    link: Link
    day: date | None = None
    items: tuple[Link, ...] = ()
    counts: tuple[tuple[str, int], ...] = field(default=())


def week_label(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def first_working_day_of_week(today: date) -> bool:
    """Today is the week's first day without the quiet-day rule (Monday, unless a holiday)."""
    monday = today - timedelta(days=today.weekday())
    return all(calendar.is_quiet_day(monday + timedelta(days=n)) for n in range(today.weekday()))


# --- teachers and observers --------------------------------------------------------------------


def _in_open_modules(statement: _S) -> _S:
    """The statement over actions, kept to open modules at active schools (Run joined)."""
    return (
        statement.join(Cycle, Cycle.id == Action.cycle_id)
        .join(Run, Run.id == Cycle.run_id)
        .join(School, School.id == Run.school_id)
        .where(Cycle.state == CycleState.ACTIVE, School.active.is_(True))
    )


def _open_actions(today: date) -> list[Any]:
    """Open actions in the period today, in active modules of active schools, with the last
    date each kind of entry was logged."""
    last = {
        kind: select(func.max(LogEntry.happened_on))
        .where(LogEntry.action_id == Action.id, LogEntry.kind == kind)
        .correlate(Action)
        .scalar_subquery()
        for kind in LogKind
    }
    return list(
        db.session.execute(
            _in_open_modules(
                select(
                    Action.id,
                    Action.title,
                    Action.team_id,
                    Action.observer_id,
                    Action.period_start,
                    Action.period_end,
                    Run.school_id,
                    last[LogKind.DID].label("last_did"),
                    last[LogKind.OBSERVATION].label("last_seen"),
                )
            )
            .where(
                Action.status.in_(OPEN),
                Action.period_start <= today,
                Action.period_end >= today,
            )
            .order_by(Action.id)
        )
    )


def _owners(
    action_ids: list[int], team_ids: set[int]
) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    owners: dict[int, list[int]] = defaultdict(list)
    members: dict[int, list[int]] = defaultdict(list)
    for start in range(0, len(action_ids), 1000):
        chunk = action_ids[start : start + 1000]
        for action_id, user_id in db.session.execute(
            select(action_owner.c.action_id, action_owner.c.user_id).where(
                action_owner.c.action_id.in_(chunk)
            )
        ):
            owners[action_id].append(user_id)
    ids = sorted(team_ids)
    for start in range(0, len(ids), 1000):
        for team_id, user_id in db.session.execute(
            select(team_member.c.team_id, team_member.c.user_id).where(
                team_member.c.team_id.in_(ids[start : start + 1000])
            )
        ):
            members[team_id].append(user_id)
    return owners, members


def action_reminders(today: date) -> Iterator[Due]:
    """Owners whose action has had no log for N days of its period, observers likewise with
    no observation, and both when the period ends within three days."""
    rows = _open_actions(today)
    if not rows:
        return
    owners, members = _owners([r.id for r in rows], {r.team_id for r in rows if r.team_id})
    days = _reminder_days({r.school_id for r in rows})
    for row in rows:
        doers = owners.get(row.id) or members.get(row.team_id, [])
        link = Link("teacher.log_entry", (("action_id", row.id),))
        quiet = timedelta(days=days[row.school_id])
        since = max(row.period_start, row.last_did or row.period_start)
        if today - since >= quiet:
            for user_id in doers:
                yield Due(
                    user_id, "quiet_log", f"quiet_log:{row.id}:{since}", row.title, link, since
                )
        if row.observer_id is not None:
            seen = max(row.period_start, row.last_seen or row.period_start)
            if today - seen >= quiet:
                key = f"quiet_observation:{row.id}:{seen}"
                yield Due(row.observer_id, "quiet_observation", key, row.title, link, seen)
        if today < row.period_end <= today + timedelta(days=AHEAD_DAYS):
            key = f"period_ends:{row.id}:{row.period_end}"
            everyone = dict.fromkeys([*doers, *([row.observer_id] if row.observer_id else [])])
            for user_id in everyone:
                yield Due(user_id, "period_ends", key, row.title, link, row.period_end)


def _reminder_days(school_ids: set[int]) -> dict[int, int]:
    schools = db.session.scalars(select(School).where(School.id.in_(sorted(school_ids))))
    return {school.id: calendar.reminder_days_for(school) for school in schools}


def reflection_reminders(today: date) -> Iterator[Due]:
    """The team's members, when every open action of the team's in a module has had its period
    and the team has not yet held its reflective conversation."""
    still_running = func.sum(
        case(
            (
                and_(
                    Action.status.in_(OPEN),
                    or_(Action.period_end.is_(None), Action.period_end >= today),
                ),
                1,
            ),
            else_=0,
        )
    )
    reflected = (
        select(Reflection.id)
        .where(Reflection.cycle_id == Action.cycle_id, Reflection.team_id == Action.team_id)
        .exists()
    )
    rows = db.session.execute(
        _in_open_modules(select(Action.cycle_id, Action.team_id, Cycle.module_slug))
        .where(
            Action.team_id.is_not(None),
            Action.status != ActionStatus.DROPPED,
            ~reflected,
        )
        .group_by(Action.cycle_id, Action.team_id, Cycle.module_slug)
        .having(still_running == 0)
    ).all()
    _, members = _owners([], {r.team_id for r in rows})
    for row in rows:
        link = Link("school.module", (("slug", row.module_slug),), f"refleksion-{row.team_id}")
        key = f"reflection_due:{row.cycle_id}:{row.team_id}"
        for user_id in members.get(row.team_id, []):
            yield Due(user_id, "reflection_due", key, row.module_slug, link)


# --- leaders -----------------------------------------------------------------------------------


def _leaders_by_school(school_ids: Iterable[int]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = defaultdict(list)
    for user_id, school_id in db.session.execute(
        select(User.id, User.school_id).where(
            User.role == Role.LEADER, User.school_id.in_(sorted(set(school_ids)))
        )
    ):
        if school_id is not None:
            found[school_id].append(user_id)
    return found


def follow_up_reminders(today: date) -> Iterator[Due]:
    """The school's leaders three days before the module's follow-up meeting, with what is
    still missing before the module can be completed."""
    cycles = db.session.scalars(
        select(Cycle)
        .join(Run, Run.id == Cycle.run_id)
        .join(School, School.id == Run.school_id)
        .where(Cycle.state == CycleState.ACTIVE, School.active.is_(True))
        .options(selectinload(Cycle.run))
    ).all()
    soon = []
    for cycle in cycles:
        meeting = calendar.follow_up_date(cycle)
        if meeting is not None and today < meeting <= today + timedelta(days=AHEAD_DAYS):
            soon.append((cycle, meeting))
    leaders = _leaders_by_school(c.run.school_id for c, _ in soon)
    for cycle, meeting in soon:
        slug = (("slug", cycle.module_slug),)
        items = tuple(
            Link("school.module", slug, fix_anchor(cycle, reason), reason=reason)
            for reason in unmet_conditions(cycle)
        )
        link = Link("school.module", slug)
        key = f"follow_up:{cycle.id}:{meeting}"
        for user_id in leaders.get(cycle.run.school_id, []):
            yield Due(user_id, "follow_up", key, cycle.module_slug, link, meeting, items)
