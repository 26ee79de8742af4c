"""Command-line tools: ``flask --app app demo seed``, ``national seed``, ``content check``,
``users create``, ``progress rebuild``, ``snapshot take``, ``records purge``, ``backup``."""

from __future__ import annotations

import sys
from datetime import UTC
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from learningpack.content import check_content, get_library
from learningpack.extensions import db
from learningpack.models import Role, School, User

demo_cli = AppGroup("demo", help="Demo data.")
content_cli = AppGroup("content", help="The learning-package content.")
users_cli = AppGroup("users", help="User accounts.")
progress_cli = AppGroup("progress", help="The progress columns the overview reads.")
national_cli = AppGroup("national", help="The national-scale demo data set (benchmarks).")
bank_cli = AppGroup("bank", help="The knowledge bank (videndelingsbank).")
notify_cli = AppGroup("notify", help="Reminder e-mails and in-app notices.")
snapshot_cli = AppGroup("snapshot", help="Daily progress snapshots for PUF's charts and reports.")
records_cli = AppGroup("records", help="Records written in the modules (meetings, actions…).")


@demo_cli.command("seed")
@click.option(
    "--schools",
    default=5,
    show_default=True,
    type=click.IntRange(1, 5000),
    help="How many schools to create.",
)
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users.")
@click.option(
    "--force-in-production",
    is_flag=True,
    help="Seed even in production (the demo logins share one published password).",
)
@click.option(
    "--actions-per-school",
    type=click.IntRange(1, 2000),
    default=None,
    help="National scale: the small demo plus --schools schools loaded in bulk, with about "
    "this many actions per school on average (e.g. --schools 1100 --actions-per-school 225).",
)
def demo_seed(
    schools: int, if_empty: bool, actions_per_school: int | None, force_in_production: bool
) -> None:
    """Create a demo municipality and print its logins (safe to run twice)."""
    from learningpack.ops.demo import DEMO_PASSWORD, seed_demo

    if current_app.config["PRODUCTION"] and not force_in_production:
        raise click.ClickException(
            "Demodata oprettes ikke i produktion (LEARNINGPACK_ENV=production): demo-logins har "
            "en offentlig adgangskode. Brug --force-in-production, hvis det er meningen."
        )
    if actions_per_school is not None:
        _seed_national(schools, actions_per_school)
        return
    if if_empty and db.session.scalar(select(func.count()).select_from(User)):
        click.echo("Databasen har allerede brugere; demodata springes over.")
        logins = _existing_demo_logins()
    else:
        package = next(iter(get_library().packages.values()))
        logins = seed_demo(package, schools=schools)
        db.session.commit()
        _demo_snapshots()
    click.echo("")
    click.echo(f"Demo-logins (adgangskode for alle: {DEMO_PASSWORD})")
    shown = [lg for lg in logins if lg.role != "teacher" or lg.email.startswith("laerer1@")]
    for login in shown[:12]:
        click.echo(f"  {login.role:<8} {login.email:<40} {login.school}")
    if len(shown) > 12:
        click.echo(f"  … og {len(logins) - 12} flere")


def _demo_snapshots() -> None:
    """The demo's progress history: weekly rows from the modules' times, then today's."""
    from learningpack.content import default_package
    from learningpack.domain.snapshots import take_snapshot
    from learningpack.reads.snapshots import local_today

    _backfill()
    take_snapshot(default_package().slug, local_today())
    db.session.commit()


