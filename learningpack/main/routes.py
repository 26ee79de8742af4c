"""The front door and pages every visitor may read."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from learningpack.content import default_package
from learningpack.main import bp
from learningpack.models import Role
from learningpack.web.access import public, role_required, start_page_for


@bp.get("/")
@public
def index() -> Response:
    """Send the user to their role's start page, or to the login."""
    if current_user.is_authenticated:
        return redirect(url_for(start_page_for(current_user)))
    return redirect(url_for("auth.login"))


@bp.get("/tilgaengelighed")
@public
def accessibility() -> str:
    """The accessibility statement (tilgængelighedserklæring)."""
    return render_template("main/accessibility.html")


@bp.get("/faelles-tilgang")
@role_required(Role.LEADER, Role.TEACHER, Role.PUF)
def common_approach() -> str:
    """The common approach (a draft while it is one) with reflection questions per principle."""
    return render_template(
        "main/common_approach.html",
        approach=default_package().common_approach,
        has_school=current_user.school_id is not None,
    )


@bp.get("/healthz")
@public
def health() -> tuple[str, int, dict[str, str]]:
    """A liveness probe for the server's supervisor."""
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}
