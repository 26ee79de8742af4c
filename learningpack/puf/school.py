"""One school's newest run with everything PUF's read-only drill-down shows, in few queries."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from learningpack.content import Package
from learningpack.extensions import db
from learningpack.models import Action, Cycle, CycleSession, LogEntry, Run


def load_school_run(school_id: int, package: Package) -> Run | None:
    """The school's newest run of the package, its cycles, sessions, actions, logs, follow-ups.

    Six SELECTs whatever the size: the run, then one SELECT-IN per collection.
    """
    return db.session.scalar(
        select(Run)
        .where(Run.school_id == school_id, Run.package_slug == package.slug)
        .order_by(Run.started_at.desc(), Run.id.desc())
        .limit(1)
        .options(
            selectinload(Run.cycles).options(
                selectinload(Cycle.sessions).joinedload(CycleSession.facilitator),
                selectinload(Cycle.actions).options(
                    joinedload(Action.team),
                    joinedload(Action.follow_up),
                    selectinload(Action.owners),
                    selectinload(Action.log_entries).joinedload(LogEntry.author),
                ),
            )
        )
    )
