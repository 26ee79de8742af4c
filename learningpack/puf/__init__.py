"""PUF, the central office: every school's progress, learnings, exports, audit log, API keys."""

from flask import Blueprint

bp = Blueprint("puf", __name__, url_prefix="/puf")

from learningpack.puf import (  # noqa: E402, F401  (views attach to bp)
    api_keys,
    audit_log,
    calendar,
    events,
    exports,
    reports,
    routes,
    year_report,
)
