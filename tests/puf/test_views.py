"""PUF's pages through the test client: every school read-only, unlocking with a reason."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from learningpack.content import Package
from learningpack.extensions import db
from learningpack.models import AuditEvent, CycleState, LogEntry
from tests.factories import login
from tests.helpers import count, page_of
from tests.world import (
    COMPLETE_BUTTON,
    RECORD_BUTTON,
    World,
    agree,
    make_world,
    recording_controls,
)

REASON = "Skolen har arbejdet med forældremøder i forvejen."


@pytest.fixture
def world(package: Package) -> World:
    """Our school started with an action in module 1; the other school has not started."""
    world = make_world(package)
    world.actions["team"] = agree(
        world.cycle(1), world.leader, "Kildeskolens fredagsbesked", team=world.team
    )
    return world


def puf_module_url(world: World, position: int, suffix: str = "") -> str:
    return f"/puf/skoler/{world.school.id}/modul/{world.slug(position)}{suffix}"


def test_overview_lists_every_school(puf_client: FlaskClient, world: World) -> None:
    page = page_of(puf_client.get("/puf/"))
    assert "Kildeskolen" in page and "Fjordskolen" in page
    assert f'href="/puf/skoler/{world.school.id}"' in page
    assert f'href="/puf/skoler/{world.other_school.id}"' in page
    assert f"1. {world.package.module_at(1).title}" in page
    assert "Ikke startet" in page  # the other school


def test_school_page_is_read_only(puf_client: FlaskClient, world: World) -> None:
    page = page_of(puf_client.get(f"/puf/skoler/{world.school.id}"))
    assert "Forløb 2026/27" in page
    assert f'href="{puf_module_url(world, 1)}"' in page
    assert 'href="/skole/modul/' not in page
    first = world.package.module_at(1).title
    assert f"Åbner, når modul 1 »{first}« er samlet op og afsluttet." in page
    not_started = page_of(puf_client.get(f"/puf/skoler/{world.other_school.id}"))
    assert "Skolen har ikke startet læringspakken endnu." in not_started
    assert 'action="/skole/start"' not in not_started


def test_module_page_is_read_only(puf_client: FlaskClient, world: World) -> None:
    response = puf_client.get(puf_module_url(world, 1))
    assert response.status_code == 200
    page = page_of(response)
    assert "Kildeskolens fredagsbesked" in page
    assert RECORD_BUTTON not in page and COMPLETE_BUTTON not in page
    assert recording_controls(page) == []
    assert "/mine-aktioner/" not in page  # no log buttons either
    assert "/aabn" not in page  # an open module has nothing to unlock
    assert f'href="/puf/skoler/{world.school.id}"' in page


def test_locked_module_offers_unlock_with_reason(puf_client: FlaskClient, world: World) -> None:
    page = page_of(puf_client.get(puf_module_url(world, 3)))
    assert "Åbn modulet uden for rækkefølgen" in page
    assert f'action="{puf_module_url(world, 3, "/aabn")}"' in page
    assert recording_controls(page) == []


def test_unlock_requires_a_reason(puf_client: FlaskClient, world: World) -> None:
    response = puf_client.post(puf_module_url(world, 3, "/aabn"), data={"reason": "  "})
    assert response.status_code == 400
    assert "Skriv, hvorfor modulet åbnes uden for rækkefølgen." in page_of(response)
    assert world.cycle(3).state == CycleState.LOCKED
    assert count(AuditEvent, AuditEvent.verb == "cycle_unlocked_override") == 0


def test_unlock_opens_the_module_and_audits_the_reason(
    puf_client: FlaskClient, world: World
) -> None:
    response = puf_client.post(puf_module_url(world, 3, "/aabn"), data={"reason": REASON})
    assert response.status_code == 302
    assert response.headers["Location"] == puf_module_url(world, 3)
    assert world.cycle(3).state == CycleState.ACTIVE
    assert world.cycle(2).state == CycleState.LOCKED
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.verb == "cycle_unlocked_override")
    )
    assert event is not None
    assert event.actor_id == world.puf.id and event.school_id == world.school.id
    assert event.object_id == world.cycle(3).id
    assert event.detail["reason"] == REASON
    page = page_of(puf_client.get(puf_module_url(world, 3)))
    assert "Modulet er åbnet for Kildeskolen. Begrundelsen er gemt i revisionsloggen." in page
    assert "Åbn modulet uden for rækkefølgen" not in page


def test_the_school_sees_that_puf_opened_the_module_when_and_why(
    app: Flask, puf_client: FlaskClient, world: World
) -> None:
    assert "PUF åbnede modulet" not in page_of(puf_client.get(f"/puf/skoler/{world.school.id}"))
    puf_client.post(puf_module_url(world, 3, "/aabn"), data={"reason": REASON})
    assert world.cycle(3).unlock_reason == REASON
    for user, urls in (
        (world.leader, ["/skole/", f"/skole/modul/{world.slug(3)}"]),
        (world.teacher, [f"/skole/modul/{world.slug(3)}"]),
    ):
        client = app.test_client()
        login(client, user)
        for url in urls:
            page = page_of(client.get(url))
            assert "PUF åbnede modulet uden for rækkefølgen" in page, url
            assert f'PUF\'s begrundelse: <span class="pre">»{REASON}«</span>' in page, url
        assert "PUF åbnede modulet" not in page_of(client.get(f"/skole/modul/{world.slug(2)}"))
    drilldown = page_of(puf_client.get(f"/puf/skoler/{world.school.id}"))
    assert drilldown.count("PUF åbnede modulet uden for rækkefølgen") == 1
    assert f"»{REASON}«" in drilldown


def test_the_drilldown_links_to_unlocking_and_to_the_zip_export(
    puf_client: FlaskClient, world: World
) -> None:
    page = page_of(puf_client.get(f"/puf/skoler/{world.school.id}"))
    assert f'href="/puf/skoler/{world.school.id}/data-eksport"' in page
    for position in (2, 3, 4, 5):  # the locked ones
        assert f'href="{puf_module_url(world, position)}#unlock-heading"' in page
    assert f'href="{puf_module_url(world, 1)}#unlock-heading"' not in page  # open already
    unlock = page_of(puf_client.get(puf_module_url(world, 3)))
    assert 'id="unlock-heading"' in unlock


def test_unlocking_an_open_module_is_refused(puf_client: FlaskClient, world: World) -> None:
    response = puf_client.post(
        puf_module_url(world, 1, "/aabn"), data={"reason": REASON}, follow_redirects=True
    )
    assert "Modulet er ikke låst." in page_of(response)
    assert count(AuditEvent, AuditEvent.verb == "cycle_unlocked_override") == 0


@pytest.mark.parametrize(
    "url",
    [
        "/puf/skoler/{missing}",
        "/puf/skoler/{missing}/modul/{m1}",
        "/puf/skoler/{other}/modul/{m1}",  # a school without a run
        "/puf/skoler/{school}/modul/findes-ikke",
    ],
)
def test_unknown_school_or_module_is_404(puf_client: FlaskClient, world: World, url: str) -> None:
    filled = url.format(
        missing=world.other_school.id + 1000,
        other=world.other_school.id,
        school=world.school.id,
        m1=world.slug(1),
    )
    assert puf_client.get(filled).status_code == 404
    if "/modul/" in filled:
        assert puf_client.post(filled + "/aabn", data={"reason": REASON}).status_code == 404


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/skole/"),
        ("POST", "/skole/start"),
        ("GET", "/skole/modul/{m1}"),
        ("POST", "/skole/modul/{m1}/moede"),
        ("POST", "/skole/modul/{m1}/aktion"),
        ("POST", "/skole/aktion/{action}/rediger"),
        ("POST", "/skole/aktion/{action}/opsamling"),
        ("POST", "/skole/modul/{m1}/opsamling"),
        ("POST", "/skole/modul/{m1}/tilpasning"),
        ("POST", "/skole/modul/{m1}/afslut"),
        ("POST", "/skole/modul/{m1}/genaabn"),
        ("GET", "/mine-aktioner/"),
        ("GET", "/mine-aktioner/{action}/log"),
        ("POST", "/mine-aktioner/{action}/log"),
        ("POST", "/skole/aktion/{action}/anden-runde"),
        ("GET", "/skole/aktion/{action}/skabelon"),
        ("GET", "/skole/modul/{m1}/skabelon"),
    ],
)
def test_puf_gets_403_on_school_staff_routes(
    puf_client: FlaskClient, world: World, method: str, path: str
) -> None:
    url = path.format(m1=world.slug(1), action=world.actions["team"].id)
    data = {"text": "PUF skriver", "happened_on": "2026-09-04", "status": "done", "notes": "x"}
    response = puf_client.open(url, method=method, data=data if method == "POST" else None)
    assert response.status_code == 403
    assert count(LogEntry) == 0
    assert world.cycle(1).meetings == [] and world.cycle(1).local_notes == ""
