"""A leader's invitation sent again from PUF's school page: a new link, the old one dead; and
accepting an invitation signs the new user in."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlalchemy import select

from learningpack.extensions import db
from learningpack.models import AuditEvent, User
from tests.factories import SchoolFactory, login, make_leader, make_puf
from tests.helpers import page_of

NEW = "en lang og god adgangskode 2026"


def _invite(client: FlaskClient) -> tuple[int, User]:
    school = SchoolFactory()
    client.post(
        f"/administration/skoler/{school.id}/inviter-leder",
        data={"email": "leder@ny.dk", "name": "Lise Leder"},
    )
    user = db.session.scalar(select(User).where(User.email == "leder@ny.dk"))
    assert user is not None
    return school.id, user


def test_a_new_link_replaces_the_old_one_and_is_shown_to_copy(client: FlaskClient) -> None:
    login(client, make_puf())
    school_id, user = _invite(client)
    first = re.search(
        r"/invitation/([\w-]+)", page_of(client.get(f"/administration/skoler/{school_id}"))
    )
    assert first
    page = page_of(client.get(f"/administration/skoler/{school_id}"))
    assert "Nyt invitationslink" in page
    response = client.post(f"/administration/brugere/{user.id}/nyt-invitationslink")
    page = page_of(response)
    assert response.status_code == 200
    field = re.search(
        r'<input id="invitation-link"[^>]*value="(http://localhost/invitation/([\w-]+))"[^>]*readonly',
        page,
    )
    assert field and field.group(2) != first.group(1)
    assert 'data-copy-target="invitation-link"' in page and "js/copy.js" in page
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "invitation_renewed"))
    client.post("/logout")
    assert client.get(f"/invitation/{first.group(1)}").status_code == 410
    assert client.get(f"/invitation/{field.group(2)}").status_code == 200


def test_no_new_link_for_an_account_in_use(client: FlaskClient) -> None:
    login(client, make_puf())
    leader = make_leader(SchoolFactory())
    response = client.post(f"/administration/brugere/{leader.id}/nyt-invitationslink")
    assert response.status_code == 302
    page = page_of(client.get(response.headers["Location"]))
    assert "allerede taget imod invitationen" in page


def test_accepting_an_invitation_signs_the_user_in(client: FlaskClient) -> None:
    login(client, make_puf())
    _school_id, user = _invite(client)
    response = client.post(f"/administration/brugere/{user.id}/nyt-invitationslink")
    raw = re.search(
        r'id="invitation-link"[^>]*value="http://localhost/invitation/([\w-]+)"', page_of(response)
    )
    assert raw
    client.post("/logout")
    response = client.post(
        f"/invitation/{raw.group(1)}", data={"name": "Lise Leder", "password": NEW, "confirm": NEW}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/skole/"
    page = page_of(client.get("/skole/", follow_redirects=True))
    assert "Din konto er klar, og du er logget ind." in page
    assert db.session.scalar(
        select(AuditEvent).where(AuditEvent.verb == "login", AuditEvent.actor_id == user.id)
    )
