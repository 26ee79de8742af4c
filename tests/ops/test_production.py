"""README.md "Production", followed on a fresh PostgreSQL database; then two nodes as one.

The module's fixture does what the operator does: creates a database role and a database with
``psql``/``createdb``, writes the environment, migrates and creates the first PUF user with the
CLI, and starts the app with the shipped ``deploy/gunicorn.conf.py`` -- twice: node A (two
workers) and node B (one worker) on separate ports, sharing the database and Redis. Node B
reaches both through small TCP proxies in this process, which the degradation tests close and
reopen (the machine's real services are never stopped).

Then: a session made on one node holds on the other and ends on both by a logout or a password
change on one; the login throttle counts across both; a one-time form token used on one is
refused on the other; a module completed on both at once is completed once. /readyz, /metrics
and the JSON logs are checked on the running nodes. (Reminders, ``notify send`` on both nodes at
once, wait for the reminders to exist.)

PostgreSQL and Redis are required (skipped without them, failing under REQUIRE_POSTGRES /
REQUIRE_REDIS as everywhere). The module's tests share one deployment: ``xdist_group`` keeps
them on one worker (``make test`` runs ``--dist loadgroup``).
"""

from __future__ import annotations

import contextlib
import html
import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from learningpack import create_app
from learningpack.auth.limits import ACCOUNT_FAILURE_LIMIT
from learningpack.config import PROJECT_ROOT
from learningpack.content import default_package
from learningpack.extensions import db
from tests.apps import (
    REDIS_URL,
    PostgresDatabases,
    free_port,
    make_test_config,
    redis_client,
    wait_until_up,
)
from tests.factories import PASSWORD
from tests.world import agree, fill_cycle, make_world

pytestmark = pytest.mark.xdist_group("production")

BIN = Path(sys.executable).parent
CONNECT_TIMEOUT = 2  # DB_CONNECT_TIMEOUT of the nodes, seconds
METRICS_TOKEN = "metrics-" + uuid.uuid4().hex
README = PROJECT_ROOT / "README.md"
# The commands below, as the README's "Production" section spells them.
STEPS = (
    "CREATE ROLE learningpack LOGIN PASSWORD",
    "createdb --owner=learningpack learningpack",
    "flask --app learningpack.wsgi db upgrade",
    "flask --app learningpack.wsgi users create --role puf",
    "gunicorn -c /opt/learningpack/deploy/gunicorn.conf.py learningpack.wsgi:app",
    "curl -fsS http://127.0.0.1:8000/readyz",
    "pg_restore --clean --if-exists --no-owner --dbname=",
)


