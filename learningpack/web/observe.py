"""Every request gets an id, is timed, counted (ops/metrics) and logged in one line (ops/logs).

The id comes from the ``X-Request-ID`` header when a proxy set a sensible one (nginx's
``$request_id``: letters, digits and ``._:-``, at most 64), else it is made here. It goes back in
the response's ``X-Request-ID`` and onto the friendly error page, so a user can quote it and the
operator can find the request's log lines.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, g, request
from werkzeug.wrappers import Response

from learningpack.ops import metrics
from learningpack.ops.logs import configure_logging

HEADER = "X-Request-ID"
_VALID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
_STARTED = "request_started"

access_log = logging.getLogger("learningpack.access")


def request_id() -> str:
    """This request's id ("" outside a request that went through :func:`start_request`)."""
    return str(g.get("request_id") or "")


def start_request() -> None:
    incoming = request.headers.get(HEADER, "")
    g.request_id = incoming if _VALID.fullmatch(incoming) else uuid.uuid4().hex
    setattr(g, _STARTED, time.perf_counter())
    metrics.start_request()


def finish_request(response: Response) -> Response:
    started = g.get(_STARTED)
    if started is None:  # a request that failed before the first hook ran
        return response
    response.headers[HEADER] = request_id()
    seconds = time.perf_counter() - started
    endpoint = request.endpoint or "none"
    metrics.observe_request(endpoint, request.method, response.status_code, seconds)
    queries, db_seconds = metrics.request_db_work()
    access_log.info(
        "request",
        extra={
            "fields": {
                "status": response.status_code,
                "duration_ms": round(seconds * 1000, 2),
                "db_queries": queries,
                "db_ms": round(db_seconds * 1000, 2),
            }
        },
    )
    return response


def init_app(app: Flask) -> None:
    """Registered before every other hook, so that even a refused request has its id."""
    configure_logging(app)
    app.before_request(start_request)
    app.after_request(finish_request)
