"""Report drafts, practice examples and notes to schools, through the domain."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from learningpack.content import Package
from learningpack.domain import notes, reports
from learningpack.domain.refusals import ReportRefused
from learningpack.domain.snapshots import take_snapshot
from learningpack.extensions import db
from learningpack.models import FollowUp, ProgressSnapshot, ReportDraft
from learningpack.output.labels import words
from learningpack.reads.examples import candidates
from learningpack.reads.report import build_report
from tests.world import World, complete_through, history_world, make_world


@pytest.fixture
def world(package: Package) -> World:
    return history_world(package)


def draft_of(world: World) -> ReportDraft:
    return reports.save_draft(
        None,
        period_from=date(2026, 9, 1),
        period_to=date(2026, 9, 30),
        district="",
        name_stalled=False,
        actor=world.puf,
    )


def refused(call: object) -> list[str]:
    with pytest.raises(ReportRefused) as caught:
        call()  # type: ignore[operator]
    return words(caught.value.refusals)


def test_a_reversed_period_is_refused(world: World) -> None:
    assert refused(
        lambda: reports.save_draft(
            None,
            period_from=date(2026, 9, 30),
            period_to=date(2026, 9, 1),
            district="",
            name_stalled=False,
            actor=world.puf,
        )
    ) == ["Periodens slutdato ligger før startdatoen."]


def test_a_quote_is_picked_once_and_cannot_be_emptied(world: World) -> None:
    draft = draft_of(world)
    follow_up_id = db.session.scalars(select(FollowUp.id)).first()
    assert follow_up_id is not None
    first = reports.add_quote(draft, follow_up_id, world.puf)
    assert reports.add_quote(draft, follow_up_id, world.puf) is first
    assert refused(lambda: reports.add_quote(draft, 10**6, world.puf)) == [
        "Opsamlingen findes ikke længere."
    ]
    assert refused(lambda: reports.edit_quote(first, "   ", world.puf)) == [
        "Skriv eksemplets tekst."
    ]


def test_candidates_are_filtered_by_area(world: World) -> None:
    world.school.district = "Nord"
    db.session.commit()
    slug = world.slug(1)
    assert {c.school for c in candidates(world.package, slug, "Nord")} == {"Kildeskolen"}
    assert candidates(world.package, slug, "Syd") == []


def test_notes_are_refused_when_empty_too_long_foreign_or_before_the_run(
    package: Package,
) -> None:
    w = make_world(package)
    slug = package.slug
    assert refused(lambda: notes.write_note(w.school.id, slug, "  ", w.puf)) == ["Skriv en besked."]
    assert refused(lambda: notes.write_note(w.school.id, slug, "x" * 2001, w.puf)) == [
        "Beskeden må højst have 2000 tegn."
    ]
    assert refused(lambda: notes.write_note(w.school.id, slug, "Hej", w.other_leader)) == [
        "Kun PUF og skolens ledere kan skrive her."
    ]
    assert refused(lambda: notes.write_note(w.school.id, slug, "Hej", w.teacher)) == [
        "Kun PUF og skolens ledere kan skrive her."
    ]
    assert refused(lambda: notes.write_note(w.other_school.id, slug, "Hej", w.puf)) == [
        "Forløbet er ikke startet."
    ]


def test_a_finished_school_is_not_stalled_and_unknown_modules_are_left_out(
    package: Package,
) -> None:
    w = make_world(package)
    complete_through(w, 5)
    take_snapshot(package.slug, date(2026, 9, 1))
    db.session.add(
        ProgressSnapshot(
            taken_on=date(2026, 9, 1),
            school_id=w.school.id,
            run_id=w.run.id,
            module_slug="retired-module",
            position=9,
            state="completed",
        )
    )
    db.session.commit()
    figures = build_report(package, date(2027, 1, 1), date(2027, 3, 1), with_weeks=False)
    assert figures.stalled == 0
    assert [m.completed for m in figures.modules] == [1, 1, 1, 1, 1]
