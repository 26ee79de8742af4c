"""Friendly error pages: a clear message in the user's language, never a stack trace."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, has_request_context, render_template, request
from flask.globals import request_ctx
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, IntegrityError
from werkzeug.exceptions import HTTPException, InternalServerError

from learningpack.api.errors import error_response, http_error_response, is_api_request
from learningpack.extensions import db
from learningpack.web.error_messages import CSRF_MESSAGE, MESSAGES


def render_error(code: int, message: str | None = None) -> Any:
    title, default_message = MESSAGES.get(code, MESSAGES[500])
    if not has_request_context() or request_ctx.url_adapter is None:
        # The request never got as far as routing (e.g. a Host not in TRUSTED_HOSTS): no page
        # with links can be built, so answer in plain text rather than fail with a 500.
        text = f"{title}\n\n{message or default_message}\n"
        return text, code, {"Content-Type": "text/plain; charset=utf-8"}
    return (
        render_template(
            "errors/error.html", code=code, title=title, message=message or default_message
        ),
        code,
    )


def handle_http_error(error: HTTPException) -> ResponseReturnValue:
    if is_api_request():
        return http_error_response(error)
    return render_error(error.code or 500)


def handle_too_many(error: HTTPException) -> Any:
    """429: throttled logins go to the audit log, aggregated, with the e-mail tried as a keyed
    hash (never the address itself, never the password); old client addresses expire."""
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
    """A database failure mid-change: the whole change is rolled back, and the user is told so."""
    db.session.rollback()
    current_app.logger.exception("database error, change rolled back")
    status = 409 if isinstance(error, IntegrityError) else 503
    if is_api_request():
        return error_response(status)
    return render_error(status)


def init_app(app: Flask) -> None:
    app.register_error_handler(DBAPIError, handle_database_error)
    app.register_error_handler(CSRFError, handle_csrf_error)
    for code in (400, 403, 404, 405, 413):
        app.register_error_handler(code, handle_http_error)
    app.register_error_handler(429, handle_too_many)
    app.register_error_handler(InternalServerError, handle_server_error)
    app.register_error_handler(500, handle_server_error)
