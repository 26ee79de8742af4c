"""The teacher's pages through the test client: my actions, logging, status (DESIGN.md §1, §3)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from learningpack.content import Package
from learningpack.domain import records
from learningpack.extensions import db
from learningpack.models import Action, ActionStatus, AuditEvent, LogEntry, LogKind, Outcome
from learningpack.reads.cycles import my_actions
from tests.factories import login, make_teacher
from tests.helpers import count, count_queries, page_of
from tests.world import (
    COMPLETE_BUTTON,
    RECORD_BUTTON,
    START,
    World,
    agree,
    close_module_one,
    make_world,
    module_url,
    observe,
    recording_controls,
)

LOG = {"happened_on": "2026-09-04", "text": "Vi sendte beskeden.", "observation": "Tre svar."}


@pytest.fixture
def world(package: Package) -> World:
    """Our school with actions for the teacher's team, another team, the teacher as owner in
    the other team, and one action at another school."""
    world = make_world(package, other_started=True)
    cycle = world.cycle(1)
    world.actions["team"] = agree(cycle, world.leader, "Teamets fredagsbesked", team=world.team)
    world.actions["other_team"] = agree(
        cycle, world.leader, "Udskolingens forældreråd", team=world.team2
    )
    world.actions["owned"] = agree(
        cycle, world.leader, "Annes skole-hjem-samtaler", team=world.team2, owners=(world.teacher,)
    )
    assert world.other_run is not None
    world.actions["other_school"] = agree(
        world.cycle(1, world.other_run),
        world.other_leader,
        "Fjordskolens hemmelige aktion",
        team=world.other_team,
    )
    return world


@pytest.fixture
def teacher_client(client: FlaskClient, world: World) -> FlaskClient:
    login(client, world.teacher)
    return client


def log_url(action: Action) -> str:
    return f"/mine-aktioner/{action.id}/log"


def test_my_actions_lists_mine_and_my_teams_only(teacher_client: FlaskClient, world: World) -> None:
    page = page_of(teacher_client.get("/mine-aktioner/"))
    assert "Teamets fredagsbesked" in page
    assert "Annes skole-hjem-samtaler" in page
    assert "Udskolingens forældreråd" not in page
    assert "Fjordskolens hemmelige aktion" not in page
    assert log_url(world.actions["team"]) in page
    assert log_url(world.actions["other_team"]) not in page


def test_my_actions_keeps_what_the_team_decided_to_keep(
    teacher_client: FlaskClient, world: World
) -> None:
    """After its module is completed, an action the team keeps stays on the page under »Det
    fortsætter vi med« (no Log button: the module is closed); a stopped one leaves it."""
    close_module_one(world, {"owned": Outcome.STOP})
    page = page_of(teacher_client.get("/mine-aktioner/"))
    assert "Du har ingen aktioner i de åbne moduler lige nu." in page
    assert "Annes skole-hjem-samtaler" not in page  # stopped at the follow-up
    kept = page.split("Det fortsætter vi med", 1)[1]
    assert "Teamets fredagsbesked" in kept and "Aktion i modul 1" in kept
    assert "Fra modul 1, Fællesskabsunderstøttende forældresamarbejde" in kept
    assert log_url(world.actions["team"]) not in page
    agree(world.cycle(2), world.leader, "Forældremøde med dialog", team=world.team)
    page = page_of(teacher_client.get("/mine-aktioner/"))
    assert page.index("Forældremøde med dialog") < page.index("Det fortsætter vi med")
    assert f'href="{module_url(world, 2)}"' in page


def test_kept_actions_are_a_few_on_my_actions_and_the_rest_a_page_away(
    teacher_client: FlaskClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The kept list grows every module all year: "my actions" shows the newest few and links
    to the whole list, which comes a page at a time (a page past the end shows the last)."""
    close_module_one(world)
    kept = my_actions(world.teacher, kept_per_page=100).kept.items
    titles = [card.action.title for card in kept]
    assert len(titles) >= 2
    monkeypatch.setattr("learningpack.reads.cycles.KEPT_SHOWN", 1)
    monkeypatch.setattr("learningpack.teacher.routes.KEPT_PER_PAGE", 1)
    page = page_of(teacher_client.get("/mine-aktioner/"))
    section = page.split('id="kept-heading"', 1)[1]
    assert section.count('class="card action-card action-kept"') == 1 and titles[0] in section
    assert f"Se alle {len(titles)} aktioner, I fastholder" in section
    assert 'href="/mine-aktioner/fastholdt"' in section
    seen = []
    for number in range(1, len(titles) + 1):
        listed = page_of(teacher_client.get(f"/mine-aktioner/fastholdt?side={number}"))
        assert f"Side {number} af {len(titles)}" in listed
        assert listed.count('class="card action-card action-kept"') == 1
        seen += [t for t in titles if f'<h2 class="action-title">{t}</h2>' in listed]
    assert seen == titles
    last = page_of(teacher_client.get("/mine-aktioner/fastholdt?side=99"))
    assert f"Side {len(titles)} af {len(titles)}" in last and titles[-1] in last
    assert teacher_client.get("/mine-aktioner/fastholdt?side=nul").status_code == 200


