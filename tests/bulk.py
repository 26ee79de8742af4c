"""Many schools, cheaply: bulk INSERTs of School, Run and Cycle rows with progress columns set.

The overview reads only these rows (the counts live on the cycle), so this is enough to test
it at scale without the slow, rule-checking demo seeder.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select

from learningpack.content import Package
from learningpack.domain.school_progress import refresh
from learningpack.extensions import db
from learningpack.models import Cycle, CyclePhase, CycleState, Run, School

DISTRICTS = ("Nord", "Syd", "Vest", "Midt", "Øst")
PHASES = list(CyclePhase)


def insert_schools(
    package: Package, count: int, *, now: datetime | None = None, prefix: str = "Bulkskole"
) -> list[int]:
    """``count`` schools; most with a run at a spread of progress, every tenth not started.

    Returns the new schools' ids.
    """
    now = now or datetime.now(UTC)
    # No explicit ids: PostgreSQL's sequences stay right for rows the test adds afterwards.
    names = [f"{prefix} {n:05d}" for n in range(1, count + 1)]
    db.session.execute(
        insert(School),
        [{"name": name, "district": DISTRICTS[n % len(DISTRICTS)]} for n, name in enumerate(names)],
    )
    ids = sorted(db.session.scalars(select(School.id).where(School.name.in_(names))))
    started = [i for n, i in enumerate(ids, start=1) if n % 10 != 0]
    db.session.execute(
        insert(Run),
        [
            {
                "school_id": i,
                "package_slug": package.slug,
                "year_label": "2026/27",
                "started_at": now - timedelta(days=200),
            }
            for i in started
        ],
    )
    run_of = dict(
        db.session.execute(select(Run.school_id, Run.id).where(Run.school_id.in_(started))).all()
    )
    cycles = []
    modules = len(package.modules)
    for i in started:
        done = i % modules  # modules completed before the open one
        for module in package.modules:
            p = module.position
            state = (
                CycleState.COMPLETED
                if p <= done
                else CycleState.ACTIVE
                if p == done + 1
                else CycleState.LOCKED
            )
            recorded = state != CycleState.LOCKED
            cycles.append(
                {
                    "run_id": run_of[i],
                    "module_slug": module.slug,
                    "position": p,
                    "state": state,
                    "phase": PHASES[(i // modules) % len(PHASES)]
                    if state == CycleState.ACTIVE
                    else CyclePhase.READY,
                    "session_count": 2 if recorded else 0,
                    "action_count": 5 if recorded else 0,
                    "done_action_count": 3 if recorded else 0,
                    "log_entry_count": 9 if recorded else 0,
                    "follow_up_count": 5 if state == CycleState.COMPLETED else 0,
                    "opened_at": now - timedelta(days=200 - 30 * (p - 1)) if recorded else None,
                    "completed_at": now - timedelta(days=170 - 30 * (p - 1))
                    if state == CycleState.COMPLETED
                    else None,
                    "last_activity_at": now - timedelta(days=(i % 60)) if recorded else None,
                }
            )
    db.session.execute(insert(Cycle), cycles)
    refresh(ids, package.slug)  # a bulk load fills the summary rows, as the national seed does
    db.session.commit()
    return ids
