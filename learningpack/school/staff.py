"""The leader's staff page: invite, (de)activate, roles, anonymise, and the school's teams."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from learningpack.domain import accounts
from learningpack.domain.refusals import CycleRefused
from learningpack.domain.teams import save_team
from learningpack.extensions import db
from learningpack.models import Role, Team
from learningpack.output.labels import words
from learningpack.reads.cycles import school_staff, staff_page
from learningpack.school import bp
from learningpack.school.staff_forms import RoleForm, StaffInviteForm, TeamForm
from learningpack.web.access import role_required, team_or_404, user_or_404
from learningpack.web.delivery import deliver_invitation
from learningpack.web.forms import ConfirmForm
from learningpack.web.people import anonymise_view, invitation_flash, invite_person, set_active_view
from learningpack.web.refusals import flash_refused


@bp.get("/personale")
@role_required(Role.LEADER)
def staff() -> str:
    """The school's staff and teams."""
    people, teams = staff_page(current_user)
    return render_template(
        "school/staff.html",
        people=people,
        teams=teams,
        confirm=ConfirmForm(),
        role_form=RoleForm(formdata=None),
        is_pending=accounts.is_pending,
    )


@bp.route("/personale/inviter", methods=["GET", "POST"])
@role_required(Role.LEADER)
def invite() -> Response | tuple[str, int]:
    """Invite a teacher or a leader to the own school."""
    form = StaffInviteForm()
    if (
        form.validate_on_submit()
        and invite_person(form, Role(form.role.data), current_user.school) is not None
    ):
        return redirect(url_for("school.staff"))
    return render_template(
        "school/invite.html",
        form=form,
        heading=_("Invitér en medarbejder"),
        cancel=url_for("school.staff"),
    ), (400 if form.errors else 200)


@bp.post("/personale/<int:user_id>/invitation")
@role_required(Role.LEADER)
def reinvite(user_id: int) -> Response:
    """A new invitation link for someone who has not accepted yet (the old link stops)."""
    user = user_or_404(current_user, user_id)
    if not accounts.is_pending(user):
        flash(_("%(name)s har allerede taget imod invitationen.", name=user.name), "error")
        return redirect(url_for("school.staff"))
    user, raw = accounts.invite(
        email=user.email,
        name=user.name,
        role=user.role,
        school=user.school,
        actor=current_user,
        valid_for=current_app.config["INVITE_VALID_FOR"],
    )
    db.session.commit()
    invitation_flash(user, deliver_invitation(user, raw))
    return redirect(url_for("school.staff"))


@bp.post("/personale/<int:user_id>/deaktiver")
@role_required(Role.LEADER)
def deactivate(user_id: int) -> Response:
    """Deactivate a staff member (their sessions end)."""
    return set_active_view(user_or_404(current_user, user_id), False, url_for("school.staff"))


@bp.post("/personale/<int:user_id>/genaktiver")
@role_required(Role.LEADER)
def reactivate(user_id: int) -> Response:
    """Let a deactivated staff member log in again."""
    return set_active_view(user_or_404(current_user, user_id), True, url_for("school.staff"))


@bp.post("/personale/<int:user_id>/rolle")
@role_required(Role.LEADER)
def change_role(user_id: int) -> Response:
    """Teacher ↔ leader (not one's own role, never the last active leader)."""
    user = user_or_404(current_user, user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        flash(_("Vælg en rolle."), "error")
        return redirect(url_for("school.staff"))
    try:
        accounts.change_role(user, Role(form.role.data), current_user)
    except accounts.AccountRefused as refused:
        flash_refused(refused)
        return redirect(url_for("school.staff"))
    db.session.commit()
    flash(_("%(name)s har nu en ny rolle.", name=user.name), "success")
    return redirect(url_for("school.staff"))


@bp.route("/personale/<int:user_id>/anonymiser", methods=["GET", "POST"])
@role_required(Role.LEADER)
def anonymise(user_id: int) -> Any:
    """Anonymise a departing staff member, after a confirmation."""
    user = user_or_404(current_user, user_id)
    return anonymise_view(
        user, url_for("school.staff"), url_for("school.anonymise", user_id=user.id)
    )


def _team_form(team: Team | None) -> TeamForm:
    data = None
    if team is not None and request.method == "GET":
        data = {"name": team.name, "members": [m.id for m in team.members]}
    form = TeamForm(data=data)
    _, people = school_staff(current_user.school_id)
    if team is not None:
        people += [m for m in team.members if m not in people]
    form.members.choices = [SelectChoice(str(u.id), u.name) for u in people]
    return form


def _save_team(team: Team | None, form: TeamForm) -> Team | None:
    """Ask the domain to save the team; a refusal goes onto the name field."""
    try:
        return save_team(
            current_user.school_id,
            team,
            name=form.name.data or "",
            member_ids=form.members.data or [],
            actor=current_user,
        )
    except CycleRefused as error:
        form.name.errors = words(error.refusals)
        return None


@bp.route("/teams/nyt", methods=["GET", "POST"])
@role_required(Role.LEADER)
def new_team() -> Response | tuple[str, int]:
    """Create a team of the own school's staff."""
    form = _team_form(None)
    if form.validate_on_submit() and _save_team(None, form) is not None:
        db.session.commit()
        flash(_("Teamet er oprettet."), "success")
        return redirect(url_for("school.staff"))
    return render_template("school/team.html", form=form, heading=_("Nyt team")), (
        400 if form.errors else 200
    )


@bp.route("/teams/<int:team_id>", methods=["GET", "POST"])
@role_required(Role.LEADER)
def edit_team(team_id: int) -> Response | tuple[str, int]:
    """Rename a team and choose its members."""
    team = team_or_404(current_user, team_id)
    form = _team_form(team)
    if form.validate_on_submit() and _save_team(team, form) is not None:
        db.session.commit()
        flash(_("Teamet er gemt."), "success")
        return redirect(url_for("school.staff"))
    return render_template("school/team.html", form=form, heading=_("Rediger team")), (
        400 if form.errors else 200
    )
