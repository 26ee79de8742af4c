"""API tokens: stored as a hash, shown once, refused when revoked, expired or not PUF's; the UI."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from learningpack.domain.api_keys import (
    LAST_USED_RESOLUTION,
    ApiKeyRefused,
    authenticate,
    create_api_key,
    revoke_api_key,
)
from learningpack.extensions import db
from learningpack.models import ApiToken, AuditEvent, Role, User, utcnow
from tests.factories import SchoolFactory, UserFactory, login, make_puf
from tests.helpers import page_of

SCHOOLS = "/api/v1/schools"


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def puf(app: Flask) -> User:
    return make_puf(name="Pia PUF")


def new_secret(user: User, name: str = "Rapport", days: int = 90) -> str:
    secret = create_api_key(user, name, days).secret
    db.session.commit()
    return secret


def audit_verbs() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.verb).order_by(AuditEvent.id)))


# --- the domain -------------------------------------------------------------------------------


def test_token_is_stored_as_a_hash_and_audited_without_the_secret(puf: User) -> None:
    new = create_api_key(puf, "  Ledelsesinformation  ", 90)
    db.session.commit()
    assert new.secret.startswith("lp_") and len(new.secret) >= 40
    token = db.session.scalars(select(ApiToken)).one()
    assert token.token_hash == hashlib.sha256(new.secret.encode()).hexdigest()
    assert token.name == "Ledelsesinformation"
    assert new.secret.startswith(token.prefix) and len(token.prefix) < len(new.secret) // 2
    stored = [str(getattr(token, c.key)) for c in ApiToken.__table__.columns]
    assert not any(new.secret in value for value in stored)
    assert (token.expires_at - token.created_at) == timedelta(days=90)
    event = db.session.scalars(select(AuditEvent)).one()
    assert event.verb == "api_token_created" and event.actor_id == puf.id
    assert new.secret not in str(event.detail)


def test_two_tokens_differ(puf: User) -> None:
    assert new_secret(puf) != new_secret(puf)


@pytest.mark.parametrize("role", [Role.LEADER, Role.TEACHER])
def test_only_puf_users_get_tokens(app: Flask, role: Role) -> None:
    school = SchoolFactory()
    user = UserFactory(school=school, role=role)
    with pytest.raises(ApiKeyRefused):
        create_api_key(user, "Nøgle", 30)


def test_unknown_lifetime_is_refused(puf: User) -> None:
    with pytest.raises(ApiKeyRefused):
        create_api_key(puf, "Nøgle", 10_000)


def test_authenticate_accepts_a_good_token_and_notes_when_it_was_used(puf: User) -> None:
    secret = new_secret(puf)
    token = db.session.scalars(select(ApiToken)).one()
    assert token.last_used_at is None
    assert authenticate(secret) == puf
    db.session.commit()
    db.session.refresh(token)
    first = token.last_used_at
    assert first is not None and utcnow() - first < timedelta(seconds=10)
    # Within the resolution, not written again; after it, written.
    assert authenticate(secret, now=first + LAST_USED_RESOLUTION / 2) == puf
    db.session.commit()
    db.session.refresh(token)
    assert token.last_used_at == first
    later = first + LAST_USED_RESOLUTION * 2
    assert authenticate(secret, now=later) == puf
    db.session.commit()
    db.session.refresh(token)
    assert token.last_used_at == later


def test_revoked_token_is_refused_and_revocation_is_audited(puf: User) -> None:
    secret = new_secret(puf)
    token = db.session.scalars(select(ApiToken)).one()
    assert revoke_api_key(token, puf) is True
    assert revoke_api_key(token, puf) is False  # once only
    db.session.commit()
    assert authenticate(secret) is None
    assert audit_verbs() == ["api_token_created", "api_token_revoked"]


def test_expired_token_is_refused(puf: User) -> None:
    secret = new_secret(puf, days=30)
    token = db.session.scalars(select(ApiToken)).one()
    assert authenticate(secret, now=token.expires_at - timedelta(seconds=1)) == puf
    assert authenticate(secret, now=token.expires_at) is None
    assert authenticate(secret, now=token.expires_at + timedelta(days=1)) is None


def test_token_of_deactivated_user_is_refused(puf: User) -> None:
    secret = new_secret(puf)
    puf.active = False
    db.session.commit()
    assert authenticate(secret) is None


def test_token_of_a_user_who_is_no_longer_puf_is_refused(puf: User) -> None:
    secret = new_secret(puf)
    puf.school_id = SchoolFactory().id
    puf.role = Role.LEADER
    db.session.commit()
    assert authenticate(secret) is None


@pytest.mark.parametrize(
    "secret", ["", "lp_", "lp_nope", "nope", "lp_" + "x" * 300, "lp_ß∂ƒ", "Bearer lp_x"]
)
def test_unknown_and_odd_tokens_are_refused(puf: User, secret: str) -> None:
    new_secret(puf)
    assert authenticate(secret) is None


# --- over HTTP --------------------------------------------------------------------------------


def assert_401(response: Any) -> None:
    assert response.status_code == 401
    assert response.is_json and response.json["status"] == 401
    assert response.json["error"] == "unauthorized" and response.json["message"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Basic cHVmQGRlbW8uZGs6eA==",
        "Bearer lp_not-a-real-token",
        "Token lp_not-a-real-token",
    ],
)
def test_api_without_a_valid_token_is_401_json(client: FlaskClient, puf: User, header: Any) -> None:
    new_secret(puf)
    headers = {} if header is None else {"Authorization": header}
    assert_401(client.get(SCHOOLS, headers=headers))


def test_api_refuses_revoked_expired_and_deactivated(client: FlaskClient, puf: User) -> None:
    secret = new_secret(puf)
    assert client.get(SCHOOLS, headers=bearer(secret)).status_code == 200
    token = db.session.scalars(select(ApiToken)).one()
    assert token.last_used_at is not None  # the request noted its use
    token.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert_401(client.get(SCHOOLS, headers=bearer(secret)))
    token.expires_at = utcnow() + timedelta(days=1)
    puf.active = False
    db.session.commit()
    assert_401(client.get(SCHOOLS, headers=bearer(secret)))
    puf.active = True
    revoke_api_key(token, puf)
    db.session.commit()
    assert_401(client.get(SCHOOLS, headers=bearer(secret)))


def test_token_only_in_the_header_not_in_the_query(client: FlaskClient, puf: User) -> None:
    secret = new_secret(puf)
    assert_401(client.get(f"{SCHOOLS}?access_token={secret}"))
    assert_401(client.get(f"{SCHOOLS}?token={secret}"))


def test_a_logged_in_session_does_not_open_the_api(client: FlaskClient, puf: User) -> None:
    login(client, puf)
    assert client.get("/puf/").status_code == 200
    assert_401(client.get(SCHOOLS))


def test_api_responses_set_no_cookie_even_with_a_session(client: FlaskClient, puf: User) -> None:
    secret = new_secret(puf)
    login(client, puf)
    response = client.get(SCHOOLS, headers=bearer(secret))
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    assert client.get("/puf/").headers.get("Set-Cookie")  # pages still refresh their session


@pytest.mark.parametrize("app", [{"WTF_CSRF_ENABLED": True}], indirect=True)
def test_api_is_exempt_from_csrf_and_answers_405_json(client: FlaskClient, puf: User) -> None:
    secret = new_secret(puf)
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        response = client.open(SCHOOLS, method=method, headers=bearer(secret))
        assert response.status_code == 405, method
        assert response.is_json and response.json["error"] == "method_not_allowed"
        assert "GET" in response.headers["Allow"]


@pytest.mark.parametrize(
    "app", [{"RATELIMIT_ENABLED": True, "API_RATE_LIMIT": "3 per minute"}], indirect=True
)
def test_rate_limit_answers_429_json(client: FlaskClient, puf: User) -> None:
    secret = new_secret(puf)
    statuses = [client.get(SCHOOLS, headers=bearer(secret)).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    response = client.get(SCHOOLS, headers=bearer(secret))
    assert response.is_json and response.json["status"] == 429


# --- the token page ---------------------------------------------------------------------------

PAGE = "/puf/api-noegler/"


def test_puf_creates_a_token_that_is_shown_once(client: FlaskClient, puf: User) -> None:
    login(client, puf)
    page = page_of(client.get(PAGE))
    assert "Du har ingen API-nøgler endnu." in page
    response = client.post(PAGE, data={"name": "Halvårsrapport", "lifetime": "90"})
    assert response.status_code == 201
    created = page_of(response)
    token = db.session.scalars(select(ApiToken)).one()
    start = created.index('id="new-token"')
    secret = created[start:].split('value="', 1)[1].split('"', 1)[0]
    assert secret.startswith(token.prefix)
    assert hashlib.sha256(secret.encode()).hexdigest() == token.token_hash
    assert "vises kun denne ene gang" in created
    assert response.headers["Cache-Control"] == "no-store"
    # It works, and is never shown again.
    assert client.get(SCHOOLS, headers=bearer(secret)).status_code == 200
    again = page_of(client.get(PAGE))
    assert secret not in again and "Halvårsrapport" in again and f"{token.prefix}…" in again
    assert "Aktiv" in again


def test_back_and_create_again_makes_one_key(client: FlaskClient, puf: User) -> None:
    login(client, puf)
    data = {"name": "Halvårsrapport", "lifetime": "90", "once": "k" * 32}
    assert client.post(PAGE, data=data).status_code == 201
    again = client.post(PAGE, data=data, follow_redirects=True)
    assert "nøglen er kun oprettet én gang" in page_of(again)
    fresh = client.post(PAGE, data={**data, "once": "f" * 32}, follow_redirects=True)
    assert "nøglen er kun oprettet én gang" in page_of(fresh)  # the same values: Back, refetched
    assert db.session.scalar(select(db.func.count(ApiToken.id))) == 1


def test_bad_token_form_keeps_input_and_explains(client: FlaskClient, puf: User) -> None:
    login(client, puf)
    response = client.post(PAGE, data={"name": "", "lifetime": "7"})
    assert response.status_code == 400
    page = page_of(response)
    assert "Giv nøglen et navn" in page
    assert "Vælg en af mulighederne på listen." in page
    response = client.post(PAGE, data={"name": "Rapport 010203-1234", "lifetime": "30"})
    assert response.status_code == 400
    assert "Rapport 010203-1234" in page_of(response)
    assert db.session.scalar(select(db.func.count(ApiToken.id))) == 0


def test_puf_revokes_own_token_but_not_anothers(client: FlaskClient, puf: User) -> None:
    other = make_puf(name="Per PUF")
    secret = new_secret(puf, "Min")
    other_secret = new_secret(other, "Hans")
    mine, theirs = db.session.scalars(select(ApiToken).order_by(ApiToken.id)).all()
    login(client, puf)
    assert "Hans" not in page_of(client.get(PAGE))
    assert client.post(f"{PAGE}{theirs.id}/tilbagekald").status_code == 404
    response = client.post(f"{PAGE}{mine.id}/tilbagekald")
    assert response.status_code == 302
    assert "tilbagekaldt" in page_of(client.get(PAGE, follow_redirects=True)).lower()
    assert_401(client.get(SCHOOLS, headers=bearer(secret)))
    assert client.get(SCHOOLS, headers=bearer(other_secret)).status_code == 200
    assert audit_verbs().count("api_token_revoked") == 1


@pytest.mark.parametrize("role", [Role.LEADER, Role.TEACHER])
def test_leaders_and_teachers_cannot_manage_tokens(
    client: FlaskClient, puf: User, role: Role
) -> None:
    school = SchoolFactory()
    user = UserFactory(school=school, role=role)
    new_secret(puf)
    token = db.session.scalars(select(ApiToken)).one()
    login(client, user)
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, data={"name": "Min", "lifetime": "30"}).status_code == 403
    assert client.post(f"{PAGE}{token.id}/tilbagekald").status_code == 403
    assert db.session.scalar(select(db.func.count(ApiToken.id))) == 1
    assert db.session.get(ApiToken, token.id).revoked_at is None  # type: ignore[union-attr]
