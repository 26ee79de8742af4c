"""Totals over every school, kept per app while nothing they read has changed (issue 13).

Every write to a run or its cycles rewrites the school's summary row (``school_progress``) in
the same transaction, stamping ``refreshed_at``. So the number of summary rows and the newest
stamp (one index look-up) tell whether any school's progress changed, and the rows stamped
after the newest stamp seen tell which schools (an index range): their districts' totals are
read again, the others kept. Callers add what else their totals read (the schools per
district, the filters) to the key. The minute is part of every entry: "stalled" moves with
time, and a write that commits after a later one (whose stamp is newer) is seen within a
minute, when everything is read again.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from learningpack.extensions import db
from learningpack.models import School, SchoolProgress

SIZE = 64  # keys each app keeps (filter combinations and pages of the API)
_LOCK = threading.Lock()


@dataclass(frozen=True)
class _Kept:
    """Totals grouped by district, and the state of the summary rows they were read at."""

    rows: int
    minute: datetime
    newest: datetime | None
    groups: tuple[tuple[Any, ...], ...]  # row lists (rows are tuples, the district first)


def by_district(
    key: Hashable,
    now: datetime,
    compute: Callable[[Collection[str] | None], Sequence[Sequence[Sequence[Any]]]],
) -> tuple[list[Any], ...]:
    """Totals of every school, grouped by district: ``compute(districts)`` returns row lists
    whose first column is the district, read for those districts only (all when None).

    Kept per app under ``key`` (which names what else the totals read: filters, the schools
    per district). While the summary rows are as many as before and the minute is the same,
    a write to some schools reads again only their districts' totals: the summary rows
    stamped after the newest stamp seen say which (an index range). At 10,000 schools in a
    dozen districts that is a twelfth of the work after each write. A new minute, a summary
    row more or fewer, or a newest stamp older than the one seen (a row removed) reads
    everything again (see the module's note on late commits)."""
    rows, newest = db.session.execute(
        select(func.count(), func.max(SchoolProgress.refreshed_at))
    ).one()
    minute = now.replace(second=0, microsecond=0)
    store: OrderedDict[Hashable, object] = current_app.extensions.setdefault(
        "totals_cache", OrderedDict()
    )
    with _LOCK:
        found = store.get(("by_district", key))
    kept = found if isinstance(found, _Kept) else _Kept(-1, minute, None, ())
    same = (kept.rows, kept.minute) == (rows, minute)
    if same and kept.newest == newest:
        return tuple(list(group) for group in kept.groups)
    if same and kept.newest is not None and newest is not None and newest > kept.newest:
        changed = set(
            db.session.scalars(
                select(School.district)
                .join(SchoolProgress, SchoolProgress.school_id == School.id)
                .where(SchoolProgress.refreshed_at > kept.newest)
                .distinct()
            )
        )
        fresh = compute(sorted(changed))
        groups = tuple(
            tuple(r for r in old if r[0] not in changed) + tuple(new)
            for old, new in zip(kept.groups, fresh, strict=True)
        )
    else:
        groups = tuple(tuple(group) for group in compute(None))
    with _LOCK:
        store[("by_district", key)] = _Kept(int(rows), minute, newest, groups)
        store.move_to_end(("by_district", key))
        while len(store) > SIZE:
            store.popitem(last=False)
    return tuple(list(group) for group in groups)
