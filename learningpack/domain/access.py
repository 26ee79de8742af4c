"""Who may see and do what, school by school: the rules every lookup and view asks.

A school's data is visible to that school's users and to PUF, never to another school. The web
layer (web/access.py) turns these answers into 403/404 responses and declares each view's area.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, false, true

from learningpack.models import Role, User


def school_filter(user: User, school_id_column: ColumnElement[Any] | Any) -> ColumnElement[bool]:
    """The WHERE clause that limits a school-owned query to what this user may see."""
    if user.role == Role.PUF:
        return true()
    if user.school_id is None:
        return false()
    return school_id_column == user.school_id


def people_filter(viewer: User) -> ColumnElement[bool]:
    """The WHERE clause for the people a viewer manages: PUF anyone; a leader the own school's
    staff, never PUF."""
    if viewer.role == Role.PUF:
        return true()
    return and_(school_filter(viewer, User.school_id), User.role != Role.PUF)


def may_see_school(user: User, school_id: int) -> bool:
    """PUF sees every school; staff see their own."""
    return user.role == Role.PUF or (user.school_id is not None and user.school_id == school_id)


def can_facilitate(user: User, school_id: int) -> bool:
    """Leaders facilitate their own school's run; nobody else records in it."""
    return user.role == Role.LEADER and user.school_id == school_id


def can_export_school(user: User, school_id: int) -> bool:
    """A school's data export: its own leader, or PUF for any school."""
    return user.role == Role.PUF or can_facilitate(user, school_id)


def can_log_on(user: User, action: Any) -> bool:
    """Who may log on an action: the school's leader, its owners, its team's members and its
    observer."""
    school_id = action.cycle.run.school_id
    if user.school_id != school_id or user.role == Role.PUF:
        return False
    if user.role == Role.LEADER:
        return True
    if action.observer_id == user.id or any(owner.id == user.id for owner in action.owners):
        return True
    # The user's own teams: one load per request, however many actions are checked.
    return action.team_id is not None and action.team_id in {t.id for t in user.teams}
