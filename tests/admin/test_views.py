"""PUF's school administration and the leader's staff and teams pages."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from learningpack.domain.areas import ensure_areas
from learningpack.extensions import db
from learningpack.models import Area, AuditEvent, Role, School, Team, User
from tests.factories import (
    SchoolFactory,
    TeamFactory,
    login,
    make_leader,
    make_puf,
    make_teacher,
)


@pytest.fixture
def puf_client(client: FlaskClient) -> FlaskClient:
    login(client, make_puf())
    return client


# --- schools ---------------------------------------------------------------------------------


def test_schools_are_listed_in_danish_order(puf_client: FlaskClient) -> None:
    for name in ("Åby Skole", "Ærø Skole", "Aarslev Skole", "Bakke Skole", "Ødis Skole"):
        SchoolFactory(name=name)
    page = puf_client.get("/administration/skoler").get_data(as_text=True)
    order = [page.index(n) for n in ("Bakke", "Ærø", "Ødis", "Aarslev")]
    assert order == sorted(order)


@pytest.mark.both_backends
def test_schools_come_a_page_at_a_time_searched_and_filtered(puf_client: FlaskClient) -> None:
    """A page of 50 in Danish order, however many schools; the search finds part of a name in
    any case (Danish letters too), the area narrows it, and the pages keep both."""
    for n in range(120):
        SchoolFactory(name=f"Skole {n:03d}", district="Nord" if n % 2 else "Syd")
    SchoolFactory(name="Ørbæk Friskole", district="Syd")
    make_teacher(db.session.scalar(select(School).where(School.name == "Skole 001")))
    db.session.commit()

    def listed(**query: str) -> tuple[int, list[str], str]:
        response = puf_client.get("/administration/skoler", query_string=query)
        page = response.get_data(as_text=True)
        return response.status_code, re.findall(r'<th scope="row"><a [^>]*>([^<]+)</a>', page), page

    status, names, page = listed()
    assert status == 200 and len(names) == 50 and names[0] == "Skole 000"
    assert "Viser 1–50 af 121 skoler." in page and "side=2" in page
    assert listed(side="3")[1] == [*(f"Skole {n}" for n in range(100, 120)), "Ørbæk Friskole"]
    assert listed(side="99")[1] == listed(side="3")[1]  # past the end: the last page
    status, names, page = listed(soeg="ØRBÆK")
    assert names == ["Ørbæk Friskole"] and "1 skole." in page
    status, names, page = listed(soeg="skole 00", omraade="Nord")
    assert names == ["Skole 001", "Skole 003", "Skole 005", "Skole 007", "Skole 009"]
    assert '<td class="num">1</td>' in page  # Skole 001's teacher
    assert "Ingen skoler passer til søgningen." in listed(soeg="100%")[2]  # wildcards literal
    status, names, page = listed(omraade="Månen", soeg="x" * 300)
    assert status == 400 and len(names) == 50
    assert "Området »Månen« findes ikke." in page and "Et filter kunne ikke bruges" in page


def test_counts_of_thousands_are_written_with_a_separator(puf_client: FlaskClient) -> None:
    """1,203 schools read "1.203 skoler" in Danish and "1,203 schools" in English."""
    db.session.execute(
        School.__table__.insert(),
        [{"name": f"Skole {n:04d}", "district": "Nord"} for n in range(1203)],
    )
    ensure_areas(["Nord"])
    db.session.commit()
    area = db.session.scalar(select(Area.id).where(Area.name == "Nord"))
    page = puf_client.get("/administration/skoler").get_data(as_text=True)
    assert "Viser 1–50 af 1.203 skoler." in page
    assert "1.203 skoler ligger i området." in puf_client.get(
        f"/administration/omraader/{area}"
    ).get_data(as_text=True)
    puf_client.post("/sprog/en", data={"back": "/puf/"})
    page = puf_client.get("/administration/skoler", query_string={"side": "25"})
    assert "Showing 1,201–1,203 of 1,203 schools." in page.get_data(as_text=True)


def test_create_rename_and_set_district(puf_client: FlaskClient) -> None:
    ensure_areas(["Nord", "Øst"])
    response = puf_client.post(
        "/administration/skoler/ny", data={"name": "Nyskolen", "district": "Nord"}
    )
    school = db.session.scalar(select(School).where(School.name == "Nyskolen"))
    assert response.status_code == 302 and school is not None
    response = puf_client.post(
        f"/administration/skoler/{school.id}", data={"name": "Nyskolen Ø", "district": "Øst"}
    )
    assert response.status_code == 302
    db.session.refresh(school)
    assert (school.name, school.district) == ("Nyskolen Ø", "Øst")
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "school_updated"))


def test_duplicate_school_name_is_refused_with_the_input_kept(puf_client: FlaskClient) -> None:
    SchoolFactory(name="Kildeskolen")
    response = puf_client.post(
        "/administration/skoler/ny", data={"name": "kildeskolen", "district": "Syd"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "findes allerede en skole" in page and 'value="Syd"' in page


def _import(client: FlaskClient, content: bytes) -> Any:
    return client.post(
        "/administration/skoler/import",
        data={"file": (io.BytesIO(content), "skoler.csv")},
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize(
    "content",
    [
        "navn;område\nLystrup Skole;Nord\nTranbjerg Skole;Syd\n".encode(),
        "\ufeffLystrup Skole;Nord\r\nTranbjerg Skole;Syd\r\n".encode(),
        b"Lystrup Skole,Nord\nTranbjerg Skole,Syd\n\n",
    ],
    ids=["header-semicolon", "bom-crlf", "comma"],
)
def test_import_a_good_file(puf_client: FlaskClient, content: bytes) -> None:
    ensure_areas(["Nord", "Syd"])
    response = _import(puf_client, content)
    assert response.status_code == 302, response.get_data(as_text=True)
    schools = {s.name: s.district for s in db.session.scalars(select(School))}
    assert schools == {"Lystrup Skole": "Nord", "Tranbjerg Skole": "Syd"}


def test_import_reports_every_bad_row_and_imports_nothing(puf_client: FlaskClient) -> None:
    SchoolFactory(name="Kildeskolen")
    ensure_areas(["Nord", "Syd", "Vest", "Øst"])
    content = (
        "Lystrup Skole;Nord\n"
        ";Syd\n"
        f"{'x' * 201};Vest\n"
        "lystrup skole;Øst\n"
        "Kildeskolen;Nord\n"
        "Tranbjerg Skole;Syd\n"
    ).encode()
    response = _import(puf_client, content)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Intet er importeret" in page
    assert "Linje 2" in page and "navn mangler" in page
    assert "Linje 3" in page and "for langt" in page
    assert "Linje 4" in page and "også på linje 1" in page
    assert "Linje 5" in page and "findes allerede" in page
    assert "Linje 6" not in page
    assert {s.name for s in db.session.scalars(select(School))} == {"Kildeskolen"}


def test_import_refuses_a_file_that_is_not_utf8(puf_client: FlaskClient) -> None:
    response = _import(puf_client, "Ærø Skole;Syd\n".encode("latin-1"))
    assert response.status_code == 400
    assert "ikke i UTF-8" in response.get_data(as_text=True)
    assert db.session.scalar(select(School)) is None


def test_puf_invites_a_leader_and_deactivates_them(puf_client: FlaskClient) -> None:
    school = SchoolFactory()
    response = puf_client.post(
        f"/administration/skoler/{school.id}/inviter-leder",
        data={"email": "leder@ny.dk", "name": "Lise Leder"},
    )
    assert response.status_code == 302
    leader = db.session.scalar(select(User).where(User.email == "leder@ny.dk"))
    assert leader is not None and leader.role == Role.LEADER and leader.school_id == school.id
    page = puf_client.get(f"/administration/skoler/{school.id}").get_data(as_text=True)
    assert "/invitation/" in page and "Inviteret" in page
    active = make_leader(school)
    puf_client.post(f"/administration/brugere/{active.id}/deaktiver")
    db.session.refresh(active)
    assert not active.active


# --- staff (leader) ---------------------------------------------------------------------------


def test_staff_page_lists_only_the_own_school(client: FlaskClient) -> None:
    school, other = SchoolFactory(), SchoolFactory()
    leader = make_leader(school)
    make_teacher(school, name="Anne Egen")
    make_teacher(other, name="Frede Fremmed")
    TeamFactory(school=other, name="Fremmed team")
    login(client, leader)
    page = client.get("/skole/personale").get_data(as_text=True)
    assert "Anne Egen" in page and "Frede Fremmed" not in page and "Fremmed team" not in page


def test_leader_cannot_touch_another_schools_user_or_team(client: FlaskClient) -> None:
    leader = make_leader(SchoolFactory())
    other = SchoolFactory()
    stranger = make_teacher(other)
    team = TeamFactory(school=other)
    login(client, leader)
    for path in (
        f"/skole/personale/{stranger.id}/deaktiver",
        f"/skole/personale/{stranger.id}/genaktiver",
        f"/skole/personale/{stranger.id}/rolle",
        f"/skole/personale/{stranger.id}/anonymiser",
        f"/skole/personale/{stranger.id}/invitation",
        f"/skole/teams/{team.id}",
    ):
        assert client.post(path, data={"role": "leader", "name": "x"}).status_code == 404, path
    db.session.refresh(stranger)
    assert stranger.active and stranger.role == Role.TEACHER


def test_deactivation_ends_the_staff_members_sessions(app: Flask, client: FlaskClient) -> None:
    school = SchoolFactory()
    leader, teacher = make_leader(school), make_teacher(school)
    theirs = app.test_client()
    login(theirs, teacher)
    login(client, leader)
    client.post(f"/skole/personale/{teacher.id}/deaktiver")
    assert theirs.get("/mine-aktioner/").status_code == 302
    client.post(f"/skole/personale/{teacher.id}/genaktiver")
    db.session.refresh(teacher)
    assert teacher.active


def test_role_change_rules(client: FlaskClient) -> None:
    school = SchoolFactory()
    leader, teacher = make_leader(school), make_teacher(school)
    login(client, leader)
    client.post(f"/skole/personale/{teacher.id}/rolle", data={"role": "leader"})
    db.session.refresh(teacher)
    assert teacher.role == Role.LEADER
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "role_changed"))
    assert event is not None and event.detail == {"old": "teacher", "new": "leader"}
    # Not one's own role.
    response = client.post(
        f"/skole/personale/{leader.id}/rolle", data={"role": "teacher"}, follow_redirects=True
    )
    assert "ikke ændre din egen rolle" in response.get_data(as_text=True)
    # PUF is not a choice.
    client.post(f"/skole/personale/{teacher.id}/rolle", data={"role": "puf"})
    db.session.refresh(teacher)
    assert teacher.role == Role.LEADER


def test_anonymise_keeps_history_under_the_placeholder(client: FlaskClient) -> None:
    school = SchoolFactory()
    leader = make_leader(school)
    teacher = make_teacher(school, name="Karen Kendt", email="karen@skole.dk")
    team = TeamFactory(school=school, members=[teacher])
    login(client, leader)
    confirm = client.get(f"/skole/personale/{teacher.id}/anonymiser")
    assert confirm.status_code == 200 and "kan ikke fortrydes" in confirm.get_data(as_text=True)
    db.session.refresh(teacher)
    assert teacher.name == "Karen Kendt", "GET only asks"
    client.post(f"/skole/personale/{teacher.id}/anonymiser")
    db.session.refresh(teacher)
    assert teacher.name == f"Tidligere medarbejder #{teacher.id}"
    assert teacher.email.endswith(".invalid") and "karen" not in teacher.email
    assert not teacher.active and not teacher.password_hash and teacher.totp_secret is None
    assert teacher.session_version > 1
    db.session.refresh(team)
    assert teacher not in team.members
    page = client.get("/skole/personale").get_data(as_text=True)
    assert "Karen Kendt" not in page and "Tidligere medarbejder" in page
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "user_anonymised"))


def test_puf_can_anonymise_anyone(puf_client: FlaskClient) -> None:
    teacher = make_teacher(SchoolFactory(), name="Ole Ukendt")
    response = puf_client.post(f"/administration/brugere/{teacher.id}/anonymiser")
    assert response.status_code == 302
    db.session.refresh(teacher)
    assert teacher.anonymised_at is not None


def test_teams_create_rename_and_members(client: FlaskClient) -> None:
    school = SchoolFactory()
    leader = make_leader(school)
    anne, bo = make_teacher(school, name="Anne"), make_teacher(school, name="Bo")
    stranger = make_teacher(SchoolFactory())
    login(client, leader)
    response = client.post(
        "/skole/teams/nyt", data={"name": "Indskolingen", "members": [str(anne.id)]}
    )
    assert response.status_code == 302
    team = db.session.scalar(select(Team).where(Team.name == "Indskolingen"))
    assert team is not None and [m.id for m in team.members] == [anne.id]
    # Another school's user is not a valid choice.
    bad = client.post(
        f"/skole/teams/{team.id}", data={"name": "Indskolingen", "members": [str(stranger.id)]}
    )
    assert bad.status_code == 400
    client.post(f"/skole/teams/{team.id}", data={"name": "Indskoling", "members": [str(bo.id)]})
    db.session.refresh(team)
    assert team.name == "Indskoling" and [m.id for m in team.members] == [bo.id]
    clash = client.post("/skole/teams/nyt", data={"name": "Indskoling"})
    assert clash.status_code == 400 and "allerede et team" in clash.get_data(as_text=True)


def test_invite_staff_with_role(client: FlaskClient) -> None:
    leader = make_leader(SchoolFactory())
    login(client, leader)
    client.post(
        "/skole/personale/inviter",
        data={"email": "ny.leder@skole.dk", "name": "Ny Leder", "role": "leader"},
    )
    user = db.session.scalar(select(User).where(User.email == "ny.leder@skole.dk"))
    assert user is not None and user.role == Role.LEADER and user.school_id == leader.school_id
    bad = client.post(
        "/skole/personale/inviter", data={"email": "x@skole.dk", "name": "X", "role": "puf"}
    )
    assert bad.status_code == 400


def test_anonymised_author_keeps_their_log_entries_under_the_placeholder(
    client: FlaskClient, package: Any
) -> None:
    from learningpack.domain import records
    from tests.world import START, agree, make_world

    world = make_world(package)
    action = agree(world.cycle(1), world.leader, "Fredagsbrev", team=world.team)
    records.add_log_entry(
        action, author=world.teacher, happened_on=START, text="Sendt til alle", observation=""
    )
    old_name = world.teacher.name
    login(client, world.leader)
    client.post(f"/skole/personale/{world.teacher.id}/anonymiser")
    page = client.get(f"/skole/modul/{world.slug(1)}").get_data(as_text=True)
    assert "Sendt til alle" in page
    assert f"Tidligere medarbejder #{world.teacher.id}" in page
    assert old_name not in page
