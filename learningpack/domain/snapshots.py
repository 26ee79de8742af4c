"""The daily progress snapshot: one INSERT … SELECT, safe to run twice and at the same time.

A school × module gets a row for the day only when its state or counts differ from its newest
row; a second run on the same day brings that day's row up to date. The unique (school, module,
day) and ON CONFLICT make two commands running at once write each row once.

Each day written is also tallied (``domain/tallies.py``): its rows grouped per area, module and
state, what PUF's chart and the report read.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Date, and_, exists, func, literal, select
from sqlalchemy.orm import aliased

from learningpack.domain.tallies import tally_from
from learningpack.extensions import conflict_insert, db
from learningpack.models import ProgressSnapshot as Snap
from learningpack.reads.snapshots import (
    COLUMNS,
    COUNTS,
    current_counts,
    end_of_day_utc,
    week_ends,
)

KEY = ("school_id", "module_slug", "taken_on")


def _insert(source: Any) -> Any:
    """INSERT INTO progress_snapshot … SELECT, in the dialect that knows ON CONFLICT."""
    return conflict_insert(Snap).from_select(["taken_on", *COLUMNS], source)


def _changed(current: Any, day: date) -> Any:
    """The rows of ``current`` that differ from the school × module's newest row on or before
    ``day`` (or that have none), as the day's rows."""
    newest = aliased(Snap)
    newest_day = (
        select(func.max(newest.taken_on))
        .where(
            newest.school_id == current.c.school_id,
            newest.module_slug == current.c.module_slug,
            newest.taken_on <= day,
        )
        .correlate(current)  # two levels down: not found by auto-correlation
        .scalar_subquery()
    )
    same = [getattr(Snap, name) == current.c[name] for name in ("run_id", "state", *COUNTS)]
    unchanged = exists().where(
        Snap.school_id == current.c.school_id,
        Snap.module_slug == current.c.module_slug,
        Snap.taken_on == newest_day,
        and_(*same),
        Snap.last_activity_at.is_not_distinct_from(current.c.last_activity_at),
    )
    return select(literal(day, Date()), *(current.c[name] for name in COLUMNS)).where(~unchanged)


def take_snapshot(package_slug: str, day: date) -> int:
    """Write the day's rows for every school × module that changed; the number written."""
    statement = _insert(_changed(current_counts(package_slug).subquery("current"), day))
    statement = statement.on_conflict_do_update(
        index_elements=list(KEY),
        set_={name: statement.excluded[name] for name in COLUMNS if name not in KEY},
    )
    # RETURNING: psycopg reports no row count for INSERT … SELECT … ON CONFLICT.
    written = len(db.session.execute(statement.returning(Snap.id)).all())
    tally_from([day])
    return written


def backfill(package_slug: str, start: date, end: date) -> int:
    """Rows for each week's end from ``start`` to before ``end`` where something changed, from
    the cycles' opened and completed times: the history before the snapshots began. It stops
    before the first day the snapshots hold (what they recorded is kept, and a week's end
    between two of their days would count only completed modules' actions)."""
    first = db.session.scalar(select(func.min(Snap.taken_on)))
    if first is not None:
        end = min(end, first)
    written = 0
    days = week_ends(start, end)[:-1] if start < end else []
    for day in days:
        current = current_counts(package_slug, as_of=end_of_day_utc(day)).subquery("past")
        statement = _insert(_changed(current, day))
        statement = statement.on_conflict_do_nothing(index_elements=list(KEY))
        written += len(db.session.execute(statement.returning(Snap.id)).all())
    if days:
        tally_from(days)
    return written
