"""PUF's knowledge-sharing events: create, mark examples from the follow-ups, programme, and
each chosen school's five-minute presentation (issue 12)."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from flask.testing import FlaskClient
from pptx import Presentation
from pypdf import PdfReader
from sqlalchemy import select

from learningpack.content import Package
from learningpack.domain import sharing
from learningpack.domain.refusals import Refused
from learningpack.extensions import db
from learningpack.models import FollowUp, SharingEvent
from learningpack.reads.sharing import invitations
from tests.factories import login
from tests.helpers import count, once_token, page_of
from tests.world import END, START, World, digest_world

pytestmark = pytest.mark.both_backends


@pytest.fixture
def world(package: Package) -> World:
    """Kildeskolen, Fjordskolen and Åby Skole followed up in module 1 (``digest_world``)."""
    return digest_world(package)


def new_event(client: FlaskClient) -> int:
    response = client.post(
        "/puf/arrangementer",
        data={"title": "Skole inspirerer skole", "held_on": END.isoformat(), "place": "Dokk1"},
    )
    assert response.status_code == 302
    return int(re.search(r"/arrangementer/(\d+)", response.headers["Location"]).group(1))


def follow_up_of(world: World, school_name: str) -> int:
    for follow_up in db.session.scalars(select(FollowUp)):
        if follow_up.action.cycle.run.school.name == school_name:
            return follow_up.id
    raise AssertionError(school_name)


def test_puf_creates_an_event_and_marks_examples(puf_client: FlaskClient, world: World) -> None:
    event_id = new_event(puf_client)
    page = page_of(puf_client.get(f"/puf/arrangementer/{event_id}?modul=faellesskab"))
    assert "Der er ikke valgt praksiseksempler endnu." in page
    assert "Kildeskolen" in page and "Det virkede." in page  # candidates from the follow-ups
    ours = follow_up_of(world, "Kildeskolen")
    response = puf_client.post(
        f"/puf/arrangementer/{event_id}/eksempler?modul=faellesskab", data={"item": ours}
    )
    assert response.status_code == 302 and "modul=faellesskab" in response.headers["Location"]
    page = page_of(puf_client.get(f"/puf/arrangementer/{event_id}?modul=faellesskab"))
    assert "1 skole fortæller, 5 minutter hver." in page
    assert f"/puf/arrangementer/{event_id}/skoler/{world.school.id}/oplaeg.pptx" in page
    again = puf_client.post(
        f"/puf/arrangementer/{event_id}/eksempler", data={"item": ours}, follow_redirects=True
    )
    assert "allerede med i arrangementet" in page_of(again)
    missing = puf_client.post(
        f"/puf/arrangementer/{event_id}/eksempler", data={"item": 10**6}, follow_redirects=True
    )
    assert "findes ikke" in page_of(missing)
    assert "Skole inspirerer skole" in page_of(puf_client.get("/puf/arrangementer"))

    programme = page_of(puf_client.get(f"/puf/arrangementer/{event_id}/program"))
    assert "Oplæg 1: Kildeskolen (5 min.)" in programme and "Dokk1" in programme
    assert "5 minutter i alt" in programme
    pdf = puf_client.get(f"/puf/arrangementer/{event_id}/program.pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Kildeskolen" in text and "Aktion i modul 1" in text

    deck = puf_client.get(f"/puf/arrangementer/{event_id}/skoler/{world.school.id}/oplaeg.pptx")
    titles = [s.shapes.title.text for s in Presentation(io.BytesIO(deck.data)).slides]
    assert titles == [
        "Kildeskolen",
        "Det prøvede vi",
        "Det så vi",
        "Det fastholder vi",
        "Spørgsmål til de andre skoler",
    ]
    # A school without an example in the event has no presentation.
    other = puf_client.get(
        f"/puf/arrangementer/{event_id}/skoler/{world.other_school.id}/oplaeg.pptx"
    )
    assert other.status_code == 404

    example_id = db.session.get(SharingEvent, event_id).examples[0].id
    response = puf_client.post(f"/puf/arrangementer/{event_id}/fjern", data={"item": example_id})
    assert response.status_code == 302
    assert db.session.get(SharingEvent, event_id).examples == []


def test_bad_event_input_is_refused_and_kept(puf_client: FlaskClient) -> None:
    response = puf_client.post(
        "/puf/arrangementer", data={"title": "", "held_on": "2026-13-01", "place": "Dokk1"}
    )
    page = page_of(response)
    assert response.status_code == 400
    assert "Skriv en titel på arrangementet." in page and 'value="Dokk1"' in page
    assert puf_client.get("/puf/arrangementer/999").status_code == 404
    response = puf_client.post("/puf/arrangementer/999/eksempler", data={"item": 1})
    assert response.status_code == 404


def test_the_chosen_school_gets_its_presentation(client: FlaskClient, world: World) -> None:
    coming = date.today() + timedelta(days=30)
    event = sharing.create_event(title="Videndeling", held_on=coming, place="", actor=world.puf)
    sharing.mark_example(event, follow_up_of(world, "Kildeskolen"), world.puf)
    login(client, world.leader)
    page = page_of(client.get("/skole/"))
    assert "Skolen fortæller ved et videndelingsarrangement" in page
    response = client.get(f"/skole/arrangementer/{event.id}/oplaeg.pptx")
    assert response.status_code == 200
    slides = Presentation(io.BytesIO(response.data)).slides
    assert "Det virkede." in slides[2].placeholders[1].text_frame.text
    client.post("/logout")
    login(client, world.other_leader)
    assert "videndelingsarrangement" not in page_of(client.get("/skole/"))
    assert client.get(f"/skole/arrangementer/{event.id}/oplaeg.pptx").status_code == 404
    assert client.get("/skole/arrangementer/999/oplaeg.pptx").status_code == 404


def test_invitations_are_for_coming_events_only(world: World) -> None:
    event = sharing.create_event(title="Forbi", held_on=START, place="", actor=world.puf)
    sharing.mark_example(event, follow_up_of(world, "Kildeskolen"), world.puf)
    assert [i.title for i in invitations(world.school.id, START)] == ["Forbi"]
    assert invitations(world.school.id, END) == []


def test_only_puf_creates_events_and_examples_are_checked(world: World) -> None:
    with pytest.raises(Refused) as caught:
        sharing.create_event(title="X", held_on=END, place="", actor=world.leader)
    assert caught.value.codes == ["not_puf"]
    with pytest.raises(Refused) as caught:
        sharing.create_event(title="  ", held_on=END, place="", actor=world.puf)
    assert caught.value.codes == ["event_title_missing"]
    event = sharing.create_event(title="X", held_on=END, place="", actor=world.puf)
    with pytest.raises(Refused) as caught:
        sharing.unmark_example(event, 10**6, world.puf)
    assert caught.value.codes == ["example_unknown"]


def test_a_refused_event_is_shown_with_the_form(puf_client: FlaskClient) -> None:
    from unittest import mock

    refusal = sharing.SharingRefused.one("not_puf")
    with mock.patch("learningpack.puf.events.create_event", side_effect=refusal):
        response = puf_client.post(
            "/puf/arrangementer", data={"title": "Møde", "held_on": END.isoformat()}
        )
    assert response.status_code == 400
    assert "Kun PUF kan oprette" in page_of(response)


def test_an_event_created_again_with_back_is_created_once(puf_client: FlaskClient) -> None:
    token = once_token(page_of(puf_client.get("/puf/arrangementer")))
    data = {"title": "Skole inspirerer skole", "held_on": END.isoformat(), "once": token}
    assert puf_client.post("/puf/arrangementer", data=data).status_code == 302
    again = puf_client.post("/puf/arrangementer", data=data, follow_redirects=True)
    assert "arrangementet er kun oprettet én gang" in page_of(again)
    assert count(SharingEvent) == 1
