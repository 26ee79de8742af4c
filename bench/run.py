"""`make bench`: the national data set, then the numbers DESIGN.md §8 budgets, one `name: value`
a line.

Seeds a fresh database (SQLite in a temporary folder; PostgreSQL when BENCH_DATABASE_URL names a
server where we may create databases: a database of our own is created and dropped), then:
- the SQL queries and median server time (in-process, Flask test client, logged in as PUF) of the
  overview, the learnings digest and the heaviest school's drill-down;
- the query plan of the overview's statements: does any scan the whole action table?
- the snapshot commands (history backfill, today's snapshot, and again) and the half-yearly
  report: its page, Word and PDF downloads, the progress page and /api/v1/report (bench/reports.py);
- under gunicorn with 2 sync workers, loaded by wrk (16 connections), each page the budget names
  against a bare Flask "hello" in alternating rounds (bench/pages.py): requests per second as a
  percentage of hello with its spread, p50 and p99, the page's size, and PASS/MISS per budget;
- bench/scale.py's in-process measurements, when that file is there (``scale.main(url)``).

``--database URL`` reuses a database seeded earlier (``--keep``), e.g. to measure two versions
of the code on the same data; ``--only teacher,leader_module`` loads just those pages.

Not part of `make test` or CI: it takes a minute or two and its numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from load import PASSWORD, ROOT, VENV_BIN, ensure_wrk, note
from notify import notify_commands
from pages import api_secret, find_targets, load_pages, verdicts
from reports import report_timings, snapshot_commands

sys.path.insert(0, str(ROOT))
SECRET = "bench-secret-key-0123456789abcdef-not-for-production"
BUDGET_QUERIES = 8
BUDGET_OVERVIEW_MS = 100.0


def say(name: str, value: Any) -> None:
    print(f"{name}: {value}", flush=True)


# --- the database -----------------------------------------------------------------------------


@contextmanager
def fresh_database(keep: bool) -> Iterator[str]:
    """A new, empty database URL; removed afterwards (unless keep)."""
    admin = os.environ.get("BENCH_DATABASE_URL")
    if not admin:
        folder = Path(tempfile.mkdtemp(prefix="lp-bench-"))
        try:
            yield f"sqlite:///{folder / 'bench.sqlite'}"
        finally:
            if keep:
                note(f"kept {folder / 'bench.sqlite'}")
            else:
                shutil.rmtree(folder, ignore_errors=True)
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from learningpack.config import normalise_database_url

    admin = normalise_database_url(admin)
    name = f"lp_bench_{uuid.uuid4().hex[:10]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin).set(database=name).render_as_string(hide_password=False)
    finally:
        if keep:
            note(f"kept database {name}")
        else:
            with engine.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


def flask_cli(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [str(VENV_BIN / "flask"), "--app", "app", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


# --- in-process page timings ------------------------------------------------------------------


@contextmanager
def captured_statements(engine: Any) -> Iterator[list[tuple[str, Any]]]:
    from sqlalchemy import event

    statements: list[tuple[str, Any]] = []

    def before(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


def measure(client: Any, engine: Any, url: str, repeat: int) -> tuple[int, float, list[Any]]:
    """(queries, median ms, the statements) of GET url, after two warm-up requests."""
    for _ in range(2):
        response = client.get(url)
        if response.status_code != 200:
            sys.exit(f"GET {url} answered {response.status_code}")
    with captured_statements(engine) as statements:
        client.get(url)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    return len(statements), statistics.median(times), statements


ACTION_SCAN_SQLITE = re.compile(
    r"\bSCAN (?:action|action_\d+)\b(?P<index> USING (?:COVERING )?INDEX)?"
)
ACTION_SCAN_PG = re.compile(r"Seq Scan on action\b")


def action_scans(engine: Any, statements: list[tuple[str, Any]]) -> tuple[list[str], list[str]]:
    """(full table scans of action, full index scans of action) in the statements' plans."""
    table_scans: list[str] = []
    index_scans: list[str] = []
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        for statement, parameters in statements:
            if not statement.lstrip().upper().startswith("SELECT"):
                continue
            prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "
            rows = conn.exec_driver_sql(prefix + statement, parameters).all()
            plan = "\n".join(str(row[-1]) for row in rows)
            first_line = " ".join(statement.split())[:80]
            if sqlite:
                for match in ACTION_SCAN_SQLITE.finditer(plan):
                    (index_scans if match.group("index") else table_scans).append(first_line)
            elif ACTION_SCAN_PG.search(plan):
                table_scans.append(first_line)
    return table_scans, index_scans


