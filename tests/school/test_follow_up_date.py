"""The leader sets the module's follow-up meeting date; it shows on the module and school pages."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from flask.testing import FlaskClient

from learningpack.content import Package
from learningpack.extensions import db
from tests.factories import login
from tests.helpers import page_of
from tests.world import World, make_world, module_url


@pytest.fixture
def world(package: Package) -> World:
    return make_world(package)


def opened_sept_first(world: World) -> None:
    world.cycle(1).opened_at = datetime(2026, 9, 1, 8, tzinfo=UTC)
    db.session.commit()


def test_the_leader_sets_the_date_and_everyone_sees_it(client: FlaskClient, world: World) -> None:
    opened_sept_first(world)
    login(client, world.leader)
    url = module_url(world, 1, "/opsamlingsmoede")
    assert 'min="2026-09-01"' in page_of(client.get(url))
    response = client.post(url, data={"follow_up_on": "2026-12-10"})
    assert response.status_code == 302 and response.headers["Location"].endswith("#opsamlingsmoede")
    assert world.cycle(1).follow_up_on == date(2026, 12, 10)
    module_page = page_of(client.get(module_url(world, 1)))
    assert "Opsamlingsmødet holdes torsdag den 10. december 2026." in module_page
    assert "Opsamlingsmøde 10. dec. 2026" in page_of(client.get("/skole/"))
    client.post("/logout")
    login(client, world.teacher)
    page = page_of(client.get(module_url(world, 1)))
    assert "Opsamlingsmødet holdes" in page and "/opsamlingsmoede" not in page
    client.post("/logout")
    login(client, world.puf)
    assert "Opsamlingsmøde 10. dec. 2026" in page_of(client.get(f"/puf/skoler/{world.school.id}"))


def test_a_date_before_the_module_or_after_the_year_is_refused_with_the_input_kept(
    client: FlaskClient, world: World
) -> None:
    opened_sept_first(world)
    login(client, world.leader)
    url = module_url(world, 1, "/opsamlingsmoede")
    early = client.post(url, data={"follow_up_on": "2026-08-20"})
    assert early.status_code == 400
    page = page_of(early)
    assert "Opsamlingsmødet kan ikke ligge før modulet blev åbnet (1. sep. 2026)" in page
    assert 'value="2026-08-20"' in page
    late = page_of(client.post(url, data={"follow_up_on": "2027-08-01"}))
    assert "inden for forløbets skoleår (senest 31. jul. 2027)" in late
    assert "Skriv en gyldig dato." in page_of(client.post(url, data={"follow_up_on": "x"}))
    assert world.cycle(1).follow_up_on is None


def test_a_teacher_may_not_set_it_and_the_leader_may_clear_it(
    client: FlaskClient, world: World
) -> None:
    opened_sept_first(world)
    world.cycle(1).follow_up_on = date(2026, 12, 10)
    db.session.commit()
    url = module_url(world, 1, "/opsamlingsmoede")
    login(client, world.teacher)
    assert client.post(url, data={"follow_up_on": ""}).status_code == 403
    client.post("/logout")
    login(client, world.leader)
    assert client.post(url, data={"follow_up_on": ""}).status_code == 302
    assert world.cycle(1).follow_up_on is None


def test_the_leader_sets_and_clears_the_schools_reminder_days(
    client: FlaskClient, world: World
) -> None:
    login(client, world.leader)
    assert "Skolen bruger nu 7 dage." in page_of(client.get("/skole/paamindelser"))
    assert client.post("/skole/paamindelser", data={"reminder_days": "4"}).status_code == 302
    assert world.school.reminder_days == 4
    refused = client.post("/skole/paamindelser", data={"reminder_days": "61"})
    assert refused.status_code == 400 and "Skriv et antal dage fra 1 til 60." in page_of(refused)
    assert client.post("/skole/paamindelser", data={"reminder_days": ""}).status_code == 302
    db.session.refresh(world.school)
    assert world.school.reminder_days is None
