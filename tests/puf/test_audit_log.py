"""PUF's audit log: the security events are recorded, and PUF can search them (DESIGN §10)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from flask.testing import FlaskClient

from learningpack.content import Package
from learningpack.extensions import db
from learningpack.models import AuditEvent
from learningpack.models.audit import record
from tests.factories import login
from tests.helpers import page_of
from tests.world import (
    World,
    make_world,
)

# The audit log's search (LIKE, casts), sorting and paging: on both databases.
pytestmark = pytest.mark.both_backends

URL = "/puf/revisionslog/"


@pytest.fixture
def world(package: Package) -> World:
    return make_world(package, other_started=True)


@pytest.fixture
def puf(client: FlaskClient, world: World) -> FlaskClient:
    login(client, world.puf)
    return client


def rows(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""
    return re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)


def test_security_events_are_recorded_and_found(
    client: FlaskClient, world: World, package: Package
) -> None:
    client.post("/login", data={"email": world.teacher.email, "password": "forkert"})
    client.post("/login", data={"email": "ukendt@andetsted.dk", "password": "forkert"})
    login(client, world.teacher)
    assert client.get("/puf/").status_code == 403
    client.post("/logout")
    login(client, world.puf)
    slug = package.module_at(3).slug
    response = client.post(
        f"/puf/skoler/{world.school.id}/modul/{slug}/aabn", data={"reason": "Skolen er klar"}
    )
    assert response.status_code == 302
    verbs = {e.verb for e in db.session.scalars(db.select(AuditEvent))}
    assert {"login", "login_failed", "access_denied", "cycle_unlocked_override"} <= verbs

    page = page_of(client.get(URL, query_string={"person": "andetsted"}))
    assert "Mislykket login" in page and "ukendt@andetsted.dk" in page
    assert "forkert" not in page  # never the password
    page = page_of(client.get(URL, query_string={"verb": "access_denied"}))
    assert len(rows(page)) == 1 and "Anne Lærer" in page and "/puf/" in page
    page = page_of(client.get(URL, query_string={"verb": "cycle_unlocked_override"}))
    assert "Skolen er klar" in page and "Kildeskolen" in page


def test_search_by_person_school_verb_and_dates(puf: FlaskClient, world: World) -> None:
    now = datetime.now(UTC)
    old = record("login", actor=world.other_leader, school_id=world.other_school.id)
    old.at = now - timedelta(days=40)
    record("login", actor=world.leader, school_id=world.school.id)
    record("access_denied", actor=world.teacher, school_id=world.school.id, path="/puf/")
    db.session.commit()

    def found(**query: str) -> str:
        response = puf.get(URL, query_string=query)
        assert response.status_code == 200, page_of(response)
        return page_of(response)

    assert "Ole Leder" in found(person="ole l") and "Lise Leder" not in found(person="ole l")
    assert "Lise Leder" in found(person=world.leader.email.upper())
    page = found(school="kildesk")
    assert "Lise Leder" in page and "Ole Leder" not in page
    assert found(school=world.other_school.name.upper()).count("Ole Leder") >= 1
    assert "Ingen hændelser" in found(school="findes ikke")
    world.other_school.name = "Ørbæk Åskole"
    db.session.commit()
    for spelling in ("ørbæk", "ØRBÆK ÅSK", "aaskole"):  # Danish letters in either case, aa as å
        assert "Ole Leder" in found(school=spelling) and "Lise Leder" not in found(school=spelling)
    page = found(verb="access_denied")
    assert "Anne Lærer" in page and "Lise Leder" not in page
    recent = (now - timedelta(days=2)).date().isoformat()
    page = found(date_from=recent, verb="login")
    assert "Lise Leder" in page and "Ole Leder" not in page
    page = found(date_to=(now - timedelta(days=30)).date().isoformat(), verb="login")
    assert "Ole Leder" in page and "Lise Leder" not in page
    assert "Ingen hændelser" in found(person="100%_")  # wildcards are literal


def test_pages_of_fifty_newest_first(puf: FlaskClient, world: World) -> None:
    start = datetime(2026, 1, 1, 12, tzinfo=UTC)
    for n in range(60):
        event = record("login", actor=world.teacher, school_id=world.school.id, n=n)
        event.at = start + timedelta(minutes=n)
    db.session.commit()
    first = page_of(puf.get(URL, query_string={"person": "anne"}))
    assert len(rows(first)) == 50
    assert "Viser 1–50 af 60 hændelser." in first
    assert "<dd>59</dd>" in first and "<dd>0</dd>" not in first
    assert "page=2" in first and "person=anne" in first
    second = page_of(puf.get(URL, query_string={"person": "anne", "page": "2"}))
    assert len(rows(second)) == 10 and "<dd>0</dd>" in second
    beyond = page_of(puf.get(URL, query_string={"person": "anne", "page": "99"}))
    assert len(rows(beyond)) == 10  # past the end: the last page


@pytest.mark.parametrize(
    "query",
    [
        {"date_from": "1999-01-01"},
        {"date_from": "ikke en dato"},
        {"date_from": "2026-05-01", "date_to": "2026-04-01"},
        {"verb": "findes_ikke"},
        {"school": "x" * 300},
        {"page": "-3"},
        {"person": "x" * 300},
        {"person": "a\x00b"},
    ],
)
def test_bad_filters_give_messages_not_errors(
    puf: FlaskClient, world: World, query: dict[str, str]
) -> None:
    response = puf.get(URL, query_string=query)
    assert response.status_code == 400
    assert "Søgningen kunne ikke udføres" in page_of(response)


def test_the_log_is_read_only(puf: FlaskClient) -> None:
    assert puf.post(URL).status_code == 405
    assert puf.delete(URL).status_code == 405
