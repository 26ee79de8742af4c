"""The leader downloads the own school's data as a ZIP of CSVs."""

from __future__ import annotations

from flask import Response
from flask_login import current_user

from learningpack.extensions import db
from learningpack.models import Role
from learningpack.output.school_export import download_response
from learningpack.school import bp
from learningpack.web.access import role_required, school_or_404
from learningpack.web.read_only import writes_on_get


@bp.get("/data-eksport")
@writes_on_get  # the export is audited
@role_required(Role.LEADER)
def data_export() -> Response:
    """The leader downloads their own school's data."""
    response = download_response(school_or_404(current_user, current_user.school_id), current_user)
    db.session.commit()
    return response
