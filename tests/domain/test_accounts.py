"""Passwords, the own account page, invitations and password resets (issue #5, accounts)."""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import timedelta
from typing import Any, ClassVar

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from learningpack.domain import accounts
from learningpack.domain.passwords import password_problems
from learningpack.domain.refusals import refusal
from learningpack.extensions import db
from learningpack.models import AccountToken, AuditEvent, Role, TokenKind, User
from learningpack.output.labels import word
from tests.factories import PASSWORD, SchoolFactory, login, make_leader, make_puf, make_teacher

# Accounts look up by SQL (case-insensitive e-mail, tokens, counts): on both databases.
pytestmark = pytest.mark.both_backends

NEW = "blå cykel under æbletræet"


# --- the password policy ---------------------------------------------------------------------


def test_policy_speaks_english_when_asked(app: Flask) -> None:
    from flask_babel import force_locale

    with app.test_request_context(), force_locale("en"):
        assert "at least 12 characters" in word(password_problems("kort")[0])


def test_cli_create_uses_the_policy(app: Flask, runner: Any) -> None:
    result = runner.invoke(
        args=["users", "create", "--email", "p@x.dk", "--name", "P", "--role", "puf"],
        input="password12345\npassword12345\n",
    )
    assert result.exit_code != 0
    assert "almindelig" in result.output
    assert db.session.scalar(select(User).where(User.email == "p@x.dk")) is None


# --- tokens ----------------------------------------------------------------------------------


def _token_row(raw: str) -> AccountToken:
    row = db.session.scalar(
        select(AccountToken).where(
            AccountToken.token_hash == hashlib.sha256(raw.encode()).hexdigest()
        )
    )
    assert row is not None
    return row


def test_tokens_are_random_and_stored_only_as_a_hash(app: Flask) -> None:
    leader = make_leader(SchoolFactory())
    invited = [
        accounts.invite(
            email=email,
            name=email,
            role=Role.TEACHER,
            school=leader.school,
            actor=leader,
            valid_for=timedelta(days=7),
        )
        for email in ("ny@skole.dk", "ny2@skole.dk")
    ]
    (user, raw), (_user2, raw2) = invited
    db.session.commit()
    assert raw != raw2 and len(raw) >= 40
    stored = [t.token_hash for t in db.session.scalars(select(AccountToken))]
    assert raw not in stored and raw2 not in stored
    assert _token_row(raw).user_id == user.id
    audit = db.session.scalars(select(AuditEvent)).all()
    assert raw not in str([a.detail for a in audit])


