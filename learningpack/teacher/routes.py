"""The teacher's pages: my actions."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from learningpack.access import role_required
from learningpack.models import Role
from learningpack.queries import my_actions

bp = Blueprint("teacher", __name__, url_prefix="/mine-aktioner")


@bp.get("/")
@role_required(Role.TEACHER, Role.LEADER)
def my_actions_page() -> str:
    """The actions I own or my team owns, in the school's open modules."""
    return render_template("teacher/my_actions.html", actions=my_actions(current_user))
