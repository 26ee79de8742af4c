"""The read-only JSON API (``/api/v1``) for the committee's reporting tools."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask import Response as FlaskResponse
from flask.sessions import SecureCookieSessionInterface

from learningpack.api.errors import is_api_request


class NoApiSessionInterface(SecureCookieSessionInterface):
    """The cookie session, except that API responses never set a cookie (API keys only)."""

    def save_session(self, app: Flask, session: Any, response: FlaskResponse) -> None:
        if is_api_request():
            return None
        return super().save_session(app, session, response)


def init_app(app: Flask) -> None:
    from learningpack.api.routes import bp as api_bp
    from learningpack.extensions import csrf

    app.session_interface = NoApiSessionInterface()
    csrf.exempt(api_bp)
    app.register_blueprint(api_bp)
