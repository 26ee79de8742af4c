"""learningpack: the learning package on parent collaboration, as a Flask application."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from learningpack.config import PROJECT_ROOT, load_config


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application: settings, extensions, blueprints, error pages and commands."""
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder="static",
        instance_path=str(PROJECT_ROOT / "instance"),
    )
    app.config.update(load_config())
    if config:
        app.config.update(config)

    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_request_hooks(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    from learningpack import access, content, i18n
    from learningpack.auth import session_guard
    from learningpack.extensions import csrf, db, limiter, login_manager, migrate

    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///") and ":memory:" not in uri:
        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    i18n.init_app(app)
    session_guard.init_app(app, login_manager)
    access.init_app(app)
    content.init_app(app)


def register_blueprints(app: Flask) -> None:
    from learningpack import api
    from learningpack.account.routes import bp as account_bp
    from learningpack.admin.routes import bp as admin_bp
    from learningpack.auditlog.routes import bp as auditlog_bp
    from learningpack.auth.routes import bp as auth_bp
    from learningpack.facilitation.routes import bp as facilitation_bp
    from learningpack.main.routes import bp as main_bp
    from learningpack.puf.routes import bp as puf_bp
    from learningpack.schooldata.routes import bp as schooldata_bp
    from learningpack.staff.routes import bp as staff_bp
    from learningpack.teacher.routes import bp as teacher_bp

    for blueprint in (
        auth_bp,
        main_bp,
        facilitation_bp,
        teacher_bp,
        puf_bp,
        account_bp,
        admin_bp,
        staff_bp,
        auditlog_bp,
        schooldata_bp,
    ):
        app.register_blueprint(blueprint)
    api.init_app(app)


def register_errorhandlers(app: Flask) -> None:
    from learningpack.errors import init_app

    init_app(app)


def register_request_hooks(app: Flask) -> None:
    from learningpack.security import init_app

    init_app(app)


def register_template_helpers(app: Flask) -> None:
    from learningpack.templating import init_app

    init_app(app)


def register_commands(app: Flask) -> None:
    from learningpack.cli import init_app

    init_app(app)
