"""One school's newest run with everything PUF's read-only drill-down shows, in few queries."""

from __future__ import annotations

from sqlalchemy.orm import joinedload

from learningpack.content import Package
from learningpack.extensions import db
from learningpack.models import Cycle, Meeting, Run
from learningpack.reads.cycles import load_cycle_records
from learningpack.reads.runs import runs_newest_first


def load_school_runs(school_id: int, package: Package) -> list[Run]:
    """The school's runs of the package, newest first; the newest with its cycles' sessions,
    actions, owners, logs and follow-ups (the earlier ones are only listed, with their cycles).

    Six SELECTs however much the school has recorded: the runs with their school, cycles and
    the cycles' meetings, then the newest run's actions (team, observer and follow-up joined),
    log entries, owners, and the teams' questions and reflections,
    each selected by the run's few cycle ids and put into the collections here. (SELECT-IN
    loading by action id takes one more query per 500 actions, and a joined owner list made
    SQLite materialise the whole owner table.)
    """
    runs = list(
        db.session.scalars(
            runs_newest_first(school_id, package.slug).options(
                joinedload(Run.school),
                # The meetings (few) come with the cycles: one SELECT fewer.
                joinedload(Run.cycles).joinedload(Cycle.meetings).joinedload(Meeting.facilitator),
            )
        ).unique()
    )
    if runs:
        load_cycle_records(runs[0].cycles, with_meetings=False)
    return runs