def _seed_national(schools: int, actions_per_school: int) -> None:
    from learningpack.ops.demo import DEMO_PASSWORD, seed_demo
    from learningpack.ops.national import AlreadySeeded, max_schools, seed_national

    if schools > max_schools():
        raise click.BadParameter(
            f"at most {max_schools()} at national scale", param_hint="--schools"
        )
    package = next(iter(get_library().packages.values()))
    logins = seed_demo(package)
    db.session.commit()
    try:
        result = seed_national(package, schools, actions_per_school)
    except AlreadySeeded as error:
        db.session.rollback()
        click.echo(
            f"De nationale demodata findes allerede ({error.schools} skoler); intet er ændret. "
            "Brug en tom database for at bygge dem igen."
        )
        return
    db.session.commit()
    click.echo(
        f"Nationale demodata: {result.schools} skoler, {result.users} brugere, "
        f"{result.actions} aktioner, {result.log_entries} logninger, "
        f"{result.follow_ups} opsamlinger, {result.meetings} møder "
        f"på {result.seconds:.1f} s."
    )
    click.echo("")
    click.echo(f"Demo-logins (adgangskode for alle: {DEMO_PASSWORD})")
    shown = [(lg.role, lg.email, lg.school) for lg in logins if lg.role != "teacher"][:4]
    for role, email, school in [*shown, *result.logins]:
        click.echo(f"  {role:<8} {email:<48} {school}")


@national_cli.command("seed")
@click.option("--schools", default=1100, show_default=True, type=click.IntRange(1, 50_000))
@click.option(
    "--actions-per-school",
    default=250,
    show_default=True,
    type=click.IntRange(1, 2000),
    help="About this many actions per school on average (10,000 × 250 = 2.5 million).",
)
def national_seed(schools: int, actions_per_school: int) -> None:
    """The small demo plus --schools schools loaded in bulk, with their summary rows."""
    if current_app.config["PRODUCTION"]:
        raise click.ClickException("Demodata oprettes ikke i produktion.")
    _seed_national(schools, actions_per_school)


def _existing_demo_logins() -> list:
    from learningpack.ops.demo import Login

    rows = db.session.execute(
        select(User.role, User.email, School.name)
        .outerjoin(School, School.id == User.school_id)
        .where(User.email.like("%demo.dk"))
        .order_by(User.id)
        .limit(40)
    ).all()
    return [Login(role=str(r.role), email=r.email, school=r.name or "") for r in rows]


@content_cli.command("check")
@click.option(
    "--path",
    type=click.Path(path_type=Path),
    default=None,
    help="The content folder (default: the app's CONTENT_DIR).",
)
def content_check(path: Path | None) -> None:
    """Validate the content: prints file:line: problem, exits 1 if anything is wrong."""
    problems = check_content(path or Path(current_app.config["CONTENT_DIR"]))
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        click.echo(f"{len(problems)} problem(s) found.", err=True)
        sys.exit(1)
    click.echo("Content OK.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--school", "school_name", default=None, help="The school's name (not for puf).")
@click.password_option()
def users_create(email: str, name: str, role: str, school_name: str | None, password: str) -> None:
    """Create a user account."""
    from learningpack.domain.passwords import password_problems
    from learningpack.output.labels import words

    problems = password_problems(password, email=email, name=name)
    if problems:
        raise click.BadParameter(" ".join(words(problems)), param_hint="password")
    school = None
    if role != Role.PUF.value:
        if not school_name:
            raise click.BadParameter(
                "a school is required for leaders and teachers", param_hint="--school"
            )
        school = db.session.scalar(select(School).where(School.name == school_name))
        if school is None:
            raise click.BadParameter(f"no school named {school_name!r}", param_hint="--school")
    user = User(email=email, name=name, role=Role(role), school_id=school.id if school else None)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"Created {user.email} ({role}).")


@progress_cli.command("rebuild")
def progress_rebuild() -> None:
    """Recompute every cycle's phase and counts from what is recorded, then every school's
    summary row (a repair)."""
    from learningpack.domain.progress import rebuild
    from learningpack.domain.school_progress import refresh

    changed = rebuild()
    schools = refresh()
    db.session.commit()
    click.echo(f"Recomputed the progress of {changed} modules and {schools} schools.")


@bank_cli.command("reindex")
def bank_reindex() -> None:
    """Rebuild the knowledge bank's search entries (SQLite; PostgreSQL's index keeps itself)."""
    from learningpack.domain.bank_index import reindex_all

    count = reindex_all()
    db.session.commit()
    click.echo(f"Indexed {count} resources.")


