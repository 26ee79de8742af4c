"""Correcting and deleting what was recorded in a module, while the module is open.

Who may correct what: a log entry's author edits or deletes it (the school's leader may delete
it too); an action's owners may edit its texts; the leader edits and deletes the school's
meetings, actions, follow-ups, team questions and reflections. PUF reads but never corrects.

Like ``records.py`` these take the cycle's lock, check that the module is open, change the
models and ``flush``; the caller commits. A delete is soft (``deleted_at``): every read hides the
row at once (``models/soft_delete.py``), the progress columns are recomputed as after any
write, and ``purge_deleted`` removes it for good after ``DELETED_RECORD_RETENTION``. Each edit
and delete is audited without its text (``record_audit.py``).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import delete, or_, select, update

from learningpack.domain.access import can_facilitate
from learningpack.domain.cycle import ensure_open
from learningpack.domain.cycle_lock import lock_cycle
from learningpack.domain.privacy import guard_free_text
from learningpack.domain.record_audit import (
    Record,
    audit_correction,
    changed_fields,
    cycle_of,
    snapshot,
)
from learningpack.domain.records import _touch
from learningpack.domain.refusals import refuse
from learningpack.extensions import db
from learningpack.models import (
    Action,
    EventExample,
    FollowUp,
    LogEntry,
    Meeting,
    MeetingKind,
    Reflection,
    ReportQuote,
    Role,
    TeamQuestion,
    User,
    action_owner,
    utcnow,
)


def may_edit(user: User, found: Record) -> bool:
    """Whether the user may edit the record (an action's owners: only its texts, see
    :func:`may_edit_action_text`)."""
    school_id = cycle_of(found).run.school_id
    if isinstance(found, LogEntry):
        return user.school_id == school_id and found.author_id == user.id
    return can_facilitate(user, school_id)


def may_delete(user: User, found: Record) -> bool:
    """Whether the user may delete the record: its author (a log entry) or the school's leader."""
    school_id = cycle_of(found).run.school_id
    if isinstance(found, LogEntry) and user.school_id == school_id:
        return found.author_id == user.id or user.role == Role.LEADER
    return can_facilitate(user, school_id)


def may_edit_action_text(user: User, action: Action) -> bool:
    """The school's leader, or whoever carries the action out: its owners, or, when it names
    none, the members of its team."""
    school_id = action.cycle.run.school_id
    if user.school_id != school_id or user.role == Role.PUF:
        return False
    if user.role == Role.LEADER or any(o.id == user.id for o in action.owners):
        return True
    teams = {t.id for t in user.teams}
    return not action.owners and action.team_id is not None and action.team_id in teams


def _open_for(found: Record) -> None:
    cycle = lock_cycle(cycle_of(found))
    ensure_open(cycle)
    if found.deleted_at is not None:
        raise refuse("record_deleted")


def edit_log_entry(
    entry: LogEntry, *, actor: User, happened_on: date, text: str, observation: str
) -> None:
    """The author corrects their log entry."""
    _open_for(entry)
    if not may_edit(actor, entry):
        raise refuse("not_author")
    guard_free_text(text=text, observation=observation)
    before = snapshot(entry)
    entry.happened_on, entry.text, entry.observation = (
        happened_on,
        text.strip(),
        observation.strip(),
    )
    _saved(actor, entry, changed_fields(entry, before))


def edit_meeting(
    meeting: Meeting,
    *,
    actor: User,
    held_on: date,
    kind: MeetingKind,
    participants: str,
    notes: str,
    decisions: str,
) -> None:
    """The leader corrects a meeting."""
    _open_for(meeting)
    if not may_edit(actor, meeting):
        raise refuse("not_leader")
    guard_free_text(participants=participants, notes=notes, decisions=decisions)
    before = snapshot(meeting)
    meeting.held_on, meeting.kind = held_on, kind
    meeting.participants, meeting.notes = participants.strip(), notes.strip()
    meeting.decisions = decisions.strip()
    _saved(actor, meeting, changed_fields(meeting, before))


