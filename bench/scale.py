"""The overview and the API at two sizes: is the time flat in the number of institutions?

``python bench/scale.py --schools 1100 10000`` seeds a fresh database per size (SQLite in a
temporary folder; PostgreSQL when BENCH_DATABASE_URL names a server where we may create
databases) with ``flask national seed``, then measures in-process (Flask test client, PUF):
- the overview's first page, one district, a late page, /api/v1/progress and /api/v1/summary:
  SQL queries and median milliseconds, each three times: with the page and the totals kept
  between writes, ``_cold``, right after a write to one school (the page rendered again, the
  totals of the school's bucket of ids read again), and ``_full``, the page and every total
  read again, as when a worker starts, or an entry was not asked for in ten minutes
  (web/fragment_cache, reads/totals_cache); the ratio of the medians between the
  largest and the smallest size (DESIGN §8: each < 50 ms, ratio ≤ 1.5);
- the query plans of the overview's statements: any sequential scan of a table that grows with
  the actions (PostgreSQL ``Seq Scan``, SQLite ``SCAN`` without an index);
- the overview's CSV and XLSX exports: one request's time, and peak memory growth
  (tracemalloc, read again) while the streamed body is read.
``--url A [B]`` measures existing databases instead, smallest first (e.g. ones kept with
``--keep``, to measure another checkout's code on the same data). ``run.py`` may call
``scale_report``.
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
import tracemalloc
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))
SECRET = "bench-secret-key-0123456789abcdef-not-for-production"
PASSWORD = "demo-forældre-2026"
GROWING = ("action", "log_entry", "follow_up", "action_owner", "meeting", "reflection")
SEQ_SCAN = re.compile(r"Seq Scan on (\w+)")
SQLITE_SCAN = re.compile(r"\bSCAN (\w+)\b(?! USING)")


def say(name: str, value: Any) -> None:
    print(f"{name}: {value}", flush=True)


@contextmanager
def fresh_database(keep: bool) -> Iterator[str]:
    admin = os.environ.get("BENCH_DATABASE_URL")
    if not admin:
        folder = Path(tempfile.mkdtemp(prefix="lp-scale-"))
        try:
            yield f"sqlite:///{folder / 'bench.sqlite'}"
        finally:
            if keep:
                say("kept", folder / "bench.sqlite")
            else:
                shutil.rmtree(folder, ignore_errors=True)
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from learningpack.config import normalise_database_url

    admin = normalise_database_url(admin)
    name = f"lp_scale_{uuid.uuid4().hex[:10]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin).set(database=name).render_as_string(hide_password=False)
    finally:
        if keep:
            say("kept", name)
        else:
            with engine.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


def flask_cli(url: str, *args: str) -> str:
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": SECRET}
    env.pop("LEARNINGPACK_ENV", None)
    result = subprocess.run(
        [str(VENV_BIN / "flask"), "--app", "app", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        sys.exit(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def seed(url: str, schools: int, actions_per_school: int) -> float:
    flask_cli(url, "db", "upgrade")
    started = time.perf_counter()
    flask_cli(url, "national", "seed", "--schools", str(schools),
              "--actions-per-school", str(actions_per_school))  # fmt: skip
    return time.perf_counter() - started


@contextmanager
def statements_of(engine: Any) -> Iterator[list[tuple[str, Any]]]:
    from sqlalchemy import event

    seen: list[tuple[str, Any]] = []

    def before(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)


def measure(
    client: Any, engine: Any, url: str, repeat: int, mode: str = ""
) -> tuple[int, float, list[Any]]:
    """Queries and median milliseconds of a page, in one of three modes:
    ``""``: the pages and totals the app keeps (web/fragment_cache, reads/totals_cache) are
    kept, as between writes;
    ``"_cold"``: one school's summary row is rewritten before each request, as by a write in
    the domain (a different school each time, in every district in turn);
    ``"_full"``: the kept pages and totals are dropped before each request, as when the app
    starts, or when an entry was not asked for in ten minutes (reads/totals_cache.BACKSTOP:
    one that is asked for reads one bucket again at a time, in turn)."""
    for _ in range(2):
        response = client.get(url)
        if response.status_code != 200:
            sys.exit(f"GET {url} answered {response.status_code}")
    schools = write_targets(engine) if mode == "_cold" else []

    def before_request(i: int) -> None:
        if mode == "_full":
            client.application.extensions.pop("totals_cache", None)
            client.application.extensions.pop("learningpack.fragment_cache", None)
        elif mode == "_cold":
            touch(engine, schools[i % len(schools)])

    before_request(0)
    with statements_of(engine) as seen:
        client.get(url)
    times = []
    for i in range(repeat):
        before_request(i + 1)
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    return len(seen), statistics.median(times), seen


def write_targets(engine: Any) -> list[int]:
    """A started school of each district, in turn (the writes of a busy morning)."""
    from sqlalchemy import text

    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT min(s.id) FROM school s JOIN school_progress p ON p.school_id = s.id"
                " GROUP BY s.district ORDER BY s.district"
            )
        ).all()
    return [row[0] for row in rows]


def touch(engine: Any, school_id: int) -> None:
    """What every write to a school's records does to its school row (a new version and stamp)
    and its summary row (a new stamp): domain/school_progress.refresh."""
    from datetime import UTC, datetime

    from sqlalchemy import update

    from learningpack.models import School, SchoolProgress

    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(
            update(School)
            .where(School.id == school_id)
            .values(progress_version=School.progress_version + 1, changed_at=now)
        )
        conn.execute(
            update(SchoolProgress)
            .where(SchoolProgress.school_id == school_id)
            .values(refreshed_at=now)
        )


def growing_scans(engine: Any, statements: list[tuple[str, Any]]) -> list[str]:
    """Sequential scans of tables that grow with the actions, in the statements' plans."""
    found = []
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        for statement, parameters in statements:
            if not statement.lstrip().upper().startswith("SELECT"):
                continue
            prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "
            rows = conn.exec_driver_sql(prefix + statement, parameters).all()
            plan = "\n".join(str(row[-1]) for row in rows)
            pattern = SQLITE_SCAN if sqlite else SEQ_SCAN
            tables = sorted({m.group(1) for m in pattern.finditer(plan)})
            say("  plan", f"{' '.join(statement.split())[:70]}… scans: {tables or 'none'}")
            found += [t for t in tables if t in GROWING]
    return found


