"""Every route, every role (DESIGN.md §1, §10).

The routes come from ``app.url_map``, so a route added later without an entry in ``EXPECTED``
(or without protection) makes these tests fail with a message saying what to add.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from learningpack import cycle as rules
from learningpack.content import Package
from learningpack.models import Action, SessionKind, Team, User
from tests.factories import TeamFactory, login, make_teacher
from tests.test_facilitation_views import START, World, agree, make_world, page_of

LOGIN = "login"  # a redirect to the login page
NOT_ON = "not on it"  # 403: the role may use the route, but this user is not on the action
PUBLIC = {"/login", "/", "/tilgaengelighed", "/healthz", "/sprog/<code>"}
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
ROLES = ("anon", "leader", "teacher", "teacher2", "puf")


def row(anon: Any, leader: Any, teacher: Any, teacher2: Any, puf: Any) -> dict[str, Any]:
    return dict(zip(ROLES, (anon, leader, teacher, teacher2, puf), strict=True))


# The status each role gets on each route, for URLs naming our own school's objects. POSTs carry
# no data, so a form re-renders with errors (400) and a button refuses or flashes.
# ``teacher`` is in the team of the action in the URL; ``teacher2`` is in another team. A plain
# 403 refuses the role whatever the id (so it does not tell whether another school's id exists).
EXPECTED: dict[tuple[str, str], dict[str, Any]] = {
    ("auth.login", "GET"): row(200, 302, 302, 302, 302),
    ("auth.login", "POST"): row(200, 302, 302, 302, 302),
    ("auth.logout", "POST"): row(LOGIN, LOGIN, LOGIN, LOGIN, LOGIN),
    ("auth.set_language", "POST"): row(302, 302, 302, 302, 302),
    ("main.index", "GET"): row(LOGIN, 302, 302, 302, 302),
    ("main.accessibility", "GET"): row(200, 200, 200, 200, 200),
    ("main.health", "GET"): row(200, 200, 200, 200, 200),
    ("facilitation.school", "GET"): row(LOGIN, 200, 200, 200, 403),
    # The school has a run in progress: a second start goes back to the school page.
    ("facilitation.start", "POST"): row(LOGIN, 302, 403, 403, 403),
    ("facilitation.module", "GET"): row(LOGIN, 200, 200, 200, 403),
    ("facilitation.new_session", "GET"): row(LOGIN, 200, 403, 403, 403),
    ("facilitation.new_session", "POST"): row(LOGIN, 400, 403, 403, 403),
    ("facilitation.new_action", "GET"): row(LOGIN, 200, 403, 403, 403),
    ("facilitation.new_action", "POST"): row(LOGIN, 400, 403, 403, 403),
    ("facilitation.edit_action", "GET"): row(LOGIN, 200, 403, 403, 403),
    ("facilitation.edit_action", "POST"): row(LOGIN, 400, 403, 403, 403),
    ("facilitation.follow_up", "GET"): row(LOGIN, 200, 403, 403, 403),
    ("facilitation.follow_up", "POST"): row(LOGIN, 400, 403, 403, 403),
    ("facilitation.summary", "GET"): row(LOGIN, 200, 403, 403, 403),
    ("facilitation.summary", "POST"): row(LOGIN, 400, 403, 403, 403),
    ("facilitation.adaptation", "GET"): row(LOGIN, 200, 403, 403, 403),
    ("facilitation.adaptation", "POST"): row(LOGIN, 302, 403, 403, 403),  # both fields optional
    ("facilitation.complete", "POST"): row(LOGIN, 409, 403, 403, 403),
    ("facilitation.reopen", "POST"): row(LOGIN, 302, 403, 403, 403),  # refused with a flash
    ("teacher.my_actions_page", "GET"): row(LOGIN, 200, 200, 200, 403),
    ("teacher.log_entry", "GET"): row(LOGIN, 200, 200, NOT_ON, 403),
    ("teacher.log_entry", "POST"): row(LOGIN, 400, 400, NOT_ON, 403),
    ("teacher.set_status", "POST"): row(LOGIN, 302, 302, NOT_ON, 403),  # bad status: a flash
    ("puf.overview", "GET"): row(LOGIN, 403, 403, 403, 200),
    ("puf.overview_csv", "GET"): row(LOGIN, 403, 403, 403, 200),
    ("puf.overview_xlsx", "GET"): row(LOGIN, 403, 403, 403, 200),
    ("puf.digest", "GET"): row(LOGIN, 403, 403, 403, 200),
    ("puf.digest_csv", "GET"): row(LOGIN, 403, 403, 403, 200),
    ("puf.digest_xlsx", "GET"): row(LOGIN, 403, 403, 403, 200),
    ("puf.school", "GET"): row(LOGIN, 403, 403, 403, 200),
    ("puf.module", "GET"): row(LOGIN, 403, 403, 403, 200),
    ("puf.unlock", "POST"): row(LOGIN, 403, 403, 403, 400),  # no reason given
}

# A very late request: it ends the session.
LAST = ("auth.logout", "POST")


@dataclass
class Ids:
    """Concrete values for the URL variables of a rule."""

    slug: str
    action_id: int
    school_id: int
    code: str = "da"


def routes(app: Flask) -> list[tuple[Rule, str]]:
    found = [
        (rule, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in METHODS
        if method in (rule.methods or set())
    ]
    return sorted(found, key=lambda rm: (rm[0].endpoint, rm[1]) == LAST)


def build(app: Flask, rule: Rule, method: str, ids: Ids) -> str:
    unknown = [name for name in rule.arguments if not hasattr(ids, name)]
    if unknown:
        pytest.fail(
            f"Route {rule.rule} ({rule.endpoint}) takes {unknown}: add a value for it to "
            "Ids in tests/test_route_access.py"
        )
    values = {name: getattr(ids, name) for name in rule.arguments}
    return str(app.url_map.bind("localhost").build(rule.endpoint, values, method=method))


def outcome(response: Any) -> Any:
    """The status, with a redirect to the login page told apart from other redirects."""
    if response.status_code == 302 and response.headers["Location"].startswith("/login"):
        return LOGIN
    return response.status_code


@pytest.fixture
def world(package: Package) -> World:
    """Two started schools, each with a leader and two teachers in two teams, and actions."""
    world = make_world(package, other_started=True)
    ours, theirs = world.cycle(1), world.cycle(1, world.other_run)
    world.actions["ours"] = agree(ours, world.leader, "Kildeskolens fredagsbesked", team=world.team)
    world.actions["ours2"] = agree(
        ours, world.leader, "Kildeskolens forældreråd", team=world.team2, owners=(world.teacher2,)
    )
    rules.record_session(
        ours,
        held_on=START,
        kind=SessionKind.INPUT,
        participants="Kildeskolens personale",
        notes="Kildeskolens mødenoter",
        decisions="",
        facilitator=world.leader,
    )
    rules.add_log_entry(
        world.actions["ours"],
        author=world.teacher,
        happened_on=START,
        text="Kildeskolens logning",
        observation="",
    )
    other_teacher2 = make_teacher(world.other_school, name="Dorte Fremmed")
    other_team2 = TeamFactory(
        school=world.other_school, name="Fjordens SFO", members=[other_teacher2]
    )
    world.actions["theirs"] = agree(
        theirs, world.other_leader, "Fjordskolens forældrekaffe", team=world.other_team
    )
    world.actions["theirs2"] = agree(
        theirs, world.other_leader, "Fjordskolens SFO-aktion", team=other_team2
    )
    rules.record_session(
        theirs,
        held_on=START,
        kind=SessionKind.INPUT,
        participants="Fjordskolens personale",
        notes="Fjordskolens mødenoter",
        decisions="",
        facilitator=world.other_leader,
    )
    world.other_teacher2 = other_teacher2  # type: ignore[attr-defined]
    return world


OURS = (
    "Kildeskolens fredagsbesked",
    "Kildeskolens forældreråd",
    "Kildeskolens mødenoter",
    "Kildeskolens logning",
)
THEIRS = ("Fjordskolens forældrekaffe", "Fjordskolens SFO-aktion", "Fjordskolens mødenoter")


def user_for(world: World, role: str) -> User | None:
    return None if role == "anon" else getattr(world, role)


def own_ids(world: World) -> Ids:
    return Ids(slug=world.slug(1), action_id=world.actions["ours"].id, school_id=world.school.id)


def variants(world: World, rule: Rule) -> dict[str, Ids]:
    """Our own objects, always; the other school's and a missing one where the URL names one."""
    own = own_ids(world)
    found = {"own": own}
    if "action_id" in rule.arguments:
        found["other"] = Ids(own.slug, world.actions["theirs"].id, own.school_id)
        found["missing"] = Ids(own.slug, 10**6, own.school_id)
    if "school_id" in rule.arguments:
        found["other"] = Ids(own.slug, own.action_id, world.other_school.id)
        found["missing"] = Ids(own.slug, own.action_id, 10**6)
    return found


