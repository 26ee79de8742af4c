"""The app under test: its configuration, throw-away PostgreSQL databases, the test client."""

from __future__ import annotations

import contextvars
import uuid
from typing import Any

from flask.ctx import _cv_app
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from learningpack.extensions import db


def make_test_config(database_url: str, **overrides: Any) -> dict[str, Any]:
    config: dict[str, Any] = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production-0123456789",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "MAIL_IN_BACKGROUND": False,
        "SERVER_NAME": None,
    }
    config.update(overrides)
    return config


class PostgresDatabases:
    """Creates throw-away databases on the test server and drops them afterwards."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url
        self.created: list[str] = []

    def create(self) -> str:
        name = f"lp_test_{uuid.uuid4().hex[:12]}"
        engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        self.created.append(name)
        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            for name in self.created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


class IsolatedClient(FlaskClient):
    """A test client whose requests run in their own app context, as they do in production.

    The test's own session is committed before each request (so the request sees the test's
    data) and expired after it (so the test sees what the request changed).
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        db.session.commit()

        def in_fresh_context() -> Any:
            _cv_app.set(None)
            return super(IsolatedClient, self).open(*args, **kwargs)

        response = contextvars.copy_context().run(in_fresh_context)
        db.session.expire_all()
        return response
