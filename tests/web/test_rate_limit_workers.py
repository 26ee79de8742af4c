"""Login throttling holds across gunicorn workers when the limits live in Redis (DESIGN §10).

A real gunicorn with two sync workers is started on a free port; the access log names the
worker (pid) that answered each request. After an account's failed-login budget is used up,
every worker refuses the next attempts: the count is shared, not per process.

Skipped when Redis is unreachable, unless REQUIRE_REDIS=1 (CI). Uses its own key prefix in its
own Redis database and deletes only its own keys.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from learningpack import create_app
from learningpack.config import PROJECT_ROOT
from learningpack.extensions import db
from learningpack.models import Role, School, User
from tests.apps import REDIS_URL, free_port, make_test_config, redis_client, wait_until_up

ACCOUNT_LIMIT = 5  # "5 per 15 minutes" per account in auth/routes.py
EMAIL = "laerer@gunicorn.dk"
TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


@dataclass
class Server:
    url: str
    access_log: Path

    def served_by(self) -> list[tuple[int, int, str]]:
        """(pid, status, request line) for every request answered so far."""
        rows = []
        for line in self.access_log.read_text(encoding="utf-8").splitlines():
            pid, status, request = line.split(" ", 2)
            rows.append((int(pid.strip("<>")), int(status), request))
        return rows


@pytest.fixture
def gunicorn(tmp_path: Path) -> Iterator[Server]:
    client = redis_client()
    prefix = f"lp-test-{uuid.uuid4().hex[:12]}"
    database = f"sqlite:///{tmp_path / 'gunicorn.sqlite'}"
    app = create_app(make_test_config(database))
    with app.app_context():
        db.create_all()
        school = School(name="Gunicornskolen")
        user = User(email=EMAIL, name="Lærer", role=Role.TEACHER, school=school)
        user.set_password("et-rigtigt-langt-kodeord")
        db.session.add_all([school, user])
        db.session.commit()
        db.session.remove()
        db.engine.dispose()

    port = free_port()
    access_log = tmp_path / "access.log"
    error_log = tmp_path / "error.log"
    env = {
        **os.environ,
        "LEARNINGPACK_ENV": "development",
        "DATABASE_URL": database,
        "SECRET_KEY": "gunicorn-test-secret-0123456789abcdef",
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": prefix,
        "LOGIN_RATE_LIMIT": "1000 per minute",  # the per-address limit stays out of the way
    }
    command = [
        sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
        "--access-logfile", str(access_log), "--access-logformat", "%(p)s %(s)s %(r)s",
        "--error-logfile", str(error_log), "--timeout", "30", "app:app",
    ]  # fmt: skip
    proc = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(url, proc, error_log, "/healthz")
        yield Server(url=url, access_log=access_log)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
        keys = list(client.scan_iter(match=f"*{prefix}/*"))
        if keys:
            client.delete(*keys)
        client.close()


def failed_login(url: str) -> int:
    """A fresh connection: fetch the form (for the CSRF token), post a wrong password."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{url}/login", timeout=10) as response:
        match = TOKEN.search(response.read().decode("utf-8"))
    assert match, "no CSRF token on the login page"
    body = urllib.parse.urlencode(
        {"email": EMAIL, "password": "forkert-kodeord", "csrf_token": match.group(1)}
    ).encode()
    try:
        with opener.open(f"{url}/login", data=body, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        error.close()
        return int(error.code)


def test_failed_login_limit_holds_across_workers(gunicorn: Server) -> None:
    statuses = [failed_login(gunicorn.url) for _ in range(ACCOUNT_LIMIT)]
    assert statuses == [200] * ACCOUNT_LIMIT  # wrong password: the form again, with a message

    # Now hammer with concurrent attempts until both workers have answered some of them:
    # every one of them is refused, whichever worker it reached.
    refused: list[int] = []
    for _ in range(10):
        threads = []
        for _ in range(4):
            thread = threading.Thread(target=lambda: refused.append(failed_login(gunicorn.url)))
            threads.append(thread)
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        posts = [(pid, s) for pid, s, r in gunicorn.served_by() if r.startswith("POST /login")]
        if len({pid for pid, s in posts[ACCOUNT_LIMIT:]}) >= 2:
            break
    posts = [(pid, s) for pid, s, r in gunicorn.served_by() if r.startswith("POST /login")]
    later = posts[ACCOUNT_LIMIT:]
    assert refused and set(refused) == {429}
    assert {s for _, s in later} == {429}
    assert len({pid for pid, _ in later}) == 2, f"only one worker answered: {later}"
    # The access log and the responses agree on how many attempts got through.
    assert [s for _, s in posts[:ACCOUNT_LIMIT]] == [200] * ACCOUNT_LIMIT
