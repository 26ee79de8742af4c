"""Sessions: who is logged in, and when a session must end (version bump, idle, absolute age)."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from typing import cast

from flask import Flask, current_app, flash, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user, logout_user, user_logged_in
from sqlalchemy import Engine, Select, bindparam, case, func, select
from sqlalchemy.orm import joinedload, with_expression
from werkzeug.wrappers import Response

from learningpack.domain.notices import unread_count_query
from learningpack.extensions import db
from learningpack.models import Role, School, User
from learningpack.ops.logs import remember_user
from learningpack.web.read_only import in_autocommit

LOGIN_AT_KEY = "login_at"
# Between the password step and the code step of a two-factor login (not logged in yet).
PENDING_USER_KEY = "pending_user"
PENDING_AT_KEY = "pending_at"
PENDING_NEXT_KEY = "pending_next"


@cache
def _user_statement() -> Select[User]:
    """The user by id with their school, the header's unread count and the newest change to any
    school in the same query (no extra query on any page). Built once: SQLAlchemy keeps a
    statement's cache key with the statement, and building it (as ``Session.get`` does each
    time) was a tenth of a kept page."""
    unread = with_expression(User.unread_notices, unread_count_query(User.id))
    # For the key of PUF's pages across all schools (web/fragment_cache.all_schools_key): one
    # index look-up, read at the start of the request, before any page is rendered. PUF's
    # only: the CASE leaves the subquery unrun for the schools' staff (0.15 ms a request on
    # PostgreSQL at 10,000 schools).
    newest = with_expression(
        User.schools_changed_at,
        case(
            (User.role == Role.PUF, select(func.max(School.changed_at)).scalar_subquery()),
            else_=None,
        ),
    )
    return (
        select(User)
        .where(User.id == bindparam("user_id"))
        .options(joinedload(User.school), unread, newest)
    )


_AUTOCOMMIT = "learningpack.autocommit_engine"


def _autocommit_bind() -> Engine | None:
    """On PostgreSQL, the app's engine without a transaction (AUTOCOMMIT), for the user's one
    read at the start of a request that may write (a POST): the read is one round trip, not
    BEGIN, SELECT and ROLLBACK, and the request's changes keep their own transaction. A GET
    holds its whole session in AUTOCOMMIT instead (web/read_only.py). None on SQLite, where
    BEGIN and ROLLBACK do not leave the process."""
    engine = db.engine
    if engine.dialect.name != "postgresql":
        return None
    kept = current_app.extensions.get(_AUTOCOMMIT)
    if kept is None or kept[0] is not engine:
        kept = (engine, engine.execution_options(isolation_level="AUTOCOMMIT"))
        current_app.extensions[_AUTOCOMMIT] = kept
    return cast("Engine", kept[1])


def load_user(session_id: str) -> User | None:
    """Flask-Login's loader: the id is "user_id:session_version"; a stale version is no user.

    The read is a statement of its own (``_autocommit_bind``); the request's other statements,
    and any change to the user, run in the session's transaction as before."""
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    # A GET's session already holds its connection in AUTOCOMMIT (web/read_only.py).
    bind = None if in_autocommit() else _autocommit_bind()
    user = db.session.execute(
        _user_statement(),
        {"user_id": int(user_id)},
        bind_arguments={"bind": bind} if bind is not None else None,
    ).scalar_one_or_none()
    if user is None or not user.may_log_in or user.session_version != int(version):
        return None
    remember_user(user.id, user.school_id)
    return user


def _remember_logged_in(_app: Flask, user: User, **_extra: object) -> None:
    remember_user(user.id, user.school_id)


def enforce_absolute_lifetime() -> Response | None:
    """End a session older than SESSION_ABSOLUTE_LIFETIME, however active it was."""
    if not current_user.is_authenticated:
        return None
    started = session.get(LOGIN_AT_KEY)
    limit = current_app.config["SESSION_ABSOLUTE_LIFETIME"]
    now = datetime.now(UTC).timestamp()
    if started is None or now - float(started) > limit.total_seconds():
        logout_user()
        session.clear()
        flash(_l("Du er blevet logget ud, fordi din session var udløbet. Log ind igen."), "info")
        return redirect(url_for("auth.login", next=request.full_path))
    return None


def init_app(app: Flask, login_manager: LoginManager) -> None:
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Log ind for at se siden.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    # The login request's own log line names who logged in (later requests load the user).
    user_logged_in.connect(_remember_logged_in, app)
    app.before_request(enforce_absolute_lifetime)
