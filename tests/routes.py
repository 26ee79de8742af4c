"""Every route, every role: the routes of the app and concrete URLs for them."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask
from werkzeug.routing import Rule

from learningpack.models import User
from tests.world import World

# The roles of the route-access matrix: the attribute of ``World`` each one logs in as.
ROLES = ("anon", "leader", "teacher", "teacher2", "puf")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
# A very late request: it ends the session.
LAST = ("auth.logout", "POST")


@dataclass
class Ids:
    """Concrete values for the URL variables of a rule."""

    slug: str
    action_id: int
    school_id: int
    code: str = "da"
    user_id: int = 0
    team_id: int = 0
    token: str = "kein-gueltiger-link"
    token_id: int = 0
    resource_id: int = 0
    event_id: int = 0
    version: int = 1
    draft_id: int = 0
    quote_id: int = 0
    provider: str = "staff"
    area_id: int = 0

    notice_id: int = 0
    holiday_id: int = 0
    entry_id: int = 0
    meeting_id: int = 0
    question_id: int = 0
    reflection_id: int = 0


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
            "Ids in tests/routes.py"
        )
    values = {name: getattr(ids, name) for name in rule.arguments}
    return str(app.url_map.bind("localhost").build(rule.endpoint, values, method=method))


def user_for(world: World, role: str) -> User | None:
    return None if role == "anon" else getattr(world, role)


def own_ids(world: World) -> Ids:
    return Ids(
        slug=world.slug(1),
        action_id=world.actions["ours"].id,
        school_id=world.school.id,
        user_id=world.spare.id,  # type: ignore[attr-defined]
        team_id=world.team.id,
        token_id=world.token_ids[0],  # type: ignore[attr-defined]
        resource_id=world.resource_ids[0],  # type: ignore[attr-defined]
        event_id=world.event_id,  # type: ignore[attr-defined]
        draft_id=world.draft_id,  # type: ignore[attr-defined]
        quote_id=world.quote_id,  # type: ignore[attr-defined]
        area_id=world.area_id,  # type: ignore[attr-defined]
        notice_id=getattr(world, "notice_id", 0),  # PUF's own notice
        holiday_id=getattr(world, "holiday_id", 0),
        **world.record_ids[0],  # type: ignore[attr-defined]
    )
