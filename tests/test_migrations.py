"""Migrations: one head, upgrade from empty, match the models, downgrade — on both databases."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from learningpack import create_app
from learningpack.config import PROJECT_ROOT
from learningpack.extensions import db
from learningpack.models.bank import include_name
from tests.apps import PostgresDatabases, make_test_config

MIGRATIONS = PROJECT_ROOT / "migrations"


@pytest.fixture(params=["sqlite", "postgres"])
def empty_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """An app on a brand-new, empty database (no create_all)."""
    if request.param == "postgres":
        databases: PostgresDatabases = request.getfixturevalue("pg_databases")
        url = databases.create()
    else:
        url = f"sqlite:///{tmp_path / 'migrate.sqlite'}"
    app = create_app(make_test_config(url))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def test_single_head() -> None:
    script = ScriptDirectory(str(MIGRATIONS))
    assert len(script.get_heads()) == 1


def test_upgrade_matches_models_and_downgrades(empty_app: Flask) -> None:
    upgrade(directory=str(MIGRATIONS))
    tables = set(inspect(db.engine).get_table_names())
    assert {t.name for t in db.metadata.sorted_tables} <= tables

    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": include_name}
        )
        diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models and migrations differ: {diff}"

    downgrade(directory=str(MIGRATIONS), revision="base")
    remaining = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
    assert remaining == set()


def test_flask_db_check_passes_after_upgrade(empty_app: Flask) -> None:
    upgrade(directory=str(MIGRATIONS))
    result = empty_app.test_cli_runner().invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output
