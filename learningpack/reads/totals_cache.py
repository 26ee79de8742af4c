"""Totals over every school, kept per app while nothing they read has changed (issue 13).

Every write to a run or its cycles rewrites the school's summary row (``school_progress``) in
the same transaction, stamping ``refreshed_at``. So the number of summary rows and the newest
stamp (one index look-up) tell whether any school's progress changed; callers add what else
their totals read (the schools per district, the filters). The minute is part of every key:
"stalled" moves with time, and a write that commits after a later one (whose stamp is newer)
is seen within a minute.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import datetime
from typing import TypeVar

from flask import current_app
from sqlalchemy import func, select

from learningpack.extensions import db
from learningpack.models import SchoolProgress

SIZE = 64  # keys each app keeps (filter combinations and pages of the API)
_LOCK = threading.Lock()
T = TypeVar("T")


def progress_version(now: datetime) -> tuple[int, str, datetime]:
    """How many summary rows there are, the newest write, and the minute."""
    rows, newest = db.session.execute(
        select(func.count(), func.max(SchoolProgress.refreshed_at))
    ).one()
    return int(rows), str(newest), now.replace(second=0, microsecond=0)


def cached(key: Hashable, compute: Callable[[], T]) -> T:
    """The value for this key, computed once per app (the least recently used go first)."""
    cache: OrderedDict[Hashable, object] = current_app.extensions.setdefault(
        "totals_cache", OrderedDict()
    )
    with _LOCK:
        if key in cache:
            cache.move_to_end(key)
            return cache[key]  # type: ignore[return-value]
    found = compute()
    with _LOCK:
        cache[key] = found
        while len(cache) > SIZE:
            cache.popitem(last=False)
    return found
