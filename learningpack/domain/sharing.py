"""Writes for what schools share beyond their run: the school's versioned local approach, and
PUF's knowledge-sharing events with the practice examples marked for them.

Every write checks free text for CPR numbers, writes an audit line and flushes; the view commits.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from learningpack.domain.privacy import guard_free_text
from learningpack.domain.refusals import Refused
from learningpack.extensions import db
from learningpack.models import (
    Action,
    Cycle,
    EventExample,
    FollowUp,
    LocalApproachVersion,
    Role,
    Run,
    SharingEvent,
    User,
)
from learningpack.models.audit import record


class SharingRefused(Refused):
    """A change to a local approach or an event the rules do not allow."""


def latest_version(school_id: int) -> LocalApproachVersion | None:
    """The school's newest saved local approach, or None before the first save."""
    return db.session.scalar(
        select(LocalApproachVersion)
        .where(LocalApproachVersion.school_id == school_id)
        .order_by(LocalApproachVersion.version.desc())
        .limit(1)
    )


def save_local_approach(
    school_id: int, *, text: str, note: str, actor: User
) -> LocalApproachVersion:
    """Save the school's local approach as a new version (the old ones stay as history)."""
    if actor.role != Role.LEADER or actor.school_id != school_id:
        raise SharingRefused.one("not_facilitator")
    text, note = text.strip(), note.strip()
    guard_free_text(text=text, note=note)
    if not text:
        raise SharingRefused.one("local_approach_empty")
    latest = latest_version(school_id)
    if latest is not None and latest.text == text:
        raise SharingRefused.one("local_approach_unchanged", version=latest.version)
    number = (
        db.session.scalar(
            select(func.max(LocalApproachVersion.version)).where(
                LocalApproachVersion.school_id == school_id
            )
        )
        or 0
    ) + 1
    saved = LocalApproachVersion(
        school_id=school_id, version=number, text=text, note=note, saved_by=actor
    )
    db.session.add(saved)
    db.session.flush()
    record("local_approach_saved", actor=actor, obj=saved, school_id=school_id, version=number)
    return saved


def create_event(*, title: str, held_on: date, place: str, actor: User) -> SharingEvent:
    """PUF creates a knowledge-sharing event."""
    if actor.role != Role.PUF:
        raise SharingRefused.one("not_puf")
    title, place = title.strip(), place.strip()
    guard_free_text(title=title, place=place)
    if not title:
        raise SharingRefused.one("event_title_missing")
    event = SharingEvent(title=title, held_on=held_on, place=place, created_by_id=actor.id)
    db.session.add(event)
    db.session.flush()
    record("event_created", actor=actor, obj=event, title=title)
    return event


def _school_of_follow_up(follow_up_id: int) -> int | None:
    return db.session.scalar(
        select(Run.school_id)
        .join(Cycle, Cycle.run_id == Run.id)
        .join(Action, Action.cycle_id == Cycle.id)
        .join(FollowUp, FollowUp.action_id == Action.id)
        .where(FollowUp.id == follow_up_id)
    )


def mark_example(event: SharingEvent, follow_up_id: int, actor: User) -> EventExample:
    """Mark a school's follow-up learning as a practice example for the event (once)."""
    school_id = _school_of_follow_up(follow_up_id)
    if school_id is None:
        raise SharingRefused.one("example_unknown")
    if any(e.follow_up_id == follow_up_id for e in event.examples):
        raise SharingRefused.one("example_already_marked")
    position = max((e.position for e in event.examples), default=0) + 1
    example = EventExample(
        event=event, school_id=school_id, follow_up_id=follow_up_id, position=position
    )
    db.session.add(example)
    db.session.flush()
    record("event_example_marked", actor=actor, obj=event, school_id=school_id)
    return example


def unmark_example(event: SharingEvent, example_id: int, actor: User) -> None:
    """Take a practice example off the event."""
    example = next((e for e in event.examples if e.id == example_id), None)
    if example is None:
        raise SharingRefused.one("example_unknown")
    event.examples.remove(example)
    db.session.flush()
    record("event_example_unmarked", actor=actor, obj=event, school_id=example.school_id)
