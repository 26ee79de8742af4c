"""Account status (issue 16, item 10): a deactivated school's sessions end for good; a leader
cannot undo PUF's deactivation; deactivating a pending invitee stops the invitation link."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from learningpack.domain import accounts
from learningpack.domain.schools import set_school_active
from learningpack.extensions import db
from learningpack.models import Role, User
from tests.factories import SchoolFactory, login, make_leader, make_puf, make_teacher


def test_deactivating_a_school_ends_its_sessions_for_good(app: Flask, client: FlaskClient) -> None:
    school = SchoolFactory()
    leader = make_leader(school)
    login(client, leader)
    assert client.get("/skole/").status_code == 200
    puf = make_puf()
    set_school_active(school, False, puf)
    db.session.commit()
    assert client.get("/skole/").status_code == 302
    set_school_active(school, True, puf)
    db.session.commit()
    assert client.get("/skole/").status_code == 302, "the old session does not come back"
    assert login(client, leader).status_code == 302 and client.get("/skole/").status_code == 200


def test_a_leader_cannot_reactivate_whom_puf_deactivated(client: FlaskClient) -> None:
    school = SchoolFactory()
    leader, teacher, puf = make_leader(school), make_teacher(school), make_puf()
    accounts.set_active(teacher, False, puf)
    db.session.commit()
    login(client, leader)
    response = client.post(f"/skole/personale/{teacher.id}/genaktiver", follow_redirects=True)
    assert "Kun PUF kan aktivere den igen" in response.get_data(as_text=True)
    db.session.refresh(teacher)
    assert not teacher.active
    accounts.set_active(teacher, True, puf)
    assert teacher.active and teacher.deactivated_by_role is None
    accounts.set_active(teacher, False, leader)  # the leader's own deactivation they may undo
    accounts.set_active(teacher, True, leader)
    assert teacher.active


def _invited(school: object, actor: User) -> tuple[User, str]:
    return accounts.invite(
        email="ny@skole.dk",
        name="Ny",
        role=Role.TEACHER,
        school=school,  # type: ignore[arg-type]
        actor=actor,
        valid_for=timedelta(days=1),
    )


def test_deactivating_a_pending_invitee_stops_the_link(client: FlaskClient) -> None:
    school = SchoolFactory()
    leader = make_leader(school)
    user, raw = _invited(school, leader)
    db.session.commit()
    assert client.get(f"/invitation/{raw}").status_code == 200
    login(client, leader)
    client.post(f"/skole/personale/{user.id}/deaktiver")
    client.post("/logout")
    assert client.get(f"/invitation/{raw}").status_code == 410
    password = "Et-langt-og-godt-kodeord-47"
    response = client.post(
        f"/invitation/{raw}", data={"name": "Ny", "password": password, "confirm": password}
    )
    assert response.status_code == 410
    db.session.refresh(user)
    assert not user.active and not user.password_hash


def test_a_pending_invitee_is_invited_again_not_reactivated(app: Flask) -> None:
    school = SchoolFactory()
    leader, puf = make_leader(school), make_puf()
    user, _raw = _invited(school, leader)
    accounts.set_active(user, False, puf)
    with pytest.raises(accounts.AccountRefused) as reactivated:
        accounts.set_active(user, True, puf)
    assert reactivated.value.codes == ["pending_reactivate"]
    with pytest.raises(accounts.AccountRefused) as by_leader:
        _invited(school, leader)
    assert by_leader.value.codes == ["deactivated_by_puf"]
    again, raw = _invited(school, puf)
    assert again.id == user.id and again.deactivated_by_role is None and raw
