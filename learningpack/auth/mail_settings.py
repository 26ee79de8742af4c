"""Which reminder e-mails one gets (a section of /konto), and the one-click unsubscribe link
that every reminder e-mail carries (no login: the signed link is the permission)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import BooleanField

from learningpack.auth import bp
from learningpack.domain import mail_choices
from learningpack.extensions import csrf, db
from learningpack.models import Role, User
from learningpack.web.access import public, role_required
from learningpack.web.forms import Form

LABELS = {
    mail_choices.ACTIONS: _l(
        "Mine aktioner: når der ikke er logget i et stykke tid, og når perioden snart slutter"
    ),
    mail_choices.REFLECTION: _l("Når det er tid til teamets refleksion"),
    mail_choices.FOLLOW_UP: _l("Tre dage før opfølgningsmødet, med det, der mangler"),
    mail_choices.SCHOOL_WEEK: _l("Skolens uge, hver mandag"),
    mail_choices.PUF_WEEK: _l("Ugen i kommunen, hver mandag"),
    mail_choices.PROPOSALS: _l("Når en skole foreslår noget til videnbanken"),
}


class MailChoicesForm(Form):
    """One checkbox per kind of reminder e-mail (the page shows those of the user's role)."""

    actions = BooleanField(LABELS[mail_choices.ACTIONS])
    reflection = BooleanField(LABELS[mail_choices.REFLECTION])
    follow_up = BooleanField(LABELS[mail_choices.FOLLOW_UP])
    school_week = BooleanField(LABELS[mail_choices.SCHOOL_WEEK])
    puf_week = BooleanField(LABELS[mail_choices.PUF_WEEK])
    proposals = BooleanField(LABELS[mail_choices.PROPOSALS])


@dataclass(frozen=True)
class MailSection:
    form: MailChoicesForm
    fields: tuple[str, ...]


def mail_section(user: User, choices: dict[str, bool]) -> MailSection:
    """The /konto section: the user's current choices (reads/account.py) as checkboxes."""
    return MailSection(
        MailChoicesForm(formdata=None, data=choices, prefix="mail"),
        mail_choices.choices_for(user.role),
    )


@bp.post("/konto/e-mails")
@role_required(Role.LEADER, Role.TEACHER, Role.PUF)
def mail_settings() -> Response:
    """Save which reminder e-mails the user gets."""
    user = db.session.get(User, current_user.id)
    assert user is not None
    form = MailChoicesForm(prefix="mail")
    if not form.validate_on_submit():
        flash(_("Dine e-mailvalg blev ikke gemt. Prøv igen."), "error")
        return redirect(url_for("auth.account"))
    for choice in mail_choices.choices_for(user.role):
        mail_choices.set_choice(user, choice, bool(form[choice].data))
    db.session.commit()
    flash(_("Dine e-mailvalg er gemt."), "success")
    return redirect(url_for("auth.account"))


@bp.route("/afmeld/<token>", methods=["GET", "POST"])
@csrf.exempt
@public
def unsubscribe(token: str) -> tuple[str, int]:
    """Turn one kind of reminder e-mail off: GET asks to confirm, POST (the button, or the mail
    program's one-click request, RFC 8058) does it."""
    found = mail_choices.read_unsubscribe_token(current_app.config["SECRET_KEY"], token)
    user = db.session.get(User, found[0]) if found else None
    if found is None or user is None:
        return render_template("auth/unsubscribe.html", state="invalid"), 404
    label = LABELS[found[1]]
    if request.method == "POST":
        mail_choices.set_choice(user, found[1], False)
        db.session.commit()
        return render_template("auth/unsubscribe.html", state="done", label=label), 200
    return render_template("auth/unsubscribe.html", state="ask", label=label, token=token), 200
