"""Backups: a consistent copy of a SQLite database while the app runs; pg_dump for PostgreSQL."""

from __future__ import annotations

import shlex
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import URL, make_url


class BackupError(RuntimeError):
    """The backup could not be made; the message says why, for the operator."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    tables: dict[str, int]


def default_backup_path(instance_dir: Path, now: datetime | None = None) -> Path:
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    return instance_dir / "backups" / f"learningpack-{stamp}.sqlite"


def sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up.")
    return Path(url.database)


def backup_sqlite(source: Path, target: Path) -> BackupResult:
    """Copy with SQLite's online backup API: a consistent snapshot even while others write.

    The copy is written next to the target and renamed into place only after it passed
    ``PRAGMA integrity_check``, so a failed backup never leaves a half file under the name.
    """
    if not source.exists():
        raise BackupError(f"The database {source} does not exist.")
    if target.exists():
        raise BackupError(f"{target} already exists; choose another file name.")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(partial)
    try:
        with dst:
            src.backup(dst)  # all pages in one step: one consistent snapshot
        status = dst.execute("PRAGMA integrity_check").fetchone()[0]
        if status != "ok":
            raise BackupError(f"The copy failed its integrity check: {status}")
        names = [
            row[0]
            for row in dst.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        tables = {n: dst.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
    finally:
        dst.close()
        src.close()
    partial.replace(target)
    return BackupResult(path=target, size=target.stat().st_size, tables=tables)


def pg_dump_instructions(database_url: str | URL, target: str | None) -> str:
    """How to back up a PostgreSQL database with pg_dump (the password is never printed)."""
    url = make_url(database_url)
    file = target or f"learningpack-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.dump"
    parts = ["pg_dump", "--format=custom", f"--file={file}"]
    if url.host:
        parts.append(f"--host={url.host}")
    if url.port:
        parts.append(f"--port={url.port}")
    if url.username:
        parts.append(f"--username={url.username}")
    parts.append(url.database or "")
    dump = shlex.join(parts)
    restore = shlex.join(
        ["pg_restore", "--clean", "--if-exists", "--no-owner", f"--dbname={url.database}", file]
    )
    password_note = (
        "The password is not shown: pg_dump reads it from ~/.pgpass or the PGPASSWORD variable."
        if url.password
        else "No password is set in DATABASE_URL."
    )
    return "\n".join(
        [
            "The database is PostgreSQL: make the backup with pg_dump, a consistent snapshot "
            "taken while the app runs:",
            "",
            f"  {dump}",
            "",
            password_note,
            "Restore into an empty database with:",
            "",
            f"  {restore}",
        ]
    )
