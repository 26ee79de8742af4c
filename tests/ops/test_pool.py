"""The pool tests a connection before use only when it sat idle (ops/pool.py): one round trip
less on every request, and still no stale connection after a quiet spell."""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from learningpack.extensions import db
from learningpack.ops import pool

pytestmark = pytest.mark.both_backends  # the drivers fail differently


@pytest.fixture
def pings(app: Flask, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The tests the pool makes, from an empty pool."""
    db.session.remove()
    db.engine.dispose()
    calls: list[Any] = []
    real = pool.ping

    def counted(connection: Any) -> None:
        calls.append(connection)
        real(connection)

    monkeypatch.setattr(pool, "ping", counted)
    return calls


def _select_one() -> Any:
    """One use of a pooled connection; the driver's connection it used."""
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT 1")).scalar() == 1
        return connection.connection.dbapi_connection


def _idle_for(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    later = time.monotonic() + seconds
    monkeypatch.setattr(pool, "time", SimpleNamespace(monotonic=lambda: later))


def test_a_new_connection_is_tested_and_one_used_a_moment_ago_is_not(pings: list[Any]) -> None:
    first = _select_one()
    assert pings == [first]
    assert _select_one() is first
    assert pings == [first]


def test_a_connection_idle_for_long_is_tested_and_a_dead_one_replaced(
    pings: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    dead = _select_one()
    dead.close()  # e.g. the database restarted while the connection sat in the pool
    _idle_for(monkeypatch, 11)
    fresh = _select_one()
    assert fresh is not dead
    assert pings[1] is dead  # tested, failed, replaced without an error to the request


def test_a_connection_that_died_just_after_use_fails_once_then_the_pool_recovers(
    pings: list[Any],
) -> None:
    dead = _select_one()
    dead.close()
    with pytest.raises(DBAPIError) as failed:
        _select_one()
    assert failed.value.connection_invalidated
    assert _select_one() is not dead


def test_a_tested_connection_is_handed_out_idle_so_it_may_switch_to_autocommit(
    pings: list[Any],
) -> None:
    """The user's read at the start of a request takes its connection in autocommit (on
    PostgreSQL, web/session_guard.py); psycopg refuses that inside a transaction, which the
    test's SELECT 1 had left open: the first request on a new connection was a 500."""
    autocommit = db.engine.execution_options(isolation_level="AUTOCOMMIT")
    with autocommit.connect() as connection:
        assert connection.execute(text("SELECT 1")).scalar() == 1
    assert len(pings) == 1
