"""Bump ``School.people_version`` (and stamp ``School.changed_at``) in the same flush as any
change to a school's staff or teams, its notes with PUF, or the events it is invited to.

Cached pages (web/fragment_cache.py) are keyed on what they read. The school's records (actions,
log entries, cycles, questions) are covered by ``School.progress_version``, bumped by every
rewrite of its summary row, which every such write does (``domain/school_progress.refresh``);
everything else a school's page shows is covered here:

- who the people are: names, roles, memberships, deactivation, a move to another school, a new
  or deleted user or team, and the school's own name and settings;
- the thread of notes with PUF: a new, changed or deleted note, and a renamed or deleted author
  (PUF's people belong to no school: the schools they wrote to are looked up);
- the knowledge-sharing events the school is invited to: an example of the school's marked or
  unmarked, and a change to (or the deletion of) an event holding one of its examples.

A flush hook, not a call in each place that edits these, so that a new edit path cannot forget
it. Only the columns a page cannot show are ignored: logging in, a password, two-factor state,
the language a user chose.
"""

from __future__ import annotations

from itertools import chain
from typing import Any

from sqlalchemy import event, inspect, select, update
from sqlalchemy.orm import InstanceState, Session, UOWTransaction

from learningpack.models.people import School, Team, User
from learningpack.models.reporting import SchoolNote
from learningpack.models.sharing import EventExample, SharingEvent
from learningpack.models.types import utcnow

# Changes to these say nothing any page shows about the person.
UNSEEN = frozenset(
    {
        "password_hash",
        "session_version",
        "last_login_at",
        "totp_secret",
        "totp_last_step",
        "locale",  # the user's own pages are kept per language; no page shows another's
    }
)


def _school_ids(session: Session, obj: User | Team) -> set[int]:
    """The school the object belongs to, and the one it leaves if it moves."""
    state: InstanceState[User | Team] = inspect(obj)
    found = {obj.school_id} if obj.school_id is not None else set()
    school = state.dict.get("school")  # set but not yet flushed (no lazy load here)
    if school is not None and school.id is not None:
        found.add(school.id)
    if state.persistent and state.attrs.school_id.history.has_changes():
        # The old value is in the history only if it was loaded when it changed; the row
        # still has it (this runs before the flush writes the change).
        table = type(obj).__table__
        old = session.execute(select(table.c.school_id).where(table.c.id == obj.id)).scalar()
        if old is not None:
            found.add(int(old))
    return found


def _changes(obj: Any) -> set[str]:
    """The attributes changed in this flush, less the ones no page shows."""
    state: InstanceState[Any] = inspect(obj)
    return {attr.key for attr in state.attrs if attr.history.has_changes()} - UNSEEN


def _noted_schools(session: Session, user: User) -> set[int]:
    """The schools whose threads show the user as a note's author."""
    if user.id is None:
        return set()
    found = session.execute(
        select(SchoolNote.school_id).where(SchoolNote.author_id == user.id).distinct()
    )
    return set(found.scalars())


def _invited_schools(session: Session, event: SharingEvent) -> set[int]:
    """The schools with an example marked for the event (as the rows stand before the flush)."""
    if event.id is None:
        return set()
    found = session.execute(
        select(EventExample.school_id)
        .where(EventExample.event_id == event.id, EventExample.school_id.is_not(None))
        .distinct()
    )
    return {school_id for school_id in found.scalars() if school_id is not None}


def _schools_shown(session: Session, obj: object) -> set[int]:
    """The schools whose pages show ``obj`` (new, changed or deleted)."""
    if isinstance(obj, (User, Team)):
        found = _school_ids(session, obj)
        if isinstance(obj, User) and (obj not in session.dirty or "name" in _changes(obj)):
            found |= _noted_schools(session, obj)
        return found
    if isinstance(obj, (SchoolNote, EventExample)):
        return {obj.school_id} if obj.school_id is not None else set()
    if isinstance(obj, SharingEvent):
        return _invited_schools(session, obj)
    if isinstance(obj, School):
        return {obj.id} if obj.id is not None else set()
    return set()


WATCHED = (User, Team, School, SchoolNote, EventExample, SharingEvent)


@event.listens_for(Session, "before_flush")
def _bump_people_versions(session: Session, _context: UOWTransaction, _objects: Any) -> None:
    schools: set[int] = set()
    for obj in chain(session.new, session.deleted):
        if not isinstance(obj, School):  # a new school has no pages yet; a deleted one none
            schools |= _schools_shown(session, obj)
    for obj in session.dirty:
        if isinstance(obj, WATCHED) and _changes(obj):
            schools |= _schools_shown(session, obj)
    if schools:
        session.execute(
            update(School)
            .where(School.id.in_(sorted(schools)))
            .values(people_version=School.people_version + 1, changed_at=utcnow())
            .execution_options(synchronize_session=False)
        )
