"""PUF's overview of every school's progress."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import func, select

from learningpack.access import role_required
from learningpack.content import get_library
from learningpack.extensions import db
from learningpack.models import Action, Cycle, CycleState, Role, Run, School
from learningpack.text import danish_key

bp = Blueprint("puf", __name__, url_prefix="/puf")


@bp.get("/")
@role_required(Role.PUF)
def overview() -> str:
    """Every school with its open module, actions and last activity."""
    schools = sorted(db.session.scalars(select(School)), key=lambda s: danish_key(s.name))
    open_cycles = db.session.execute(
        select(
            Run.school_id,
            Cycle.module_slug,
            Cycle.position,
            Cycle.last_activity_at,
            Run.package_slug,
        )
        .join(Run, Run.id == Cycle.run_id)
        .where(Cycle.state == CycleState.ACTIVE)
        .order_by(Cycle.position)
    ).all()
    action_counts = dict(
        db.session.execute(
            select(Run.school_id, func.count(Action.id))
            .join(Cycle, Cycle.run_id == Run.id)
            .join(Action, Action.cycle_id == Cycle.id)
            .group_by(Run.school_id)
        ).all()
    )
    library = get_library()
    open_by_school: dict[int, list] = {}
    for row in open_cycles:
        module = library.package(row.package_slug).module(row.module_slug)
        open_by_school.setdefault(row.school_id, []).append((module, row.last_activity_at))
    return render_template(
        "puf/overview.html",
        schools=schools,
        open_by_school=open_by_school,
        action_counts=action_counts,
    )
