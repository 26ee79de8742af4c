"""The app under test: its configuration, throw-away PostgreSQL databases, the test client."""

from __future__ import annotations

import contextvars
import os
import socket
import subprocess
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import pytest
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
        "SERVER_NAME": None,
        "LOG_JSON": False,  # the process's logging is pytest's (tests/ops/test_logs.py opts in)
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


# Servers the tests start as separate processes (gunicorn), and the Redis they share.
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


def redis_client() -> Any:
    """A client for the test database, or skip (fail with REQUIRE_REDIS=1) when unreachable."""
    try:
        import redis

        client = redis.Redis.from_url(REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
        client.ping()
    except Exception as error:
        reason = f"Redis is not reachable at {REDIS_URL}: {error.__class__.__name__}"
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(f"REQUIRE_REDIS=1 but {reason}")
        pytest.skip(reason)
    return client


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, proc: subprocess.Popen[bytes], log: Path, probe: str) -> None:
    """Poll ``probe`` (e.g. /healthz) until it answers 200; fail with the log's tail if the
    server exits or is not up within 40 s."""
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail("gunicorn exited:\n" + log.read_text(encoding="utf-8")[-3000:])
        try:
            with urllib.request.urlopen(f"{url}{probe}", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"{probe} did not answer 200 within 40 s:\n" + log.read_text()[-3000:])
