"""Security headers on every response, cookie flags, HSTS and trusted hosts (DESIGN.md §10)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from learningpack import create_app
from learningpack.content import Package
from learningpack.extensions import db
from learningpack.web.headers import CSP, HSTS
from tests.apps import IsolatedClient, make_test_config
from tests.factories import SchoolFactory, login, make_leader
from tests.routes import ROLES, build, own_ids, routes, user_for
from tests.world import (
    World,
    two_schools,
)

ALWAYS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def header_problems(response: Any, what: str, *, logged_in: bool, static: bool = False) -> list:
    problems = [
        f"{what}: {name} is {response.headers.get(name)!r}"
        for name, value in ALWAYS.items()
        if response.headers.get(name) != value
    ]
    if logged_in and not static and response.headers.get("Cache-Control") != "no-store":
        problems.append(f"{what}: Cache-Control {response.headers.get('Cache-Control')!r}")
    return problems


@pytest.fixture
def world(package: Package) -> World:
    return two_schools(package)


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_with_the_security_headers(
    app: Flask, client: FlaskClient, world: World, role: str
) -> None:
    """Every rule in the URL map, every method, as every role: 200s, redirects, 403s, 404s."""
    user = user_for(world, role)
    if user is not None:
        login(client, user)
    problems: list[str] = []
    for rule, method in routes(app):
        url = build(app, rule, method, own_ids(world))
        response = client.open(url, method=method)
        # The logout at the end ends the session: that response is no longer "logged in".
        still_in = user is not None and rule.endpoint != "auth.logout"
        problems += header_problems(
            response, f"{role} {method} {url} ({response.status_code})", logged_in=still_in
        )
    assert not problems, "\n".join(problems)


def test_error_and_static_responses_carry_the_headers(app: Flask, client: FlaskClient) -> None:
    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("kaboom")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    leader = make_leader(SchoolFactory())
    login(client, leader)
    checks = [
        (client.get("/findes-ikke"), 404),
        (client.put("/skole/"), 405),
        (client.get("/boom"), 500),
        (client.post("/skole/start", data={"x": "y" * (3 * 1024 * 1024)}), 413),
        (client.get("/"), 302),
    ]
    problems = []
    for response, status in checks:
        assert response.status_code == status
        problems += header_problems(response, str(status), logged_in=True)
    css = client.get("/static/css/app.css")
    problems += header_problems(css, "static", logged_in=True, static=True)
    assert css.headers.get("Cache-Control") != "no-store"  # shared, cacheable
    css.close()
    assert not problems, "\n".join(problems)


def test_anonymous_pages_and_csrf_errors_carry_the_headers(app: Flask) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    for response in (client.get("/login"), client.post("/login", data={}), client.get("/skole/")):
        assert not header_problems(response, str(response.status_code), logged_in=False)


@pytest.mark.parametrize("app", [{"RATELIMIT_ENABLED": True}], indirect=True)
def test_throttled_login_has_headers_and_is_audited(app: Flask, client: FlaskClient) -> None:
    from sqlalchemy import select

    from learningpack.models import AuditEvent

    for _ in range(6):
        response = client.post("/login", data={"email": "x@skole.dk", "password": "forkert"})
    assert response.status_code == 429
    assert not header_problems(response, "429", logged_in=False)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "login_throttled"))
    assert event is not None and "x@skole.dk" not in str(event.detail)  # a keyed hash
    assert "forkert" not in str(event.detail)


# ---------------------------------------------------------------------------------------------
# Production settings, built the way production builds them: from the environment.

PRODUCTION_ENV = {
    "LEARNINGPACK_ENV": "production",
    "SECRET_KEY": "p" * 48,
    "TRUSTED_HOSTS": "laeringspakken.aarhus.dk",
    "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/15",
}


@pytest.fixture
def production_app(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Flask]:
    for name, value in PRODUCTION_ENV.items():
        monkeypatch.setenv(name, value)
    config = make_test_config(f"sqlite:///{tmp_path / 'prod.sqlite'}")
    for name in ("TESTING", "SECRET_KEY"):
        config.pop(name)
    application = create_app(config)
    application.test_client_class = IsolatedClient
    with application.app_context():
        db.create_all()
        yield application
        db.session.remove()
        db.engine.dispose()


def test_production_sends_hsts_and_secure_cookies(production_app: Flask) -> None:
    assert production_app.config["PRODUCTION"] is True
    client = production_app.test_client()
    base = "https://laeringspakken.aarhus.dk"
    leader = make_leader(SchoolFactory())
    db.session.commit()
    from tests.factories import PASSWORD

    response = client.post(f"{base}/login", data={"email": leader.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Strict-Transport-Security"] == HSTS
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Expires=" in cookie  # a 2-hour idle lifetime, not a 31-day one
    page = client.get(f"{base}/skole/")
    assert page.status_code == 200
    assert page.headers["Strict-Transport-Security"] == HSTS
    assert page.headers["Cache-Control"] == "no-store"
    assert client.get(f"{base}/nej").headers["Strict-Transport-Security"] == HSTS


def test_development_cookies_are_httponly_and_lax_without_hsts(client: FlaskClient) -> None:
    leader = make_leader(SchoolFactory())
    response = login(client, leader)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert "Strict-Transport-Security" not in response.headers


def test_production_refuses_an_untrusted_host(production_app: Flask) -> None:
    client = production_app.test_client()
    assert client.get("https://laeringspakken.aarhus.dk/login").status_code == 200
    response = client.get("https://evil.example/login")
    assert response.status_code == 400
    assert response.headers["Content-Security-Policy"] == CSP
    assert "evil.example" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "app", [{"PROXY_COUNT": 1, "RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "2 per minute"}],
    indirect=True,
)  # fmt: skip
def test_behind_one_proxy_the_login_limit_is_per_client_address(
    app: Flask, client: FlaskClient
) -> None:
    def attempt(address: str, n: int) -> int:
        response = client.post(
            "/login",
            data={"email": f"person{n}@skole.dk", "password": "forkert"},
            headers={"X-Forwarded-For": address},
        )
        return response.status_code

    assert [attempt("10.0.0.1", n) for n in range(3)] == [200, 200, 429]
    assert attempt("10.0.0.2", 9) == 200  # another client behind the same proxy


def test_without_proxy_count_a_forwarded_address_is_ignored(app: Flask) -> None:
    assert app.config["PROXY_COUNT"] == 0
    seen = []

    @app.get("/addr")
    def addr() -> str:
        from flask import request

        seen.append(request.remote_addr)
        return "ok"

    app.test_client().get("/addr", headers={"X-Forwarded-For": "6.6.6.6"})
    assert seen == ["127.0.0.1"]
