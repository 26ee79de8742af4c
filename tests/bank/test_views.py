"""The knowledge bank's pages: proposing (plain and from the school's practice), uploads checked
by content and served as attachments, PUF's curation, and what each school sees."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from learningpack.content import Package
from learningpack.domain.bank_files import MAX_FILE_BYTES
from learningpack.extensions import db
from learningpack.models import AuditEvent, Outcome, Resource, ResourceStatus
from tests.factories import login
from tests.helpers import page_of, sample_file
from tests.world import (
    World,
    add_action,
    add_follow_up,
    add_log,
    add_resource,
    add_summary,
    agree,
    make_world,
    module_url,
)


@pytest.fixture
def world(package: Package) -> World:
    return make_world(package, other_started=True)


def form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Forældremøderne i 0. klasse",
        "category": "parent_meetings",
        "body": "Sådan holdt vi forældremøderne om fællesskabet.",
        "modules": ["foraeldremoeder"],
        "findings": ["F2"],
    }
    data.update(overrides)
    return data


def upload(data: bytes, name: str) -> tuple[io.BytesIO, str]:
    return io.BytesIO(data), name


def another_client(client: FlaskClient, user: Any) -> FlaskClient:
    """A second browser, logged in as someone else."""
    other = client.application.test_client()
    login(other, user)
    return other


def bank_upload() -> Any:
    from learningpack.domain.bank import Upload

    return Upload(sample_file("pdf"), "referat.pdf")


def newest() -> Resource:
    found = db.session.scalars(select(Resource).order_by(Resource.id.desc())).first()
    assert found is not None
    return found


def test_a_leader_proposes_a_link_and_sees_it_waiting(client: FlaskClient, world: World) -> None:
    login(client, world.leader)
    assert "Foreslå til videndelingsbanken" in page_of(client.get("/videnbank/foreslaa"))
    response = client.post(
        "/videnbank/foreslaa", data=form(body="", link="https://example.org/dagsorden")
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/vores-forslag")
    resource = newest()
    assert (resource.status, resource.source_school_id) == (
        ResourceStatus.PROPOSED,
        world.school.id,
    )
    page = page_of(client.get("/videnbank/vores-forslag"))
    assert "Forældremøderne i 0. klasse" in page and "Venter på PUF" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "Giv materialet en titel."),
        ({"body": "", "link": ""}, "Skriv en beskrivelse, giv et link eller vedhæft en fil."),
        ({"link": "ftp://example.org"}, "begynder med https://"),
        ({"body": "Barnet 010203-1234 kom."}, "CPR-nummer"),
        ({"title": "Barnet 0102031234"}, "CPR-nummer"),
        ({"category": "andet"}, "Vælg en af mulighederne på listen."),
        ({"modules": ["ukendt"]}, "findes ikke længere på listen"),
    ],
)
def test_a_bad_proposal_is_shown_again_with_a_danish_message(
    client: FlaskClient, world: World, overrides: dict[str, Any], message: str
) -> None:
    login(client, world.leader)
    response = client.post("/videnbank/foreslaa", data=form(**overrides))
    assert response.status_code == 400
    page = page_of(response)
    assert message in page
    assert db.session.scalar(select(db.func.count(Resource.id))) == 0


def test_a_pdf_is_uploaded_and_downloaded_as_an_attachment(
    client: FlaskClient, world: World
) -> None:
    login(client, world.leader)
    data = form(body="", upload=upload(sample_file("pdf"), "Dagsorden forældremøde.pdf"))
    assert client.post("/videnbank/foreslaa", data=data).status_code == 302
    resource = newest()
    assert resource.file_type == "pdf" and resource.file_size == len(sample_file("pdf"))
    download = client.get(f"/videnbank/{resource.id}/fil")
    assert download.status_code == 200 and download.data == sample_file("pdf")
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "Dagsorden" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in download.headers["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (sample_file("html"), "faktura.pdf", "hverken PDF, Word"),
        (sample_file("png"), "billede.pdf", "passer ikke til navnet (.pdf)"),
        (sample_file("zip"), "referat.docx", "hverken PDF, Word"),
        (b"", "tom.pdf", "Filen er tom."),
    ],
)
def test_a_disguised_file_is_refused_with_a_clear_message(
    client: FlaskClient, world: World, data: bytes, name: str, message: str
) -> None:
    login(client, world.leader)
    response = client.post("/videnbank/foreslaa", data=form(upload=upload(data, name)))
    assert response.status_code == 400
    assert message in page_of(response)
    assert db.session.scalar(select(db.func.count(Resource.id))) == 0


def in_memory(data: dict[str, Any]) -> dict[str, Any]:
    """A large multipart body built in memory (the test client would spool it to a temporary
    file it never closes)."""
    boundary, body = encode_multipart(
        MultiDict(
            [
                (k, FileStorage(*v) if isinstance(v, tuple) else v)
                for k, values in data.items()
                for v in (values if isinstance(values, list) else [values])
            ]
        )
    )
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


def test_a_file_over_the_limit_is_refused_in_danish(client: FlaskClient, world: World) -> None:
    login(client, world.leader)
    big = b"%PDF-" + b"0" * MAX_FILE_BYTES
    response = client.post("/videnbank/foreslaa", **in_memory(form(upload=upload(big, "stor.pdf"))))
    assert response.status_code == 400
    assert "Filen er for stor. Den må højst fylde 10 MB." in page_of(response)
    huge = b"%PDF-" + b"0" * (MAX_FILE_BYTES + 2 * 1024 * 1024)
    response = client.post(
        "/videnbank/foreslaa", **in_memory(form(upload=upload(huge, "stor.pdf")))
    )
    assert response.status_code == 413
    assert "Filen er for stor. Den må højst fylde 10 MB." in page_of(response)
    # Elsewhere the app's own (smaller) limit holds.
    assert client.post("/skole/start", data={"x": "0" * (3 * 1024 * 1024)}).status_code == 413


def test_one_click_from_a_follow_up_prefills_the_proposal(
    client: FlaskClient, world: World
) -> None:
    cycle = world.cycle(1)
    action = add_action(cycle, world, title="Forældrekaffe i indskolingen")
    add_log(action, world, observation="Forældrene blev hængende og talte sammen.")
    add_follow_up(action, world, Outcome.KEEP)
    login(client, world.leader)
    module_page = page_of(client.get(module_url(world, 1)))
    assert f"/videnbank/foreslaa?aktion={action.id}" in module_page
    page = page_of(client.get(f"/videnbank/foreslaa?aktion={action.id}"))
    assert 'value="Forældrekaffe i indskolingen"' in page
    assert "Det gjorde vi:\nVi inviterer forældre til kaffe hver fredag." in page
    assert "Det så vi:\nForældrene blev hængende og talte sammen." in page
    assert "Det fastholder vi:\nFasthold: Det virker." in page
    assert re.search(r'<input checked[^>]*value="faellesskab"', page)
    # Another school's action: not found.
    theirs = agree(world.cycle(1, world.other_run), world.other_leader, "Fjordens aktion")
    assert client.get(f"/videnbank/foreslaa?aktion={theirs.id}").status_code == 404


def test_one_click_from_the_module_summary(client: FlaskClient, world: World) -> None:
    cycle = world.cycle(1)
    add_action(cycle, world, title="Forældrekaffe")
    add_summary(cycle)
    login(client, world.leader)
    assert f"/videnbank/foreslaa?modul={world.slug(1)}" in page_of(client.get(module_url(world, 1)))
    page = page_of(client.get(f"/videnbank/foreslaa?modul={world.slug(1)}"))
    assert "Erfaringer fra modulet" in page
    assert "– Forældrekaffe" in page and "Små tiltag virker." in page
    assert client.get("/videnbank/foreslaa?modul=ukendt-modul").status_code == 404
    # A teacher reads the module page without the propose links.
    teacher = another_client(client, world.teacher)
    assert "/videnbank/foreslaa" not in page_of(teacher.get(module_url(world, 1)))


def test_puf_curates_and_the_school_sees_the_reason(client: FlaskClient, world: World) -> None:
    waiting = add_resource(world, published=False, title="Forslag om forældreråd")
    rejected = add_resource(world, published=False, title="Et tyndt forslag")
    login(client, world.puf)
    curation = page_of(client.get("/videnbank/kuratering"))
    assert "Forslag om forældreråd" in curation and "Et tyndt forslag" in curation
    assert client.post(f"/videnbank/{waiting.id}/udgiv").status_code == 302
    response = client.post(
        f"/videnbank/{rejected.id}/afvis", data={"reason": "Beskriv, hvad I så hos forældrene."}
    )
    assert response.status_code == 302
    edit = client.post(
        f"/videnbank/{waiting.id}/rediger",
        data=form(title="Forældrerådets årshjul", source_name=""),
    )
    assert edit.status_code == 302
    assert client.post(f"/videnbank/{waiting.id}/tilbagetraek").status_code == 302
    assert client.post(f"/videnbank/{waiting.id}/tilbagetraek").status_code == 302  # refused
    assert client.post(f"/videnbank/{waiting.id}/udgiv").status_code == 302
    db.session.expire_all()
    assert waiting.status == ResourceStatus.PUBLISHED and waiting.title == "Forældrerådets årshjul"
    assert rejected.status == ResourceStatus.REJECTED
    assert page_of(client.get("/videnbank/kuratering?status=all&q=årshjul")).count(
        "Forældrerådets årshjul"
    )
    teacher = another_client(client, world.teacher)
    proposals = page_of(teacher.get("/videnbank/vores-forslag"))
    assert "Beskriv, hvad I så hos forældrene." in proposals and "Afvist" in proposals
    assert "Beskriv, hvad I så hos forældrene." in page_of(teacher.get(f"/videnbank/{rejected.id}"))
    # The audit log shows every step in Danish.
    log = page_of(client.get("/puf/revisionslog/"))
    for verb in (
        "Materiale foreslået til videndelingsbanken",
        "Materiale udgivet i videndelingsbanken",
        "Forslag til videndelingsbanken afvist",
        "Materiale i videndelingsbanken redigeret",
        "Materiale trukket tilbage fra videndelingsbanken",
    ):
        assert verb in log
    verbs = set(db.session.scalars(select(AuditEvent.verb)))
    assert {"resource_rejected", "resource_edited", "resource_unpublished"} <= verbs


def test_puf_adds_outside_material_and_a_bad_one_is_kept(client: FlaskClient, world: World) -> None:
    login(client, world.puf)
    assert client.get("/videnbank/ny").status_code == 200
    response = client.post(
        "/videnbank/ny",
        data=form(link="javascript:alert(1)", source_name="Skole og Forældre"),
    )
    assert response.status_code == 400 and 'value="Skole og Forældre"' in page_of(response)
    response = client.post(
        "/videnbank/ny",
        data=form(
            upload=upload(sample_file("pptx"), "slides.pptx"), source_name="Skole og Forældre"
        ),
    )
    assert response.status_code == 302
    added = newest()
    assert added.status == ResourceStatus.PUBLISHED and added.file_type == "pptx"
    page = page_of(client.get(f"/videnbank/{added.id}"))
    assert "Fra Skole og Forældre" in page and "Hent slides.pptx" in page
    reject = client.post(f"/videnbank/{added.id}/afvis", data={"reason": "Nej."})
    assert reject.status_code == 302  # only a proposal can be rejected: a flash
    assert client.get(f"/videnbank/{added.id}/afvis").status_code == 200
    assert client.get("/videnbank/10000/rediger").status_code == 404


def test_another_school_never_sees_a_proposal_but_finds_it_published(
    client: FlaskClient, world: World
) -> None:
    resource = add_resource(world, published=False, title="Forældremøderne med kaffe")
    login(client, world.other_teacher)
    assert client.get(f"/videnbank/{resource.id}").status_code == 404
    assert "Forældremøderne med kaffe" not in page_of(client.get("/videnbank/?q=forældremøde"))
    assert "Forældremøderne med kaffe" not in page_of(client.get("/videnbank/vores-forslag"))
    from learningpack.domain import bank

    bank.publish(resource, actor=world.puf)
    page = page_of(client.get("/videnbank/?q=forældremøde&modul=foraeldremoeder&fund=F2"))
    assert "Forældremøderne med kaffe" in page
    assert "Forældremøderne med kaffe" in page_of(client.get(module_url(world, 2)))
    detail = client.get(f"/videnbank/{resource.id}")
    assert detail.status_code == 200 and "Venter på PUF" not in page_of(detail)
    db.session.expire_all()
    assert resource.use_count == 1


def test_the_module_page_shows_the_modules_published_resources(
    client: FlaskClient, world: World
) -> None:
    add_resource(world, title="Slides til forældremødet", modules=(world.slug(1),))
    add_resource(world, title="Endnu ikke udgivet", modules=(world.slug(1),), published=False)
    login(client, world.teacher)
    page = page_of(client.get(module_url(world, 1)))
    assert "Fra videndelingsbanken" in page and "Slides til forældremødet" in page
    assert "Endnu ikke udgivet" not in page


def test_a_bad_search_is_shown_with_a_message(client: FlaskClient, world: World) -> None:
    login(client, world.teacher)
    response = client.get("/videnbank/?kategori=andet&side=0")
    assert response.status_code == 400
    assert "Søgningen kunne ikke udføres" in page_of(response)
    assert client.get("/videnbank/?sortering=most_used&side=3").status_code == 200


def test_lists_of_more_than_a_page(client: FlaskClient, world: World) -> None:
    for n in range(21):
        add_resource(world, title=f"Forældremøde nr. {n}", published=n % 2 == 0)
    login(client, world.leader)
    search = page_of(client.get("/videnbank/?q=forældremøde"))
    assert "Side 1 af 1" not in search and "Viser 1–11 af 11 materialer." in search
    proposals = page_of(client.get("/videnbank/vores-forslag"))
    assert "Side 1 af 2" in proposals and "/videnbank/vores-forslag?side=2" in proposals
    puf = another_client(client, world.puf)
    curation = page_of(puf.get("/videnbank/kuratering?status=all"))
    assert "Side 1 af 2" in curation and "side=2" in curation
    assert puf.get("/videnbank/kuratering?status=ukendt").status_code == 400
    for n in range(10):
        add_resource(world, title=f"Mere om forældremøder {n}")
    assert "side=2" in page_of(client.get("/videnbank/?q=forældremøde"))


def test_puf_edits_and_a_bad_edit_is_kept(client: FlaskClient, world: World) -> None:
    resource = add_resource(world)
    login(client, world.puf)
    response = client.post(f"/videnbank/{resource.id}/rediger", data=form(title=""))
    assert response.status_code == 400 and "Giv materialet en titel." in page_of(response)
    response = client.post(
        f"/videnbank/{resource.id}/rediger",
        data=form(title="Nyt navn", upload=upload(sample_file("html"), "side.pdf")),
    )
    assert response.status_code == 400 and 'value="Nyt navn"' in page_of(response)
    assert "hverken PDF, Word" in page_of(response)
    db.session.expire_all()
    assert resource.title == "Dagsorden til forældremøderne i 0. klasse"


def test_a_form_sent_twice_proposes_once(client: FlaskClient, world: World) -> None:
    login(client, world.leader)
    data = form(once="en-engangsnoegle-til-formularen")
    assert client.post("/videnbank/foreslaa", data=data).status_code == 302
    again = client.post("/videnbank/foreslaa", data=data, follow_redirects=True)
    assert "kun sendt én gang" in page_of(again)
    assert db.session.scalar(select(db.func.count(Resource.id))) == 1
    puf = another_client(client, world.puf)
    data = form(once="en-anden-engangsnoegle-til-formularen")
    assert puf.post("/videnbank/ny", data=data).status_code == 302
    again = puf.post("/videnbank/ny", data=data, follow_redirects=True)
    assert "kun lagt i banken én gang" in page_of(again)
    assert db.session.scalar(select(db.func.count(Resource.id))) == 2


def test_a_file_missing_on_disk_answers_404(client: FlaskClient, world: World) -> None:
    resource = add_resource(world, upload=bank_upload())
    path = Path(client.application.config["BANK_UPLOAD_DIR"]) / str(resource.file_key)
    path.unlink()
    login(client, world.teacher)
    assert client.get(f"/videnbank/{resource.id}/fil").status_code == 404
    no_file = add_resource(world, title="Uden fil")
    assert client.get(f"/videnbank/{no_file.id}/fil").status_code == 404


def test_puf_opening_a_resource_is_not_a_use(client: FlaskClient, world: World) -> None:
    resource = add_resource(world, upload=bank_upload())
    login(client, world.puf)
    assert client.get(f"/videnbank/{resource.id}").status_code == 200
    assert client.get(f"/videnbank/{resource.id}/fil").status_code == 200
    teacher = another_client(client, world.other_teacher)
    assert teacher.get(f"/videnbank/{resource.id}/fil").status_code == 200
    db.session.expire_all()
    assert resource.use_count == 1
