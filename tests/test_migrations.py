"""Migrations: one head, upgrade from empty, match the models, downgrade — on both databases."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

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


PRE_0006 = [
    "INSERT INTO school (id, name, district, created_at) VALUES (1, 'Gammelskolen', 'Nord', "
    "'2026-01-01 00:00:00+00')",
    "INSERT INTO run (id, school_id, package_slug, year_label, started_at) VALUES "
    "(1, 1, 'skole-hjem', '2025/26', '2026-01-01 00:00:00+00')",
    "INSERT INTO cycle (id, run_id, module_slug, position, state, local_notes, local_questions, "
    "summary_learned, summary_keep, summary_next, phase) VALUES "
    "(1, 1, 'a', 1, 'completed', '', '', 'L', 'K', 'N', 'ready'), "
    "(2, 1, 'b', 2, 'active', '', '', '', '', '', 'follow_up')",
    "INSERT INTO cycle_session (id, cycle_id, held_on, kind, participants, notes, decisions, "
    "created_at) VALUES (1, 1, '2026-01-05', 'input', 'Alle', 'Noter', '', "
    "'2026-01-05 00:00:00+00'), (2, 2, '2026-02-05', 'input', 'Alle', 'Noter', '', "
    "'2026-02-05 00:00:00+00')",
    "INSERT INTO action (id, cycle_id, title, what, expectation, how_notice, period_start, "
    "period_end, status, created_at, updated_at) VALUES "
    "(1, 1, 'Kaffe', 'W', 'E', 'H', '2026-01-06', '2026-01-20', 'planned', "
    "'2026-01-06 00:00:00+00', '2026-01-06 00:00:00+00'), "
    "(2, 2, 'Droppet', 'W', 'E', 'H', '2026-02-06', '2026-02-20', 'dropped', "
    "'2026-02-06 00:00:00+00', '2026-02-06 00:00:00+00')",
    "INSERT INTO log_entry (id, action_id, happened_on, text, observation, created_at) VALUES "
    "(1, 1, '2026-01-07', 'Gjort', '', '2026-01-07 00:00:00+00')",
    "INSERT INTO follow_up (id, action_id, outcome, learning, recorded_at) VALUES "
    "(1, 1, 'keep', 'Lært', '2026-01-21 00:00:00+00')",
    "UPDATE cycle SET action_count = 1, done_action_count = 0",
]


def upgrade_with_rows(revision: str, statements: list[str]) -> None:
    """Upgrade to ``revision``, insert the rows of that time, then upgrade to the head."""
    upgrade(directory=str(MIGRATIONS), revision=revision)
    with db.engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))
    upgrade(directory=str(MIGRATIONS))


def test_0006_keeps_completed_modules_completed_and_derives_statuses(empty_app: Flask) -> None:
    """A module completed before 0006 stays completed and now counts its action as done; an
    action dropped by hand stays dropped; an open module is back at the new question step."""
    upgrade_with_rows("0005", PRE_0006)
    with db.engine.connect() as conn:
        cycles = conn.execute(
            text("SELECT id, state, phase, done_action_count FROM cycle ORDER BY id")
        ).all()
        actions = conn.execute(
            text("SELECT id, status, reflection_decision FROM action ORDER BY id")
        ).all()
        kinds = conn.execute(text("SELECT kind FROM log_entry")).scalars().all()
    assert [tuple(c) for c in cycles] == [
        (1, "completed", "question", 1),
        (2, "active", "question", 0),
    ]
    assert [tuple(a) for a in actions] == [(1, "done", None), (2, "dropped", "stop")]
    assert kinds == ["did"]
    downgrade(directory=str(MIGRATIONS), revision="0005")
    with db.engine.connect() as conn:
        states = conn.execute(text("SELECT state, phase FROM cycle ORDER BY id")).all()
    assert [tuple(s) for s in states] == [("completed", "actions"), ("active", "actions")]


def test_0013_makes_one_area_of_each_district_whatever_its_case(empty_app: Flask) -> None:
    """»vest« and »Vest« become one area, in the spelling most schools use; the schools follow."""
    upgrade(directory=str(MIGRATIONS), revision="0011")
    with db.engine.begin() as conn:
        for n, district in enumerate(["vest", "Vest", "Vest", "Nord", "", " Øst"], start=1):
            conn.execute(
                text(
                    "INSERT INTO school (id, name, district, created_at) "
                    "VALUES (:id, :name, :district, '2026-01-01 00:00:00+00')"
                ),
                {"id": n, "name": f"Skole {n}", "district": district},
            )
    upgrade(directory=str(MIGRATIONS))
    with db.engine.connect() as conn:
        found = conn.execute(text("SELECT name, name_key FROM area ORDER BY name_key")).all()
        districts = conn.execute(text("SELECT district FROM school ORDER BY id")).scalars().all()
    assert [tuple(a) for a in found] == [("Nord", "nord"), ("Vest", "vest"), ("Øst", "øst")]
    assert districts == ["Vest", "Vest", "Vest", "Nord", "", "Øst"]
    downgrade(directory=str(MIGRATIONS), revision="0011")
    assert "area" not in inspect(db.engine).get_table_names()


PRE_0014 = [
    "INSERT INTO school (id, name, district, created_at) VALUES (1, 'Gammelskolen', 'Nord', "
    "'2026-01-01 00:00:00+00')",
    "INSERT INTO run (id, school_id, package_slug, year_label, started_at) VALUES "
    "(1, 1, 'skole-hjem', '2025/26', '2026-01-01 00:00:00+00')",
    "INSERT INTO cycle (id, run_id, module_slug, position, state, local_notes, local_questions, "
    "summary_learned, summary_keep, summary_next) VALUES "
    "(1, 1, 'a', 1, 'active', '', '', '', '', ''), (2, 1, 'b', 2, 'locked', '', '', '', '', ''), "
    "(3, 1, 'c', 3, 'active', '', '', '', '', '')",
    "INSERT INTO audit_event (verb, object_type, object_id, school_id, at, detail) VALUES "
    "('cycle_unlocked_override', 'Cycle', 3, 1, '2026-02-01 00:00:00+00', "
    '\'{"module": "c", "reason": "Skolen bad om det."}\'), '
    "('cycle_completed', 'Cycle', 1, 1, '2026-02-02 00:00:00+00', '{\"reason\": \"nej\"}')",
]


def test_0014_keeps_the_reason_puf_gave_for_opening_a_module_out_of_order(
    empty_app: Flask,
) -> None:
    """The reason was only in the audit log; the module's row now holds it."""
    upgrade_with_rows("0011", PRE_0014)
    with db.engine.connect() as conn:
        reasons = conn.execute(text("SELECT id, unlock_reason FROM cycle ORDER BY id")).all()
    assert [tuple(r) for r in reasons] == [(1, ""), (2, ""), (3, "Skolen bad om det.")]
    downgrade(directory=str(MIGRATIONS), revision="0011")
    assert "unlock_reason" not in {c["name"] for c in inspect(db.engine).get_columns("cycle")}


