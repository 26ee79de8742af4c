"""The pages `make bench` loads under gunicorn, each against the bare Flask hello in alternating
rounds (DESIGN.md §8): hello, page, hello, page, … so that a busy machine slows both alike.

Per page: requests per second as a percentage of the hello run next to it (median and min–max
over the rounds), p50 and p99 latency (medians over the rounds), and PASS/MISS per budget line.
"""

from __future__ import annotations

import statistics
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from load import Load, drain, gunicorn, note, session_cookie, wrk


@dataclass
class Target:
    """One page to load: its URL, who asks for it, and what the budget says of it."""

    name: str
    path: str
    login: str | None = None  # e-mail of the user whose session cookie is sent
    check: str = "/mine-aktioner/"  # a page that user may open (the login is checked on it)
    bearer: str | None = None  # an API token instead of a session
    min_percent: float | None = None
    max_p99_ms: float | None = None
    max_kb: float | None = None
    note: str = ""
    headers: tuple[str, ...] = field(default=())


def find_targets(url: str, secret: str) -> list[Target]:
    """Every page the budget names, on the national data set in ``url``."""
    from sqlalchemy import create_engine, func, select

    from learningpack.models import Action, Cycle, CycleState, Role, Run, School, User, team_member

    engine = create_engine(url)
    with engine.connect() as conn:
        # The teacher whose "my actions" page lists closest to 25 actions (as in the issue).
        rows = conn.execute(
            select(User.email, func.count(func.distinct(Action.id)).label("n"))
            .join(team_member, team_member.c.user_id == User.id)
            .join(Action, Action.team_id == team_member.c.team_id)
            .join(Cycle, Cycle.id == Action.cycle_id)
            .where(Cycle.state == CycleState.ACTIVE, User.role == Role.TEACHER)
            .group_by(User.email)
        ).all()
        teacher = min(rows, key=lambda r: (abs(r.n - 25), r.email))
        # The school with the most actions in its open module, and its leader.
        busiest = conn.execute(
            select(Run.school_id, Cycle.module_slug, func.count(Action.id).label("n"))
            .join(Cycle, Cycle.run_id == Run.id)
            .join(Action, Action.cycle_id == Cycle.id)
            .where(Cycle.state == CycleState.ACTIVE)
            .group_by(Run.school_id, Cycle.module_slug)
            .order_by(func.count(Action.id).desc(), Run.school_id)
            .limit(1)
        ).one()
        leader = conn.scalar(
            select(User.email)
            .where(User.school_id == busiest.school_id, User.role == Role.LEADER)
            .order_by(User.id)
            .limit(1)
        )
        heaviest = conn.scalar(
            select(Run.school_id)
            .join(Cycle, Cycle.run_id == Run.id)
            .group_by(Run.school_id)
            .order_by(func.sum(Cycle.action_count).desc(), Run.school_id)
            .limit(1)
        )
        schools = conn.scalar(select(func.count(School.id))) or 0
        district = conn.scalar(
            select(School.district)
            .where(School.district != "")
            .group_by(School.district)
            .order_by(func.count().desc())
            .limit(1)
        )
    engine.dispose()
    late_page = max(1, (schools // 50) - 1)
    puf = "puf@demo.dk"
    return [
        Target("teacher", "/mine-aktioner/", teacher.email, min_percent=12.0, max_p99_ms=100.0,
               note=f"{teacher.n} actions"),
        Target("leader_module", f"/skole/modul/{busiest.module_slug}", leader, min_percent=5.0,
               note=f"{busiest.n} actions, school {busiest.school_id}"),
        Target("leader_school", "/skole/", leader, min_percent=8.0),
        Target("teacher_account", "/konto", teacher.email, min_percent=8.0,
               note="the lightest logged-in page, kept"),
        Target("teacher_notices", "/beskeder", teacher.email, min_percent=8.0,
               note="a light page rendered on every request: the floor under the pages not kept"),
        Target("overview", "/puf/", puf, "/puf/", min_percent=8.0),
        Target("overview_district", f"/puf/?omraade={urllib.parse.quote(district or '')}",
               puf, "/puf/", min_percent=8.0),
        Target("overview_late_page", f"/puf/?side={late_page}", puf, "/puf/", min_percent=8.0),
        Target("drilldown", f"/puf/skoler/{heaviest}", puf, "/puf/", max_kb=150.0,
               min_percent=8.0, note=f"school {heaviest}"),
        Target("digest", "/puf/laering", puf, "/puf/", min_percent=8.0),
        Target("api_progress", "/api/v1/progress?per_page=100&page=3", bearer=secret,
               min_percent=8.0, note="kept until a school changes"),
        Target("export_csv", "/puf/oversigt.csv", puf, "/puf/"),
        Target("export_xlsx", "/puf/oversigt.xlsx", puf, "/puf/"),
    ]  # fmt: skip


def api_secret(url: str, app_config: dict[str, Any]) -> str:
    """A fresh PUF API token for the API target."""
    from sqlalchemy import select

    from learningpack import create_app
    from learningpack.domain.api_keys import create_api_key
    from learningpack.extensions import db
    from learningpack.models import User

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, **app_config})
    with app.app_context():
        puf = db.session.scalar(select(User).where(User.email == "puf@demo.dk"))
        assert puf is not None
        secret = create_api_key(puf, "bench-load", 30).secret
        db.session.commit()
        db.engine.dispose()
    return secret


