"""Stalled: also a school whose follow-up meeting is more than the chosen days past with no
follow-up recorded, however busy it is otherwise (reads/overview.py, ``is_stalled``)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from flask.testing import FlaskClient

from learningpack.content import Package
from learningpack.domain.calendar import set_follow_up_date
from learningpack.extensions import db
from learningpack.reads.overview import Cell, SchoolRow
from tests.helpers import page_of
from tests.world import World, make_world

NOW = datetime(2026, 12, 2, 12, tzinfo=UTC)


def row(follow_up_on: date | None, follow_ups: int = 0, state: str = "trying") -> SchoolRow:
    """A school active today, its module open with a follow-up meeting on ``follow_up_on``."""
    cell = Cell(
        position=1,
        state=state,
        follow_up_count=follow_ups,
        follow_up_on_raw=follow_up_on.isoformat() if follow_up_on else None,
        last_activity_raw=NOW.isoformat()[:19].replace("T", " "),
    )
    return SchoolRow(
        id=1, name="Kildeskolen", district="", started_raw="2026-09-01", cells={1: cell}
    )


@pytest.mark.parametrize(
    ("held_on", "follow_ups", "state", "stalled"),
    [
        (None, 0, "trying", False),  # no date set: the old rule only
        (date(2026, 11, 1), 0, "trying", True),  # 31 days past, nothing followed up
        (date(2026, 11, 2), 0, "trying", False),  # exactly 30 days: not yet
        (date(2026, 11, 1), 1, "follow_up", False),  # a follow-up is recorded
        (date(2026, 11, 1), 0, "completed", False),  # the module is done
        (date(2026, 12, 20), 0, "trying", False),  # still ahead
    ],
)
def test_an_overdue_follow_up_meeting_counts_as_stalled(
    held_on: date | None, follow_ups: int, state: str, stalled: bool
) -> None:
    assert row(held_on, follow_ups, state).is_stalled(NOW, 30) is stalled


def test_a_date_string_or_date_from_the_database_is_read_alike() -> None:
    cell = Cell(position=1, state="trying", follow_up_on_raw=date(2026, 11, 1))
    assert cell.follow_up_on == date(2026, 11, 1)
    assert Cell(position=1, state="trying", follow_up_on_raw="2026-11-01").follow_up_on == (
        date(2026, 11, 1)
    )


@pytest.mark.both_backends
def test_the_overview_names_a_school_whose_follow_up_meeting_slipped(
    client: FlaskClient, package: Package
) -> None:
    from tests.factories import login

    world: World = make_world(package)
    cycle = world.cycle(1)
    cycle.opened_at = cycle.opened_at - timedelta(days=20)
    set_follow_up_date(cycle, date.today() - timedelta(days=11))  # rewrites the summary row
    db.session.commit()
    login(client, world.puf)
    assert "Kildeskolen" in page_of(client.get("/puf/?staa=1&dage=10"))
    assert "Kildeskolen" not in page_of(client.get("/puf/?staa=1&dage=11"))
