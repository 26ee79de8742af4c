"""PUF's list of areas: add, rename (schools follow), remove (refused while in use); the school
form and the CSV import accept only areas on the list."""

from __future__ import annotations

import io
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from learningpack.domain import areas, schools
from learningpack.domain.areas import ensure_areas
from learningpack.domain.refusals import refusal
from learningpack.extensions import db
from learningpack.models import Area, AuditEvent, School
from tests.factories import SchoolFactory, login, make_puf
from tests.helpers import page_of


@pytest.fixture
def puf_client(client: FlaskClient) -> FlaskClient:
    login(client, make_puf())
    return client


def _area(name: str) -> Area:
    found = db.session.scalar(select(Area).where(Area.name == name))
    assert found is not None
    return found


def test_names_are_unique_ignoring_case_and_renames_move_the_schools(app: Flask) -> None:
    puf = make_puf()
    vest = areas.create_area(" Vest ", puf)
    assert vest.name == "Vest"
    with pytest.raises(areas.AreaRefused) as info:
        areas.create_area("vest", puf)
    assert info.value.refusals == (refusal("area_name_taken", name="vest"),)
    with pytest.raises(areas.AreaRefused) as info:
        areas.create_area("  ", puf)
    assert info.value.codes == ["area_name_missing"]
    school = SchoolFactory(district="Vest")
    areas.rename_area(vest, "Vestbyen", puf)
    db.session.refresh(school)
    assert school.district == "Vestbyen"
    assert areas.known_area("VESTBYEN") == "Vestbyen" and areas.known_area("Vest") is None
    verbs = {e.verb for e in db.session.scalars(select(AuditEvent))}
    assert {"area_created", "area_renamed"} <= verbs


def test_an_area_in_use_cannot_be_removed(app: Flask) -> None:
    puf = make_puf()
    ensure_areas(["Nord", "Syd"])
    SchoolFactory(district="Nord")
    with pytest.raises(areas.AreaRefused) as info:
        areas.remove_area(_area("Nord"), puf)
    assert info.value.refusals == (refusal("area_in_use", name="Nord", count=1),)
    areas.remove_area(_area("Syd"), puf)
    assert sorted(a.name for a in areas.all_areas()) == ["Nord"]


def test_a_school_takes_an_area_on_the_list_in_its_spelling(app: Flask) -> None:
    puf = make_puf()
    ensure_areas(["Øst"])
    school = schools.create_school("Østskolen", "øST", puf)
    assert school.district == "Øst"
    with pytest.raises(schools.SchoolRefused) as info:
        schools.update_school(school, "Østskolen", "Østt", puf)
    assert info.value.refusals == (refusal("area_unknown", area="Østt"),)
    schools.update_school(school, "Østskolen", "", puf)
    assert school.district == ""


def test_the_import_refuses_an_unknown_area_naming_the_line(puf_client: FlaskClient) -> None:
    ensure_areas(["Vest"])
    content = "navn;område\nLystrup Skole;vest\nEgå Skole;Vest\nTranbjerg Skole;Vestt\n".encode()
    rows, problems = schools.parse_school_csv(content)
    assert rows == [("Lystrup Skole", "Vest"), ("Egå Skole", "Vest")]
    assert [(p.line, p.reason) for p in problems] == [
        (4, refusal("csv_area_unknown", area="Vestt"))
    ]
    response = puf_client.post(
        "/administration/skoler/import",
        data={"file": (io.BytesIO(content), "skoler.csv")},
        content_type="multipart/form-data",
    )
    page = page_of(response)
    assert response.status_code == 400
    assert "Linje 4" in page and "Området »Vestt« findes ikke" in page
    assert db.session.scalar(select(School)) is None


def test_the_school_form_offers_the_areas_and_words_an_unknown_one(
    puf_client: FlaskClient,
) -> None:
    ensure_areas(["Nord", "Midt"])
    school = SchoolFactory(name="Midtskolen", district="Midt")
    page = page_of(puf_client.get(f"/administration/skoler/{school.id}"))
    assert re.search(r'<select[^>]* id="district"', page) and 'value="Nord"' in page
    response = puf_client.post(
        f"/administration/skoler/{school.id}", data={"name": "Midtskolen", "district": "Nordd"}
    )
    page = page_of(response)
    assert response.status_code == 400
    assert "Området »Nordd« findes ikke" in page and 'value="Nordd"' in page
    db.session.refresh(school)
    assert school.district == "Midt"


def test_the_areas_page_adds_renames_and_refuses_removing_one_in_use(
    puf_client: FlaskClient,
) -> None:
    page = page_of(puf_client.get("/administration/omraader"))
    assert "0 områder." in page
    response = puf_client.post("/administration/omraader", data={"name": "Vest"})
    assert response.status_code == 302
    again = puf_client.post("/administration/omraader", data={"name": "VEST"})
    assert again.status_code == 400 and "findes allerede et område" in page_of(again)
    vest = _area("Vest")
    SchoolFactory(district="Vest")
    page = page_of(puf_client.get("/administration/omraader"))
    assert "1 område." in page and f"/administration/omraader/{vest.id}" in page
    response = puf_client.post(f"/administration/omraader/{vest.id}", data={"name": "Vestby"})
    assert response.status_code == 302
    assert db.session.scalar(select(School.district)) == "Vestby"
    response = puf_client.post(f"/administration/omraader/{vest.id}/fjern")
    assert response.status_code == 302
    page = page_of(puf_client.get(response.headers["Location"]))
    assert "kan ikke fjernes, fordi 1 skole ligger i det" in page
    assert db.session.get(Area, vest.id) is not None
    assert puf_client.get("/administration/omraader/999999").status_code == 404