def test_kept_page_says_so_when_nothing_is_kept(teacher_client: FlaskClient, world: World) -> None:
    page = page_of(teacher_client.get("/mine-aktioner/fastholdt"))
    assert "Teamet har ikke fastholdt aktioner fra afsluttede moduler endnu." in page
    assert "Det fortsætter vi med" not in page_of(teacher_client.get("/mine-aktioner/"))


def test_an_action_adjusted_in_the_reflection_leaves_with_its_module(
    teacher_client: FlaskClient, world: World
) -> None:
    close_module_one(world, {"team": Outcome.ADJUST})
    page = page_of(teacher_client.get("/mine-aktioner/"))
    assert "Teamets fredagsbesked" not in page


def test_the_line_on_top_says_module_since_when_and_my_teams_question(
    teacher_client: FlaskClient, world: World
) -> None:
    page = page_of(teacher_client.get("/mine-aktioner/"))
    line = page.split('class="working-on"', 1)[1].split("</div>", 1)[0]
    assert "Skolen arbejder med" in line
    assert f'href="{module_url(world, 1)}"' in line
    assert "modul 1 »Fællesskabsunderstøttende forældresamarbejde«" in line
    assert "siden " in line
    assert "Indskolingen undrer sig:" in line  # the teacher's team, not Udskolingen
    assert "»Hvorfor kommer så få forældre til forældremøderne?«" in line
    assert "Udskolingen" not in line


def history_of(page: str, action: Action) -> str:
    """The folded history on an action's card."""
    card = page.split(f'id="aktion-{action.id}"', 1)[1]
    return card.split('class="content-details action-history"', 1)[1].split("</details>", 1)[0]


def test_the_history_folds_each_actions_entries_newest_first(
    teacher_client: FlaskClient, world: World
) -> None:
    """Owners' entries and observations with who and when, newest first, the newest five
    (the module page has them all), in the same number of queries however many there are."""
    action = world.actions["team"]
    records.add_log_entry(
        action, author=world.teacher, happened_on=START, text="Første forsøg.", observation=""
    )
    observe(action, text="Observatøren så otte svar.")
    with count_queries() as few:
        page = page_of(teacher_client.get("/mine-aktioner/"))
    history = history_of(page, action)
    assert "Teamets logbog: 2 logninger" in history
    assert "Anne Lærer" in history and "Lise Leder" in history and "Observation" in history
    assert history.index("Observatøren så otte svar.") < history.index("Første forsøg.")
    for day in range(2, 12):
        records.add_log_entry(
            action,
            author=world.teacher,
            happened_on=START + timedelta(days=day),
            text=f"Forsøg den {day}.",
            observation="",
        )
        observe(world.actions["owned"], text=f"Set {day}.")
    with count_queries() as many:
        page = page_of(teacher_client.get("/mine-aktioner/"))
    assert len(many) == len(few)
    history = history_of(page, action)
    assert "12 logninger" in history
    shown = [f"Forsøg den {day}." for day in range(11, 6, -1)]
    assert [history.index(text) for text in shown] == sorted(history.index(t) for t in shown)
    assert "Forsøg den 6." not in history and "Første forsøg." not in history
    assert f"/skole/modul/{world.slug(1)}#aktion-{action.id}" in history


