"""Cross-school probes are audited (issue 16, item 11): another school's id answers 404 as if
it did not exist, and the attempt goes to the audit log; an id that exists nowhere does not."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select

from learningpack.content import Package
from learningpack.extensions import db
from learningpack.models import AuditEvent
from tests.factories import login
from tests.world import add_action, make_world


def probes() -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.verb == "access_probe")))


def test_another_schools_ids_answer_404_and_are_audited(
    client: FlaskClient, package: Package
) -> None:
    w = make_world(package, other_started=True)
    assert w.other_run is not None
    theirs = add_action(
        w.cycle(1, w.other_run), w, team=w.other_team, owners=[w.other_teacher], observer=None
    )
    db.session.commit()
    login(client, w.leader)
    urls = [
        f"/skole/teams/{w.other_team.id}",
        f"/skole/personale/{w.other_teacher.id}/anonymiser",
        f"/skole/aktion/{theirs.id}/rediger",
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    found = probes()
    assert [e.detail["path"] for e in found] == urls
    assert {e.actor_id for e in found} == {w.leader.id}
    assert {e.school_id for e in found} == {w.school.id}


def test_an_id_that_exists_nowhere_is_a_plain_404(client: FlaskClient, package: Package) -> None:
    w = make_world(package)
    login(client, w.leader)
    assert client.get("/skole/teams/99999").status_code == 404
    assert client.get("/skole/aktion/99999/rediger").status_code == 404
    assert probes() == []