def expected(role: str, endpoint: str, method: str, rule: Rule, variant: str) -> Any:
    own = EXPECTED[(endpoint, method)][role]
    if variant == "own":
        return 403 if own == NOT_ON else own
    if "action_id" in rule.arguments:
        # Another school's action, or none: 404 for anyone the route lets in at all.
        return own if own in (LOGIN, 403) else 404
    if variant == "missing" and role == "puf":
        return 404
    return own  # PUF sees every school; the others are refused by role, whatever the id


# ---------------------------------------------------------------------------------------------


def test_every_route_is_in_the_table(app: Flask) -> None:
    present = {(rule.endpoint, method) for rule, method in routes(app)}
    missing = sorted(present - set(EXPECTED))
    stale = sorted(set(EXPECTED) - present)
    assert not missing, (
        f"Routes without an expected status per role: {missing}. Add them to EXPECTED in "
        "tests/test_route_access.py (and protect them with access.role_required)."
    )
    assert not stale, f"EXPECTED names routes the app no longer has: {stale}"


def test_anonymous_is_sent_to_login_except_on_public_pages(
    app: Flask, client: FlaskClient, world: World
) -> None:
    wrong = []
    for rule, method in routes(app):
        for variant, ids in variants(world, rule).items():
            url = build(app, rule, method, ids)
            result = outcome(client.open(url, method=method))
            if rule.rule in PUBLIC:
                if result not in (200, 302, LOGIN):
                    wrong.append(f"{method} {url} (public): {result}")
            elif result != LOGIN:
                wrong.append(f"{method} {url} ({variant}): {result}, expected a redirect to login")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anon"])