def edit_action_text(
    action: Action, *, actor: User, title: str, what: str, expectation: str, how_notice: str
) -> None:
    """An owner (or the leader) corrects what an action says; who and when stay the leader's."""
    _open_for(action)
    if not may_edit_action_text(actor, action):
        raise refuse("not_owner")
    if not title.strip():
        raise refuse("action_title_missing")
    guard_free_text(title=title, what=what, expectation=expectation, how_notice=how_notice)
    before = snapshot(action)
    action.title, action.what = title.strip(), what.strip()
    action.expectation, action.how_notice = expectation.strip(), how_notice.strip()
    _saved(actor, action, changed_fields(action, before))


def _saved(actor: User, found: Record, fields: list[str]) -> None:
    if fields:
        audit_correction("record_edited", actor, found, fields)
    _touch(cycle_of(found))
    db.session.flush()


def delete_record(found: Record, *, actor: User) -> None:
    """Delete a record (softly): hidden at once from every page, count and export.

    Deleting an action deletes its log entries and follow-up with it; an action with a second
    round, and a team question the team has agreed actions from, are refused (delete those
    first). Deleting a reflection takes back its keep / adjust / stop decisions, except on an
    action whose second round is under way.
    """
    _open_for(found)
    if not may_delete(actor, found):
        raise refuse("not_author" if isinstance(found, LogEntry) else "not_leader")
    cycle = cycle_of(found)
    now = utcnow()
    gone: list[Record] = [found]
    if isinstance(found, Action):
        if found.second_rounds:
            raise refuse("action_has_second_round")
        gone += [*found.log_entries, *([found.follow_up] if found.follow_up else [])]
    elif isinstance(found, TeamQuestion):
        if any(a.team_id == found.team_id for a in cycle.actions):
            raise refuse("question_has_actions")
    elif isinstance(found, Reflection):
        for action in cycle.actions:
            if action.team_id == found.team_id and not action.second_rounds:
                action.reflection_decision = None
    for row in gone:
        row.deleted_at, row.deleted_by_id = now, actor.id
    follow_ups = [r.id for r in gone if isinstance(r, FollowUp)]
    if follow_ups:
        # PUF's copies of the learning (practice examples, report quotes) go with it.
        db.session.execute(delete(EventExample).where(EventExample.follow_up_id.in_(follow_ups)))
        db.session.execute(delete(ReportQuote).where(ReportQuote.follow_up_id.in_(follow_ups)))
    audit_correction("record_deleted", actor, found, [])
    db.session.flush()
    # The collections loaded above still hold the deleted rows: read them again.
    db.session.expire_all()
    _touch(cycle)
    db.session.flush()


_NO_SYNC = {"synchronize_session": False}


def purge_deleted(now: datetime | None = None) -> int:
    """Remove for good the records deleted longer ago than ``DELETED_RECORD_RETENTION``;
    returns how many rows were removed. Safe to run again (idempotent)."""
    retention: timedelta = current_app.config["DELETED_RECORD_RETENTION"]
    cutoff = (now or utcnow()) - retention
    actions = select(Action.id).where(Action.deleted_at < cutoff).scalar_subquery()
    follow_ups = (
        select(FollowUp.id)
        .where(or_(FollowUp.deleted_at < cutoff, FollowUp.action_id.in_(actions)))
        .scalar_subquery()
    )
    statements = [
        delete(EventExample).where(EventExample.follow_up_id.in_(follow_ups)),
        update(ReportQuote)
        .where(ReportQuote.follow_up_id.in_(follow_ups))
        .values(follow_up_id=None),
        delete(LogEntry).where(or_(LogEntry.deleted_at < cutoff, LogEntry.action_id.in_(actions))),
        delete(FollowUp).where(FollowUp.id.in_(follow_ups)),
        delete(action_owner).where(action_owner.c.action_id.in_(actions)),
        update(Action).where(Action.parent_action_id.in_(actions)).values(parent_action_id=None),
        delete(Action).where(Action.deleted_at < cutoff),
        delete(Meeting).where(Meeting.deleted_at < cutoff),
        delete(Reflection).where(Reflection.deleted_at < cutoff),
        delete(TeamQuestion).where(TeamQuestion.deleted_at < cutoff),
    ]
    removed = 0
    for statement in statements:
        result = db.session.execute(statement, execution_options=_NO_SYNC)
        if statement.is_delete and statement.table is not action_owner:
            removed += result.rowcount or 0  # type: ignore[attr-defined]
    db.session.flush()
    return removed