def page_kb(base: str, target: Target) -> float:
    request = urllib.request.Request(base + target.path, headers=dict(_pairs(target.headers)))
    with urllib.request.urlopen(request, timeout=300) as response:
        return len(response.read()) / 1024


def _pairs(headers: tuple[str, ...]) -> list[tuple[str, str]]:
    return [tuple(h.split(": ", 1)) for h in headers]  # type: ignore[misc]


@dataclass
class Result:
    target: Target
    percents: list[float]
    page: list[Load]
    hello: list[Load]
    kb: float

    @property
    def median_percent(self) -> float:
        return statistics.median(self.percents)

    @property
    def p50(self) -> float:
        return statistics.median(run.p50 for run in self.page)

    @property
    def p99(self) -> float:
        return statistics.median(run.p99 for run in self.page)

    def verdicts(self) -> list[tuple[str, bool]]:
        found = []
        t = self.target
        if t.min_percent is not None:
            found.append((f"{t.name}_at_least_{t.min_percent:g}_percent_of_hello",
                          self.median_percent >= t.min_percent))  # fmt: skip
        if t.max_p99_ms is not None:
            found.append((f"{t.name}_p99_under_{t.max_p99_ms:g}ms", self.p99 < t.max_p99_ms))
        if t.max_kb is not None:
            found.append((f"{t.name}_under_{t.max_kb:g}KB", self.kb < t.max_kb))
        return found


def load_pages(
    env: dict[str, str], targets: list[Target], rounds: int, seconds: int
) -> list[Result]:
    """Each target against hello in ``rounds`` alternating rounds; both servers drained (an
    idle request answers fast) before every run."""
    results = []
    hello_app = gunicorn("hello:app", env, "--pythonpath", "bench")
    with gunicorn("app:app", env) as base, hello_app as hello:
        cookies: dict[str, str] = {}
        for target in targets:
            if target.bearer:
                target.headers = (f"Authorization: Bearer {target.bearer}",)
            elif target.login:
                if target.login not in cookies:
                    cookies[target.login] = session_cookie(base, target.login, target.check)
                target.headers = (f"Cookie: {cookies[target.login]}",)
        for target in targets:
            drain(base, "/healthz")
            kb = page_kb(base, target)
            page_runs, hello_runs, percents = [], [], []
            for _ in range(rounds):
                drain(hello)
                hello_runs.append(wrk(hello + "/", seconds))
                drain(base, "/healthz")
                page_runs.append(wrk(base + target.path, seconds, target.headers))
                percents.append(100.0 * page_runs[-1].rps / hello_runs[-1].rps)
            result = Result(target, percents, page_runs, hello_runs, kb)
            results.append(result)
            report(result)
    return results


def report(r: Result) -> None:
    name = r.target.name
    hello_rps = statistics.median(run.rps for run in r.hello)
    page_rps = statistics.median(run.rps for run in r.page)
    if page_rps == 0:
        # wrk prints no latency when nothing finished: 0.0 ms would read as instant.
        print(f"{name}: no response finished within a run (16 at once, each slower than the "
              f"run); one request's time is in the export lines above, {r.kb:.0f} KB",
              flush=True)  # fmt: skip
        return
    print(
        f"{name}: {page_rps:.1f} req/s = {r.median_percent:.1f} % of hello "
        f"(min–max {min(r.percents):.1f}–{max(r.percents):.1f} %, {len(r.percents)} rounds; "
        f"hello {hello_rps:.0f} req/s), p50 {r.p50:.1f} ms, p99 {r.p99:.1f} ms "
        f"(p99 min–max {min(x.p99 for x in r.page):.1f}–{max(x.p99 for x in r.page):.1f}), "
        f"{r.kb:.0f} KB" + (f"  [{r.target.note}]" if r.target.note else ""),
        flush=True,
    )


def verdicts(results: list[Result]) -> None:
    for result in results:
        for line, ok in result.verdicts():
            print(f"budget_{line}: {'PASS' if ok else 'MISS'}", flush=True)
    note("measured under whatever else runs on this machine: compare the ratios, not req/s")
