"""The factory, the configuration, error pages and security headers."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from learningpack import create_app
from learningpack.config import ConfigError, load_config
from learningpack.extensions import db
from tests.factories import SchoolFactory, login, make_leader, make_teacher


def test_development_defaults_use_sqlite_under_instance() -> None:
    config = load_config({})
    assert config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert config["SQLALCHEMY_DATABASE_URI"].endswith("instance/learningpack.sqlite")
    assert len(config["SECRET_KEY"]) >= 32
    assert config["BABEL_DEFAULT_LOCALE"] == "da"


def test_each_development_process_gets_its_own_secret() -> None:
    assert load_config({})["SECRET_KEY"] != load_config({})["SECRET_KEY"]


@pytest.mark.parametrize("secret", ["", "short", "dev-" + "x" * 40])
def test_production_refuses_to_start_without_a_real_secret(secret: str) -> None:
    env = {"LEARNINGPACK_ENV": "production", "SECRET_KEY": secret, "TRUSTED_HOSTS": "lp.example"}
    env["RATELIMIT_STORAGE_URI"] = "redis://127.0.0.1:6379/0"
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config(env)


def test_production_needs_trusted_hosts() -> None:
    with pytest.raises(ConfigError, match="TRUSTED_HOSTS"):
        load_config(
            {
                "LEARNINGPACK_ENV": "production",
                "SECRET_KEY": "s" * 40,
                "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
            }
        )


def test_production_config_is_strict() -> None:
    config = load_config(
        {
            "LEARNINGPACK_ENV": "production",
            "SECRET_KEY": "s" * 40,
            "TRUSTED_HOSTS": "a.example, b.example",
            "DATABASE_URL": "postgres://u@h/db",
            "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
        }
    )
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["TRUSTED_HOSTS"] == ["a.example", "b.example"]
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"


def test_404_page_is_friendly_and_danish(client: FlaskClient) -> None:
    response = client.get("/findes-ikke")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Siden findes ikke" in page
    assert '<html lang="da">' in page


def test_403_for_the_wrong_role(client: FlaskClient) -> None:
    teacher = make_teacher(SchoolFactory())
    login(client, teacher)
    response = client.get("/puf/")
    assert response.status_code == 403
    assert "Du har ikke adgang til siden" in response.get_data(as_text=True)


def test_500_page_rolls_back_and_is_friendly(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure after a flush: the error page is rendered with the half change rolled back."""
    from learningpack.models import School
    from learningpack.web import errors

    seen: list[int] = []
    render = errors.render_error

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(db.session.scalar(select(func.count()).select_from(School)) or 0)
        return render(*args, **kwargs)

    monkeypatch.setattr(errors, "render_error", spy)

    @app.get("/boom")
    def boom() -> str:
        db.session.add(School(name="Halvt gemt skole", district="Nord"))
        db.session.flush()
        raise RuntimeError("kaboom")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Der skete en fejl hos os" in page
    assert "kaboom" not in page
    assert seen == [0]  # the flushed school was gone when the page was rendered
    assert db.session.scalar(select(func.count()).select_from(School)) == 0


@pytest.mark.parametrize("app", [{"WTF_CSRF_ENABLED": True}], indirect=True)
def test_missing_csrf_token_gives_friendly_400(client: FlaskClient) -> None:
    response = client.post("/login", data={"email": "a@b.dk", "password": "x"})
    assert response.status_code == 400
    assert "Formularen var udløbet" in response.get_data(as_text=True)


def test_security_headers(client: FlaskClient) -> None:
    response = client.get("/login")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_logged_in_pages_are_not_cached(client: FlaskClient) -> None:
    leader = make_leader(SchoolFactory())
    login(client, leader)
    assert client.get("/skole/").headers["Cache-Control"] == "no-store"


def test_static_css_is_served_locally(client: FlaskClient) -> None:
    page = client.get("/login").get_data(as_text=True)
    assert "/static/css/app.css" in page
    assert "http://" not in page.replace("http://localhost", "")
    assert "https://" not in page
    css = client.get("/static/css/app.css")
    assert css.status_code == 200
    css.close()


def test_app_factory_accepts_a_config_mapping(tmp_path) -> None:
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
    assert isinstance(app, Flask)
    assert app.config["TESTING"] is True
