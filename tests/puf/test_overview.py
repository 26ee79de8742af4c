"""PUF's overview across all schools: states, filters, Danish order, pages, totals and chart."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import update

from learningpack.content import Package
from learningpack.domain import records
from learningpack.domain.school_progress import refresh
from learningpack.extensions import db
from learningpack.models import Cycle, MeetingKind, Run
from tests.bulk import insert_schools
from tests.factories import SchoolFactory
from tests.helpers import page_of
from tests.world import (
    START,
    World,
    agree,
    make_world,
)

# The overview's queries, filters and sorting: on both databases.
pytestmark = pytest.mark.both_backends

SVG = "{http://www.w3.org/2000/svg}"
# Not started, in an order that only a Danish sort gets right ("Aa" counts as "Å").
EXTRA = [
    ("Åby Skole", "Syd"),
    ("Ørnes Skole", "Syd"),
    ("Zebra Skole", "Vest"),
    ("Aarslev Skole", "Vest"),
    ("Æblehaven Skole", "Syd"),
    ("Anker Skole", "Vest"),
]
DANISH_ORDER = [
    "Anker Skole",
    "Fjordskolen",
    "Kildeskolen",
    "Zebra Skole",
    "Æblehaven Skole",
    "Ørnes Skole",
    "Åby Skole",
    "Aarslev Skole",  # "Aa" is "Å": after "Åb"
]


@pytest.fixture
def world(package: Package) -> World:
    """Kildeskolen (Nord) agreed an action in module 1 after a session; Fjordskolen (Nord) has
    just started; six more schools have not started."""
    world = make_world(package, other_started=True)
    cycle = world.cycle(1)
    records.record_meeting(
        cycle,
        held_on=START,
        kind=MeetingKind.INPUT,
        participants="Hele personalet",
        notes="Vi drøftede videnoplægget.",
        decisions="",
        facilitator=world.leader,
    )
    agree(cycle, world.leader, "Kildeskolens fredagsbesked", team=world.team)
    for name, district in EXTRA:
        SchoolFactory(name=name, district=district)
    return world


def school_names(page: str) -> list[str]:
    """The schools in the schools table, in the order shown."""
    table = page.split('class="table school-table"', 1)[1]
    return re.findall(r'<th scope="row">\s*<a href="/puf/skoler/\d+">([^<]+)</a>', table)


def total(page: str, state: str, module: int) -> int:
    found = re.search(rf'data-state="{state}" data-module="{module}">([\d.]+)<', page)
    assert found, (state, module)
    return int(found.group(1).replace(".", ""))  # Danish thousands separator


def test_every_school_in_danish_order(puf_client: FlaskClient) -> None:
    page = page_of(puf_client.get("/puf/"))
    assert school_names(page) == DANISH_ORDER


def test_each_module_shows_its_state_and_counts(puf_client: FlaskClient, world: World) -> None:
    page = page_of(puf_client.get("/puf/"))
    row = page.split(f'href="/puf/skoler/{world.school.id}"', 1)[1].split("</tr>", 1)[0]
    cells = re.findall(r'<span class="badge badge-state-(\w+)">([^<]+)</span>', row)
    assert cells == [
        ("trying", "Afprøvning og observation"),
        ("locked", "Låst"),
        ("locked", "Låst"),
        ("locked", "Låst"),
        ("locked", "Låst"),
    ]
    assert "1 aktion<" in row and "0 gennemført<" in row and "1 møde<" in row
    assert "0 dage i modul 1" in row
    not_started = page.split("Anker Skole", 1)[1].split("</tr>", 1)[0]
    assert 'colspan="5"' in not_started and "Ikke startet" in not_started


def test_totals_cover_every_matching_school(puf_client: FlaskClient) -> None:
    page = page_of(puf_client.get("/puf/"))
    assert total(page, "not_started", 1) == 6
    assert total(page, "trying", 1) == 1  # Kildeskolen
    assert total(page, "input", 1) == 1  # Fjordskolen
    assert total(page, "locked", 2) == 2
    assert "Skoler pr. modul og status" in page and "Pr. område" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("omraade=Syd", ["Æblehaven Skole", "Ørnes Skole", "Åby Skole"]),
        ("omraade=Nord", ["Fjordskolen", "Kildeskolen"]),
        ("status=not_started&omraade=Vest", ["Anker Skole", "Zebra Skole", "Aarslev Skole"]),
        ("status=trying", ["Kildeskolen"]),
        ("status=input", ["Fjordskolen"]),
        ("status=active", ["Fjordskolen", "Kildeskolen"]),
        ("modul=foraeldremoeder&status=locked", ["Fjordskolen", "Kildeskolen"]),
        ("modul=foraeldremoeder&status=trying", []),
        ("status=completed", []),
    ],
)
def test_filters(puf_client: FlaskClient, query: str, expected: list[str]) -> None:
    response = puf_client.get(f"/puf/?{query}")
    assert response.status_code == 200
    page = page_of(response)
    if expected:
        assert school_names(page) == expected
    else:
        assert "Ingen skoler passer til filtrene." in page
    # The export links carry the same filters.
    for part in query.split("&"):
        assert re.search(rf'href="/puf/oversigt\.csv\?[^"]*{re.escape(part)}', page), part


def test_a_chosen_module_shows_only_its_column(puf_client: FlaskClient) -> None:
    page = page_of(puf_client.get("/puf/?modul=foraeldremoeder"))
    table = page.split('class="table school-table"', 1)[1]
    assert "Modul 2" in table and "Modul 1" not in table
    assert 'data-module="2"' in page and 'data-module="1"' not in page


def test_stalled_schools_by_days_without_activity(puf_client: FlaskClient, world: World) -> None:
    """Kildeskolen: nothing for 40 days. Fjordskolen: active today. Not started: never stalled."""
    now = datetime.now(UTC)
    assert world.run is not None
    db.session.execute(
        update(Run).where(Run.id == world.run.id).values(started_at=now - timedelta(days=90))
    )
    db.session.execute(
        update(Cycle)
        .where(Cycle.run_id == world.run.id, Cycle.last_activity_at.is_not(None))
        .values(last_activity_at=now - timedelta(days=40), opened_at=now - timedelta(days=90))
    )
    refresh()  # the summary rows, as a write through the domain keeps them
    db.session.commit()
    page = page_of(puf_client.get("/puf/?staa=1"))
    assert school_names(page) == ["Kildeskolen"]
    assert "Gået i stå" in page and "for 40 dage siden" in page and "90 dage i modul 1" in page
    assert school_names(page_of(puf_client.get("/puf/?staa=1&dage=40"))) == ["Kildeskolen"]
    assert "Ingen skoler passer" in page_of(puf_client.get("/puf/?staa=1&dage=41"))
    everyone = page_of(puf_client.get("/puf/?dage=10"))
    assert "gået i stå (ingen aktivitet i 10 dage)" in everyone


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("dage=abc", "Skriv et helt tal."),
        ("dage=0", "Skriv et antal dage mellem 1 og 3650."),
        ("omraade=Atlantis", "Området »Atlantis« findes ikke."),
        ("modul=findes-ikke", "Modulet »findes-ikke« findes ikke."),
        ("status=sovende", "Status »sovende« findes ikke."),
        ("side=x", "Skriv et helt tal."),
    ],
)
def test_invalid_filters_say_so_in_danish(
    puf_client: FlaskClient, query: str, message: str
) -> None:
    response = puf_client.get(f"/puf/?{query}")
    assert response.status_code == 400
    page = page_of(response)
    assert "Et filter kunne ikke bruges" in page and message in page
    assert school_names(page) == DANISH_ORDER  # shown without the bad filter


def test_pages_of_fifty_schools_with_totals_over_all(
    puf_client: FlaskClient, package: Package
) -> None:
    insert_schools(package, 112)  # 120 schools in all; 11 of the new ones have not started
    first = page_of(puf_client.get("/puf/"))
    assert len(school_names(first)) == 50
    assert "Side 1 af 3" in first
    assert 'href="/puf/?side=2"' in first and "Forrige" not in first
    last = page_of(puf_client.get("/puf/?side=3"))
    names = school_names(last)
    assert len(names) == 20 and names[-1] == "Aarslev Skole" and "Forrige" in last
    assert school_names(page_of(puf_client.get("/puf/?side=99"))) == names  # the last page
    # Totals count all 120 schools on every page.
    assert total(first, "not_started", 1) == total(last, "not_started", 1) == 6 + 11
    assert 'class="pager"' not in page_of(puf_client.get("/puf/?omraade=Syd"))


def test_chart_is_valid_svg_with_the_tables_numbers(puf_client: FlaskClient) -> None:
    page = page_of(puf_client.get("/puf/"))
    svg_text = re.search(r'<svg xmlns="http://www.w3.org/2000/svg" class="chart".*?</svg>', page)
    assert svg_text is not None
    svg = ET.fromstring(svg_text.group(0))
    assert svg.get("role") == "img"
    assert svg.find(f"{SVG}title") is not None and svg.find(f"{SVG}desc") is not None
    assert "style" not in svg_text.group(0)  # CSP forbids inline styles
    segments = [r for r in svg.iter(f"{SVG}rect") if r.get("data-series")]
    bars: dict[str, dict[str, int]] = {}
    for rect in segments:
        title = rect.find(f"{SVG}title")
        assert title is not None and title.text is not None
        label, rest = title.text.split(" · ", 1)
        bars.setdefault(label, {})[rect.get("data-series") or ""] = int(rect.get("data-value") or 0)
        assert rest.endswith(f": {rect.get('data-value')}")
    assert len(bars) == 5
    for position, (label, values) in enumerate(bars.items(), start=1):
        assert label.startswith(f"{position}. ")
        assert sum(values.values()) == 8  # every school, in one state or another
        for state, value in values.items():
            assert total(page, state, position) == value


def test_chart_escapes_text() -> None:
    from learningpack.output.charts import Bar, Series, stacked_bars

    svg = stacked_bars(
        "c", "<Titel & co>", 'Beskrivelse "x"', [Series("a", "<b>", "#000")], [Bar("<i>", [3])]
    )
    tree = ET.fromstring(str(svg))
    assert tree.find(f"{SVG}title").text == "<Titel & co>"  # type: ignore[union-attr]
    assert "<b>" not in str(svg) and "<i>" not in str(svg)


def test_pages_in_english(puf_client: FlaskClient, world: World) -> None:
    assert puf_client.post("/sprog/en", data={"back": "/puf/"}).status_code == 302
    page = page_of(puf_client.get("/puf/?dage=abc"))
    assert "A filter could not be used" in page and "Enter a whole number." in page
    assert "Schools per module and state" in page and "Actions agreed" in page
    assert "1 action<" in page and "1 session<" in page and "0 done<" in page
    digest = page_of(puf_client.get("/puf/laering"))
    assert "Learnings across schools" in digest
    school = page_of(puf_client.get(f"/puf/skoler/{world.school.id}"))
    assert "Sessions, actions and follow-up in module 1" in school
    # Exports stay Danish whatever the user's language (headers and values alike).
    body = puf_client.get("/puf/oversigt.csv").data.decode("utf-8-sig")
    assert body.startswith("Skole;Område;") and "Ikke startet" in body
