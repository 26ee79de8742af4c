"""PUF's exports: CSV for Danish Excel and XLSX, with the page's filters, guarded, audited."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select

from learningpack.content import Package
from learningpack.extensions import db
from learningpack.models import AuditEvent
from learningpack.output.tables import csv_bytes, csv_lines, guard, text_cell
from tests.factories import SchoolFactory
from tests.world import World, digest_world

# The exports run the overview and digest queries: on both databases.
pytestmark = pytest.mark.both_backends


@pytest.fixture
def world(package: Package) -> World:
    """The digest's four schools (see ``digest_world``)."""
    return digest_world(package)


BOM = b"\xef\xbb\xbf"


def read_csv(body: bytes, *, one_line_cells: bool = True) -> list[list[str]]:
    assert body.startswith(BOM)
    text = body[len(BOM) :].decode("utf-8")
    assert text.endswith("\r\n")
    if one_line_cells:  # then every line ends in CRLF
        assert "\n" not in text.replace("\r\n", "")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def read_xlsx(body: bytes) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(body), read_only=True).active
    assert sheet is not None
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def exports(verb_what: str) -> list[AuditEvent]:
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.verb == "export")).all()
    return [e for e in events if e.detail.get("what") == verb_what]


@pytest.mark.parametrize(
    "value",
    ["=1+2", "+45 1234", "-3", "@SUM(A1)", "\tx", "\rx"],
)
def test_guard_defuses_formulas(value: str) -> None:
    assert guard(value) == "'" + value
    assert guard("Skole = god") == "Skole = god" and guard(-3) == -3


def test_csv_lines_quote_delimiters_and_line_breaks() -> None:
    body = b"".join(csv_lines(["a", "b"], [["x;y", 'sagde "hej"\nfarvel'], [1, None]]))
    assert read_csv(body, one_line_cells=False) == [
        ["a", "b"],
        ["x;y", 'sagde "hej"\nfarvel'],
        ["1", ""],
    ]


def test_one_cell_format_for_every_csv() -> None:
    """PUF's exports and a school's data export share one writer: one date format, ja/nej."""
    moment = datetime(2026, 9, 1, 10, 30, 5, tzinfo=ZoneInfo("Europe/Copenhagen"))
    assert text_cell(moment) == "2026-09-01T08:30:05+00:00"
    assert text_cell(date(2026, 9, 1)) == "2026-09-01"
    assert (text_cell(True), text_cell(False), text_cell(None), text_cell(0)) == (
        "ja",
        "nej",
        "",
        "0",
    )
    rows = [[moment, True, "=1+1"]]
    assert csv_bytes(["a", "b", "c"], rows) == b"".join(csv_lines(["a", "b", "c"], rows))
    assert read_csv(csv_bytes(["a"], [[moment]])) == [["a"], ["2026-09-01T08:30:05+00:00"]]


def test_overview_csv_has_every_school_and_module(
    puf_client: FlaskClient,
) -> None:
    SchoolFactory(name='=HYPERLINK("x") Skole', district="Øst")
    response = puf_client.get("/puf/oversigt.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = read_csv(response.data)
    assert rows[0][:5] == ["Skole", "Område", "Modul nr.", "Modul", "Status"]
    body = rows[1:]
    assert len(body) == 5 * 5  # five schools, one row per module
    schools = list(dict.fromkeys(r[0] for r in body))
    # Danish order ("=" before letters); the formula is defused with an apostrophe.
    assert schools == [
        '\'=HYPERLINK("x") Skole',
        "Anker Skole",
        "Fjordskolen",
        "Kildeskolen",
        "Åby Skole",
    ]
    kilde = [r for r in body if r[0] == "Kildeskolen"]
    assert [r[4] for r in kilde] == ["Afsluttet", "Videnoplæg og drøftelse", "Låst", "Låst", "Låst"]
    # Actions, done (the status follows the follow-up), sessions, logs (the owner's and the
    # observer's), follow-ups.
    assert kilde[0][5:10] == ["1", "1", "1", "2", "1"]
    assert [r[4] for r in body if r[0] == "Anker Skole"] == ["Ikke startet"] * 5
    [event] = exports("overview")
    assert event.detail["format"] == "csv" and event.detail["rows"] == 25
    assert event.detail["filters"]["district"] == ""


def test_overview_export_keeps_the_filters(puf_client: FlaskClient) -> None:
    rows = read_csv(puf_client.get("/puf/oversigt.csv?omraade=Syd&modul=faellesskab").data)[1:]
    assert [r[0] for r in rows] == ["Fjordskolen", "Åby Skole"]
    assert {r[2] for r in rows} == {"1"}
    [event] = exports("overview")
    assert event.detail["filters"]["district"] == "Syd"
    assert event.detail["filters"]["module"] == "faellesskab"


def test_overview_xlsx(puf_client: FlaskClient) -> None:
    SchoolFactory(name="@Skole", district="Øst")
    response = puf_client.get("/puf/oversigt.xlsx?status=completed")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    rows = read_xlsx(response.data)
    assert rows[0][0] == "Skole" and rows[0][4] == "Status"
    assert [r[0] for r in rows[1:]] == ["Kildeskolen"] * 5
    assert rows[1][5] == 1 and isinstance(rows[1][5], int)  # numbers stay numbers
    everyone = read_xlsx(puf_client.get("/puf/oversigt.xlsx").data)
    assert "'@Skole" in {r[0] for r in everyone}
    assert [e.detail["format"] for e in exports("overview")] == ["xlsx", "xlsx"]


def test_invalid_filter_exports_nothing(puf_client: FlaskClient) -> None:
    response = puf_client.get("/puf/oversigt.csv?dage=abc")
    assert response.status_code == 400
    assert "Et filter kunne ikke bruges" in response.get_data(as_text=True)
    assert exports("overview") == []


def test_digest_csv_and_xlsx(puf_client: FlaskClient) -> None:
    rows = read_csv(puf_client.get("/puf/laering.csv?omraade=Syd").data)
    assert rows[0] == [
        "Skole",
        "Område",
        "Modul",
        "Slags",
        "Aktion",
        "Udfald",
        "Læring",
        "Fastholder",
        "Næste skridt",
        "Dato",
        "Forventet",
        "Forventet og set",
    ]
    assert [(r[0], r[3]) for r in rows[1:]] == [
        ("Fjordskolen", "Opsamling på aktion"),
        ("Fjordskolen", "Teamets refleksion"),
        ("Fjordskolen", "Modulets opsamling"),
        ("Åby Skole", "Opsamling på aktion"),
        ("Åby Skole", "Teamets refleksion"),
        ("Åby Skole", "Modulets opsamling"),
    ]
    assert rows[4][5] == "Stop" and rows[4][6] == '\'=HYPERLINK("http://evil")'
    assert rows[1][10:12] == ["Flere forældre svarer og spørger ind til klassen.", "Som ventet."]
    assert rows[2][4] == "Mellemtrinnet" and rows[2][6] == "Lidt flere svar end forventet."
    assert rows[3][6:9] == ["Meget.", "Beskederne.", "Modul 2."]
    workbook = read_xlsx(puf_client.get("/puf/laering.xlsx").data)
    assert len(workbook) == 1 + 9
    assert workbook[7][6] == '\'=HYPERLINK("http://evil")'
    events = exports("digest")
    assert [(e.detail["format"], e.detail["filters"]["district"]) for e in events] == [
        ("csv", "Syd"),
        ("xlsx", ""),
    ]
    assert all(
        e.actor_id is not None and e.detail["filters"]["module"] == "faellesskab" for e in events
    )
