"""What the teacher's "my actions" page reads besides the actions: each action's log history,
and what the school works on now (module, since when, and the teacher's team's question).

Each is one SELECT however many actions, modules or entries there are.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, func, select
from sqlalchemy.orm import joinedload

from learningpack.content import Module, default_package
from learningpack.extensions import db
from learningpack.models import Cycle, CycleState, LogEntry, Team, TeamQuestion, User, team_member
from learningpack.reads.runs import newest_run_id

HISTORY_SHOWN = 5
"""The newest entries an action's folded history shows; the module page has them all."""


@dataclass(frozen=True)
class ActionHistory:
    """An action's newest log entries (owners' and the observer's), newest first, and how many
    there are in all."""

    entries: tuple[LogEntry, ...]
    total: int

    @property
    def last_on(self) -> date | None:
        """The day of the newest entry."""
        return self.entries[0].happened_on if self.entries else None

    @property
    def more(self) -> int:
        """How many older entries the history leaves out."""
        return self.total - len(self.entries)


NO_HISTORY = ActionHistory((), 0)


def histories(action_ids: list[int]) -> dict[int, ActionHistory]:
    """The newest ``HISTORY_SHOWN`` entries of each action, with their authors and each action's
    count of entries, in one SELECT (a window ranks and counts the entries per action)."""
    if not action_ids:
        return {}
    newest_first = (LogEntry.happened_on.desc(), LogEntry.id.desc())
    ranked = (
        select(
            LogEntry.id.label("id"),
            func.row_number()
            .over(partition_by=LogEntry.action_id, order_by=newest_first)
            .label("rank"),
            func.count().over(partition_by=LogEntry.action_id).label("total"),
        )
        .where(LogEntry.action_id.in_(action_ids))
        .subquery()
    )
    rows = db.session.execute(
        select(LogEntry, ranked.c.total)
        .join(ranked, ranked.c.id == LogEntry.id)
        .where(ranked.c.rank <= HISTORY_SHOWN)
        .options(joinedload(LogEntry.author))
        .order_by(LogEntry.action_id, *newest_first)
    ).all()
    entries: dict[int, list[LogEntry]] = defaultdict(list)
    totals: dict[int, int] = {}
    for entry, total in rows:
        entries[entry.action_id].append(entry)
        totals[entry.action_id] = total
    return {i: ActionHistory(tuple(entries[i]), totals[i]) for i in totals}


@dataclass(frozen=True)
class WorkingOn:
    """One module the school works on now: since when, and the questions of the viewer's
    teams in it (team name, question)."""

    module: Module
    opened_at: datetime | None
    questions: tuple[tuple[str, str], ...]


def working_on(user: User) -> list[WorkingOn]:
    """The open modules of the school's newest run, in order, each with the question (undring)
    of each of the user's teams that has stated one; one SELECT."""
    if user.school_id is None:
        return []
    package = default_package()
    my_teams = select(team_member.c.team_id).where(team_member.c.user_id == user.id)
    rows = db.session.execute(
        select(Cycle.module_slug, Cycle.opened_at, Team.name, TeamQuestion.question)
        .select_from(Cycle)
        .outerjoin(
            TeamQuestion,
            and_(TeamQuestion.cycle_id == Cycle.id, TeamQuestion.team_id.in_(my_teams)),
        )
        .outerjoin(Team, Team.id == TeamQuestion.team_id)
        .where(
            Cycle.run_id == newest_run_id(user.school_id, package.slug),
            Cycle.state == CycleState.ACTIVE,
        )
        .order_by(Cycle.position, Team.name)
    ).all()
    found: dict[str, tuple[datetime | None, list[tuple[str, str]]]] = {}
    for slug, opened_at, team, question in rows:
        _opened, questions = found.setdefault(slug, (opened_at, []))
        if team is not None:
            questions.append((team, question))
    return [
        WorkingOn(package.module(slug), opened_at, tuple(questions))
        for slug, (opened_at, questions) in found.items()
    ]
