"""The user's read at the start of every request (web/session_guard.py): on PostgreSQL outside
a transaction, so a page that reads nothing else costs one round trip, not BEGIN, SELECT and
ROLLBACK; the request's own statements keep their transaction."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event

from learningpack.extensions import db
from tests.factories import SchoolFactory, login, make_teacher


@pytest.mark.postgres
def test_the_user_is_read_in_autocommit_and_the_page_in_its_transaction(
    client: FlaskClient,
) -> None:
    teacher = make_teacher(SchoolFactory())
    db.session.commit()
    login(client, teacher)
    seen: list[tuple[str, bool]] = []

    def before(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append((statement, conn.connection.dbapi_connection.autocommit))

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        assert client.get("/beskeder").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    assert len(seen) >= 2, seen  # the user, then the page's own reads
    first, *rest = seen
    assert first[1] is True and 'FROM "user"' in first[0]
    assert all(autocommit is False for _statement, autocommit in rest)
