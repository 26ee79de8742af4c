"""The weekly digests (a leader's school, PUF's municipality) and PUF's note on each new
proposal to the knowledge bank: what is due today, as :class:`~reminders.Due`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select

from learningpack.domain.refusals import Refusal
from learningpack.domain.reminders import Due, Link, first_working_day_of_week, week_label
from learningpack.extensions import db
from learningpack.models import (
    Action,
    ActionStatus,
    Cycle,
    CycleState,
    LogEntry,
    LogKind,
    Resource,
    ResourceStatus,
    Role,
    Run,
    School,
    User,
)

# A school counts as stalled after this many days with nothing recorded (as PUF's overview).
STALLED_DAYS = 30
# A proposal older than this is not announced (the first run after deploying stays quiet).
PROPOSAL_WINDOW = timedelta(days=14)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def school_week(
    school_id: int, today: date
) -> tuple[tuple[tuple[str, int], ...], tuple[Link, ...]]:
    """The school's last seven days: logs and observations, and the actions whose period ended
    with nothing logged (links to them)."""
    since = today - timedelta(days=7)
    logged = dict(
        db.session.execute(
            select(LogEntry.kind, func.count())
            .join(Action, Action.id == LogEntry.action_id)
            .join(Cycle, Cycle.id == Action.cycle_id)
            .join(Run, Run.id == Cycle.run_id)
            .where(
                Run.school_id == school_id,
                LogEntry.happened_on >= since,
                LogEntry.happened_on < today,
            )
            .group_by(LogEntry.kind)
        ).all()
    )
    overdue = db.session.execute(
        select(Action.id, Action.title)
        .join(Cycle, Cycle.id == Action.cycle_id)
        .join(Run, Run.id == Cycle.run_id)
        .where(
            Run.school_id == school_id,
            Cycle.state == CycleState.ACTIVE,
            Action.status == ActionStatus.PLANNED,
            Action.period_end < today,
        )
        .order_by(Action.period_end, Action.id)
        .limit(20)
    ).all()
    counts = (
        ("logs", int(logged.get(LogKind.DID, 0))),
        ("observations", int(logged.get(LogKind.OBSERVATION, 0))),
    )
    links = tuple(Link("teacher.log_entry", (("action_id", a.id),), text=a.title) for a in overdue)
    return counts, links


def leader_digests(today: date, opted_in: set[int]) -> Iterator[Due]:
    """The Monday digest of the school's week, for the leaders who asked for it."""
    if not opted_in or not first_working_day_of_week(today):
        return
    week = week_label(today)
    leaders = db.session.execute(
        select(User.id, User.school_id)
        .join(School, School.id == User.school_id)
        .where(User.id.in_(sorted(opted_in)), User.role == Role.LEADER, School.active.is_(True))
    ).all()
    for user_id, school_id in leaders:
        assert school_id is not None  # a leader belongs to a school
        counts, items = school_week(school_id, today)
        link = Link("school.home")
        yield Due(user_id, "school_week", f"school_week:{week}", week, link, today, items, counts)


# --- PUF ---------------------------------------------------------------------------------------


def municipality_week(today: date) -> tuple[Link, ...]:
    """Schools that went stalled, completed a module or proposed to the bank in the last week."""
    start, end = _start_of(today - timedelta(days=7)), _start_of(today)
    stalled_from, stalled_to = (
        start - timedelta(days=STALLED_DAYS),
        end - timedelta(days=STALLED_DAYS),
    )
    activity = (
        select(
            Run.school_id,
            func.max(func.coalesce(Cycle.last_activity_at, Run.started_at)).label("at"),
        )
        .join(Cycle, Cycle.run_id == Run.id)
        .where(Run.completed_at.is_(None))
        .group_by(Run.school_id)
        .subquery()
    )
    stalled = db.session.execute(
        select(School.id, School.name)
        .join(activity, activity.c.school_id == School.id)
        .where(School.active.is_(True), activity.c.at >= stalled_from, activity.c.at < stalled_to)
        .order_by(School.name)
    ).all()
    completed = db.session.execute(
        select(School.id, School.name, Cycle.module_slug)
        .join(Run, Run.school_id == School.id)
        .join(Cycle, Cycle.run_id == Run.id)
        .where(Cycle.completed_at >= start, Cycle.completed_at < end)
        .order_by(School.name, Cycle.position)
    ).all()
    proposed = db.session.execute(
        select(School.id, School.name)
        .join(Resource, Resource.source_school_id == School.id)
        .where(Resource.created_at >= start, Resource.created_at < end)
        .distinct()
        .order_by(School.name)
    ).all()
    items: list[Link] = []
    for code, rows in (("stalled", stalled), ("completed", completed), ("proposed", proposed)):
        for row in rows:
            params = {"school": row.name}
            if code == "completed":
                params["module"] = row.module_slug
            reason = Refusal(code, params)
            items.append(Link("puf.school", (("school_id", row.id),), text=row.name, reason=reason))
    return tuple(items)


def puf_reminders(today: date, now: datetime, puf_ids: list[int]) -> Iterator[Due]:
    """PUF's Monday digest, and a note for each new proposal to the knowledge bank."""
    if not puf_ids:
        return
    if first_working_day_of_week(today):
        week = week_label(today)
        items = municipality_week(today)
        for user_id in puf_ids:
            yield Due(
                user_id, "puf_week", f"puf_week:{week}", week, Link("puf.overview"), today, items
            )
    proposals = db.session.execute(
        select(Resource.id, Resource.title).where(
            Resource.status == ResourceStatus.PROPOSED, Resource.created_at >= now - PROPOSAL_WINDOW
        )
    ).all()
    for resource_id, title in proposals:
        link = Link("bank.curation")
        for user_id in puf_ids:
            yield Due(user_id, "proposal", f"proposal:{resource_id}", title, link)
