"""The main menu marks the page the user is on, whichever view module serves it."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from learningpack.models import Role
from learningpack.web.menu import main_menu, section_of
from tests.factories import SchoolFactory, login, make_leader, make_puf
from tests.helpers import page_of


@pytest.mark.parametrize(
    ("endpoint", "section"),
    [
        ("puf.overview", "puf.overview"),
        ("puf.school", "puf.overview"),
        ("puf.overview_csv", "puf.overview"),
        ("puf.digest_xlsx", "puf.digest"),
        ("puf.revoke_api_key", "puf.api_keys"),
        ("puf.audit_log", "puf.audit_log"),
        ("admin.import_schools", "admin.schools_page"),
        ("school.module", "school.home"),
        ("school.edit_team", "school.staff"),
        ("teacher.log_entry", "teacher.my_actions_page"),
        ("auth.totp_setup", "auth.account"),
        ("bank.curation", "bank.search"),
        ("bank.propose", "bank.search"),
        ("main.accessibility", None),
        (None, None),
    ],
)
def test_each_page_belongs_to_one_menu_item(endpoint: str | None, section: str | None) -> None:
    assert section_of(endpoint) == section


def test_each_role_sees_its_own_items() -> None:
    puf = [item.endpoint for item in main_menu(Role.PUF, "puf.audit_log")]
    assert puf[-1] == "auth.account" and "admin.schools_page" in puf
    assert "school.staff" in [i.endpoint for i in main_menu(Role.LEADER, None)]
    assert "school.staff" not in [i.endpoint for i in main_menu(Role.TEACHER, None)]
    for role in Role:  # the knowledge bank is for everyone
        assert "bank.search" in [i.endpoint for i in main_menu(role, None)]
    marked = [i.endpoint for i in main_menu(Role.PUF, "puf.create_api_key") if i.current]
    assert marked == ["puf.api_keys"]


def current_items(page: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)" aria-current="page">', page)


def test_the_page_shows_where_the_user_is(app: Flask, client: FlaskClient) -> None:
    puf = make_puf()
    login(client, puf)
    assert current_items(page_of(client.get("/puf/revisionslog/"))) == ["/puf/revisionslog/"]
    assert current_items(page_of(client.get("/puf/api-noegler/"))) == ["/puf/api-noegler/"]
    assert current_items(page_of(client.get("/puf/"))) == ["/puf/"]

    other = app.test_client()
    login(other, make_leader(SchoolFactory()))
    assert current_items(page_of(other.get("/skole/personale"))) == ["/skole/personale"]
    assert current_items(page_of(other.get("/skole/"))) == ["/skole/"]