class TcpProxy:
    """A port in front of a service: ``up`` forwards, ``down`` refuses connections, ``hang``
    accepts them and never answers (a service that stopped responding)."""

    def __init__(self, target_port: int) -> None:
        self.target = ("127.0.0.1", target_port)
        self.port = free_port()
        self.mode = "up"
        self.lock = threading.Lock()
        self.sockets: list[socket.socket] = []
        self.listener: socket.socket | None = None
        self._listen()

    def _listen(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        listener.settimeout(0.2)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while self.listener is listener:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            with self.lock:
                self.sockets.append(client)
            if self.mode == "hang":
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self.lock:
                self.sockets.append(upstream)
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        for sock in (src, dst):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def _cut(self) -> None:
        with self.lock:
            sockets, self.sockets = self.sockets, []
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _stop_listening(self) -> None:
        listener, self.listener = self.listener, None
        if listener is not None:
            listener.close()

    def down(self) -> None:
        self.mode = "down"
        self._stop_listening()
        self._cut()

    def hang(self) -> None:
        self.mode = "hang"
        self._cut()

    def up(self) -> None:
        if self.listener is None:
            self._listen()
        self.mode = "up"
        self._cut()

    def close(self) -> None:
        self._stop_listening()
        self._cut()


class AnyScheme(http.cookiejar.DefaultCookiePolicy):
    """Production cookies are Secure; nginx would speak TLS, the test speaks plain HTTP."""

    def return_ok_secure(self, cookie: Any, request: Any) -> bool:
        return True


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclass
class Answer:
    status: int
    body: str
    headers: Any
    seconds: float


class Browser:
    """One user's cookies, used against either node."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar(policy=AnyScheme())
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def open(self, url: str, data: dict[str, str] | None = None, **headers: str) -> Answer:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, headers=headers)
        started = time.monotonic()
        try:
            with self.opener.open(request, timeout=30) as response:
                text_ = response.read().decode("utf-8")
                return Answer(response.status, text_, response.headers, time.monotonic() - started)
        except urllib.error.HTTPError as error:
            text_ = error.read().decode("utf-8", "replace")
            error.close()
            return Answer(error.code, text_, error.headers, time.monotonic() - started)

    def form(self, url: str) -> dict[str, str]:
        """The hidden fields (CSRF token, one-time token) of the page's forms."""
        page = self.open(url)
        assert page.status == 200, (url, page.status)
        fields = {}
        for tag in re.findall(r"<input\b[^>]*>", page.body):
            name = re.search(r'name="([^"]+)"', tag)
            value = re.search(r'value="([^"]*)"', tag)
            if 'type="hidden"' in tag and name:
                fields[name.group(1)] = html.unescape(value.group(1)) if value else ""
        return fields

    def login(self, node: str, email: str, password: str = PASSWORD) -> Answer:
        token = self.form(f"{node}/login")["csrf_token"]
        return self.open(
            f"{node}/login", {"email": email, "password": password, "csrf_token": token}
        )


@dataclass
class Deployment:
    a: str
    b: str
    db: Engine
    pg_proxy: TcpProxy
    redis_proxy: TcpProxy
    logs: dict[str, Path]
    people: dict[str, str]
    ids: dict[str, Any]
    env: dict[str, str]
    admin_url: str

    def log_lines(self, node: str) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.logs[node].read_text().splitlines() if line]

    def wait_for_log(
        self, node: str, wanted: Callable[[dict[str, Any]], bool], seconds: float = 10
    ) -> None:
        deadline = time.monotonic() + seconds
        while not any(wanted(line) for line in self.log_lines(node)):
            assert time.monotonic() < deadline, f"no such log line on node {node}"
            time.sleep(0.05)


def run(command: list[str], env: dict[str, str], cwd: Path, **kwargs: Any) -> str:
    done = subprocess.run(
        command, env=env, cwd=cwd, capture_output=True, text=True, timeout=120, **kwargs
    )
    assert done.returncode == 0, f"{command} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def libpq_args(url: str) -> list[str]:
    parsed = make_url(url)
    return [
        f"--host={parsed.host}",
        f"--port={parsed.port or 5432}",
        f"--username={parsed.username}",
    ]


def start_node(env: dict[str, str], cwd: Path, log: Path) -> subprocess.Popen[bytes]:
    command = [str(BIN / "gunicorn"), "-c", str(PROJECT_ROOT / "deploy" / "gunicorn.conf.py")]
    with log.open("wb") as stderr:
        return subprocess.Popen(
            [*command, "learningpack.wsgi:app"],
            env=env,
            cwd=cwd,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            start_new_session=True,
        )


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


def build_world(url: str) -> tuple[dict[str, str], dict[str, Any]]:
    """The schools and people the tests use, written straight into the migrated database."""
    app = create_app(make_test_config(url))
    with app.app_context():
        world = make_world(default_package(), other_started=True)
        fill_cycle(world.cycle(1), world.leader, world.teacher, world.team)
        assert world.other_run is not None
        other_cycle = world.cycle(1, world.other_run)
        action = agree(
            other_cycle, world.other_leader, "Fredagsbrev", owners=(world.other_teacher,)
        )
        db.session.commit()
        people = {
            "leader": world.leader.email,
            "teacher": world.teacher.email,
            "teacher2": world.teacher2.email,
            "other_teacher": world.other_teacher.email,
            "other_leader": world.other_leader.email,
        }
        ids = {"action": action.id, "run": world.run.id if world.run else 0}
        ids["module1"], ids["module2"] = world.slug(1), world.slug(2)
        db.session.remove()
        db.engine.dispose()
    return people, ids


