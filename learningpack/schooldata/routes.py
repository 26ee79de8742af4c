"""Download a school's data: the school's leader for their own school, PUF for any school."""

from __future__ import annotations

from flask import Blueprint, Response
from flask_login import current_user

from learningpack.access import can_export_school, require, role_required, school_or_404
from learningpack.extensions import db
from learningpack.models import Role, School
from learningpack.models.audit import record
from learningpack.school_export import export_file_name, export_school

bp = Blueprint("schooldata", __name__)


def _download(school: School) -> Response:
    require(can_export_school(current_user, school.id))
    data = export_school(school)
    record("school_exported", actor=current_user, obj=school, school_id=school.id, size=len(data))
    db.session.commit()
    response = Response(data, mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{export_file_name(school)}"'
    return response


@bp.get("/skole/data-eksport")
@role_required(Role.LEADER)
def own_school() -> Response:
    """The leader downloads their own school's data."""
    return _download(school_or_404(current_user, current_user.school_id))


@bp.get("/puf/skoler/<int:school_id>/data-eksport")
@role_required(Role.PUF)
def any_school(school_id: int) -> Response:
    """PUF downloads one school's data."""
    return _download(school_or_404(current_user, school_id))
