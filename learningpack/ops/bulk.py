"""Writing many rows fast: explicit ids, plain dicts, chunks of Core inserts (COPY on PostgreSQL).

Used by the national demo data set (``national.py``); nothing here knows what the rows mean
beyond the parent-first order of the tables.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, insert, select, text

from learningpack.extensions import db
from learningpack.models import (
    Action,
    Cycle,
    FollowUp,
    LogEntry,
    Meeting,
    Reflection,
    Run,
    School,
    Team,
    TeamQuestion,
    User,
    action_owner,
    team_member,
)

CHUNK = 20_000


class BulkIds:
    """The next free id of each table, read once: rows get explicit ids, so children can refer
    to their parents without a round trip."""

    def __init__(self, *models: Any) -> None:
        self.next = {
            m.__tablename__: (db.session.scalar(select(func.max(m.id))) or 0) + 1 for m in models
        }

    def take(self, model: Any) -> int:
        value = self.next[model.__tablename__]
        self.next[model.__tablename__] = value + 1
        return value


class BulkRows:
    """Rows waiting to be inserted, flushed table by table in parent-first order."""

    ORDER: tuple[Any, ...] = (
        School.__table__, User.__table__, Team.__table__, team_member, Run.__table__,
        Cycle.__table__, Meeting.__table__, TeamQuestion.__table__, Reflection.__table__,
        Action.__table__, action_owner,
        LogEntry.__table__, FollowUp.__table__,
    )  # fmt: skip

    def __init__(self) -> None:
        self.pending: dict[Any, list[dict[str, Any]]] = {t: [] for t in self.ORDER}
        self.size = 0

    def add(self, table: Any, row: dict[str, Any]) -> None:
        self.pending[table].append(row)
        self.size += 1
        if self.size >= CHUNK:
            self.flush()

    def flush(self) -> None:
        copy = db.engine.dialect.name == "postgresql"
        for table in self.ORDER:
            rows = self.pending[table]
            if rows:
                if copy:
                    copy_rows(table, rows)
                else:
                    db.session.execute(insert(table), rows)
                rows.clear()
        self.size = 0


def copy_rows(table: Any, rows: list[dict[str, Any]]) -> None:
    """PostgreSQL's COPY: several times faster than INSERT for a bulk load. Every value here is
    a plain int, str, bool, date or aware datetime, which psycopg adapts as INSERT would."""
    columns = list(rows[0])
    names = ", ".join(f'"{c}"' for c in columns)
    cursor = db.session.connection().connection.cursor()
    with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:  # type: ignore[attr-defined]
        for row in rows:
            copy.write_row([row[c] for c in columns])


def reset_sequences(*models: Any) -> None:
    """After rows with explicit ids: PostgreSQL's id sequences continue after the largest."""
    if db.engine.dialect.name != "postgresql":
        return
    for model in models:
        table = model.__tablename__
        db.session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                f'(SELECT max(id) FROM "{table}"))'
            )
        )
