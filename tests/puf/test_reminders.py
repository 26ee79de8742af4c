"""PUF's reminders page: the default days and the school holidays (list, add, edit, delete)."""

from __future__ import annotations

from datetime import date

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from learningpack.content import Package
from learningpack.domain import calendar
from learningpack.extensions import db
from learningpack.models import HolidayPeriod
from tests.helpers import once_token, page_of
from tests.world import World, make_world

HOLIDAY = {"name": "Juleferie", "first_day": "2026-12-21", "last_day": "2027-01-03"}


@pytest.fixture
def world(package: Package) -> World:
    return make_world(package)


def test_puf_sets_the_default_days(puf_client: FlaskClient, world: World) -> None:
    assert 'value="7"' in page_of(puf_client.get("/puf/paamindelser"))
    assert puf_client.post("/puf/paamindelser", data={"reminder_days": "9"}).status_code == 302
    assert calendar.default_reminder_days() == 9
    for bad, message in (("0", "fra 1 til 60"), ("x", "Skriv et helt tal."), ("", "Skriv et")):
        response = puf_client.post("/puf/paamindelser", data={"reminder_days": bad})
        assert response.status_code == 400 and message in page_of(response)


def test_puf_adds_edits_and_deletes_a_holiday(puf_client: FlaskClient, world: World) -> None:
    page = page_of(puf_client.get("/puf/paamindelser"))
    data = {**HOLIDAY, "once": once_token(page)}
    assert puf_client.post("/puf/paamindelser/ferier", data=data).status_code == 302
    again = puf_client.post("/puf/paamindelser/ferier", data=data, follow_redirects=True)
    assert "kun gemt én gang" in page_of(again)
    period = db.session.scalar(select(HolidayPeriod))
    assert period is not None and period.last_day == date(2027, 1, 3)
    assert calendar.is_quiet_day(date(2026, 12, 30))
    url = f"/puf/paamindelser/ferier/{period.id}"
    assert "Juleferie" in page_of(puf_client.get(url))
    edited = {**HOLIDAY, "last_day": "2027-01-04"}
    assert puf_client.post(url, data=edited).status_code == 302
    db.session.refresh(period)
    assert period.last_day == date(2027, 1, 4)
    assert puf_client.post(f"{url}/slet").status_code == 302
    assert db.session.scalar(select(HolidayPeriod)) is None
    assert puf_client.get(url).status_code == 404


def test_a_holiday_that_ends_before_it_starts_is_refused(
    puf_client: FlaskClient, world: World
) -> None:
    response = puf_client.post(
        "/puf/paamindelser/ferier", data={**HOLIDAY, "last_day": "2026-12-01"}
    )
    assert response.status_code == 400
    page = page_of(response)
    assert "Slutdatoen skal ligge efter startdatoen." in page and 'value="Juleferie"' in page


def test_leaders_and_teachers_are_refused(client: FlaskClient, world: World) -> None:
    from tests.factories import login

    for user in (world.leader, world.teacher):
        client.post("/logout")
        login(client, user)
        assert client.get("/puf/paamindelser").status_code == 403
        assert client.post("/puf/paamindelser/ferier", data=HOLIDAY).status_code == 403
