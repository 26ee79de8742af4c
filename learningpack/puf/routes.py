"""PUF's overview of every school's progress."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from learningpack.access import cycle_or_404, role_required, school_or_404
from learningpack.content import get_library
from learningpack.cycle import CycleRefused, unlock_out_of_order
from learningpack.extensions import db
from learningpack.facilitation.forms import UnlockForm
from learningpack.facilitation.routes import module_page, school_overview
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


def _school_cycle_or_404(school_id: int, slug: str) -> tuple[School, Cycle]:
    school = school_or_404(current_user, school_id)
    return school, cycle_or_404(current_user, school.id, slug)


@bp.get("/skoler/<int:school_id>")
@role_required(Role.PUF)
def school(school_id: int) -> tuple[str, int]:
    """One school's run, read-only."""
    return school_overview(school_or_404(current_user, school_id), current_user)


@bp.get("/skoler/<int:school_id>/modul/<slug>")
@role_required(Role.PUF)
def module(school_id: int, slug: str) -> Any:
    """One module of a school's run, read-only; a locked one can be opened with a reason."""
    school, cycle = _school_cycle_or_404(school_id, slug)
    form = UnlockForm() if cycle.state == CycleState.LOCKED else None
    return module_page(school, cycle, current_user, unlock_form=form)


@bp.post("/skoler/<int:school_id>/modul/<slug>/aabn")
@role_required(Role.PUF)
def unlock(school_id: int, slug: str) -> Any:
    """Open a locked module out of order; the reason goes to the audit log."""
    school, cycle = _school_cycle_or_404(school_id, slug)
    form = UnlockForm()
    if not form.validate_on_submit():
        return module_page(school, cycle, current_user, status=400, unlock_form=form)
    try:
        unlock_out_of_order(cycle, current_user, form.reason.data or "")
    except CycleRefused as error:
        db.session.rollback()
        for reason in error.reasons:
            flash(reason, "error")
        return redirect(url_for("puf.module", school_id=school.id, slug=slug))
    db.session.commit()
    flash(
        _(
            "Modulet er åbnet for %(school)s. Begrundelsen er gemt i revisionsloggen.",
            school=school.name,
        ),
        "success",
    )
    return redirect(url_for("puf.module", school_id=school.id, slug=slug))
