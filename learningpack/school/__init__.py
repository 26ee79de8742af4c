"""The school's own pages (/skole): its run and modules, staff and teams, its data export."""

from flask import Blueprint

bp = Blueprint("school", __name__, url_prefix="/skole")

from learningpack.school import (  # noqa: E402, F401  (views attach to bp)
    actions,
    approach,
    calendar,
    corrections,
    data_export,
    handouts,
    learning,
    routes,
    staff,
)