@pytest.fixture(scope="module")
def deployment(
    tmp_path_factory: pytest.TempPathFactory, pg_databases: PostgresDatabases
) -> Iterator[Deployment]:
    admin_url = pg_databases.admin_url  # (the fixture skips or fails without PostgreSQL)
    redis = redis_client()
    tmp = tmp_path_factory.mktemp("production")
    name = f"lp_ops_{uuid.uuid4().hex[:10]}"
    admin = make_url(admin_url)
    pg_port = admin.port or 5432
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("PROMETHEUS", "LOG_"))}
    # Step 1: a role and a database owned by it.
    run(["psql", *libpq_args(admin_url), f"--dbname={admin.database}", "-v", "ON_ERROR_STOP=1",
         "-c", f"CREATE ROLE {name} LOGIN PASSWORD 'pw-{name}'"], base_env, tmp)  # fmt: skip
    procs: list[subprocess.Popen[bytes]] = []
    proxies: list[TcpProxy] = []
    engine = None
    prefix = f"lp-ops-{uuid.uuid4().hex[:10]}"
    try:
        run(["createdb", *libpq_args(admin_url), f"--owner={name}", name], base_env, tmp)
        database_url = f"postgresql://{name}:pw-{name}@{admin.host}:{pg_port}/{name}"
        # Step 2: the environment (the systemd unit's EnvironmentFile).
        env = {
            **base_env,
            "LEARNINGPACK_ENV": "production",
            "SECRET_KEY": uuid.uuid4().hex + uuid.uuid4().hex,
            "DATABASE_URL": database_url,
            "RATELIMIT_STORAGE_URI": REDIS_URL,
            "RATELIMIT_KEY_PREFIX": prefix,
            "TRUSTED_HOSTS": "127.0.0.1",
            "PROXY_COUNT": "1",
            "METRICS_TOKEN": METRICS_TOKEN,
            "DB_CONNECT_TIMEOUT": str(CONNECT_TIMEOUT),
            "LOGIN_RATE_LIMIT": "1000 per minute",  # the per-address limit stays out of the way
        }
        # Steps 3 and 4: migrate, create the first PUF user.
        flask = [str(BIN / "flask"), "--app", "learningpack.wsgi"]
        run([*flask, "db", "upgrade"], env, tmp)
        out = run([*flask, "users", "create", "--role", "puf", "--email", "puf@kommune.dk",
                   "--name", "Pia Central", "--password", "et langt og godt kodeord 2026"],
                  env, tmp)  # fmt: skip
        assert "Created puf@kommune.dk (puf)" in out
        people, ids = build_world(database_url)
        # Step 5: start (twice), check /readyz.
        redis_port = make_url(REDIS_URL.replace("redis://", "postgresql://")).port or 6379
        pg_proxy, redis_proxy = TcpProxy(pg_port), TcpProxy(redis_port)
        proxies += [pg_proxy, redis_proxy]
        nodes: dict[str, str] = {}
        logs: dict[str, Path] = {}
        for node, workers in (("a", 2), ("b", 1)):
            port = free_port()
            node_env = {
                **env,
                "BIND": f"127.0.0.1:{port}",
                "WEB_CONCURRENCY": str(workers),
                "PROMETHEUS_MULTIPROC_DIR": str(tmp / f"metrics-{node}"),
            }
            if node == "b":
                node_env["DATABASE_URL"] = database_url.replace(
                    f":{pg_port}/", f":{pg_proxy.port}/"
                )
                node_env["RATELIMIT_STORAGE_URI"] = REDIS_URL.replace(
                    f":{redis_port}/", f":{redis_proxy.port}/"
                )
            logs[node] = tmp / f"node-{node}.log"
            procs.append(start_node(node_env, tmp, logs[node]))
            nodes[node] = f"http://127.0.0.1:{port}"
        for proc, node in zip(procs, ("a", "b"), strict=True):
            wait_until_up(nodes[node], proc, logs[node], "/readyz")
        engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://"))
        yield Deployment(
            nodes["a"], nodes["b"], engine, pg_proxy, redis_proxy, logs, people, ids, env, admin_url
        )
    finally:
        for proc in procs:
            stop(proc)
        for proxy in proxies:
            proxy.close()
        if engine is not None:
            engine.dispose()
        run(["psql", *libpq_args(admin_url), f"--dbname={admin.database}",
             "-c", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
             "-c", f"DROP ROLE IF EXISTS {name}"], base_env, tmp)  # fmt: skip
        keys = list(redis.scan_iter(match=f"*{prefix}*"))
        if keys:
            redis.delete(*keys)
        redis.close()


def scalar(d: Deployment, sql: str, **params: Any) -> Any:
    with d.db.connect() as conn:
        return conn.execute(text(sql), params).scalar()


# --------------------------------------------------------------------------------------------
# The README's steps, and the probes of a node started from them.


