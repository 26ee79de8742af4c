"""The connection pool's test before use, for connections that sat idle (issue 13).

SQLAlchemy's ``pool_pre_ping`` sends ``SELECT 1`` at every checkout: on PostgreSQL one round
trip more for every request, 0.5–1 ms of a kept page's 3 ms. A connection checked in less than
``DB_PING_AFTER_IDLE`` seconds ago (default 10) was working a moment ago and is used as it is;
one idle for longer, or new, is tested first, and a failed test makes the pool replace it
(``DisconnectionError``: the pool connects afresh, up to three times).

What this gives up: when the database goes away within those seconds of a connection's last
use, the next request on that connection fails (a 503, web/errors.py) instead of waiting for a
new connection; SQLAlchemy then recognises the disconnect and drops every older connection of
the pool, so the requests after it connect afresh.
"""

from __future__ import annotations

import time
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection

from learningpack.extensions import db

_LAST_USED = "learningpack.last_used"


def init_app(app: Flask) -> None:
    idle = float(app.config.get("DB_PING_AFTER_IDLE", 10.0))
    with app.app_context():
        pool = db.engine.pool

    def checked_in(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        record.info[_LAST_USED] = time.monotonic()

    def checked_out(
        dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: PoolProxiedConnection
    ) -> None:
        last = record.info.get(_LAST_USED)
        if last is not None and time.monotonic() - last < idle:
            return
        ping(dbapi_connection)

    event.listen(pool, "checkin", checked_in)
    event.listen(pool, "checkout", checked_out)


def ping(dbapi_connection: Any) -> None:
    """``SELECT 1`` on the driver's connection; any failure makes the pool replace it."""
    try:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("SELECT 1")
            cursor.fetchall()
        finally:
            cursor.close()
        # Idle again, as the pool hands it out: the user's read at the start of a request
        # switches its connection to autocommit (web/session_guard.py), which psycopg allows
        # only outside a transaction.
        dbapi_connection.rollback()
    except Exception as error:  # the driver's own errors differ (psycopg, sqlite3)
        raise DisconnectionError(f"the pooled connection failed its test: {error}") from error
