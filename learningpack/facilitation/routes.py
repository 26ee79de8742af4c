"""The leader's school page: the run and its modules."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from learningpack.access import role_required
from learningpack.content import get_library
from learningpack.cycle import lock_reason
from learningpack.models import Role
from learningpack.queries import current_run

bp = Blueprint("facilitation", __name__, url_prefix="/skole")


@bp.get("/")
@role_required(Role.LEADER, Role.TEACHER)
def school() -> str:
    """The school's run: every module with its state, and why a locked one is locked."""
    run = current_run(current_user.school_id)
    library = get_library()
    package = library.package(run.package_slug) if run else next(iter(library.packages.values()))
    rows = []
    if run is not None:
        for cycle in run.cycles:
            rows.append((cycle, package.module(cycle.module_slug), lock_reason(cycle, package)))
    return render_template(
        "facilitation/school.html", run=run, package=package, rows=rows, school=current_user.school
    )
