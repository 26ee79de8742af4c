"""One school's newest run with everything PUF's read-only drill-down shows, in few queries.

The drill-down shows each team's first ``DRILLDOWN_FOLD`` actions per module, the rest a link
away (the module page): only those actions are loaded with their logs, owners and follow-ups.
The heaviest school on the national seed has 700 actions in its run; loading all of them (with
some 2,000 log entries) for the 70 shown was most of the page's time.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from learningpack.content import Package
from learningpack.extensions import db
from learningpack.models import Action, Cycle, Meeting, Run
from learningpack.reads.cycles import fill_actions, load_questions_reflections
from learningpack.reads.module import DRILLDOWN_FOLD, ActionGroup, in_team_order, team_group
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
        load_questions_reflections(runs[0].cycles)
    return runs


def action_groups(
    cycles: list[Cycle], per_team: int = DRILLDOWN_FOLD
) -> dict[int, tuple[ActionGroup, ...]]:
    """Each cycle's actions per team (by cycle id), each team's first ``per_team`` loaded
    whole: three SELECTs, the first numbering every action of the cycles in its team and
    reading the first few with their team and follow-up. (A second round's first round is
    earlier in its team, so shown too: ``action.parent`` is in the session already.)"""
    if not cycles:
        return {}
    team = (Action.cycle_id, Action.team_id)
    numbered = (
        select(
            Action.id.label("id"),
            func.row_number().over(partition_by=team, order_by=Action.id).label("n"),
            func.count().over(partition_by=team).label("total"),
        )
        .where(Action.cycle_id.in_([c.id for c in cycles]))
        .subquery()
    )
    rows = db.session.execute(
        select(Action, numbered.c.total)
        .join(numbered, numbered.c.id == Action.id)
        .where(numbered.c.n <= per_team)
        .options(joinedload(Action.team), joinedload(Action.follow_up))
        .order_by(Action.id)
    ).all()
    if not rows:
        return {}
    shown = [action for action, _total in rows]
    fill_actions(shown, Action.id.in_([a.id for a in shown]), whole_cycles=False)
    teams: dict[tuple[int, int | None], tuple[list[Action], int]] = {}
    for action, total in rows:
        teams.setdefault((action.cycle_id, action.team_id), ([], total))[0].append(action)
    groups: dict[int, list[ActionGroup]] = defaultdict(list)
    for (cycle_id, team_id), (first, total) in teams.items():
        groups[cycle_id].append(team_group(team_id, first, total))
    return {cycle_id: in_team_order(found) for cycle_id, found in groups.items()}
