"""Totals over every school, kept per app and changed by the buckets of schools written to
(issue 13: their cost must not grow with the number of schools).

The schools are cut into buckets of ``BUCKET`` consecutive ids. A kept entry holds each
bucket's grouped rows and their sums. A write to a school stamps ``School.changed_at`` in its
transaction (its summary row, its people, its name or district; a new school is stamped on
insert), so one index range per transaction, the schools stamped since shortly before this
app's previous look, tells which buckets changed: only those are read again (``BUCKET``
schools each, however many there are), and their old rows are taken from the sums and their
new rows added. Reads see every commit made before them: PostgreSQL reads committed, and
SQLite's driver opens no transaction for a read, so a change logged before a read is in what
it reads.

- **Late commits.** A write commits after it stamps, and may commit after a later one. The
  range starts ``OVERLAP`` before the previous look began (this app's clock), and a (school,
  stamp) pair not seen before in it is a change, so a write committed within ``OVERLAP`` of
  its stamp is seen on the next read. One that commits later than that, or stamped by a clock
  more than ``OVERLAP`` behind this app's, is seen by the ``BACKSTOP``: each entry reads its
  buckets again one at a time, in turn, so that every bucket is read again at least that
  often (a bucket of 256 schools at a time, not a spike of every school; an entry not asked
  for in a whole round is read whole). (``school_progress.refresh`` of every school stamps
  them again just before it returns, so ``progress rebuild`` commits within the overlap.)
- **Time.** Sums do not move with time; "stalled" does. Rows of the kind ``DUE`` give a moment
  (when the school becomes stalled, None for never); the entry keeps them sorted per group and
  counts those at or before the ``now`` asked about. Callers whose rows depend on ``now`` in
  another way (a filter on "stalled") put the minute in the key.
"""

from __future__ import annotations

import bisect
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Collection, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import Integer, event, false, func, literal_column, null, or_, select, union_all
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from learningpack.extensions import db
from learningpack.models import School
from learningpack.models.types import utcnow

BUCKET = 256  # consecutive school ids read again together
OVERLAP = timedelta(seconds=60)  # how late a commit may be and still be seen on the next read
BACKSTOP = 600.0  # seconds: every bucket of an entry is read again at least this often
SIZE = 16  # entries each app keeps (filter combinations; an overview's holds a row per school)
LOG = 512  # changes remembered: an entry older than these is read whole again
SUM, DUE = "sum", "due"
_LOCK = threading.Lock()
_CHECKED = "totals_cache.checked"  # in the session's info: this transaction has looked

Row = tuple[Any, ...]
Compute = Callable[[Collection[int] | None], Sequence[Sequence[Sequence[Any]]]]


