"""Roles and school scoping, in one place: every view asks here who may see what.

Role × area matrix (DESIGN.md §1, §10):

| area                         | puf             | leader          | teacher         |
|------------------------------|-----------------|-----------------|-----------------|
| PUF overview, all schools    | read            | –               | –               |
| a school's run and modules   | read, override  | own school: all | own school: read|
| actions and log entries      | read            | own school: all | own school: log |
| staff and teams              | leaders         | own school      | –               |

Another school's object answers 404, as if it did not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, request
from flask_login import current_user, login_required
from sqlalchemy import ColumnElement, false, true

from learningpack.extensions import db
from learningpack.models import Role, User
from learningpack.models.audit import record

F = TypeVar("F", bound=Callable[..., Any])

START_PAGES = {
    Role.PUF: "puf.overview",
    Role.LEADER: "facilitation.school",
    Role.TEACHER: "teacher.my_actions_page",
}


def start_page_for(user: User) -> str:
    """The endpoint a user lands on after login."""
    return START_PAGES[Role(user.role)]


def role_required(*roles: Role) -> Callable[[F], F]:
    """Let only logged-in users with one of these roles in; others get 403 (and an audit line)."""

    def decorator(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles:
                deny()
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def deny() -> None:
    """Refuse with 403 and write the denial to the audit log."""
    user = current_user if current_user.is_authenticated else None
    record("access_denied", actor=user, path=request.path, method=request.method)
    db.session.commit()
    abort(403)


def school_filter(user: User, school_id_column: ColumnElement[Any] | Any) -> ColumnElement[bool]:
    """The WHERE clause that limits a school-owned query to what this user may see."""
    if user.role == Role.PUF:
        return true()
    if user.school_id is None:
        return false()
    return school_id_column == user.school_id  # type: ignore[no-any-return]


def can_facilitate(user: User, school_id: int) -> bool:
    """Leaders facilitate their own school's run; nobody else records in it."""
    return user.role == Role.LEADER and user.school_id == school_id


def can_log_on(user: User, action: Any) -> bool:
    """Who may log on an action: the school's leader, its owners and its team's members."""
    school_id = action.cycle.run.school_id
    if user.school_id != school_id or user.role == Role.PUF:
        return False
    if user.role == Role.LEADER:
        return True
    if any(owner.id == user.id for owner in action.owners):
        return True
    # The user's own teams: one load per request, however many actions are checked.
    return action.team_id is not None and action.team_id in {t.id for t in user.teams}


def require(allowed: bool) -> None:
    """403 (audited) unless allowed."""
    if not allowed:
        deny()