def test_log_entry_is_saved_with_author_and_starts_the_action(
    teacher_client: FlaskClient, world: World
) -> None:
    action = world.actions["team"]
    form = teacher_client.get(log_url(action))
    assert form.status_code == 200
    assert "Log på aktionen" in page_of(form) and "Teamets fredagsbesked" in page_of(form)
    response = teacher_client.post(log_url(action), data=LOG)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/mine-aktioner/#aktion-{action.id}"
    entry = db.session.scalar(select(LogEntry))
    assert entry is not None
    assert (entry.action_id, entry.author_id) == (action.id, world.teacher.id)
    assert (entry.text, entry.observation) == ("Vi sendte beskeden.", "Tre svar.")
    assert str(entry.happened_on) == "2026-09-04"
    assert db.session.get(Action, action.id).status == ActionStatus.IN_PROGRESS
    page = page_of(teacher_client.get("/mine-aktioner/"))
    assert "Din logning er gemt. Tak!" in page
    assert "1 logning" in page


def test_owner_outside_the_team_may_log(teacher_client: FlaskClient, world: World) -> None:
    assert teacher_client.post(log_url(world.actions["owned"]), data=LOG).status_code == 302
    assert count(LogEntry) == 1


def test_the_status_is_not_set_by_hand(teacher_client: FlaskClient, world: World) -> None:
    """The status follows the records (planned → in progress when logged → done when followed
    up); there is no status form to drift from them."""
    action = world.actions["team"]
    page = page_of(teacher_client.get("/mine-aktioner/"))
    assert "Skift status" not in page and "Planlagt" in page
    assert teacher_client.post(f"/mine-aktioner/{action.id}/status").status_code == 404
    teacher_client.post(log_url(action), data=LOG)
    assert "I gang" in page_of(teacher_client.get("/mine-aktioner/"))


def test_the_observer_sees_the_action_and_logs_an_observation(
    client: FlaskClient, world: World
) -> None:
    action = world.actions["other_team"]  # Udskolingen's, observed by its own observer
    observer = make_teacher(world.school, name="Olga Observatør")
    action.observer, action.observation_focus = observer, "Hvem tager ordet?"
    db.session.commit()
    login(client, observer)
    page = page_of(client.get("/mine-aktioner/"))
    assert "Udskolingens forældreråd" in page and "Teamets fredagsbesked" not in page
    assert "Du observerer" in page and "Hvem tager ordet?" in page
    assert ">Log observation<" in page
    form = page_of(client.get(log_url(action)))
    assert "Log en observation" in form and "Dit observationsfokus:" in form
    response = client.post(log_url(action), data={**LOG, "text": "Fem forældre talte."})
    assert response.status_code == 302
    entry = db.session.scalar(select(LogEntry))
    assert entry is not None
    assert (entry.kind, entry.author_id) == (LogKind.OBSERVATION, observer.id)
    # An observation alone does not start the action: the owners' log does.
    assert db.session.get(Action, action.id).status == ActionStatus.PLANNED
    response = client.post(log_url(action), data={**LOG, "text": ""})
    assert response.status_code == 400
    assert "Skriv kort, hvad du så – med observationsfokus for øje." in page_of(response)


@pytest.mark.parametrize(("which", "status"), [("other_team", 403), ("other_school", 404)])
def test_teacher_cannot_touch_actions_they_are_not_on(
    teacher_client: FlaskClient, world: World, which: str, status: int
) -> None:
    action = world.actions[which]
    before = action.status
    assert teacher_client.get(log_url(action)).status_code == status
    assert teacher_client.post(log_url(action), data=LOG).status_code == status
    assert count(LogEntry) == 0
    assert db.session.get(Action, action.id).status == before
    if status == 403:
        assert count(AuditEvent, AuditEvent.verb == "access_denied") == 2


