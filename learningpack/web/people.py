"""People pieces shared by the leader's staff page and PUF's administration: the invitation
form, and the (de)activate and anonymise steps with their messages."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import EmailField, StringField
from wtforms.validators import DataRequired, Email, Length

from learningpack.domain import accounts
from learningpack.extensions import db
from learningpack.models import Role, School, User
from learningpack.output.labels import words
from learningpack.web.delivery import deliver_invitation
from learningpack.web.forms import ConfirmForm, Form, StopLength
from learningpack.web.refusals import flash_refused


class InviteForm(Form):
    name = StringField(
        _l("Navn"),
        validators=[DataRequired(_l("Skriv personens navn.")), Length(max=200)],
        description=_l("Personen kan rette navnet, når invitationen tages imod."),
    )
    email = EmailField(
        _l("E-mail"),
        validators=[
            DataRequired(_l("Skriv personens e-mailadresse.")),
            StopLength(max=254, message=_l("Højst %(max)d tegn.", max=254)),
            Email(
                _l("Skriv en gyldig e-mailadresse, fx navn@aarhus.dk."), check_deliverability=False
            ),
        ],
    )


def invitation_flash(user: User, link: str | None) -> None:
    """Tell the inviter the link was mailed, or show it to hand over."""
    if link is None:
        flash(_("Invitationen er sendt til %(email)s.", email=user.email), "success")
    else:
        flash(
            _(
                "Der er ikke sat e-mail op, så giv selv %(name)s dette link (det virker én gang "
                "og udløber om 7 dage): %(link)s",
                name=user.name,
                link=link,
            ),
            "success",
        )


def set_active_view(user: User, active: bool, back: str) -> Response:
    """Shared by the leader's and PUF's pages."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        accounts.set_active(user, active, current_user)
    except accounts.AccountRefused as refused:
        flash_refused(refused)
        return redirect(back)
    db.session.commit()
    if active:
        flash(_("%(name)s kan logge ind igen.", name=user.name), "success")
    else:
        flash(_("%(name)s er deaktiveret og logget ud alle steder.", name=user.name), "success")
    return redirect(back)


def anonymise_view(user: User, back: str, action: str) -> Any:
    """Shared: a confirmation page (GET), then the anonymising (POST)."""
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            accounts.anonymise(user, current_user)
        except accounts.AccountRefused as refused:
            flash_refused(refused)
            return redirect(back)
        db.session.commit()
        flash(_("Kontoen er anonymiseret. Historikken er bevaret."), "success")
        return redirect(back)
    if user.anonymised_at is not None:
        flash(_("Kontoen er allerede anonymiseret."), "info")
        return redirect(back)
    return render_template(
        "school/anonymise.html", person=user, form=form, back=back, action=action
    )


def invite_person(form: InviteForm, role: Role, school: School) -> User | None:
    """Invite someone from a validated form: the invitation is saved and its link delivered
    (mailed, or shown to the inviter); None with the refusal on the e-mail field otherwise."""
    try:
        user, raw = accounts.invite(
            email=form.email.data or "",
            name=form.name.data or "",
            role=role,
            school=school,
            actor=current_user,
            valid_for=current_app.config["INVITE_VALID_FOR"],
        )
    except accounts.AccountRefused as refused:
        db.session.rollback()
        form.email.errors = words(refused.refusals)
        return None
    db.session.commit()
    invitation_flash(user, deliver_invitation(user, raw))
    return user