PRE_0026 = [
    "INSERT INTO school (id, name, district, created_at) VALUES "
    "(1, 'Nordskolen', 'Nord', '2026-01-01 00:00:00+00'), "
    "(2, 'Sydskolen', 'Syd', '2026-01-01 00:00:00+00')",
    "INSERT INTO run (id, school_id, package_slug, year_label, started_at) VALUES "
    "(1, 1, 'skole-hjem', '2026/27', '2026-08-10 00:00:00+00'), "
    "(2, 2, 'skole-hjem', '2026/27', '2026-08-20 00:00:00+00')",
    "INSERT INTO progress_snapshot (taken_on, school_id, run_id, module_slug, position, state, "
    "action_count, done_action_count, follow_up_count, keep_count, adjust_count, stop_count, "
    "reflection_count) VALUES "
    "('2026-08-16', 1, 1, 'a', 1, 'input', 0, 0, 0, 0, 0, 0, 0), "
    "('2026-08-16', 1, 1, 'b', 2, 'locked', 0, 0, 0, 0, 0, 0, 0), "
    "('2026-08-23', 2, 2, 'a', 1, 'input', 0, 0, 0, 0, 0, 0, 0), "
    "('2026-08-23', 2, 2, 'b', 2, 'locked', 0, 0, 0, 0, 0, 0, 0), "
    "('2026-09-01', 1, 1, 'a', 1, 'completed', 4, 3, 3, 2, 1, 0, 1), "
    "('2026-09-01', 1, 1, 'b', 2, 'question', 1, 0, 0, 0, 0, 0, 0)",
]


def test_0026_tallies_the_days_the_snapshots_hold_as_the_command_does(empty_app: Flask) -> None:
    """The migration's tallies equal what the snapshot command writes for the same days."""
    from learningpack.domain.tallies import tally
    from learningpack.models import ProgressTally

    def cells() -> set[tuple[object, ...]]:
        db.session.expire_all()
        return {
            (t.taken_on, t.district, t.position, t.state, t.schools, t.action_count, t.keep_count)
            for t in db.session.query(ProgressTally)
        }

    upgrade_with_rows("0025", PRE_0026)
    migrated = cells()
    assert {c[0] for c in migrated} == {date(2026, 8, 16), date(2026, 8, 23), date(2026, 9, 1)}
    assert (date(2026, 9, 1), "Nord", 1, "completed", 1, 4, 2) in migrated
    assert (date(2026, 9, 1), "Syd", 1, "input", 1, 0, 0) in migrated
    for day in (date(2026, 8, 16), date(2026, 8, 23), date(2026, 9, 1)):
        tally(day)
    db.session.commit()
    assert cells() == migrated
    db.session.remove()  # its read holds the table the downgrade drops
    downgrade(directory=str(MIGRATIONS), revision="0025")
    assert "progress_tally" not in inspect(db.engine).get_table_names()