@snapshot_cli.command("take")
def snapshot_take() -> None:
    """Write today's progress snapshot (only what changed; safe to run twice, or at once)."""
    from learningpack.content import default_package
    from learningpack.domain.snapshots import take_snapshot
    from learningpack.reads.snapshots import local_today

    written = take_snapshot(default_package().slug, local_today())
    db.session.commit()
    click.echo(f"Snapshot {local_today().isoformat()}: {written} rækker skrevet.")


@snapshot_cli.command("backfill")
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The first day (default: the first run's start).",
)
def snapshot_backfill(since: Any) -> None:
    """Weekly rows before today from the modules' opened and completed times (days already
    taken are kept; counts are known only for modules completed by then)."""
    written = _backfill(since.date() if since is not None else None)
    click.echo(f"Snapshot-historik: {written} rækker skrevet.")


@snapshot_cli.command("tally")
def snapshot_tally() -> None:
    """Count every snapshot day again into the tallies the chart and the report read (each
    school in the area it lies in now; the daily command keeps them up to date)."""
    from learningpack.domain.tallies import tally_all

    days = tally_all()
    db.session.commit()
    click.echo(f"Optællinger: {days} dage talt op.")


def _backfill(since: Any = None) -> int:
    from learningpack.content import default_package
    from learningpack.domain.snapshots import backfill
    from learningpack.models import Run
    from learningpack.reads.snapshots import LOCAL, local_today

    if since is None:
        first = db.session.scalar(select(func.min(Run.started_at)))
        if first is None:
            return 0
        if first.tzinfo is None:
            first = first.replace(tzinfo=UTC)
        since = first.astimezone(LOCAL).date()
    written = backfill(default_package().slug, since, local_today())
    db.session.commit()
    return written


@notify_cli.command("send")
def notify_send() -> None:
    """Send the reminders that are due (safe to run every few minutes, and twice at once)."""
    from learningpack.ops.notify import send

    click.echo(send().line())


@click.command("audit-expire")
def audit_expire() -> None:
    """Remove client addresses older than AUDIT_ADDRESS_RETENTION from the audit log (daily)."""
    from learningpack.domain.audit_privacy import expire_addresses

    changed = expire_addresses()
    db.session.commit()
    click.echo(f"Removed the client address from {changed} audit rows.")
    _purge_records()


def _purge_records() -> None:
    from learningpack.domain.corrections import purge_deleted

    removed = purge_deleted()
    db.session.commit()
    click.echo(f"Purged {removed} records deleted longer ago than DELETED_RECORD_RETENTION.")


@records_cli.command("purge")
def records_purge() -> None:
    """Remove for good the records deleted longer ago than DELETED_RECORD_RETENTION (daily;
    `flask audit-expire` runs it too)."""
    _purge_records()


@click.command("backup")
@click.argument("path", required=False, type=click.Path(path_type=Path))
def backup(path: Path | None) -> None:
    """Back up the database: SQLite is copied safely while the app runs; for PostgreSQL the
    pg_dump command to run is printed."""
    from learningpack.ops.backup import (
        BackupError,
        backup_sqlite,
        default_backup_path,
        pg_dump_instructions,
        sqlite_path,
    )

    url = db.engine.url
    if url.get_backend_name() == "postgresql":
        click.echo(
            pg_dump_instructions(url.render_as_string(hide_password=False), str(path or "") or None)
        )
        return
    if url.get_backend_name() != "sqlite":
        raise click.ClickException(f"Backups of {url.get_backend_name()} are not supported.")
    target = path or default_backup_path(Path(current_app.instance_path))
    try:
        result = backup_sqlite(sqlite_path(url), target)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    rows = sum(result.tables.values())
    click.echo(
        f"Backup written to {result.path} ({result.size:,} bytes, {len(result.tables)} tables, "
        f"{rows:,} rows); integrity check ok."
    )


def init_app(app: Flask) -> None:
    app.cli.add_command(backup)
    app.cli.add_command(audit_expire)
    app.cli.add_command(demo_cli)
    app.cli.add_command(content_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(progress_cli)
    app.cli.add_command(national_cli)
    app.cli.add_command(bank_cli)
    app.cli.add_command(snapshot_cli)
    app.cli.add_command(records_cli)
    app.cli.add_command(notify_cli)
