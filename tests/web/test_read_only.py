"""GET and HEAD requests read and never write (web/read_only.py): on PostgreSQL a logged-in
user's GET runs without a transaction (no BEGIN, no ROLLBACK); on every database a GET that
writes without saying so is refused before the write is sent."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_login import current_user
from sqlalchemy import event, select, update

from learningpack.domain.api_keys import create_api_key
from learningpack.extensions import db
from learningpack.models import ApiToken, User
from learningpack.web.read_only import WriteInReadOnlyRequest, one_write, writes_on_get
from tests.factories import SchoolFactory, login, make_puf, make_teacher


def _set_locale(locale: str) -> None:
    db.session.execute(update(User).where(User.id == current_user.id).values(locale=locale))


def _locale(user_id: int) -> str:
    db.session.remove()
    return str(db.session.scalar(select(User.locale).where(User.id == user_id)))


def _logged_in(client: FlaskClient) -> int:
    teacher = make_teacher(SchoolFactory(), locale="da")
    db.session.commit()
    login(client, teacher)
    return int(teacher.id)


@pytest.mark.both_backends
def test_a_get_that_writes_without_saying_so_is_refused_before_the_write(
    app: Flask, client: FlaskClient
) -> None:
    def unmarked() -> str:
        _set_locale("en")
        db.session.commit()
        return "written"

    app.add_url_rule("/proeve/skriver", "writes_unmarked", unmarked)
    user_id = _logged_in(client)
    with pytest.raises(WriteInReadOnlyRequest, match="writes_unmarked"):
        client.get("/proeve/skriver")
    with pytest.raises(WriteInReadOnlyRequest):
        client.head("/proeve/skriver")
    assert _locale(user_id) == "da"


@pytest.mark.both_backends
def test_a_view_that_says_it_writes_on_get_writes_in_one_transaction(
    app: Flask, client: FlaskClient
) -> None:
    @writes_on_get
    def marked() -> str:
        _set_locale("en")
        db.session.flush()
        if client_fails["now"]:
            raise RuntimeError("half-way")
        db.session.commit()
        return "written"

    client_fails = {"now": True}
    app.add_url_rule("/proeve/skriver", "writes_marked", marked)
    user_id = _logged_in(client)
    with pytest.raises(RuntimeError, match="half-way"):
        client.get("/proeve/skriver")
    assert _locale(user_id) == "da"  # the failure undid the change: a transaction
    client_fails["now"] = False
    assert client.get("/proeve/skriver").status_code == 200
    assert _locale(user_id) == "en"


@pytest.mark.both_backends
def test_one_write_lets_one_statement_through_and_no_more(app: Flask, client: FlaskClient) -> None:
    def one_then_another() -> str:
        with one_write():
            _set_locale("en")
            db.session.commit()
        _set_locale("da")
        return "not reached"

    def two_in_one() -> str:
        with one_write():
            _set_locale("en")
            _set_locale("da")
        return "not reached"

    app.add_url_rule("/proeve/skriver", "one_write", one_then_another)
    app.add_url_rule("/proeve/to", "two_in_one", two_in_one)
    user_id = _logged_in(client)
    with pytest.raises(WriteInReadOnlyRequest):
        client.get("/proeve/skriver")
    assert _locale(user_id) == "en"
    with pytest.raises(WriteInReadOnlyRequest, match="two_in_one"):
        client.get("/proeve/to")


def _statements(client: FlaskClient, method: str, path: str, **kwargs: Any) -> list[Any]:
    seen: list[tuple[str, bool]] = []

    def before(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append((statement, conn.connection.dbapi_connection.autocommit))

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        response = client.open(path, method=method, **kwargs)
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    assert response.status_code in (200, 302), response.status_code
    return seen


@pytest.mark.postgres
def test_a_logged_in_get_runs_without_a_transaction_and_a_post_keeps_its_own(
    app: Flask, client: FlaskClient
) -> None:
    _logged_in(client)
    on_get = _statements(client, "GET", "/beskeder")
    assert len(on_get) >= 2, on_get  # the user, then the page's own read
    assert all(autocommit for _statement, autocommit in on_get), on_get
    # A POST after it, on the pooled connection the GET gave back: the user is read outside
    # the transaction, the change inside one.
    on_post = _statements(client, "POST", "/beskeder/alle-laest", data={})
    first, *rest = on_post
    assert first[1] is True and 'FROM "user"' in first[0]
    assert rest and all(autocommit is False for _statement, autocommit in rest), rest


@pytest.mark.postgres
def test_an_api_get_runs_without_a_transaction_and_notes_the_keys_use(
    app: Flask, client: FlaskClient
) -> None:
    made = create_api_key(make_puf(), "Test", 30)
    db.session.commit()
    key_id = made.key.id
    headers = {"Authorization": f"Bearer {made.secret}"}
    seen = _statements(client, "GET", "/api/v1/progress", headers=headers)
    assert any(statement.startswith("UPDATE api_token") for statement, _ac in seen), seen
    assert all(autocommit for _statement, autocommit in seen), seen
    db.session.remove()
    assert db.session.get(ApiToken, key_id).last_used_at is not None  # committed
