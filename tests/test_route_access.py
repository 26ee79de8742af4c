"""Every route, every role (DESIGN.md §1, §10).

The routes come from ``app.url_map``, so a route added later without an entry in ``EXPECTED``
(or without protection) makes these tests fail with a message saying what to add.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from learningpack import cycle as rules
from learningpack.api.tokens import create_token
from learningpack.content import Package
from learningpack.models import Action, SessionKind, Team, User
from tests.factories import TeamFactory, login, make_puf, make_teacher
from tests.test_facilitation_views import START, World, agree, make_world, page_of

LOGIN = "login"  # a redirect to the login page
NOT_ON = "not on it"  # 403: the role may use the route, but this user is not on the action
PUBLIC = {
    "/login",
    "/",
    "/tilgaengelighed",
    "/healthz",
    "/sprog/<code>",
    "/api/v1/openapi.json",
}
# The JSON API takes a bearer token only: no token (and a session cookie is no token) is 401.
API = "/api/"
    "/login/kode",
    "/glemt-adgangskode",
    "/nulstil/<token>",
    "/invitation/<token>",
}
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
    ("puf.school", "GET"): row(LOGIN, 403, 403, 403, 200),
    ("puf.module", "GET"): row(LOGIN, 403, 403, 403, 200),
    ("puf.unlock", "POST"): row(LOGIN, 403, 403, 403, 400),  # no reason given
    ("api_tokens.tokens", "GET"): row(LOGIN, 403, 403, 403, 200),
    ("api_tokens.create", "POST"): row(LOGIN, 403, 403, 403, 400),  # no name given
    ("api_tokens.revoke", "POST"): row(LOGIN, 403, 403, 403, 302),
    ("api.openapi", "GET"): row(200, 200, 200, 200, 200),
    ("api.schools", "GET"): row(401, 401, 401, 401, 401),
    ("api.school", "GET"): row(401, 401, 401, 401, 401),
    ("api.progress", "GET"): row(401, 401, 401, 401, 401),
    ("api.summary", "GET"): row(401, 401, 401, 401, 401),
    # The own account: everyone logged in. Empty POSTs re-render with errors.
    ("account.account", "GET"): row(LOGIN, 200, 200, 200, 200),
    ("account.change_password", "POST"): row(LOGIN, 400, 400, 400, 400),
    ("account.preferences", "POST"): row(LOGIN, 400, 400, 400, 400),
    ("account.totp_setup", "GET"): row(LOGIN, 200, 200, 200, 200),
    ("account.totp_setup", "POST"): row(LOGIN, 400, 400, 400, 400),
    # Shown once, right after setup; otherwise back to the account page.
    ("account.recovery_codes", "GET"): row(LOGIN, 302, 302, 302, 302),
    ("account.totp_disable", "POST"): row(LOGIN, 400, 400, 400, 400),
    # Public: the code step needs a password step first; links with an unknown token are gone.
    ("account.login_code", "GET"): row(LOGIN, 302, 302, 302, 302),
    ("account.login_code", "POST"): row(LOGIN, 302, 302, 302, 302),
    ("account.forgot_password", "GET"): row(200, 200, 200, 200, 200),
    ("account.forgot_password", "POST"): row(400, 400, 400, 400, 400),
    ("account.reset_password", "GET"): row(410, 410, 410, 410, 410),
    ("account.reset_password", "POST"): row(410, 410, 410, 410, 410),
    ("account.accept_invitation", "GET"): row(410, 410, 410, 410, 410),
    ("account.accept_invitation", "POST"): row(410, 410, 410, 410, 410),
    # PUF's administration of schools and accounts (any school, any user).
    ("admin.schools_page", "GET"): row(LOGIN, 403, 403, 403, 200),
    ("admin.new_school", "GET"): row(LOGIN, 403, 403, 403, 200),
    ("admin.new_school", "POST"): row(LOGIN, 403, 403, 403, 400),
    ("admin.school", "GET"): row(LOGIN, 403, 403, 403, 200),
    ("admin.school", "POST"): row(LOGIN, 403, 403, 403, 400),
    ("admin.deactivate_school", "POST"): row(LOGIN, 403, 403, 403, 302),
    ("admin.reactivate_school", "POST"): row(LOGIN, 403, 403, 403, 302),
    ("admin.import_schools", "GET"): row(LOGIN, 403, 403, 403, 200),
    ("admin.import_schools", "POST"): row(LOGIN, 403, 403, 403, 400),
    ("admin.invite_leader", "GET"): row(LOGIN, 403, 403, 403, 200),
    ("admin.invite_leader", "POST"): row(LOGIN, 403, 403, 403, 400),
    ("admin.deactivate_user", "POST"): row(LOGIN, 403, 403, 403, 302),
    ("admin.reactivate_user", "POST"): row(LOGIN, 403, 403, 403, 302),
    ("admin.anonymise_user", "GET"): row(LOGIN, 403, 403, 403, 200),
    ("admin.anonymise_user", "POST"): row(LOGIN, 403, 403, 403, 302),
    # The leader's staff and teams, own school only.
    ("staff.staff", "GET"): row(LOGIN, 200, 403, 403, 403),
    ("staff.invite", "GET"): row(LOGIN, 200, 403, 403, 403),
    ("staff.invite", "POST"): row(LOGIN, 400, 403, 403, 403),
    ("staff.reinvite", "POST"): row(LOGIN, 302, 403, 403, 403),  # already accepted: a flash
    ("staff.deactivate", "POST"): row(LOGIN, 302, 403, 403, 403),
    ("staff.reactivate", "POST"): row(LOGIN, 302, 403, 403, 403),
    ("staff.change_role", "POST"): row(LOGIN, 302, 403, 403, 403),  # no role: a flash
    ("staff.anonymise", "GET"): row(LOGIN, 200, 403, 403, 403),
    ("staff.anonymise", "POST"): row(LOGIN, 302, 403, 403, 403),
    ("staff.new_team", "GET"): row(LOGIN, 200, 403, 403, 403),
    ("staff.new_team", "POST"): row(LOGIN, 400, 403, 403, 403),
    ("staff.edit_team", "GET"): row(LOGIN, 200, 403, 403, 403),
    ("staff.edit_team", "POST"): row(LOGIN, 400, 403, 403, 403),
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
    token_id: int = 0
    user_id: int = 0
    team_id: int = 0
    token: str = "kein-gueltiger-link"


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
    # The PUF user's own API token, and another PUF user's.
    world.token_ids = [  # type: ignore[attr-defined]
        create_token(world.puf, "Egen nøgle", 30).token.id,
        create_token(make_puf(name="Anden PUF"), "Andens nøgle", 30).token.id,
    ]
    # Staff the account pages may deactivate and anonymise, one at each school.
    world.spare = make_teacher(world.school, name="Karl Kildereserve")  # type: ignore[attr-defined]
    world.other_spare = make_teacher(  # type: ignore[attr-defined]
        world.other_school, name="Frida Fjordreserve"
    )
    return world


OURS = (
    "Kildeskolens fredagsbesked",
    "Kildeskolens forældreråd",
    "Kildeskolens mødenoter",
    "Kildeskolens logning",
    "Karl Kildereserve",
)
THEIRS = (
    "Fjordskolens forældrekaffe",
    "Fjordskolens SFO-aktion",
    "Fjordskolens mødenoter",
    "Frida Fjordreserve",
)


def user_for(world: World, role: str) -> User | None:
    return None if role == "anon" else getattr(world, role)


def own_ids(world: World) -> Ids:
    return Ids(
        slug=world.slug(1),
        action_id=world.actions["ours"].id,
        school_id=world.school.id,
        token_id=world.token_ids[0],  # type: ignore[attr-defined]
        user_id=world.spare.id,  # type: ignore[attr-defined]
        team_id=world.team.id,
    )


def variants(world: World, rule: Rule) -> dict[str, Ids]:
    """Our own objects, always; the other school's and a missing one where the URL names one."""
    own = own_ids(world)
    found = {"own": own}
    if "action_id" in rule.arguments:
        found["other"] = replace(own, action_id=world.actions["theirs"].id)
        found["missing"] = replace(own, action_id=10**6)
    if "school_id" in rule.arguments:
        found["other"] = replace(own, school_id=world.other_school.id)
        found["missing"] = replace(own, school_id=10**6)
    if "token_id" in rule.arguments:
        # Another PUF user's token is as good as missing.
        other_token = world.token_ids[1]  # type: ignore[attr-defined]
        found["other"] = replace(own, token_id=other_token)
        found["missing"] = replace(own, token_id=10**6)
    if "user_id" in rule.arguments:
        found["other"] = replace(own, user_id=world.other_spare.id)  # type: ignore[attr-defined]
        found["missing"] = replace(own, user_id=10**6)
    if "team_id" in rule.arguments:
        found["other"] = replace(own, team_id=world.other_team.id)
        found["missing"] = replace(own, team_id=10**6)
    return found


