"""Practice examples PUF can pick for the half-yearly report: follow-ups' learnings from the
digest's module and area, newest first, with the school and module (never the person)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from learningpack.content import Package
from learningpack.extensions import db
from learningpack.models import Action, Cycle, FollowUp, ReportDraft, ReportQuote, Run, School
from learningpack.reads.runs import newest_run_id

LIMIT = 30


@dataclass(frozen=True)
class Candidate:
    follow_up_id: int
    school: str
    action_title: str
    outcome: str
    learning: str


def candidates(
    package: Package, module_slug: str, district: str, limit: int = LIMIT
) -> list[Candidate]:
    """The newest follow-ups with a learning in the module (in the area), for picking."""
    statement = (
        select(FollowUp.id, School.name, Action.title, FollowUp.outcome, FollowUp.learning)
        .select_from(School)
        .join(Run, Run.id == newest_run_id(School.id, package.slug))
        .join(Cycle, Cycle.run_id == Run.id)
        .join(Action, Action.cycle_id == Cycle.id)
        .join(FollowUp, FollowUp.action_id == Action.id)
        .where(Cycle.module_slug == module_slug, FollowUp.learning != "")
        .order_by(FollowUp.recorded_at.desc(), FollowUp.id.desc())
        .limit(limit)
    )
    if district:
        statement = statement.where(School.district == district)
    return [Candidate(r[0], r[1], r[2], str(r[3]), r[4]) for r in db.session.execute(statement)]


def drafts() -> list[ReportDraft]:
    return list(
        db.session.scalars(
            select(ReportDraft).order_by(ReportDraft.period_to.desc(), ReportDraft.id.desc())
        )
    )


def quote_of(draft: ReportDraft, quote_id: int) -> ReportQuote | None:
    return next((q for q in draft.quotes if q.id == quote_id), None)
