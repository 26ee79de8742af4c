"""The read-only JSON API (``/api/v1``) and PUF's page for API tokens."""

from __future__ import annotations

from typing import Any

from flask import Flask, Request, request
from flask import Response as FlaskResponse
from flask.sessions import SecureCookieSessionInterface

API_PREFIX = "/api/"


def is_api_request(req: Request | None = None) -> bool:
    return (req or request).path.startswith(API_PREFIX)


class NoApiSessionInterface(SecureCookieSessionInterface):
    """The cookie session, except that API responses never set a cookie (tokens only)."""

    def save_session(self, app: Flask, session: Any, response: FlaskResponse) -> None:
        if is_api_request():
            return None
        return super().save_session(app, session, response)


def init_app(app: Flask) -> None:
    from learningpack.api.admin import bp as admin_bp
    from learningpack.api.routes import bp as api_bp
    from learningpack.extensions import csrf

    app.session_interface = NoApiSessionInterface()
    csrf.exempt(api_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(admin_bp)
