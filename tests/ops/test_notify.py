"""`notify send` (issue 14): reminders go out once, through a real SMTP server, with both parts
and a one-click unsubscribe; failures are retried and given up; digests stay within the school."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from learningpack.domain import calendar, mail_choices, outbox
from learningpack.extensions import db
from learningpack.models import MailStatus, Notice, OutboxMail
from learningpack.ops.notify import send
from tests.helpers import count, run_in_threads
from tests.world import add_action, add_resource, make_world

# A Wednesday (10:00 in Copenhagen), and the Monday of its week.
NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
TODAY = date(2026, 12, 2)
MONDAY = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)


def quiet_action(world: Any, **overrides: Any) -> Any:
    """An action in its period for ten days with nothing logged, ending in two days: its owner
    (teacher) and observer (teacher2) are each due two reminders."""
    values = {"period_start": TODAY - timedelta(days=10), "period_end": TODAY + timedelta(days=2)}
    values.update(overrides)
    return add_action(world.cycle(1), world, **values)


def to(messages: list[EmailMessage], address: str) -> list[EmailMessage]:
    return [m for m in messages if m["To"] == address]


def parts(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()


def test_due_reminders_arrive_once_with_both_parts_and_one_click_unsubscribe(
    app: Flask, package: Any, smtp: Any
) -> None:
    world = make_world(package)
    action = quiet_action(world)
    db.session.commit()

    summary = send(NOW)
    # Each person's two reminders travel in one e-mail.
    assert summary.line() == "notify: 2 sendt, 0 fejlede, 0 opgivet, 0 i kø"
    (owner,) = to(smtp.messages, world.teacher.email)
    (observer,) = to(smtp.messages, world.teacher2.email)
    assert owner["Subject"] == "2 påmindelser fra Læringspakken"
    text, html = parts(owner)
    ends = f"Perioden for »{action.title}« slutter 4. december 2026"
    assert f"1. Påmindelse: log på »{action.title}«" in text and f"2. {ends}" in text
    assert html.count("<h2") == 2 and ends in html
    assert f"Påmindelse: observation på »{action.title}«" in parts(observer)[0]
    for message in smtp.messages:
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        unsubscribe = message["List-Unsubscribe"].strip().strip("<>")
        assert unsubscribe.startswith("http://127.0.0.1:5000/afmeld/")
        text, html = parts(message)
        assert f"/mine-aktioner/{action.id}/log" in text
        assert unsubscribe in text and f'href="{unsubscribe}"' in html
        assert f"»{action.title}«" in html
        # Titles only: none of the action's free text travels.
        assert action.what not in text and action.expectation not in html

    again = send(NOW + timedelta(minutes=15))
    assert (again.sent, again.waiting) == (0, 0)
    assert len(smtp.messages) == 2
    # Every reminder is recorded once: two carry the e-mails, two are bundled into them.
    assert count(OutboxMail, OutboxMail.status == MailStatus.SENT) == 2
    sent = set(db.session.scalars(select(OutboxMail.id).where(OutboxMail.status == "sent")))
    bundled = db.session.scalars(select(OutboxMail).where(OutboxMail.status == "bundled")).all()
    assert len(bundled) == 2 and {b.bundled_into_id for b in bundled} == sent


def test_one_reminder_keeps_its_own_subject_and_a_new_one_comes_in_a_new_mail(
    app: Flask, package: Any, smtp: Any
) -> None:
    world = make_world(package)
    action = quiet_action(world, period_end=TODAY + timedelta(days=20))
    db.session.commit()
    send(NOW)
    (mail,) = to(smtp.messages, world.teacher.email)
    assert mail["Subject"] == f"Påmindelse: log på »{action.title}«"
    assert "1. " not in parts(mail)[0]

    # A day later, a new action whose period ends within three days: only its reminders are new.
    later = quiet_action(world, title="Forældrebrev", period_end=TODAY + timedelta(days=3))
    db.session.commit()
    send(NOW + timedelta(days=1))
    newest = to(smtp.messages, world.teacher.email)[1:]
    assert [m["Subject"] for m in newest] == ["2 påmindelser fra Læringspakken"]
    text = parts(newest[0])[0]
    assert f"»{later.title}«" in text and f"log på »{action.title}«" not in text


def test_unsubscribe_link_works_without_login_and_stops_that_kind(
    app: Flask, package: Any, smtp: Any
) -> None:
    world = make_world(package)
    quiet_action(world)
    db.session.commit()
    send(NOW)
    (message,) = to(smtp.messages, world.teacher.email)
    link = message["List-Unsubscribe"].strip().strip("<>").removeprefix("http://127.0.0.1:5000")
    client = app.test_client()

    asked = client.get(link)
    assert asked.status_code == 200 and "Ja, afmeld" in asked.get_data(as_text=True)
    done = client.post(link, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "Du får ikke længere" in done.get_data(as_text=True)
    assert mail_choices.current_choices(world.teacher)[mail_choices.ACTIONS] is False
    assert client.get("/afmeld/forfalsket.link").status_code == 404

    # A new action of the teacher's: nothing for them by mail; the observer still gets theirs.
    smtp.messages.clear()
    quiet_action(world, title="Forældrebrev")
    db.session.commit()
    send(NOW)
    assert to(smtp.messages, world.teacher.email) == []
    assert len(to(smtp.messages, world.teacher2.email)) == 1
    # Still in the app: the notices came, though the e-mail did not.
    assert count(Notice, Notice.user_id == world.teacher.id) == 4
    assert (
        count(OutboxMail, OutboxMail.user_id == world.teacher.id, OutboxMail.status == "skipped")
        == 2
    )


def test_a_refused_delivery_is_retried_with_backoff_and_then_given_up(
    app: Flask, package: Any, smtp: Any
) -> None:
    world = make_world(package)
    add_resource(world, published=False, title="Vores forslag")
    db.session.commit()
    smtp.refuse = "451 Try again later"

    first = send(NOW)
    assert (first.sent, first.failed, first.given_up, first.waiting) == (0, 1, 0, 1)
    assert send(NOW + timedelta(minutes=1)).failed == 0  # the backoff has not passed
    moment = NOW
    for _attempt in range(outbox.MAX_ATTEMPTS - 1):
        moment += timedelta(hours=2)
        last = send(moment)
    assert (last.given_up, last.waiting) == (1, 0)
    mail = db.session.scalar(select(OutboxMail))
    assert mail is not None and mail.status == MailStatus.GIVEN_UP
    assert mail.attempts == outbox.MAX_ATTEMPTS == smtp.refused
    assert "451" in mail.last_error
    smtp.refuse = ""
    assert send(moment + timedelta(hours=2)).sent == 0


def test_a_rejected_recipient_is_retried_too(app: Flask, package: Any, smtp: Any) -> None:
    world = make_world(package)
    add_resource(world, published=False)
    db.session.commit()
    smtp.refuse = "550 No such user"
    assert send(NOW).failed == 1
    smtp.refuse = ""
    later = send(NOW + timedelta(hours=1))
    assert later.sent == 1 and len(smtp.messages) == 1


def test_english_user_gets_english_mail(app: Flask, package: Any, smtp: Any) -> None:
    world = make_world(package)
    world.teacher.locale = "en"
    action = quiet_action(world)
    db.session.commit()
    send(NOW)
    (mail,) = to(smtp.messages, world.teacher.email)
    assert mail["Subject"] == "2 reminders from the learning package"
    text, _html = parts(mail)
    assert f"Reminder: log on »{action.title}«" in text
    assert f"The period for »{action.title}« ends on December 4, 2026" in text
    assert "Unsubscribe from these e-mails" in text
    (danish,) = to(smtp.messages, world.teacher2.email)
    assert danish["Subject"] == "2 påmindelser fra Læringspakken"


def test_leader_digest_on_monday_is_opt_in_and_holds_only_their_school(
    app: Flask, package: Any, smtp: Any
) -> None:
    world = make_world(package, other_started=True)
    overdue = {"period_start": date(2026, 11, 1), "period_end": date(2026, 11, 20)}
    add_action(world.cycle(1), world, title="Kildeskolens aktion", **overdue)
    add_action(
        world.cycle(1, world.other_run),
        world,
        title="Fjordskolens hemmelige aktion",
        team=world.other_team,
        owners=[world.other_teacher],
        observer=None,
        actor=world.other_leader,
        **overdue,
    )
    db.session.commit()
    send(MONDAY)
    assert to(smtp.messages, world.leader.email) == []  # not asked for

    mail_choices.set_choice(world.leader, mail_choices.SCHOOL_WEEK, True)
    mail_choices.set_choice(world.other_leader, mail_choices.SCHOOL_WEEK, True)
    db.session.commit()
    send(MONDAY)
    ours = to(smtp.messages, world.leader.email)
    assert [m["Subject"] for m in ours] == ["Skolens uge (2026-W49)"]
    text, html = parts(ours[0])
    assert "»Kildeskolens aktion«" in text and "Kildeskolens aktion" in html
    assert "Fjordskolen" not in text + html
    theirs, _ = parts(to(smtp.messages, world.other_leader.email)[0])
    assert "Fjordskolens hemmelige aktion" in theirs and "Kildeskolens" not in theirs
    assert send(MONDAY + timedelta(days=1)).sent == 0  # once a week


def test_follow_up_meeting_reminder_lists_what_is_missing(
    app: Flask, package: Any, smtp: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = make_world(package)
    cycle = world.cycle(1)
    db.session.commit()
    monkeypatch.setattr(calendar, "follow_up_date", lambda c: TODAY + timedelta(days=3))
    send(NOW)
    (mail,) = to(smtp.messages, world.leader.email)
    assert (
        mail["Subject"].startswith("Opfølgningsmødet om »")
        and "5. december 2026" in mail["Subject"]
    )
    text, html = parts(mail)
    assert "Registrér mindst ét møde med dato, deltagere og noter fra drøftelsen." in text
    assert f"/skole/modul/{cycle.module_slug}#moeder" in html
    assert to(smtp.messages, world.teacher.email) == []


def test_puf_hears_of_proposals_and_gets_the_monday_digest(
    app: Flask, package: Any, smtp: Any
) -> None:
    world = make_world(package)
    resource = add_resource(world, published=False, title="Årshjul for forældrerådet")
    resource.created_at = MONDAY - timedelta(days=2)
    db.session.commit()
    send(MONDAY)
    subjects = sorted(m["Subject"] for m in to(smtp.messages, world.puf.email))
    assert subjects == [
        "Nyt forslag til videnbanken: »Årshjul for forældrerådet«",
        "Ugen i kommunen (2026-W49)",
    ]
    digest = next(m for m in smtp.messages if m["Subject"].startswith("Ugen"))
    text, _html = parts(digest)
    assert "»Kildeskolen« har foreslået noget til videnbanken" in text


def test_nothing_on_a_quiet_day_and_in_app_only_without_smtp(
    app: Flask, package: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = make_world(package)
    quiet_action(world)
    db.session.commit()
    saturday = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
    assert send(saturday).line().startswith("notify: 0 sendt")
    assert count(Notice) == 0
    summary = send(NOW)
    assert summary.line() == (
        "notify: 2 sendt, 0 fejlede, 0 opgivet, 0 i kø "
        "(ingen MAIL_SERVER: e-mails skrevet i loggen)"
    )
    assert summary.noticed == 4
    assert count(OutboxMail, OutboxMail.status == MailStatus.LOGGED) == 2
    urls = db.session.scalars(select(Notice.url).where(Notice.user_id == world.teacher.id))
    assert f"/mine-aktioner/{world.cycle(1).actions[0].id}/log" in set(urls)


@pytest.mark.postgres
def test_two_concurrent_runs_send_each_reminder_once(
    app: Flask, package: Any, smtp: Any, backend: str
) -> None:
    world = make_world(package)
    titles = [f"Aktion {n}" for n in range(6)]
    for title in titles:
        quiet_action(world, title=title)
    db.session.commit()
    results = run_in_threads(
        app, {name: (lambda: send(NOW).line()) for name in ("first", "second")}
    )
    assert len(results) == 2
    # 24 reminders (owner and observer: no log and period ends, for six actions), each
    # recorded once and carried in exactly one e-mail.
    assert count(OutboxMail) == 24
    assert count(Notice) == 24
    for person in (world.teacher, world.teacher2):
        texts = [parts(m)[0] for m in to(smtp.messages, person.email)]
        assert texts and len(texts) <= 2
        for title in titles:  # two reminders, each naming the action in its heading and text
            assert sum(text.count(f"»{title}«") for text in texts) == 4
            assert sum(text.count(f"Perioden for »{title}«") for text in texts) == 1
    assert send(NOW).sent == 0


def test_the_command_prints_one_summary_line(app: Flask, package: Any) -> None:
    make_world(package)
    result = app.test_cli_runner().invoke(args=["notify", "send"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("notify: 0 sendt, 0 fejlede, 0 opgivet, 0 i kø")


def test_a_reminder_another_run_recorded_first_stays_out_of_this_runs_mail(
    app: Flask, package: Any, smtp: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = make_world(package)
    action = quiet_action(world)
    db.session.commit()
    # As if a concurrent run had recorded (and will mail) the period-end reminder a moment
    # after this run looked: this run's insert of it does nothing.
    key = f"period_ends:{action.id}:{TODAY + timedelta(days=2)}"
    db.session.add(
        OutboxMail(
            user_id=world.teacher.id, kind="period_ends", dedupe_key=key,
            status=MailStatus.SENT, to_address=world.teacher.email, subject="",
            body_text="", body_html="", unsubscribe_url="",
        )
    )  # fmt: skip
    db.session.commit()
    monkeypatch.setattr(outbox, "recorded_keys", lambda pairs: set())

    send(NOW)
    (mail,) = to(smtp.messages, world.teacher.email)
    assert mail["Subject"] == f"Påmindelse: log på »{action.title}«"
    assert "Perioden" not in parts(mail)[0]
    assert count(OutboxMail, OutboxMail.user_id == world.teacher.id) == 2