def test_the_readme_spells_every_step_this_module_follows() -> None:
    parts = README.read_text(encoding="utf-8").split("\n## Production\n", 1)
    assert len(parts) == 2, "README.md has no 'Production' section"
    section = parts[1].split("\n## ", 1)[0]
    for step in STEPS:
        assert step in section, f"README 'Production' lacks: {step}"


def test_both_nodes_are_ready_and_answer_cheap_json_probes(deployment: Deployment) -> None:
    for node in (deployment.a, deployment.b):
        answer = Browser().open(f"{node}/readyz")
        assert answer.status == 200
        assert json.loads(answer.body) == {
            "status": "ready",
            "checks": {
                "database": "ok",
                "migrations": "ok",
                "limits": "ok",
                "content": "ok",
            },
        }
        assert answer.headers["Content-Type"] == "application/json"
        assert "Set-Cookie" not in answer.headers  # a probe makes no session
        assert json.loads(Browser().open(f"{node}/healthz").body) == {"status": "ok"}
    # Polling is not rate limited: a burst answers 200 throughout.
    statuses = {Browser().open(f"{deployment.a}/readyz").status for _ in range(30)}
    assert statuses == {200}
    made_by_the_cli = "SELECT role FROM \"user\" WHERE email = 'puf@kommune.dk'"
    assert scalar(deployment, made_by_the_cli) == "puf"


def test_metrics_need_the_token_parse_and_add_up_across_workers(deployment: Deployment) -> None:
    node = deployment.a
    assert Browser().open(f"{node}/metrics").status == 401
    assert Browser().open(f"{node}/metrics", Authorization="Bearer wrong").status == 401

    def healthz_count() -> float:
        answer = Browser().open(f"{node}/metrics", Authorization=f"Bearer {METRICS_TOKEN}")
        assert answer.status == 200
        families = {f.name: f for f in text_string_to_metric_families(answer.body)}
        assert {
            "learningpack_http_requests",
            "learningpack_http_request_duration_seconds",
            "learningpack_db_queries_per_request",
            "learningpack_db_seconds_per_request",
        } <= set(families)
        return sum(
            s.value
            for s in families["learningpack_http_requests"].samples
            if s.name.endswith("_total") and s.labels["endpoint"] == "main.health"
        )

    before = healthz_count()
    for _ in range(20):
        Browser().open(f"{node}/healthz")
    # Whichever of the two workers answers the scrape, it reports both workers' requests.
    assert [healthz_count() - before for _ in range(4)] == [20.0] * 4


# --------------------------------------------------------------------------------------------
# Two nodes as one.


def test_a_session_holds_on_both_nodes_and_a_logout_on_one_ends_it_on_both(
    deployment: Deployment,
) -> None:
    d = deployment
    first, second = Browser(), Browser()
    assert first.login(d.a, d.people["teacher"]).status == 302
    assert first.open(f"{d.b}/mine-aktioner/").status == 200  # made on A, valid on B
    assert second.login(d.b, d.people["teacher"]).status == 302
    assert second.open(f"{d.a}/mine-aktioner/").status == 200

    token = first.form(f"{d.a}/mine-aktioner/")["csrf_token"]
    assert first.open(f"{d.a}/logout", {"csrf_token": token}).status == 302
    for browser in (first, second):
        for node in (d.a, d.b):
            answer = browser.open(f"{node}/mine-aktioner/")
            assert answer.status == 302 and "/login" in answer.headers["Location"]


def test_a_password_change_on_one_node_ends_the_other_sessions_on_both(
    deployment: Deployment,
) -> None:
    d = deployment
    mine, elsewhere = Browser(), Browser()
    assert mine.login(d.a, d.people["teacher2"]).status == 302
    assert elsewhere.login(d.b, d.people["teacher2"]).status == 302
    token = mine.form(f"{d.a}/konto")["csrf_token"]
    new = "et helt nyt og langt kodeord 2026"
    changed = mine.open(
        f"{d.a}/konto/adgangskode",
        {"csrf_token": token, "current_password": PASSWORD, "password": new, "confirm": new},
    )
    assert changed.status == 302
    for node in (d.a, d.b):
        assert mine.open(f"{node}/mine-aktioner/").status == 200  # this session stays
        assert elsewhere.open(f"{node}/mine-aktioner/").status == 302  # the other one ended