def _invite(
    client: FlaskClient, leader: User, email: str = "ny@skole.dk", role: str = "teacher"
) -> str:
    login(client, leader)
    response = client.post(
        "/skole/personale/inviter", data={"email": email, "name": "Nina Ny", "role": role}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get("/skole/personale").get_data(as_text=True)
    match = re.search(r"http://localhost/invitation/([\w-]+)", page)
    assert match, "without SMTP the inviter sees the link"
    client.post("/logout")
    return match.group(1)


def test_invitation_accept_then_login(client: FlaskClient) -> None:
    leader = make_leader(SchoolFactory())
    raw = _invite(client, leader)
    user = db.session.scalar(select(User).where(User.email == "ny@skole.dk"))
    assert user is not None and not user.active and user.school_id == leader.school_id
    page = client.get(f"/invitation/{raw}").get_data(as_text=True)
    assert "Opret din konto" in page and "ny@skole.dk" in page
    response = client.post(
        f"/invitation/{raw}", data={"name": "Nina Nielsen", "password": NEW, "confirm": NEW}
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.active and user.name == "Nina Nielsen" and user.check_password(NEW)
    assert login(client, user, NEW).headers["Location"] == "/mine-aktioner/"


def test_invitation_is_single_use(client: FlaskClient) -> None:
    raw = _invite(client, make_leader(SchoolFactory()))
    client.post(f"/invitation/{raw}", data={"name": "Nina", "password": NEW, "confirm": NEW})
    again = client.get(f"/invitation/{raw}")
    assert again.status_code == 410
    assert "allerede brugt" in again.get_data(as_text=True)
    post = client.post(f"/invitation/{raw}", data={"name": "X", "password": NEW, "confirm": NEW})
    assert post.status_code == 410


def test_expired_and_unknown_invitations_say_so(client: FlaskClient) -> None:
    raw = _invite(client, make_leader(SchoolFactory()))
    _token_row(raw).expires_at = accounts.now() - timedelta(seconds=1)
    response = client.get(f"/invitation/{raw}")
    assert response.status_code == 410 and "udløbet" in response.get_data(as_text=True)
    response = client.get("/invitation/ikke-et-rigtigt-link")
    assert response.status_code == 410 and "ikke gyldigt" in response.get_data(as_text=True)


def test_invitation_refuses_a_weak_password_and_keeps_the_name(client: FlaskClient) -> None:
    raw = _invite(client, make_leader(SchoolFactory()))
    response = client.post(
        f"/invitation/{raw}",
        data={
            "name": "Nina Nielsen",
            "password": "nina-nielsen-2026",
            "confirm": "nina-nielsen-2026",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "dit navn eller din e-mail" in page and 'value="Nina Nielsen"' in page
    mismatch = client.post(
        f"/invitation/{raw}", data={"name": "N", "password": NEW, "confirm": NEW + "x"}
    )
    assert "ikke ens" in mismatch.get_data(as_text=True)


def test_a_new_invitation_link_replaces_the_old(client: FlaskClient) -> None:
    leader = make_leader(SchoolFactory())
    first = _invite(client, leader)
    second = _invite(client, leader)
    assert client.get(f"/invitation/{first}").status_code == 410
    assert client.get(f"/invitation/{second}").status_code == 200


def test_invitation_refuses_an_existing_account(client: FlaskClient) -> None:
    leader = make_leader(SchoolFactory())
    other = make_teacher(SchoolFactory(), email="taget@skole.dk")
    login(client, leader)
    response = client.post(
        "/skole/personale/inviter", data={"email": other.email, "name": "X", "role": "teacher"}
    )
    assert response.status_code == 400
    assert "findes allerede" in response.get_data(as_text=True)
    db.session.refresh(other)
    assert other.school_id != leader.school_id


class FakeSMTP:
    sent: ClassVar[list[Any]] = []

    def __init__(self, host: str, port: int, timeout: float) -> None:
        self.host = host

    def __enter__(self) -> FakeSMTP:
        return self

    def __exit__(self, *args: Any) -> None:
        return None

    def starttls(self) -> None:
        return None

    def login(self, user: str, password: str) -> None:
        return None

    def send_message(self, message: Any) -> None:
        FakeSMTP.sent.append(message)


@pytest.fixture
def smtp(app: Flask, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    FakeSMTP.sent = []
    monkeypatch.setattr("smtplib.SMTP", FakeSMTP)
    app.config.update(MAIL_SERVER="smtp.test", MAIL_FROM="lp@aarhus.dk")
    return FakeSMTP.sent


def test_with_smtp_the_invitation_is_mailed_not_shown(client: FlaskClient, smtp: list[Any]) -> None:
    leader = make_leader(SchoolFactory())
    login(client, leader)
    client.post(
        "/skole/personale/inviter", data={"email": "ny@skole.dk", "name": "Nina", "role": "teacher"}
    )
    page = client.get("/skole/personale").get_data(as_text=True)
    assert "/invitation/" not in page and "sendt til ny@skole.dk" in page
    assert len(smtp) == 1
    body = smtp[0].get_content()
    assert smtp[0]["To"] == "ny@skole.dk" and "Hej Nina" in body
    raw = re.search(r"/invitation/([\w-]+)", body).group(1)  # type: ignore[union-attr]
    assert client.get(f"/invitation/{raw}").status_code == 200


# --- forgotten password ----------------------------------------------------------------------


def _forgot(client: FlaskClient, email: str) -> Any:
    return client.post("/glemt-adgangskode", data={"email": email}, follow_redirects=True)


def test_forgot_password_answers_the_same_whether_or_not_the_address_exists(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    user = make_teacher(SchoolFactory())
    with caplog.at_level(logging.WARNING):
        known = _forgot(client, user.email)
        unknown = _forgot(client, "findes.ikke@skole.dk")
    assert known.status_code == unknown.status_code == 200
    text = "Hvis adressen findes i Læringspakken"
    assert text in known.get_data(as_text=True) and text in unknown.get_data(as_text=True)
    assert "/nulstil/" not in known.get_data(as_text=True)
    links = [r.getMessage() for r in caplog.records if "/nulstil/" in r.getMessage()]
    assert len(links) == 1, "the link goes to the operator's log, once, for the known address"


def _reset_link(client: FlaskClient, user: User, caplog: pytest.LogCaptureFixture) -> str:
    with caplog.at_level(logging.WARNING):
        _forgot(client, user.email)
    messages = [r.getMessage() for r in caplog.records]
    return re.findall(r"/nulstil/([\w-]+)", " ".join(messages))[-1]


def test_reset_sets_the_password_and_ends_every_session(
    app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    user = make_leader(SchoolFactory())
    other = app.test_client()
    login(other, user)
    assert other.get("/skole/").status_code == 200
    raw = _reset_link(client, user, caplog)
    response = client.post(f"/nulstil/{raw}", data={"password": NEW, "confirm": NEW})
    assert response.status_code == 302
    assert other.get("/skole/").status_code == 302, "the reset ended the other session"
    assert login(client, user, NEW).status_code == 302
    assert client.post(f"/nulstil/{raw}", data={"password": NEW, "confirm": NEW}).status_code == 410


def test_reset_link_expires(client: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    user = make_teacher(SchoolFactory())
    raw = _reset_link(client, user, caplog)
    row = _token_row(raw)
    assert row.kind == TokenKind.RESET
    assert timedelta(minutes=59) < row.expires_at - row.created_at <= timedelta(hours=1)
    row.expires_at = accounts.now() - timedelta(seconds=1)
    assert client.get(f"/nulstil/{raw}").status_code == 410


def test_no_reset_for_a_deactivated_account(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    user = make_teacher(SchoolFactory(), active=False)
    with caplog.at_level(logging.WARNING):
        response = _forgot(client, user.email)
    assert "Hvis adressen findes" in response.get_data(as_text=True)
    assert not [r for r in caplog.records if "/nulstil/" in r.getMessage()]


def test_reset_mail_is_in_english_for_an_english_user(client: FlaskClient, smtp: list[Any]) -> None:
    user = make_teacher(SchoolFactory(), locale="en")
    _forgot(client, user.email)
    assert len(smtp) == 1 and "Reset" in smtp[0]["Subject"]


@pytest.mark.parametrize("app", [{"RATELIMIT_ENABLED": True}], indirect=True)
def test_forgot_password_is_rate_limited(client: FlaskClient) -> None:
    statuses = [
        client.post("/glemt-adgangskode", data={"email": "a@skole.dk"}).status_code
        for _ in range(5)
    ]
    assert statuses[:3] == [302, 302, 302]
    assert statuses[-1] == 429


# --- the own account page --------------------------------------------------------------------


def test_account_page_shows_the_forms(client: FlaskClient) -> None:
    user = make_teacher(SchoolFactory())
    login(client, user)
    page = client.get("/konto").get_data(as_text=True)
    assert "Skift adgangskode" in page and "Totrinsbekræftelse" in page and "Sprog" in page


def test_change_password_keeps_this_session_and_ends_the_others(app: Flask) -> None:
    user = make_leader(SchoolFactory())
    mine, other = app.test_client(), app.test_client()
    login(mine, user)
    login(other, user)
    response = mine.post(
        "/konto/adgangskode",
        data={"current_password": PASSWORD, "password": NEW, "confirm": NEW},
    )
    assert response.status_code == 302
    assert mine.get("/skole/").status_code == 200
    assert other.get("/skole/").status_code == 302
    db.session.refresh(user)
    assert user.check_password(NEW)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "password_changed"))


def test_change_password_needs_the_current_one(client: FlaskClient) -> None:
    user = make_teacher(SchoolFactory())
    login(client, user)
    response = client.post(
        "/konto/adgangskode", data={"current_password": "forkert", "password": NEW, "confirm": NEW}
    )
    assert response.status_code == 400
    assert "nuværende adgangskode er forkert" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.check_password(PASSWORD)
    weak = client.post(
        "/konto/adgangskode",
        data={"current_password": PASSWORD, "password": "kort", "confirm": "kort"},
    )
    assert "mindst 12 tegn" in weak.get_data(as_text=True)


@pytest.mark.parametrize("app", [{"RATELIMIT_ENABLED": True}], indirect=True)
def test_guessing_the_current_password_is_throttled(client: FlaskClient) -> None:
    user = make_teacher(SchoolFactory())
    login(client, user)
    data = {"current_password": "gæt", "password": NEW, "confirm": NEW}
    statuses = [client.post("/konto/adgangskode", data=data).status_code for _ in range(6)]
    assert statuses[:5] == [400] * 5 and statuses[5] == 429


def test_language_preference_is_saved(client: FlaskClient) -> None:
    user = make_teacher(SchoolFactory())
    login(client, user)
    response = client.post("/konto/sprog", data={"locale": "en"}, follow_redirects=True)
    assert "My account" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.locale == "en"
    assert client.post("/konto/sprog", data={"locale": "xx"}).status_code == 400


# --- deactivation, roles, school deactivation --------------------------------------------------


def test_deactivating_a_school_stops_its_users(app: Flask, client: FlaskClient) -> None:
    school = SchoolFactory()
    teacher = make_teacher(school)
    puf = make_puf()
    logged_in = app.test_client()
    login(logged_in, teacher)
    login(client, puf)
    assert client.post(f"/administration/skoler/{school.id}/deaktiver").status_code == 302
    assert logged_in.get("/mine-aktioner/").status_code == 302
    assert login(app.test_client(), teacher).status_code == 200  # refused
    client.post(f"/administration/skoler/{school.id}/genaktiver")
    assert login(app.test_client(), teacher).status_code == 302


def test_last_active_leader_cannot_lose_the_role(app: Flask) -> None:
    school = SchoolFactory()
    leader, second = make_leader(school), make_leader(school)
    puf = make_puf()
    teacher = make_teacher(school)
    accounts.change_role(second, Role.TEACHER, leader)
    with pytest.raises(accounts.AccountRefused) as info:
        accounts.change_role(leader, Role.TEACHER, second)
    assert info.value.refusals == (refusal("last_active_leader"),)
    with pytest.raises(accounts.AccountRefused) as info:
        accounts.set_active(leader, False, teacher)
    assert info.value.refusals == (refusal("last_active_leader"),)
    with pytest.raises(accounts.AccountRefused) as info:
        accounts.change_role(leader, Role.TEACHER, leader)
    assert info.value.refusals == (refusal("own_role"),)
    # PUF may (and can invite a new leader).
    accounts.set_active(leader, False, puf)
    assert not leader.active
