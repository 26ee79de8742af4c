"""The knowledge bank's rules: proposing, curating, files, the audit trail, use counts."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import select

from learningpack.content import Package
from learningpack.domain import bank
from learningpack.domain.bank_files import (
    MAX_FILE_BYTES,
    BankRefused,
    check_file,
    detect_kind,
    download_name,
    stored_path,
)
from learningpack.domain.bank_index import reindex_all
from learningpack.domain.refusals import Refused
from learningpack.extensions import db
from learningpack.models import AuditEvent, ResourceCategory, ResourceStatus
from tests.helpers import sample_file
from tests.world import World, add_resource, make_world


@pytest.fixture
def world(package: Package) -> World:
    return make_world(package)


def folder() -> Path:
    return Path(current_app.config["BANK_UPLOAD_DIR"])


def draft(**overrides: object) -> bank.Draft:
    values: dict[str, object] = {
        "title": "Forældrekaffe",
        "category": ResourceCategory.PROCESSES,
        "body": "Vi inviterede til kaffe.",
    }
    values.update(overrides)
    return bank.Draft(**values)  # type: ignore[arg-type]


def verbs() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.verb).order_by(AuditEvent.id)))


def test_a_proposal_waits_for_puf_and_every_step_is_audited(world: World) -> None:
    resource = add_resource(world, published=False)
    assert resource.status == ResourceStatus.PROPOSED
    assert resource.source_school_id == world.school.id
    assert resource.module_slugs == [world.slug(2)] and resource.finding_keys == ["F2"]
    bank.reject(resource, reason="Skriv lidt mere om, hvad I så.", actor=world.puf)
    assert resource.status == ResourceStatus.REJECTED
    bank.publish(resource, actor=world.puf)
    assert resource.status == ResourceStatus.PUBLISHED and resource.rejection_reason == ""
    published_at = resource.published_at
    bank.unpublish(resource, actor=world.puf)
    bank.publish(resource, actor=world.puf)
    assert resource.published_at == published_at  # "newest" keeps its first publication
    bank.edit(resource, draft(modules=("faellesskab",)), actor=world.puf, upload_dir=folder())
    assert resource.title == "Forældrekaffe" and resource.module_slugs == ["faellesskab"]
    assert verbs()[-6:] == [
        "resource_proposed",
        "resource_rejected",
        "resource_published",
        "resource_unpublished",
        "resource_published",
        "resource_edited",
    ]
    edited = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert edited is not None and edited.school_id == world.school.id
    assert "title" in edited.detail["fields"] and "modules" in edited.detail["fields"]


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda r, w: bank.publish(r, actor=w.puf), "already_published"),
        (lambda r, w: bank.reject(r, reason="Nej.", actor=w.puf), "not_a_proposal"),
    ],
)
def test_a_published_resource_cannot_be_published_or_rejected(
    world: World, change: object, code: str
) -> None:
    resource = add_resource(world)
    with pytest.raises(BankRefused) as refused:
        change(resource, world)  # type: ignore[operator]
    assert refused.value.codes == [code]


def test_reject_needs_a_reason_and_unpublish_a_published_resource(world: World) -> None:
    resource = add_resource(world, published=False)
    with pytest.raises(BankRefused) as refused:
        bank.reject(resource, reason="  ", actor=world.puf)
    assert refused.value.codes == ["rejection_reason_missing"]
    with pytest.raises(BankRefused) as refused:
        bank.unpublish(resource, actor=world.puf)
    assert refused.value.codes == ["not_published"]


def test_puf_adds_outside_material_published_at_once(world: World) -> None:
    resource = bank.add_external(
        draft(link="https://skole-foraeldre.dk/materiale", source_name="Skole og Forældre"),
        actor=world.puf,
        upload_dir=folder(),
    )
    assert resource.status == ResourceStatus.PUBLISHED and resource.source_school_id is None
    assert verbs()[-1] == "resource_added"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"title": "  "}, "title_missing"),
        ({"body": "", "link": ""}, "resource_empty"),
        ({"link": "javascript:alert(1)"}, "url_invalid"),
        ({"link": "https://"}, "url_invalid"),
        ({"body": "Eleven 010203-1234 deltog."}, "personal_data"),
        ({"source_name": "0102031234"}, "personal_data"),
    ],
)
def test_a_resource_is_refused_with_a_code(world: World, fields: dict[str, str], code: str) -> None:
    with pytest.raises(Refused) as refused:
        bank.propose(
            draft(**fields), school_id=world.school.id, actor=world.leader, upload_dir=folder()
        )
    assert refused.value.codes == [code]


def zip_without_content_types() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize("kind", ["pdf", "docx", "pptx", "png", "jpeg"])
def test_files_are_known_by_their_content(kind: str) -> None:
    assert detect_kind(sample_file(kind)) == kind


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (b"", "tom.pdf", "file_empty"),
        (sample_file("html"), "faktura.pdf", "file_type"),  # an HTML page in disguise
        (sample_file("zip"), "dokument.docx", "file_type"),  # a ZIP, but not an Office file
        (zip_without_content_types(), "dokument.docx", "file_type"),
        (b"PK\x03\x04 not really a zip", "slides.pptx", "file_type"),
        (sample_file("png"), "billede.pdf", "file_mismatch"),
        (b"%PDF-" + b"x" * MAX_FILE_BYTES, "stor.pdf", "file_too_large"),
    ],
)
def test_files_that_are_not_what_they_claim_are_refused(data: bytes, name: str, code: str) -> None:
    with pytest.raises(BankRefused) as refused:
        check_file(data, name)
    assert refused.value.codes == [code]


def test_a_file_without_a_known_extension_gets_the_name_of_its_kind() -> None:
    kind = check_file(sample_file("pdf"), "referat")
    assert download_name("C:\\Mine filer\\referat<1>", kind) == "referat-1.pdf"
    assert download_name("...", kind) == "materiale.pdf"


def test_a_file_is_stored_outside_the_web_root_and_can_be_replaced_and_removed(
    world: World,
) -> None:
    upload = bank.Upload(sample_file("pdf"), "Dagsorden for forældremødet.pdf")
    resource = bank.propose(
        draft(body="", upload=upload),
        school_id=world.school.id,
        actor=world.leader,
        upload_dir=folder(),
    )
    path = stored_path(folder(), resource.file_key or "")
    assert path is not None and path.read_bytes() == upload.data
    assert "static" not in path.parts
    assert (resource.file_name, resource.file_type) == ("Dagsorden for forældremødet.pdf", "pdf")
    assert stored_path(folder(), "../../etc/passwd") is None
    with pytest.raises(BankRefused):  # nothing would be left to share
        bank.edit(resource, draft(body="", remove_file=True), actor=world.puf, upload_dir=folder())
    replaced = bank.Upload(sample_file("docx"), "referat.docx")
    bank.edit(resource, draft(body="", upload=replaced), actor=world.puf, upload_dir=folder())
    assert (resource.file_name, resource.file_type) == ("referat.docx", "docx")
    bank.edit(resource, draft(remove_file=True), actor=world.puf, upload_dir=folder())
    assert resource.file_key is None and resource.file_name == "" and resource.file_size == 0


def test_use_is_counted_only_for_published_resources(world: World) -> None:
    published = add_resource(world)
    waiting = add_resource(world, published=False, title="Et forslag")
    for _ in range(3):
        bank.count_use(published.id)
    bank.count_use(waiting.id)
    db.session.expire_all()
    assert (published.use_count, waiting.use_count) == (3, 0)


def test_the_search_index_can_be_rebuilt(world: World) -> None:
    add_resource(world)
    add_resource(world, title="Procesbeskrivelse")
    assert reindex_all() == 2
