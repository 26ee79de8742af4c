"""The command line: content check and users create."""

from __future__ import annotations

import shutil
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from learningpack.config import PROJECT_ROOT
from learningpack.extensions import db
from learningpack.models import Role, User
from tests.factories import SchoolFactory


def copy_content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(PROJECT_ROOT / "content", target)
    return target


def test_content_check_passes_on_the_real_content(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["content", "check"])
    assert result.exit_code == 0, result.output
    assert "Content OK" in result.output


def test_content_check_reports_file_and_line_and_fails(app: Flask, tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    module = content / "foraeldresamarbejde" / "02-foraeldremoeder.md"
    text = module.read_text(encoding="utf-8")
    line = text.splitlines().index("## Opsamling") + 1
    module.write_text(text.replace("## Opsamling", "## Opsummering"), encoding="utf-8")
    (content / "foraeldresamarbejde" / "package.yaml").write_text(
        (content / "foraeldresamarbejde" / "package.yaml")
        .read_text(encoding="utf-8")
        .replace("  - kommunikation\n", "  - kommunikation\n  - kommunikation\n"),
        encoding="utf-8",
    )
    result = app.test_cli_runner().invoke(args=["content", "check", "--path", str(content)])
    assert result.exit_code == 1
    assert f"content/foraeldresamarbejde/02-foraeldremoeder.md:{line}:" in result.output
    assert "Opsummering" in result.output
    assert "package.yaml:" in result.output and "duplicate" in result.output.lower()


def test_users_create(app: Flask) -> None:
    school = SchoolFactory(name="Østervangskolen")
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "Ny.Leder@Skole.dk",
            "--name",
            "Ny Leder",
            "--role",
            "leader",
            "--school",
            "Østervangskolen",
        ],
        input="et-langt-kodeord-123\net-langt-kodeord-123\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "ny.leder@skole.dk"))
    assert user is not None and user.role == Role.LEADER and user.school_id == school.id
    assert user.check_password("et-langt-kodeord-123")


def test_users_create_refuses_short_passwords_and_missing_school(app: Flask) -> None:
    runner = app.test_cli_runner()
    short = runner.invoke(
        args=["users", "create", "--email", "a@b.dk", "--name", "A", "--role", "puf"],
        input="kort\nkort\n",
    )
    assert short.exit_code != 0
    no_school = runner.invoke(
        args=["users", "create", "--email", "a@b.dk", "--name", "A", "--role", "teacher"],
        input="et-langt-kodeord-123\net-langt-kodeord-123\n",
    )
    assert no_school.exit_code != 0
    assert db.session.scalar(select(User).where(User.email == "a@b.dk")) is None


def test_bank_reindex_rebuilds_the_search_entries(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["bank", "reindex"])
    assert result.exit_code == 0, result.output
    assert "Indexed 0 resources." in result.output


def test_demo_seed_refuses_in_production_unless_forced(app: Flask) -> None:
    """Issue 16, item 14: the demo's published password must not open a production system."""
    app.config["PRODUCTION"] = True
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["demo", "seed", "--schools", "1"])
    assert refused.exit_code != 0 and "produktion" in refused.output
    assert db.session.scalar(select(User).where(User.email == "puf@demo.dk")) is None
    forced = runner.invoke(args=["demo", "seed", "--schools", "1", "--force-in-production"])
    assert forced.exit_code == 0, forced.output
    assert db.session.scalar(select(User).where(User.email == "puf@demo.dk")) is not None
