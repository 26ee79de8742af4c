"""Links sent by e-mail: a forgotten password's reset link and an invitation to an account."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from learningpack.auth import bp
from learningpack.auth.account_forms import (
    AcceptInvitationForm,
    ForgotPasswordForm,
    ResetPasswordForm,
)
from learningpack.auth.limits import input_key, login_rate
from learningpack.auth.routes import complete_login
from learningpack.domain import accounts
from learningpack.extensions import db, limiter
from learningpack.models import TokenKind
from learningpack.ops.startup import reset_links_allowed
from learningpack.output.labels import words
from learningpack.web.access import public
from learningpack.web.delivery import deliver_reset


def _forgot_key() -> str:
    return input_key("reset-account", request.form.get("email", ""))


@bp.route("/glemt-adgangskode", methods=["GET", "POST"])
@limiter.limit(login_rate, methods=["POST"])
@limiter.limit("3 per hour", key_func=_forgot_key, methods=["POST"])
@public
def forgot_password() -> Response | tuple[str, int]:
    """Ask for a reset link; the answer is the same whether the address exists or not."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        if reset_links_allowed():
            found = accounts.request_reset(
                form.email.data or "", current_app.config["RESET_VALID_FOR"]
            )
            db.session.commit()
            if found is not None:
                deliver_reset(*found)
        flash(
            _(
                "Hvis adressen findes i Læringspakken, er der sendt et link til at nulstille "
                "adgangskoden. Linket udløber om en time."
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form), (400 if form.errors else 200)


def _token_or_message(raw: str, kind: TokenKind) -> Any:
    try:
        return accounts.find_token(raw, kind)
    except accounts.AccountRefused as refused:
        return render_template(
            "auth/link_refused.html", message=" ".join(words(refused.refusals))
        ), 410


@bp.route("/nulstil/<token>", methods=["GET", "POST"])
@limiter.limit(login_rate, methods=["POST"])
@public
def reset_password(token: str) -> Any:
    """Choose a new password from a reset link; every session of the user ends."""
    found = _token_or_message(token, TokenKind.RESET)
    if isinstance(found, tuple):
        return found
    form = ResetPasswordForm()
    form.user_email = found.user.email  # type: ignore[attr-defined]
    form.user_name = found.user.name  # type: ignore[attr-defined]
    if form.validate_on_submit():
        try:
            accounts.reset_password(found, form.password.data or "")
        except accounts.AccountRefused as refused:  # the link was used a moment ago
            db.session.rollback()
            message = " ".join(words(refused.refusals))
            return render_template("auth/link_refused.html", message=message), 410
        db.session.commit()
        flash(_("Din adgangskode er skiftet. Log ind med den nye."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form), (400 if form.errors else 200)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@limiter.limit(login_rate, methods=["POST"])
@public
def accept_invitation(token: str) -> Any:
    """Accept an invitation: choose name and password; the account becomes active."""
    found = _token_or_message(token, TokenKind.INVITE)
    if isinstance(found, tuple):
        return found
    form = AcceptInvitationForm(
        data=None if request.method == "POST" else {"name": found.user.name}
    )
    form.user_email = found.user.email  # type: ignore[attr-defined]
    if form.validate_on_submit():
        try:
            accounts.accept_invitation(
                found, name=form.name.data or "", password=form.password.data or ""
            )
        except accounts.AccountRefused as refused:
            db.session.rollback()
            if "link_used" in refused.codes:  # accepted by a concurrent request a moment ago
                message = " ".join(words(refused.refusals))
                return render_template("auth/link_refused.html", message=message), 410
            form.name.errors = [*form.name.errors, *words(refused.refusals)]
            return render_template("auth/accept.html", form=form, invitee=found.user), 400
        db.session.commit()
        if not found.user.may_log_in:  # the school was deactivated meanwhile
            flash(_("Din konto er klar. Log ind med din e-mail og den nye adgangskode."), "success")
            return redirect(url_for("auth.login"))
        return complete_login(found.user, None, notice=_("Din konto er klar, og du er logget ind."))
    return render_template("auth/accept.html", form=form, invitee=found.user), (
        400 if form.errors else 200
    )
