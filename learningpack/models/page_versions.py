"""Bump ``School.people_version`` in the same flush as any change to a school's staff or teams.

Cached pages (web/fragment_cache.py) are keyed on what they read. The school's records (actions,
log entries, cycles, questions) are covered by ``School.progress_version``, bumped by every
rewrite of its summary row, which every such write does (``domain/school_progress.refresh``);
who the people are is covered here: names, roles, memberships, deactivation, a move to another
school, a new or deleted user or team, and the school's own name and settings. A flush hook,
not a call in each place that edits people, so that a new edit path cannot forget it.
Only the columns a page cannot show are ignored: logging in, a password, two-factor state,
the language a user chose.
"""

from __future__ import annotations

from itertools import chain
from typing import Any

from sqlalchemy import event, inspect, select, update
from sqlalchemy.orm import InstanceState, Session, UOWTransaction

from learningpack.models.people import School, Team, User

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


def _changed(obj: User | Team | School) -> bool:
    state: InstanceState[User | Team | School] = inspect(obj)
    return any(attr.key not in UNSEEN and attr.history.has_changes() for attr in state.attrs)


@event.listens_for(Session, "before_flush")
def _bump_people_versions(session: Session, _context: UOWTransaction, _objects: Any) -> None:
    schools: set[int] = set()
    for obj in chain(session.new, session.deleted):
        if isinstance(obj, (User, Team)):
            schools |= _school_ids(session, obj)
    for obj in session.dirty:
        if isinstance(obj, (User, Team)) and _changed(obj):
            schools |= _school_ids(session, obj)
        elif isinstance(obj, School) and obj.id is not None and _changed(obj):
            schools.add(obj.id)
    if schools:
        session.execute(
            update(School)
            .where(School.id.in_(sorted(schools)))
            .values(people_version=School.people_version + 1)
            .execution_options(synchronize_session=False)
        )
