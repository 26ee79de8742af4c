"""The summary row of each school (``school_progress``), rewritten from its cycle rows.

One statement set recomputes the rows of some schools (after a write, in the same transaction)
or of all of them (``flask --app app progress rebuild``, a bulk load): delete the rows, then
INSERT … SELECT from each school's newest run (``reads/runs.newest_run_id``) and its cycles'
progress columns. The same SQL serves both, so a rebuild cannot disagree with the rows kept
on write. The action table is never read: the cycles' counts are kept by ``records._touch``.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import (
    Integer,
    and_,
    case,
    delete,
    func,
    insert,
    literal,
    select,
    type_coerce,
    update,
)

from learningpack.extensions import db
from learningpack.models import Cycle, CycleState, Run, School, SchoolProgress
from learningpack.models.types import UTCDateTime, utcnow
from learningpack.reads.runs import newest_run_id

ACTIVE = CycleState.ACTIVE
COLUMNS = (
    "school_id", "package_slug", "run_id", "started_at", "finished", "last_activity_at",
    "current_position", "current_phase", "current_opened_at", "completed_count", "cycle_count",
    "meeting_count", "action_count", "done_action_count", "log_entry_count", "follow_up_count",
    "overdue_from", "refreshed_at",
)  # fmt: skip


def _total(column: Any) -> Any:
    return type_coerce(func.coalesce(func.sum(column), 0), Integer)


def _current(column: Any) -> Any:
    """A column of the run's current cycle: the first open one in the package's order."""
    return (
        select(column)
        .where(Cycle.run_id == Run.id, Cycle.state == ACTIVE)
        .order_by(Cycle.position)
        .limit(1)
        .correlate(Run)
        .scalar_subquery()
    )


def summary_select(package_slug: str, school_ids: Collection[int] | None = None) -> Any:
    """The summary rows of the package, computed from scratch (all schools, or the given)."""
    last_cycle = func.max(Cycle.last_activity_at)
    last = case(
        (and_(last_cycle.is_not(None), last_cycle > Run.started_at), last_cycle),
        else_=Run.started_at,
    )
    query = (
        select(
            School.id,
            literal(package_slug),
            Run.id,
            Run.started_at,
            Run.completed_at.is_not(None),
            type_coerce(last, UTCDateTime),
            _current(Cycle.position),
            _current(Cycle.phase),
            _current(Cycle.opened_at),
            _total(case((Cycle.state == CycleState.COMPLETED, 1), else_=0)),
            type_coerce(func.count(Cycle.id), Integer),
            _total(Cycle.meeting_count),
            _total(Cycle.action_count),
            _total(Cycle.done_action_count),
            _total(Cycle.log_entry_count),
            _total(Cycle.follow_up_count),
            func.min(
                case((and_(Cycle.state == ACTIVE, Cycle.follow_up_count == 0), Cycle.follow_up_on))
            ),
            literal(utcnow(), UTCDateTime),
        )
        .select_from(School)
        .join(Run, Run.id == newest_run_id(School.id, package_slug))
        .outerjoin(Cycle, Cycle.run_id == Run.id)
        .group_by(School.id, Run.id, Run.started_at, Run.completed_at)
    )
    if school_ids is not None:
        query = query.where(School.id.in_(list(school_ids)))
    return query


def refresh(school_ids: Collection[int] | None = None, package_slug: str | None = None) -> int:
    """Rewrite the summary rows of the given schools (all when None) for one package (every
    package with runs when None); returns the rows written as the driver reports them (may be
    0 where it cannot tell). Flushes first, never commits."""
    db.session.flush()
    if school_ids is not None and not school_ids:
        return 0
    # First, so every transaction that changes a school locks its row before its summary rows
    # (the people hook, models/page_versions.py, locks it at flush): no two wait on each other.
    bumped = update(School).values(
        progress_version=School.progress_version + 1, changed_at=utcnow()
    )
    if school_ids is not None:
        bumped = bumped.where(School.id.in_(list(school_ids)))
    db.session.execute(bumped.execution_options(synchronize_session=False))
    slugs = (
        [package_slug]
        if package_slug is not None
        else list(db.session.scalars(select(Run.package_slug).distinct()))
    )
    removed = delete(SchoolProgress)
    if school_ids is not None:
        removed = removed.where(SchoolProgress.school_id.in_(list(school_ids)))
    if package_slug is not None:
        removed = removed.where(SchoolProgress.package_slug == package_slug)
    db.session.execute(removed.execution_options(synchronize_session=False))
    written = 0
    for slug in slugs:
        result: Any = db.session.execute(
            insert(SchoolProgress).from_select(list(COLUMNS), summary_select(slug, school_ids))
        )
        written += max(result.rowcount or 0, 0)
    if school_ids is None:
        # Rewriting every school takes a while: stamp them again, so the commit that follows
        # is within reads/totals_cache.OVERLAP of the stamps and the kept totals see it.
        db.session.execute(
            update(School).values(changed_at=utcnow()).execution_options(synchronize_session=False)
        )
    return written


def refresh_run(run: Run) -> None:
    """After a change to a run or its cycles: the school's row of that package."""
    refresh([run.school_id], run.package_slug)
