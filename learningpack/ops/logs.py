"""Logs an operator can search: one JSON object per line (deploy/README.md, "Production").

Every line carries the time, the level, the logger and a fixed message; a line written while a
request is served also carries its request id, endpoint, and the logged-in user's and school's
ids. What users type (passwords, tokens, free text) is never put into a line: messages are
written by our code with ids as their only arguments; the per-request line names the endpoint,
never the path (``/nulstil/<token>`` holds a token); and of an exception only its type and the
stack are kept, not its message (a database error's message can quote the row's values).
"""

from __future__ import annotations

import json
import logging
import sys
import traceback
from datetime import UTC, datetime
from typing import Any

from flask import Flask, g, has_request_context, request

# The structured fields a log call may add with ``extra={"fields": {...}}``.
FIELDS_ATTR = "fields"
_HANDLER_NAME = "learningpack-json"
USER_IDS_KEY = "log_user_ids"


def request_fields() -> dict[str, Any]:
    """The request's id, endpoint and user, without loading anything (no database call)."""
    if not has_request_context():
        return {}
    fields: dict[str, Any] = {
        "request_id": g.get("request_id"),
        "endpoint": request.endpoint,
        "method": request.method,
    }
    ids = g.get(USER_IDS_KEY)  # set when the session's user was loaded (web/session_guard)
    if ids is not None:
        fields["user_id"], fields["school_id"] = ids
    return fields


def remember_user(user_id: int, school_id: int | None) -> None:
    """Note the request's user for its log lines (read later without touching the database)."""
    setattr(g, USER_IDS_KEY, (user_id, school_id))


class JsonFormatter(logging.Formatter):
    """A log record as one line of JSON."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "timestamp": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(request_fields())
        entry.update(getattr(record, FIELDS_ATTR, None) or {})
        if record.exc_info and record.exc_info[0] is not None:
            kind, _, tb = record.exc_info
            entry["exception"] = kind.__name__
            entry["stack"] = "".join(traceback.format_tb(tb))
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(app: Flask) -> None:
    """With LOG_JSON: every logger writes JSON lines to stderr (gunicorn's error log)."""
    if not app.config.get("LOG_JSON"):
        return
    root = logging.getLogger()
    handler = next((h for h in root.handlers if h.get_name() == _HANDLER_NAME), None)
    if handler is None:
        handler = logging.StreamHandler(sys.stderr)
        handler.set_name(_HANDLER_NAME)
        handler.setFormatter(JsonFormatter())
        root.addHandler(handler)
    root.setLevel(app.config.get("LOG_LEVEL", "INFO"))
    # Flask's own handler would print the app's lines a second time, in its text format.
    from flask.logging import default_handler

    app.logger.removeHandler(default_handler)
