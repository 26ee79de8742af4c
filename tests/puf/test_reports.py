"""PUF's progress page, the half-yearly report (pages, Word, PDF) and notes to schools."""

from __future__ import annotations

import io
import re
from datetime import date
from html import unescape

import pytest
from docx import Document
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import select

from learningpack.content import Package
from learningpack.extensions import db
from learningpack.models import AuditEvent, FollowUp, ReportDraft, ReportQuote, SchoolNote
from learningpack.reads.history import weekly
from tests.factories import login
from tests.helpers import BUDGET, count, count_queries, once_token, page_of
from tests.world import World, history_world

CPR = "010203-1234"


@pytest.fixture
def world(package: Package) -> World:
    return history_world(package)


def table_rows(page: str, table_id: str) -> list[list[str]]:
    """The cells of a table's body rows as text."""
    body = page.split(f'id="{table_id}"', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        [
            unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_the_progress_table_equals_the_snapshots(puf_client: FlaskClient, world: World) -> None:
    response = puf_client.get("/puf/udvikling?fra=2026-08-24&til=2026-09-30")
    assert response.status_code == 200
    page = page_of(response)
    assert 'id="progress-chart-title"' in page and "<polyline" in page
    rows = table_rows(page, "progress-table")
    weeks = weekly(date(2026, 8, 24), date(2026, 9, 30), [1, 2, 3, 4, 5])
    assert len(rows) == len(weeks)
    for row, week in zip(rows, weeks, strict=True):
        numbers = [int(v) for v in row[1:]]
        expected = [n for p in range(1, 6) for n in (week.in_progress[p], week.completed[p])]
        assert numbers == expected
    assert rows[-1][1:3] == ["1", "1"]  # module 1: one in progress, one completed


def test_the_progress_page_refuses_a_reversed_period(puf_client: FlaskClient) -> None:
    response = puf_client.get("/puf/udvikling?fra=2026-09-30&til=2026-09-01&omraade=Ukendt")
    assert response.status_code == 400
    page = page_of(response)
    assert "Slutdatoen skal ligge efter startdatoen." in page
    assert "findes ikke" in page


def make_report(client: FlaskClient, **data: object) -> ReportDraft:
    values = {"date_from": "2026-09-12", "date_to": "2026-09-30", "district": ""}
    values.update({k: str(v) for k, v in data.items()})
    response = client.post("/puf/rapporter", data=values)
    assert response.status_code == 302, page_of(response)
    db.session.expire_all()
    return db.session.scalars(select(ReportDraft).order_by(ReportDraft.id.desc())).first()


def test_a_report_is_made_saved_and_refused_with_bad_input(
    puf_client: FlaskClient, world: World
) -> None:
    assert puf_client.get("/puf/rapporter").status_code == 200
    bad = puf_client.post("/puf/rapporter", data={"date_from": "2026-09-30", "date_to": "x"})
    assert bad.status_code == 400
    assert "Vælg periodens sidste dag." in page_of(bad)
    draft = make_report(puf_client, name_stalled="y")
    assert draft.name_stalled and draft.period_to == date(2026, 9, 30)
    url = f"/puf/rapporter/{draft.id}"
    puf_client.get(url)
    with count_queries() as statements:
        page = page_of(puf_client.get(url))
    assert len(statements) <= BUDGET, statements
    assert "Halvårlig afrapportering" in page and "report-modules" in page
    again = puf_client.post(
        f"/puf/rapporter/{draft.id}",
        data={"date_from": "2026-10-01", "date_to": "2026-09-01", "district": ""},
    )
    assert again.status_code == 400
    assert "Slutdatoen skal ligge efter startdatoen." in page_of(again)
    saved = puf_client.post(
        f"/puf/rapporter/{draft.id}",
        data={"date_from": "2026-07-01", "date_to": "2026-12-31", "district": ""},
    )
    assert saved.status_code == 302
    assert db.session.get(ReportDraft, draft.id).period_from == date(2026, 7, 1)
    assert puf_client.get("/puf/rapporter/999999").status_code == 404


def test_practice_examples_are_picked_edited_guarded_and_removed(
    puf_client: FlaskClient, world: World
) -> None:
    draft = make_report(puf_client)
    follow_up_id = db.session.scalars(
        select(FollowUp.id).where(FollowUp.learning == "For tungt.")
    ).one()
    page = page_of(puf_client.get(f"/puf/rapporter/{draft.id}"))
    assert "For tungt." in page and "Tag med i rapporten" in page
    assert puf_client.post(f"/puf/rapporter/{draft.id}/eksempler", data={}).status_code == 302
    assert (
        puf_client.post(
            f"/puf/rapporter/{draft.id}/eksempler", data={"follow_up_id": "424242"}
        ).status_code
        == 302
    )
    response = puf_client.post(
        f"/puf/rapporter/{draft.id}/eksempler", data={"follow_up_id": str(follow_up_id)}
    )
    assert response.status_code == 302
    (quote,) = db.session.scalars(select(ReportQuote)).all()
    assert (quote.text, quote.school_name) == ("For tungt.", "Kildeskolen")
    url = f"/puf/rapporter/{draft.id}/eksempler/{quote.id}"
    field = f"q{quote.id}-text"
    refused = puf_client.post(url, data={field: f"Barnet {CPR} var glad."})
    assert refused.status_code == 400
    assert "CPR-nummer" in page_of(refused) and CPR in page_of(refused)  # re-rendered
    assert puf_client.post(url, data={field: "Forældrebrevet var for tungt."}).status_code == 302
    db.session.expire_all()
    assert db.session.get(ReportQuote, quote.id).text == "Forældrebrevet var for tungt."
    assert puf_client.post(f"/puf/rapporter/{draft.id}/eksempler/999", data={}).status_code == 404
    assert puf_client.post(url, data={"fjern": "1"}).status_code == 302
    assert count(ReportQuote) == 0
    verbs = set(db.session.scalars(select(AuditEvent.verb)))
    assert {"report_saved", "report_quote_added", "report_quote_edited"} <= verbs


def report_with_quote(client: FlaskClient) -> ReportDraft:
    draft = make_report(client, name_stalled="y")
    draft.quotes.append(
        ReportQuote(school_name="Kildeskolen", module_slug="x", text="Kaffen samler forældrene.")
    )
    db.session.commit()
    return draft


def test_the_word_report_holds_headings_numbers_and_the_chart(
    puf_client: FlaskClient, world: World
) -> None:
    draft = report_with_quote(puf_client)
    response = puf_client.get(f"/puf/rapporter/{draft.id}/rapport.docx")
    assert response.status_code == 200
    assert response.mimetype.endswith("wordprocessingml.document")
    document = Document(io.BytesIO(response.data))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [
        "Overblik",
        "Moduler: i gang og afsluttet",
        "Udvikling over tid",
        "Beholde, justere eller stoppe",
        "Skoler, der er gået i stå",
        "Eksempler fra praksis",
        "Bilag: data",
    ]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "2 af 2 skoler har startet" in text
    assert "»Kaffen samler forældrene.«" in text
    assert len(document.inline_shapes) == 1  # the chart
    modules = document.tables[1]
    first = [c.text for c in modules.rows[1].cells]
    assert first[1:] == ["1", "−1", "1", "+1"]
    outcomes = [c.text for c in document.tables[2].rows[1].cells]
    assert outcomes[1:] == ["2", "2", "1", "0", "1"]
    assert len(document.tables[3].rows) == 1 + 4  # the appendix: header + four weeks' ends
    assert count(AuditEvent, AuditEvent.verb == "report_downloaded") == 1


def test_the_pdf_report_holds_the_same_numbers(puf_client: FlaskClient, world: World) -> None:
    draft = report_with_quote(puf_client)
    response = puf_client.get(f"/puf/rapporter/{draft.id}/rapport.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    text = " ".join(page.extract_text() for page in reader.pages)
    text = re.sub(r"\s+", " ", text)
    assert "2 af 2 skoler har startet" in text
    assert "1. Forældresamarbejde" in text or "1." in text
    assert "Bilag: data" in text and "Kaffen samler forældrene." in text
    assert "−1" in text and "+1" in text


# ---------------------------------------------------------------------------------------------
# Notes between PUF and a school


def test_puf_writes_a_note_and_only_that_schools_leaders_see_and_answer_it(
    client: FlaskClient, world: World
) -> None:
    login(client, world.puf)
    url = f"/puf/skoler/{world.school.id}/noter"
    refused = client.post(url, data={"text": f"Om {CPR}"})
    assert refused.status_code == 400 and "CPR-nummer" in page_of(refused)
    assert client.post(url, data={"text": "Flot arbejde med forældrekaffen!"}).status_code == 302
    assert "Flot arbejde med forældrekaffen!" in page_of(
        client.get(f"/puf/skoler/{world.school.id}")
    )
    other = page_of(client.get(f"/puf/skoler/{world.other_school.id}"))
    assert "Flot arbejde" not in other
    client.post("/logout")

    login(client, world.leader)
    home = page_of(client.get("/skole/"))
    assert "Flot arbejde med forældrekaffen!" in home
    assert client.post("/skole/beskeder", data={"text": ""}).status_code == 400
    assert client.post("/skole/beskeder", data={"text": "Tak! Vi fortsætter."}).status_code == 302
    client.post("/logout")

    login(client, world.teacher)
    assert "Flot arbejde" not in page_of(client.get("/skole/"))
    client.post("/logout")

    login(client, world.other_leader)
    theirs = page_of(client.get("/skole/"))
    assert "Flot arbejde" not in theirs and "Tak! Vi fortsætter." not in theirs
    client.post("/logout")

    login(client, world.puf)
    assert "Tak! Vi fortsætter." in page_of(client.get(f"/puf/skoler/{world.school.id}"))
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.verb == "note_written").order_by(AuditEvent.id)
    ).all()
    assert [(e.actor_id, e.school_id) for e in events] == [
        (world.puf.id, world.school.id),
        (world.leader.id, world.school.id),
    ]


ONCE = re.compile(
    r'name="once" type="hidden" value="([^"]+)"|type="hidden" name="once" value="([^"]+)"'
)


def _once(page: str) -> str:
    found = ONCE.search(page)
    assert found, "the note form carries a one-time token"
    return found.group(1) or found.group(2)


def _notes() -> list[str]:
    db.session.expire_all()
    return [n.text for n in db.session.scalars(select(SchoolNote).order_by(SchoolNote.id))]


def test_a_note_sent_again_with_back_is_saved_once(client: FlaskClient, world: World) -> None:
    """Back + send again re-posts the page's token: PUF's note and the leader's answer each
    arrive once, and the second send says so."""
    login(client, world.puf)
    school_url = f"/puf/skoler/{world.school.id}"
    token = once_token(page_of(client.get(school_url)))
    data = {"text": "Spændende forældrekaffe!", "once": token}
    assert client.post(f"{school_url}/noter", data=data).status_code == 302
    again = client.post(f"{school_url}/noter", data=data, follow_redirects=True)
    assert "kun sendt én gang" in page_of(again)
    client.post("/logout")

    login(client, world.leader)
    token = once_token(page_of(client.get("/skole/")))
    answer = {"text": "Tak, vi fortsætter.", "once": token}
    assert client.post("/skole/beskeder", data=answer).status_code == 302
    again = client.post("/skole/beskeder", data=answer, follow_redirects=True)
    assert "kun sendt én gang" in page_of(again)
    assert _notes().count("Spændende forældrekaffe!") == 1
    assert _notes().count("Tak, vi fortsætter.") == 1


def test_a_report_made_again_with_back_is_made_once(puf_client: FlaskClient, world: World) -> None:
    token = once_token(page_of(puf_client.get("/puf/rapporter")))
    values = {"date_from": "2026-09-12", "date_to": "2026-09-30", "district": "", "once": token}
    assert puf_client.post("/puf/rapporter", data=values).status_code == 302
    again = puf_client.post("/puf/rapporter", data=values, follow_redirects=True)
    assert "rapporten er kun oprettet én gang" in page_of(again)
    assert count(ReportDraft) == 1
