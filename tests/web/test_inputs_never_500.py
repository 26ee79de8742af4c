"""Inputs that reached a 5xx (issue 16, item 6): ids out of range are 404, control characters
are refused everywhere, the CSV import never fails, exports never fail on stored data."""

from __future__ import annotations

import io

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text

from learningpack.domain.api_keys import create_api_key
from learningpack.domain.areas import ensure_areas
from learningpack.extensions import db
from learningpack.models import School
from tests.factories import SchoolFactory, login, make_leader, make_puf

pytestmark = pytest.mark.both_backends

HUGE_IDS = [2**31, 2**63, 10**30]


@pytest.mark.parametrize("big", HUGE_IDS, ids=["2^31", "2^63", "10^30"])
def test_an_id_out_of_range_is_a_404(client: FlaskClient, backend: str, big: int) -> None:
    login(client, make_puf())
    for url in (
        f"/administration/skoler/{big}",
        f"/puf/skoler/{big}",
        f"/administration/brugere/{big}/anonymiser",
    ):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("big", HUGE_IDS, ids=["2^31", "2^63", "10^30"])
def test_an_id_out_of_range_is_a_404_for_a_leader_and_in_the_api(
    client: FlaskClient, backend: str, big: int
) -> None:
    secret = create_api_key(make_puf(), "Test", 30).secret
    leader = make_leader(SchoolFactory())
    db.session.commit()
    api = client.get(f"/api/v1/schools/{big}", headers={"Authorization": f"Bearer {secret}"})
    assert api.status_code == 404
    login(client, leader)
    assert client.get(f"/skole/teams/{big}").status_code == 404


@pytest.mark.parametrize("value", ["\x00", "Nord\x00", "a\x1bb"])
def test_control_characters_in_a_parameter_are_a_400(
    client: FlaskClient, backend: str, value: str
) -> None:
    secret = create_api_key(make_puf(), "Test", 30).secret
    db.session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    response = client.get("/api/v1/progress", query_string={"district": value}, headers=headers)
    assert response.status_code == 400 and response.is_json
    login(client, make_puf())
    assert client.get("/puf/", query_string={"omraade": value}).status_code == 400


def _import(client: FlaskClient, content: bytes) -> tuple[int, str]:
    response = client.post(
        "/administration/skoler/import",
        data={"file": (io.BytesIO(content), "skoler.csv")},
        content_type="multipart/form-data",
    )
    return response.status_code, response.get_data(as_text=True)


def test_a_csv_with_a_huge_field_is_refused_with_a_message(
    client: FlaskClient, backend: str
) -> None:
    login(client, make_puf())
    status, page = _import(client, b'"' + b"x" * 140_000 + b'";Nord\n')
    assert status == 400 and "kan ikke læses som CSV" in page
    assert db.session.scalar(select(School)) is None


def test_a_csv_with_cr_only_line_endings_is_imported(client: FlaskClient, backend: str) -> None:
    login(client, make_puf())
    ensure_areas(["Nord", "Syd"])
    status, _page = _import(client, b"Lystrup Skole;Nord\rTranbjerg Skole;Syd\r")
    assert status == 302
    assert set(db.session.scalars(select(School.name))) == {"Lystrup Skole", "Tranbjerg Skole"}


def test_control_characters_are_refused_in_a_school_name_and_the_import(
    client: FlaskClient, backend: str
) -> None:
    login(client, make_puf())
    response = client.post("/administration/skoler/ny", data={"name": "Skole\x0b", "district": ""})
    assert response.status_code == 400
    status, page = _import(client, b"Skole\x01;Nord\n")
    assert status == 400 and "styretegn" in page
    assert db.session.scalar(select(School)) is None


def test_the_overview_workbook_is_made_despite_control_characters_stored_earlier(
    app: Flask, client: FlaskClient, backend: str
) -> None:
    school = SchoolFactory(name="Skolen")
    db.session.commit()
    db.session.execute(
        text("UPDATE school SET name = :name, district = :district WHERE id = :id"),
        {"name": "Skolen\x01\x0b", "district": "Nord\x1f", "id": school.id},
    )
    db.session.commit()
    login(client, make_puf())
    response = client.get("/puf/oversigt.xlsx")
    assert response.status_code == 200
    assert response.data[:2] == b"PK"
