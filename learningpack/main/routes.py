"""The front door and pages every visitor may read."""

from __future__ import annotations

import hmac
from datetime import date

from flask import (
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from learningpack.content import default_package
from learningpack.extensions import limiter
from learningpack.main import bp
from learningpack.models import Role
from learningpack.ops import metrics as ops_metrics
from learningpack.ops.health import readiness
from learningpack.web.access import public, role_required, start_page_for


@bp.get("/")
@public
def index() -> BaseResponse:
    """Send the user to their role's start page, or to the login."""
    if current_user.is_authenticated:
        return redirect(url_for(start_page_for(current_user)))
    return redirect(url_for("auth.login"))


# The statement is reviewed at least once a year (the Danish web accessibility act): change
# the date when it is, and the known issues when they change.
STATEMENT_DATE = date(2026, 12, 2)
# Where a citizen turns when the municipality's answer is missing or not enough.
DIGST_COMPLAINTS = (
    "https://digst.dk/digital-inklusion/webtilgaengelighed/oplever-du-ikke-tilgaengeligt-indhold/"
)


@bp.get("/tilgaengelighed")
@public
def accessibility() -> str:
    """The accessibility statement (tilgængelighedserklæring), after the Danish model."""
    return render_template(
        "main/accessibility.html",
        statement_date=STATEMENT_DATE,
        contact=current_app.config.get("ACCESSIBILITY_CONTACT") or "",
        complaints_url=DIGST_COMPLAINTS,
    )


@bp.get("/faelles-tilgang")
@role_required(Role.LEADER, Role.TEACHER, Role.PUF)
def common_approach() -> str:
    """The common approach (a draft while it is one) with reflection questions per principle."""
    return render_template(
        "main/common_approach.html",
        approach=default_package().common_approach,
        has_school=current_user.school_id is not None,
    )


# Probes and the metrics scrape: no login, no rate limit (they are polled every few seconds),
# no session and no personal data. deploy/README.md, "Production".
@bp.get("/healthz")
@limiter.exempt
@public
def health() -> Response:
    """Liveness: the process answers (a supervisor restarts it when not)."""
    return jsonify(status="ok")


@bp.get("/readyz")
@limiter.exempt
@public
def ready() -> tuple[Response, int]:
    """Readiness: database and Redis answer, migrations at head, content loaded; 503 if not."""
    result = readiness()
    return jsonify(result.as_json()), 200 if result.ready else 503


@bp.get("/metrics")
@limiter.exempt
@public
def metrics() -> Response:
    """Prometheus metrics, for the bearer of METRICS_TOKEN (404 while no token is set)."""
    token = str(current_app.config.get("METRICS_TOKEN") or "")
    if not token:
        abort(404)
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode(), token.encode()):
        return Response("unauthorized\n", 401, {"WWW-Authenticate": "Bearer"})
    return Response(ops_metrics.exposition(), 200, {"Content-Type": ops_metrics.CONTENT_TYPE})
