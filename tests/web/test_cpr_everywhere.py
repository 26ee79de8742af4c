"""The CPR guard on every text and every path in (issue 16, item 3): names of teams, invitees,
schools and areas, the own name on accepting an invitation, and the CSV import."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from learningpack.domain import accounts, schools
from learningpack.domain.refusals import refusal
from learningpack.extensions import db
from learningpack.models import Role, School, Team, User
from tests.factories import SchoolFactory, login, make_leader, make_puf

CPR = "010203\u2013 1234"  # an en dash and a space: the old guard let it through
CPR_WORDS = "ser ud til at indeholde et CPR-nummer"


def _leader(client: FlaskClient) -> User:
    leader = make_leader(SchoolFactory())
    login(client, leader)
    return leader


@pytest.mark.parametrize(
    ("who", "url", "data"),
    [
        ("leader", "/skole/teams/nyt", {"name": f"Team {CPR}"}),
        (
            "leader",
            "/skole/personale/inviter",
            {"email": "ny@skole.dk", "name": f"Ny {CPR}", "role": "teacher"},
        ),
        ("puf", "/administration/skoler/ny", {"name": f"Skole {CPR}", "district": "Nord"}),
        ("puf", "/administration/skoler/ny", {"name": "Nordskolen", "district": f"Nord {CPR}"}),
    ],
    ids=["team name", "invitee name", "school name", "school area"],
)
def test_a_cpr_number_in_a_name_is_refused_with_the_input_kept(
    client: FlaskClient, who: str, url: str, data: dict[str, str]
) -> None:
    if who == "leader":
        _leader(client)
    else:
        login(client, make_puf())
    before = (db.session.scalar(select(db.func.count()).select_from(t)) for t in (Team, School))
    counts = list(before)
    response = client.post(url, data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert CPR_WORDS in page
    assert "ny@skole.dk" in page or "Nord" in page or "Team" in page  # the input is kept
    after = [db.session.scalar(select(db.func.count()).select_from(t)) for t in (Team, School)]
    assert after == counts
    assert db.session.scalar(select(User).where(User.email == "ny@skole.dk")) is None


def test_the_own_name_on_accepting_an_invitation_is_guarded(
    app: Flask, client: FlaskClient
) -> None:
    school = SchoolFactory()
    _user, raw = accounts.invite(
        email="ny@skole.dk",
        name="Ny",
        role=Role.TEACHER,
        school=school,
        actor=make_leader(school),
        valid_for=timedelta(days=1),
    )
    db.session.commit()
    password = "Et-langt-og-godt-kodeord-47"
    response = client.post(
        f"/invitation/{raw}",
        data={"name": f"Anne {CPR}", "password": password, "confirm": password},
    )
    assert response.status_code == 400 and CPR_WORDS in response.get_data(as_text=True)
    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.email == "ny@skole.dk"))
    assert user is not None and not user.active and user.name == "Ny"


def test_the_csv_import_refuses_a_row_with_a_cpr_number(client: FlaskClient) -> None:
    login(client, make_puf())
    content = f"Lystrup Skole;Nord\nSkole {CPR};Syd\nTranbjerg;Syd {CPR}\n".encode()
    response = client.post(
        "/administration/skoler/import",
        data={"file": (io.BytesIO(content), "skoler.csv")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Linje 2" in page and "Linje 3" in page and CPR_WORDS in page
    assert db.session.scalar(select(School)) is None


def test_the_domain_refuses_cpr_numbers_in_names_whatever_path_it_is_called_from(
    app: Flask,
) -> None:
    school = SchoolFactory()
    leader = make_leader(school)
    with pytest.raises(accounts.AccountRefused) as invited:
        accounts.invite(
            email="x@skole.dk",
            name=f"X {CPR}",
            role=Role.TEACHER,
            school=school,
            actor=leader,
            valid_for=timedelta(days=1),
        )
    assert invited.value.refusals == (refusal("personal_data", field="name"),)
    with pytest.raises(schools.SchoolRefused):
        schools.create_school(f"Skole {CPR}", "", make_puf())
    with pytest.raises(schools.SchoolRefused):
        schools.update_school(school, school.name, f"Syd {CPR}", make_puf())
    rows, problems = schools.parse_school_csv(f"Skole {CPR};Nord\n".encode())
    assert rows == [] and [p.reason.code for p in problems] == ["personal_data"]


def test_accepting_shows_the_domains_refusal_when_the_form_let_it_pass(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("learningpack.web.forms._holds_cpr", lambda field: False)
    school = SchoolFactory()
    _user, raw = accounts.invite(
        email="ny@skole.dk",
        name="Ny",
        role=Role.TEACHER,
        school=school,
        actor=make_leader(school),
        valid_for=timedelta(days=1),
    )
    db.session.commit()
    password = "Et-langt-og-godt-kodeord-47"
    response = client.post(
        f"/invitation/{raw}",
        data={"name": f"Anne {CPR}", "password": password, "confirm": password},
    )
    assert response.status_code == 400 and CPR_WORDS in response.get_data(as_text=True)
