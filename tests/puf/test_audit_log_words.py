"""The audit log in words: event kinds, fields and values in Danish, people, schools and modules
by name and linked, deleted and anonymised people as such; names in a constant number of queries."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from learningpack.content import Package
from learningpack.domain import accounts, schools
from learningpack.domain.areas import ensure_areas
from learningpack.extensions import db
from learningpack.models import Role, Team
from learningpack.models.audit import record
from learningpack.output.audit_labels import readable, verb_label
from tests.factories import SchoolFactory, login, make_leader, make_puf, make_teacher
from tests.helpers import count_queries, page_of

# The names' look-up is one UNION over several tables: on both databases.
pytestmark = pytest.mark.both_backends

URL = "/puf/revisionslog/"


def test_a_school_edit_reads_in_danish_with_names_and_links(client: FlaskClient) -> None:
    puf = make_puf(name="Pia Puf")
    ensure_areas(["Vest", "Nord"])
    school = SchoolFactory(name="Kildeskolen", district="Vest")
    schools.update_school(school, "Kildeskolen", "Nord", puf)
    db.session.commit()
    login(client, puf)
    page = page_of(client.get(URL, query_string={"verb": "school_updated"}))
    assert "1 hændelse." in page and "Skole ændret" in page
    assert "tidligere område" in page and "nyt område" in page
    assert "old_district" not in page and "Bruger " not in page
    assert f'<a href="/puf/skoler/{school.id}">Kildeskolen</a>' in page
    assert "Pia Puf" in page


def test_people_roles_modules_and_members_by_name(client: FlaskClient, package: Package) -> None:
    puf = make_puf()
    school = SchoolFactory(name="Fjordskolen")
    leader = make_leader(school, name="Lise Leder")
    teacher = make_teacher(school, name="Tove Lærer")
    team = Team(school=school, name="Indskolingen")
    db.session.add(team)
    db.session.flush()
    accounts.change_role(teacher, Role.LEADER, leader)
    record("team_saved", actor=leader, obj=team, school_id=school.id, members=[teacher.id, 999999])
    module = package.modules[0]
    record("cycle_completed", actor=leader, school_id=school.id, module=module.slug)
    db.session.commit()
    login(client, puf)
    page = page_of(client.get(URL, query_string={"school": "FJORD"}))
    assert "3 hændelser." in page
    assert "tidligere rolle" in page and "Lærer / pædagog" in page and "ny rolle" in page
    assert f'href="/administration/skoler/{school.id}#person-{teacher.id}">Tove Lærer</a>' in page
    assert "Team »Indskolingen«" in page and "Slettet bruger (nr. 999999)" in page
    assert f'href="/puf/skoler/{school.id}/modul/{module.slug}">{module.title}</a>' in page


def test_unknown_kinds_deleted_objects_and_anonymised_people_still_read(
    client: FlaskClient,
) -> None:
    puf = make_puf()
    school = SchoolFactory()
    leader = make_leader(school)
    gone = make_teacher(school, name="Gitte Går")
    record("record_archived", actor=leader, school_id=school.id, some_field="x")
    event = record("resource_edited", actor=leader, school_id=school.id)
    event.object_type, event.object_id = "Resource", 424242
    other = record("logged_thing", actor=leader, school_id=school.id)
    other.object_type, other.object_id = "Gizmo", 7
    record("user_deactivated", actor=leader, obj=gone, school_id=school.id)
    accounts.anonymise(gone, puf)
    db.session.commit()
    login(client, puf)
    response = client.get(URL, query_string={"school": school.name})
    page = page_of(response)
    assert response.status_code == 200
    assert "Record archived" in page and "some field" in page
    assert "Materiale 424242 (slettet)" in page and "Gizmo 7" in page
    assert "(anonymiseret)" in page and "Gitte Går" not in page


def test_labels_fall_back_to_a_readable_code(app: Flask) -> None:
    assert verb_label("notification_sent") == "Notification sent"
    assert readable("") == ""


def test_names_cost_the_same_queries_for_one_row_and_for_many(client: FlaskClient) -> None:
    puf = make_puf()
    school = SchoolFactory()
    leader = make_leader(school)
    teacher = make_teacher(school)
    record("role_changed", actor=leader, obj=teacher, school_id=school.id, old="teacher")
    db.session.commit()
    login(client, puf)
    with count_queries() as few:
        assert client.get(URL).status_code == 200
    for n in range(30):
        person = make_teacher(school, name=f"Lærer {n}")
        record("user_invited", actor=leader, obj=person, school_id=school.id, role="teacher")
        team = Team(school=school, name=f"Team {n}")
        db.session.add(team)
        db.session.flush()
        record("team_saved", actor=leader, obj=team, school_id=school.id, members=[person.id])
    db.session.commit()
    with count_queries() as many:
        page = page_of(client.get(URL))
    assert "Lærer 29" in page and "Team »Team 29«" in page
    assert len(many) <= len(few) + 1  # one look-up for every kind of object on the page
