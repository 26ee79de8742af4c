"""/readyz in one process: each check's states, the JSON, the log of a change (ops/health.py).

The two-node and degradation runs with real gunicorn, PostgreSQL and Redis are in
test_production.py; here the states are produced directly, on SQLite.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from learningpack import create_app
from learningpack.config import data_dir
from learningpack.extensions import db
from learningpack.ops.health import migration_heads
from tests.apps import free_port, make_test_config


def stamp(revision: str | None = None) -> None:
    """Mark the test schema (made by create_all) as migrated to ``revision`` (default: head)."""
    head = revision or sorted(migration_heads(str(data_dir("migrations"))))[0]
    db.session.execute(text("CREATE TABLE IF NOT EXISTS alembic_version (version_num TEXT)"))
    db.session.execute(text("DELETE FROM alembic_version"))
    db.session.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": head})
    db.session.commit()


def checks(client: FlaskClient, status: int) -> dict[str, str]:
    response = client.get("/readyz")
    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/json"
    body = response.get_json()
    assert body["status"] == ("ready" if status == 200 else "not ready")
    return dict(body["checks"])


@pytest.mark.both_backends
def test_ready_when_migrated_to_head(app: Flask, client: FlaskClient) -> None:
    assert checks(client, 503)["migrations"] == "not migrated"
    try:
        stamp()
        assert checks(client, 200) == {
            "database": "ok",
            "migrations": "ok",
            "limits": "ok",
            "content": "ok",
        }
        stamp("0001")
        assert checks(client, 503)["migrations"] == "not at head"
    finally:  # PostgreSQL's test database is shared by the session's tests
        db.session.execute(text("DROP TABLE alembic_version"))
        db.session.commit()


def test_an_unreachable_database_is_named(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse() -> None:
        raise OperationalError("connect", {}, Exception("connection refused"))

    monkeypatch.setattr(db.engine, "connect", refuse)
    assert checks(client, 503) | {"content": "ok"} == {
        "database": "unreachable",
        "migrations": "unknown",
        "limits": "ok",
        "content": "ok",
    }


@pytest.mark.parametrize(
    "app",
    [{"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{free_port()}/0"}],
    indirect=True,
)
def test_unreachable_redis_is_named(app: Flask, client: FlaskClient) -> None:
    stamp()
    assert checks(client, 503)["limits"] == "unreachable"


@pytest.mark.parametrize("app", [{"RATELIMIT_ENABLED": True}], indirect=True)
def test_a_storage_that_fails_its_own_check_counts_as_unreachable(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from learningpack.extensions import limiter

    def broken() -> bool:
        raise RuntimeError("no")

    stamp()
    app.config["RATELIMIT_STORAGE_URI"] = "redis://example.invalid:6379/0"
    monkeypatch.setattr(limiter.storage, "check", broken)
    assert checks(client, 503)["limits"] == "unreachable"


def test_missing_or_broken_content_is_named(tmp_path: Path) -> None:
    for content_dir, broken in ((tmp_path / "empty", False), (tmp_path / "bad", True)):
        content_dir.mkdir()
        if broken:
            (content_dir / "pakke").mkdir()
            (content_dir / "pakke" / "package.yaml").write_text("slug: [", encoding="utf-8")
        config = make_test_config(
            f"sqlite:///{tmp_path / 'c.sqlite'}", CONTENT_DIR=str(content_dir)
        )
        application = create_app(config)
        with application.app_context():
            db.create_all()
            assert checks(application.test_client(), 503)["content"] == "invalid"
            db.engine.dispose()


def test_a_change_of_readiness_is_logged_once(
    app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="learningpack.health"):
        checks(client, 503)
        checks(client, 503)
        stamp()
        checks(client, 200)
        checks(client, 200)
    messages = [r.getMessage() for r in caplog.records if r.name == "learningpack.health"]
    assert messages == ["not ready: migrations", "ready"]


@pytest.mark.parametrize(
    "app",
    [{"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{free_port()}/0"}],
    indirect=True,
)
def test_probes_need_no_login_make_no_session_and_pass_the_rate_limiter(
    app: Flask, client: FlaskClient
) -> None:
    """With the limit storage unreachable, a limited request is refused (503, the limits-down
    page), while the probes answer for themselves: the limiter never stands in their way."""
    refused = app.test_client().post("/login").get_data(as_text=True)
    assert "Log ind er midlertidigt lukket" in refused
    for _ in range(5):  # a probe sends no cookie
        health = client.get("/healthz")
        assert health.status_code == 200 and health.get_json() == {"status": "ok"}
        ready = client.get("/readyz")
        assert ready.status_code == 503 and ready.get_json()["checks"]["limits"] == "unreachable"
        for response in (health, ready):
            assert "Set-Cookie" not in response.headers
