"""The JSON API: every endpoint's real responses match the OpenAPI description; filters, order,
pagination and counts are right; the query count does not grow with the data; generated input
(schemathesis) never gives a 500 and always gives JSON that matches the description."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from flask import Flask, current_app
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from jsonschema import Draft202012Validator, FormatChecker
from openapi_spec_validator import validate as validate_spec
from schemathesis.generation import GenerationMode
from sqlalchemy import func, select

from learningpack.api.openapi import openapi_document
from learningpack.domain import transitions
from learningpack.domain.api_keys import create_api_key
from learningpack.domain.school_progress import refresh_run
from learningpack.extensions import db
from learningpack.models import Action, Cycle, CycleState, Run, School
from learningpack.ops.demo import seed_demo
from learningpack.reads.pagination import danish_key
from tests.factories import SchoolFactory, make_leader, make_puf
from tests.helpers import BUDGET, count_queries, forget_totals
from tests.world import (
    YEAR,
    complete_through,
    grow,
    history_world,
    make_world,
)

# The API's queries and ordering: on both databases.
pytestmark = pytest.mark.both_backends

SPEC = openapi_document()


def check(response: Any, path: str, status: int | None = None) -> dict[str, Any]:
    """Assert the response is JSON and matches the description's schema for path and status."""
    status = status or response.status_code
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    described = SPEC["paths"][path]["get"]["responses"][str(status)]
    schema = described["content"]["application/json"]["schema"]
    validator = Draft202012Validator(
        {**schema, "components": SPEC["components"]}, format_checker=FormatChecker()
    )
    body = response.json
    errors = sorted(validator.iter_errors(body), key=str)
    assert not errors, "\n".join(e.message for e in errors[:5])
    return dict(body)


@pytest.fixture
def token(app: Flask) -> str:
    secret = create_api_key(make_puf(name="Pia PUF"), "Test", 30).secret
    db.session.commit()
    return secret


@pytest.fixture
def api(client: FlaskClient, token: str) -> Any:
    def get(url: str) -> Any:
        return client.get(url, headers={"Authorization": f"Bearer {token}"})

    return get


@pytest.fixture
def demo(app: Flask, package: Any) -> None:
    seed_demo(package, schools=5)
    db.session.commit()


