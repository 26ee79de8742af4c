"""DESIGN.md §8: every page at most 8 SQL queries, and the count does not grow with the data."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from learningpack.extensions import db
from learningpack.models import Action, School, User
from learningpack.ops.demo import seed_demo
from tests.helpers import BUDGET, count_queries, forget_totals
from tests.world import (
    grow,
)

# The SQL a page runs: on both databases.
pytestmark = pytest.mark.both_backends


def queries_for(client: FlaskClient, url: str) -> int:
    forget_totals()  # the worst case: totals over every school computed again
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements)


def login_as(client: FlaskClient, email: str) -> None:
    response = client.post("/login", data={"email": email, "password": "demo-forældre-2026"})
    assert response.status_code == 302


PAGES = [
    ("puf@demo.dk", "/puf/"),
    ("puf@demo.dk", "/puf/?modul=foraeldremoeder&status=active&staa=1&dage=5"),
    ("puf@demo.dk", "/puf/skoler/1"),
    ("puf@demo.dk", "/puf/laering"),
    ("puf@demo.dk", "/puf/laering?omraade=Nord&modul=faellesskab"),
    ("puf@demo.dk", "/puf/skoler/1/modul/foraeldremoeder"),
    ("puf@demo.dk", "/puf/api-noegler/"),
    ("puf@demo.dk", "/puf/revisionslog/"),
    ("puf@demo.dk", "/puf/revisionslog/?person=leder&verb=login&date_from=2026-01-01&school=1"),
    ("leder@ellevangskolen.demo.dk", "/skole/"),
    ("leder@ellevangskolen.demo.dk", "/skole/modul/faellesskab"),
    ("leder@ellevangskolen.demo.dk", "/skole/modul/foraeldremoeder"),
    ("laerer1@ellevangskolen.demo.dk", "/mine-aktioner/"),
    ("laerer1@ellevangskolen.demo.dk", "/mine-aktioner/fastholdt"),
    ("laerer1@ellevangskolen.demo.dk", "/skole/modul/foraeldremoeder"),
    ("laerer1@ellevangskolen.demo.dk", "/konto"),
    ("laerer1@ellevangskolen.demo.dk", "/konto/totrin"),
    ("puf@demo.dk", "/konto"),
    ("puf@demo.dk", "/administration/skoler"),
    ("puf@demo.dk", "/administration/skoler/1"),
    ("puf@demo.dk", "/administration/omraader"),
    ("puf@demo.dk", "/administration/omraader/1"),
    ("puf@demo.dk", "/administration/skoler/import"),
    ("puf@demo.dk", "/administration/skoler/1/inviter-leder"),
    ("leder@ellevangskolen.demo.dk", "/skole/personale"),
    ("leder@ellevangskolen.demo.dk", "/skole/personale/inviter"),
    ("leder@ellevangskolen.demo.dk", "/skole/teams/1"),
    ("leder@ellevangskolen.demo.dk", "/skole/teams/nyt"),
    ("laerer1@ellevangskolen.demo.dk", "/videnbank/"),
    ("laerer1@ellevangskolen.demo.dk", "/videnbank/?q=forældremøde&kategori=parent_meetings"),
    ("laerer1@ellevangskolen.demo.dk", "/videnbank/?modul=faellesskab&fund=F2&sortering=most_used"),
    ("leder@ellevangskolen.demo.dk", "/videnbank/vores-forslag"),
    ("leder@ellevangskolen.demo.dk", "/videnbank/foreslaa"),
    ("leder@ellevangskolen.demo.dk", "/videnbank/foreslaa?modul=faellesskab"),
    ("puf@demo.dk", "/videnbank/kuratering"),
    ("puf@demo.dk", "/videnbank/kuratering?status=all&q=forældremøde"),
    ("puf@demo.dk", "/videnbank/ny"),
    ("leder@ellevangskolen.demo.dk", "/beskeder"),
    ("leder@ellevangskolen.demo.dk", "/skole/paamindelser"),
    ("puf@demo.dk", "/puf/paamindelser"),
]


def test_every_page_stays_within_the_query_budget_as_data_grows(app: Flask, package: Any) -> None:
    """Every page of ``PAGES`` on the demo data, then on the same data grown: one seed and one
    growth for all of them (the pages only read), every page's counts checked, all misses told."""
    seed_demo(package, schools=3)
    db.session.commit()
    clients: dict[str, FlaskClient] = {}
    for email in dict.fromkeys(email for email, _url in PAGES):
        clients[email] = app.test_client()
        login_as(clients[email], email)
    small = {(email, url): queries_for(clients[email], url) for email, url in PAGES}
    grow(package, extra_actions=25)
    assert db.session.scalar(select(db.func.count(Action.id))) > 25
    large = {(email, url): queries_for(clients[email], url) for email, url in PAGES}
    misses = [
        f"{url} ({email}): {small[email, url]} queries on small data, {large[email, url]} on large"
        for email, url in PAGES
        if not small[email, url] <= BUDGET or large[email, url] != small[email, url]
    ]
    assert not misses, f"budget {BUDGET}:\n" + "\n".join(misses)