def expected(role: str, endpoint: str, method: str, rule: Rule, variant: str) -> Any:
    own = EXPECTED[(endpoint, method)][role]
    if variant == "own":
        return 403 if own == NOT_ON else own
    if "action_id" in rule.arguments:
        # Another school's action, or none: 404 for anyone the route lets in at all.
        return own if own in (LOGIN, 403) else 404
    if own == 401:
        return 401  # the API answers no session at all, whatever the id
    if "user_id" in rule.arguments or "team_id" in rule.arguments:
        # A leader's staff pages answer 404 for another school's user or team; PUF's
        # administration reaches any user, but not a missing one.
        if own in (LOGIN, 403):
            return own
        if role == "puf":
            return 404 if variant == "missing" else own
        return 404
    if variant == "missing" and role == "puf":
        return 404
    if "token_id" in rule.arguments and variant == "other" and role == "puf":
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
                # 400: an empty form; 410: a link with an unknown token.
                if result not in (200, 302, 400, 410, LOGIN):
                    wrong.append(f"{method} {url} (public): {result}")
            elif rule.rule.startswith(API):
                if result != 401:
                    wrong.append(f"{method} {url} ({variant}): {result}, expected 401")
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
        spares = (world.spare, world.other_spare)  # type: ignore[attr-defined]
        my_spare, their_spare = spares[::-1] if ours else spares
        their_team = world.team if ours else world.other_team
        for ids in (
            Ids(world.slug(1), mine.id, user.school_id, user_id=my_spare.id, team_id=my_team.id),
            Ids(
                world.slug(1),
                their_action.id,
                their_school.id,
                user_id=their_spare.id,
                team_id=their_team.id,
            ),
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
