"""Practice examples PUF can pick for the half-yearly report: follow-ups' learnings from the
digest's module and area, newest first, with the school and module (never the person)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Subquery, select

from learningpack.content import Package
from learningpack.extensions import db
from learningpack.models import (
    Action,
    Cycle,
    FollowUp,
    ReportDraft,
    ReportQuote,
    Run,
    School,
    SchoolProgress,
)

LIMIT = 30


@dataclass(frozen=True)
class Candidate:
    follow_up_id: int
    school: str
    action_title: str
    outcome: str
    learning: str


def newest_learning_cycles(
    module_slug: str, count: int, *, package_slug: str = "", district: str = ""
) -> Subquery:
    """The ids of the module's ``count`` cycles with the newest learnings
    (``Cycle.newest_learning_at``, by its index), of each school's newest run of the package
    when one is named, in the area when one is named.

    Each of the newest ``count`` follow-ups with a learning is in a cycle whose newest learning
    is at least as new, so these cycles hold them all (and with ``count`` raised by the number
    of follow-ups to leave out, the newest of the rest). A statement that joins its follow-ups
    to this subquery reads a few cycles' follow-ups, not every school's: its cost does not grow
    with the number of schools. Among learnings recorded at the very same moment in different
    cycles the pick may differ from the newest ids; nothing left out is newer than what is in.
    """
    statement = select(Cycle.id).where(
        Cycle.module_slug == module_slug, Cycle.newest_learning_at.is_not(None)
    )
    if package_slug:
        statement = statement.join(SchoolProgress, SchoolProgress.run_id == Cycle.run_id).where(
            SchoolProgress.package_slug == package_slug
        )
    if district:
        statement = (
            statement.join(Run, Run.id == Cycle.run_id)
            .join(School, School.id == Run.school_id)
            .where(School.district == district)
        )
    return (
        statement.order_by(Cycle.newest_learning_at.desc(), Cycle.id.desc()).limit(count).subquery()
    )


def candidates(
    package: Package, module_slug: str, district: str, limit: int = LIMIT
) -> list[Candidate]:
    """The newest follow-ups with a learning in the module of each school's newest run (in the
    area), for picking: read from the cycles with the newest learnings only."""
    top = newest_learning_cycles(module_slug, limit, package_slug=package.slug, district=district)
    statement = (
        select(FollowUp.id, School.name, Action.title, FollowUp.outcome, FollowUp.learning)
        .select_from(top)
        .join(Action, Action.cycle_id == top.c.id)
        .join(FollowUp, FollowUp.action_id == Action.id)
        .join(Cycle, Cycle.id == top.c.id)
        .join(Run, Run.id == Cycle.run_id)
        .join(School, School.id == Run.school_id)
        .where(FollowUp.learning != "")
        .order_by(FollowUp.recorded_at.desc(), FollowUp.id.desc())
        .limit(limit)
    )
    return [Candidate(r[0], r[1], r[2], str(r[3]), r[4]) for r in db.session.execute(statement)]


def drafts() -> list[ReportDraft]:
    return list(
        db.session.scalars(
            select(ReportDraft).order_by(ReportDraft.period_to.desc(), ReportDraft.id.desc())
        )
    )


def quote_of(draft: ReportDraft, quote_id: int) -> ReportQuote | None:
    return next((q for q in draft.quotes if q.id == quote_id), None)
