"""Signing in and one's own account: login, logout, language, password, two-factor, links."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from learningpack.auth import (  # noqa: E402, F401  (views attach to bp)
    account,
    links,
    mail_settings,
    oidc,
    routes,
    sign_in_settings,
)
