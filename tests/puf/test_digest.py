"""PUF's learnings digest and the read-only drill-down of one school."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from learningpack.content import Package
from learningpack.extensions import db
from learningpack.models import School
from tests.helpers import page_of
from tests.world import World, digest_world, fill_cycle

# The digest's queries and sorting: on both databases.
pytestmark = pytest.mark.both_backends


@pytest.fixture
def world(package: Package) -> World:
    """Four schools with learnings to tell, or not (see ``digest_world``)."""
    return digest_world(package)


def digest_schools(page: str) -> list[str]:
    return re.findall(
        r'<h3 class="record-title"><a href="/puf/skoler/\d+#modul-\d">([^<]+)</a>', page
    )


def test_digest_shows_learnings_and_summaries_in_danish_order(puf_client: FlaskClient) -> None:
    response = puf_client.get("/puf/laering")
    assert response.status_code == 200
    page = page_of(response)
    assert digest_schools(page) == ["Fjordskolen", "Kildeskolen", "Åby Skole"]
    assert "Aktion i modul 1" in page and "Det virkede." in page and "Fasthold" in page
    # Expected vs observed, and the teams' reflections, quoted.
    assert "Flere forældre svarer og spørger ind til klassen." in page and "Som ventet." in page
    assert "Teamenes refleksion" in page and "Vi sender om torsdagen." in page
    assert "Hvad har vi lært" in page and "Beskederne." in page
    assert "3 skoler har samlet op på modulet." in page
    assert "3 opsamlinger på aktioner i alt." in page
    assert 'href="/puf/laering.csv?modul=faellesskab"' in page


def test_digest_filters_by_district_and_module(puf_client: FlaskClient) -> None:
    page = page_of(puf_client.get("/puf/laering?omraade=Syd"))
    assert digest_schools(page) == ["Fjordskolen", "Åby Skole"]
    assert "2 skoler har samlet op på modulet." in page
    assert "2 opsamlinger på aktioner i alt." in page
    assert 'href="/puf/laering.xlsx?modul=faellesskab&amp;omraade=Syd"' in page
    other = page_of(puf_client.get("/puf/laering?modul=foraeldremoeder"))
    assert digest_schools(other) == []
    assert "Ingen skoler har samlet op på dette modul endnu." in other


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("modul=nej", "Modulet »nej« findes ikke."),
        ("omraade=Mars", "Området »Mars« findes ikke."),
        ("side=-1", "Sidetallet skal være 1 eller mere."),
    ],
)
def test_digest_invalid_filters(puf_client: FlaskClient, query: str, message: str) -> None:
    response = puf_client.get(f"/puf/laering?{query}")
    assert response.status_code == 400
    page = page_of(response)
    assert message in page
    assert digest_schools(page) == ["Fjordskolen", "Kildeskolen", "Åby Skole"]


def test_digest_pages(puf_client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from learningpack.reads import digest

    monkeypatch.setattr(digest, "PER_PAGE", 2)
    first = page_of(puf_client.get("/puf/laering"))
    assert digest_schools(first) == ["Fjordskolen", "Kildeskolen"]
    assert "Side 1 af 2" in first and 'href="/puf/laering?modul=faellesskab&amp;side=2"' in first
    second = page_of(puf_client.get("/puf/laering?side=2"))
    assert digest_schools(second) == ["Åby Skole"]


def test_drill_down_shows_everything_read_only(puf_client: FlaskClient, world: World) -> None:
    response = puf_client.get(f"/puf/skoler/{world.school.id}")
    assert response.status_code == 200
    page = page_of(response)
    assert "Kildeskolen" in page and "Forløb 2026/27" in page
    assert "Afsluttet" in page and "Videnoplæg og drøftelse" in page  # module 2 is open
    # Module 1's session, action (team, owner, status), log entry, follow-up and summary.
    for text in (
        "Hele personalet",
        "Vi drøftede videnoplægget.",
        "Aktion i modul 1",
        "Team: Indskolingen",
        "Ansvarlige: Anne Lærer",
        'badge-status-done">Gennemført<',  # the status follows the follow-up
        "1 aktion, 1 gennemført",
        "Hvorfor kommer så få forældre til forældremøderne?",  # the team's question
        "Hvor mange forældre svarer, og hvad spørger de om?",  # the observation focus
        "Lidt flere svar end forventet.",  # the team's reflection
        "Forventet og set:",
        "Vi prøvede det.",
        "Fasthold",
        "Det virkede.",
        "Meget.",
        "Beskederne.",
        "Modul 2.",
    ):
        assert text in page, text
    # Read-only: the only form is the note to the school's leaders (not the school's records).
    main = page.split("<main", 1)[1].split("</main>", 1)[0]
    assert main.count("<form") == 1 and 'action="/puf/skoler/' in main and '/noter"' in main
    assert f'href="/puf/skoler/{world.school.id}/modul/{world.slug(1)}"' in page


def test_drill_down_of_a_school_that_has_not_started(puf_client: FlaskClient) -> None:
    from sqlalchemy import select

    from learningpack.extensions import db
    from learningpack.models import School

    anker = db.session.scalar(select(School).where(School.name == "Anker Skole"))
    assert anker is not None
    page = page_of(puf_client.get(f"/puf/skoler/{anker.id}"))
    assert "Skolen har ikke startet læringspakken endnu." in page


def test_drill_down_lists_earlier_runs(
    puf_client: FlaskClient, world: World, package: Package
) -> None:
    from datetime import UTC, datetime

    from learningpack.extensions import db
    from learningpack.models import Run

    db.session.add(
        Run(
            school_id=world.school.id,
            package_slug=package.slug,
            year_label="2024/25",
            started_at=datetime(2024, 8, 12, tzinfo=UTC),
            completed_at=datetime(2025, 6, 20, tzinfo=UTC),
        )
    )
    page = page_of(puf_client.get(f"/puf/skoler/{world.school.id}"))
    assert "Forløb 2026/27" in page.split("Tidligere forløb", 1)[0]  # the newest run in full
    earlier = page.split("Tidligere forløb", 1)[1]
    assert "Forløb 2024/25, startet 12. aug. 2024." in earlier
    assert "Hele forløbet er gennemført 20. jun. 2025." in earlier


def test_a_page_of_schools_shows_each_schools_first_follow_ups_and_links_to_the_rest(
    puf_client: FlaskClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from learningpack.reads import digest

    monkeypatch.setattr(digest, "FOLD", 1)
    fill_cycle(world.cycle(1, world.other_run), world.other_leader, world.other_teacher)
    db.session.commit()
    page = page_of(puf_client.get("/puf/laering?omraade=Syd"))
    fjord = page[page.index(">Fjordskolen<") : page.index(">Åby Skole<")]
    assert fjord.count("Aktion i modul 1") == 1
    link = (
        f'href="/puf/laering?skole={world.other_school.id}&amp;modul=faellesskab&amp;omraade=Syd"'
    )
    assert link in fjord and "Se alle 2 opsamlinger fra Fjordskolen" in fjord
    aaby = page[page.index(">Åby Skole<") :]
    assert "Se alle" not in aaby  # its one follow-up is shown

    one = page_of(puf_client.get(f"/puf/laering?skole={world.other_school.id}&omraade=Syd"))
    assert digest_schools(one) == ["Fjordskolen"]
    assert one.count("Aktion i modul 1") == 2 and "Se alle" not in one
    assert "← Læring fra alle skoler" in one
    assert f'<input type="hidden" name="skole" value="{world.other_school.id}">' in one


def test_one_school_that_has_nothing_to_tell_or_a_bad_school(puf_client: FlaskClient) -> None:
    anker = db.session.scalar(select(School.id).where(School.name == "Anker Skole"))
    nothing = page_of(puf_client.get(f"/puf/laering?skole={anker}"))
    assert digest_schools(nothing) == []
    assert "Ingen skoler har samlet op på dette modul endnu." in nothing
    bad = puf_client.get("/puf/laering?skole=0")
    assert bad.status_code == 400 and "Skolen findes ikke." in page_of(bad)
    assert digest_schools(page_of(bad)) == ["Fjordskolen", "Kildeskolen", "Åby Skole"]
