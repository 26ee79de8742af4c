"""One school's newest run with everything PUF's read-only drill-down shows, in few queries."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from learningpack.content import Package
from learningpack.extensions import db
from learningpack.models import Run
from learningpack.reads.cycles import load_cycle_records


def load_school_runs(school_id: int, package: Package) -> list[Run]:
    """The school's runs of the package, newest first; the newest with its cycles' sessions,
    actions, owners, logs and follow-ups (the earlier ones are only listed, with their cycles).

    Six SELECTs however much the school has recorded: the runs with their school and cycles,
    then the newest run's sessions, actions (team and follow-up joined), log entries and owners,
    each selected by the run's few cycle ids and put into the collections here. (SELECT-IN
    loading by action id takes one more query per 500 actions, and a joined owner list made
    SQLite materialise the whole owner table.)
    """
    runs = list(
        db.session.scalars(
            select(Run)
            .where(Run.school_id == school_id, Run.package_slug == package.slug)
            .order_by(Run.started_at.desc(), Run.id.desc())
            .options(joinedload(Run.school), joinedload(Run.cycles))
        ).unique()
    )
    if runs:
        load_cycle_records(runs[0].cycles)
    return runs
