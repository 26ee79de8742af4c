"""``flask --app app backup``: a consistent SQLite copy while the app writes; pg_dump advice."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, func, select, text

from learningpack import create_app
from learningpack.extensions import db
from learningpack.models import School, User
from learningpack.ops.backup import pg_dump_instructions
from tests.apps import make_test_config
from tests.factories import SchoolFactory, make_leader


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_backup_while_a_writer_writes_restores_into_a_working_app(
    app: Flask, tmp_path: Path
) -> None:
    school = SchoolFactory(name="Backupskolen")
    make_leader(school, name="Bente Backup", email="bente@backup.dk")
    db.session.commit()

    # A writer in another thread keeps inserting schools, each in its own transaction.
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    stop = threading.Event()
    written: list[int] = []

    def writer() -> None:
        n = 0
        while not stop.is_set():
            with engine.begin() as conn:
                conn.execute(
                    text("INSERT INTO school (name, district, created_at) VALUES (:n, '', :t)"),
                    {"n": f"Skriveskole {n}", "t": "2026-11-27 00:00:00"},
                )
            written.append(n)
            n += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 20:  # the writer is busy before the backup starts
            threading.Event().wait(0.01)
        target = tmp_path / "kopi" / "backup.sqlite"
        result = app.test_cli_runner().invoke(args=["backup", str(target)])
        during = len(written)
    finally:
        stop.set()
        thread.join(timeout=10)
        engine.dispose()
    assert result.exit_code == 0, result.output
    assert "integrity check ok" in result.output
    assert during > 20 and len(written) > 0

    with sqlite3.connect(target) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        copied = copy.execute("SELECT count(*) FROM school WHERE name LIKE 'Skriveskole %'")
        n_copied = copied.fetchone()[0]
        # A snapshot: a prefix of what the writer wrote, with no gaps and no half rows.
        names = {r[0] for r in copy.execute("SELECT name FROM school")}
    assert 20 <= n_copied <= len(written)
    assert {f"Skriveskole {i}" for i in range(n_copied)} <= names
    assert not (tmp_path / "kopi" / "backup.sqlite.partial").exists()

    restored = create_app(make_test_config(f"sqlite:///{target}"))
    with restored.app_context():
        leader = db.session.scalar(select(User).where(User.email == "bente@backup.dk"))
        assert leader is not None and leader.school.name == "Backupskolen"
        assert db.session.scalar(select(func.count(School.id))) == n_copied + 1
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_backup_refuses_to_overwrite_and_has_a_default_name(app: Flask, tmp_path: Path) -> None:
    runner = app.test_cli_runner()
    target = tmp_path / "b.sqlite"
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    again = runner.invoke(args=["backup", str(target)])
    assert again.exit_code != 0 and "already exists" in again.output
    app.instance_path = str(tmp_path / "instance")
    default = runner.invoke(args=["backup"])
    assert default.exit_code == 0, default.output
    assert list((tmp_path / "instance" / "backups").glob("learningpack-*.sqlite"))


def test_postgres_gets_pg_dump_instructions_without_the_password() -> None:
    advice = pg_dump_instructions(
        "postgresql+psycopg://lp_user:hemmeligt-kodeord@db.example:6543/laeringspakken", "x.dump"
    )
    assert "pg_dump --format=custom --file=x.dump --host=db.example --port=6543" in advice
    assert "--username=lp_user laeringspakken" in advice
    assert "pg_restore" in advice and "PGPASSWORD" in advice
    assert "hemmeligt" not in advice


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_backup_command_on_postgres_prints_pg_dump(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["backup", "lp.dump"])
    assert result.exit_code == 0, result.output
    assert "pg_dump --format=custom --file=lp.dump" in result.output
    assert app.config["SQLALCHEMY_DATABASE_URI"].split("/")[-1] in result.output
