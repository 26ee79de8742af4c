"""Load under gunicorn and wrk for `make bench`: start a server, log in through the real form,
measure requests per second, p50 and p99 latency, and let the server drain between runs."""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
PASSWORD = "demo-forældre-2026"


def note(message: str) -> None:
    print(f"# {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def gunicorn(target: str, env: dict[str, str], *extra: str) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "-w", "2", "-k", "sync", "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", *extra, target],
        cwd=ROOT,
        env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/", timeout=1).read()
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def session_cookie(base: str, email: str, check: str = "/mine-aktioner/") -> str:
    """Log in through the real login form (CSRF and all); the session cookie as a header value."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    if token is None:
        sys.exit("no CSRF token on the login page")
    data = urllib.parse.urlencode(
        {"csrf_token": token.group(1), "email": email, "password": PASSWORD}
    ).encode()
    opener.open(base + "/login", data=data).read()
    response = opener.open(base + check)
    if response.status != 200 or "/login" in response.url:
        sys.exit(f"could not open {check} as {email}")
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def drain(base: str, probe: str = "/", fast_ms: float = 50.0, limit_s: float = 30.0) -> None:
    """Wait until the server has finished what an earlier run left queued: a short pause, then
    probe until one idle request answers within ``fast_ms`` (or ``limit_s`` has passed)."""
    time.sleep(0.5)
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        started = time.perf_counter()
        try:
            urllib.request.urlopen(base + probe, timeout=limit_s).read()
        except urllib.error.HTTPError:
            pass
        except OSError:
            time.sleep(0.2)
            continue
        if (time.perf_counter() - started) * 1000 < fast_ms:
            return
        time.sleep(0.2)


@dataclass(frozen=True)
class Load:
    """One wrk run: requests per second, median and 99th percentile latency (ms)."""

    rps: float
    p50: float
    p99: float


LATENCY = r"^\s*{}%\s+([\d.]+)(us|ms|s)\s*$"
SCALE = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url: str, seconds: int, headers: tuple[str, ...] = ()) -> Load:
    """One wrk run at 2 threads and 16 connections; a 10 s timeout, so slow pages are measured,
    not cut off (a timed-out request would count as neither a request nor a latency)."""
    command = ["wrk", "-t2", "-c16", f"-d{seconds}s", "--timeout", "10s", "--latency", url]
    for header in headers:
        command += ["-H", header]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if "Non-2xx or 3xx responses" in output:
        sys.exit(f"wrk saw error responses from {url}:\n{output}")
    if re.search(r"Socket errors:.*timeout [1-9]", output):
        note(f"wrk: requests timed out on {url}")
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(LATENCY.format(50), output, re.MULTILINE)
    p99 = re.search(LATENCY.format(99), output, re.MULTILINE)
    if rps is None or p50 is None or p99 is None:
        sys.exit(f"could not read wrk's output:\n{output}")
    return Load(
        float(rps.group(1)),
        float(p50.group(1)) * SCALE[p50.group(2)],
        float(p99.group(1)) * SCALE[p99.group(2)],
    )


def ensure_wrk() -> bool:
    if shutil.which("wrk"):
        return True
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        note("installing wrk with apt-get")
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], capture_output=True, check=False)
    return shutil.which("wrk") is not None
