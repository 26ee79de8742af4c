"""The overview's exports: every matching school with its cells, walked in chunks so memory
stays flat in the data size (the same filters and order as the overview, overview_query.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import and_, func
from sqlalchemy.engine import Connection

from learningpack.content import Package
from learningpack.extensions import db
from learningpack.models import Cycle, School
from learningpack.reads.overview import Filters, SchoolRow
from learningpack.reads.overview_query import (
    SP,
    cell_columns,
    cell_of,
    conditions,
    joined_progress,
    modules_shown,
    school_columns,
    school_row,
)

EXPORT_CHUNK = 500  # schools read per round trip while an export streams


def export_schools(
    package: Package, filters: Filters, now: datetime, connection: Connection
) -> Iterator[tuple[SchoolRow, bool]]:
    """Every matching school with its cells (and whether it is stalled), in Danish order.

    One statement, read in chunks (``yield_per``: a server-side cursor on PostgreSQL), so
    memory stays flat however many schools there are. ``connection`` may be one of its own, so
    a streamed response can read after the request has ended.
    """
    modules = modules_shown(filters, package)
    cycle_on = and_(Cycle.run_id == SP.run_id, Cycle.position.in_(modules))
    statement = (
        joined_progress(package, *school_columns(now, filters.days), *cell_columns()[1:])
        .outerjoin(Cycle, cycle_on)
        .where(*conditions(filters, now, modules))
        .order_by(School.sort_key, School.id, Cycle.position)
        .execution_options(yield_per=EXPORT_CHUNK)
    )
    current: SchoolRow | None = None
    current_stalled = False
    for r in connection.execute(statement):
        if current is None or current.id != r.id:
            if current is not None:
                yield current, current_stalled
            current, current_stalled = school_row(r), bool(r.stalled)
        if r.position is not None:
            current.cells[r.position] = cell_of(r, True)
    if current is not None:
        yield current, current_stalled


def count_schools(package: Package, filters: Filters, now: datetime) -> int:
    """How many schools match the filters."""
    where = conditions(filters, now, modules_shown(filters, package))
    return int(
        db.session.scalar(joined_progress(package, func.count(School.id)).where(*where)) or 0
    )
