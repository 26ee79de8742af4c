"""Friendly error pages: a clear message in the user's language, never a stack trace."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, g, has_request_context, render_template, request
from flask.globals import request_ctx
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from limits.errors import StorageError
from sqlalchemy.exc import DBAPIError, IntegrityError
from werkzeug.exceptions import HTTPException, InternalServerError

from learningpack.api.errors import error_response, http_error_response, is_api_request
from learningpack.extensions import db, login_manager
from learningpack.ops import metrics
from learningpack.web.error_messages import (
    CSRF_MESSAGE,
    DATABASE_DOWN_READING,
    LIMITS_DOWN,
    MESSAGES,
    REQUEST_ID_LABEL,
)
from learningpack.web.observe import request_id

log = logging.getLogger("learningpack.errors")


def render_error(code: int, message: str | None = None, title: str | None = None) -> Any:
    default_title, default_message = MESSAGES.get(code, MESSAGES[500])
    title = title or str(default_title)
    reference = request_id() if has_request_context() else ""
    if not has_request_context() or request_ctx.url_adapter is None:
        # The request never got as far as routing (e.g. a Host not in TRUSTED_HOSTS): no page
        # with links can be built, so answer in plain text rather than fail with a 500.
        text = f"{title}\n\n{message or default_message}\n"
        if reference:
            text += f"\n{REQUEST_ID_LABEL}: {reference}\n"
        return text, code, {"Content-Type": "text/plain; charset=utf-8"}
    return (
        render_template(
            "errors/error.html",
            code=code,
            title=title,
            message=message or default_message,
            request_id=reference,
        ),
        code,
    )


def forget_user() -> None:
    """Render the error page as for a visitor: the user's row cannot be read while the
    database is away (the rolled-back session would reload it)."""
    g._login_user = login_manager.anonymous_user()


def handle_http_error(error: HTTPException) -> ResponseReturnValue:
    if is_api_request():
        return http_error_response(error)
    return render_error(error.code or 500)


def handle_too_many(error: HTTPException) -> Any:
    """429: throttled logins go to the audit log, aggregated, with the e-mail tried as a keyed
    hash (never the address itself, never the password); old client addresses expire."""
    metrics.RATE_LIMITED.labels(request.endpoint or "none").inc()
    if request.endpoint == "auth.login":
        from learningpack.domain.audit_privacy import expire_addresses, record_throttled

        db.session.rollback()
        record_throttled(request.form.get("email", "")[:254], request.remote_addr or "")
        expire_addresses()
        db.session.commit()
    if is_api_request():
        return http_error_response(error)
    return render_error(429)


def handle_csrf_error(error: CSRFError) -> Any:
    return render_error(400, str(CSRF_MESSAGE))


def handle_server_error(error: Exception) -> ResponseReturnValue:
    db.session.rollback()
    if is_api_request():
        return error_response(500)
    return render_error(500)


def handle_database_error(error: DBAPIError) -> Any:
    """A database failure mid-change: the whole change is rolled back, and the user is told so.
    An unreachable database answers 503 at once (the connect timeout is bounded, config.py)."""
    db.session.rollback()
    status = 409 if isinstance(error, IntegrityError) else 503
    if status == 503:
        forget_user()
        fields = {"error": type(error.orig).__name__}
        log.warning("database unavailable", exc_info=True, extra={"fields": fields})
    else:
        log.exception("database error, change rolled back")
    if is_api_request():
        return error_response(status)
    reading = request.method in ("GET", "HEAD")
    return render_error(status, str(DATABASE_DOWN_READING) if status == 503 and reading else None)


def handle_limits_down(error: StorageError) -> Any:
    """The rate-limit storage (Redis) is away: fail closed. A guarded step (a login, a reset, a
    password change) is refused rather than let through uncounted; other pages work on."""
    metrics.LIMIT_STORAGE_DOWN.labels(request.endpoint or "none").inc()
    log.error(
        "rate-limit storage unreachable: request refused",
        extra={"fields": {"error": type(error.storage_error).__name__}},
    )
    db.session.rollback()
    if is_api_request():
        return error_response(503)
    title, message = LIMITS_DOWN
    return render_error(503, str(message), title=str(title))


def init_app(app: Flask) -> None:
    app.register_error_handler(DBAPIError, handle_database_error)
    app.register_error_handler(StorageError, handle_limits_down)
    app.register_error_handler(CSRFError, handle_csrf_error)
    for code in (400, 403, 404, 405, 413):
        app.register_error_handler(code, handle_http_error)
    app.register_error_handler(429, handle_too_many)
    app.register_error_handler(InternalServerError, handle_server_error)
    app.register_error_handler(500, handle_server_error)