def _read_export(client: Any, url: str) -> tuple[float, int]:
    started = time.perf_counter()
    response = client.get(url, buffered=False)
    size = sum(len(chunk) for chunk in response.response)
    return time.perf_counter() - started, size


def export_memory(client: Any, url: str = "/puf/oversigt.csv") -> tuple[float, float, float, int]:
    """(peak memory growth in MB while a streamed export is read, its seconds read plainly,
    its seconds with tracemalloc on, bytes). Tracing slows Python several times, so the time
    a user waits is the plain read's."""
    plain, _size = _read_export(client, url)
    tracemalloc.start()
    traced, size = _read_export(client, url)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6, plain, traced, size


def scale_report(url: str, repeat: int) -> dict[str, Any]:
    """The numbers of one database: {name: (queries, median ms)}, scans, export memory."""
    from sqlalchemy import func, select

    from learningpack import create_app
    from learningpack.domain.api_keys import create_api_key
    from learningpack.extensions import db
    from learningpack.models import Action, School, User

    config = {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET,
              "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False}  # fmt: skip
    app = create_app(config)
    found: dict[str, Any] = {}
    with app.app_context():
        engine = db.engine
        found["schools"] = db.session.scalar(select(func.count(School.id)))
        found["actions"] = db.session.scalar(select(func.count(Action.id)))
        puf = db.session.scalar(select(User).where(User.email == "puf@demo.dk"))
        assert puf is not None
        secret = create_api_key(puf, "scale", 30).secret
        db.session.commit()
    client = app.test_client()
    response = client.post("/login", data={"email": "puf@demo.dk", "password": PASSWORD})
    if response.status_code != 302:
        sys.exit("could not log in as puf@demo.dk")
    late = max(1, found["schools"] // 50 - 2)
    urls = {
        "overview": "/puf/",
        "overview_district": "/puf/?omraade=Nord",
        "overview_late_page": f"/puf/?side={late}",
    }
    statements: list[Any] = []
    for name, target in urls.items():
        for mode in MODES:
            queries, median, seen = measure(client, engine, target, repeat, mode)
            found[name + mode] = (queries, median)
            statements += seen
    api = app.test_client()
    api.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    api_urls = {"api_progress": "/api/v1/progress?per_page=100&page=3",
                "api_summary": "/api/v1/summary"}  # fmt: skip
    for name, target in api_urls.items():
        for mode in MODES:
            queries, median, seen = measure(api, engine, target, repeat, mode)
            found[name + mode] = (queries, median)
            statements += seen
    found["growing_scans"] = growing_scans(engine, statements)
    found["export"] = export_memory(client)
    found["export_xlsx"] = export_memory(client, "/puf/oversigt.xlsx")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, nargs="+", default=[1100, 10000])
    parser.add_argument("--actions-per-school", type=int, default=250)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument(
        "--url", nargs="+", help="measure these existing databases, smallest first (no seeding)"
    )
    args = parser.parse_args()
    results: list[dict[str, Any]] = []
    for url in args.url or []:
        results.append(scale_report(url, args.repeat))
    for schools in [] if args.url else args.schools:
        with fresh_database(args.keep) as url:
            say("database", url.split(":", 1)[0])
            say(f"seed_{schools}_seconds", f"{seed(url, schools, args.actions_per_school):.1f}")
            results.append(scale_report(url, args.repeat))
    print_reports(results)


# Each page kept (between writes), cold (right after a write to one school) and full (every
# total read again, as when the app starts).
MODES = ("", "_cold", "_full")
NAMES = tuple(
    name + mode
    for name in ("overview", "overview_district", "overview_late_page", "api_progress",
                 "api_summary")
    for mode in MODES
)  # fmt: skip


def print_reports(results: list[dict[str, Any]]) -> None:
    """One `name: value` line per figure; with two sizes, the large-to-small ratios too."""
    for found in results:
        n = found["schools"]
        say(f"schools_{n}", f"{n} schools, {found['actions']} actions")
        for name in NAMES:
            queries, median = found[name]
            say(f"{name}_{n}", f"{median:.1f} ms, {queries} queries")
        say(f"growing_table_scans_{n}", found["growing_scans"] or "none")
        for name, key in (("csv", "export"), ("xlsx", "export_xlsx")):
            mb, plain, traced, size = found[key]
            say(
                f"{name}_export_{n}",
                f"peak +{mb:.1f} MB while streaming, one request {plain:.1f} s "
                f"({traced:.1f} s under tracemalloc), {size} bytes",
            )
    if len(results) > 1:
        small, large = results[0], results[-1]
        for name in NAMES:
            say(f"ratio_{name}", f"{large[name][1] / small[name][1]:.2f}")


if __name__ == "__main__":
    main()
