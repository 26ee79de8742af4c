"""Shared fixtures: the app on SQLite, and on PostgreSQL for the tests that opt into it.

A test runs once, on SQLite. Where behaviour can differ by database it opts into PostgreSQL with
``@pytest.mark.both_backends`` (or ``pytestmark = pytest.mark.both_backends`` for a module), or
``@pytest.mark.postgres`` for PostgreSQL only. PostgreSQL comes from TEST_DATABASE_URL; without it
those runs skip, and under REQUIRE_POSTGRES=1 they fail.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import settings
from sqlalchemy import create_engine, text

from learningpack import create_app
from learningpack.config import normalise_database_url
from learningpack.content import EXTENSION_KEY as CONTENT_KEY
from learningpack.content.loader import load_library
from learningpack.extensions import db
from tests.apps import IsolatedClient, PostgresDatabases, make_test_config

# Property tests check behaviour; speed is `make bench`'s. Hypothesis's default deadline of
# 200 ms per example failed CI on a loaded machine (one render_markdown example took 607 ms).
settings.register_profile("learningpack", deadline=None)
settings.load_profile("learningpack")

REQUIRE_POSTGRES = os.environ.get("REQUIRE_POSTGRES") == "1"
PG_ADMIN_URL = normalise_database_url(os.environ.get("TEST_DATABASE_URL", ""))
BACKENDS = ["sqlite", "postgres"]


def postgres_unavailable_reason() -> str | None:
    """Why PostgreSQL tests cannot run here, or None if they can."""
    if not PG_ADMIN_URL:
        return "TEST_DATABASE_URL is not set"
    if not PG_ADMIN_URL.startswith("postgresql"):
        return "TEST_DATABASE_URL is not a PostgreSQL URL"
    try:
        engine = create_engine(PG_ADMIN_URL)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as error:  # pragma: no cover - depends on the machine
        return f"PostgreSQL is not reachable: {error.__class__.__name__}"
    return None


_PG_REASON = postgres_unavailable_reason()


def need_postgres() -> None:
    """Skip (on a laptop) or fail (in CI, REQUIRE_POSTGRES=1) when PostgreSQL is missing."""
    if _PG_REASON is None:
        return
    if REQUIRE_POSTGRES:
        pytest.fail(f"REQUIRE_POSTGRES=1 but {_PG_REASON}")
    pytest.skip(_PG_REASON)


@pytest.fixture(scope="session")
def pg_databases() -> Iterator[PostgresDatabases]:
    need_postgres()
    databases = PostgresDatabases(PG_ADMIN_URL)
    yield databases
    databases.drop_all()


@pytest.fixture(scope="session")
def postgres_url(request: pytest.FixtureRequest) -> str:
    """One database per test session; tables are emptied between tests."""
    databases: PostgresDatabases = request.getfixturevalue("pg_databases")
    url = databases.create()
    app = create_app(make_test_config(url))
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    return url


def _truncate_all() -> None:
    """Empty every table and restart the ids. DELETE, children first, in one round trip: a test
    leaves a few rows, and TRUNCATE of 36 tables (new files for each) took 0.23 s per test."""
    db.session.remove()
    with db.engine.begin() as conn:
        sequences = conn.scalars(
            text(
                "SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename)"
                " FROM pg_sequences"
            )
        ).all()
        conn.exec_driver_sql(
            "; ".join(
                [f'DELETE FROM "{t.name}"' for t in reversed(db.metadata.sorted_tables)]
                + [f"ALTER SEQUENCE {name} RESTART" for name in sequences]
            )
        )


@cache
def _library(content_dir: str) -> Any:
    """The content library, parsed once per worker (0.12 s for each of ~1,800 apps)."""
    return load_library(content_dir)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run a test on SQLite only, unless it (or its module) opts into PostgreSQL.

    ``@pytest.mark.both_backends`` runs it on SQLite and PostgreSQL (behaviour that may differ by
    database: SQL, sorting, constraints, transactions); ``@pytest.mark.postgres`` runs it on
    PostgreSQL only (locks, races). A test that parametrizes ``backend`` itself keeps its choice.
    """
    if "backend" not in metafunc.fixturenames:
        return
    for marker in metafunc.definition.iter_markers("parametrize"):
        names = marker.args[0]
        if "backend" in (names.replace(" ", "").split(",") if isinstance(names, str) else names):
            return
    both = metafunc.definition.get_closest_marker("both_backends") is not None
    postgres_only = metafunc.definition.get_closest_marker("postgres") is not None
    if both and postgres_only:
        raise pytest.UsageError(
            f"{metafunc.definition.nodeid}: both_backends or postgres, not both"
        )
    if both:
        metafunc.parametrize("backend", BACKENDS, indirect=True)
    elif postgres_only:
        metafunc.parametrize("backend", ["postgres"], indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """The database the test runs on: SQLite unless the test opted into PostgreSQL."""
    name = str(getattr(request, "param", "sqlite"))
    if name == "postgres":
        need_postgres()
    return name


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file with the empty schema, made once per test process: each test copies it
    (a file copy is milliseconds; ``create_all`` is ~0.15 s, paid by a thousand tests)."""
    path = tmp_path_factory.mktemp("schema") / "empty.sqlite"
    app = create_app(make_test_config(f"sqlite:///{path}"))
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    return path


@pytest.fixture
def app(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Flask]:
    """The app with an empty schema, on each backend."""
    if backend == "postgres":
        url = request.getfixturevalue("postgres_url")
    else:
        database = tmp_path / "test.sqlite"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), database)
        url = f"sqlite:///{database}"
    overrides = getattr(request, "param", None) or {}
    overrides = {"BANK_UPLOAD_DIR": str(tmp_path / "bank-files"), **overrides}
    application = create_app(make_test_config(url, **overrides))
    application.test_client_class = IsolatedClient
    if "CONTENT_DIR" not in overrides:  # the library is immutable; a test's own folder is read
        application.extensions[CONTENT_KEY] = _library(application.config["CONTENT_DIR"])
    with application.app_context():
        yield application
        if backend == "postgres":
            _truncate_all()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def openid_provider() -> Iterator[str]:
    """A real OpenID provider (oidc-provider-mock) on 127.0.0.1: its issuer URL."""
    from tests.apps import mock_openid_provider

    served = mock_openid_provider()
    yield served.url
    served.stop()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


@pytest.fixture
def package(app: Flask) -> Any:
    from learningpack.content import get_library

    return get_library().package("foraeldresamarbejde")


@pytest.fixture
def smtp(app: Flask) -> Iterator[Any]:
    """A real SMTP server the app sends its mail to (tests/apps.py ``SmtpSink``)."""
    from tests.apps import SmtpSink

    sink = SmtpSink()
    app.config.update(sink.config())
    yield sink
    sink.stop()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Make ``--dist loadgroup`` group again: pytest-xdist 3.8 marks a grouped test by setting
    ``item._nodeid``, which pytest 9 no longer reads (the id lives in ``item._id``), so every
    test of an ``xdist_group`` went to any worker and, e.g., each worker built its own
    production deployment. The id gets the ``@group`` suffix xdist's scheduler splits on."""
    if not config.pluginmanager.hasplugin("xdist") or not config.getoption("loadgroup", False):
        return
    try:
        from _pytest.nodeid import coerce_node_id
    except ImportError:  # pytest 8: xdist's own ``_nodeid`` suffix works there
        return
    for item in items:
        names = sorted({str(m.args[0]) for m in item.iter_markers("xdist_group") if m.args})
        if names and "@" not in item.nodeid:
            item._id = coerce_node_id(f"{item.nodeid}@{'_'.join(names)}")  # type: ignore[attr-defined]
