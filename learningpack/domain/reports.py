"""PUF's half-yearly report drafts and the practice examples chosen for them (from the digest).

A quote is copied from a follow-up's learning when PUF picks it; PUF may then edit it (to take
out a name, shorten it) before it goes in. No person is stored with it: the school and module.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from learningpack.domain.privacy import guard_free_text
from learningpack.domain.refusals import ReportRefused
from learningpack.extensions import db
from learningpack.models import Action, Cycle, FollowUp, ReportDraft, ReportQuote, Run, School, User
from learningpack.models.audit import record

MAX_QUOTE = 1500


def save_draft(
    draft: ReportDraft | None,
    *,
    period_from: date,
    period_to: date,
    district: str,
    name_stalled: bool,
    actor: User,
) -> ReportDraft:
    """Create a draft or change its period, area and whether stalled schools are named."""
    if period_to < period_from:
        raise ReportRefused.one("period_reversed")
    if draft is None:
        draft = ReportDraft(created_by_id=actor.id)
        db.session.add(draft)
    draft.period_from, draft.period_to = period_from, period_to
    draft.district, draft.name_stalled = district, name_stalled
    db.session.flush()
    record(
        "report_saved",
        actor=actor,
        obj=draft,
        period_from=period_from.isoformat(),
        period_to=period_to.isoformat(),
        district=district,
        name_stalled=name_stalled,
    )
    return draft


def add_quote(draft: ReportDraft, follow_up_id: int, actor: User) -> ReportQuote:
    """Copy a follow-up's learning into the draft (once; picking it again returns it)."""
    found = next((q for q in draft.quotes if q.follow_up_id == follow_up_id), None)
    if found is not None:
        return found
    row = db.session.execute(
        select(FollowUp.learning, School.name, Cycle.module_slug)
        .join(Action, Action.id == FollowUp.action_id)
        .join(Cycle, Cycle.id == Action.cycle_id)
        .join(Run, Run.id == Cycle.run_id)
        .join(School, School.id == Run.school_id)
        .where(FollowUp.id == follow_up_id)
    ).first()
    if row is None:
        raise ReportRefused.one("quote_source_gone")
    quote = ReportQuote(
        follow_up_id=follow_up_id,
        school_name=row[1],
        module_slug=row[2],
        text=row[0].strip()[:MAX_QUOTE],
    )
    draft.quotes.append(quote)
    db.session.flush()
    record("report_quote_added", actor=actor, obj=quote, draft_id=draft.id)
    return quote


def edit_quote(quote: ReportQuote, text: str, actor: User) -> None:
    """PUF's wording of the example (guarded: no CPR numbers)."""
    text = text.strip()
    guard_free_text(text=text)
    if not text:
        raise ReportRefused.one("quote_empty")
    quote.text = text[:MAX_QUOTE]
    record("report_quote_edited", actor=actor, obj=quote, draft_id=quote.draft_id)


def remove_quote(quote: ReportQuote, actor: User) -> None:
    record("report_quote_removed", actor=actor, obj=quote, draft_id=quote.draft_id)
    db.session.delete(quote)
