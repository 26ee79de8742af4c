"""The leader's facilitation pages through the test client (DESIGN.md §3, §6, §10).

The world and cycle helpers at the top are shared with the teacher, PUF and route-access tests.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import select

from learningpack.content import Package
from learningpack.domain import records
from learningpack.extensions import db
from learningpack.models import (
    Action,
    AuditEvent,
    CycleState,
    FollowUp,
    LogEntry,
    Meeting,
    MeetingKind,
    Outcome,
    Reflection,
    Run,
    TeamQuestion,
)
from tests.factories import (
    login,
)
from tests.helpers import count, page_of
from tests.world import (
    COMPLETE_BUTTON,
    END,
    RECORD_BUTTON,
    START,
    YEAR,
    World,
    action_data,
    agree,
    ask,
    complete_through,
    fill_cycle,
    make_world,
    module_url,
    observe,
    reflect,
)

HINT = "Skriv ikke børns navne, CPR-numre eller oplysninger om helbred."
CPR_TEXTS = ("Eleven 010203-1234 var ked af det", "Eleven 0102031234 var ked af det")


# ---------------------------------------------------------------------------------------------
# The world and helpers (also imported by the other view tests)


def assert_kept(page: str, data: dict[str, Any], skip: str = "") -> None:
    """Every value the user typed (other than ``skip``) is shown again in the page."""
    for name, value in data.items():
        if name == skip or value in ("", [], None):
            continue
        if name == "owner_ids":
            for owner in value:
                assert re.search(rf'<input checked[^>]*name="owner_ids"[^>]*value="{owner}"', page)
        elif name == "team_id":
            assert re.search(rf'<option selected value="{value}"', page), name
        elif name in ("kind", "outcome"):
            assert re.search(rf'<input checked[^>]*name="{name}"[^>]*value="{value}"', page)
        else:
            assert str(escape(value)) in page, f"{name}={value!r} not kept in the page"


@pytest.fixture
def world(package: Package) -> World:
    return make_world(package)


@pytest.fixture
def leader_client(client: FlaskClient, world: World) -> FlaskClient:
    login(client, world.leader)
    return client


# Links and form targets that record something in a module (a read-only page has none).


# ---------------------------------------------------------------------------------------------
# Starting the run


def test_school_page_without_run_shows_start_form(client: FlaskClient, package: Package) -> None:
    world = make_world(package, started=False)
    login(client, world.leader)
    page = page_of(client.get("/skole/"))
    assert "Skolen har ikke startet læringspakken endnu." in page
    assert 'action="/skole/start"' in page
    assert "Skoleår eller navn på forløbet" in page


def test_start_with_blank_year_rerenders_with_danish_error(
    client: FlaskClient, package: Package
) -> None:
    world = make_world(package, started=False)
    login(client, world.leader)
    response = client.post("/skole/start", data={"year_label": "  "})
    assert response.status_code == 400
    assert "Skriv fx skoleåret, 2026/27." in page_of(response)
    assert count(Run) == 0


def test_start_opens_module_one(client: FlaskClient, package: Package) -> None:
    world = make_world(package, started=False)
    login(client, world.leader)
    response = client.post("/skole/start", data={"year_label": YEAR})
    assert response.status_code == 302
    assert response.headers["Location"] == module_url(world, 1)
    run = db.session.scalar(select(Run).where(Run.school_id == world.school.id))
    assert run is not None and run.year_label == YEAR
    assert [c.state for c in run.cycles] == [CycleState.ACTIVE] + [CycleState.LOCKED] * 4
    page = page_of(client.get(module_url(world, 1)))
    assert "Forløbet er startet. Modul 1 er åbent." in page
    assert RECORD_BUTTON in page


def test_teacher_cannot_start(client: FlaskClient, package: Package) -> None:
    world = make_world(package, started=False)
    login(client, world.teacher)
    page = page_of(client.get("/skole/"))
    assert "Skolens leder starter forløbet." in page
    assert 'action="/skole/start"' not in page
    assert client.post("/skole/start", data={"year_label": YEAR}).status_code == 403
    assert count(Run) == 0


def test_starting_twice_is_refused(leader_client: FlaskClient, world: World) -> None:
    response = leader_client.post("/skole/start", data={"year_label": "2027/28"})
    assert response.status_code == 302
    page = page_of(leader_client.get("/skole/"))
    assert "Skolen har allerede et forløb i gang med denne pakke." in page
    assert count(Run) == 1


def test_locked_modules_show_why(leader_client: FlaskClient, world: World) -> None:
    overview = page_of(leader_client.get("/skole/"))
    first = world.package.module_at(1).title
    assert f"Åbner, når modul 1 »{first}« er samlet op og afsluttet." in overview
    page = page_of(leader_client.get(module_url(world, 2)))
    assert f"Åbner, når modul 1 »{first}« er samlet op og afsluttet." in page
    assert RECORD_BUTTON not in page
    assert COMPLETE_BUTTON not in page


def test_unknown_module_is_404(leader_client: FlaskClient, world: World) -> None:
    assert leader_client.get("/skole/modul/findes-ikke").status_code == 404


# ---------------------------------------------------------------------------------------------
# Recording in module 1


def test_record_meeting(leader_client: FlaskClient, world: World) -> None:
    form = page_of(leader_client.get(module_url(world, 1, "/moede")))
    assert "Dato for mødet" in form
    assert re.search(r'<input checked[^>]*name="kind"[^>]*value="input"', form)
    response = leader_client.post(
        module_url(world, 1, "/moede"),
        data={
            "held_on": "2026-09-01",
            "kind": "input",
            "participants": "Hele personalet, 24 personer",
            "notes": "Vi talte om forældremøderne.",
            "decisions": "Indskolingen prøver en aktion.",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == module_url(world, 1, "#moeder")
    session = db.session.scalar(select(Meeting))
    assert session is not None
    assert session.held_on == START and session.kind == MeetingKind.INPUT
    assert session.facilitator_id == world.leader.id
    page = page_of(leader_client.get(module_url(world, 1)))
    assert "Mødet er registreret." in page
    assert "Vi talte om forældremøderne." in page
    # With an action agreed, the next session defaults to a follow-up.
    agree(world.cycle(1), world.leader, "Fredagsbesked", team=world.team)
    form = page_of(leader_client.get(module_url(world, 1, "/moede")))
    assert re.search(r'<input checked[^>]*name="kind"[^>]*value="follow_up"', form)


def test_agree_action_with_team_and_owners(leader_client: FlaskClient, world: World) -> None:
    form = page_of(leader_client.get(module_url(world, 1, "/aktion")))
    for name in ("Indskolingen", "Udskolingen", "Anne Lærer", "Bo Pædagog", "Lise Leder"):
        assert name in form
    for stranger in ("Mellemtrinnet", "Cecilie Fremmed", "Ole Leder"):
        assert stranger not in form
    assert "Ingen teams har skrevet deres undring endnu." in form
    ask(world.cycle(1), world.team, world.leader)
    form = page_of(leader_client.get(module_url(world, 1, "/aktion")))
    assert "Hvorfor kommer så få forældre til forældremøderne?" in form  # the team's question
    response = leader_client.post(module_url(world, 1, "/aktion"), data=action_data(world))
    assert response.status_code == 302
    assert response.headers["Location"] == module_url(world, 1, "#aktioner")
    action = db.session.scalar(select(Action))
    assert action is not None
    assert action.title == "Fredagsbesked om fællesskabet"
    assert action.team_id == world.team.id
    assert {u.id for u in action.owners} == {world.teacher.id, world.teacher2.id}
    assert (action.period_start, action.period_end) == (START, END)
    assert action.cycle_id == world.cycle(1).id
    assert (action.observer_id, action.observation_focus) == (
        world.leader.id,
        "Hvor mange forældre svarer?",
    )
    page = page_of(leader_client.get(module_url(world, 1)))
    assert "Aktionen er aftalt." in page
    assert "Team: Indskolingen" in page
    assert "Ud fra undringen:" in page


def test_a_team_without_a_question_cannot_have_actions_agreed(
    leader_client: FlaskClient, world: World
) -> None:
    ask(world.cycle(1), world.team, world.leader)
    data = action_data(world, team_id=str(world.team2.id))
    response = leader_client.post(module_url(world, 1, "/aktion"), data=data)
    page = page_of(response)
    assert "Vælg et team, der har skrevet sin undring i modulet." in page
    assert 'value="Fredagsbesked om fællesskabet"' in page  # the input is kept
    assert count(Action) == 0


def test_the_observer_may_not_be_an_owner(leader_client: FlaskClient, world: World) -> None:
    ask(world.cycle(1), world.team, world.leader)
    data = action_data(world, observer_id=str(world.teacher.id))
    response = leader_client.post(module_url(world, 1, "/aktion"), data=data)
    assert response.status_code == 400
    assert "Observatøren skal være en kollega, der ikke selv er ansvarlig." in page_of(response)
    assert count(Action) == 0


def test_action_suggestion_prefills_the_form(leader_client: FlaskClient, world: World) -> None:
    module_page = page_of(leader_client.get(module_url(world, 1)))
    assert f'href="{module_url(world, 1, "/aktion")}?forslag=0"' in module_page
    page = page_of(leader_client.get(module_url(world, 1, "/aktion?forslag=0")))
    assert 'value="Fællesskabet på dagsordenen"' in page
    assert "Ved næste forældremøde eller i en særskilt besked" in page
    assert "Forældrene stiller spørgsmål til og kommenterer fællesskabet" in page
    assert "Observatøren noterer under mødet" in page
    # An index past the end, or not a number, gives the empty form.
    for query in ("?forslag=99", "?forslag=x"):
        response = leader_client.get(module_url(world, 1, "/aktion" + query))
        assert response.status_code == 200
        assert "Fællesskabet på dagsordenen" not in page_of(response)
    assert count(Action) == 0


def test_edit_action(leader_client: FlaskClient, world: World) -> None:
    action = agree(world.cycle(1), world.leader, "Fredagsbesked", owners=(world.teacher,))
    url = f"/skole/aktion/{action.id}/rediger"
    form = page_of(leader_client.get(url))
    assert 'value="Fredagsbesked"' in form
    assert re.search(rf'<input checked[^>]*value="{world.teacher.id}"', form)
    assert re.search(rf'<option selected value="{world.team.id}">', form)
    data = action_data(world, title="Mandagsbesked", owner_ids=[])
    response = leader_client.post(url, data=data)
    assert response.status_code == 302
    assert response.headers["Location"] == module_url(world, 1, f"#aktion-{action.id}")
    action = db.session.get(Action, action.id)
    assert action.title == "Mandagsbesked"
    assert action.team_id == world.team.id and action.owners == []


def test_follow_up(leader_client: FlaskClient, world: World) -> None:
    action = agree(world.cycle(1), world.leader, "Fredagsbesked", team=world.team)
    records.add_log_entry(
        action,
        author=world.teacher,
        happened_on=START,
        text="Tre forældre svarede.",
        observation="",
    )
    observe(action, text="Observatøren talte syv svar.")
    url = f"/skole/aktion/{action.id}/opsamling"
    form = page_of(leader_client.get(url))
    assert "Tre forældre svarede." in form  # the logs are there to sum up from
    assert "Observatøren talte syv svar." in form  # beside what the observer saw
    assert "Flere forældre svarer og spørger ind til klassen." in form  # what we expected
    assert "Vi tæller svarene i fire uger." in form  # how we would notice
    response = leader_client.post(url, data={"outcome": "adjust", "learning": "Kortere tekst."})
    assert response.status_code == 400
    assert "Skriv, hvordan det, I så, passer med det, I forventede." in page_of(response)
    response = leader_client.post(
        url, data={"outcome": "adjust", "learning": "Kortere tekst.", "fit": "Færre end ventet."}
    )
    assert response.status_code == 302
    follow_up = db.session.scalar(select(FollowUp))
    assert follow_up is not None
    assert follow_up.outcome == Outcome.ADJUST and follow_up.learning == "Kortere tekst."
    assert follow_up.recorded_by_id == world.leader.id
    # Revising keeps one follow-up and shows the saved values.
    form = page_of(leader_client.get(url))
    assert re.search(r'<input checked[^>]*name="outcome"[^>]*value="adjust"', form)
    leader_client.post(url, data={"outcome": "keep", "learning": "Det virker.", "fit": "Ja."})
    assert count(FollowUp) == 1
    assert db.session.scalar(select(FollowUp.outcome)) == Outcome.KEEP


def test_summary(leader_client: FlaskClient, world: World) -> None:
    url = module_url(world, 1, "/opsamling")
    data = {"learned": "Forældre vil gerne.", "keep": "Fredagsbeskeden.", "next_steps": "Modul 2."}
    assert leader_client.post(url, data=data).status_code == 302
    cycle = world.cycle(1)
    assert (cycle.summary_learned, cycle.summary_keep, cycle.summary_next) == tuple(data.values())
    assert "Forældre vil gerne." in page_of(leader_client.get(module_url(world, 1)))
    assert "Fredagsbeskeden." in page_of(leader_client.get(url))


def test_local_adaptation_shows_on_module_page(leader_client: FlaskClient, world: World) -> None:
    url = module_url(world, 1, "/tilpasning")
    data = {
        "notes": "Vi lægger vægt på **indskolingen**.",
        "questions": "Hvem mangler vi?\n\nHvad nu?",
    }
    response = leader_client.post(url, data=data)
    assert response.status_code == 302
    assert response.headers["Location"] == module_url(world, 1, "#lokalt")
    page = page_of(leader_client.get(module_url(world, 1)))
    assert "Skolens egne spørgsmål" in page
    assert "<li>Hvem mangler vi?</li>" in page and "<li>Hvad nu?</li>" in page
    assert "<strong>indskolingen</strong>" in page


def test_local_adaptation_only_while_the_module_is_open(
    leader_client: FlaskClient, world: World
) -> None:
    assert "/tilpasning" in page_of(leader_client.get(module_url(world, 1)))
    assert "/tilpasning" not in page_of(leader_client.get(module_url(world, 2)))
    response = leader_client.post(module_url(world, 2, "/tilpasning"), data={"notes": "Forbered"})
    assert response.status_code == 302
    assert response.headers["Location"] == module_url(world, 2)
    page = page_of(leader_client.get(module_url(world, 2)))
    assert "Modulet er ikke åbent, så der kan ikke registreres noget i det." in page
    assert world.cycle(2).local_notes == ""


def test_user_text_is_escaped_on_the_module_page(leader_client: FlaskClient, world: World) -> None:
    cycle = world.cycle(1)
    agree(cycle, world.leader, "<script>alert('titel')</script>", team=world.team)
    records.save_local_adaptation(cycle, notes="<script>alert('noter')</script>", questions="")
    page = page_of(leader_client.get(module_url(world, 1)))
    assert "<script>alert(" not in page
    assert "&lt;script&gt;" in page


# ---------------------------------------------------------------------------------------------
# Completing and reopening


def test_complete_refused_lists_what_is_missing(leader_client: FlaskClient, world: World) -> None:
    response = leader_client.post(module_url(world, 1, "/afslut"))
    assert response.status_code == 409
    page = page_of(response)
    assert "Modulet kan ikke afsluttes endnu" in page
    for reason in (
        "Registrér mindst ét møde med dato, deltagere og noter fra drøftelsen.",
        "Mindst ét team skal skrive sin undring: hvad undrer os, og hvad ser vi nu?",
        "Aftal mindst én aktion ud fra et teams undring.",
        "Modulets opsamling mangler: hvad vi har lært.",
    ):
        assert reason in page
    # Each missing thing links to the place on the page that fixes it.
    assert '<a href="#moeder">Registrér mindst ét møde' in page
    assert '<a href="#undringer">Mindst ét team' in page
    assert '<a href="#opsamling">Modulets opsamling mangler' in page
    assert world.cycle(1).state == CycleState.ACTIVE
    assert world.cycle(2).state == CycleState.LOCKED


def test_complete_refused_names_the_action_that_lacks_a_log(
    leader_client: FlaskClient, world: World
) -> None:
    action = fill_cycle(world.cycle(1), world.leader, world.teacher, world.team)
    agree(world.cycle(1), world.leader, "Uprøvet aktion", team=world.team2)
    response = leader_client.post(module_url(world, 1, "/afslut"))
    assert response.status_code == 409
    page = page_of(response)
    assert "Aktionen »Uprøvet aktion« har ingen logninger endnu." in page
    assert "Aktionen »Uprøvet aktion« mangler en opsamling." in page
    assert f"Aktionen »{action.title}«" not in page


def test_complete_opens_the_next_module(leader_client: FlaskClient, world: World) -> None:
    fill_cycle(world.cycle(1), world.leader, world.teacher, world.team)
    response = leader_client.post(module_url(world, 1, "/afslut"))
    assert response.status_code == 302
    assert response.headers["Location"] == module_url(world, 2)
    assert world.cycle(1).state == CycleState.COMPLETED
    assert world.cycle(2).state == CycleState.ACTIVE
    page = page_of(leader_client.get(module_url(world, 2)))
    title = world.package.module_at(2).title
    assert f"Modulet er afsluttet. Næste modul er modul 2 »{title}«." in page
    assert RECORD_BUTTON in page
    assert count(AuditEvent, AuditEvent.verb == "cycle_completed") == 1
    # Module 1 stays readable, without recording buttons.
    done = page_of(leader_client.get(module_url(world, 1)))
    assert "Modulet blev afsluttet" in done and RECORD_BUTTON not in done
    assert "Aktion i modul 1" in done
    # ... and recording in it is refused.
    action = db.session.scalar(select(Action).where(Action.cycle_id == world.cycle(1).id))
    for suffix in ("/moede", "/aktion", "/opsamling", "/tilpasning"):
        response = leader_client.get(module_url(world, 1, suffix), follow_redirects=True)
        assert "Modulet er ikke åbent, så der kan ikke registreres noget i det." in page_of(
            response
        )
    for url in (f"/skole/aktion/{action.id}/rediger", f"/skole/aktion/{action.id}/opsamling"):
        response = leader_client.post(url, data={"title": "Ny"})
        assert response.headers["Location"] == module_url(world, 1)
    assert db.session.get(Action, action.id).title == "Aktion i modul 1"


def test_completing_module_five_completes_the_run(leader_client: FlaskClient, world: World) -> None:
    complete_through(world, 4)
    fill_cycle(world.cycle(5), world.leader, world.teacher, world.team)
    response = leader_client.post(module_url(world, 5, "/afslut"))
    assert response.status_code == 302
    assert response.headers["Location"] == "/skole/"
    run = db.session.get(Run, world.run.id)
    assert run.completed_at is not None
    assert all(c.state == CycleState.COMPLETED for c in run.cycles)
    page = page_of(leader_client.get("/skole/"))
    assert "hele forløbet er gennemført" in page
    assert "Hele forløbet er gennemført" in page


def test_reopen_while_next_module_is_empty(leader_client: FlaskClient, world: World) -> None:
    complete_through(world, 1)
    assert "Genåbn modulet" in page_of(leader_client.get(module_url(world, 1)))
    response = leader_client.post(module_url(world, 1, "/genaabn"), follow_redirects=True)
    assert "Modulet er genåbnet." in page_of(response)
    assert world.cycle(1).state == CycleState.ACTIVE
    assert world.cycle(2).state == CycleState.LOCKED


def test_reopen_refused_once_next_module_has_a_session(
    leader_client: FlaskClient, world: World
) -> None:
    complete_through(world, 1)
    records.record_meeting(
        world.cycle(2),
        held_on=END,
        kind=MeetingKind.INPUT,
        participants="Alle",
        notes="Noter",
        decisions="",
        facilitator=world.leader,
    )
    why = "Modul 2 har allerede registreringer, så modul 1 kan ikke genåbnes."
    page = page_of(leader_client.get(module_url(world, 1)))
    assert "Genåbn modulet" not in page
    assert why in page  # the button is gone, and the page says why
    response = leader_client.post(module_url(world, 1, "/genaabn"), follow_redirects=True)
    assert why in page_of(response)
    assert world.cycle(1).state == CycleState.COMPLETED
    assert world.cycle(2).state == CycleState.ACTIVE


def test_only_the_leader_is_told_why_a_module_cannot_be_reopened(
    client: FlaskClient, world: World
) -> None:
    complete_through(world, 1)
    fill_cycle(world.cycle(2), world.leader, world.teacher, world.team)
    login(client, world.teacher)
    page = page_of(client.get(module_url(world, 1)))
    assert "kan ikke genåbnes" not in page and "Genåbn modulet" not in page


def test_the_follow_up_forms_show_the_modules_follow_up_questions(
    leader_client: FlaskClient, world: World
) -> None:
    action = agree(world.cycle(1), world.leader, "Fredagsbesked", team=world.team)
    questions = world.package.module_at(1).followup_questions
    assert questions
    for url in (f"/skole/aktion/{action.id}/opsamling", module_url(world, 1, "/opsamling")):
        page = page_of(leader_client.get(url))
        aside = page.split('class="card followup-questions"', 1)[1].split("</aside>", 1)[0]
        assert "Spørgsmål til opsamlingen" in aside
        assert all(str(escape(q)) in aside for q in questions), url
        assert page.index("followup-questions") < page.index(
            '<form method="post" class="card form"'
        )


def test_the_agenda_names_each_cell_by_its_column_for_a_phone(
    leader_client: FlaskClient, world: World
) -> None:
    page = page_of(leader_client.get(module_url(world, 1)))
    guide = page.split('class="prose guide"', 1)[1].split("</section>", 1)[0]
    for column in ("Tid", "Minutter", "Aktivitet", "Sådan gør I"):
        assert f'<td data-label="{column}">' in guide


def test_reopen_of_an_active_module_is_refused(leader_client: FlaskClient, world: World) -> None:
    response = leader_client.post(module_url(world, 1, "/genaabn"), follow_redirects=True)
    assert "Kun et afsluttet modul kan genåbnes." in page_of(response)
    assert world.cycle(1).state == CycleState.ACTIVE


# ---------------------------------------------------------------------------------------------
# Every form's bad input, and the privacy guard on every free-text field


@dataclass(frozen=True)
class FormCase:
    """One form: who posts it where, valid input, and a snapshot of what a save changes."""

    user: str
    url: Callable[[World], str]
    data: Callable[[World], dict[str, Any]]
    state: Callable[[World], Any]
    get_url: Callable[[World], str] | None = None
    started: bool = True


def _with_action(world: World) -> Action:
    if "team" not in world.actions:
        world.actions["team"] = agree(
            world.cycle(1), world.leader, "Fredagsbesked", team=world.team
        )
    return world.actions["team"]


def _adjusted(world: World) -> Action:
    """The world's action, decided "adjust" in the team's reflection."""
    action = _with_action(world)
    if action.reflection_decision is None:
        reflect(world.cycle(1), world.team, world.leader, {action.id: Outcome.ADJUST})
    return action


def _action_state(world: World) -> Any:
    action = db.session.get(Action, _with_action(world).id)
    return (
        action.title,
        action.what,
        action.expectation,
        action.how_notice,
        action.team_id,
        [u.id for u in action.owners],
        action.period_start,
        action.period_end,
    )


def _cycle_state(world: World) -> Any:
    cycle = world.cycle(1)
    return (
        cycle.summary_learned,
        cycle.summary_keep,
        cycle.summary_next,
        cycle.local_notes,
        cycle.local_questions,
    )


FORMS: dict[str, FormCase] = {
    "start": FormCase(
        user="leader",
        url=lambda w: "/skole/start",
        get_url=lambda w: "/skole/",
        data=lambda w: {"year_label": "Skoleåret 2026/27"},
        state=lambda w: count(Run),
        started=False,
    ),
    "session": FormCase(
        user="leader",
        url=lambda w: module_url(w, 1, "/moede"),
        data=lambda w: {
            "held_on": "2026-09-01",
            "kind": "input",
            "participants": "Hele personalet, 24 personer",
            "notes": "Vi talte om forældremøderne.",
            "decisions": "Indskolingen prøver en aktion.",
        },
        state=lambda w: count(Meeting),
    ),
    "action": FormCase(
        user="leader",
        url=lambda w: module_url(w, 1, "/aktion"),
        data=action_data,
        state=lambda w: count(Action),
    ),
    "edit_action": FormCase(
        user="leader",
        url=lambda w: f"/skole/aktion/{_with_action(w).id}/rediger",
        data=lambda w: action_data(w, title="Mandagsbesked", owner_ids=[str(w.teacher.id)]),
        state=_action_state,
    ),
    "follow_up": FormCase(
        user="leader",
        url=lambda w: f"/skole/aktion/{_with_action(w).id}/opsamling",
        data=lambda w: {
            "outcome": "keep",
            "learning": "Korte beskeder virker bedst.",
            "fit": "Flere svar, som ventet.",
        },
        state=lambda w: count(FollowUp),
    ),
    "question": FormCase(
        user="leader",
        url=lambda w: module_url(w, 1, f"/undring/{w.team2.id}"),
        data=lambda w: {
            "question": "Hvorfor svarer så få forældre?",
            "seen_now": "4 af 22 svarede sidst.",
        },
        state=lambda w: count(TeamQuestion),
    ),
    "reflection": FormCase(
        user="leader",
        url=lambda w: module_url(w, 1, f"/refleksion/{w.team.id}"),
        data=lambda w: {
            "held_on": "2026-10-20",
            "participants": "Indskolingens team og observatøren",
            "seen": "Vi sendte beskeden; observatøren så syv svar.",
            "fit": "Færre svar end ventet.",
            "change": "Vi sender om torsdagen.",
            f"decision_{_with_action(w).id}": "adjust",
        },
        state=lambda w: count(Reflection),
    ),
    "second_round": FormCase(
        user="leader",
        url=lambda w: f"/skole/aktion/{_adjusted(w).id}/anden-runde",
        data=lambda w: {
            "title": "Fredagsbesked, anden runde",
            "what": "Beskeden sendes torsdag.",
            "expectation": "Flere svarer.",
            "how_notice": "Vi tæller svar.",
            "observation_focus": "Hvem svarer?",
            "period_start": "2026-10-20",
            "period_end": "2026-11-20",
        },
        state=lambda w: count(Action),
    ),
    "summary": FormCase(
        user="leader",
        url=lambda w: module_url(w, 1, "/opsamling"),
        data=lambda w: {
            "learned": "Forældre vil gerne høre om fællesskabet.",
            "keep": "Fredagsbeskeden.",
            "next_steps": "Vi tager fat på forældremøderne.",
        },
        state=_cycle_state,
    ),
    "adaptation": FormCase(
        user="leader",
        url=lambda w: module_url(w, 1, "/tilpasning"),
        data=lambda w: {"notes": "Vi har mange nye familier.", "questions": "Hvem mangler vi?"},
        state=_cycle_state,
    ),
    "log": FormCase(
        user="teacher",
        url=lambda w: f"/mine-aktioner/{_with_action(w).id}/log",
        data=lambda w: {
            "happened_on": "2026-09-04",
            "text": "Vi sendte beskeden, tre forældre svarede.",
            "observation": "Svarene kom om aftenen.",
        },
        state=lambda w: count(LogEntry),
    ),
    "unlock": FormCase(
        user="puf",
        url=lambda w: f"/puf/skoler/{w.school.id}/modul/{w.slug(3)}/aabn",
        get_url=lambda w: f"/puf/skoler/{w.school.id}/modul/{w.slug(3)}",
        data=lambda w: {"reason": "Skolen har arbejdet med temaet i forvejen."},
        state=lambda w: (
            w.cycle(3).state,
            count(AuditEvent, AuditEvent.verb == "cycle_unlocked_override"),
        ),
    ),
}

REQUIRED = [
    ("start", "year_label", "Skriv fx skoleåret, 2026/27."),
    ("session", "held_on", "Vælg den dato, mødet blev holdt."),
    ("session", "kind", "Vælg, hvilken slags møde det var."),
    ("session", "participants", "Skriv, hvem der deltog, fx »hele personalet, 24 personer«."),
    ("session", "notes", "Skriv de vigtigste pointer fra drøftelsen."),
    ("action", "title", "Giv aktionen en kort titel."),
    ("action", "what", "Beskriv, hvad I konkret vil gøre."),
    ("action", "expectation", "Skriv, hvorfor I gør det, og hvad I forventer at se."),
    ("action", "how_notice", "Skriv, hvordan I vil lægge mærke til, om det virker."),
    ("action", "period_start", "Vælg, hvornår aktionen starter."),
    ("action", "period_end", "Vælg, hvornår aktionen slutter."),
    ("edit_action", "title", "Giv aktionen en kort titel."),
    ("edit_action", "what", "Beskriv, hvad I konkret vil gøre."),
    ("edit_action", "expectation", "Skriv, hvorfor I gør det, og hvad I forventer at se."),
    ("edit_action", "how_notice", "Skriv, hvordan I vil lægge mærke til, om det virker."),
    ("edit_action", "period_start", "Vælg, hvornår aktionen starter."),
    ("edit_action", "period_end", "Vælg, hvornår aktionen slutter."),
    ("action", "team_id", "Vælg teamet, hvis undring aktionen bygger på."),
    ("action", "observer_id", "Vælg en kollega, der observerer."),
    ("action", "observation_focus", "Skriv, hvad observatøren konkret skal se efter."),
    ("follow_up", "outcome", "Vælg fasthold, justér eller stop."),
    ("follow_up", "learning", "Skriv, hvad I lærte af aktionen."),
    ("follow_up", "fit", "Skriv, hvordan det, I så, passer med det, I forventede."),
    (
        "question",
        "question",
        "Skriv teamets undring – fx »Hvorfor kommer så få forældre til møderne?«.",
    ),
    ("reflection", "held_on", "Vælg den dato, I holdt refleksionen."),
    (
        "reflection",
        "participants",
        "Skriv, hvem der deltog – fx »teamets tre lærere og observatøren«.",
    ),
    ("reflection", "seen", "Skriv, hvad I gjorde, og hvad observatøren så."),
    ("reflection", "fit", "Skriv, hvordan det, I så, passer med det, I forventede."),
    ("reflection", "change", "Skriv, hvad I ændrer – eller at I fortsætter uændret."),
    ("second_round", "title", "Giv aktionen en kort titel."),
    ("second_round", "what", "Beskriv, hvad I gør i anden runde."),
    ("second_round", "observation_focus", "Skriv, hvad observatøren skal se efter."),
    ("second_round", "period_start", "Vælg, hvornår anden runde starter."),
    ("summary", "learned", "Skriv, hvad I har lært i modulet."),
    ("summary", "keep", "Skriv, hvad I vil fastholde i jeres praksis."),
    ("summary", "next_steps", "Skriv jeres næste skridt."),
    ("log", "happened_on", "Vælg datoen."),
    ("log", "text", "Skriv kort, hvad I gjorde, og hvad der skete."),
    ("unlock", "reason", "Skriv, hvorfor modulet åbnes uden for rækkefølgen."),
]

FREE_TEXT = [
    ("start", "year_label"),
    ("session", "participants"),
    ("session", "notes"),
    ("session", "decisions"),
    ("action", "title"),
    ("action", "what"),
    ("action", "expectation"),
    ("action", "how_notice"),
    ("edit_action", "title"),
    ("edit_action", "what"),
    ("edit_action", "expectation"),
    ("edit_action", "how_notice"),
    ("follow_up", "learning"),
    ("follow_up", "fit"),
    ("action", "observation_focus"),
    ("question", "question"),
    ("question", "seen_now"),
    ("reflection", "participants"),
    ("reflection", "seen"),
    ("reflection", "fit"),
    ("reflection", "change"),
    ("second_round", "what"),
    ("second_round", "observation_focus"),
    ("summary", "learned"),
    ("summary", "keep"),
    ("summary", "next_steps"),
    ("adaptation", "notes"),
    ("adaptation", "questions"),
    ("log", "text"),
    ("log", "observation"),
    ("unlock", "reason"),
]

DATE_FIELDS = [
    ("session", "held_on"),
    ("action", "period_start"),
    ("action", "period_end"),
    ("edit_action", "period_end"),
    ("log", "happened_on"),
    ("reflection", "held_on"),
    ("second_round", "period_end"),
]


def open_form(client: FlaskClient, package: Package, name: str) -> tuple[World, FormCase]:
    """The world for one form, logged in as the user who fills it in."""
    case = FORMS[name]
    world = make_world(package, started=case.started)
    if case.started:
        _with_action(world)
    login(client, getattr(world, case.user))
    return world, case


def post_refused(client: FlaskClient, world: World, case: FormCase, data: dict[str, Any]) -> str:
    """Post bad input: 400, the page again, and nothing saved. Returns the page."""
    before = case.state(world)
    response = client.post(case.url(world), data=data)
    assert response.status_code == 400, page_of(response)[:2000]
    assert case.state(world) == before
    page = page_of(response)
    assert "Formularen blev ikke gemt" in page
    return page


@pytest.mark.parametrize("name", list(FORMS))
def test_valid_input_is_saved(client: FlaskClient, package: Package, name: str) -> None:
    """The baseline for the bad-input tests: the valid input really saves."""
    world, case = open_form(client, package, name)
    before = case.state(world)
    response = client.post(case.url(world), data=case.data(world))
    assert response.status_code == 302, page_of(response)[:2000]
    assert case.state(world) != before


@pytest.mark.parametrize(("name", "field_name", "message"), REQUIRED)
def test_missing_required_field(
    client: FlaskClient, package: Package, name: str, field_name: str, message: str
) -> None:
    world, case = open_form(client, package, name)
    data = case.data(world)
    data[field_name] = ""
    page = post_refused(client, world, case, data)
    assert str(escape(message)) in page
    assert "This field is required" not in page
    assert_kept(page, data, skip=field_name)


@pytest.mark.parametrize(("name", "field_name"), DATE_FIELDS)
@pytest.mark.parametrize("bad", ["31-02-2026", "i morgen", "2026-02-30"])
def test_invalid_date_gives_a_danish_error(
    client: FlaskClient, package: Package, name: str, field_name: str, bad: str
) -> None:
    world, case = open_form(client, package, name)
    data = case.data(world)
    data[field_name] = bad
    page = post_refused(client, world, case, data)
    assert "Not a valid date" not in page
    # Not the "required" message: the date was given, but it is not a date.
    assert "Skriv en gyldig dato." in page
    assert_kept(page, data)  # even the bad date is shown again, to be corrected


@pytest.mark.parametrize("name", ["action", "edit_action", "second_round"])
def test_period_end_before_start(client: FlaskClient, package: Package, name: str) -> None:
    world, case = open_form(client, package, name)
    data = case.data(world)
    data.update(period_start="2026-10-15", period_end="2026-09-01")
    page = post_refused(client, world, case, data)
    assert "Slutdatoen skal ligge efter startdatoen." in page
    assert_kept(page, data)


@pytest.mark.parametrize("name", ["action", "edit_action"])
def test_action_needs_a_team(client: FlaskClient, package: Package, name: str) -> None:
    world, case = open_form(client, package, name)
    data = case.data(world)
    data.update(team_id="", owner_ids=[])
    page = post_refused(client, world, case, data)
    assert "Vælg teamet, hvis undring aktionen bygger på." in page
    assert_kept(page, data)


@pytest.mark.parametrize("name", ["action", "edit_action"])
@pytest.mark.parametrize("who", ["team", "owner"])
def test_team_or_owner_from_another_school_is_refused(
    client: FlaskClient, package: Package, name: str, who: str
) -> None:
    world, case = open_form(client, package, name)
    data = case.data(world)
    if who == "team":
        data["team_id"] = str(world.other_team.id)
    else:
        data["owner_ids"] = [str(world.teacher.id), str(world.other_teacher.id)]
    page = post_refused(client, world, case, data)
    if who == "team":
        assert "Vælg en af mulighederne på listen." in page
    else:
        assert "En af de valgte findes ikke længere på listen. Vælg igen." in page
        assert f"»{world.other_teacher.id}«" not in page
    assert "valid choice" not in page
    assert_kept(page, data, skip="team_id" if who == "team" else "owner_ids")
    assert "Cecilie Fremmed" not in page and "Mellemtrinnet" not in page


def test_refused_choice_is_explained_in_danish(client: FlaskClient, package: Package) -> None:
    world, case = open_form(client, package, "action")
    # A colleague chosen as owner is deactivated while the form is open.
    data = case.data(world)
    world.teacher2.active = False
    page = post_refused(client, world, case, data)
    assert "En af de valgte findes ikke længere på listen. Vælg igen." in page
    assert "not a valid choice" not in page.lower()


@pytest.mark.parametrize(("name", "field_name"), FREE_TEXT)
@pytest.mark.parametrize("text", CPR_TEXTS, ids=["dash", "no-dash"])
def test_cpr_number_is_refused(
    client: FlaskClient, package: Package, name: str, field_name: str, text: str
) -> None:
    world, case = open_form(client, package, name)
    data = case.data(world)
    data[field_name] = text
    page = post_refused(client, world, case, data)
    assert "CPR-nummer" in page
    assert_kept(page, data, skip=field_name)


def free_text_form_page(client: FlaskClient, package: Package, name: str) -> str:
    world, case = open_form(client, package, name)
    response = client.get((case.get_url or case.url)(world))
    assert response.status_code == 200
    return page_of(response)


@pytest.mark.parametrize("name", sorted({n for n, _ in FREE_TEXT}))
def test_free_text_fields_show_the_privacy_hint(
    client: FlaskClient, package: Package, name: str
) -> None:
    page = free_text_form_page(client, package, name)
    for form_name, field_name in FREE_TEXT:
        if form_name == name:
            assert f'<p class="hint hint-privacy" id="{field_name}-privacy">{HINT}</p>' in page
            described = (
                rf'aria-describedby="[^"]*\b{field_name}-privacy\b[^"]*"[^>]*id="{field_name}"'
            )
            assert re.search(described, page), f"{field_name} is not described by the hint"


def test_a_new_run_can_start_after_the_last_one_is_completed(
    leader_client: FlaskClient, world: World
) -> None:
    complete_through(world, 5)
    page = page_of(leader_client.get("/skole/"))
    assert "Hele forløbet er gennemført" in page
    assert "Start et nyt forløb" in page
    # The same name again is refused with a clear message, not a database error.
    response = leader_client.post("/skole/start", data={"year_label": YEAR})
    assert response.status_code == 302
    assert "Vælg et andet navn" in page_of(leader_client.get("/skole/"))
    assert count(Run) == 1
    response = leader_client.post("/skole/start", data={"year_label": "2027/28"})
    assert response.status_code == 302
    assert count(Run) == 2
    assert "Forløb 2027/28" in page_of(leader_client.get("/skole/"))


def test_question_reflection_and_second_round_on_the_module_page(
    leader_client: FlaskClient, world: World
) -> None:
    """The team's question is written and edited in place; the reflection's decisions show
    again when it is edited; "adjust" offers a second round, and both rounds are one thread."""
    cycle = world.cycle(1)
    page = page_of(leader_client.get(module_url(world, 1)))
    assert "Teamet har ikke skrevet sin undring endnu." in page
    url = module_url(world, 1, f"/undring/{world.team.id}")
    data = {"question": "Hvem mangler vi?", "seen_now": "3 af 24 kom."}
    assert leader_client.post(url, data=data).status_code == 302
    form = page_of(leader_client.get(url))
    assert "Hvem mangler vi?" in form and "3 af 24 kom." in form
    action = agree(cycle, world.leader, "Fredagsbesked", team=world.team, owners=(world.teacher,))
    records.add_log_entry(action, author=world.teacher, happened_on=START, text="X", observation="")
    observe(action)
    reflect(cycle, world.team, world.leader, {action.id: Outcome.ADJUST})
    form = page_of(leader_client.get(module_url(world, 1, f"/refleksion/{world.team.id}")))
    assert re.search(rf'<input checked[^>]*name="decision_{action.id}"[^>]*value="adjust"', form)
    page = page_of(leader_client.get(module_url(world, 1)))
    assert f"/skole/aktion/{action.id}/anden-runde" in page
    assert "Hvem mangler vi?" in page and "Vi sender om torsdagen." in page
    second = f"/skole/aktion/{action.id}/anden-runde"
    prefilled = page_of(leader_client.get(second))
    assert 'value="Fredagsbesked – anden runde"' in prefilled
    data = {
        "title": "Fredagsbesked igen",
        "what": "Torsdag.",
        "expectation": "Flere svar.",
        "how_notice": "Vi tæller.",
        "observation_focus": "Hvem svarer?",
        "period_start": "2026-10-20",
        "period_end": "2026-11-20",
    }
    assert leader_client.post(second, data=data).status_code == 302
    page = page_of(leader_client.get(module_url(world, 1)))
    assert "Fortsat i anden runde:" in page and "Anden runde af" in page
    assert f"/skole/aktion/{action.id}/anden-runde" not in page  # one second round
    # A second one (other values: the same ones again are the same form, saved once) is
    # refused with the domain's words, the input kept.
    response = leader_client.post(second, data={**data, "title": "Fredagsbesked en gang til"})
    assert "Aktionen har allerede en anden runde." in page_of(response)
    template = page_of(leader_client.get(f"/skole/aktion/{action.id}/skabelon"))
    assert "Aktionsskabelon: Fredagsbesked" in template and "Hvem mangler vi?" in template
    assert "<nav" not in template  # a page to print: no navigation
