"""When a link is used by a concurrent request between the page's check and the change, the
page says so (issue 16, item 7; the race itself is in test_one_time_secrets.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask.testing import FlaskClient

from learningpack.domain import accounts
from learningpack.extensions import db
from learningpack.models import Role
from tests.factories import SchoolFactory, make_leader, make_teacher

PASSWORD = "Et-langt-og-godt-kodeord-47"


def _used_meanwhile(*args: object) -> None:
    raise accounts.AccountRefused.one("link_used")


@pytest.mark.parametrize("kind", ["invitation", "reset"])
def test_a_link_used_meanwhile_answers_410(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    school = SchoolFactory()
    if kind == "invitation":
        _user, raw = accounts.invite(
            email="ny@skole.dk",
            name="Ny",
            role=Role.TEACHER,
            school=school,
            actor=make_leader(school),
            valid_for=timedelta(days=1),
        )
        url, data = f"/invitation/{raw}", {"name": "Ny Navn"}
    else:
        found = accounts.request_reset(make_teacher(school).email, timedelta(hours=1))
        assert found is not None
        url, data = f"/nulstil/{found[1]}", {}
    db.session.commit()
    monkeypatch.setattr("learningpack.domain.accounts._consume", _used_meanwhile)
    response = client.post(url, data={**data, "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 410
    assert "allerede brugt" in response.get_data(as_text=True)
