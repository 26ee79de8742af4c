"""A school's data export: ZIP of CSVs for its leader and PUF, nothing of another school."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from learningpack.content import Package
from learningpack.domain import records
from learningpack.extensions import db
from learningpack.models import AuditEvent, Outcome
from learningpack.output.tables import text_cell
from tests.factories import login
from tests.world import (
    World,
    two_schools,
)

# The school's export queries: on both databases.
pytestmark = pytest.mark.both_backends

FILES = {
    "skole.csv", "personale.csv", "teams.csv", "teammedlemmer.csv", "forloeb.csv",
    "moduler.csv", "moeder.csv", "aktioner.csv", "ansvarlige.csv", "logninger.csv",
    "opsamlinger.csv", "undringer.csv", "refleksioner.csv", "videndelingsbank.csv",
}  # fmt: skip


@pytest.fixture
def world(package: Package) -> World:
    world = two_schools(package)
    records.record_follow_up(
        world.actions["ours"],
        outcome=Outcome.KEEP,
        learning="Kildeskolens læring",
        fit="Som ventet.",
        actor=world.leader,
    )
    records.save_local_adaptation(world.cycle(1), notes='=HYPERLINK("http://x")', questions="")
    records.record_follow_up(
        world.actions["theirs"],
        outcome=Outcome.STOP,
        learning="Fjordskolens læring",
        fit="Nej.",
        actor=world.other_leader,
    )
    return world


def read_zip(data: bytes) -> dict[str, list[list[str]]]:
    tables = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            raw = archive.read(name)
            assert raw.startswith(b"\xef\xbb\xbf"), f"{name} has no BOM"
            text = raw.decode("utf-8-sig")
            tables[name] = list(csv.reader(io.StringIO(text), delimiter=";"))
    return tables


def download(client: FlaskClient, url: str) -> dict[str, list[list[str]]]:
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert "attachment;" in response.headers["Content-Disposition"]
    assert "kildeskolen" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    return read_zip(response.data)


@pytest.mark.parametrize("who", ["leader", "puf"])
def test_export_has_every_table_of_the_school_and_nothing_else(
    client: FlaskClient, world: World, who: str
) -> None:
    login(client, getattr(world, who))
    url = (
        "/skole/data-eksport" if who == "leader" else f"/puf/skoler/{world.school.id}/data-eksport"
    )
    tables = download(client, url)
    assert set(tables) == FILES
    everything = "\n".join(";".join(r) for rows in tables.values() for r in rows)
    for ours in (
        "Kildeskolen",
        "Kildeskolens fredagsbesked",
        "Kildeskolens mødenoter",
        "Kildeskolens logning",
        "Kildeskolens læring",
        "Lise Leder",
        "Indskolingen",
    ):
        assert ours in everything, ours
    for theirs in ("Fjord", "Ole Leder", "Cecilie Fremmed", "Mellemtrinnet", "Dorte Fremmed"):
        assert theirs not in everything, theirs
    staff = tables["personale.csv"]
    assert staff[0] == ["id", "navn", "email", "rolle", "aktiv", "sprog", "oprettet",
                        "sidst_logget_ind"]  # fmt: skip
    assert {row[1] for row in staff[1:]} == {
        "Anne Lærer",
        "Bo Pædagog",
        "Lise Leder",
        "Karl Kildereserve",
    }
    assert world.leader.password_hash.split("$")[-1] not in everything  # no hash, whatever kind
    assert "scrypt" not in everything and "password" not in everything.lower()
    assert len(tables["aktioner.csv"]) == 3  # header + our two actions
    assert tables["opsamlinger.csv"][1][2] == "keep"
    bank = tables["videndelingsbank.csv"]
    assert [row[1] for row in bank[1:]] == ["Vores forslag til banken"]
    assert bank[1][3] == "proposed" and "Deres forslag" not in everything
    assert tables["opsamlinger.csv"][1][6] == "Som ventet."
    # The teams' questions, and the observer's entries told apart from the owners'.
    assert [r[3] for r in tables["undringer.csv"][1:]] == [
        "Hvorfor kommer så få forældre til forældremøderne?"
    ] * 2
    assert tables["logninger.csv"][1][7] == "did"
    # Our team's reflection (tests/world.py), not the other school's.
    assert tables["refleksioner.csv"][0] == [
        "id", "modul_id", "team_id", "dato", "deltagere", "set", "forventet_og_set",
        "det_aendrer_vi"
    ]  # fmt: skip
    assert [r[2] for r in tables["refleksioner.csv"][1:]] == [str(world.team2.id)]
    # A cell a spreadsheet would run as a formula is defused.
    notes = [row for row in tables["moduler.csv"][1:] if row[8]]
    assert notes and notes[0][8].startswith("'=HYPERLINK")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "school_exported"))
    assert event is not None and event.school_id == world.school.id
    assert event.actor_id == getattr(world, who).id


def test_puf_export_of_the_other_school_holds_only_that_school(
    client: FlaskClient, world: World
) -> None:
    login(client, world.puf)
    response = client.get(f"/puf/skoler/{world.other_school.id}/data-eksport")
    tables = read_zip(response.data)
    everything = "\n".join(";".join(r) for rows in tables.values() for r in rows)
    assert "Fjordskolens læring" in everything and "Kildeskolen" not in everything


def test_teachers_and_other_schools_cannot_export(client: FlaskClient, world: World) -> None:
    login(client, world.teacher)
    assert client.get("/skole/data-eksport").status_code == 403
    client.post("/logout")
    login(client, world.other_leader)
    page = client.get("/skole/data-eksport")
    assert "Kildeskolen" not in read_zip(page.data)["skole.csv"][1]
    assert client.get(f"/puf/skoler/{world.school.id}/data-eksport").status_code == 403


def test_export_link_on_the_school_page(client: FlaskClient, world: World) -> None:
    login(client, world.leader)
    assert 'href="/skole/data-eksport"' in client.get("/skole/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("=1+1", "'=1+1"),
        ("+45 1234", "'+45 1234"),
        ("-3", "'-3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("Helt almindelig", "Helt almindelig"),
        (True, "ja"),
        (None, ""),
        (date(2026, 9, 1), "2026-09-01"),
    ],
)
def test_cells(value: object, text: str) -> None:
    assert text_cell(value) == text
