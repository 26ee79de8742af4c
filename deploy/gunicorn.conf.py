"""gunicorn settings for the learning package (README.md, "Production").

    gunicorn -c deploy/gunicorn.conf.py learningpack.wsgi:app

Every value can be set from the environment (the systemd unit's EnvironmentFile), so the file
itself is not edited per server.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from typing import Any

# Where nginx reaches the app. Keep it on 127.0.0.1 (or a private address): the app trusts the
# proxy's X-Forwarded-* headers (PROXY_COUNT), so nobody else may reach this port.
bind = os.environ.get("BIND", "127.0.0.1:8000")

# Sync workers: each answers one request at a time. About 2 per CPU core (the budgets in
# DESIGN.md §8 are measured with 2 workers on 2 cores); pages are short and the database waits.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"

# A worker that does not answer within `timeout` seconds is killed and replaced. Exports and
# PDFs are the slowest pages; keep nginx's proxy_read_timeout above this.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# Graceful shutdown (SIGTERM from systemd): stop accepting, let requests in flight finish for up
# to this long. systemd's TimeoutStopSec must be longer.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Recycle workers now and then (a slow leak cannot grow without bound); jitter avoids all at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10

# Behind nginx: the app's ProxyFix (PROXY_COUNT in learningpack/config.py) takes the client's
# address, scheme and host from the proxy's X-Forwarded-* headers. gunicorn itself trusts them
# only from the proxy's address, and from nobody when no proxy is declared.
_proxies = int(os.environ.get("PROXY_COUNT", "0") or 0)
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1") if _proxies else ""

# Logs: the app writes one JSON line per request (timestamp, level, request id, user and school
# id, endpoint, status, duration); gunicorn's access log would repeat it with the path, and a path
# can hold a one-time token (/nulstil/<token>), so it stays off. Errors go to stderr (journald),
# as JSON too.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# One handler for gunicorn's and the app's lines alike: its name is the one the app's
# configure_logging (learningpack/ops/logs.py) looks for, so it is not added twice.
logconfig_dict: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "learningpack.ops.logs.JsonFormatter"}},
    "handlers": {
        "learningpack-json": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stderr",
        }
    },
    "root": {"level": "INFO", "handlers": ["learningpack-json"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
        # Off (see accesslog above): with a logging config gunicorn would write it anyway.
        "gunicorn.access": {"level": "CRITICAL", "handlers": [], "propagate": False},
    },
}
os.environ.setdefault("LOG_JSON", "1")

# Prometheus metrics from every worker (prometheus-client's multiprocess mode): the workers write
# to this folder, /metrics adds them up. It must be empty at start: wiped in on_starting.
# Set before any worker imports the app (prometheus-client reads it at import).
os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR",
    os.path.join(
        os.environ.get("RUNTIME_DIRECTORY", tempfile.gettempdir()), "learningpack-metrics"
    ),
)


def on_starting(server: Any) -> None:
    folder = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder, mode=0o700, exist_ok=True)


def post_worker_init(worker: Any) -> None:
    """Read the totals across all schools before the worker takes its first request
    (learningpack/reads/warm.py): the first PUF page after a start does not pay for them."""
    from learningpack.reads.warm import warm_worker
    from learningpack.wsgi import app

    warm_worker(app)


def child_exit(server: Any, worker: Any) -> None:
    from learningpack.ops.metrics import worker_exited

    worker_exited(worker.pid)
