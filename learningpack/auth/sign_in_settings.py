"""The leader's sign-in setting for the school: password sign-in off for staff with a link."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from learningpack.auth import bp
from learningpack.auth.forms import SignInSettingsForm
from learningpack.auth.provider import providers
from learningpack.domain import sign_on
from learningpack.extensions import db
from learningpack.models import Role, School
from learningpack.web.access import role_required


def _school() -> School:
    school = db.session.get(School, current_user.school_id)
    assert school is not None  # a leader always has a school
    return school


@bp.route("/log-ind/indstillinger", methods=["GET", "POST"])
@role_required(Role.LEADER)
def sign_in_settings() -> Response | str:
    """Whether the school's staff with the municipality's login may also use a password."""
    school = _school()
    form = SignInSettingsForm(data={"password_off": school.password_off_for_linked})
    if form.validate_on_submit():
        sign_on.set_password_off_for_linked(school, bool(form.password_off.data), current_user)
        db.session.commit()
        flash(_("Indstillingen for log ind er gemt."), "success")
        return redirect(url_for("auth.sign_in_settings"))
    return render_template(
        "auth/sign_in_settings.html",
        form=form,
        school=school,
        providers=providers(),
        deployment_off=current_app.config["OIDC_DISABLE_PASSWORD_FOR_LINKED"],
    )
