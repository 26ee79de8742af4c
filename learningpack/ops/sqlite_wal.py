"""SQLite in write-ahead-log mode, so that a long read does not make writers fail.

In SQLite's default rollback-journal mode a reader holds a shared lock for as long as its
SELECT runs, and a writer's commit waits for it: PUF's streaming XLSX export of 10,000 schools
reads for 5-6 s, longer than the 5 s a writer waits, so a teacher saving a log entry meanwhile
got "database is locked". In WAL mode readers and the one writer do not block each other; the
mode is kept in the database file. ``synchronous=NORMAL`` is the setting SQLite recommends with
WAL (a commit can be lost in a power cut, never corrupted). PostgreSQL is not touched.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import event

from learningpack.extensions import db


def init_app(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", write_ahead_log)


def write_ahead_log(dbapi_connection: Any, _record: Any) -> None:
    """On each new connection (an in-memory database stays in its own mode)."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()
