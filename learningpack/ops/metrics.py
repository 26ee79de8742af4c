"""Prometheus metrics (prometheus-client): requests, database work per request, logins.

Under gunicorn each worker is its own process. With ``PROMETHEUS_MULTIPROC_DIR`` set (an empty
folder, emptied at each start: deploy/gunicorn.conf.py does both) every worker writes its
numbers there and ``/metrics`` adds them up, whichever worker answers the scrape. Without it (one
process: ``flask run``, the tests) the numbers live in the process.

Labels are bounded: the endpoint's name (never the path), the method, the status.
"""

from __future__ import annotations

import os
import time
from typing import Any

from flask import g, has_request_context
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from sqlalchemy import event
from sqlalchemy.engine import Engine

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = CONTENT_TYPE_LATEST

REQUESTS = Counter(
    "learningpack_http_requests",
    "Requests answered, by endpoint, method and status.",
    ["endpoint", "method", "status"],
)
LATENCY = Histogram(
    "learningpack_http_request_duration_seconds",
    "Time to answer a request, by endpoint and status.",
    ["endpoint", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
DB_QUERIES = Histogram(
    "learningpack_db_queries_per_request",
    "SQL statements run while answering one request, by endpoint.",
    ["endpoint"],
    buckets=(0, 1, 2, 4, 6, 8, 12, 16, 32, 64),
)
DB_TIME = Histogram(
    "learningpack_db_seconds_per_request",
    "Time spent in SQL statements while answering one request, by endpoint.",
    ["endpoint"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0),
)
LOGIN_FAILURES = Counter(
    "learningpack_login_failures",
    "Failed login attempts (wrong e-mail or password, inactive account, wrong code).",
    ["step"],
)
RATE_LIMITED = Counter(
    "learningpack_rate_limited",
    "Requests refused by a rate limit (429), by endpoint: login throttling among them.",
    ["endpoint"],
)
LIMIT_STORAGE_DOWN = Counter(
    "learningpack_limit_storage_unavailable",
    "Requests refused (503) because the rate-limit storage (Redis) was unreachable.",
    ["endpoint"],
)

_QUERIES = "db_queries"
_DB_SECONDS = "db_seconds"
_STARTED = "learningpack_query_started"


def start_request() -> None:
    """Begin counting this request's SQL statements."""
    setattr(g, _QUERIES, 0)
    setattr(g, _DB_SECONDS, 0.0)


def request_db_work() -> tuple[int, float]:
    """(statements, seconds) of SQL so far in this request."""
    return int(g.get(_QUERIES, 0)), float(g.get(_DB_SECONDS, 0.0))


def observe_request(endpoint: str, method: str, status: int, seconds: float) -> None:
    """Count one answered request and the database work it did."""
    queries, db_seconds = request_db_work()
    REQUESTS.labels(endpoint, method, str(status)).inc()
    LATENCY.labels(endpoint, str(status)).observe(seconds)
    DB_QUERIES.labels(endpoint).observe(queries)
    DB_TIME.labels(endpoint).observe(db_seconds)


@event.listens_for(Engine, "before_cursor_execute")
def _query_started(conn: Any, cursor: Any, statement: Any, *args: Any) -> None:
    conn.info[_STARTED] = time.perf_counter()


@event.listens_for(Engine, "after_cursor_execute")
def _query_finished(conn: Any, cursor: Any, statement: Any, *args: Any) -> None:
    started = conn.info.pop(_STARTED, None)
    if started is None or not has_request_context() or _QUERIES not in g:
        return
    setattr(g, _QUERIES, g.get(_QUERIES, 0) + 1)
    setattr(g, _DB_SECONDS, g.get(_DB_SECONDS, 0.0) + time.perf_counter() - started)


def exposition() -> bytes:
    """The metrics in Prometheus's text format: all workers' together in multiprocess mode."""
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry)
    return generate_latest(REGISTRY)


def worker_exited(pid: int) -> None:
    """gunicorn's ``child_exit``: a dead worker's live values are dropped (its counts stay)."""
    if os.environ.get(MULTIPROC_ENV):
        multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]
