"""Roles and school scoping, in one place: every view asks here who may see what.

Role × area matrix (DESIGN.md §1, §10):

| area                         | puf             | leader          | teacher         |
|------------------------------|-----------------|-----------------|-----------------|
| PUF overview, all schools    | read            | –               | –               |
| audit log                    | read, search    | –               | –               |
| a school's run and modules   | read, override  | own school: all | own school: read|
| actions and log entries      | read            | own school: all | own school: log |
| staff and teams              | leaders         | own school      | –               |
| a school's data export       | any school      | own school      | –               |
| knowledge bank: published    | read            | read            | read            |
| knowledge bank: proposals    | curate all      | own: propose    | own: read       |

Another school's object answers 404, as if it did not exist; the attempt is audited
(``access_probe``).

Every view declares its area with :func:`public` or :func:`role_required`; the declaration is
kept on the view (``access_area``) so that ``tests/test_route_access.py`` can check every rule in
the URL map against the documented matrix, and a route that declares nothing fails that test.
Object lookups (``school_or_404``, ``cycle_or_404``, ``action_or_404``) scope by the user's school.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps
from typing import Any, NoReturn, TypeVar

from flask import Flask, abort, flash, jsonify, redirect, request
from flask_login import current_user, login_required, login_url
from sqlalchemy import select
from werkzeug.wrappers import Response

from learningpack.api.errors import is_api_request
from learningpack.domain.access import (
    may_see_school,
    people_filter,
)
from learningpack.extensions import db, login_manager
from learningpack.models import Action, Cycle, Role, School, Team, User
from learningpack.models.audit import record
from learningpack.reads.corrections import R, scoped_record
from learningpack.reads.cycles import school_cycle, scoped_action
from learningpack.web.read_only import one_write

F = TypeVar("F", bound=Callable[..., Any])

# What a view declares: "public", or the frozenset of roles it lets in.
ACCESS_ATTR = "access_area"
PUBLIC = "public"

# Module slugs are lowercase a-z, 0-9 and "-" (content/loader.py checks the same); anything else is
# answered 404 before it reaches the database.
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")

START_PAGES = {
    Role.PUF: "puf.overview",
    Role.LEADER: "school.home",
    Role.TEACHER: "teacher.my_actions_page",
}


def unauthorized() -> Response | tuple[Response, int]:
    """Not logged in: the API answers 401 JSON; pages send the user to the login with ``next``."""

    if is_api_request():
        response = jsonify(error="unauthorized")
        response.headers["WWW-Authenticate"] = "Bearer"
        return response, 401
    if login_manager.login_message:
        flash(str(login_manager.login_message), login_manager.login_message_category)
    return redirect(login_url("auth.login", next_url=request.url))


def init_app(app: Flask) -> None:

    login_manager.unauthorized_handler(unauthorized)


def start_page_for(user: User) -> str:
    """The endpoint a user lands on after login."""
    return START_PAGES[Role(user.role)]


def _declare(view: Any, area: object) -> None:
    setattr(view, ACCESS_ATTR, area)


def access_area(view: Any) -> object | None:
    """What a view function declared: PUBLIC, a frozenset of roles, or None (undeclared)."""
    return getattr(view, ACCESS_ATTR, None)


def public(view: F) -> F:
    """Mark a view as open to everyone, logged in or not (login, the accessibility page…)."""
    _declare(view, PUBLIC)
    return view


# The JSON API (/api/v1/): a PUF user's bearer token, checked by api/routes.py before every view;
# a session cookie opens nothing there.
API_TOKEN = "api token"


def api_token(view: F) -> F:
    """Mark a view of the JSON API: only a valid PUF bearer token lets a request in."""
    _declare(view, API_TOKEN)
    return view


def role_required(*roles: Role) -> Callable[[F], F]:
    """Let only logged-in users with one of these roles in; others get 403 (and an audit line)."""

    def decorator(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles:
                deny()
            return view(*args, **kwargs)

        _declare(wrapped, frozenset(roles))
        return wrapped  # type: ignore[return-value]

    return decorator


def deny() -> None:
    """Refuse with 403 and write the denial to the audit log.

    Anything the request changed before it was refused is rolled back first, so that the
    audit commit never saves half a change.
    """
    _audit_refusal("access_denied")
    abort(403)


def not_found(probe: bool = False) -> NoReturn:
    """404, as if the object did not exist. ``probe``: it exists at another school, so the
    attempt goes to the audit log (``access_probe``) first."""
    if probe:
        _audit_refusal("access_probe")
    abort(404)


def _audit_refusal(verb: str) -> None:
    """One audit line for a refused request, after undoing whatever it changed; a GET may
    write this one row (web/read_only.py)."""
    db.session.rollback()
    user = current_user if current_user.is_authenticated else None
    with one_write():
        record(
            verb,
            actor=user,
            school_id=user.school_id if user is not None else None,
            path=request.path[:500],
            method=request.method,
        )
        db.session.commit()


def _exists(model: Any, object_id: int) -> bool:
    return db.session.scalar(select(model.id).where(model.id == object_id)) is not None


def require(allowed: bool) -> None:
    """403 (audited) unless allowed."""
    if not allowed:
        deny()


# ---------------------------------------------------------------------------------------------
# Scoped lookups: another school's object, or none, answers 404.


def school_or_404(user: User, school_id: int) -> School:
    """A school the user may see (PUF: any; staff: their own)."""
    if not may_see_school(user, school_id):
        not_found(probe=_exists(School, school_id))
    school = db.session.get(School, school_id)
    if school is None:
        abort(404)
    return school


def user_or_404(viewer: User, user_id: int) -> User:
    """A person the viewer manages: PUF anyone; a leader the own school's staff (not PUF)."""
    user = db.session.scalar(select(User).where(User.id == user_id, people_filter(viewer)))
    if user is None:
        not_found(probe=_exists(User, user_id))
    return user


def team_or_404(viewer: User, team_id: int) -> Team:
    """A team of the viewer's own school (PUF: any school's)."""
    team = db.session.get(Team, team_id)
    if team is None or not may_see_school(viewer, team.school_id):
        not_found(probe=team is not None)
    return team


def valid_slug(slug: str) -> bool:
    return bool(_SLUG.fullmatch(slug))


def cycle_or_404(user: User, school_id: int | None, slug: str) -> Cycle:
    """One module's cycle in the school's newest run, if the user may see that school."""

    if school_id is None or not valid_slug(slug):
        abort(404)
    if not may_see_school(user, school_id):
        not_found(probe=_exists(School, school_id))
    cycle = school_cycle(school_id, slug)
    if cycle is None:
        abort(404)
    return cycle


def action_or_404(user: User, action_id: int) -> Action:
    """An action of a school the user may see."""

    action = scoped_action(action_id, user)
    if action is None:
        not_found(probe=_exists(Action, action_id))
    return action


def record_or_404(user: User, model: type[R], record_id: int) -> R:
    """A meeting, log entry, follow-up, team question or reflection of a school the user may
    see; deleted or another school's answers 404."""
    found = scoped_record(model, record_id, user)
    if found is None:
        not_found(probe=_exists(model, record_id))
    return found
