"""Report drafts, practice examples and notes to schools, through the domain."""

from __future__ import annotations

import random
from collections.abc import Collection
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from learningpack.content import Package
from learningpack.domain import notes, reports
from learningpack.domain.corrections import delete_record
from learningpack.domain.progress import rebuild
from learningpack.domain.records import record_follow_up
from learningpack.domain.refusals import ReportRefused
from learningpack.domain.sharing import create_event, mark_example
from learningpack.domain.snapshots import take_snapshot
from learningpack.extensions import db
from learningpack.models import FollowUp, ProgressSnapshot, ReportDraft, User
from learningpack.output.labels import words
from learningpack.reads import sharing as sharing_reads
from learningpack.reads.examples import candidates
from learningpack.reads.report import build_report
from tests.factories import make_puf
from tests.world import (
    World,
    add_action,
    add_follow_up,
    complete_through,
    history_world,
    make_world,
)


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


def spread_learnings(package: Package, schools: int = 4, each: int = 3) -> dict[int, User]:
    """Follow-ups in module 1 at each of several schools (area Nord), recorded at mixed times,
    the cycles' columns rebuilt in bulk; the schools' leaders by school id."""
    rng = random.Random(5)
    leaders = {}
    for _ in range(schools):
        w = make_world(package)
        w.school.district = "Nord"
        leaders[w.school.id] = w.leader
        for index in range(each):
            add_follow_up(add_action(w.cycle(1), w, title=f"Aktion {index}"), w)
    times = rng.sample(range(10_000), db.session.scalar(select(func.count(FollowUp.id))) or 0)
    for follow_up, minutes in zip(
        db.session.scalars(select(FollowUp).order_by(FollowUp.id)), times, strict=True
    ):
        follow_up.recorded_at = datetime(2026, 9, 1, tzinfo=UTC) + timedelta(minutes=minutes)
    db.session.commit()
    rebuild()
    return leaders


def newest(limit: int, leave_out: Collection[int] = ()) -> list[int]:
    """The newest follow-ups with a learning, by sorting every one of them."""
    ordered = sorted(
        (f for f in db.session.scalars(select(FollowUp)) if f.learning and f.id not in leave_out),
        key=lambda f: (f.recorded_at, f.id),
        reverse=True,
    )
    return [f.id for f in ordered[:limit]]


@pytest.mark.both_backends
def test_candidates_are_the_newest_learnings_of_every_school_s_newest_run(
    package: Package,
) -> None:
    """The picks are exactly the newest learnings, after a bulk rebuild and after a deletion
    kept per write."""
    leaders = spread_learnings(package)
    slug = package.modules[0].slug
    for limit in (1, 4, 7, 30):
        assert [c.follow_up_id for c in candidates(package, slug, "Nord", limit)] == newest(limit)
    assert candidates(package, package.modules[1].slug, "", 4) == []
    first = db.session.get(FollowUp, newest(1)[0])
    assert first is not None
    delete_record(first, actor=leaders[first.action.cycle.run.school_id])
    db.session.commit()
    assert [c.follow_up_id for c in candidates(package, slug, "", 4)] == newest(4)


@pytest.mark.both_backends
def test_an_event_offers_the_newest_learnings_not_yet_marked(
    package: Package, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Marked examples and follow-ups without a learning are left out; the rest are the newest,
    however many of the newest cycles' learnings are marked."""
    leaders = spread_learnings(package, schools=7, each=1)  # marking one takes a whole cycle
    monkeypatch.setattr(sharing_reads, "CANDIDATES", 3)
    puf = make_puf()
    event = create_event(title="Videndeling", held_on=date(2026, 11, 1), place="", actor=puf)
    silent = db.session.get(FollowUp, newest(2)[1])
    assert silent is not None
    leader = leaders[silent.action.cycle.run.school_id]
    record_follow_up(silent.action, outcome=silent.outcome, learning="", fit="Ja.", actor=leader)
    db.session.commit()
    marked: list[int] = []
    for _ in range(4):
        page = sharing_reads.event_page(event, package, package.modules[0].slug)
        assert [e.follow_up_id for e in page.candidates] == newest(3, marked)
        mark_example(event, page.candidates[0].follow_up_id, puf)
        marked.append(page.candidates[0].follow_up_id)
        db.session.commit()
