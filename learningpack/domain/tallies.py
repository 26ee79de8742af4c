"""Writing the snapshots' daily tallies (``reads/tallies.py`` defines and reads them).

A day's tally is upserted on its unique (day, area, module, state): two snapshot commands at
once wait for each other there, and the later one, which sees the earlier one's rows, writes
last. Cells of the day that no longer occur are removed.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import String, delete, literal, select

from learningpack.extensions import conflict_insert, db
from learningpack.models import ProgressSnapshot as Snap
from learningpack.models import ProgressTally as Tally
from learningpack.reads.snapshots import COUNTS
from learningpack.reads.tallies import TALLY_COLUMNS, tally_source

CELL = ("taken_on", "district", "position", "state")
SUMS = ("schools", *COUNTS)


def tally(day: date) -> None:
    """(Re)write the day's tally from the snapshot rows on or before it."""
    statement = conflict_insert(Tally).from_select(list(TALLY_COLUMNS), tally_source(day))
    statement = statement.on_conflict_do_update(
        index_elements=list(CELL), set_={name: statement.excluded[name] for name in SUMS}
    )
    kept = list(db.session.scalars(statement.returning(Tally.id)))
    db.session.execute(delete(Tally).where(Tally.taken_on == day, Tally.id.not_in(kept)))


def tally_from(days: list[date]) -> None:
    """Tally ``days`` and every tallied day after the first of them (rows written for a past
    day change those; the daily command writes today, after which there are none)."""
    later = db.session.scalars(
        select(Tally.taken_on).where(Tally.taken_on > min(days)).group_by(Tally.taken_on)
    )
    for one in sorted({*days, *later}):
        tally(one)


def tally_all() -> int:
    """Tally every day the snapshots hold, and only those; the number of days."""
    days = list(db.session.scalars(select(Snap.taken_on).group_by(Snap.taken_on)))
    db.session.execute(delete(Tally).where(Tally.taken_on.not_in(days)))
    for day in days:
        tally(day)
    return len(days)


def rename_district(old: str, new: str) -> None:
    """An area's rename takes its past along. Cells already under the new name (the past of a
    removed area of that name) are added to, not duplicated."""
    moved = select(
        Tally.taken_on,
        literal(new, String()),
        Tally.position,
        Tally.state,
        *(getattr(Tally, name) for name in SUMS),
    ).where(Tally.district == old)
    statement = conflict_insert(Tally).from_select([*CELL, *SUMS], moved)
    statement = statement.on_conflict_do_update(
        index_elements=list(CELL),
        set_={name: getattr(Tally, name) + statement.excluded[name] for name in SUMS},
    )
    db.session.execute(statement)
    db.session.execute(delete(Tally).where(Tally.district == old))
