"""Login, logout, sessions and the language switch."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from learningpack.auth.routes import safe_next
from learningpack.extensions import db
from learningpack.models import AuditEvent, User
from tests.factories import PASSWORD, SchoolFactory, login, make_leader, make_puf, make_teacher


@pytest.mark.parametrize(
    ("maker", "start"),
    [("puf", "/puf/"), ("leader", "/skole/"), ("teacher", "/mine-aktioner/")],
)
def test_each_role_lands_on_its_start_page(client: FlaskClient, maker: str, start: str) -> None:
    school = SchoolFactory()
    user = {"puf": make_puf, "leader": make_leader, "teacher": make_teacher}[maker](
        **({} if maker == "puf" else {"school": school})
    )
    response = login(client, user)
    assert response.status_code == 302
    assert response.headers["Location"] == start
    assert client.get(start).status_code == 200


def test_password_is_hashed(app: Flask) -> None:
    user = make_teacher(SchoolFactory())
    user.set_password("et-langt-og-hemmeligt-kodeord")
    assert "et-langt" not in user.password_hash
    assert user.check_password("et-langt-og-hemmeligt-kodeord")
    assert not user.check_password("forkert")


def test_email_is_case_insensitive(client: FlaskClient) -> None:
    user = make_teacher(SchoolFactory(), email="Anne.Oersted@Skole.DK")
    db.session.commit()
    assert user.email == "anne.oersted@skole.dk"
    response = client.post("/login", data={"email": "ANNE.OERSTED@skole.dk", "password": PASSWORD})
    assert response.status_code == 302


def test_wrong_password_keeps_email_and_says_so_in_danish(client: FlaskClient) -> None:
    user = make_teacher(SchoolFactory())
    db.session.commit()
    response = client.post("/login", data={"email": user.email, "password": "forkert"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Forkert e-mail eller adgangskode" in page
    assert f'value="{user.email}"' in page
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "login_failed"))
    assert event is not None and event.detail["email"] == user.email
    assert "forkert" not in str(event.detail)


def test_invalid_email_gives_a_field_error(client: FlaskClient) -> None:
    response = client.post("/login", data={"email": "ikke-en-mail", "password": ""})
    page = response.get_data(as_text=True)
    assert "Skriv en gyldig e-mailadresse" in page
    assert "Skriv din adgangskode" in page
    assert 'value="ikke-en-mail"' in page


def test_deactivated_user_cannot_log_in(client: FlaskClient) -> None:
    user = make_teacher(SchoolFactory(), active=False)
    response = login(client, user)
    assert response.status_code == 200
    assert "Forkert e-mail eller adgangskode" in response.get_data(as_text=True)


def test_anonymous_is_sent_to_login_with_next(client: FlaskClient) -> None:
    response = client.get("/skole/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_login_follows_a_safe_next(client: FlaskClient) -> None:
    user = make_teacher(SchoolFactory())
    db.session.commit()
    response = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "next": "/skole/"}
    )
    assert response.headers["Location"] == "/skole/"


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example", "javascript:x", "/\\evil.example", "", None],
)
def test_unsafe_next_is_ignored(target: str | None) -> None:
    assert safe_next(target) is None


def test_logout_ends_the_session_everywhere(app: Flask) -> None:
    user = make_leader(SchoolFactory())
    first, second = app.test_client(), app.test_client()
    login(first, user)
    login(second, user)
    assert second.get("/skole/").status_code == 200
    response = first.post("/logout")
    assert response.status_code == 302
    # The other browser's session is gone too: its session version is stale.
    assert second.get("/skole/").status_code == 302


def test_deactivation_ends_sessions(client: FlaskClient) -> None:
    user = make_leader(SchoolFactory())
    login(client, user)
    user.active = False
    db.session.commit()
    assert client.get("/skole/").status_code == 302


def test_absolute_session_lifetime(client: FlaskClient) -> None:
    user = make_leader(SchoolFactory())
    login(client, user)
    with client.session_transaction() as session:
        session["login_at"] = (datetime.now(UTC) - timedelta(hours=13)).timestamp()
    response = client.get("/skole/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_logout_requires_post(client: FlaskClient) -> None:
    assert client.get("/logout").status_code == 405


def test_language_switch_to_english_and_back(client: FlaskClient) -> None:
    page = client.get("/login").get_data(as_text=True)
    assert "Log ind" in page
    client.post("/sprog/en", data={"back": "/login"})
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Log in" in page
    assert "Log ind" not in page
    client.post("/sprog/da")
    assert "Log ind" in client.get("/login").get_data(as_text=True)


def test_language_choice_is_saved_for_the_user(client: FlaskClient) -> None:
    user = make_teacher(SchoolFactory())
    login(client, user)
    client.post("/sprog/en")
    assert db.session.get(User, user.id).locale == "en"
    assert client.post("/sprog/xx").status_code == 404


@pytest.mark.parametrize("app", [{"RATELIMIT_ENABLED": True}], indirect=True)
def test_failed_logins_are_throttled_per_account(client: FlaskClient) -> None:
    user = make_teacher(SchoolFactory())
    db.session.commit()
    for _ in range(5):
        assert (
            client.post("/login", data={"email": user.email, "password": "nej"}).status_code == 200
        )
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "For mange forsøg" in response.get_data(as_text=True)


def test_without_sign_on_settings_the_login_page_is_as_before(client: FlaskClient) -> None:
    page = client.get("/login").get_data(as_text=True)
    assert "kommunens login" not in page.lower() and "/login/oidc/" not in page
    assert "form-action 'self';" in client.get("/login").headers["Content-Security-Policy"]