def test_the_login_throttle_counts_across_both_nodes(deployment: Deployment) -> None:
    d = deployment
    email = f"gaet-{uuid.uuid4().hex[:8]}@skole.dk"
    budget = int(ACCOUNT_FAILURE_LIMIT.split()[0])
    statuses = [
        Browser().login(node, email, "forkert kodeord").status
        for node in [d.a, d.b] * (budget // 2) + [d.a] * (budget % 2)
    ]
    assert statuses == [200] * budget  # wrong password: the form again
    assert Browser().login(d.a, email, "forkert kodeord").status == 429
    assert Browser().login(d.b, email, "forkert kodeord").status == 429


def test_a_one_time_form_token_used_on_one_node_is_refused_on_the_other(
    deployment: Deployment,
) -> None:
    d = deployment
    browser = Browser()
    assert browser.login(d.a, d.people["other_teacher"]).status == 302
    url = f"/mine-aktioner/{d.ids['action']}/log"
    fields = browser.form(f"{d.a}{url}")
    assert fields.get("once")
    data = {
        **fields,
        "happened_on": date.today().isoformat(),
        "text": "Vi sendte fredagsbrevet ud.",
        "observation": "",
    }
    count = "SELECT count(*) FROM log_entry WHERE action_id = :id"
    before = scalar(d, count, id=d.ids["action"])
    assert browser.open(f"{d.a}{url}", data).status == 302
    again = browser.open(f"{d.b}{url}", data)  # the same form, sent again, to the other node
    assert again.status == 302
    assert "kun gemt én gang" in browser.open(f"{d.b}{again.headers['Location']}").body
    assert scalar(d, count, id=d.ids["action"]) == before + 1


def test_a_module_completed_on_both_nodes_at_once_is_completed_once(
    deployment: Deployment,
) -> None:
    d = deployment
    browser = Browser()
    assert browser.login(d.a, d.people["leader"]).status == 302
    module = f"/skole/modul/{d.ids['module1']}"
    token = browser.form(f"{d.a}{module}")["csrf_token"]
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def complete(node: str) -> None:
        barrier.wait(timeout=10)
        statuses.append(browser.open(f"{node}{module}/afslut", {"csrf_token": token}).status)

    threads = [threading.Thread(target=complete, args=(node,)) for node in (d.a, d.b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(statuses) == [302, 409]  # one completed it; the other was told it was done
    states = "SELECT state FROM cycle WHERE run_id = :run AND position = :position"
    assert scalar(d, states, run=d.ids["run"], position=1) == "completed"
    assert scalar(d, states, run=d.ids["run"], position=2) == "active"
    completed = "SELECT count(*) FROM audit_event WHERE verb = 'cycle_completed'"
    assert scalar(d, completed) == 1


# --------------------------------------------------------------------------------------------
# Logs, and what happens when Redis or PostgreSQL goes away (node B, behind the proxies).


def test_every_log_line_is_json_with_the_request_and_no_secrets(deployment: Deployment) -> None:
    d = deployment
    browser = Browser()
    answer = browser.open(f"{d.a}/login", **{"X-Request-ID": "ops-test-4711"})
    assert answer.headers["X-Request-ID"] == "ops-test-4711"
    assert browser.login(d.a, d.people["other_leader"]).status == 302
    # The login's own line names who logged in (written once the response has gone out).
    d.wait_for_log("a", lambda line: line.get("endpoint") == "auth.login" and "user_id" in line)
    lines = d.log_lines("a")  # every line parses as JSON
    # Each worker read the totals across all schools before its first request (reads/warm.py).
    assert [line for line in lines if "read at start" in line.get("message", "")]
    assert not [line for line in lines if line["logger"] == "gunicorn.access"]  # paths, tokens
    requests = [line for line in lines if line.get("logger") == "learningpack.access"]
    assert {"timestamp", "level", "request_id", "endpoint", "status", "duration_ms"} <= set(
        requests[-1]
    )
    assert any(line["request_id"] == "ops-test-4711" for line in requests)
    logged_in = [line for line in requests if line.get("user_id")]
    assert logged_in and all("school_id" in line for line in logged_in)
    everything = d.logs["a"].read_text() + d.logs["b"].read_text()
    cookies = [cookie.value for cookie in browser.jar]
    for secret in [PASSWORD, "forkert kodeord", "Vi sendte fredagsbrevet", *cookies]:
        assert secret not in everything


def test_with_redis_gone_logins_are_refused_and_readyz_says_so(deployment: Deployment) -> None:
    d = deployment
    d.redis_proxy.down()
    try:
        ready = Browser().open(f"{d.b}/readyz")
        assert ready.status == 503
        assert json.loads(ready.body)["checks"]["limits"] == "unreachable"
        assert Browser().open(f"{d.a}/readyz").status == 200  # node A has its own way there
        refused = Browser().login(d.b, d.people["other_leader"])
        assert refused.status == 503  # fail closed: no login without the throttle
        assert "Log ind er midlertidigt lukket" in refused.body
        assert refused.headers["X-Request-ID"] in refused.body  # to quote to support
        messages = [line["message"] for line in d.log_lines("b")]
        assert "rate-limit storage unreachable: request refused" in messages
        assert "not ready: limits" in messages
    finally:
        d.redis_proxy.up()
    assert Browser().open(f"{d.b}/readyz").status == 200
    assert Browser().login(d.b, d.people["other_leader"]).status == 302


def test_with_postgres_gone_pages_answer_503_quickly_and_recover(deployment: Deployment) -> None:
    d = deployment
    browser = Browser()
    assert browser.login(d.b, d.people["other_leader"]).status == 302
    assert browser.open(f"{d.b}/skole/").status == 200
    d.pg_proxy.hang()  # connections are cut; new ones are accepted and never answered
    try:
        page = browser.open(f"{d.b}/skole/")
        assert page.status == 503
        assert page.seconds < CONNECT_TIMEOUT + 3
        assert "databasen ikke svarer" in page.body
        assert page.headers["X-Request-ID"] in page.body
        ready = Browser().open(f"{d.b}/readyz")
        assert ready.status == 503 and ready.seconds < CONNECT_TIMEOUT + 3
        assert json.loads(ready.body)["checks"]["database"] == "unreachable"
        d.pg_proxy.down()  # now refused outright
        assert browser.open(f"{d.b}/skole/").status == 503
    finally:
        d.pg_proxy.up()
    # Back without a restart: the pool tests its connections before use.
    assert browser.open(f"{d.b}/skole/").status == 200
    assert Browser().open(f"{d.b}/readyz").status == 200


def test_a_backup_restores_into_an_empty_database(deployment: Deployment, tmp_path: Path) -> None:
    """Step 8: pg_dump while the nodes run, pg_restore into a new database owned by the role."""
    d = deployment
    source = make_url(d.env["DATABASE_URL"])
    role, dump = source.username or "", tmp_path / "backup.dump"
    pg = ["--host=127.0.0.1", f"--port={source.port}", f"--username={role}"]
    env = {**d.env, "PGPASSWORD": source.password or ""}
    run(["pg_dump", "--format=custom", f"--file={dump}", *pg, source.database or ""], env, tmp_path)
    target = f"{role}_restored"
    admin = [*libpq_args(d.admin_url), f"--dbname={make_url(d.admin_url).database}"]
    run(["createdb", *libpq_args(d.admin_url), f"--owner={role}", target], env, tmp_path)
    restored = source.set(database=target).render_as_string(hide_password=False)
    engine = create_engine(restored.replace("postgresql://", "postgresql+psycopg://"))
    try:
        run(["pg_restore", "--clean", "--if-exists", "--no-owner", f"--dbname={restored}",
             str(dump)], env, tmp_path)  # fmt: skip
        with engine.connect() as conn:
            puf = text("SELECT role FROM \"user\" WHERE email = 'puf@kommune.dk'")
            assert conn.execute(puf).scalar() == "puf"
            assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
    finally:
        engine.dispose()
        run(["psql", *admin, "-c", f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)'], env,
            tmp_path)  # fmt: skip


@pytest.mark.parametrize(("proxies", "trusted"), [("0", ""), ("1", "127.0.0.1,::1")])
def test_gunicorn_trusts_forwarded_headers_only_with_a_proxy(
    proxies: str, trusted: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same rule as the app's ProxyFix (PROXY_COUNT): no proxy declared, nobody trusted."""
    import runpy

    monkeypatch.setenv("PROXY_COUNT", proxies)
    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    for name in ("PROMETHEUS_MULTIPROC_DIR", "LOG_JSON"):  # the file sets defaults in os.environ
        monkeypatch.setenv(name, "")
    settings = runpy.run_path(str(PROJECT_ROOT / "deploy" / "gunicorn.conf.py"))
    assert settings["forwarded_allow_ips"] == trusted
    assert settings["accesslog"] is None  # paths can hold tokens; the app logs endpoints
    assert settings["graceful_timeout"] < settings["timeout"]
