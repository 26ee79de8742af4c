"""Invitation and reset links: mailed in the recipient's language when SMTP is set up."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from learningpack.models import TokenKind, User
from learningpack.output.mail import mail_configured, send_mail


def link_for(endpoint: str, raw: str) -> str:
    return url_for(endpoint, token=raw, _external=True)


@dataclass(frozen=True)
class Recipient:
    """Who a mail goes to, copied out of the database row (safe to hand to another thread)."""

    email: str
    name: str
    locale: str


def mail_link(user: User | Recipient, kind: TokenKind, link: str) -> None:
    with force_locale(user.locale or "da"):
        if kind == TokenKind.INVITE:
            subject = _("Invitation til Læringspakken")
            body = _(
                "Hej %(name)s\n\nDu er inviteret til Læringspakken om styrket "
                "forældresamarbejde. Åbn linket, og vælg din adgangskode:\n\n%(link)s\n\n"
                "Linket virker én gang og udløber om %(days)d dage.\n",
                name=user.name,
                link=link,
                days=current_app.config["INVITE_VALID_FOR"].days,
            )
        else:
            subject = _("Nulstil din adgangskode til Læringspakken")
            body = _(
                "Hej %(name)s\n\nNogen (forhåbentlig dig) har bedt om at nulstille din "
                "adgangskode. Åbn linket for at vælge en ny:\n\n%(link)s\n\nLinket virker én "
                "gang og udløber om en time. Har du ikke bedt om det, kan du se bort fra denne "
                "e-mail.\n",
                name=user.name,
                link=link,
            )
    send_mail(user.email, subject, body)


def deliver_invitation(user: User, raw: str) -> str | None:
    """Mail the invitation when SMTP is set up; otherwise return the link for the inviter."""
    link = link_for("auth.accept_invitation", raw)
    if mail_configured():
        try:
            mail_link(user, TokenKind.INVITE, link)
            return None
        except OSError:
            current_app.logger.exception("Invitation e-mail to user %s failed", user.id)
    return link


def deliver_reset(user: User, raw: str) -> None:
    """Send a reset link to its owner, after the answer when ``MAIL_IN_BACKGROUND`` is on (so
    the answer takes as long for a known address as for an unknown one).

    Without mail, a development server writes the link to the log for the developer;
    production issues no link at all (see ``ops/startup.reset_links_allowed``), so no live
    link ever reaches a production log.
    """
    link = link_for("auth.reset_password", raw)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if not mail_configured():
        if not app.config["PRODUCTION"]:
            app.logger.warning("Password reset link for user %s: %s", user.id, link)
        return
    recipient = Recipient(user.email, user.name, user.locale or "da")
    user_id = user.id

    def send() -> None:
        with app.app_context():
            try:
                mail_link(recipient, TokenKind.RESET, link)
            except OSError:
                app.logger.exception("Reset e-mail to user %s failed", user_id)

    if app.config.get("MAIL_IN_BACKGROUND"):
        threading.Thread(target=send, name="reset-mail", daemon=True).start()
    else:
        send()
