"""Language: Danish first, English on request; the choice follows the user."""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from learningpack.extensions import babel

LANGUAGE_NAMES = {"da": "Dansk", "en": "English"}


def select_locale() -> str:
    """The user's saved language, else the one chosen before login, else Danish."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI and background work speak Danish
        return str(current_app.config["BABEL_DEFAULT_LOCALE"])
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return str(current_user.locale)
    chosen = session.get("lang")
    if chosen in languages:
        return str(chosen)
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)


__all__ = ["LANGUAGE_NAMES", "_l", "init_app", "select_locale"]
