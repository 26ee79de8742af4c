"""SQLite runs in write-ahead-log mode (ops/sqlite_wal.py): a read under way, like PUF's long
streaming export, does not make a writer's commit fail with "database is locked"."""

from __future__ import annotations

import sqlite3

from flask import Flask
from sqlalchemy import text

from learningpack.extensions import db
from tests.factories import SchoolFactory


def test_a_write_commits_while_a_long_read_is_under_way(app: Flask) -> None:
    for name in ("Aby Skole", "Bby Skole", "Cby Skole"):
        SchoolFactory(name=name)
    db.session.commit()
    assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    with db.engine.connect() as reader:
        rows = reader.execute(text("SELECT name FROM school ORDER BY name"))
        assert rows.fetchone() == ("Aby Skole",)  # the read is under way, its rows not all read
        writer = sqlite3.connect(path, timeout=0.5)
        try:
            writer.execute("UPDATE school SET name = 'Dby Skole' WHERE name = 'Cby Skole'")
            writer.commit()  # in rollback-journal mode: "database is locked" after 0.5 s
        finally:
            writer.close()
        assert [row[0] for row in rows] == ["Bby Skole", "Cby Skole"]  # its own snapshot
    db.session.expire_all()
    names = db.session.execute(text("SELECT name FROM school ORDER BY name")).scalars().all()
    assert names == ["Aby Skole", "Bby Skole", "Dby Skole"]