@pytest.mark.parametrize(
    "url", ["/puf/", "/puf/?omraade=Nord&status=locked&side=2", "/puf/laering"]
)
def test_puf_overview_queries_do_not_grow_from_5_to_500_schools(
    app: Flask, package: Any, url: str
) -> None:
    """DESIGN.md §8: the overview reads cycle rows, so 100 times the schools, the same queries."""
    from tests.bulk import insert_schools

    seed_demo(package, schools=5)
    db.session.commit()
    client = app.test_client()
    login_as(client, "puf@demo.dk")
    small = queries_for(client, url)
    insert_schools(package, 495)
    assert db.session.scalar(select(db.func.count(School.id))) == 500
    large = queries_for(client, url)
    assert small <= BUDGET, f"{url}: {small} queries"
    assert large == small, f"{url}: {small} queries with 5 schools, {large} with 500"


@pytest.mark.parametrize("url", ["/puf/skoler/1", "/skole/modul/foraeldremoeder"])
def test_a_module_with_more_than_500_actions_costs_the_same_queries(
    app: Flask, package: Any, url: str
) -> None:
    """SELECT-IN loading by action id splits at 500 ids; these pages load by cycle instead."""
    from datetime import date

    from sqlalchemy import insert

    from learningpack.domain import school_progress
    from learningpack.models import LogEntry, action_owner
    from learningpack.reads.cycles import school_cycle

    seed_demo(package, schools=3)
    db.session.commit()
    client = app.test_client()
    email = "puf@demo.dk" if url.startswith("/puf/") else "leder@ellevangskolen.demo.dk"
    login_as(client, email)
    small = queries_for(client, url)
    leader = db.session.scalar(select(User).where(User.email == "leder@ellevangskolen.demo.dk"))
    assert leader is not None and leader.school_id == 1
    cycle = school_cycle(leader.school_id, "foraeldremoeder")
    assert cycle is not None
    first = db.session.scalar(select(db.func.max(Action.id))) + 1
    ids = range(first, first + 520)
    common = {
        "what": "Noget.",
        "expectation": "Noget.",
        "how_notice": "Noget.",
        "status": "planned",
    }
    db.session.execute(
        insert(Action),
        [{"id": i, "cycle_id": cycle.id, "title": f"Aktion {i}", **common} for i in ids],
    )
    db.session.execute(insert(action_owner), [{"action_id": i, "user_id": leader.id} for i in ids])
    db.session.execute(
        insert(LogEntry),
        [{"action_id": i, "happened_on": date(2026, 1, 5), "text": "Logget."} for i in ids],
    )
    school_progress.refresh([leader.school_id])  # as a bulk load does: kept pages go stale
    db.session.commit()
    large = queries_for(client, url)
    assert large == small, f"{url}: {small} queries, {large} with 520 more actions"