def bucket_of(column: Any) -> Any:
    """SQL: the bucket of a school id (integer division on both databases)."""
    # A literal, not a parameter: PostgreSQL matches the GROUP BY to the SELECT by its text.
    return (column // literal_column(str(BUCKET), Integer)).label("bucket")


def in_buckets(column: Any, buckets: Collection[int] | None) -> list[ColumnElement[bool]]:
    """WHERE conditions: the school id in one of the buckets (index ranges); none for all."""
    if buckets is None:
        return []
    ranges = [column.between(b * BUCKET, b * BUCKET + BUCKET - 1) for b in sorted(buckets)]
    return [or_(*ranges) if ranges else false()]


@dataclass
class _Changes:
    """What this app has seen of the schools' stamps: a version per change seen."""

    version: int = 0
    bound: datetime | None = None  # the next look reads the stamps after this
    highest: int = -1  # the bucket of the highest school id at the last look
    recent: frozenset[tuple[int, datetime]] = frozenset()  # (school, stamp) after ``bound``
    log: deque[tuple[int, frozenset[int]]] = field(default_factory=lambda: deque(maxlen=LOG))

    def since(self, version: int) -> set[int] | None:
        """The buckets changed after ``version`` (None: too old to tell)."""
        if version == self.version:
            return set()
        if not self.log or self.log[0][0] > version + 1:
            return None
        return {b for v, buckets in self.log if v > version for b in buckets}


_clock = time.monotonic


@dataclass
class _Entry:
    version: int
    kinds: tuple[tuple[str, int], ...]
    buckets: dict[int, tuple[tuple[Row, ...], ...]]  # per bucket, per list: rows without it
    totals: tuple[dict[Row, list[Any]], ...]  # per list: group → sums, or sorted moments
    rolled_at: float = field(default_factory=lambda: _clock())  # the backstop's last turn
    turn: int = 0  # the backstop's next bucket (modulo the buckets it goes round)

    def copy(self) -> _Entry:
        totals = tuple({g: list(v) for g, v in t.items()} for t in self.totals)
        return _Entry(
            self.version, self.kinds, dict(self.buckets), totals, self.rolled_at, self.turn
        )

    def due(self, now: float, highest: int) -> tuple[set[int] | None, float, int]:
        """The buckets whose turn to be read again has come (the backstop), with the turn's
        moment and next bucket after them; None: a whole round is due (the entry was not asked
        for in that time). The round goes over every bucket of a school (up to ``highest``,
        the highest school id's, and one more), so a bucket with no rows of this entry's
        filters, or a new one, has its turn too."""
        width = max(max(self.buckets, default=-1), highest) + 2
        step = BACKSTOP / width
        steps = int((now - self.rolled_at) // step) if step > 0 else width
        if steps >= width:
            return None, now, 0
        found = {(self.turn + i) % width for i in range(steps)}
        return found, self.rolled_at + steps * step, (self.turn + steps) % width

    def apply(self, bucket: int, sign: int, whole: bool = False) -> None:
        """Add (sign 1) or take away (-1) the bucket's rows from the totals. ``whole``: every
        bucket is being added to empty totals, so moments are appended (sorted after)."""
        lists = zip(self.kinds, self.totals, self.buckets[bucket], strict=True)
        for (kind, width), totals, rows in lists:
            if kind == DUE:
                for row in rows:
                    moment = row[-1]
                    moments = totals.setdefault(row[:-1], [])
                    if moment is None:
                        continue
                    if whole:
                        moments.append(moment)
                    elif sign > 0:
                        bisect.insort(moments, moment)
                    else:
                        del moments[bisect.bisect_left(moments, moment)]
                continue
            for row in rows:
                group, values = row[:-width], row[-width:]
                sums = totals.get(group)
                if sums is None:
                    totals[group] = [sign * (v or 0) for v in values]
                else:
                    totals[group] = [a + sign * (v or 0) for a, v in zip(sums, values, strict=True)]

    def fill(self, lists: Sequence[Sequence[Sequence[Any]]], only: Collection[int] | None) -> None:
        """Replace the rows of the buckets ``only`` names (all when None: the totals are
        empty) with ``lists``."""
        for bucket in [] if only is None else only:
            if bucket in self.buckets:
                self.apply(bucket, -1)
                del self.buckets[bucket]
        found: dict[int, list[list[Row]]] = {}
        for index, rows in enumerate(lists):
            for row in rows:
                per = found.get(row[0])
                if per is None:
                    per = found[row[0]] = [[] for _ in lists]
                per[index].append(tuple(row[1:]))
        for bucket, per in found.items():
            self.buckets[int(bucket)] = tuple(tuple(rows) for rows in per)
            self.apply(int(bucket), 1, whole=only is None)
        if only is None:
            for (kind, _width), totals in zip(self.kinds, self.totals, strict=True):
                for moments in totals.values() if kind == DUE else ():
                    moments.sort()

    def result(self, now: datetime) -> tuple[list[Row], ...]:
        result: list[list[Row]] = []
        for (kind, _width), totals in zip(self.kinds, self.totals, strict=True):
            if kind == DUE:
                result.append([(*g, bisect.bisect_right(m, now)) for g, m in totals.items()])
            else:
                result.append([(*g, *v) for g, v in totals.items() if v[0] != 0])
        return tuple(result)


def _changes() -> _Changes:
    """Read the schools stamped since ``OVERLAP`` before the previous look began (one index
    range) and log the buckets of any pair not seen before; the app's changes as they now
    stand. Read once per transaction (a page that keeps several totals asks once).

    The range starts at the previous look's clock, not at the newest stamp: when nothing has
    been written for a while (a night, or after a rebuild stamped every school at once), it
    is empty, and a look reads no school."""
    store = current_app.extensions.setdefault("totals_cache", OrderedDict())
    with _LOCK:
        found = store.get("changes")
        state: _Changes = found if isinstance(found, _Changes) else _Changes()
        store["changes"] = state
        bound = state.bound
    checked: bool = db.session.info.get(_CHECKED) is state  # (`is` in the if: mypy says Any)
    if checked:
        return state
    began = utcnow()  # before the read: a commit after this is in the next look's range
    if bound is None:  # the first look: the entries made after it are read whole
        bound = began - OVERLAP
    # With the highest school id (the one row without a stamp), for the backstop's round.
    stamps: Any = union_all(
        select(School.id, School.changed_at).where(School.changed_at > bound),
        select(func.max(School.id), null()),
    )
    rows = db.session.execute(stamps).all()
    pairs: frozenset[tuple[int, datetime]] = frozenset(
        (int(i), stamp) for i, stamp in rows if stamp is not None
    )
    highest = max((int(i) // BUCKET for i, stamp in rows if stamp is None and i is not None),
                  default=-1)  # fmt: skip
    with _LOCK:
        fresh = pairs - state.recent
        if fresh:
            state.version += 1
            state.log.append((state.version, frozenset(i // BUCKET for i, _ in fresh)))
        # Pairs only ever become known: another thread's look, older or newer, loses none.
        newer = max(began - OVERLAP, state.bound or began - OVERLAP)
        state.bound = newer
        state.highest = highest
        state.recent = frozenset(p for p in state.recent | pairs if p[1] > newer)
    db.session.info[_CHECKED] = state
    return state


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _transaction_ended(session: Session) -> None:
    """The next read in a new transaction may see new commits: it looks again."""
    session.info.pop(_CHECKED, None)


def kept(
    key: Hashable, compute: Compute, kinds: Sequence[tuple[str, int]], now: datetime
) -> tuple[list[Row], ...]:
    """Totals of every school: ``compute(buckets)`` returns row lists read for those buckets
    only (all when None), each row the bucket first, then its group's columns, then its values.
    ``kinds`` says per list how rows combine: ``(SUM, n)``, the last n columns summed per
    group (a group whose first sum is 0 is left out), or ``(DUE, 0)``, the last column a
    moment, counted per group when at or before ``now``. Returns per list the rows of
    ``(*group, *values)``, in no particular order. Kept per app under ``key``, which names
    what else the rows read (the filters)."""
    changes = _changes()
    store: OrderedDict[Hashable, Any] = current_app.extensions["totals_cache"]
    with _LOCK:
        entry = store.get(("kept", key))
        version = changes.version
        changed = None if entry is None else changes.since(entry.version)
    if entry is not None and changed is not None:
        due, rolled_at, turn = entry.due(_clock(), changes.highest)
        changed = None if due is None else changed | due
        if changed:
            # Another thread may apply the same change to the same entry: each works on a copy.
            entry = entry.copy()
            entry.rolled_at, entry.turn = rolled_at, turn
    if entry is None or changed is None or len(changed) > max(8, len(entry.buckets) // 2):
        entry = _Entry(version, tuple(kinds), {}, tuple({} for _ in kinds))
        entry.fill(compute(None), None)
    elif changed:
        entry.fill(compute(sorted(changed)), changed)
        entry.version = version
    result = entry.result(now)
    with _LOCK:
        store[("kept", key)] = entry
        store.move_to_end(("kept", key))
        while len(store) > SIZE + 1:  # the entries and the changes
            del store[next(k for k in store if k != "changes")]
    return result