def test_logging_in_a_completed_module_is_refused(
    teacher_client: FlaskClient, world: World
) -> None:
    action = world.actions["team"]
    close_module_one(world)
    entries = count(LogEntry)
    response = teacher_client.post(log_url(action), data=LOG, follow_redirects=True)
    # The domain's refusal is the one message, for logging as for any other recording.
    assert "Modulet er ikke åbent, så der kan ikke registreres noget i det." in page_of(response)
    assert count(LogEntry) == entries
    assert db.session.get(Action, action.id).status == ActionStatus.DONE


def test_teacher_reads_the_module_without_leader_buttons(
    teacher_client: FlaskClient, world: World
) -> None:
    response = teacher_client.get(module_url(world, 1))
    assert response.status_code == 200
    page = page_of(response)
    assert "Teamets fredagsbesked" in page and "Udskolingens forældreråd" in page
    assert RECORD_BUTTON not in page and COMPLETE_BUTTON not in page
    assert recording_controls(page) == []
    # The log button is there for the actions the teacher is on, not for the others.
    assert f'href="{log_url(world.actions["team"])}"' in page
    assert f'href="{log_url(world.actions["other_team"])}"' not in page
    assert teacher_client.get(module_url(world, 2)).status_code == 200


LEADER_ROUTES = [
    ("GET", "/skole/modul/{m1}/moede"),
    ("POST", "/skole/modul/{m1}/moede"),
    ("GET", "/skole/modul/{m1}/aktion"),
    ("POST", "/skole/modul/{m1}/aktion"),
    ("GET", "/skole/aktion/{own}/rediger"),
    ("POST", "/skole/aktion/{own}/rediger"),
    ("GET", "/skole/aktion/{own}/opsamling"),
    ("POST", "/skole/aktion/{own}/opsamling"),
    ("GET", "/skole/modul/{m1}/opsamling"),
    ("POST", "/skole/modul/{m1}/opsamling"),
    ("GET", "/skole/modul/{m1}/tilpasning"),
    ("POST", "/skole/modul/{m1}/tilpasning"),
    ("POST", "/skole/modul/{m1}/afslut"),
    ("POST", "/skole/modul/{m1}/genaabn"),
    ("GET", "/skole/modul/{m1}/undring/{team}"),
    ("POST", "/skole/modul/{m1}/undring/{team}"),
    ("GET", "/skole/modul/{m1}/refleksion/{team}"),
    ("POST", "/skole/modul/{m1}/refleksion/{team}"),
    ("GET", "/skole/aktion/{own}/anden-runde"),
    ("POST", "/skole/aktion/{own}/anden-runde"),
    ("POST", "/skole/start"),
]

# Valid input for every leader form: refused for a teacher even when it would be saved.
VALID = {
    "held_on": "2026-09-01",
    "kind": "input",
    "participants": "Alle",
    "notes": "Noter",
    "title": "Lærerens egen aktion",
    "what": "Noget",
    "expectation": "Noget",
    "how_notice": "Noget",
    "period_start": "2026-09-01",
    "period_end": "2026-10-01",
    "outcome": "keep",
    "learning": "Noget",
    "learned": "Noget",
    "keep": "Noget",
    "next_steps": "Noget",
    "questions": "Et lærerspørgsmål?",
    "year_label": "2030/31",
}


@pytest.mark.parametrize(("method", "path"), LEADER_ROUTES)
def test_teacher_gets_403_on_leader_routes(
    teacher_client: FlaskClient, world: World, method: str, path: str
) -> None:
    url = path.format(m1=world.slug(1), own=world.actions["team"].id, team=world.team.id)
    data = {**VALID, "team_id": str(world.team.id), "owner_ids": [str(world.teacher.id)]}
    response = teacher_client.open(url, method=method, data=data if method == "POST" else None)
    assert response.status_code == 403
    assert "Du har ikke adgang til siden" in page_of(response)
    cycle = world.cycle(1)
    assert cycle.meetings == [] and cycle.summary_learned == "" and cycle.local_questions == ""
    assert count(Action, Action.title == "Lærerens egen aktion") == 0
    assert db.session.get(Action, world.actions["team"].id).follow_up is None
