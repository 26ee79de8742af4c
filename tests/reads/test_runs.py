"""One definition of "the school's newest run": latest start first, per package, everywhere.

The API used to take the highest run id across packages and the pages the latest start of the
package; a run entered late for an earlier year (a higher id, an earlier start) made the
committee's API report and PUF's overview show different runs. Now both ask ``reads/runs.py``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from learningpack.content import Package
from learningpack.domain.api_keys import create_api_key
from learningpack.domain.school_progress import refresh
from learningpack.extensions import db
from learningpack.models import Cycle, CyclePhase, CycleState, Run, School
from learningpack.reads.cycles import current_run, school_cycle
from learningpack.reads.digest import build_digest
from learningpack.reads.drilldown import load_school_runs
from learningpack.reads.overview import Filters, SchoolRow
from learningpack.reads.overview_query import build_overview
from learningpack.reads.progress import progress_page, school_progress
from learningpack.reads.runs import newest_run
from tests.factories import SchoolFactory, make_puf


def overview_rows(package: Package) -> list[SchoolRow]:
    return build_overview(package, Filters()).rows


def _run(school: School, package_slug: str, year: str, started: datetime, state: str) -> Run:
    """A run whose first module is in ``state`` (the phase "actions" when active)."""
    run = Run(school_id=school.id, package_slug=package_slug, year_label=year, started_at=started)
    if state == "completed":  # one unfinished run per school and package (the database says so)
        run.completed_at = started
    run.cycles.append(
        Cycle(
            module_slug="m1",
            position=1,
            state=CycleState(state),
            phase=CyclePhase.ACTIONS,
            opened_at=started,
            summary_learned=f"Lært i {year}",
        )
    )
    db.session.add(run)
    db.session.flush()
    return run


def _school_with_late_entry(package: Package) -> tuple[School, Run, Run]:
    """This year's run (started last) with a lower id than last year's, entered afterwards,
    and a run of another package with the highest id of all."""
    school = SchoolFactory(name="Kildeskolen", district="Nord")
    this_year = _run(school, package.slug, "2025/26", datetime(2025, 8, 1, tzinfo=UTC), "active")
    last_year = _run(school, package.slug, "2024/25", datetime(2024, 8, 1, tzinfo=UTC), "completed")
    _run(school, "andet-forloeb", "2025/26", datetime(2025, 9, 1, tzinfo=UTC), "locked")
    for cycle in (this_year.cycles[0], last_year.cycles[0]):
        cycle.module_slug = package.first_module.slug
    refresh()  # the summary rows, as the domain's writes keep them
    db.session.commit()
    assert last_year.id > this_year.id  # the order by id would pick last year's
    return school, this_year, last_year


def test_every_read_takes_the_latest_started_run_of_the_package(
    app: Flask, package: Package
) -> None:
    school, this_year, _last_year = _school_with_late_entry(package)
    slug = package.first_module.slug

    newest = newest_run(school.id, package.slug)
    assert newest is not None and newest.id == this_year.id
    current = current_run(school.id)
    assert current is not None and current.id == this_year.id
    cycle = school_cycle(school.id, slug)
    assert cycle is not None and cycle.run_id == this_year.id
    assert load_school_runs(school.id, package)[0].id == this_year.id
    [row] = overview_rows(package)
    assert row.cell(1).state == CyclePhase.ACTIONS.value  # this year's: active, not completed
    assert [s.summary_learned for s in build_digest(package, slug, "", 1).schools] == [
        "Lært i 2025/26"
    ]
    [progress] = school_progress(school.id)
    assert (progress.year_label, progress.state) == ("2025/26", CycleState.ACTIVE)
    assert [r.year_label for r in progress_page(None, None, None, 1, 10).items] == ["2025/26"]


def test_api_and_overview_report_the_same_run(
    app: Flask, client: FlaskClient, package: Package
) -> None:
    school, _this_year, _last_year = _school_with_late_entry(package)
    secret = create_api_key(make_puf(name="Pia PUF"), "Test", 30).secret
    db.session.commit()

    def api(url: str) -> Any:
        response = client.get(url, headers={"Authorization": f"Bearer {secret}"})
        assert response.status_code == 200
        return response.json

    body = api(f"/api/v1/schools/{school.id}")
    assert body["run"] == {"package": package.slug, "year_label": "2025/26"}
    assert [(m["state"], m["phase"]) for m in body["modules"]] == [("active", "actions")]
    [item] = api("/api/v1/progress")["items"]
    assert (item["year_label"], item["state"]) == ("2025/26", "active")
    summary = api("/api/v1/summary")
    assert [(m["completed"], m["active"]["actions"]) for m in summary["modules"]] == [(0, 1)]

    [row] = overview_rows(package)
    assert row.cell(1).state == item["phase"]
