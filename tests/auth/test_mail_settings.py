"""Choosing one's reminder e-mails on /konto; the demo has reminders due right after seeding."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Flask

from learningpack.domain import mail_choices
from learningpack.ops.demo import seed_demo
from learningpack.ops.notify import send
from tests.factories import login
from tests.helpers import page_of
from tests.world import make_world

A_WEDNESDAY = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def test_each_role_chooses_its_own_kinds_of_mail_on_the_account_page(
    app: Flask, package: Any, client: Any
) -> None:
    world = make_world(package, started=False)
    login(client, world.leader)
    page = page_of(client.get("/konto"))
    assert "Skolens uge, hver mandag" in page and "Ugen i kommunen" not in page
    assert '<input checked id="mail-actions" name="mail-actions" type="checkbox"' in page
    assert mail_choices.current_choices(world.leader)[mail_choices.SCHOOL_WEEK] is False

    saved = client.post("/konto/e-mails", data={"mail-school_week": "y", "mail-follow_up": "y"})
    assert saved.status_code == 302
    assert mail_choices.current_choices(world.leader) == {
        mail_choices.ACTIONS: False,
        mail_choices.REFLECTION: False,
        mail_choices.FOLLOW_UP: True,
        mail_choices.SCHOOL_WEEK: True,
    }
    client.post("/logout")
    login(client, world.puf)
    page = page_of(client.get("/konto"))
    assert "Ugen i kommunen, hver mandag" in page and "Skolens uge" not in page


def test_the_demo_has_reminders_due_once_on_a_working_day(app: Flask, package: Any) -> None:
    seed_demo(package, today=A_WEDNESDAY.date())
    first = send(A_WEDNESDAY)
    assert first.sent > 0 and first.failed == 0
    assert send(A_WEDNESDAY).sent == 0
