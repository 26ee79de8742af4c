"""A school's teams: one write for a team's name and members, audited."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select

from learningpack.domain.privacy import guard_free_text
from learningpack.domain.refusals import refuse
from learningpack.extensions import db
from learningpack.models import Team, User
from learningpack.models.audit import record


def save_team(
    school_id: int, team: Team | None, *, name: str, member_ids: Collection[int], actor: User
) -> Team:
    """Create (``team`` None) or change a team of the school: its name and its members.

    Members are chosen among the school's own staff (other ids are ignored); a name another
    team of the school has is refused (``team_name_taken``), as is a CPR number in it.
    """
    name = name.strip()
    guard_free_text(name=name)
    clash = db.session.scalar(
        select(Team.id).where(
            Team.school_id == school_id,
            Team.name == name,
            Team.id != (team.id if team else -1),
        )
    )
    if clash is not None:
        raise refuse("team_name_taken")
    members = list(
        db.session.scalars(
            select(User).where(User.school_id == school_id, User.id.in_(set(member_ids)))
        )
    )
    if team is None:
        team = Team(school_id=school_id, name=name)
        db.session.add(team)
    team.name = name
    team.members = members
    db.session.flush()
    record(
        "team_saved",
        actor=actor,
        obj=team,
        school_id=team.school_id,
        members=[m.id for m in members],
    )
    return team