def test_description_is_valid_openapi(client: FlaskClient) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.is_json
    validate_spec(response.json)
    assert response.json["openapi"].startswith("3.1")
    assert response.json["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    described = {f"/api/v1{p}" for p in response.json["paths"]}
    served = {
        r.rule.replace("<int:school_id>", "{school_id}")
        for r in client.application.url_map.iter_rules()
        if r.endpoint.startswith("api.")
    }
    assert described == served


def test_every_endpoint_matches_the_description(api: Any, demo: None) -> None:
    first = check(api("/api/v1/schools"), "/schools")
    school_id = first["items"][0]["id"]
    check(api(f"/api/v1/schools/{school_id}"), "/schools/{school_id}")
    check(api("/api/v1/progress"), "/progress")
    check(api("/api/v1/summary"), "/summary")
    check(api("/api/v1/summary?district=Nord"), "/summary")
    check(api("/api/v1/report"), "/report")
    check(api("/api/v1/report?from=2026-01-01&to=2026-06-30&district=Nord"), "/report")
    check(api("/api/v1/report?from=2026-13-01"), "/report", 400)
    check(api("/api/v1/report?to=1999-12-31"), "/report", 400)
    # Errors are described too.
    check(api("/api/v1/schools?page=0"), "/schools", 400)
    check(api("/api/v1/progress?state=open"), "/progress", 400)
    check(api("/api/v1/progress?module=nope"), "/progress", 400)
    check(api("/api/v1/schools?per_page=x"), "/schools", 400)
    check(api("/api/v1/summary?district="), "/summary", 400)
    check(api("/api/v1/schools/999999"), "/schools/{school_id}", 404)


def test_errors_without_a_token_match_the_description(client: FlaskClient, demo: None) -> None:
    for path in ("/schools", "/progress", "/summary", "/report"):
        check(client.get(f"/api/v1{path}"), path, 401)
    check(client.get("/api/v1/schools/1"), "/schools/{school_id}", 401)


def test_school_not_started_has_no_run(api: Any, app: Flask) -> None:
    school = SchoolFactory(name="Åby Skole", district="Vest")
    body = check(api(f"/api/v1/schools/{school.id}"), "/schools/{school_id}")
    assert body == {
        "id": school.id,
        "name": "Åby Skole",
        "district": "Vest",
        "run": None,
        "modules": [],
    }


def test_schools_in_danish_order_with_district_filter_and_pages(api: Any, app: Flask) -> None:
    names = ["Åby Skole", "Ørum Skole", "Ærø Skole", "Zebra Skole", "Aarslev Skole", "Bakke Skole"]
    for index, name in enumerate(names):
        SchoolFactory(name=name, district="Nord" if index % 2 else "Syd")
    body = check(api("/api/v1/schools"), "/schools")
    got = [s["name"] for s in body["items"]]
    # Æ, Ø, Å after Z; "Aa" is read as "Å".
    assert got == [
        "Bakke Skole",
        "Zebra Skole",
        "Ærø Skole",
        "Ørum Skole",
        "Åby Skole",
        "Aarslev Skole",
    ]
    assert body["total"] == 6 and body["pages"] == 1
    nord = check(api("/api/v1/schools?district=Nord"), "/schools")
    assert {s["name"] for s in nord["items"]} == {"Ørum Skole", "Zebra Skole", "Bakke Skole"}
    page2 = check(api("/api/v1/schools?per_page=4&page=2"), "/schools")
    assert [s["name"] for s in page2["items"]] == got[4:]
    assert page2["pages"] == 2 and page2["total"] == 6
    beyond = check(api("/api/v1/schools?per_page=4&page=9"), "/schools")
    assert beyond["items"] == [] and beyond["total"] == 6


def test_progress_reads_the_cycle_columns_and_filters(api: Any, demo: None, package: Any) -> None:
    body = check(api("/api/v1/progress?per_page=500"), "/progress")
    started = db.session.scalar(select(func.count(func.distinct(Run.school_id))))
    assert body["total"] == started * len(package.modules)
    first = next(
        i for i in body["items"] if i["school_name"] == "Ellevangskolen" and i["position"] == 2
    )
    cycle = db.session.scalars(
        select(Cycle)
        .join(Run)
        .join(School)
        .where(School.name == "Ellevangskolen", Cycle.position == 2)
    ).one()
    assert first["state"] == "active" and first["phase"] == str(cycle.phase)
    assert first["action_count"] == cycle.action_count == 2
    assert first["log_entry_count"] == cycle.log_entry_count
    assert first["days_in_module"] == 0
    active = check(api("/api/v1/progress?state=active"), "/progress")
    assert active["items"] and all(i["state"] == "active" and i["phase"] for i in active["items"])
    locked = check(api("/api/v1/progress?state=locked&module=kommunikation"), "/progress")
    assert locked["items"] and all(
        i["state"] == "locked" and i["phase"] is None and i["module"] == "kommunikation"
        for i in locked["items"]
    )
    vest = check(api("/api/v1/progress?district=Vest"), "/progress")
    assert {i["district"] for i in vest["items"]} == {"Vest"}
    none = check(api("/api/v1/progress?district=Atlantis"), "/progress")
    assert none["items"] == [] and none["total"] == 0


def test_progress_pages_follow_danish_order_and_show_each_schools_newest_run(
    api: Any, package: Any
) -> None:
    world = make_world(package)  # Kildeskolen started; Fjordskolen did not
    complete_through(world, len(package.modules))
    transitions.start_run(world.school.id, package, "2027/28", world.leader)
    for name in ["Åby Skole", "Ørum Skole", "Zebra Skole", "Aarslev Skole"]:
        school = SchoolFactory(name=name)
        transitions.start_run(school.id, package, YEAR, make_leader(school))
    db.session.commit()
    whole = check(api("/api/v1/progress?per_page=500"), "/progress")
    started = ["Kildeskolen", "Zebra Skole", "Ørum Skole", "Åby Skole", "Aarslev Skole"]
    positions = range(1, len(package.modules) + 1)
    assert [(i["school_name"], i["position"]) for i in whole["items"]] == [
        (name, position) for name in started for position in positions
    ]
    newest = {i["year_label"] for i in whole["items"] if i["school_name"] == "Kildeskolen"}
    assert newest == {"2027/28"} and whole["total"] == len(whole["items"])
    paged: list[Any] = []
    for number in range(1, 5):  # 25 rows, 7 a page: a page may end inside a school
        page = check(api(f"/api/v1/progress?per_page=7&page={number}"), "/progress")
        assert page["total"] == 25 and page["pages"] == 4
        paged += page["items"]
    assert paged == whole["items"]


def test_summary_counts_agree_with_the_data(api: Any, demo: None, package: Any) -> None:
    body = check(api("/api/v1/summary"), "/summary")
    assert body["schools"] == 5
    assert body["schools_started"] == db.session.scalar(
        select(func.count(func.distinct(Run.school_id)))
    )
    assert [m["module"] for m in body["modules"]] == [m.slug for m in package.modules]
    actions = db.session.scalar(select(func.count(Action.id)))
    assert sum(m["actions_agreed"] for m in body["modules"]) == actions
    assert sum(d["actions_agreed"] for d in body["districts"]) == actions
    first = body["modules"][0]
    states = dict(
        db.session.execute(
            select(Cycle.state, func.count()).where(Cycle.position == 1).group_by(Cycle.state)
        ).all()
    )
    assert first["completed"] == states.get(CycleState.COMPLETED, 0)
    assert sum(first["active"].values()) == states.get(CycleState.ACTIVE, 0)
    assert [d["district"] for d in body["districts"]] == sorted(
        {s.district for s in db.session.scalars(select(School))}, key=danish_key
    )
    nord = check(api("/api/v1/summary?district=Nord"), "/summary")
    assert nord["district"] == "Nord" and [d["district"] for d in nord["districts"]] == ["Nord"]


def test_progress_and_summary_are_kept_until_a_school_changes(api: Any, package: Any) -> None:
    """A reporting tool asking again gets the kept body (the token and the newest school
    stamp are read, no progress); a module completed is in the next answer, in the same
    minute; other filters are other bodies."""
    world = make_world(package)
    db.session.commit()
    urls = ["/api/v1/progress?per_page=5", "/api/v1/summary"]
    first = [check(api(url), url.split("?")[0][7:]) for url in urls]
    for url, body in zip(urls, first, strict=True):
        with count_queries() as seen:
            again = api(url)
        assert again.json == body
        assert not [s for s in seen if "cycle" in s or "school_progress" in s], url
        assert len(seen) <= 2
        # Byte for byte what jsonify makes of it (compact, keys sorted, a newline at the end).
        assert again.data == current_app.json.response(body).data

    world.cycle(1).state = CycleState.COMPLETED
    refresh_run(world.run)
    db.session.commit()
    progress = api(urls[0]).json
    assert progress["items"][0]["state"] == "completed" != first[0]["items"][0]["state"]
    assert api(urls[1]).json["modules"][0]["completed"] == 1 + first[1]["modules"][0]["completed"]
    assert api("/api/v1/progress?per_page=5&state=completed").json["total"] == 1


def test_report_gives_the_half_yearly_numbers(api: Any, package: Any) -> None:
    history_world(package)
    body = check(api("/api/v1/report?from=2026-09-30&to=2026-09-12"), "/report")  # either order
    assert (body["from"], body["to"], body["previous_to"]) == (
        "2026-09-12",
        "2026-09-30",
        "2026-09-11",
    )
    assert (body["schools"], body["schools_started"], body["schools_stalled"]) == (2, 2, 0)
    first = body["modules"][0]
    assert (first["in_progress"], first["completed"], first["completed_change"]) == (1, 1, 1)
    assert (first["keep"], first["adjust"], first["stop"]) == (1, 0, 1)
    assert body["snapshot_date"] == "2026-09-16" and body["district"] is None


URLS = [
    "/api/v1/schools",
    "/api/v1/schools?district=Nord&per_page=2&page=2",
    "/api/v1/schools/1",
    "/api/v1/progress",
    "/api/v1/progress?state=active&module=foraeldremoeder&district=Nord",
    "/api/v1/summary",
    "/api/v1/summary?district=Vest",
    "/api/v1/report?from=2026-01-01&to=2026-06-30",
]


def test_query_counts_are_small_and_do_not_grow(api: Any, package: Any) -> None:
    """Every URL of ``URLS`` on the demo data, then on the same data grown (one growth for all:
    the API only reads), every count checked, all misses told."""
    seed_demo(package, schools=3)
    db.session.commit()
    api(URLS[0])  # the token's first use writes last_used_at; measure the steady state

    def counts() -> dict[str, int]:
        found = {}
        for url in URLS:
            forget_totals()  # the worst case: totals over every school computed again,
            current_app.extensions.pop("learningpack.fragment_cache", None)  # no body kept
            with count_queries() as statements:
                assert api(url).status_code == 200, url
            found[url] = len(statements)
        return found

    small = counts()
    grow(package, extra_actions=25)
    large = counts()
    misses = [
        f"{url}: {small[url]} queries, {large[url]} on grown data"
        for url in URLS
        if not small[url] <= BUDGET or large[url] != small[url]
    ]
    assert not misses, f"budget {BUDGET}:\n" + "\n".join(misses)


# --- property-based: generated requests against the description ------------------------------


@pytest.fixture
def api_schema(app: Flask, package: Any) -> Any:
    seed_demo(package, schools=3)
    db.session.commit()
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@pytest.mark.parametrize("mode", list(GenerationMode), ids=lambda m: m.value)
def test_generated_requests_get_described_json(
    api_schema: Any, token: str, mode: GenerationMode
) -> None:
    """Valid (positive) and invalid (negative) input: never a 500, always described JSON."""
    headers = {"Authorization": f"Bearer {token}"}

    @given(case=api_schema.as_strategy(mode, headers=headers))
    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def call(case: Any) -> None:
        response = case.call()
        assert response.status_code < 500, response.text
        headers_seen = {k.lower(): v for k, v in response.headers.items()}
        assert headers_seen["content-type"][0].startswith("application/json")
        assert "set-cookie" not in headers_seen
        case.validate_response(response)
        if mode == GenerationMode.POSITIVE and case.path != "/schools/{school_id}":
            assert response.status_code == 200, (case.path, case.query, response.text)

    call()
