"""The common approach page and the school's versioned local approach (issue 12)."""

from __future__ import annotations

from unittest import mock

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from learningpack.content import Package
from learningpack.domain import sharing
from learningpack.domain.refusals import CycleRefused, Refused
from learningpack.extensions import db
from learningpack.models import AuditEvent, LocalApproachVersion
from tests.factories import login
from tests.helpers import page_of
from tests.world import World, make_world

TEXT = "Hos os er forældrene velkomne i klassen. Vi fortæller altid hvorfor."


@pytest.fixture
def world(package: Package) -> World:
    return make_world(package, other_started=True)


def save(client: FlaskClient, text: str, note: str = "") -> object:
    return client.post("/skole/lokal-tilgang", data={"text": text, "note": note})


def test_common_approach_page_is_marked_as_draft_and_has_questions(
    client: FlaskClient, world: World
) -> None:
    approach = world.package.common_approach
    for user in (world.teacher, world.puf):
        client.post("/logout")
        login(client, user)
        page = page_of(client.get("/faelles-tilgang"))
        assert "Dette er et udkast." in page
        assert approach.reflections[0].staff[0] in page
        assert approach.reflections[0].board[0] in page
        assert ("/skole/lokal-tilgang" in page) is (user is world.teacher)


def test_leader_saves_versions_and_staff_read_the_history(
    client: FlaskClient, world: World
) -> None:
    login(client, world.leader)
    assert "har ikke skrevet sin lokale tilgang" in page_of(client.get("/skole/lokal-tilgang"))
    assert save(client, TEXT, "Første udkast").status_code == 302
    assert save(client, TEXT + " Og vi **lytter**.").status_code == 302
    versions = db.session.scalars(select(LocalApproachVersion.version)).all()
    assert sorted(versions) == [1, 2]
    page = page_of(client.get("/skole/lokal-tilgang", follow_redirects=True))
    assert "Version 2" in page and "<strong>lytter</strong>" in page
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "local_approach_saved"))

    client.post("/logout")
    login(client, world.teacher)
    page = page_of(client.get("/skole/lokal-tilgang"))
    assert "Gem som ny version" not in page  # teachers read
    history = page_of(client.get("/skole/lokal-tilgang/historik"))
    assert "Første udkast" in history and "Vis version 1" in history
    printed = page_of(client.get("/skole/lokal-tilgang/version/1"))
    assert TEXT in printed and "lytter" not in printed and "Udkast" in printed
    pdf = client.get("/skole/lokal-tilgang/version/2.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert client.get("/skole/lokal-tilgang/version/3").status_code == 404
    assert save(client, "Lærerens tekst").status_code == 403


def test_bad_input_is_refused_with_the_text_kept(client: FlaskClient, world: World) -> None:
    login(client, world.leader)
    response = save(client, "")
    assert response.status_code == 400 and "Skriv skolens lokale tilgang" in page_of(response)
    response = save(client, "Barnet 010203-1234 var med", "note")
    assert response.status_code == 400 and "CPR-nummer" in page_of(response)
    assert "Barnet 010203-1234 var med" in page_of(response)
    save(client, TEXT)
    response = save(client, TEXT)
    assert response.status_code == 400
    assert "samme som version 1" in page_of(response)


def test_another_schools_approach_is_not_seen(client: FlaskClient, world: World) -> None:
    sharing.save_local_approach(
        world.other_school.id, text="Fjordskolens hemmelighed", note="", actor=world.other_leader
    )
    login(client, world.leader)
    assert "Fjordskolens hemmelighed" not in page_of(client.get("/skole/lokal-tilgang"))
    assert client.get("/skole/lokal-tilgang/version/1").status_code == 404


def test_the_domain_checks_who_saves(world: World) -> None:
    with pytest.raises(Refused) as caught:
        sharing.save_local_approach(world.school.id, text=TEXT, note="", actor=world.teacher)
    assert caught.value.codes == ["not_facilitator"]
    with pytest.raises(Refused):
        sharing.save_local_approach(world.school.id, text=TEXT, note="", actor=world.other_leader)
    with pytest.raises(CycleRefused):
        sharing.save_local_approach(
            world.school.id, text="010203-1234", note="", actor=world.leader
        )


def test_two_leaders_saving_at_once_get_a_clear_message(client: FlaskClient, world: World) -> None:
    login(client, world.leader)
    clash = IntegrityError("insert", {}, Exception("uq_local_approach_school_version"))
    with mock.patch("learningpack.school.approach.save_local_approach", side_effect=clash):
        response = save(client, TEXT)
    assert response.status_code == 409
    assert "En anden gemte en ny version lige nu" in page_of(response)


def test_module_five_links_to_the_local_approach(client: FlaskClient, world: World) -> None:
    login(client, world.teacher)
    five = world.package.module_at(5).slug
    assert "/skole/lokal-tilgang" in page_of(client.get(f"/skole/modul/{five}"))
    one = world.package.module_at(1).slug
    assert "/skole/lokal-tilgang" not in page_of(client.get(f"/skole/modul/{one}"))


def test_the_domain_refuses_an_empty_approach(world: World) -> None:
    with pytest.raises(Refused) as caught:
        sharing.save_local_approach(world.school.id, text="  \n", note="", actor=world.leader)
    assert caught.value.codes == ["local_approach_empty"]


def test_puf_reads_a_schools_approach_and_its_versions(client: FlaskClient, world: World) -> None:
    sharing.save_local_approach(world.school.id, text="Første tekst", note="", actor=world.leader)
    sharing.save_local_approach(world.school.id, text=TEXT, note="Ny", actor=world.leader)
    login(client, world.puf)
    assert f"/puf/skoler/{world.school.id}/lokal-tilgang" in page_of(
        client.get(f"/puf/skoler/{world.school.id}")
    )
    page = page_of(client.get(f"/puf/skoler/{world.school.id}/lokal-tilgang"))
    assert "Version 2" in page and TEXT in page and "Første tekst" in page
    other = page_of(client.get(f"/puf/skoler/{world.other_school.id}/lokal-tilgang"))
    assert "har ikke skrevet sin lokale tilgang" in other
    assert client.get("/puf/skoler/999999/lokal-tilgang").status_code == 404