def pages(url: str, repeat: int) -> dict[str, Any]:
    from sqlalchemy import func, select

    from learningpack import create_app
    from learningpack.extensions import db
    from learningpack.models import Action, Cycle, Run, School

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": SECRET,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
        }
    )
    found: dict[str, Any] = {}
    with app.app_context():
        engine = db.engine
        found["schools"] = db.session.scalar(select(func.count(School.id)))
        found["actions"] = db.session.scalar(select(func.count(Action.id)))
        heaviest = db.session.scalar(
            select(Run.school_id)
            .join(Cycle, Cycle.run_id == Run.id)
            .group_by(Run.school_id)
            .order_by(func.sum(Cycle.action_count).desc(), Run.school_id)
            .limit(1)
        )
        db.session.remove()
    client = app.test_client()
    response = client.post("/login", data={"email": "puf@demo.dk", "password": PASSWORD})
    if response.status_code != 302:
        sys.exit("could not log in as puf@demo.dk")
    # Each request in its own app context, as under gunicorn; the app keeps pages, bodies and
    # totals between them, as a worker does (bench/scale.py measures them made again after a write).
    found["overview"] = measure(client, engine, "/puf/", repeat)
    if "puf.digest" in app.view_functions:
        found["digest"] = measure(client, engine, "/puf/laering", repeat)
    found["drilldown"] = measure(client, engine, f"/puf/skoler/{heaviest}", repeat)
    found["drilldown_school"] = heaviest
    found["scans"] = action_scans(engine, found["overview"][2])
    # The JSON API with a PUF token (no session).
    from learningpack.domain.api_keys import create_api_key
    from learningpack.models import User

    with app.app_context():
        puf = db.session.scalar(select(User).where(User.email == "puf@demo.dk"))
        assert puf is not None
        secret = create_api_key(puf, "bench", 30).secret
        db.session.commit()
    api = app.test_client()
    api.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    found["api_progress"] = measure(api, engine, "/api/v1/progress?per_page=100&page=3", repeat)
    found["api_summary"] = measure(api, engine, "/api/v1/summary", repeat)
    found["reports"] = report_timings(app, client, api, engine, measure, repeat)
    return found


# --- main -------------------------------------------------------------------------------------


def yes(condition: bool) -> str:
    return "yes" if condition else "NO"


def in_process(url: str, repeat: int) -> None:
    """Queries and median server time of the PUF pages, in-process; budget lines."""
    found = pages(url, repeat)
    say("schools", found["schools"])
    say("actions", found["actions"])
    worst_queries = 0
    for name in ("overview", "digest", "drilldown"):
        if name not in found:
            say(name, "not available")
            continue
        queries, median, _statements = found[name]
        worst_queries = max(worst_queries, queries)
        say(f"{name}_queries", queries)
        say(f"{name}_median_ms", f"{median:.1f}")
    say("drilldown_school_id", found["drilldown_school"])
    for name in ("api_progress", "api_summary"):
        queries, median, _statements = found[name]
        worst_queries = max(worst_queries, queries)
        say(f"{name}_queries", queries)
        say(f"{name}_median_ms", f"{median:.1f}")
    reports = found["reports"]
    say("snapshot_rows", reports.pop("snapshot_rows"))
    for name, (queries, median, _statements) in reports.items():
        say(f"{name}_queries", queries)
        say(f"{name}_median_ms", f"{median:.1f}")
    table_scans, index_scans = found["scans"]
    say("overview_full_scan_of_action_table", "yes" if table_scans else "no")
    say("overview_full_index_scan_of_action", "yes" if index_scans else "no")
    for statement in table_scans + index_scans:
        note(f"scans action: {statement}")
    say("budget_queries_at_most_8", yes(worst_queries <= BUDGET_QUERIES))
    say("budget_overview_under_100ms", yes(found["overview"][1] < BUDGET_OVERVIEW_MS))
    say("budget_no_action_table_scan", yes(not table_scans))


def under_load(url: str, env: dict[str, str], args: argparse.Namespace) -> None:
    """Every budgeted page against hello under gunicorn and wrk (bench/pages.py)."""
    if not ensure_wrk():
        say("load", "not measured (wrk is missing: apt-get install wrk)")
        return
    secret = api_secret(url, {"SECRET_KEY": SECRET, "RATELIMIT_ENABLED": False})
    targets = find_targets(url, secret)
    if args.only:
        wanted = set(args.only.split(","))
        targets = [t for t in targets if t.name in wanted]
    verdicts(load_pages(env, targets, args.rounds, args.seconds))


@contextmanager
def database(args: argparse.Namespace) -> Iterator[tuple[str, bool]]:
    """(URL, seeded already): the database named by --database, or a fresh one."""
    if args.database:
        yield args.database, True
        return
    with fresh_database(args.keep) as url:
        yield url, False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=1100, help="10000: the national scale")
    parser.add_argument("--actions-per-school", type=int, default=225)
    parser.add_argument("--repeat", type=int, default=9, help="timed requests per page")
    parser.add_argument("--seconds", type=int, default=10, help="wrk's duration per run")
    parser.add_argument("--rounds", type=int, default=3, help="alternating hello/page rounds")
    parser.add_argument("--only", default="", help="comma-separated page names to load")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--database", default="", help="a database seeded earlier (--keep)")
    parser.add_argument("--no-in-process", action="store_true", help="only the load runs")
    args = parser.parse_args()

    with database(args) as (url, seeded):
        # The API's limit per key (600 a minute) would answer most of wrk's requests with 429.
        env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": SECRET,
               "API_RATE_LIMIT": "10000000 per minute"}  # fmt: skip
        env.pop("LEARNINGPACK_ENV", None)
        os.environ.update({"DATABASE_URL": url, "SECRET_KEY": SECRET})
        say("database", url.split(":", 1)[0])
        if not seeded:
            flask_cli(env, "db", "upgrade")
            started = time.perf_counter()
            flask_cli(env, "national", "seed", "--schools", str(args.schools),
                      "--actions-per-school", str(args.actions_per_school))  # fmt: skip
            say("seed_seconds", f"{time.perf_counter() - started:.1f}")
            for name, value in snapshot_commands(flask_cli, env).items():
                say(name, value)
            # `notify send` right after the seed: the first run finds everything due at once.
            for name, value in notify_commands(flask_cli, env).items():
                say(name, value)
        if not args.no_in_process:
            in_process(url, args.repeat)
            try:
                import scale  # bench/scale.py: the in-process measurements at national scale
            except ImportError:
                pass
            else:
                scale.print_reports([scale.scale_report(url, args.repeat)])
        under_load(url, env, args)


if __name__ == "__main__":
    main()
