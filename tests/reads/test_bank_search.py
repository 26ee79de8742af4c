"""The knowledge bank's search understands Danish, on SQLite (FTS5 + Snowball) and PostgreSQL
(to_tsvector('danish') with a GIN index) alike; filters, sorting and scoping are SQL too."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.dialects import postgresql

from learningpack.content import Package
from learningpack.domain import bank
from learningpack.domain.search_text import fts5_match, query_words, stems, tsquery
from learningpack.extensions import db
from learningpack.models import Resource, ResourceCategory, ResourceStatus
from learningpack.reads.bank import (
    BankQuery,
    BankSort,
    curation_list,
    matches,
    module_resources,
    school_proposals,
    search_published,
    visible_resource,
)
from tests.world import World, add_resource, make_world

pytestmark = pytest.mark.both_backends


@pytest.fixture
def world(package: Package) -> World:
    w = make_world(package)
    add_resource(w, title="Forældremøderne i indskolingen", body="Dagsorden og slides.")
    add_resource(
        w,
        title="Forældrerådets første møde",
        body="Inspiration til forældrerådet.",
        category=ResourceCategory.PARENT_COUNCILS,
        modules=(w.slug(1),),
        findings=("F1",),
    )
    add_resource(w, title="Forældremøde-forslag, der venter", published=False)
    add_resource(
        w,
        by=w.other_leader,
        title="Fjordskolens procesbeskrivelse",
        body="Trin for trin.",
        category=ResourceCategory.PROCESSES,
        modules=(),
        findings=(),
    )
    return w


def titles(query: BankQuery) -> list[str]:
    return [r.title for r in search_published(query).items]


@pytest.mark.parametrize(
    ("search", "found"),
    [
        ("forældremøde", ["Forældremøderne i indskolingen"]),
        ("Forældremøder", ["Forældremøderne i indskolingen"]),
        ("forældrerådene", ["Forældrerådets første møde"]),
        ("procesbeskrivelser", ["Fjordskolens procesbeskrivelse"]),
        ("og i forældremøderne", ["Forældremøderne i indskolingen"]),  # stop words ignored
        ("slides forældremøde", ["Forældremøderne i indskolingen"]),
        ("slides forældreråd", []),  # every word must match
        ("'; DROP TABLE resource; --", []),
    ],
)
def test_search_finds_danish_word_forms_only_among_published(
    world: World, search: str, found: list[str]
) -> None:
    assert titles(BankQuery(text=search)) == found


def test_an_empty_or_stop_word_search_lists_everything_published(world: World) -> None:
    assert len(titles(BankQuery(text="og i"))) == 3
    assert len(titles(BankQuery())) == 3


def test_filters_by_category_module_and_finding(world: World) -> None:
    assert titles(BankQuery(category=ResourceCategory.PARENT_COUNCILS)) == [
        "Forældrerådets første møde"
    ]
    assert titles(BankQuery(module=world.slug(2))) == ["Forældremøderne i indskolingen"]
    assert titles(BankQuery(finding="F1")) == ["Forældrerådets første møde"]
    assert titles(BankQuery(finding="F1", text="forældremøde")) == []


def test_newest_first_or_most_used_first(world: World) -> None:
    newest = titles(BankQuery())
    assert newest[0] == "Fjordskolens procesbeskrivelse"
    used = search_published(BankQuery(text="forældremøde")).items[0]
    for _ in range(2):
        bank.count_use(used.id)
    db.session.commit()
    assert titles(BankQuery(sort=BankSort.MOST_USED))[0] == used.title


def test_pages_of_results(world: World) -> None:
    for n in range(21):
        add_resource(world, title=f"Relevant viden {n}", modules=(), findings=())
    first = search_published(BankQuery(text="relevant viden"))
    assert (first.total, len(first.items), first.pages) == (21, 20, 2)
    assert len(search_published(BankQuery(text="relevant viden", page=2)).items) == 1


def test_an_edit_is_found_by_its_new_words(world: World) -> None:
    resource = search_published(BankQuery(text="forældremøde")).items[0]
    bank.edit(
        resource,
        bank.Draft(title="Skolebestyrelsens årshjul", category=resource.category, body="Plan."),
        actor=world.puf,
        upload_dir=Path("/nonexistent"),  # no file in this edit
    )
    db.session.commit()
    assert titles(BankQuery(text="skolebestyrelsen")) == ["Skolebestyrelsens årshjul"]
    assert titles(BankQuery(text="forældremøderne")) == []


def test_schools_see_their_own_proposals_never_anothers_unpublished(world: World) -> None:
    ours = school_proposals(world.school.id, 1).items
    assert {r.title for r in ours} == {
        "Forældremøderne i indskolingen",
        "Forældrerådets første møde",
        "Forældremøde-forslag, der venter",
    }
    waiting = next(r for r in ours if r.title.endswith("venter"))
    assert visible_resource(waiting.id, world.teacher) is waiting
    assert visible_resource(waiting.id, world.puf) is waiting
    assert visible_resource(waiting.id, world.other_teacher) is None
    assert visible_resource(waiting.id, world.other_leader) is None
    published = search_published(BankQuery(text="forældremøde")).items[0]
    assert visible_resource(published.id, world.other_teacher) is published
    assert visible_resource(10**6, world.puf) is None


def test_puf_lists_by_state_and_searches_proposals(world: World) -> None:
    waiting = curation_list(ResourceStatus.PROPOSED, "", 1).items
    assert [r.title for r in waiting] == ["Forældremøde-forslag, der venter"]
    assert curation_list(None, "forældremøderne", 1).total == 2
    assert [r.title for r in module_resources(world.slug(1))] == ["Forældrerådets første møde"]


def search_statement(world: World) -> str:
    condition = matches("forældremøde")
    assert condition is not None
    statement = select(Resource.id).where(condition)
    return str(
        statement.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})
    )


def test_the_search_structures_exist_on_each_database(world: World, backend: str) -> None:
    if backend == "postgres":
        found = db.session.scalar(
            text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_resource_search'")
        )
        assert found is not None and "gin" in found and "danish" in found
        # The search's expression is the index's own: the planner can use the index.
        db.session.execute(text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(db.session.scalars(text("EXPLAIN " + search_statement(world))))
        assert "ix_resource_search" in plan, plan
    else:
        found = db.session.scalar(text("SELECT sql FROM sqlite_master WHERE name = 'resource_fts'"))
        assert found is not None and "fts5" in found


def test_danish_words_become_the_stems_postgresql_uses() -> None:
    assert stems("Forældremøderne og forældremødet") == ["forældremød", "forældremød"]
    assert query_words("og i Forældremøde, forældremøde!") == ["forældremøde"]
    assert fts5_match(["forældremøder", "slides"]) == '"forældremød"* AND "slid"*'
    assert tsquery(["forældremøde", "slides"]) == "forældremøde:* & slides:*"