def test_each_role_gets_the_expected_status(
    app: Flask, client: FlaskClient, world: World, role: str
) -> None:
    login(client, user_for(world, role))
    wrong = []
    for rule, method in routes(app):
        if (rule.endpoint, method) not in EXPECTED:
            pytest.fail(f"{method} {rule.rule} is missing from EXPECTED in {__file__}")
        for variant, ids in variants(world, rule).items():
            url = build(app, rule, method, ids)
            want = expected(role, rule.endpoint, method, rule, variant)
            got = outcome(client.open(url, method=method))
            if got != want:
                wrong.append(f"{role}: {method} {url} ({variant}) gave {got}, expected {want}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(
    ("viewer", "foreign"),
    [
        ("leader", THEIRS),
        ("teacher", THEIRS),
        ("teacher2", THEIRS),
        ("other_leader", OURS),
        ("other_teacher", OURS),
        ("other_teacher2", OURS),
    ],
)
def test_no_school_sees_the_other_schools_data(
    app: Flask, client: FlaskClient, world: World, viewer: str, foreign: tuple[str, ...]
) -> None:
    """Every page a school's user can GET, with their own ids and with the other school's."""
    user = getattr(world, viewer)
    login(client, user)
    ours = viewer.startswith("other_")
    their_action: Action = world.actions["ours" if ours else "theirs"]
    their_school = world.school if ours else world.other_school
    mine: Action = world.actions["theirs" if ours else "ours"]
    my_team: Team = world.other_team if ours else world.team
    assert my_team.school_id == user.school_id
    seen = []
    for rule, method in routes(app):
        if method != "GET":
            continue
        for ids in (
            Ids(world.slug(1), mine.id, user.school_id),
            Ids(world.slug(1), their_action.id, their_school.id),
        ):
            url = build(app, rule, method, ids)
            response = client.get(url, follow_redirects=True)
            page = page_of(response)
            leaked = [text for text in foreign if text in page]
            assert not leaked, f"{viewer} sees {leaked} on GET {url}"
            if response.status_code == 200:
                seen.append(url)
    # The check looked at real pages, including the module page with the school's own actions.
    assert f"/skole/modul/{world.slug(1)}" in seen
