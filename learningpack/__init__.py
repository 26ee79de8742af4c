"""learningpack: the learning package on parent collaboration, as a Flask application."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from learningpack.config import INSTANCE_DIR, data_dir, load_config
from learningpack.ops.startup import check_production


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application: settings, extensions, blueprints, error pages and commands."""
    app = Flask(
        __name__,
        template_folder=str(data_dir("templates")),
        static_folder="static",
        instance_path=str(INSTANCE_DIR),
    )
    app.config.update(load_config())
    if config:
        app.config.update(config)

    register_observability(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_request_hooks(app)
    register_template_helpers(app)
    register_commands(app)
    check_production(app)
    return app


def register_observability(app: Flask) -> None:
    """Request ids, JSON logs and metrics: first, so that every later hook is inside them."""
    from learningpack.web.observe import init_app

    init_app(app)


def register_extensions(app: Flask) -> None:
    from learningpack import content
    from learningpack.extensions import csrf, db, limiter, login_manager, migrate
    from learningpack.ops import pool, sqlite_wal
    from learningpack.web import access, i18n, inputs, read_only, session_guard

    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///") and ":memory:" not in uri:
        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    inputs.init_app(app)
    db.init_app(app)
    pool.init_app(app)
    sqlite_wal.init_app(app)
    read_only.init_app(app)
    migrate.init_app(app, db, directory=str(data_dir("migrations")))
    csrf.init_app(app)
    # Flask-Limiter takes a missing RATELIMIT_ENABLED from the previous app it served (its
    # ``enabled`` attribute), so one app's switch-off would carry to the next: on unless said.
    app.config.setdefault("RATELIMIT_ENABLED", True)
    limiter.init_app(app)
    i18n.init_app(app)
    session_guard.init_app(app, login_manager)
    access.init_app(app)
    content.init_app(app)


def register_blueprints(app: Flask) -> None:
    from learningpack import admin, api, auth, bank, main, puf, school, teacher

    for area in (auth, main, school, teacher, puf, admin, bank):
        app.register_blueprint(area.bp)
    api.init_app(app)


def register_errorhandlers(app: Flask) -> None:
    from learningpack.web.errors import init_app

    init_app(app)


def register_request_hooks(app: Flask) -> None:
    from learningpack.web import headers, uploads

    headers.init_app(app)
    uploads.init_app(app)


def register_template_helpers(app: Flask) -> None:
    from learningpack.web import attributes
    from learningpack.web.templating import init_app

    init_app(app)
    attributes.install()


def register_commands(app: Flask) -> None:
    from learningpack.cli import init_app

    init_app(app)
