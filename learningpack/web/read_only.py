"""GET requests read and never write: on PostgreSQL they run without a transaction (issue 13).

psycopg opens a transaction with BEGIN as a round trip of its own, and the request's end sends
ROLLBACK: two of a light page's four round trips to the database (the user, the page's query,
BEGIN and ROLLBACK). A GET or HEAD request of a logged-in user, or with an API key, takes
its connection in AUTOCOMMIT at the start instead, so that each SELECT is its own statement.
Nothing about what a page sees changes: under READ COMMITTED, PostgreSQL's default, every
statement of a transaction takes its own snapshot anyway.

What makes that safe is the other half: a GET that writes would commit statement by statement,
and a failure half-way would leave half a change. So every GET and HEAD request, on every
database, refuses to send anything but a read (``_refuse_writes``), and a view that must write
on GET (an export that records who exported what) says so with ``writes_on_get``; it keeps its
transaction. The test suite visits every route, so a view that writes without saying so fails
there, not in production.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from flask import Flask, current_app, g, has_request_context, request, session
from sqlalchemy import event

from learningpack.extensions import db

F = TypeVar("F", bound=Callable[..., Any])

_READ_ONLY = "read_only_request"
_ONE_WRITE = "read_only_one_write"
_WRITES_ON_GET = "writes_on_get"
# What a read sends: SQLAlchemy's SELECTs and CTEs, SQLite's PRAGMAs.
_READS = ("SELECT", "WITH", "PRAGMA", "select", "with", "pragma")


class WriteInReadOnlyRequest(RuntimeError):
    """A GET or HEAD request sent a write, and its view does not say ``writes_on_get``."""


def writes_on_get(view: F) -> F:
    """Mark a view that writes when it answers GET: it keeps a transaction of its own."""
    setattr(view, _WRITES_ON_GET, True)
    return view


@contextmanager
def one_write() -> Iterator[None]:
    """Let one statement that is whole on its own write inside a GET (a key's "last used"
    time, once a minute): in AUTOCOMMIT it commits at once, and nothing can leave half of it.
    A second write in the block is refused like any other."""
    g.setdefault(_ONE_WRITE, True)
    try:
        yield
    finally:
        g.pop(_ONE_WRITE, None)


def commit_write() -> None:
    """Commit what a ``one_write`` block wrote. In AUTOCOMMIT it is committed already, and
    ending the session's transaction would hand the rest of the request a connection with a
    transaction again (BEGIN and ROLLBACK back), so there is nothing to do."""
    if not in_autocommit():
        db.session.commit()


def is_read_only() -> bool:
    """True inside a GET or HEAD request whose view does not write."""
    return has_request_context() and bool(g.get(_READ_ONLY))


def in_autocommit() -> bool:
    """True when the session's current connection runs without a transaction: asked of the
    connection itself (no round trip), so a rollback that gave it back is seen."""
    session = db.session()
    if not session.in_transaction():
        return False
    options = session.connection().get_execution_options()
    return bool(options.get("isolation_level") == "AUTOCOMMIT")


def _start() -> None:
    if request.method not in ("GET", "HEAD") or request.endpoint in (None, "static"):
        return
    view = current_app.view_functions.get(request.endpoint)
    if view is None or getattr(view, _WRITES_ON_GET, False):
        return
    g.setdefault(_READ_ONLY, True)
    # Only a logged-in user's request (the user's own read, the first of all) and an API
    # request (its key) are sure to query; on SQLite BEGIN and ROLLBACK never leave the
    # process, so there is nothing to save.
    if not _will_query() or db.session().in_transaction():
        return
    if db.engine.dialect.name != "postgresql":
        return
    db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def _will_query() -> bool:
    return "_user_id" in session or request.headers.get("Authorization", "")[:7] == "Bearer "


def _refuse_writes(
    _conn: Any, _cursor: Any, statement: str, _parameters: Any, _context: Any, _many: bool
) -> None:
    if statement.startswith(_READS) or not is_read_only():
        return
    if g.get(_ONE_WRITE):
        g.pop(_ONE_WRITE)
        return
    raise WriteInReadOnlyRequest(
        f"{request.method} {request.endpoint} sent a write ({statement[:60]!r}); a view "
        "that writes on GET must say so with @writes_on_get"
    )


def init_app(app: Flask) -> None:
    """Before any other hook that might read (the rate limiter's key, the session guard)."""
    app.before_request(_start)
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", _refuse_writes)
