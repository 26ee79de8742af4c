"""Correcting and deleting through the pages: the stale-save guard, the confirmation, and a
deleted entry gone from every page and export at once."""

from __future__ import annotations

import io
import zipfile

import pytest
from flask.testing import FlaskClient

from learningpack.content import Package
from learningpack.domain import records
from learningpack.extensions import db
from learningpack.models import LogEntry
from tests.factories import login as _login
from tests.helpers import page_of
from tests.world import START, World, add_session, agree, make_world, module_url

SECRET = "Peter i 2.b græd"


@pytest.fixture
def world(package: Package) -> World:
    world = make_world(package)
    action = agree(world.cycle(1), world.leader, "Teamets fredagsbesked", team=world.team)
    world.actions["team"] = action
    records.add_log_entry(
        action, author=world.teacher, happened_on=START, text=SECRET, observation=""
    )
    db.session.commit()
    return world


def login(client: FlaskClient, user: object) -> None:
    """Log in as someone else (the previous user logged out first)."""
    client.post("/logout")
    _login(client, user)  # type: ignore[arg-type]


def _entry(world: World) -> LogEntry:
    return world.actions["team"].log_entries[0]


def test_my_actions_offers_ret_and_slet_on_my_own_entries_only(
    client: FlaskClient, world: World
) -> None:
    entry = _entry(world)
    login(client, world.teacher)
    page = page_of(client.get("/mine-aktioner/"))
    assert f"/mine-aktioner/logning/{entry.id}/rediger" in page
    assert f"/mine-aktioner/logning/{entry.id}/slet" in page
    assert SECRET in page
    login(client, world.teacher2)
    assert f"/logning/{entry.id}/" not in page_of(client.get("/mine-aktioner/"))


def test_two_people_editing_the_same_entry_the_second_keeps_their_text(
    client: FlaskClient, world: World
) -> None:
    entry = _entry(world)
    url = f"/mine-aktioner/logning/{entry.id}/rediger"
    login(client, world.teacher)
    form = page_of(client.get(url))
    assert "Ret logindlægget" in form and SECRET in form
    baseline = form.split('name="baseline" type="hidden" value="')[1].split('"')[0]
    first = {"baseline": baseline, "happened_on": "2026-09-02", "text": "En elev græd."}
    assert client.post(url, data=first).status_code == 302
    second = client.post(url, data={**first, "text": "Mit andet forsøg"})
    assert second.status_code == 409
    assert "En anden har ændret det her" in page_of(second)
    assert "Mit andet forsøg" in page_of(second)
    db.session.expire_all()
    assert _entry(world).text == "En elev græd."


def test_a_deleted_entry_is_gone_from_pages_and_the_export_at_once(
    client: FlaskClient, world: World
) -> None:
    entry = _entry(world)
    add_session(world.cycle(1), notes="Mødenoter")
    login(client, world.teacher)
    url = f"/mine-aktioner/logning/{entry.id}/slet"
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Slet logindlægget?" in page_of(confirm)
    assert client.post(url).status_code == 400  # a bare POST deletes nothing
    done = client.post(url, data={"confirm": "ja"}, follow_redirects=True)
    assert "Logindlægget er slettet." in page_of(done)
    assert SECRET not in page_of(done)
    assert client.get(f"/mine-aktioner/logning/{entry.id}/rediger").status_code == 404

    login(client, world.leader)
    assert SECRET not in page_of(client.get(module_url(world, 1)))
    export = client.get("/skole/data-eksport")
    with zipfile.ZipFile(io.BytesIO(export.data)) as archive:
        text = "".join(archive.read(n).decode("utf-8-sig") for n in archive.namelist())
    assert "Mødenoter" in text and SECRET not in text
    login(client, world.puf)
    page = page_of(client.get(f"/puf/skoler/{world.school.id}/modul/{world.slug(1)}"))
    assert "Teamets fredagsbesked" in page and SECRET not in page


def test_the_leader_deletes_a_meeting_and_returns_to_the_module(
    client: FlaskClient, world: World
) -> None:
    meeting = add_session(world.cycle(1), notes="Noter der skal væk")
    db.session.commit()
    login(client, world.leader)
    assert f"/skole/moede/{meeting.id}/slet" in page_of(client.get(module_url(world, 1)))
    response = client.post(f"/skole/moede/{meeting.id}/slet", data={"confirm": "ja"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(module_url(world, 1) + "#moeder")
    page = page_of(client.get(module_url(world, 1)))
    assert "Mødet er slettet." in page and "Noter der skal væk" not in page
