"""One school's newest run with everything PUF's read-only drill-down shows, in few queries."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from learningpack.content import Package
from learningpack.extensions import db
from learningpack.models import Action, Cycle, CycleSession, LogEntry, Run


def load_school_runs(school_id: int, package: Package) -> list[Run]:
    """The school's runs of the package, newest first, with cycles, sessions, actions, logs and
    follow-ups.

    Six SELECTs whatever the size: the runs with their school, then one SELECT-IN per
    collection (team and follow-up are joined to the actions). Owners get their own SELECT-IN:
    joined, SQLite materialised the whole owner table for it (half a second at national scale).
    """
    statement = (
        select(Run)
        .where(Run.school_id == school_id, Run.package_slug == package.slug)
        .order_by(Run.started_at.desc(), Run.id.desc())
        .options(
            joinedload(Run.school),
            selectinload(Run.cycles).options(
                selectinload(Cycle.sessions).joinedload(CycleSession.facilitator),
                selectinload(Cycle.actions).options(
                    joinedload(Action.team),
                    joinedload(Action.follow_up),
                    selectinload(Action.owners),
                    selectinload(Action.log_entries).joinedload(LogEntry.author),
                ),
            ),
        )
    )
    return list(db.session.scalars(statement).unique())
